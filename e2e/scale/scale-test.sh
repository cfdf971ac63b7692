#!/usr/bin/env bash
# The scale benchmark of issue 17 (not a test, not in CI): N small BuildRequests (default 500)
# created at once with one `kubectl apply` against a Builder of 3 replicas on a 3-node loopback
# cluster, then the figures: total time, queue wait p50/p99, builds per replica, Succeeded/Failed,
# builds that ran more than once, the operator's CPU seconds and peak RSS, API-server requests
# per build.
#
# Usage (root; hold the machine's build lock around it):
#   e2e/scale/scale-test.sh [--builds N] [--nodes N] [--keep]
# --nodes (default 3) is the node count and the Builder's replicas. Uses a running cluster of
# e2e/cluster (it must have that many Ready nodes) or brings one up with `up.sh --nodes N` and
# takes it down at the end (--keep leaves it up). Slipway is installed the
# way the journeys install it, by running journey 1 (JourneysIT#helmInstallThenABuilderComesUp)
# when the operator is missing. The builds run in namespace `scale` on Builder `scale`; a second
# run on a kept cluster replaces the previous run's requests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/e2e/cluster/env.sh"

BUILDS=500
NODES=3
KEEP=false
while (($#)); do
  case $1 in
    --builds) BUILDS=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    --keep) KEEP=true; shift ;;
    *) echo "scale-test.sh: unknown argument '$1'; usage: scale-test.sh [--builds N] [--nodes N] [--keep]" >&2; exit 2 ;;
  esac
done
for n in "$BUILDS" "$NODES"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "scale-test.sh: --builds and --nodes take a positive number, not '$n'" >&2; exit 2; }
done

NAMESPACE=scale
BUILDER=scale
PORT=17800
RUN=$(date +%s)
SYSTEM_NAMESPACE=slipway-system
WORK=$ROOT/e2e/target/scale/$RUN
mkdir -p "$WORK"

log() { echo "scale-test.sh: $*" >&2; }
fail() {
  log "$*"
  exit 1
}

started_cluster=false
cleanup() {
  if $started_cluster && ! $KEEP; then
    "$ROOT/e2e/cluster/down.sh" || log "down.sh failed; run it again"
  fi
}
trap cleanup EXIT

cluster_answers() {
  [[ -f $E2E_STATE/env ]] && (. "$E2E_STATE/env" && kubectl get --raw /readyz > /dev/null 2>&1)
}

if ! cluster_answers; then
  log "no cluster running: up.sh --nodes $NODES"
  started_cluster=true
  if ((NODES == 1)); then
    "$ROOT/e2e/cluster/up.sh" > /dev/null
  else
    "$ROOT/e2e/cluster/up.sh" --nodes "$NODES" > /dev/null
  fi
fi
. "$E2E_STATE/env"

ready_nodes=$(kubectl get nodes -o json |
  jq '[.items[] | select(any(.status.conditions[]; .type == "Ready" and .status == "True"))] | length')
((ready_nodes >= NODES)) ||
  fail "the cluster has $ready_nodes Ready nodes, the test needs $NODES: down.sh, then up.sh --nodes $NODES"

if ! kubectl get deployment -n "$SYSTEM_NAMESPACE" slipway-operator > /dev/null 2>&1; then
  log "installing Slipway as journey 1 does (packaged jars, images, helm install)"
  (cd "$ROOT" && JAVA_HOME=$(bin/find-jdk) ./mvnw -B -o -q verify -pl cli,builder-pod,operator,e2e -am \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
    -Dit.test='JourneysIT#helmInstallThenABuilderComesUp') ||
    fail "installing Slipway failed; see e2e/target/failsafe-reports and e2e/target/e2e-logs"
fi

# --- the pool: 3 replicas in the nodes' networks, one cache volume each -------------------------
log "Builder $NAMESPACE/$BUILDER: $NODES replicas on port $PORT"
kubectl apply -f - > /dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NAMESPACE
$(for ((i = 0; i < NODES; i++)); do cat <<PV
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: slipway-e2e-scale-cache-$i
spec:
  storageClassName: slipway-e2e-hostpath
  capacity:
    storage: 10Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: $E2E_STATE/volumes/scale-cache-$i
    type: DirectoryOrCreate
PV
done)
---
apiVersion: slipway.dev/v1alpha1
kind: Builder
metadata:
  name: $BUILDER
  namespace: $NAMESPACE
spec:
  replicas: $NODES
  maxParallelBuilds: 4
  hostNetwork: true
  port: $PORT
  cache:
    size: 10Gi
    storageClassName: slipway-e2e-hostpath
  registry:
    insecureHosts: ["127.0.0.1:5000"]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: scale-context
  namespace: $NAMESPACE
data:
  README: "the scale test's context: the Dockerfile is inline"
EOF
deadline=$((SECONDS + 300))
until [[ $(kubectl get builder -n "$NAMESPACE" "$BUILDER" -o jsonpath='{.status.readyReplicas}' 2> /dev/null) == "$NODES" ]]; do
  ((SECONDS < deadline)) ||
    fail "Builder $BUILDER has not $NODES ready pods after 300s: kubectl describe builder,pods -n $NAMESPACE"
  sleep 2
done

# Earlier runs' requests would count in the queue and the figures.
kubectl delete buildrequests -n "$NAMESPACE" --all --wait=true > /dev/null

# --- the requests: one file, one apply -----------------------------------------------------------
requests=$WORK/requests.yaml
for ((i = 0; i < BUILDS; i++)); do
  cat <<EOF
---
apiVersion: slipway.dev/v1alpha1
kind: BuildRequest
metadata:
  name: scale-$RUN-$i
  namespace: $NAMESPACE
  labels: {slipway.dev/scale-run: "$RUN"}
spec:
  builderRef: {name: $BUILDER}
  context:
    configMap: {name: scale-context}
  dockerfile:
    inline: |
      FROM 127.0.0.1:5000/busybox:latest
      ARG N
      RUN echo "\$N" > "/unique-\$N"
  buildArgs: {N: "$RUN-$i"}
  outputs:
    - type: image
      names: ["127.0.0.1:5000/scale/app:$RUN-$i"]
      push: false
EOF
done > "$requests"

# apiserver_request_total per verb and resource ("verb resource/subresource count" lines).
api_requests() {
  kubectl get --raw /metrics | awk '/^apiserver_request_total\{/ {
    verb = resource = sr = ""
    if (match($0, /verb="[^"]*"/)) verb = substr($0, RSTART + 6, RLENGTH - 7)
    if (match($0, /resource="[^"]*"/)) resource = substr($0, RSTART + 10, RLENGTH - 11)
    if (match($0, /subresource="[^"]+"/)) sr = "/" substr($0, RSTART + 13, RLENGTH - 14)
    count[verb " " resource sr] += $NF
  } END { for (k in count) printf "%s %d\n", k, count[k] }' | sort
}

# The operator's JVM, found by its container's id in the cgroups of the host's processes (it may
# run on any node's containerd).
operator_pid() {
  local id pid
  id=$(kubectl get pods -n "$SYSTEM_NAMESPACE" -l app.kubernetes.io/component=operator -o json |
    jq -r '[.items[] | select(.metadata.deletionTimestamp == null) | .status.containerStatuses[]?
      | select(.state.running != null) | .containerID][0] // "" | sub("^containerd://"; "")')
  [[ -n $id ]] || return 1
  for pid in $(grep -l -- "$id" /proc/[0-9]*/cgroup 2> /dev/null | cut -d/ -f3); do
    if tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q java; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f\n", ($14 + $15) / hz}' "/proc/$1/stat"
}

operator=$(operator_pid) || fail "cannot find the operator's process (kubectl get pods -n $SYSTEM_NAMESPACE)"
cpu_before=$(cpu_seconds "$operator")
api_requests > "$WORK/api-before.txt"
polls=0

log "creating $BUILDS BuildRequests with one kubectl apply"
start=$SECONDS
kubectl apply --server-side -f "$requests" > /dev/null
applied=$((SECONDS - start))
log "applied in ${applied}s; waiting for all to end (up to 60 min)"

statuses=$WORK/statuses.json
deadline=$((SECONDS + 3600))
while :; do
  kubectl get buildrequests -n "$NAMESPACE" -l "slipway.dev/scale-run=$RUN" -o json > "$statuses"
  polls=$((polls + 1))
  ended=$(jq '[.items[] | select(.status.phase as $p | ["Succeeded", "Failed", "Cancelled"] | index($p))] | length' "$statuses")
  ((ended == BUILDS)) && break
  kill -0 "$operator" 2> /dev/null ||
    fail "the operator's process $operator ended mid-run: kubectl logs -n $SYSTEM_NAMESPACE deploy/slipway-operator --previous"
  ((SECONDS < deadline)) || fail "only $ended of $BUILDS ended within 60 min; statuses in $statuses"
  if ((polls % 15 == 0)); then log "$ended of $BUILDS ended"; fi
  sleep 2
done
total=$((SECONDS - start))
api_requests > "$WORK/api-after.txt"
# The requests of the run per verb and resource, most first.
awk 'NR == FNR {before[$1 " " $2] = $3; next} {d = $3 - before[$1 " " $2]; if (d > 0) print d, $1, $2}' \
  "$WORK/api-before.txt" "$WORK/api-after.txt" |
  sort -rn > "$WORK/api-requests.txt"
api_during=$(awk '{sum += $1} END {printf "%d\n", sum}' "$WORK/api-requests.txt")
cpu_after=$(cpu_seconds "$operator")
peak_rss_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$operator/status")
threads=$(awk '/^Threads:/ {print $2}' "/proc/$operator/status")

# A build id is <uid>-<attempt>: one that started twice, or a second attempt, ran more than once.
for pod in $(kubectl get pods -n "$NAMESPACE" -o name); do
  kubectl logs -n "$NAMESPACE" "$pod" --all-containers 2> /dev/null
done > "$WORK/builder-logs.txt"
kubectl logs -n "$SYSTEM_NAMESPACE" deploy/slipway-operator > "$WORK/operator.log" 2>&1 || true
uids=$(jq -r '.items[].metadata.uid' "$statuses")
starts=$(grep -oE 'build [0-9a-f-]+-[0-9]+ started' "$WORK/builder-logs.txt" | awk '{print $2}' |
  grep -F -f <(echo "$uids") | sed -E 's/-[0-9]+$//' | sort | uniq -c | awk '$1 > 1' | wc -l || true)

jq -r --argjson builds "$BUILDS" --argjson total "$total" --argjson applied "$applied" \
  --argjson api "$api_during" --argjson polls "$polls" \
  --arg top "$(head -6 "$WORK/api-requests.txt" | awk '{printf "%s%s %s %d", sep, $2, $3, $1; sep = ", "}')" \
  --arg cpu "$(awk -v a="$cpu_after" -v b="$cpu_before" 'BEGIN {printf "%.1f", a - b}')" \
  --argjson rss "$peak_rss_kb" --argjson threads "$threads" --argjson twice "$starts" '
  def epoch: (sub("\\.[0-9]+"; "") | fromdateiso8601)
    + ((capture("\\.(?<f>[0-9]+)") | ("0." + .f | tonumber)) // 0);
  def pct(p): if length == 0 then "n/a" else sort | .[((length - 1) * p | floor)] * 10 | round / 10 end;
  [.items[] | select(.status.startTime != null)
    | (.status.startTime | epoch) - (.metadata.creationTimestamp | epoch)] as $waits
  | [.items[] | select(.status.completionTime != null) | .status.completionTime | epoch] as $ends
  | [.items[].metadata.creationTimestamp | epoch] as $created
  | "builds:                \($builds) (\([.items[] | select(.status.phase == "Succeeded")] | length) Succeeded, \([.items[] | select(.status.phase == "Failed")] | length) Failed, \([.items[] | select(.status.phase == "Cancelled")] | length) Cancelled)",
    "total time:            \($total) s from kubectl apply to the last end (apply itself \($applied) s; first creation to last completion \(if ($ends | length) > 0 then (($ends | max) - ($created | min)) * 10 | round / 10 else "n/a" end) s)",
    "queue wait:            p50 \($waits | pct(0.5)) s, p99 \($waits | pct(0.99)) s, max \($waits | pct(1)) s (status.startTime - creationTimestamp)",
    "builds per replica:    \([.items[] | .status.builderPod // "none"] | group_by(.) | map("\(.[0]) \(length)") | join(", "))",
    "ran more than once:    \([.items[] | select((.status.attempts // 0) > 1)] | length) with attempts > 1; \($twice) with more than one start in the builder logs",
    "operator:              \($cpu) CPU seconds during the run, peak RSS \($rss / 1024 | round) MiB (VmHWM), \($threads) threads at the end",
    "API-server requests:   \($api) during the run = \($api / $builds * 10 | round / 10) per build (includes this script'"'"'s \($polls) list calls); most: \($top)",
    "failed builds:         \([.items[] | select(.status.phase != "Succeeded") | "\(.metadata.name): \(.status.message)"] | .[:5] | join("; ") | if . == "" then "none" else . end)"
  ' "$statuses" | tee "$WORK/figures.txt"
log "statuses, logs, API requests and figures in $WORK"
