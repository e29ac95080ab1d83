#!/usr/bin/env bash
# The demo in one command: builds the jars, starts the Docker fixture (container servertest), the broker in
# controller mode and controller-sample with three demo users, prints the address and the logins, and stops
# everything on Ctrl-C. Run from anywhere: deploy/demo.sh [--no-build] [--help].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
APP_PORT=${DEMO_APP_PORT:-8080}
BROKER_PORT=${DEMO_BROKER_PORT:-8866}
OPS_PORT=${DEMO_OPS_PORT:-9866}
DIR=${DEMO_DIR:-$ROOT/target/demo}
BROKER_JAR=$ROOT/broker/target/exec-broker.jar
APP_JAR=$ROOT/controller-sample/target/controller-sample.jar
WAIT_SECS=60
TLS_CERT=${DEMO_TLS_CERT:-}
TLS_KEY=${DEMO_TLS_KEY:-}
# The deployed JVM flags (deploy/systemd, deploy/docker): ~150 MiB resident with 1,000 sessions.
BROKER_JVM=(-XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC -Xms16m -Xmx96m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxMetaspaceSize=64m -XX:MaxDirectMemorySize=64m -Dio.netty.allocator.numDirectArenas=1 -XX:TieredStopAtLevel=1)

usage() {
  cat <<USAGE
Usage: $0 [--no-build]
Starts the demo: the fixture container servertest, exec-broker on $HOST:$BROKER_PORT and controller-sample
on http://$HOST:$APP_PORT/ with demo users alice, bob and carol. Ctrl-C stops it all.
  --no-build   use the jars already built (by ./mvnw -DskipTests package)
Environment: DEMO_APP_PORT (8080), DEMO_BROKER_PORT (8866), DEMO_OPS_PORT (9866: metrics, probes), DEMO_DIR (target/demo: users, secret, logs).
  DEMO_TLS_CERT, DEMO_TLS_KEY (PEM files, both or neither): the broker serves wss:// with them (--tls-cert,
  --tls-key) and the app hands the page wss://$HOST:$BROKER_PORT/exec; the browser must trust the certificate.
USAGE
}
BUILD=1
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  --no-build) BUILD= ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

log() { echo "demo: $*"; }
die() { echo "demo: ERROR: $*" >&2; exit 1; }

PIDS=()
# shellcheck disable=SC2317  # called from the traps
stop() {
  trap - INT TERM EXIT
  if ((${#PIDS[@]})); then
    log "stopping"
    kill -TERM "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
}
trap 'stop; log "stopped"; exit 0' INT TERM
trap stop EXIT

# up PORT: something accepts connections on $HOST:PORT.
up() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
for port in "$APP_PORT" "$BROKER_PORT" "$OPS_PORT"; do
  ! up "$port" || die "port $port is taken (stop what uses it, or set DEMO_APP_PORT / DEMO_BROKER_PORT / DEMO_OPS_PORT)"
done

BROKER_TLS=()
BROKER_URL=ws://$HOST:$BROKER_PORT/exec
if [[ -n $TLS_CERT || -n $TLS_KEY ]]; then
  [[ -n $TLS_CERT && -n $TLS_KEY ]] || die "set both DEMO_TLS_CERT and DEMO_TLS_KEY, or neither"
  BROKER_TLS=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY")
  BROKER_URL=wss://$HOST:$BROKER_PORT/exec
  log "the broker serves wss:// with $TLS_CERT"
fi

"$ROOT/deploy/dev/docker-fixture.sh"
if [[ -n $BUILD ]]; then
  log "building the jars (./mvnw -q -DskipTests package)"
  (cd "$ROOT" && ./mvnw -q -B -DskipTests package) || die "the build failed"
fi
for jar in "$BROKER_JAR" "$APP_JAR"; do [[ -f $jar ]] || die "$jar is missing: run without --no-build"; done

mkdir -p "$DIR/data"
if [[ ! -s $DIR/broker-secret ]]; then
  (umask 077; head -c 32 /dev/urandom | base64 >"$DIR/broker-secret")
fi
if [[ ! -s $DIR/users.json ]]; then
  log "hashing the demo passwords into $DIR/users.json"
  users=$(cat "$ROOT/deploy/demo/users.template.json")
  for user in alice bob carol; do
    hash=$(echo "$user-demo" | java -jar "$APP_JAR" hash-password)
    users=${users/@$user@/$hash}
  done
  (umask 077; printf '%s\n' "$users" >"$DIR/users.json")
fi

MALLOC_ARENA_MAX=2 java "${BROKER_JVM[@]}" -jar "$BROKER_JAR" serve --config "$ROOT/deploy/demo/broker.yaml" --listen "$HOST:$BROKER_PORT" \
  --ops-listen "$HOST:$OPS_PORT" \
  --controller-url "http://$HOST:$APP_PORT/controller" --controller-secret-file "$DIR/broker-secret" \
  --origin "http://$HOST:$APP_PORT" --origin "http://localhost:$APP_PORT" \
  --audit-log "$DIR/audit.jsonl" "${BROKER_TLS[@]}" >"$DIR/broker.log" 2>&1 &
PIDS+=($!)
java -jar "$APP_JAR" --listen "$HOST:$APP_PORT" --users "$DIR/users.json" --data-dir "$DIR/data" \
  --broker-secret-file "$DIR/broker-secret" --broker-url "$BROKER_URL" >"$DIR/app.log" 2>&1 &
PIDS+=($!)

deadline=$((SECONDS + WAIT_SECS))
until up "$BROKER_PORT" && up "$APP_PORT"; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a server exited at start; see $DIR/broker.log and $DIR/app.log"
  done
  ((SECONDS < deadline)) || die "not listening after ${WAIT_SECS}s; see $DIR/broker.log and $DIR/app.log"
  sleep 0.2
done

cat <<READY

  Open http://$HOST:$APP_PORT/ and sign in as
    alice / alice-demo   a shell (/bin/sh, tty) in container servertest, or ps aux
    bob   / bob-demo     ps aux only
    carol / carol-demo   /bin/bash: the app grants it, the broker's policy refuses it
  The start page also lists the live Docker events of each user's containers (the broker's /events).
  Audit log: $DIR/audit.jsonl   Logs: $DIR/broker.log, $DIR/app.log
  Broker metrics and probes: http://$HOST:$OPS_PORT/metrics, /healthz, /readyz
  Ctrl-C stops everything.

READY

# Runs until Ctrl-C, or until one server dies (then the other is stopped too).
set +e
wait -n "${PIDS[@]}"
status=$?
die "a server stopped (exit $status); see $DIR/broker.log and $DIR/app.log"
