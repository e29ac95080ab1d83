#!/usr/bin/env bash
# All the machine set-up the demo and the tests need, idempotent: the Docker engine with the test container
# (docker-fixture.sh) and a headless Chromium with ChromeDriver (browser-fixture.sh).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/docker-fixture.sh"
"$HERE/browser-fixture.sh"
