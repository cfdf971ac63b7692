#!/usr/bin/env bash
# Renders docs/images/dashboard.png, the picture of the Helm chart's Grafana dashboard in the
# README and docs/observability.md, from real data: a bin/slipway-builder on loopback, Debian's
# Prometheus scraping its /metrics every second (labelled namespace=builds, pod=builder-0 as a
# PodMonitor would), a few minutes of builds through it (cold, cached, partly cached, failing,
# two at once, pushed to the registry), then every panel's queries from the dashboard JSON
# evaluated with Prometheus' query_range API and drawn in the dashboard's grid
# (bench/dashboard-picture.py, matplotlib). The operator's panels need a cluster: "No data".
# Not a test and not run by CI. Holds the repository's build lock while it runs.
# Needs root, runc, the registry on 127.0.0.1:5000 with busybox:latest, the packaged jars
# (`./mvnw -DskipTests package -pl cli,builder-pod -am`) and `apt-get install prometheus
# python3-matplotlib`.
# Usage: bench/dashboard-picture.sh [OUT.png]   (env: BASE=127.0.0.1:5000/busybox:latest,
#        KEEP_BYTES=30000000, SLIPWAY_BENCH_LOCK)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
lock=${SLIPWAY_BENCH_LOCK:-/tmp/slipway-build.lock}
if [ -z "${SLIPWAY_BENCH_LOCKED:-}" ]; then
  exec env SLIPWAY_BENCH_LOCKED=1 flock "$lock" "$0" "$@"
fi
out=$(readlink -f "${1:-$root/docs/images/dashboard.png}")
base=${BASE:-127.0.0.1:5000/busybox:latest}
keep=${KEEP_BYTES:-30000000}
for tool in prometheus /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "dashboard-picture: $tool is missing (apt-get install prometheus python3-matplotlib)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/dashboard-picture.XXXXXX)
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

head -c 32 /dev/urandom | base64 >"$work/token"
port=$((20000 + RANDOM % 20000))
metrics=$((port + 1))
prom=$((port + 2))
"$root/bin/slipway-builder" --listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$metrics" \
  --state "$work/builder-state" --token-file "$work/token" --max-builds 2 \
  --cache-keep-bytes "$keep" >"$work/builder.log" 2>&1 &
pids+=($!)
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: slipway-builder
    static_configs:
      - targets: ["127.0.0.1:$metrics"]
        labels: {namespace: builds, pod: builder-0}
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus" \
  --web.listen-address="127.0.0.1:$prom" >"$work/prometheus.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  curl -sf "127.0.0.1:$metrics/readyz" >/dev/null && curl -sf "127.0.0.1:$prom/-/ready" >/dev/null && break
  sleep 0.2
done
curl -sf "127.0.0.1:$prom/-/ready" >/dev/null || { cat "$work/builder.log" "$work/prometheus.log" >&2; exit 1; }

# Projects: a context of random files (bytes over the session), a RUN that sleeps and writes a
# blob (step time, cache growth); ROUND changes only the RUN, so a new round is partly cached.
nonce=$(date +%s)
project() { # NAME SLEEP BLOB_KB CONTEXT_KB
  mkdir -p "$work/$1/data"
  head -c "$(($4 * 1024))" /dev/urandom >"$work/$1/data/blob"
  printf 'FROM %s\nCOPY data /data\nARG ROUND=0\nRUN sleep %s && echo %s-%s-$ROUND > /id && head -c %sk /dev/urandom > /blob\n' \
    "$base" "$2" "$1" "$nonce" "$3" >"$work/$1/Dockerfile"
}
project alpha 3 6000 4000
project beta 6 9000 2000
project gamma 2 3000 8000
mkdir -p "$work/broken"
printf 'FROM %s\nRUN echo %s && sleep 1 && exit 3\n' "$base" "$nonce" >"$work/broken/Dockerfile"
build() { # NAME [ROUND]
  SLIPWAY_DAEMON=off "$root/bin/slipway" build --builder "grpc://127.0.0.1:$port" \
    --token-file "$work/token" --progress plain --build-arg "ROUND=${2:-0}" \
    -t "127.0.0.1:5000/dashboard-picture/$1:latest" --push "$work/$1" >>"$work/builds.log" 2>&1 ||
    echo "build $1 ${2:-0} failed" >>"$work/builds.log"
}

together() { # NAME[:ROUND] NAME[:ROUND]: two builds at once (wait only for them, not the servers)
  build "${1%%:*}" "$(echo "$1" | cut -s -d: -f2)" &
  local first=$!
  build "${2%%:*}" "$(echo "$2" | cut -s -d: -f2)" &
  wait "$first" $!
}

start=$(date +%s)
sleep 10
together alpha beta
sleep 5
build alpha; build gamma
sleep 5
build broken; build beta
sleep 5
together alpha:1 gamma
sleep 5
together beta:1 gamma:1
sleep 5
build broken; build alpha 1; build alpha 2
sleep 5
together beta:2 alpha
build gamma 2; build beta 1
sleep 15
end=$(date +%s)
echo "builds failed (broken is meant to, twice): $(grep -c " failed$" "$work/builds.log" || true)"

/usr/bin/python3 "$root/bench/dashboard-picture.py" "http://127.0.0.1:$prom" "$start" "$end" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes, $((end - start)) s of builds)"
