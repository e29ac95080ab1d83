#!/usr/bin/env bash
# Benchmarks the broker against a direct Docker API client (and the docker CLI) in one run and prints one
# table of ratios: deploy/dev/bench.sh [--quick] [--help for the options].
# Needs the Docker fixture (deploy/dev/docker-fixture.sh: engine + container servertest). Builds the broker's
# test classes with the Maven wrapper, then runs io.execbroker.broker.bench.ExecBenchmark in a plain JVM.
# deploy/dev/bench.sh --load | --soak [MINUTES] | --footprint | --fleet [SECONDS]: the broker as its own JVM (the
# jar) under load, soak, JVM flag sets and two brokers on two engines (io.execbroker.broker.bench.LoadBenchmark; --load --help for the options).
# deploy/dev/bench.sh --handshake-floor [N] [PAUSE_MS]: a bare Vert.x WebSocket, with and without a controller GET
# before its 101, no broker and no Docker: the floor under the setup time (io.execbroker.broker.bench.HandshakeFloor).
# Extra Maven flags (e.g. -o for offline) go in BENCH_MAVEN_ARGS; extra JVM flags in BENCH_JAVA_OPTS.
set -euo pipefail

MAIN=io.execbroker.broker.bench.ExecBenchmark
GOAL=test-compile
case " $* " in
  *" --handshake-floor "*)
    MAIN=io.execbroker.broker.bench.HandshakeFloor ;;
  *" --load "* | *" --soak "* | *" --footprint "* | *" --fleet "*)
    MAIN=io.execbroker.broker.bench.LoadBenchmark
    GOAL="package -DskipTests" ;; # the broker runs from its jar
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

# One reactor build: compiles protocol and broker (main and test) and writes the broker's test class path,
# in which the protocol module is protocol/target/classes (relative mdep.outputFile: one file per module).
# shellcheck disable=SC2086  # BENCH_MAVEN_ARGS and GOAL are lists of words
./mvnw -q -B ${BENCH_MAVEN_ARGS:-} -pl broker -am $GOAL dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >&2 ||
  { echo "bench: ERROR: the build failed" >&2; exit 1; }

CP="broker/target/test-classes:broker/target/classes:$(cat broker/target/bench.classpath)"
# shellcheck disable=SC2086  # BENCH_JAVA_OPTS is a list of flags
exec java ${BENCH_JAVA_OPTS:-} -cp "$CP" "$MAIN" "$@"
