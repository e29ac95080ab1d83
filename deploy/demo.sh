#!/usr/bin/env bash
# The demo in one command: builds the jars, starts the Docker fixture (container servertest), the broker in
# controller mode and controller-sample with three demo users, prints the address and the logins, and stops
# everything on Ctrl-C. With --two-hosts, a fleet of two: a second Docker engine (deploy/dev/dockerd2-fixture.sh)
# with container servertest-b, a second broker on it, and the app routing each container to its host's broker.
# Run from anywhere: deploy/demo.sh [--no-build] [--two-hosts] [--help].
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HOST=127.0.0.1
APP_PORT=${DEMO_APP_PORT:-8080}
BROKER_PORT=${DEMO_BROKER_PORT:-8866}
OPS_PORT=${DEMO_OPS_PORT:-9866}
BROKER2_PORT=${DEMO_BROKER2_PORT:-8867}
OPS2_PORT=${DEMO_OPS2_PORT:-9867}
CONTAINER2=servertest-b
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
Usage: $0 [--no-build] [--two-hosts]
Starts the demo: the fixture container servertest, exec-broker on $HOST:$BROKER_PORT and controller-sample
on http://$HOST:$APP_PORT/ with demo users alice, bob and carol. Ctrl-C stops it all.
  --no-build   use the jars already built (by ./mvnw -DskipTests package)
  --two-hosts  a fleet of two Docker hosts on this machine: also the tests' second engine
               (deploy/dev/dockerd2-fixture.sh, needs root) with container $CONTAINER2, a second broker on it
               (broker id host-b, $HOST:$BROKER2_PORT; the first is host-a), and the app with a --brokers map that
               sends each container's sessions to its own host's broker; alice also gets a shell in $CONTAINER2
Environment: DEMO_APP_PORT (8080), DEMO_BROKER_PORT (8866), DEMO_OPS_PORT (9866: metrics, probes), DEMO_DIR (target/demo: users, secret, logs).
  With --two-hosts: DEMO_BROKER2_PORT (8867), DEMO_OPS2_PORT (9867).
  DEMO_TLS_CERT, DEMO_TLS_KEY (PEM files, both or neither): the broker serves wss:// with them (--tls-cert,
  --tls-key) and the app hands the page wss://$HOST:$BROKER_PORT/exec; the browser must trust the certificate.
USAGE
}
BUILD=1
TWO_HOSTS=
for arg in "$@"; do
  case $arg in
    -h|--help) usage; exit 0 ;;
    --no-build) BUILD= ;;
    --two-hosts) TWO_HOSTS=1 ;;
    *) usage >&2; exit 2 ;;
  esac
done

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
PORTS=("$APP_PORT" "$BROKER_PORT" "$OPS_PORT")
[[ -z $TWO_HOSTS ]] || PORTS+=("$BROKER2_PORT" "$OPS2_PORT")
for port in "${PORTS[@]}"; do
  ! up "$port" || die "port $port is taken (stop what uses it, or set DEMO_APP_PORT / DEMO_BROKER_PORT / DEMO_OPS_PORT / DEMO_BROKER2_PORT / DEMO_OPS2_PORT)"
done

BROKER_TLS=()
SCHEME=ws
if [[ -n $TLS_CERT || -n $TLS_KEY ]]; then
  [[ -n $TLS_CERT && -n $TLS_KEY ]] || die "set both DEMO_TLS_CERT and DEMO_TLS_KEY, or neither"
  BROKER_TLS=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY")
  SCHEME=wss
  log "the broker serves wss:// with $TLS_CERT"
fi
BROKER_URL=$SCHEME://$HOST:$BROKER_PORT/exec
BROKER2_URL=$SCHEME://$HOST:$BROKER2_PORT/exec

"$ROOT/deploy/dev/docker-fixture.sh"
if [[ -n $TWO_HOSTS ]]; then
  "$ROOT/deploy/dev/dockerd2-fixture.sh" start
  ENGINE2=$("$ROOT/deploy/dev/dockerd2-fixture.sh" host)
  # The second host's container, like servertest on the first: kept between runs, started if it was stopped.
  if ! docker -H "$ENGINE2" inspect "$CONTAINER2" >/dev/null 2>&1; then
    log "creating container $CONTAINER2 on the second engine"
    docker -H "$ENGINE2" run -d --pull=never --init --name "$CONTAINER2" exec-broker-test:latest \
      /bin/sleep 2147483647 >/dev/null || die "cannot create $CONTAINER2 on $ENGINE2"
  elif [[ $(docker -H "$ENGINE2" inspect -f '{{.State.Running}}' "$CONTAINER2") != true ]]; then
    docker -H "$ENGINE2" start "$CONTAINER2" >/dev/null || die "cannot start $CONTAINER2 on $ENGINE2"
  fi
fi
if [[ -n $BUILD ]]; then
  log "building the jars (./mvnw -q -DskipTests package)"
  (cd "$ROOT" && ./mvnw -q -B -DskipTests package) || die "the build failed"
fi
for jar in "$BROKER_JAR" "$APP_JAR"; do [[ -f $jar ]] || die "$jar is missing: run without --no-build"; done

mkdir -p "$DIR/data"
if [[ ! -s $DIR/broker-secret ]]; then
  (umask 077; head -c 32 /dev/urandom | base64 >"$DIR/broker-secret")
fi
USERS=users${TWO_HOSTS:+.two-hosts}
if [[ ! -s $DIR/$USERS.json ]]; then
  log "hashing the demo passwords into $DIR/$USERS.json"
  users=$(cat "$ROOT/deploy/demo/$USERS.template.json")
  for user in alice bob carol; do
    hash=$(echo "$user-demo" | java -jar "$APP_JAR" hash-password)
    users=${users/@$user@/$hash}
  done
  (umask 077; printf '%s\n' "$users" >"$DIR/$USERS.json")
fi

# broker CONFIG PORT OPS_PORT ID URL NAME [ENV=VALUE...]: starts one broker in the background, logging to NAME.log.
broker() {
  local config=$1 port=$2 ops=$3 id=$4 url=$5 name=$6
  shift 6
  env MALLOC_ARENA_MAX=2 "$@" java "${BROKER_JVM[@]}" -jar "$BROKER_JAR" serve --config "$config" --listen "$HOST:$port" \
    --ops-listen "$HOST:$ops" --broker-id "$id" --public-url "$url" \
    --controller-url "http://$HOST:$APP_PORT/controller" --controller-secret-file "$DIR/broker-secret" \
    --origin "http://$HOST:$APP_PORT" --origin "http://localhost:$APP_PORT" \
    --audit-log "$DIR/${name/broker/audit}.jsonl" "${BROKER_TLS[@]}" >"$DIR/$name.log" 2>&1 &
  PIDS+=($!)
}

if [[ -z $TWO_HOSTS ]]; then
  broker "$ROOT/deploy/demo/broker.yaml" "$BROKER_PORT" "$OPS_PORT" host-a "$BROKER_URL" broker
  APP_BROKERS=(--broker-url "$BROKER_URL" --broker-id host-a)
else
  broker "$ROOT/deploy/demo/broker.yaml" "$BROKER_PORT" "$OPS_PORT" host-a "$BROKER_URL" broker
  broker "$ROOT/deploy/demo/broker-b.yaml" "$BROKER2_PORT" "$OPS2_PORT" host-b "$BROKER2_URL" broker-b \
    DOCKER_HOST="$ENGINE2"
  # The app's routing: which broker serves which container (controller-sample/README.md, --brokers).
  cat >"$DIR/brokers.json" <<BROKERS
{"host-a": {"url": "$BROKER_URL", "containers": ["servertest"]},
 "host-b": {"url": "$BROKER2_URL", "containers": ["$CONTAINER2"]}}
BROKERS
  APP_BROKERS=(--brokers "$DIR/brokers.json")
fi
java -jar "$APP_JAR" --listen "$HOST:$APP_PORT" --users "$DIR/$USERS.json" --data-dir "$DIR/data" \
  --broker-secret-file "$DIR/broker-secret" "${APP_BROKERS[@]}" >"$DIR/app.log" 2>&1 &
PIDS+=($!)

LISTENING=("$BROKER_PORT" "$APP_PORT")
[[ -z $TWO_HOSTS ]] || LISTENING+=("$BROKER2_PORT")
listening() { local port; for port in "${LISTENING[@]}"; do up "$port" || return 1; done; }
deadline=$((SECONDS + WAIT_SECS))
until listening; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || die "a server exited at start; see $DIR/broker.log and $DIR/app.log"
  done
  ((SECONDS < deadline)) || die "not listening after ${WAIT_SECS}s; see $DIR/broker.log and $DIR/app.log"
  sleep 0.2
done

cat <<READY

  Open http://$HOST:$APP_PORT/ and sign in as
    alice / alice-demo   a shell (/bin/sh, tty) in container servertest, or ps aux${TWO_HOSTS:+,
                         or a shell in $CONTAINER2 on the second host (its own broker, $BROKER2_URL)}
    bob   / bob-demo     ps aux only
    carol / carol-demo   /bin/bash: the app grants it, the broker's policy refuses it
  The start page also lists the live Docker events of each user's containers (the broker's /events).
  Audit log: $DIR/audit.jsonl   Logs: $DIR/broker.log, $DIR/app.log
  Broker metrics and probes: http://$HOST:$OPS_PORT/metrics, /healthz, /readyz
READY
if [[ -n $TWO_HOSTS ]]; then
  cat <<READY
  Second host: broker host-b on $BROKER2_URL (Docker $ENGINE2), audit log $DIR/audit-b.jsonl,
    log $DIR/broker-b.log, probes http://$HOST:$OPS2_PORT/readyz; the app's routing: $DIR/brokers.json
READY
fi
cat <<READY
  Ctrl-C stops everything.

READY

# Runs until Ctrl-C, or until one server dies (then the other is stopped too).
set +e
wait -n "${PIDS[@]}"
status=$?
die "a server stopped (exit $status); see the logs in $DIR"
