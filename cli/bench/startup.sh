#!/usr/bin/env bash
# Measures how long `slipway` takes before it does anything useful, and a fully cached no-op
# rebuild of examples/hello, and prints the figures: wall-clock mean ± stddev and minimum, and
# CPU time (user+system), which depends less on what else the machine runs.
#  - `slipway version` with the class-data-sharing archive the launcher creates
#    (cli/target/slipway-cli.jsa), with only the JDK's own CDS archive (SLIPWAY_CDS=off), and with
#    no CDS at all (-Xshare:off);
#  - `slipway build --local examples/hello` when every step is cached: without an output (the cache
#    check alone) and with an OCI archive output (the export runs every time).
# Uses hyperfine when installed (apt-get install hyperfine), else a timing loop.
# Needs `./mvnw -DskipTests package` first; the rebuild needs root and .ci/setup's registry.
# RUNS (default 10) sets the number of timed runs per command.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
slipway="$root/bin/slipway"
runs=${RUNS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SLIPWAY_STATE="$work/state"

measure() { # NAME COMMAND...
  local name=$1
  shift
  if command -v hyperfine >/dev/null; then
    hyperfine --style basic --shell=none --warmup 2 --runs "$runs" --export-json "$work/h.json" \
      "$*" >/dev/null 2>&1
    python3 - "$name" "$work/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))["results"][0]
print(f"{sys.argv[1]:<44} {r['mean']*1000:6.0f} ms ± {r['stddev']*1000:4.0f} ms"
      f"  min {r['min']*1000:5.0f} ms  cpu {(r['user']+r['system'])*1000:5.0f} ms  ({len(r['times'])} runs)")
PY
  else
    "$@" >/dev/null 2>&1 && "$@" >/dev/null 2>&1 # warm-up
    local start end
    start=$(date +%s%N)
    for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1; done
    end=$(date +%s%N)
    printf '%-44s %7d ms mean (%d runs, timing loop)\n' "$name" $(((end - start) / runs / 1000000)) "$runs"
  fi
}

[ -f "$root/cli/target/slipway-cli.jar" ] || {
  echo "startup.sh: build first: JAVA_HOME=\$(bin/find-jdk) ./mvnw -DskipTests package" >&2
  exit 2
}
echo "slipway start-up and no-op rebuild ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), $("$slipway" version | tail -1))"
# The launcher's first run writes the CDS archive with the classes that run loaded; make it a
# build, the usual first command (needs root), so later builds find their classes in it too.
rm -f "$root/cli/target/slipway-cli.jsa"
if [ "$(id -u)" -eq 0 ]; then
  "$slipway" build --local --progress=quiet -o "type=oci,dest=$work/hello.tar" "$root/examples/hello" >/dev/null
else
  "$slipway" version >/dev/null
fi
measure "slipway version (app CDS archive)" "$slipway" version
measure "slipway version (JDK CDS only)" env SLIPWAY_CDS=off "$slipway" version
measure "slipway version (no CDS)" env SLIPWAY_CDS=off SLIPWAY_JAVA_OPTS=-Xshare:off "$slipway" version

if [ "$(id -u)" -ne 0 ]; then
  echo "startup.sh: skipping the rebuild figures: building needs root" >&2
  exit 0
fi
measure "cached rebuild of examples/hello, no output" \
  "$slipway" build --local --progress=quiet "$root/examples/hello"
measure "cached rebuild of examples/hello, OCI archive" \
  "$slipway" build --local --progress=quiet -o "type=oci,dest=$work/hello.tar" "$root/examples/hello"
