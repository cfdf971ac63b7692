#!/usr/bin/env bash
# Builds the slipway-builder and slipway-operator images with Slipway itself, on the base image
# of build-base.sh (which it makes or finds in the registry first).
#
#   build-images.sh OUT_DIR       writes OUT_DIR/slipway-builder.tar and slipway-operator.tar,
#                                 docker-archive tarballs for `ctr -n k8s.io images import`
#                                 or `docker load`
#   build-images.sh --push REPO   pushes REPO/slipway-builder:TAG and REPO/slipway-operator:TAG
#                                 (both may be given)
#
# Names: ${SLIPWAY_IMAGE_REPO:-slipway.invalid/e2e}/slipway-{builder,operator}:${SLIPWAY_IMAGE_TAG:-dev}
# (--push REPO replaces the repository). The Slipway state (layer cache) is
# $SLIPWAY_STATE, default /var/cache/slipway-e2e/slipway-state, so rebuilds take seconds.
# Needs root (Slipway's local engine mounts and runs runc) and the packaged jars.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)

usage() {
  echo "usage: $0 [--push REPO] [OUT_DIR]   (at least one of them)" >&2
  exit 2
}
fail() { echo "build-images: $*" >&2; exit 1; }

out_dir=""
push_repo=""
while [ $# -gt 0 ]; do
  case "$1" in
    --push) [ $# -ge 2 ] || usage; push_repo=$2; shift 2 ;;
    --push=*) push_repo=${1#--push=}; shift ;;
    -h|--help) usage ;;
    -*) echo "build-images: unknown option $1" >&2; usage ;;
    *) [ -z "$out_dir" ] || usage; out_dir=$1; shift ;;
  esac
done
[ -n "$out_dir$push_repo" ] || usage

[ "$(id -u)" = 0 ] || fail "building images needs root (mounts, runc); run as root (sudo $0)"
for jar in builder-pod/target/slipway-builder.jar operator/target/quarkus-app/quarkus-run.jar \
  cli/target/slipway-cli.jar; do
  [ -f "$root/$jar" ] || fail "$root/$jar is missing; build the jars first: \
cd $root && JAVA_HOME=\$(bin/find-jdk) ./mvnw -B -DskipTests package"
done

cache_root=${SLIPWAY_IMAGE_CACHE:-/var/cache/slipway-e2e}
export SLIPWAY_STATE=${SLIPWAY_STATE:-$cache_root/slipway-state}
repo=${SLIPWAY_IMAGE_REPO:-slipway.invalid/e2e}
tag=${SLIPWAY_IMAGE_TAG:-dev}

base=$("$root/deploy/images/build-base.sh" | tail -n 1)

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -n 1)
revision=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$out_dir" ]; then
  mkdir -p "$out_dir"
  out_dir=$(cd "$out_dir" && pwd)
fi

build() { # NAME CONTEXT_DIR
  local name=$1 context=$2 outputs=() start ms
  if [ -n "$out_dir" ]; then
    outputs+=(-t "$repo/$name:$tag" -o "type=docker,dest=$out_dir/$name.tar")
  fi
  if [ -n "$push_repo" ]; then
    outputs+=(-o "type=image,name=$push_repo/$name:$tag,push=true")
  fi
  start=$(date +%s%N)
  nice "$root/bin/slipway" build --local --progress "${SLIPWAY_PROGRESS:-plain}" \
    --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    "${outputs[@]}" "$root/$context" \
    || fail "building $name from $root/$context failed (see the log above)"
  ms=$((($(date +%s%N) - start) / 1000000))
  printf 'build-images: %s built in %d.%d s%s%s\n' "$name" $((ms / 1000)) $((ms % 1000 / 100)) \
    "${out_dir:+, $out_dir/$name.tar ($(du -h "$out_dir/$name.tar" | cut -f1))}" \
    "${push_repo:+, pushed $push_repo/$name:$tag}" >&2
}
build slipway-builder builder-pod
build slipway-operator operator

# Every rebuild with new jars adds layers to the cache; keep it bounded on machines that build
# these images again and again (CI, developers), least recently used first.
"$root/bin/slipway" prune --force --keep-storage "${SLIPWAY_IMAGES_CACHE_KEEP:-3GB}" >/dev/null \
  || echo "build-images: could not prune the build cache in $SLIPWAY_STATE (ignored)" >&2
