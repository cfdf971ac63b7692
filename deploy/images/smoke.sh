#!/usr/bin/env bash
# Checks the archives of build-images.sh the way the e2e cluster will use them, on a throwaway
# containerd of its own (never the cluster's): `ctr images import` names them; the operator
# starts and gets as far as asking Kubernetes for its CRDs (so the JRE has every module it
# needs); the builder, run like a privileged pod (containerd's CRI adds a writable
# /sys/fs/cgroup mount to privileged containers; plain `ctr run` does not, so it is added here),
# runs a Dockerfile build with a RUN step (runc inside the container) for bin/slipway.
#
#   smoke.sh OUT_DIR    (the directory build-images.sh wrote; needs root, containerd, ctr and
#                        the registry on 127.0.0.1:5000 with busybox)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
[ $# = 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out=$(cd "$1" && pwd)
repo=${SLIPWAY_IMAGE_REPO:-slipway.invalid/e2e}
tag=${SLIPWAY_IMAGE_TAG:-dev}
builder=$repo/slipway-builder:$tag
operator=$repo/slipway-operator:$tag
for f in slipway-builder.tar slipway-operator.tar; do
  [ -f "$out/$f" ] || fail "$out/$f is missing; run deploy/images/build-images.sh $out first"
done

work=$(mktemp -d /var/tmp/slipway-smoke.XXXXXX)
sock=$work/containerd.sock
ctrd_pid=""
c() { ctr -a "$sock" -n k8s.io "$@"; }
stop_task() { c tasks kill -s KILL "$1" >/dev/null 2>&1 || true; sleep 1
  c tasks rm -f "$1" >/dev/null 2>&1 || true; c containers rm "$1" >/dev/null 2>&1 || true; }
cleanup() {
  if [ -n "$ctrd_pid" ]; then
    for t in $(c tasks ls -q 2>/dev/null); do stop_task "$t"; done
    kill "$ctrd_pid" 2>/dev/null && wait "$ctrd_pid" 2>/dev/null || true
  fi
  grep -o " $work[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/config.toml" <<TOML
version = 2
root = "$work/root"
state = "$work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
TOML
containerd --config "$work/config.toml" >"$work/containerd.log" 2>&1 &
ctrd_pid=$!
for _ in $(seq 50); do c version >/dev/null 2>&1 && break; sleep 0.2; done
c version >/dev/null 2>&1 || { cat "$work/containerd.log" >&2; fail "containerd did not start"; }

for f in slipway-builder slipway-operator; do
  start=$(date +%s%N)
  c images import "$out/$f.tar" >/dev/null
  echo "smoke: imported $f.tar in $((($(date +%s%N) - start) / 1000000)) ms"
done
names=$(c images ls -q)
for image in "$builder" "$operator"; do
  grep -qx "$image" <<<"$names" || fail "ctr images import did not name $image (it lists: $names)"
done
echo "smoke: ctr lists $builder and $operator"

# The operator has no cluster here: it must fail reaching the API server, not earlier.
timeout 120 ctr -a "$sock" -n k8s.io run --rm --net-host "$operator" smoke-operator \
  >"$work/operator.log" 2>&1 || true
stop_task smoke-operator
grep -q 'kubernetes.default.svc' "$work/operator.log" \
  || { tail -c 3000 "$work/operator.log" >&2; fail "the operator did not get as far as calling Kubernetes"; }
echo "smoke: the operator started and tried to reach Kubernetes"

c run --rm "$builder" smoke-builder-help java -jar /opt/slipway/builder/slipway-builder.jar --help \
  | grep -q -- '--token-file' || fail "slipway-builder --help did not run in $builder"

# The builder as the operator's StatefulSet runs it: privileged, state and token mounted.
mkdir -p "$work/var-lib-slipway" "$work/token"
head -c 32 /dev/urandom | base64 >"$work/token/token"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
c run -d --privileged --net-host \
  --mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=nosuid:noexec:nodev:relatime:rw \
  --mount "type=bind,src=$work/var-lib-slipway,dst=/var/lib/slipway,options=rbind:rw" \
  --mount "type=bind,src=$work/token,dst=/var/run/slipway/token,options=rbind:ro" \
  "$builder" smoke-builder \
  java @/opt/slipway/builder/java.args --enable-native-access=ALL-UNNAMED -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError \
  -jar /opt/slipway/builder/slipway-builder.jar \
  --listen "127.0.0.1:$port" --state /var/lib/slipway --token-file /var/run/slipway/token/token \
  >/dev/null
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
mkdir -p "$work/context"
printf 'FROM 127.0.0.1:5000/busybox\nRUN echo built-in-the-builder-image > /proof && cat /proof\n' \
  >"$work/context/Dockerfile"
"$root/bin/slipway" build --builder "grpc://127.0.0.1:$port" --token-file "$work/token/token" \
  --progress plain -o "type=local,dest=$work/result" "$work/context" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "a build with a RUN step failed on the builder image"; }
[ "$(cat "$work/result/proof")" = built-in-the-builder-image ] \
  || fail "the RUN step's file is not in the result"
echo "smoke: the builder image ran a build with a RUN step (runc inside the container)"
echo "smoke: OK"
