#!/usr/bin/env bash
# Builds a fixed set of conformance cases cold and warm with the engine and prints the times,
# then the layer compression throughput (MB/s) on the debootstrapped Debian rootfs tar when the
# integration tests made one. Needs root, runc/crun and the registry of .ci/setup.
# Usage: engine/bench/build.sh [CONFORMANCE_DIR [LAYER_TAR]]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q -o -pl engine -am test-compile -DskipTests
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -q -o -pl engine dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
cd engine
LANG=C.UTF-8 "$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat "$CP_FILE")" \
  dev.slipway.engine.bench.BuildBenchmark "${1:-../../shared/conformance}" \
  "${2:-/var/cache/slipway-test/debian-minbase-bookworm.tar}"
