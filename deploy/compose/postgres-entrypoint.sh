#!/bin/sh
# The PostgreSQL image's entrypoint (busybox sh): initializes $PGDATA on the first start, then runs the server in
# the foreground, listening on all interfaces of the container with passwords (scram-sha-256) required.
set -eu
: "${POSTGRES_USER:?set POSTGRES_USER}" "${POSTGRES_DB:?set POSTGRES_DB}"
: "${POSTGRES_PASSWORD_FILE:?set POSTGRES_PASSWORD_FILE (a file with the password)}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "postgres-entrypoint: initializing $PGDATA"
  initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$POSTGRES_PASSWORD_FILE" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\"" | postgres --single -D "$PGDATA" postgres >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/run/postgresql -c jit=off
