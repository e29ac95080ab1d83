#!/usr/bin/env bash
# Measures the CPU floor of a relay on this machine (see relay.c): a C program moves `head -c MiB /dev/zero`
# from a docker exec in servertest to a loopback TCP socket, with and without the broker's 1 ms read
# coalescing. Compare its s/GiB with the broker's "own threads" row of deploy/dev/bench.sh.
# Needs gcc, curl, python3 and the Docker fixture (deploy/dev/docker-fixture.sh).
# Usage: deploy/dev/floor/relay-floor.sh [REPS=3] [MIB=1024]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPS=${1:-3}
MIB=${2:-1024}
BIN=$(mktemp -d)/relay
trap 'rm -rf "$(dirname "$BIN")"' EXIT
gcc -O2 -o "$BIN" "$HERE/relay.c"

new_exec() {
  curl -sf --unix-socket /var/run/docker.sock -H 'Content-Type: application/json' \
    -d "{\"AttachStdout\":true,\"AttachStderr\":true,\"Cmd\":[\"head\",\"-c\",\"$((MIB * 1024 * 1024))\",\"/dev/zero\"]}" \
    http://docker/containers/servertest/exec | python3 -c 'import json, sys; print(json.load(sys.stdin)["Id"])'
}

for _ in $(seq "$REPS"); do
  for nap in 1000 0; do
    "$BIN" "$(new_exec)" "$nap" 2>/dev/null
  done
done
