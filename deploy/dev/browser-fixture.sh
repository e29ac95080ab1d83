#!/usr/bin/env bash
# Makes sure a headless Chromium and its ChromeDriver are installed, for controller-sample's browser test.
# Idempotent: newcomers run it (through setup.sh) by hand, .ci/run runs it on a fresh machine. As root on
# Debian/Ubuntu it installs the distribution's packages; a browser's own download (playwright install,
# Selenium Manager) needs network this project does not assume.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

case "${1:-}" in
  -h|--help) echo "Usage: $0   (installs chromium, chromium-driver and a font with apt-get if missing)"; exit 0 ;;
  "") ;;
  *) echo "Usage: $0" >&2; exit 2 ;;
esac

log() { echo "browser-fixture: $*"; }
die() { echo "browser-fixture: ERROR: $*" >&2; exit 1; }
# shellcheck source=deploy/dev/apt.sh
. "$HERE/apt.sh"
trap apt_cleanup EXIT

major() { "$1" --version 2>/dev/null | grep -o '[0-9][0-9]*\.' | head -n 1 | tr -d .; }

if [[ ! -x $CHROMIUM || ! -x $CHROMEDRIVER ]]; then
  # The font gives the terminal screenshot real glyphs; the browser test reads text, not pixels.
  apt_install chromium chromium-driver fonts-dejavu-core
fi
browser=$(major "$CHROMIUM") driver=$(major "$CHROMEDRIVER")
[[ -n $browser && $browser == "$driver" ]] ||
  die "$CHROMIUM (version ${browser:-?}) and $CHROMEDRIVER (${driver:-?}) do not match: apt-get install chromium chromium-driver"
log "ready: $("$CHROMIUM" --version 2>/dev/null) with $CHROMEDRIVER"
