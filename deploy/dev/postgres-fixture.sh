#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1 with a database and role for controller-sample's
# PostgresTokenStoreIT, and prints its JDBC URL. Idempotent: newcomers run it (through setup.sh) by hand,
# .ci/run runs it on a fresh machine. As root on Debian/Ubuntu it installs the distribution's postgresql
# package and runs the server without systemd.
#
# It uses a cluster of its own (Debian's pg_createcluster/pg_ctlcluster) on port 55432 rather than the
# default "main" one on 5432, so it neither changes nor collides with a PostgreSQL a developer already has.
# Only Debian's tools are used (/usr/bin/pg_*cluster, /usr/lib/postgresql/<version>/bin), never whatever
# "postgres" or "pg_ctl" comes first on the PATH (/usr/local/bin may hold others).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CLUSTER=exec-broker
PORT=55432
HOST=127.0.0.1
DATABASE=exec_broker_test
ROLE=exec_broker_test
# A fixed password is fine here: a throw-away test database that listens on the loopback interface only.
# PostgresTokenStoreIT has the same default URL (override both with EXEC_BROKER_PG_URL).
PASSWORD=exec-broker-test-password
SOCKET_DIR=/var/run/postgresql
WAIT_SECS=60
JDBC_URL="jdbc:postgresql://$HOST:$PORT/$DATABASE?user=$ROLE&password=$PASSWORD"

case "${1:-}" in
  -h|--help)
    cat <<EOF
Usage: $0
Makes sure PostgreSQL cluster "$CLUSTER" answers on $HOST:$PORT with database $DATABASE owned by role
$ROLE, installing Debian's postgresql package (as root) and starting the cluster if needed. Prints the JDBC URL.
EOF
    exit 0 ;;
  "") ;;
  *) echo "Usage: $0" >&2; exit 2 ;;
esac

log() { echo "postgres-fixture: $*" >&2; }
die() { echo "postgres-fixture: ERROR: $*" >&2; exit 1; }
# shellcheck source=deploy/dev/apt.sh
. "$HERE/apt.sh"
trap apt_cleanup EXIT

# newest_version PROGRAM: the newest version N with Debian's /usr/lib/postgresql/N/bin/PROGRAM, like 15; empty if none.
newest_version() {
  local bin
  for bin in /usr/lib/postgresql/*/bin/"$1"; do
    if [[ -x $bin ]]; then basename "$(dirname "$(dirname "$bin")")"; fi
  done | sort -n | tail -n 1
}

# Signs in over TCP as the test role, the way the tests do.
answers() {
  local version
  version=$(newest_version psql)
  [[ -n $version ]] || return 1
  PGPASSWORD=$PASSWORD PGCONNECT_TIMEOUT=5 "/usr/lib/postgresql/$version/bin/psql" -X -q -h "$HOST" -p "$PORT" \
    -U "$ROLE" -d "$DATABASE" -tAc 'SELECT 1' 2>/dev/null | grep -qx 1
}

# as_postgres_psql SQL...: runs SQL as the superuser over the cluster's Unix socket.
as_postgres_psql() {
  runuser -u postgres -- "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -d postgres "$@"
}

# alive PID: PID is a live, non-zombie postgres process. A pid file left by a killed server (or a previous
# boot) may name a PID that now belongs to something else.
alive_postgres() {
  local stat
  [[ ${1:-} =~ ^[0-9]+$ ]] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  [[ $stat == "$1 (postgres) "* && $stat != *") Z "* ]]
}

ensure_cluster() {
  local conf=/etc/postgresql/$PG_VERSION/$CLUSTER/postgresql.conf
  [[ ! -f $conf ]] || return 0
  log "creating cluster $PG_VERSION/$CLUSTER on $HOST:$PORT"
  # --start-conf manual: only this script starts it, never a boot script. Passwords over TCP (scram).
  pg_createcluster "$PG_VERSION" "$CLUSTER" --port "$PORT" --start-conf manual -- \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null || die "pg_createcluster $PG_VERSION $CLUSTER failed"
  # Not with pg_createcluster -o: it leaves 127.0.0.1 unquoted, which the server cannot parse. The last
  # setting in the file wins.
  printf "\n# exec-broker's postgres-fixture.sh: the loopback interface only\nlisten_addresses = '%s'\n" "$HOST" >>"$conf"
}

remove_stale_pid_files() {
  local file pid
  # The data directory's pid file, then the socket's lock file (whose socket is stale with it).
  for file in "/var/lib/postgresql/$PG_VERSION/$CLUSTER/postmaster.pid" "$SOCKET_DIR/.s.PGSQL.$PORT.lock"; do
    pid=$(head -n 1 "$file" 2>/dev/null || true)
    if [[ -n $pid ]] && ! alive_postgres "$pid"; then
      log "removing stale $file (PID $pid is not a live postgres)"; rm -f "$file" "${file%.lock}"
    fi
  done
}

start_cluster() {
  if runuser -u postgres -- "$BIN/pg_isready" -q -h "$SOCKET_DIR" -p "$PORT"; then
    log "cluster $PG_VERSION/$CLUSTER is already running"; return
  fi
  remove_stale_pid_files
  install -d -o postgres -g postgres -m 2775 "$SOCKET_DIR"
  log "starting cluster $PG_VERSION/$CLUSTER (log: /var/log/postgresql/postgresql-$PG_VERSION-$CLUSTER.log)"
  # Without systemd as PID 1, pg_ctlcluster runs pg_ctl itself; the server daemonizes in its own session.
  # Close all inherited fds but 0-2: the server must not hold our lock or a caller's pipe (CI waits for EOF).
  (
    for fd in /proc/"$BASHPID"/fd/*; do fd=${fd##*/}; if ((fd > 2)); then eval "exec $fd>&-"; fi; done
    exec pg_ctlcluster "$PG_VERSION" "$CLUSTER" start </dev/null >&2
  ) || die "pg_ctlcluster $PG_VERSION $CLUSTER start failed; see /var/log/postgresql/postgresql-$PG_VERSION-$CLUSTER.log"
  local deadline=$((SECONDS + WAIT_SECS))
  until runuser -u postgres -- "$BIN/pg_isready" -q -h "$SOCKET_DIR" -p "$PORT"; do
    ((SECONDS < deadline)) || die "cluster $PG_VERSION/$CLUSTER did not answer within ${WAIT_SECS}s"
    sleep 0.2
  done
}

check_listen_address() {
  local listen
  listen=$(as_postgres_psql -tAc 'SHOW listen_addresses')
  [[ $listen == "$HOST" ]] ||
    die "cluster $PG_VERSION/$CLUSTER listens on '$listen' (expected: $HOST); fix /etc/postgresql/$PG_VERSION/$CLUSTER/postgresql.conf"
}

ensure_role_and_database() {
  # The role's password is set on every run, so the URL below always works.
  as_postgres_psql <<SQL || die "creating role/database $ROLE/$DATABASE failed"
SELECT format('CREATE ROLE %I LOGIN', '$ROLE') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')\gexec
ALTER ROLE "$ROLE" LOGIN PASSWORD '$PASSWORD';
SELECT format('CREATE DATABASE %I OWNER %I', '$DATABASE', '$ROLE')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE')\gexec
SQL
}

# Serialize concurrent runs, which would otherwise both create or start the cluster. Best effort.
# shellcheck disable=SC2015  # "A && B || true" is intended
{ exec 9>>/tmp/exec-broker-postgres-fixture.lock; } 2>/dev/null && flock -w 300 9 || true

if answers; then
  log "ready: $HOST:$PORT answers for $ROLE@$DATABASE"
else
  is_debian_root || die "nothing answers as $ROLE@$DATABASE on $HOST:$PORT; run $0 as root on Debian/Ubuntu, or set up that database and role yourself."
  PG_VERSION=$(newest_version postgres)
  if [[ -z $PG_VERSION || ! -x /usr/bin/pg_createcluster || ! -x /usr/bin/pg_ctlcluster ]]; then
    apt_install postgresql
    PG_VERSION=$(newest_version postgres)
    [[ -n $PG_VERSION ]] || die "apt-get install postgresql left no /usr/lib/postgresql/<version>/bin/postgres"
  fi
  BIN=/usr/lib/postgresql/$PG_VERSION/bin
  ensure_cluster
  start_cluster
  check_listen_address
  ensure_role_and_database
  answers || die "cluster $PG_VERSION/$CLUSTER runs but $ROLE@$DATABASE cannot sign in on $HOST:$PORT"
  log "ready: PostgreSQL $PG_VERSION cluster $CLUSTER on $HOST:$PORT, $ROLE@$DATABASE"
fi
echo "$JDBC_URL"
