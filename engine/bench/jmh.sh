#!/usr/bin/env bash
# Runs one of the engine's JMH benchmarks (engine/src/test/java/dev/slipway/engine/bench/).
# Usage: engine/bench/jmh.sh BENCHMARK [JMH options, e.g. -wi 1 -i 3 -r 1 -w 1]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 BENCHMARK [JMH options]" >&2; exit 2; }
benchmark=$1; shift
cd "$(dirname "$0")/../.."
JAVA_HOME="${JAVA_HOME:-$(bin/find-jdk)}"
export JAVA_HOME
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
# One reactor run, so api and test-support resolve to their target/classes without an install.
./mvnw -B -q -o -pl engine -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -cp "engine/target/test-classes:engine/target/classes:$(cat "$CP_FILE")" \
  org.openjdk.jmh.Main "$benchmark" "$@"
