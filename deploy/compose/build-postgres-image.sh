#!/usr/bin/env bash
# Builds exec-broker-deploy-postgres:local FROM scratch from the host's Debian PostgreSQL 15 (postgresql-15; as root
# on Debian it installs it), its ldd libraries and a static busybox for /bin/sh (see postgres.Dockerfile). Pulls
# nothing. Idempotent: an image whose label matches the hash of its inputs is left alone.
# shellcheck disable=SC1091  # apt.sh is sourced by path
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
IMAGE=${EXEC_BROKER_PG_IMAGE:-exec-broker-deploy-postgres:local}
PG=/usr/lib/postgresql/15
LABEL=io.execbroker.image.inputs
WORK=$ROOT/target/postgres-image

log() { echo "build-postgres-image: $*" >&2; }
die() { echo "build-postgres-image: ERROR: $*" >&2; exit 1; }
. "$ROOT/deploy/dev/apt.sh"
trap apt_cleanup EXIT

[[ -x $PG/bin/postgres && -x $PG/bin/initdb ]] || apt_install postgresql-15
if [[ ! -x /bin/busybox ]] || ldd /bin/busybox >/dev/null 2>&1; then apt_install busybox-static; fi
docker version >/dev/null 2>&1 || die "no Docker engine answers 'docker version' (deploy/dev/docker-fixture.sh starts one)"

inputs=$( { dpkg-query -W -f '${Version}' postgresql-15 busybox-static 2>/dev/null || true
  cat "$HERE/postgres.Dockerfile" "$HERE/postgres-entrypoint.sh" "${BASH_SOURCE[0]}" /bin/busybox "$PG/bin/postgres"; } |
  sha256sum | cut -c1-32)
if [[ $(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$IMAGE" 2>/dev/null || true) == "$inputs" ]]; then
  log "$IMAGE is up to date ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19))"
  exit 0
fi

rm -rf "$WORK" && mkdir -p "$WORK"
ctx=$WORK/ctx rootfs=$WORK/ctx/rootfs
mkdir -p "$rootfs"/{bin,etc,tmp,usr/local/bin,usr/share,"$PG"/bin} "$ctx/data" "$ctx/run"
chmod 1777 "$rootfs/tmp"
chmod 0700 "$ctx/data"
cp "$PG"/bin/{postgres,initdb,pg_isready} "$rootfs$PG/bin/"
# The server's modules without the LLVM JIT (llvmjit*.so and bitcode/ pull in libLLVM, about 100 MB; jit=off).
mkdir -p "$rootfs$PG/lib"
find "$PG/lib" -maxdepth 1 -type f -name '*.so' ! -name 'llvmjit*' -exec cp {} "$rootfs$PG/lib/" \;
cp -a /usr/share/postgresql/15 "$rootfs/usr/share/postgresql-15.tmp" && mkdir -p "$rootfs/usr/share/postgresql" &&
  mv "$rootfs/usr/share/postgresql-15.tmp" "$rootfs/usr/share/postgresql/15"
cp -a /usr/share/zoneinfo "$rootfs/usr/share/zoneinfo"
cp /bin/busybox "$rootfs/bin/busybox" && ln -s busybox "$rootfs/bin/sh"
cp "$HERE/postgres-entrypoint.sh" "$rootfs/usr/local/bin/"
printf 'root:x:0:0:root:/nonexistent:/bin/false\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/bin/false\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\npostgres:x:999:\n' >"$rootfs/etc/group"
ldd_out=$(for o in "$rootfs$PG"/bin/* "$rootfs$PG"/lib/*.so; do ldd "$o" 2>/dev/null || true; done)
missing=$(grep 'not found' <<<"$ldd_out" | sort -u || true)
[[ -z $missing ]] || die "libraries of PostgreSQL are missing on this machine: $missing"
mapfile -t libs < <(grep -o '/[^ ]*' <<<"$ldd_out" | sort -u)
for lib in "${libs[@]}"; do
  [[ -e $rootfs$lib ]] || { mkdir -p "$rootfs$(dirname "$lib")" && cp -L "$lib" "$rootfs$lib"; }
done
cp "$HERE/postgres.Dockerfile" "$ctx/Dockerfile"
builder=0
if docker buildx version >/dev/null 2>&1; then builder=1; fi
log "building $IMAGE (DOCKER_BUILDKIT=$builder)"
DOCKER_BUILDKIT=$builder docker build -q -t "$IMAGE" --label "$LABEL=$inputs" "$ctx" >/dev/null 2>"$WORK/build.log" ||
  { cat "$WORK/build.log" >&2; die "docker build failed"; }
rm -rf "$ctx"
log "built $IMAGE ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19)):" \
  "$(($(docker image inspect -f '{{.Size}}' "$IMAGE") / 1000000)) MB"
