#!/usr/bin/env bash
# Context transfer, Slipway through a builder process (bin/slipway-builder, the CLI answering the
# session over gRPC on loopback) and with --local, against a modern BuildKit (buildctl --local,
# OCI worker), on generated contexts of N files of FILE_BYTES random bytes each, and for each:
# the first build (empty state), a no-op rebuild, and a rebuild after one file changed. The
# Dockerfile is `FROM busybox` + `COPY . /ctx`, no output, so the build is the transfer and the
# copy. Prints wall seconds per build and the bytes that crossed the session (the builder's
# slipway_session_received_bytes_total: every message, as sent) next to the context's size.
# Not a test: it prints figures. Holds the repository's build lock for the whole measurement.
# Needs root, runc, the registry on 127.0.0.1:5000 with busybox:latest, the packaged jars
# (`./mvnw -DskipTests package -pl cli,builder-pod -am`) and the BuildKit of differential/oracle.
# Usage: bench/context-transfer.sh   (env: COUNTS="5000 20000", FILE_BYTES=20480, MODES="builder
#        local buildkit", BASE=127.0.0.1:5000/busybox:latest, SLIPWAY_BENCH_LOCK)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
lock=${SLIPWAY_BENCH_LOCK:-/tmp/slipway-build.lock}
if [ -z "${SLIPWAY_BENCH_LOCKED:-}" ]; then
  exec env SLIPWAY_BENCH_LOCKED=1 flock "$lock" "$0" "$@"
fi
counts=${COUNTS:-5000 20000}
file_bytes=${FILE_BYTES:-20480}
modes=${MODES:-builder local buildkit}
base=${BASE:-127.0.0.1:5000/busybox:latest}
bin=$("$root/differential/oracle/build.sh" | tail -1)

work=$(mktemp -d /tmp/bench-ctx.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  awk -v p="$work/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf "$work"
}
trap cleanup EXIT

sock="$work/bk.sock"
"$bin/buildkitd" --config "$root/differential/oracle/buildkitd.toml" --root "$work/bk" \
  --addr "unix://$sock" --oci-worker=true --containerd-worker=false --oci-worker-binary=runc \
  --oci-worker-snapshotter=native --oci-worker-net=host >"$work/buildkitd.log" 2>&1 &
pids+=($!)
head -c 32 /dev/urandom | base64 >"$work/token"
port=$((20000 + RANDOM % 20000))
"$root/bin/slipway-builder" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$((port + 1))" \
  --state "$work/builder-state" --token-file "$work/token" >"$work/builder.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  "$bin/buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 &&
    curl -sf "127.0.0.1:$((port + 1))/readyz" >/dev/null && break
  sleep 0.2
done

received() {
  curl -s "127.0.0.1:$((port + 1))/metrics" |
    awk '/^slipway_session_received_bytes_total/ { printf "%d", $2 }'
}
build() { # MODE CONTEXT
  case $1 in
    builder) "$root/bin/slipway" build --builder "grpc://127.0.0.1:$port" \
      --token-file "$work/token" --progress=plain "$2" ;;
    local) SLIPWAY_STATE="$work/local-state" "$root/bin/slipway" build --local \
      --progress=plain "$2" ;;
    buildkit) "$bin/buildctl" --addr "unix://$sock" build --progress=plain \
      --frontend dockerfile.v0 --local "context=$2" --local "dockerfile=$2" ;;
  esac
}
# Prints: MODE CASE seconds [session bytes]
measure() { # MODE CASE CONTEXT
  local before after start end
  before=$(received)
  start=$(date +%s%N)
  if ! build "$1" "$3" >"$work/last.log" 2>&1; then
    echo "failed: $1 $2" >&2
    tail -30 "$work/last.log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  after=$(received)
  local moved=""
  if [ "$1" = builder ]; then moved="$((after - before)) B on the session"; fi
  local shown
  shown=$(grep -o 'transferring context: .*done' "$work/last.log" | tail -1 || true)
  # the context step's own time (Slipway: its DONE line; BuildKit shows it in the line itself)
  shown="$shown, step $(awk '/transferring context:/ { id = $1 } $1 == id && $2 == "DONE" { t = $3 }
    END { print t }' "$work/last.log")"
  printf '%-9s %-22s %6.2f s  %s  (%s)\n' "$1" "$2" "$(((end - start) / 1000000))e-3" "$moved" "$shown"
}

echo "context transfer, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), files of $file_bytes B"
for n in $counts; do
  ctx="$work/ctx-$n"
  mkdir -p "$ctx"
  printf 'FROM %s\nCOPY . /ctx\n' "$base" >"$ctx/Dockerfile"
  python3 -c 'import os, sys
for i in range(int(sys.argv[2])):
    d = "%s/src/d%d" % (sys.argv[1], i // 100)
    os.makedirs(d, exist_ok=True)
    open("%s/f%d.bin" % (d, i), "wb").write(os.urandom(int(sys.argv[3])))' "$ctx" "$n" "$file_bytes"
  echo "== $n files, $(du -sb "$ctx" | cut -f1) bytes"
  for mode in $modes; do
    measure "$mode" "first" "$ctx"
    measure "$mode" "no-op" "$ctx"
    echo "changed $mode" >>"$ctx/src/d0/f0.bin"
    measure "$mode" "one file changed" "$ctx"
  done
done
