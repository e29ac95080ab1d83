#!/usr/bin/env bash
# Benchmarks the broker against a direct Docker API client (and the docker CLI) in one run and prints one
# table of ratios: deploy/dev/bench.sh [--quick] [--help for the options].
# Needs the Docker fixture (deploy/dev/docker-fixture.sh: engine + container servertest). Builds the broker's
# test classes with the Maven wrapper, then runs io.execbroker.broker.bench.ExecBenchmark in a plain JVM.
# Extra Maven flags (e.g. -o for offline) go in BENCH_MAVEN_ARGS; extra JVM flags in BENCH_JAVA_OPTS.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# One reactor build: compiles protocol and broker (main and test) and writes the broker's test class path,
# in which the protocol module is protocol/target/classes (relative mdep.outputFile: one file per module).
# shellcheck disable=SC2086  # BENCH_MAVEN_ARGS is a list of flags
./mvnw -q -B ${BENCH_MAVEN_ARGS:-} -pl broker -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2 ||
  { echo "bench: ERROR: the build failed" >&2; exit 1; }

CP="broker/target/test-classes:broker/target/classes:$(cat broker/target/bench.classpath)"
# shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of flags
exec java ${BENCH_JAVA_OPTS:-} -cp "$CP" io.execbroker.broker.bench.ExecBenchmark "$@"
