#!/usr/bin/env bash
# Runs the context listing JMH benchmark (LocalContextFiles.stat on a 20,000-file context).
# Usage: engine/bench/context.sh [JMH options, e.g. -wi 2 -i 3 -r 2 -w 2]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
# One reactor run, so api and test-support resolve to their target/classes without an install.
./mvnw -B -q -o -pl engine -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -cp "engine/target/test-classes:engine/target/classes:$(cat "$CP_FILE")" \
  org.openjdk.jmh.Main ContextStatBenchmark "$@"
