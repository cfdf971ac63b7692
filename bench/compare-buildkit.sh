#!/usr/bin/env bash
# Compares Slipway's `build --local` with a modern BuildKit (buildctl against a buildkitd this
# script starts, OCI worker, the image kept in its store) on the everyday loop, in one run, and
# prints each case as the median wall time of RUNS builds and the ratio Slipway / BuildKit:
#  - no-op rebuild: nothing changed since the last build;
#  - one source file changed: a COPY'd file changes before every build, the RUN after it reruns;
#  - small cold build: ARG/ENV/RUN steps with a build argument new to every build, so every step
#    after FROM misses the cache (the base image is in both builders' stores).
# Both builders build the same contexts into an image kept in their own store (Slipway:
# `-o type=image,name=…` with a state directory of this run). Builds of the two alternate, so load
# drift hits both alike. The whole measurement holds the repository's build lock
# (/tmp/slipway-build.lock) so that concurrent maven builds do not distort it.
# Not a test: it prints figures. Needs root, runc, the registry of .ci/setup on 127.0.0.1:5000
# (with busybox:latest), `./mvnw -DskipTests package -pl cli -am`, and the BuildKit that
# differential/oracle/build.sh builds (it builds it when missing, ~8 minutes).
# BASELINE=OTHER/bin/slipway adds a column for another Slipway checkout (e.g. before a change),
# measured in the same run with its own state directory.
# Usage: bench/compare-buildkit.sh   (env: RUNS=5 builds per case, SLIPWAY=bin/slipway, BASELINE,
#        BASE=127.0.0.1:5000/busybox:latest, SLIPWAY_BENCH_LOCK=/tmp/slipway-build.lock)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
lock=${SLIPWAY_BENCH_LOCK:-/tmp/slipway-build.lock}
if [ -z "${SLIPWAY_BENCH_LOCKED:-}" ]; then
  exec env SLIPWAY_BENCH_LOCKED=1 flock "$lock" "$0" "$@"
fi
runs=${RUNS:-5}
slipway=${SLIPWAY:-$root/bin/slipway}
baseline=${BASELINE:-}
base=${BASE:-127.0.0.1:5000/busybox:latest}
bin=$("$root/differential/oracle/build.sh" | tail -1)

# A short path: the unix socket's path must fit the kernel's 108 bytes.
work=$(mktemp -d /tmp/bench-bk.XXXXXX)
daemon=
cleanup() {
  if [ -n "$daemon" ]; then
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
  fi
  # buildkitd may leave snapshot mounts behind: unmount them, deepest first, before removing
  awk -v p="$work/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

sock="$work/bk.sock"
"$bin/buildkitd" --config "$root/differential/oracle/buildkitd.toml" --root "$work/bk" \
  --addr "unix://$sock" --oci-worker=true --containerd-worker=false --oci-worker-binary=runc \
  --oci-worker-snapshotter=native --oci-worker-net=host >"$work/buildkitd.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do
  "$bin/buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { tail -20 "$work/buildkitd.log" >&2; exit 1; }
  sleep 0.2
done

slipway_build() { # CONTEXT NAME BUILD-ARG...
  local ctx=$1 name=$2
  shift 2
  local args=()
  for a in "$@"; do args+=(--build-arg "$a"); done
  SLIPWAY_STATE="$work/slipway-state" "$slipway" build --local --progress=quiet "${args[@]}" \
    -o "type=image,name=bench/$name:latest" "$ctx"
}
baseline_build() { # CONTEXT NAME BUILD-ARG...
  local ctx=$1 name=$2
  shift 2
  local args=()
  for a in "$@"; do args+=(--build-arg "$a"); done
  SLIPWAY_STATE="$work/baseline-state" "$baseline" build --local --progress=quiet "${args[@]}" \
    -o "type=image,name=bench/$name:latest" "$ctx"
}
buildkit_build() { # CONTEXT NAME BUILD-ARG...
  local ctx=$1 name=$2
  shift 2
  local args=()
  for a in "$@"; do args+=(--opt "build-arg:$a"); done
  "$bin/buildctl" --addr "unix://$sock" build --progress=quiet --frontend dockerfile.v0 \
    --local "context=$ctx" --local "dockerfile=$ctx" "${args[@]}" \
    --output "type=image,name=bench/$name:latest"
}
# Prints the seconds COMMAND took; its output goes to $work/last.log, shown when it fails.
timed() {
  local start end
  start=$(date +%s%N)
  if ! "$@" >"$work/last.log" 2>&1; then
    echo "failed: $*" >&2
    tail -30 "$work/last.log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() { # MILLISECONDS... -> seconds
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}
ratio() { awk -v s="$1" -v b="$2" 'BEGIN { printf "%.1f", s / b }'; }
report() { # CASE SLIPWAY-MS-LIST BUILDKIT-MS-LIST [BASELINE-MS-LIST]
  local s b o
  s=$(median $2)
  b=$(median $3)
  printf '%-40s %8s %9s %8s' "$1" "$s" "$b" "$(ratio "$s" "$b")"
  if [ -n "$baseline" ]; then
    o=$(median $4)
    printf ' %9s %8s' "$o" "$(ratio "$o" "$b")"
  fi
  echo
}
# One build of each builder (and the baseline), in turn: appends the times to s, b and o.
round() { # CONTEXT NAME BUILD-ARG...
  s+=("$(timed slipway_build "$@")")
  b+=("$(timed buildkit_build "$@")")
  if [ -n "$baseline" ]; then o+=("$(timed baseline_build "$@")"); fi
}

app="$work/app"
mkdir -p "$app/src"
cat >"$app/Dockerfile" <<EOF
FROM $base
WORKDIR /app
COPY src/ src/
RUN cat src/*.txt | wc -c > /size
EOF
for i in $(seq 20); do echo "file $i" >"$app/src/f$i.txt"; done
cold="$work/cold"
mkdir -p "$cold"
cat >"$cold/Dockerfile" <<EOF
FROM $base
ARG V=0
ENV GREETING=hello-\$V MODE=bench
RUN echo "\$GREETING \$MODE" > /greeting
LABEL v=\$V
EOF

echo "Slipway build --local vs BuildKit $(basename "$(dirname "$bin")" | sed s/^buildkit-//) (buildctl, OCI worker)," \
  "median of $runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
# warm-up: the base image into both stores, the launcher's class-data archive, the first build
timed slipway_build "$app" app >/dev/null
timed buildkit_build "$app" app >/dev/null
timed slipway_build "$app" app >/dev/null
if [ -n "$baseline" ]; then
  timed baseline_build "$app" app >/dev/null
  timed baseline_build "$app" app >/dev/null
fi

printf '%-40s %8s %9s %8s' case "Slipway" "BuildKit" ratio
if [ -n "$baseline" ]; then printf ' %9s %8s' baseline ratio; fi
echo
s=() b=() o=()
for _ in $(seq "$runs"); do round "$app" app; done
report "no-op rebuild" "${s[*]}" "${b[*]}" "${o[*]}"

s=() b=() o=()
for i in $(seq "$runs"); do
  echo "changed $i" >"$app/src/f1.txt"
  round "$app" app
done
report "one source file changed" "${s[*]}" "${b[*]}" "${o[*]}"

s=() b=() o=()
stamp=$(date +%s)
for i in $(seq "$runs"); do round "$cold" cold "V=$stamp-$i"; done
report "small cold build (ARG/ENV/RUN)" "${s[*]}" "${b[*]}" "${o[*]}"
