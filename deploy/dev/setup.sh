#!/usr/bin/env bash
# All the machine set-up the demo and the tests need, idempotent: the Docker engine with the test container
# (docker-fixture.sh), a second engine of the tests' own that they stop and start (dockerd2-fixture.sh), a third
# that listens only on tcp with TLS and client certificates (dockerd-tls-fixture.sh), a
# headless Chromium with ChromeDriver (browser-fixture.sh) and a PostgreSQL server on 127.0.0.1:55432 for
# controller-sample's token store test (postgres-fixture.sh).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
"$HERE/docker-fixture.sh"
"$HERE/dockerd2-fixture.sh" start
"$HERE/dockerd-tls-fixture.sh" start
"$HERE/browser-fixture.sh"
"$HERE/postgres-fixture.sh" >/dev/null   # prints its JDBC URL, which the tests know
