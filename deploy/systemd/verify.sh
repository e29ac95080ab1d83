#!/usr/bin/env bash
# Checks exec-broker.service without running it (systemd need not be PID 1): systemd-analyze verify must say
# nothing (it exits 0 on unknown keys and bad values, and only prints them), and the offline security review must
# rate its exposure at most MAX_EXPOSURE (0 best, 10 worst). Needs systemd-analyze (Debian: package systemd).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNIT=$HERE/exec-broker.service
MAX_EXPOSURE=${MAX_EXPOSURE:-2.5}

log() { echo "systemd-verify: $*" >&2; }
die() { echo "systemd-verify: ERROR: $*" >&2; exit 1; }
# As the fixture scripts do: what is missing is installed on Debian as root (the package only, systemd need not run).
# shellcheck source=../dev/apt.sh
. "$HERE/../dev/apt.sh"
trap apt_cleanup EXIT
command -v systemd-analyze >/dev/null || apt_install systemd
command -v systemd-analyze >/dev/null || die "no systemd-analyze (Debian: apt-get install systemd)"

out=$(systemd-analyze verify "$UNIT" 2>&1) || die "systemd-analyze verify failed: $out"
[[ -z $out ]] || die "systemd-analyze verify $UNIT: $out"
exposure=$(systemd-analyze security --offline=true "$UNIT" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[[ -n $exposure ]] || die "systemd-analyze security --offline=true printed no exposure level"
awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }' ||
  die "exposure $exposure of $UNIT is above $MAX_EXPOSURE: see systemd-analyze security --offline=true $UNIT"
echo "systemd-verify: $(basename "$UNIT"): systemd-analyze verify clean, exposure $exposure (at most $MAX_EXPOSURE)"
