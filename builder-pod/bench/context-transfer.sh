#!/usr/bin/env bash
# Benchmark (not a test): time and bytes of the first and the incremental (one file touched)
# context transfer, Slipway's builder (bin/slipway-builder + bin/slipway build --builder) against
# BuildKit (Debian's docker.io: dockerd with DOCKER_BUILDKIT=1), on the same machine and context.
#
#   builder-pod/bench/context-transfer.sh [FILES] [FILE_KB]     (default: 5000 files of 20 KB)
#
# Needs root, the packaged jars (./mvnw -DskipTests package) and the registry on 127.0.0.1:5000
# with busybox (.ci/setup). Installs docker.io with apt-get when dockerd is missing. Everything
# it creates lives in one temp dir, removed at the end; it stops only the processes it started.
set -euo pipefail
files=${1:-5000}
file_kb=${2:-20}
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
work=$(mktemp -d /tmp/slipway-bench.XXXXXX)
builder_pid=""
dockerd_pid=""
cleanup() {
  [ -n "$builder_pid" ] && kill "$builder_pid" 2>/dev/null && wait "$builder_pid" 2>/dev/null || true
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }

echo "context: $files files of $file_kb KB in $work/ctx"
mkdir -p "$work/ctx"
head -c $((file_kb * 1024)) /dev/urandom > "$work/block"
for ((i = 0; i < files; i++)); do
  d="$work/ctx/d$((i / 500))"
  [ $((i % 500)) -eq 0 ] && mkdir -p "$d"
  { printf '%08d' "$i"; cat "$work/block"; } > "$d/f$i"
done
printf 'FROM 127.0.0.1:5000/busybox:latest\nCOPY . /ctx/\n' > "$work/ctx/Dockerfile"
context_bytes=$(du -sb "$work/ctx" | cut -f1)
touch_one() { touch -d "@$(( $(date +%s) + $1 ))" "$work/ctx/d0/f7"; }

# --- Slipway ---------------------------------------------------------------------------------
head -c 32 /dev/urandom | base64 > "$work/token"
"$root/bin/slipway-builder" --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 \
  --state "$work/slipway-state" --token-file "$work/token" > "$work/builder.log" 2>&1 &
builder_pid=$!
for _ in $(seq 300); do grep -q 'listening on' "$work/builder.log" && break; sleep 0.1; done
port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/builder.log" | cut -d: -f2)
mport=$(grep -o 'metrics on 127.0.0.1:[0-9]*' "$work/builder.log" | cut -d: -f2)
received() { curl -s "127.0.0.1:$mport/metrics" | awk '/^slipway_session_received_bytes_total /{printf "%.0f", $2}'; }
slipway_build() {
  local before after t0 t1
  before=$(received); t0=$(now)
  "$root/bin/slipway" build --builder "grpc://127.0.0.1:$port" --token-file "$work/token" \
    --progress quiet "$work/ctx" > "$work/slipway-$1.log" 2>&1
  t1=$(now); after=$(received)
  printf '%-8s %-12s %8.2f s %14d bytes\n' slipway "$1" "$(elapsed "$t0" "$t1")" $((after - before))
}

# --- BuildKit (docker.io) -------------------------------------------------------------------------
start_dockerd() {
  if ! command -v dockerd > /dev/null; then
    echo "installing Debian's docker.io for BuildKit ..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io > "$work/apt.log" 2>&1 ||
      { echo "BuildKit skipped: apt-get install docker.io failed (see below)"; tail -5 "$work/apt.log"; return 1; }
  fi
  dockerd --bridge=none --iptables=false --ip6tables=false --data-root "$work/docker" \
    --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" -H "unix://$work/docker.sock" \
    > "$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 150); do
    /usr/bin/docker -H "unix://$work/docker.sock" info > /dev/null 2>&1 && return 0
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "BuildKit skipped: dockerd did not start:"; tail -5 "$work/dockerd.log"
  return 1
}
buildkit_build() {
  local t0 t1 sent
  t0=$(now)
  DOCKER_BUILDKIT=1 /usr/bin/docker -H "unix://$work/docker.sock" build --network host \
    --progress plain -t bench:latest "$work/ctx" > "$work/buildkit-$1.log" 2>&1 ||
    { echo "BuildKit build failed:"; tail -20 "$work/buildkit-$1.log"; return 1; }
  t1=$(now)
  # BuildKit reports what it sent for the context: "transferring context: 12.34MB"
  sent=$(grep -o 'transferring context: [0-9.]*[kMG]*B' "$work/buildkit-$1.log" | tail -1 | awk '{print $3}')
  printf '%-8s %-12s %8.2f s %14s (as BuildKit reports it)\n' buildkit "$1" "$(elapsed "$t0" "$t1")" "$sent"
}

echo "context: $context_bytes bytes"
# A builder pod is a long-running process: warm its JIT with one small, unrelated build first,
# as BuildKit's daemon is warm (it is compiled ahead of time).
mkdir -p "$work/warmup" && printf 'warm\n' > "$work/warmup/f" &&
  printf 'FROM 127.0.0.1:5000/busybox:latest\nCOPY f /f\nRUN cat /f\n' > "$work/warmup/Dockerfile"
"$root/bin/slipway" build --builder "grpc://127.0.0.1:$port" --token-file "$work/token" \
  --progress quiet "$work/warmup" > /dev/null 2>&1
printf '%-8s %-12s %10s %20s\n' tool transfer time "bytes over the session"
slipway_build first
touch_one 5
slipway_build incremental
if start_dockerd; then
  buildkit_build first
  touch_one 10
  buildkit_build incremental
fi
