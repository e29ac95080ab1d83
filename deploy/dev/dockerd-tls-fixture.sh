#!/usr/bin/env bash
# A third Docker engine of the tests' own that listens ONLY on tcp://127.0.0.1:23763 with TLS and client
# certificates (--tlsverify), as a remote Docker host would, for DockerTlsIT: its own data root, exec root (and so
# its own containerd), pid file, log, its own bridge and subnet and no iptables rules or sysctls, modelled on
# dockerd2-fixture.sh (which another test kills with SIGKILL, hence an engine apart). Its certificates are made here
# with openssl, once: a test CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, the
# client's files laid out as the docker CLI's DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem). It holds the test image,
# loaded from the shared engine (no pull), and a container "servertest" running it.
# Never touches the shared engine or its containers: it only reads the test image from it with `docker save`.
# Idempotent: setup.sh runs "start", and so do the tests when it does not answer.
set -euo pipefail

PORT=23763
HOST=tcp://127.0.0.1:$PORT
STATE=/var/lib/exec-broker-dockerd-tls         # data/ (the data root), daemon.json, certs/
CERTS=$STATE/certs                             # the server's: ca.pem ca-key.pem server-cert.pem server-key.pem
CLIENT=$CERTS/client                           # DOCKER_CERT_PATH of its clients: ca.pem cert.pem key.pem
EXEC_ROOT=/var/run/exec-broker-dockerd-tls     # runtime state and its containerd's socket
PIDFILE=/var/run/exec-broker-dockerd-tls.pid
LOG=/var/log/exec-broker-dockerd-tls.log
IMAGE=exec-broker-test:latest
CONTAINER=servertest
SHARED=${EXEC_BROKER_SHARED_DOCKER_HOST:-unix:///var/run/docker.sock}
BRIDGE=eb-dockerd-tls                          # at most 15 characters, a Linux interface name
BRIDGE_ADDR=172.31.253.1/24
WAIT_SECS=60

usage() {
  cat <<EOF2
Usage: $0 start|stop|status|host|cert-path [--help]
  start      makes the certificates if missing, starts the TLS engine if it does not answer, waits until it
             answers (at most ${WAIT_SECS}s), loads $IMAGE from the shared engine ($SHARED) unless it holds that
             image, and runs the container $CONTAINER unless it runs
  stop       SIGTERM to the TLS engine, then waits until it has exited
  status     prints "running PID" and exits 0, or prints "stopped" and exits 3
  host       prints its DOCKER_HOST, $HOST
  cert-path  prints its clients' DOCKER_CERT_PATH, $CLIENT
Files: certificates $CERTS, bridge $BRIDGE ($BRIDGE_ADDR), data root $STATE/data, exec root $EXEC_ROOT,
pid file $PIDFILE, log $LOG. Needs root, dockerd and openssl. Nothing is pulled.
EOF2
}

log() { echo "dockerd-tls-fixture: $*"; }
die() { echo "dockerd-tls-fixture: ERROR: $*" >&2; exit 1; }
HERE=${HERE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
. "$HERE/apt.sh"
trap apt_cleanup EXIT

alive() {
  local stat
  [[ ${1:-} =~ ^[0-9]+$ ]] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  [[ $stat != *") Z "* ]] && { [[ -z ${2:-} ]] || [[ $stat == "$1 ($2) "* ]]; }
}

engine_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  alive "$pid" dockerd && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "--pidfile=$PIDFILE" &&
    echo "$pid"
}

# The docker CLI as a client of this engine, over TLS with the client certificate.
dk() { docker --tlsverify --tlscacert="$CLIENT/ca.pem" --tlscert="$CLIENT/cert.pem" --tlskey="$CLIENT/key.pem" -H "$HOST" "$@"; }
answers() { timeout 10 docker --tlsverify --tlscacert="$CLIENT/ca.pem" --tlscert="$CLIENT/cert.pem" \
  --tlskey="$CLIENT/key.pem" -H "$HOST" version >/dev/null 2>&1; }

ours() {
  local p comm
  for p in /proc/[0-9]*; do
    comm=$(cat 2>/dev/null "$p/comm") || continue
    [[ $comm == containerd || $comm == containerd-shim* ]] || continue
    tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF -- "$EXEC_ROOT/" && echo "${p#/proc/}"
  done
  return 0
}

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
  rm -f "$PIDFILE" "$EXEC_ROOT"/containerd/containerd*.{pid,sock,sock.ttrpc}
}

# The test CA, the server's certificate (127.0.0.1, localhost) and a client certificate, made once. The keys are
# test keys of a loopback-only engine; they are never printed.
ensure_certs() {
  command -v openssl >/dev/null || apt_install openssl
  [[ -s $CLIENT/key.pem && -s $CERTS/server-key.pem ]] && return
  log "making test certificates in $CERTS"
  rm -rf "$CERTS"
  mkdir -p "$CLIENT"
  local tmp
  tmp=$(mktemp -d)
  (
    cd "$tmp"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=exec-broker dockerd-tls test CA" \
      -keyout ca-key.pem -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" -keyout server-key.pem -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -sha256 -days 3650 -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile server.ext -out server-cert.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=exec-broker tests" -keyout key.pem -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -sha256 -days 3650 -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -extfile client.ext -out cert.pem 2>/dev/null
  ) || { rm -rf "$tmp"; die "openssl could not make the certificates"; }
  cp "$tmp"/{ca.pem,ca-key.pem,server-cert.pem,server-key.pem} "$CERTS/"
  cp "$tmp"/{ca.pem,cert.pem,key.pem} "$CLIENT/"
  # Readable by the tests (which may not run as root); the keys only ever serve this loopback test engine.
  chmod 755 "$CERTS" "$CLIENT"
  chmod 644 "$CLIENT"/*.pem
  rm -rf "$tmp"
}

start() {
  command -v dockerd >/dev/null || die "no dockerd: run deploy/dev/docker-fixture.sh first"
  ensure_certs
  local pid began=$SECONDS
  pid=$(engine_pid || true)
  if [[ -z $pid ]]; then
    clean_stale
    mkdir -p "$STATE/data" "$EXEC_ROOT"
    echo '{}' >"$STATE/daemon.json"
    ensure_bridge
    log "starting dockerd at $HOST with TLS (log: $LOG)"
    # As dockerd2-fixture.sh: its own session, inherited fds closed; never --bridge=none (dockerd 20.10 then
    # deletes the shared engine's docker0), a bridge of its own instead, and no iptables rules or sysctls.
    (
      for fd in /proc/"$BASHPID"/fd/*; do fd=${fd##*/}; if ((fd > 2)); then eval "exec $fd>&-"; fi; done
      exec setsid nohup dockerd --host="$HOST" --tlsverify --tlscacert="$CERTS/ca.pem" \
        --tlscert="$CERTS/server-cert.pem" --tlskey="$CERTS/server-key.pem" --data-root="$STATE/data" \
        --exec-root="$EXEC_ROOT" --pidfile="$PIDFILE" --config-file="$STATE/daemon.json" --bridge="$BRIDGE" \
        --iptables=false --ip-masq=false --ip-forward=false --ip6tables=false \
        --containerd-namespace=exec-broker-dockerd-tls \
        --containerd-plugins-namespace=exec-broker-dockerd-tls-plugins >>"$LOG" 2>&1 </dev/null
    ) &
    pid=$!
  fi
  local deadline=$((SECONDS + WAIT_SECS))
  until answers; do
    alive "$pid" || { tail -n 20 "$LOG" >&2; die "dockerd exited; see $LOG"; }
    ((SECONDS < deadline)) || die "the TLS engine did not answer within ${WAIT_SECS}s; see $LOG"
    sleep 0.1
  done
  log "engine answers at $HOST after $((SECONDS - began))s"
  load_image
  ensure_container
}

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
  have=$(dk image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  if [[ $have == "$want" ]]; then log "$IMAGE is loaded"; return; fi
  log "loading $IMAGE from the shared engine"
  docker -H "$SHARED" save "$IMAGE" | dk load -q >/dev/null || die "loading $IMAGE failed"
}

ensure_container() {
  local running
  running=$(dk inspect -f '{{.State.Running}}' "$CONTAINER" 2>/dev/null || true)
  [[ $running == true ]] && { log "$CONTAINER runs"; return; }
  [[ -n $running ]] && dk rm -f "$CONTAINER" >/dev/null
  log "running $CONTAINER"
  dk run -d --pull=never --init --name "$CONTAINER" "$IMAGE" /bin/sleep 2147483647 >/dev/null ||
    die "cannot run $CONTAINER"
}

stop() {
  local pid
  pid=$(engine_pid || true)
  [[ -n $pid ]] || { log "not running"; return; }
  log "stopping dockerd $pid (SIGTERM)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 60))
  while alive "$pid"; do
    ((SECONDS < deadline)) || die "dockerd $pid did not exit within 60s of SIGTERM; see $LOG"
    sleep 0.1
  done
  log "stopped"
}

status() {
  local pid
  pid=$(engine_pid || true)
  if [[ -n $pid ]]; then echo "running $pid"; else echo stopped; exit 3; fi
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  host) echo "$HOST"; exit 0 ;;
  cert-path) echo "$CLIENT"; exit 0 ;;
  status) status; exit 0 ;;
  start|stop) ;;
  *) usage >&2; exit 2 ;;
esac
[[ $(id -u) == 0 ]] || die "run as root (dockerd needs it)"
{ exec 9>>/tmp/exec-broker-dockerd-tls.lock; } 2>/dev/null && flock -w 120 9 || true
case $1 in
  start) start ;;
  stop) stop ;;
esac
