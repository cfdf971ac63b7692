#!/bin/sh
# Prints the operator's BuildRequest-creation-to-Solve latency on an idle builder (p50/p90/p99).
# Usage: operator/bench/create-to-solve.sh [REQUESTS]   (from the repository root; default 100)
set -eu
export JAVA_HOME="${JAVA_HOME:-$(bin/find-jdk)}"
./mvnw -B -q -o -pl operator -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "operator/target/test-classes:operator/target/classes:api/target/classes:$(cat operator/target/bench.cp)" \
  dev.slipway.operator.bench.CreateToSolveBenchmark "$@"
