#!/usr/bin/env bash
# Runs deploy/compose/docker-compose.yml: builds its three images FROM scratch (idempotent, fast when nothing
# changed), writes the broker secret, the PostgreSQL password and the demo users (passwords <user>-demo, hashed by
# the controller image) into $EXEC_BROKER_COMPOSE_DIR, then runs docker-compose (as root on Debian it installs
# Debian's docker-compose) or docker compose with them.
#   compose.sh up     start, and wait until the app and the broker answer
#   compose.sh down   stop and remove the containers, the network and the database volume
#   compose.sh ARGS   any other docker-compose command (ps, logs, ...)
# Environment: EXEC_BROKER_COMPOSE_PROJECT (exec-broker-deploy), EXEC_BROKER_COMPOSE_DIR (target/compose),
# EXEC_BROKER_COMPOSE_APP_PORT (8080), EXEC_BROKER_COMPOSE_BROKER_PORT (8866). Build the jars first
# (./mvnw -B -DskipTests package) and start the Docker fixture (deploy/dev/docker-fixture.sh: container servertest).
# shellcheck disable=SC2015  # "A && B || die" is intended
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export EXEC_BROKER_COMPOSE_DIR=${EXEC_BROKER_COMPOSE_DIR:-$ROOT/target/compose}
export EXEC_BROKER_COMPOSE_APP_PORT=${EXEC_BROKER_COMPOSE_APP_PORT:-8080}
export EXEC_BROKER_COMPOSE_BROKER_PORT=${EXEC_BROKER_COMPOSE_BROKER_PORT:-8866}
PROJECT=${EXEC_BROKER_COMPOSE_PROJECT:-exec-broker-deploy}
WAIT_SECS=120
CONTROLLER_UID=10001 POSTGRES_UID=999

log() { echo "compose: $*" >&2; }
die() { echo "compose: ERROR: $*" >&2; exit 1; }

# shellcheck source=deploy/dev/apt.sh
. "$ROOT/deploy/dev/apt.sh"
trap apt_cleanup EXIT

# Debian 12's docker-compose 1.29 (Python, no network needed to run) is installed as the fixtures install theirs.
if ! command -v docker-compose >/dev/null && ! docker compose version >/dev/null 2>&1; then apt_install docker-compose; fi
if command -v docker-compose >/dev/null; then COMPOSE=(docker-compose)
else COMPOSE=(docker compose); fi
COMPOSE+=(--project-name "$PROJECT" --file "$HERE/docker-compose.yml")

# secret FILE OWNER: FILE exists, readable by OWNER and by group 0 (the broker runs as 0:0 without CAP_DAC_OVERRIDE).
secret() {
  [[ -s $1 ]] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$1")
  chown "$2:0" "$1" && chmod 0440 "$1"
}

prepare() {
  "$ROOT/deploy/docker/build-image.sh" broker
  "$ROOT/deploy/docker/build-image.sh" controller-sample
  "$HERE/build-postgres-image.sh"
  mkdir -p "$EXEC_BROKER_COMPOSE_DIR"
  secret "$EXEC_BROKER_COMPOSE_DIR/broker-secret" "$CONTROLLER_UID"
  secret "$EXEC_BROKER_COMPOSE_DIR/pg-password" "$POSTGRES_UID"
  if [[ ! -s $EXEC_BROKER_COMPOSE_DIR/users.json ]]; then
    log "hashing the demo passwords into $EXEC_BROKER_COMPOSE_DIR/users.json"
    local users user hash
    users=$(cat "$ROOT/deploy/demo/users.template.json")
    for user in alice bob carol; do
      hash=$(echo "$user-demo" | docker run --rm -i --network none exec-broker-deploy-controller:local hash-password) ||
        die "hash-password in exec-broker-deploy-controller:local failed"
      users=${users/@$user@/$hash}
    done
    printf '%s\n' "$users" >"$EXEC_BROKER_COMPOSE_DIR/users.json"
  fi
  chown "$CONTROLLER_UID:0" "$EXEC_BROKER_COMPOSE_DIR/users.json" && chmod 0440 "$EXEC_BROKER_COMPOSE_DIR/users.json"
  EXEC_BROKER_PG_PASSWORD=$(cat "$EXEC_BROKER_COMPOSE_DIR/pg-password")
  export EXEC_BROKER_PG_PASSWORD
}

# up PORT: something accepts connections on 127.0.0.1:PORT.
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "${1:-}" in
  up)
    prepare
    "${COMPOSE[@]}" up -d
    deadline=$((SECONDS + WAIT_SECS))
    # Published ports accept at once (docker-proxy); the logs say when the servers listen.
    until "${COMPOSE[@]}" logs broker 2>/dev/null | grep -q 'exec-broker listening on' &&
          "${COMPOSE[@]}" logs controller 2>/dev/null | grep -q 'controller-sample listening on'; do
      if ((SECONDS >= deadline)); then "${COMPOSE[@]}" logs --tail=30 >&2; die "not listening after ${WAIT_SECS}s"; fi
      sleep 0.5
    done
    up "$EXEC_BROKER_COMPOSE_APP_PORT" && up "$EXEC_BROKER_COMPOSE_BROKER_PORT" || die "the published ports do not answer"
    log "up: http://127.0.0.1:$EXEC_BROKER_COMPOSE_APP_PORT/ (alice / alice-demo, bob / bob-demo, carol / carol-demo)," \
      "broker ws://127.0.0.1:$EXEC_BROKER_COMPOSE_BROKER_PORT/exec" ;;
  down)
    export EXEC_BROKER_PG_PASSWORD=unused
    "${COMPOSE[@]}" down --volumes --timeout 30 ;;
  ""|-h|--help)
    sed -n '/^set -euo/q;/^# shellcheck/d;2,$p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    [[ -n ${1:-} ]] || exit 2 ;;
  *)
    export EXEC_BROKER_PG_PASSWORD=${EXEC_BROKER_PG_PASSWORD:-$(cat "$EXEC_BROKER_COMPOSE_DIR/pg-password" 2>/dev/null || echo unused)}
    "${COMPOSE[@]}" "$@" ;;
esac
