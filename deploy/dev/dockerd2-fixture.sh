#!/usr/bin/env bash
# A second Docker engine of the tests' own, for the tests that stop and start Docker (EventsRestartIT): its own
# data root, exec root (and so its own containerd), pid file, socket and log, its own bridge and subnet and no
# iptables rules or sysctls, so that it shares nothing with the shared engine. It holds the test image, loaded from the shared engine (no pull).
# Never touches the shared engine or its containers: it only reads the test image from it with `docker save`.
# Idempotent: setup.sh runs "start", the tests run "start" when it does not answer, then "stop" and "start".
set -euo pipefail

SOCK=/var/run/exec-broker-dockerd2.sock
HOST=unix://$SOCK
STATE=/var/lib/exec-broker-dockerd2            # data/ (the data root) and daemon.json
EXEC_ROOT=/var/run/exec-broker-dockerd2        # runtime state and its containerd's socket
PIDFILE=/var/run/exec-broker-dockerd2.pid
LOG=/var/log/exec-broker-dockerd2.log
IMAGE=exec-broker-test:latest
SHARED=${EXEC_BROKER_SHARED_DOCKER_HOST:-unix:///var/run/docker.sock}
BRIDGE=eb-dockerd2                             # at most 15 characters, a Linux interface name
BRIDGE_ADDR=172.31.254.1/24
WAIT_SECS=60

usage() {
  cat <<EOF
Usage: $0 start|stop|kill|status|host [--help]
  start   starts the second engine if it does not answer, waits until it answers (at most ${WAIT_SECS}s) and
          loads $IMAGE into it from the shared engine ($SHARED) unless it already holds that image
  stop    SIGTERM to the second engine, then waits until it has exited (its containers stop with it)
  kill    SIGKILL to the second engine (its containerd and containers are left running, as after a crash)
  status  prints "running PID" and exits 0, or prints "stopped" and exits 3
  host    prints its DOCKER_HOST, $HOST
Files: socket $SOCK, bridge $BRIDGE ($BRIDGE_ADDR), data root $STATE/data, exec root $EXEC_ROOT, pid file $PIDFILE, log $LOG.
Needs root and dockerd (deploy/dev/docker-fixture.sh installs it and builds the image). Nothing is pulled.
EOF
}

log() { echo "dockerd2-fixture: $*"; }
die() { echo "dockerd2-fixture: ERROR: $*" >&2; exit 1; }
HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
. "$HERE/apt.sh"
trap apt_cleanup EXIT

# alive PID [NAME]: PID is a live, non-zombie process (called NAME); a stale pid file may name a reused pid.
alive() {
  local stat
  [[ ${1:-} =~ ^[0-9]+$ ]] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  [[ $stat != *") Z "* ]] && { [[ -z ${2:-} ]] || [[ $stat == "$1 ($2) "* ]]; }
}

# The pid of our dockerd: the pid file's, if that is a dockerd serving our socket (never the shared one's).
engine_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  alive "$pid" dockerd && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "--pidfile=$PIDFILE" &&
    echo "$pid"
}

answers() { timeout 10 docker -H "$HOST" version >/dev/null 2>&1; }

# Our containerd and its shims: processes of those names whose command line names our exec root (the shared
# engine's name /var/run/docker/), never a shell or editor that merely mentions it.
ours() {
  local p comm
  for p in /proc/[0-9]*; do
    # read, not $(cat): no fork per process (with 600 processes on a busy host a scan of cat took 28 s).
    { read -r comm <"$p/comm"; } 2>/dev/null || continue
    [[ $comm == containerd || $comm == containerd-shim* ]] || continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$EXEC_ROOT/" && echo "${p#/proc/}"
  done
  return 0
}

# What a killed engine leaves behind and would stop it from starting cleanly: its containerd and shims, whose
# containers a new dockerd could not take over without their old state anyway, and stale pid files and sockets.
clean_stale() {
  local pids
  pids=$(ours)
  if [[ -n $pids ]]; then
    log "killing what a previous run left of its containerd: $(echo "$pids" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while [[ -n $(ours) ]] && ((SECONDS < deadline)); do sleep 0.1; done
  fi
  rm -f "$PIDFILE" "$SOCK" "$EXEC_ROOT"/containerd/containerd*.{pid,sock,sock.ttrpc}
}

start() {
  command -v dockerd >/dev/null || die "no dockerd: run deploy/dev/docker-fixture.sh first"
  local pid began=$SECONDS
  pid=$(engine_pid || true)
  # A run that died during a stall test (SIGSTOP) leaves the engine stopped: it would never answer.
  if [[ -n $pid ]] && [[ $(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) == T ]]; then
    log "dockerd $pid was stopped (SIGSTOP); continuing it"
    kill -CONT "$pid"
  fi
  if [[ -z $pid ]]; then
    clean_stale
    mkdir -p "$STATE/data" "$EXEC_ROOT"
    # Our own, empty config: /etc/docker/daemon.json is the shared engine's (its hosts would clash).
    echo '{}' >"$STATE/daemon.json"
    ensure_bridge
    log "starting dockerd at $HOST (log: $LOG)"
    # setsid+nohup: its own session, so it outlives this script and a test's process; all inherited fds but
    # 0-2 closed, so that it holds neither our lock nor a caller's pipe (a test would wait for EOF).
    # Never --bridge=none: a dockerd without a bridge deletes the interface docker0 at start, the shared
    # engine's (seen here, dockerd 20.10). A bridge of its own instead, made by us (dockerd takes a named one
    # as it is), and --iptables=false --ip-masq=false --ip-forward=false: no rules and no sysctl touched.
    # Its own containerd namespace, in case a system containerd (/run/containerd/containerd.sock) ever
    # serves both engines.
    (
      for fd in /proc/"$BASHPID"/fd/*; do fd=${fd##*/}; if ((fd > 2)); then eval "exec $fd>&-"; fi; done
      exec setsid nohup dockerd --host="$HOST" --data-root="$STATE/data" --exec-root="$EXEC_ROOT" \
        --pidfile="$PIDFILE" --config-file="$STATE/daemon.json" --bridge="$BRIDGE" --iptables=false \
        --ip-masq=false --ip-forward=false --ip6tables=false --containerd-namespace=exec-broker-dockerd2 \
        --containerd-plugins-namespace=exec-broker-dockerd2-plugins >>"$LOG" 2>&1 </dev/null
    ) &
    pid=$!
  fi
  local deadline=$((SECONDS + WAIT_SECS))
  until answers; do
    alive "$pid" || { tail -n 20 "$LOG" >&2; die "dockerd exited; see $LOG"; }
    ((SECONDS < deadline)) || die "the second engine did not answer within ${WAIT_SECS}s; see $LOG"
    sleep 0.1
  done
  log "engine answers at $HOST after $((SECONDS - began))s"
  load_image
}

# Our bridge, with an address dockerd takes its subnet from. Idempotent.
ensure_bridge() {
  command -v ip >/dev/null || apt_install iproute2
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    log "creating bridge $BRIDGE ($BRIDGE_ADDR)"
    ip link add "$BRIDGE" type bridge || die "cannot create bridge $BRIDGE"
  fi
  ip -br addr show dev "$BRIDGE" | grep -qF " ${BRIDGE_ADDR}" || ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

load_image() {
  local want have
  want=$(docker -H "$SHARED" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null) ||
    die "the shared engine ($SHARED) has no $IMAGE: run deploy/dev/docker-fixture.sh first"
  have=$(docker -H "$HOST" image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  if [[ $have == "$want" ]]; then log "$IMAGE is loaded"; return; fi
  log "loading $IMAGE from the shared engine"
  docker -H "$SHARED" save "$IMAGE" | docker -H "$HOST" load -q >/dev/null || die "loading $IMAGE failed"
}

stop() {
  local pid
  pid=$(engine_pid || true)
  [[ -n $pid ]] || { log "not running"; return; }
  log "stopping dockerd $pid (SIGTERM)"
  kill -TERM "$pid"
  # dockerd stops its containers (10 s each at most), then containerd; give it that and more.
  local deadline=$((SECONDS + 60))
  while alive "$pid"; do
    ((SECONDS < deadline)) || die "dockerd $pid did not exit within 60s of SIGTERM; see $LOG"
    sleep 0.1
  done
  log "stopped"
}

kill_engine() {
  local pid
  pid=$(engine_pid || true)
  [[ -n $pid ]] || { log "not running"; return; }
  log "killing dockerd $pid (SIGKILL)"
  kill -KILL "$pid"
  while alive "$pid"; do sleep 0.1; done
}

status() {
  local pid
  pid=$(engine_pid || true)
  if [[ -n $pid ]]; then echo "running $pid"; else echo stopped; exit 3; fi
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  host) echo "$HOST"; exit 0 ;;
  status) status; exit 0 ;;
  start|stop|kill) ;;
  *) usage >&2; exit 2 ;;
esac
[[ $(id -u) == 0 ]] || die "run as root (dockerd needs it)"
# One at a time: setup.sh and a test may both start it.
{ exec 9>>/tmp/exec-broker-dockerd2.lock; } 2>/dev/null && flock -w 120 9 || true
case $1 in
  start) start ;;
  stop) stop ;;
  kill) kill_engine ;;
esac
