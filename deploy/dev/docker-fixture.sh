#!/usr/bin/env bash
# Ensures a Docker engine answers, builds the offline test image and runs the long-lived
# test container "servertest" that exec-broker's integration tests exec into.
# Idempotent: newcomers run it by hand, .ci/run runs it on a fresh machine. Never pulls.
# shellcheck disable=SC1091,SC2015  # os-release is runtime input; "A && B || die" is intended
set -euo pipefail

IMAGE=exec-broker-test:latest
CONTAINER=servertest
LABEL=exec-broker.test=true
LOCAL_SOCK=unix:///var/run/docker.sock
DOCKERD_LOG=/var/log/exec-broker-dockerd.log
WAIT_SECS=60
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<EOF
Usage: $0 [--help]
Makes sure that, when it returns successfully:
  - a Docker engine answers at \$DOCKER_HOST (default $LOCAL_SOCK); as root on Debian/Ubuntu
    it installs docker.io with apt-get and starts dockerd if needed (log: $DOCKERD_LOG);
  - image $IMAGE is built FROM scratch (static busybox + bash, see $HERE/test-image);
  - container $CONTAINER runs from that image (label $LABEL), replaced if stale.
Safe to run repeatedly. Nothing is pulled from any registry.
EOF
}
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

log() { echo "docker-fixture: $*"; }
die() { echo "docker-fixture: ERROR: $*" >&2; exit 1; }
. "$HERE/apt.sh"

export DOCKER_HOST=${DOCKER_HOST:-$LOCAL_SOCK}
TMP=$(mktemp -d)
cleanup() { rm -rf "$TMP"; apt_cleanup; }
trap cleanup EXIT

engine_up() { command -v docker >/dev/null && timeout 10 docker version >/dev/null 2>&1; }

# alive PID [NAME]: PID is a live, non-zombie process (called NAME). PIDs in stale pid files may
# have been reused by unrelated processes, and killed daemons can linger as zombies here.
alive() {
  local stat
  [[ ${1:-} =~ ^[0-9]+$ ]] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  [[ $stat != *") Z "* ]] && { [[ -z ${2:-} ]] || [[ $stat == "$1 ($2) "* ]]; }
}
running() { local p; for p in /proc/[0-9]*; do alive "${p#/proc/}" "$1" && return 0; done; return 1; }

# Leftovers of a dockerd/containerd that were killed (or of a previous boot) that stop dockerd from starting.
clean_stale_state() {
  local run pid
  run=$(readlink -f /var/run)
  # dockerd refuses to start while its pid file names a live process, even an unrelated one.
  pid=$(cat "$run/docker.pid" 2>/dev/null || true)
  if [[ -n $pid ]] && ! alive "$pid" dockerd; then log "removing stale $run/docker.pid"; rm -f "$run/docker.pid"; fi
  # A live PID in dockerd's containerd.pid makes dockerd wait for that "containerd" until it times out.
  pid=$(cat "$run/docker/containerd/containerd.pid" 2>/dev/null || true)
  if [[ -e $run/docker/containerd ]] && ! alive "$pid" containerd; then
    log "removing stale containerd pid file/sockets in $run/docker/containerd"
    rm -f "$run"/docker/containerd/containerd*.{pid,sock,sock.ttrpc}
  fi
  # dockerd uses a system containerd whenever this socket merely exists, then fails to dial it.
  if [[ -S $run/containerd/containerd.sock ]] && ! running containerd; then
    log "removing stale $run/containerd/containerd.sock"; rm -f "$run"/containerd/containerd.sock*
  fi
  # Nothing of the old engine is left (no containerd, no container shims): $run/docker only holds
  # dead runtime state (netns bind mounts, runc state, sockets), so start from an empty one.
  # If shims survived, keep it: dockerd reconnects to them and cleans up itself.
  if [[ -d $run/docker ]] && ! running containerd && ! running containerd-shim; then
    log "removing stale runtime state in $run/docker"
    awk -v d="$run/docker/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
      xargs -r umount -l 2>/dev/null || true
    rm -rf "$run/docker" || log "could not remove all of $run/docker; trying anyway"
  fi
  rm -f "$run/docker.sock"
}

ensure_engine() {
  if engine_up; then log "engine answers at $DOCKER_HOST"; return; fi
  [[ $DOCKER_HOST == "$LOCAL_SOCK" ]] ||
    die "DOCKER_HOST=$DOCKER_HOST does not answer 'docker version'; start that engine or unset DOCKER_HOST."
  [[ ! -S /var/run/docker.sock || -w /var/run/docker.sock ]] ||
    die "no permission on /var/run/docker.sock: run as root, or join group docker (sudo usermod -aG docker \$USER; log in again)."
  is_debian_root || die "no Docker engine answers at $LOCAL_SOCK. Install Docker (Debian/Ubuntu: sudo apt-get install docker.io busybox-static), start it (sudo systemctl start docker, or sudo dockerd &), then rerun."
  if ! command -v docker >/dev/null || ! command -v dockerd >/dev/null ||
     ! [[ -x /usr/bin/docker-init || -x /usr/libexec/docker/docker-init ]]; then
    apt_install docker.io
  fi
  local pid=
  if [[ -d /run/systemd/system && $(cat /proc/1/comm) == systemd ]]; then  # real systemd host (dev laptop)
    log "starting docker with systemctl"; systemctl start docker || die "systemctl start docker failed"
  elif running dockerd; then
    log "dockerd is running but not answering yet; waiting for it"
  else
    clean_stale_state
    log "starting dockerd in the background (log: $DOCKERD_LOG)"
    # Default flags, verified in the sandbox (Debian 12, docker.io 20.10, kernel 6.x): overlay2 works on the
    # ext4 root and iptables (nft backend) works, so neither --storage-driver=vfs nor --iptables=false is
    # needed (dockerd would fall back from overlay2 by itself where unsupported). Only the socket is explicit.
    # setsid+nohup: own session, so it survives this script and CI's process-group cleanup. Close all
    # inherited fds but 0-2: dockerd must not hold our lock or a caller's pipe (CI would wait for EOF).
    (
      for fd in /proc/"$BASHPID"/fd/*; do fd=${fd##*/}; if ((fd > 2)); then eval "exec $fd>&-"; fi; done
      exec setsid nohup dockerd --host="$LOCAL_SOCK" >>"$DOCKERD_LOG" 2>&1 </dev/null
    ) &
    pid=$!
  fi
  local deadline=$((SECONDS + WAIT_SECS))
  until engine_up; do
    if [[ -n $pid ]] && ! alive "$pid"; then tail -n 20 "$DOCKERD_LOG" >&2; die "dockerd exited; see $DOCKERD_LOG"; fi
    ((SECONDS < deadline)) || die "engine did not answer within ${WAIT_SECS}s; see $DOCKERD_LOG"
    sleep 1
  done
  log "engine answers at $DOCKER_HOST"
}

build_image() {
  local ctx=$TMP/ctx root=$TMP/ctx/rootfs lib applet builder=0
  mkdir -p "$root"/{bin,etc,tmp,root} "$ctx/home-app"
  chmod 1777 "$root/tmp"
  cp "$HERE/test-image/Dockerfile" "$ctx/"
  cp "$HERE/test-image/passwd" "$HERE/test-image/group" "$root/etc/"
  # GNU cat too: busybox cat has no -E, which the binary-safety tests use (fa ff 0a -> fa ff 24 0a).
  cp /bin/busybox /bin/bash /bin/cat "$root/bin/"
  for lib in $(ldd /bin/bash /bin/cat | grep -v ':$' | grep -o '/[^ ]*' | sort -u); do   # libs and loader, where they expect
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
  done
  for applet in $(/bin/busybox --list); do             # keeps busybox and bash themselves
    [[ -e $root/bin/$applet ]] || ln -s busybox "$root/bin/$applet"
  done
  # BuildKit only via buildx (absent here); the classic builder needs no network for FROM scratch.
  if docker buildx version >/dev/null 2>&1; then builder=1; fi
  log "building $IMAGE (DOCKER_BUILDKIT=$builder)"
  DOCKER_BUILDKIT=$builder docker build -q -t "$IMAGE" --label "$LABEL" "$ctx" >/dev/null 2>"$TMP/build.log" ||
    { cat "$TMP/build.log" >&2; die "docker build failed"; }
}

ensure_container() {
  local image_id state
  image_id=$(docker image inspect -f '{{.Id}}' "$IMAGE")
  state=$(docker container inspect -f '{{.State.Running}} {{.Image}}' "$CONTAINER" 2>/dev/null || true)
  if [[ $state == "true $image_id" ]]; then log "container $CONTAINER already runs the current image"; return; fi
  if [[ -n $state ]]; then log "replacing stale container $CONTAINER (running/image: $state)"; docker rm -f "$CONTAINER" >/dev/null; fi
  log "starting container $CONTAINER"
  # --init: docker-init (tini) is PID 1, reaps finished processes so `ps` shows the truth.
  docker run -d --pull=never --init --name "$CONTAINER" --label "$LABEL" "$IMAGE" /bin/sleep 2147483647 >/dev/null
}

# ExecTerminatorIT freezes (SIGSTOP) the shim of a container of its own; a run killed meanwhile leaves it frozen.
remove_stale_test_containers() {
  local id
  for id in $(docker ps -aq --no-trunc --filter "label=$LABEL" --filter name=exec-broker-terminator-it-); do
    log "removing stale test container ${id:0:12}"
    local cmdline
    for cmdline in /proc/[0-9]*/cmdline; do # its shim, thawed, or the removal waits for it for ever
      [[ $(tr '\0' ' ' <"$cmdline" 2>/dev/null) == *containerd-shim*" -id $id "* ]] &&
        { kill -CONT "$(basename "$(dirname "$cmdline")")" 2>/dev/null || true; }
    done
    docker rm -f "$id" >/dev/null
  done
}

verify() {
  local out bash_version
  out=$(docker exec "$CONTAINER" sh -c 'echo ok') && [[ $out == ok ]] || die "'sh -c \"echo ok\"' in $CONTAINER printed '$out'"
  docker exec "$CONTAINER" sh -c 'for c in cat wc sleep ps printf od head tr kill bash; do
    command -v "$c" >/dev/null || { echo "missing $c" >&2; exit 1; }; done' || die "tools missing in $CONTAINER"
  bash_version=$(docker exec "$CONTAINER" bash -c 'echo $BASH_VERSION') && [[ -n $bash_version ]] || die "bash does not work in $CONTAINER"
  out=$(docker exec "$CONTAINER" ps) && [[ $out == *"sleep 2147483647"* ]] || die "'ps' in $CONTAINER does not work"
  [[ $(docker exec -u app "$CONTAINER" id -u) == 1000 ]] || die "user app (uid 1000) does not work in $CONTAINER"
  log "ready: engine $(docker version -f '{{.Server.Version}}') at $DOCKER_HOST, image $IMAGE" \
    "($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19)), container $CONTAINER running, bash $bash_version"
}

# Serialize concurrent runs (e.g. parallel CI jobs), which would otherwise both start dockerd or
# replace the container under each other. Best effort: skipped if the lock file is not writable,
# and given up after 5 minutes.
{ exec 9>>/tmp/exec-broker-docker-fixture.lock; } 2>/dev/null && flock -w 300 9 || true
ensure_engine
# The image needs the host's *static* busybox (a dynamic one, from package busybox, would not run
# FROM scratch), even when the engine was already there.
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then apt_install busybox-static; fi
[[ " $(docker version -f '{{range .Server.Components}}{{.Name}} {{end}}') " == *" docker-init "* ]] ||
  die "the engine has no docker-init (needed for --init); on Debian it comes with docker.io (/usr/bin/docker-init)."
build_image
ensure_container
remove_stale_test_containers
verify
