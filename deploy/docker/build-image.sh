#!/usr/bin/env bash
# Builds the broker's image (or controller-sample's) FROM scratch here, where no registry can be reached: a jlink'ed
# Java runtime with the modules jdeps finds in the jar, the jar, the libraries ldd lists for the runtime, /etc/passwd
# with the non-root user exec-broker (10001) and /tmp. Idempotent and fast when nothing changed: the image carries a
# label with the hash of everything it is made of, and a matching image is left alone (about a second); the runtime
# is kept in target/image/ beside the jar by JDK, module list and this script, so a new jar costs jdeps and a docker
# build, not jlink.
# shellcheck disable=SC2015  # "A && B || die" is intended
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/deploy/docker
APP=broker
LABEL=io.execbroker.image.inputs
# Modules jdeps names that neither app uses, left out because they drag in X11, freetype and sound
# libraries (about 20 MB): java.desktop (java.beans, for snakeyaml's bean introspection and JNA's AWT helpers,
# neither used: Jackson reads YAML with snakeyaml's parser only) and java.compiler (Vert.x compiling verticles
# from source). DeployImageIT runs a real session in the image, so a module that is needed after all shows there.
EXCLUDED=(java.desktop java.compiler)
# Modules jdeps cannot see, loaded by name at run time: EC keys for JWTs (ES256/384/512) and TLS, the JNDI DNS
# provider Netty asks for the name servers.
ADDED=(jdk.crypto.ec jdk.naming.dns)

usage() {
  cat <<EOF
Usage: $0 [--force] [broker|controller-sample] [--help]
Builds an image FROM scratch from a jar (build the jars first: ./mvnw -B -DskipTests package):
  broker (default)    exec-broker-deploy:local from broker/target/exec-broker.jar, Dockerfile.scratch
  controller-sample   exec-broker-deploy-controller:local from controller-sample/target/controller-sample.jar,
                      deploy/compose/controller-sample.Dockerfile (for deploy/compose)
\$EXEC_BROKER_IMAGE names the image instead. Needs a JDK 17+ with jlink and jdeps (\$JAVA_HOME, else the one of
jlink on the PATH) and a Docker engine; pulls nothing. Prints the image's id, size and runtime modules.
  --force   rebuild even when the image is up to date
EOF
}
FORCE=
while (($#)); do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --force) FORCE=1 ;;
    broker|controller-sample) APP=$1 ;;
    *) usage >&2; exit 2 ;;
  esac
  shift
done
case $APP in
  broker)
    IMAGE=${EXEC_BROKER_IMAGE:-exec-broker-deploy:local}
    JAR=$ROOT/broker/target/exec-broker.jar
    DOCKERFILE=$HERE/Dockerfile.scratch ;;
  controller-sample)
    IMAGE=${EXEC_BROKER_IMAGE:-exec-broker-deploy-controller:local}
    JAR=$ROOT/controller-sample/target/controller-sample.jar
    DOCKERFILE=$ROOT/deploy/compose/controller-sample.Dockerfile ;;
esac
WORK=$(dirname "$JAR")/image

log() { echo "build-image: $*" >&2; }
die() { echo "build-image: ERROR: $*" >&2; exit 1; }

[[ -f $JAR ]] || die "$JAR is missing: build it first (./mvnw -B -DskipTests package)"
JDK=${JAVA_HOME:-}
if [[ -z $JDK || ! -x $JDK/bin/jlink ]]; then
  command -v jlink >/dev/null || die "no jlink: install a JDK 17+ (Debian: openjdk-17-jdk-headless) or set JAVA_HOME"
  JDK=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")
fi
[[ -x $JDK/bin/jdeps && -r $JDK/release ]] || die "$JDK is not a full JDK (expected: bin/jlink, bin/jdeps, release)"
docker version >/dev/null 2>&1 || die "no Docker engine answers 'docker version' (deploy/dev/docker-fixture.sh starts one)"

inputs=$(cat "$JAR" "$JDK/release" "$DOCKERFILE" "$HERE/passwd" "$HERE/group" "${BASH_SOURCE[0]}" |
  sha256sum | cut -c1-32)
current=$(docker image inspect -f "{{index .Config.Labels \"$LABEL\"}}" "$IMAGE" 2>/dev/null || true)
if [[ -z $FORCE && $current == "$inputs" ]]; then
  log "$IMAGE is up to date ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19))"
  exit 0
fi

mkdir -p "$WORK"
log "finding the jar's modules with jdeps"
modules=$("$JDK/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$JAR" 2>"$WORK/jdeps.log") ||
  { cat "$WORK/jdeps.log" >&2; die "jdeps failed"; }
modules=$(printf '%s\n' "${modules//,/$'\n'}" "${ADDED[@]}" | grep -vxF -f <(printf '%s\n' "${EXCLUDED[@]}") |
  sort -u | paste -sd, -)
runtime=$WORK/runtime-$(cat "$JDK/release" - "${BASH_SOURCE[0]}" <<<"$modules" | sha256sum | cut -c1-16)
if [[ ! -x $runtime/bin/java ]]; then
  log "linking a runtime of $modules"
  rm -rf "$WORK"/runtime-*
  "$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
    --output "$runtime.tmp" >&2 || die "jlink failed"
  mv "$runtime.tmp" "$runtime"
fi

ctx=$WORK/ctx
rootfs=$ctx/rootfs
rm -rf "$ctx"
mkdir -p "$rootfs"/{opt/exec-broker,etc/"$APP",tmp}
chmod 1777 "$rootfs/tmp"
cp -a "$runtime" "$rootfs/opt/exec-broker/runtime"
cp "$JAR" "$rootfs/opt/exec-broker/$(basename "$JAR")"
cp "$HERE/passwd" "$HERE/group" "$rootfs/etc/"
cp "$DOCKERFILE" "$ctx/Dockerfile"
# The libraries and the loader of the launcher and of every native library in the runtime, where ldd finds them.
# The runtime's own libraries (libjvm.so, found by their RPATH) are not "not found" once the runtime is in place.
# So are those of the native libraries in the jar that Netty (epoll) and JNA unpack to /tmp when they load them:
# they need libdl, which nothing in the runtime does.
rm -rf "$WORK/jar-native" && mkdir -p "$WORK/jar-native"
(cd "$WORK/jar-native" && "$JDK/bin/jar" xf "$JAR" META-INF/native com/sun/jna/linux-x86-64) ||
  die "extracting the jar's native libraries failed"
mapfile -t objects < <(find "$runtime" "$WORK/jar-native" -type f \( -name '*.so' -o -path '*/bin/*' \))
ldd_out=$(for o in "${objects[@]}"; do LD_LIBRARY_PATH=$runtime/lib:$runtime/lib/server ldd "$o" 2>/dev/null || true; done)
missing=$(grep 'not found' <<<"$ldd_out" | sort -u || true)
[[ -z $missing ]] || die "libraries of the runtime are missing on this machine: $missing"
mapfile -t libs < <(grep -o '/[^ ]*' <<<"$ldd_out" | grep -v "^$runtime" | sort -u)
for lib in "${libs[@]}"; do
  mkdir -p "$rootfs$(dirname "$lib")" && cp -L "$lib" "$rootfs$lib"
done

builder=0
if docker buildx version >/dev/null 2>&1; then builder=1; fi  # BuildKit only via buildx; FROM scratch needs neither
log "building $IMAGE (DOCKER_BUILDKIT=$builder)"
DOCKER_BUILDKIT=$builder docker build -q -t "$IMAGE" --label "$LABEL=$inputs" "$ctx" >/dev/null 2>"$WORK/build.log" ||
  { cat "$WORK/build.log" >&2; die "docker build failed"; }
rm -rf "$ctx"
log "built $IMAGE ($(docker image inspect -f '{{.Id}}' "$IMAGE" | cut -c8-19)):" \
  "$(($(docker image inspect -f '{{.Size}}' "$IMAGE") / 1000000)) MB; runtime modules: $modules"
