#!/usr/bin/env bash
# Runs the context listing JMH benchmark (LocalContextFiles.stat on a 20,000-file context).
# Usage: engine/bench/context.sh [JMH options, e.g. -wi 2 -i 3 -r 2 -w 2]
exec "$(dirname "$0")/jmh.sh" ContextStatBenchmark "$@"
