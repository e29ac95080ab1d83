#!/usr/bin/env bash
# Validates deploy/k8s's manifests without a cluster (validate/validate.mjs says what is checked). Installs the
# validators' npm packages (versions in validate/package.json; the schemas come with them) once under
# target/k8s-validate/; after that it runs offline in a few seconds. Needs node 20+ and npm. Exit 1 on a problem.
# shellcheck disable=SC2015  # "A && B || die" is intended
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$ROOT/target/k8s-validate

log() { echo "k8s-validate: $*" >&2; }
die() { echo "k8s-validate: ERROR: $*" >&2; exit 1; }

command -v node >/dev/null && command -v npm >/dev/null ||
  die "node and npm are needed (Debian: apt-get install nodejs npm)"
mkdir -p "$WORK"
stamp=$(sha256sum "$HERE/validate/package.json" | cut -c1-32)
if [[ $(cat "$WORK/node_modules/.exec-broker-stamp" 2>/dev/null) != "$stamp" ]]; then
  log "installing the validators (npm install in $WORK)"
  cp "$HERE/validate/package.json" "$WORK/"
  (cd "$WORK" && npm install --no-audit --no-fund --ignore-scripts --no-package-lock --loglevel=error >"$WORK/npm.log" 2>&1) ||
    { tail -n 20 "$WORK/npm.log" >&2; die "npm install failed (is the npm registry reachable?)"; }
  echo "$stamp" >"$WORK/node_modules/.exec-broker-stamp"
fi
# Node resolves the packages from the script's folder, so the script runs from there.
cp "$HERE/validate/validate.mjs" "$WORK/"
node "$WORK/validate.mjs" "$HERE"
