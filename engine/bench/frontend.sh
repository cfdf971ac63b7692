#!/usr/bin/env bash
# Runs the Dockerfile frontend JMH benchmark (parse + convert of a 500-line, 10-stage Dockerfile).
# Usage: engine/bench/frontend.sh [JMH options, e.g. -wi 1 -i 3 -r 1 -w 1]
exec "$(dirname "$0")/jmh.sh" DockerfileFrontendBenchmark "$@"
