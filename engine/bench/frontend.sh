#!/usr/bin/env bash
# Runs the Dockerfile frontend JMH benchmark (parse + convert of a 500-line, 10-stage Dockerfile).
# Usage: engine/bench/frontend.sh [JMH options, e.g. -wi 1 -i 3 -r 1 -w 1]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q -o -pl engine -am test-compile -DskipTests
CP_FILE="$(mktemp)"
trap 'rm -f "$CP_FILE"' EXIT
./mvnw -B -q -o -pl engine dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -cp "engine/target/test-classes:engine/target/classes:$(cat "$CP_FILE")" \
  org.openjdk.jmh.Main DockerfileFrontendBenchmark "$@"
