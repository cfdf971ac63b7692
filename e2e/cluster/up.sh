#!/usr/bin/env bash
# Brings up a single-node Kubernetes on loopback: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd and a kubelet, every listener on 127.0.0.1. Builds what is missing
# first (build.sh), waits until the node is Ready and the default ServiceAccount exists, and
# prints the admin kubeconfig's path on stdout (everything else goes to stderr).
# Pods must use hostNetwork: true (see e2e/README.md). down.sh undoes all of it.
set -euo pipefail
. "$(dirname "$0")/env.sh"
. "$E2E_CLUSTER_DIR/pki.sh"

log() { echo "up.sh: $*" >&2; }
fail() {
  log "$*"
  exit 1
}

PIDS=$E2E_STATE/pids
LOGS=$E2E_STATE/logs

# start NAME BINARY ARG... runs a component in its own session, detached from the caller, with
# its log in $LOGS/NAME.log and its PID in $PIDS/NAME.pid for down.sh.
start() {
  local name=$1; shift
  log "starting $name"
  setsid "$@" > "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

# wait_for WHAT SECONDS COMMAND... retries COMMAND until it succeeds, and fails naming WHAT and
# the logs to read once SECONDS have passed or a started component has died.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds)) pidfile
  until "$@" > /dev/null 2>&1; do
    for pidfile in "$PIDS"/*.pid; do
      kill -0 "$(cat "$pidfile")" 2> /dev/null ||
        fail "$(basename "$pidfile" .pid) exited while waiting for $what; its log: $LOGS/$(basename "$pidfile" .pid).log"
    done
    ((SECONDS < deadline)) || fail "$what not reached within ${seconds}s; logs in $LOGS"
    sleep 0.5
  done
  log "$what"
}

check_prerequisites() {
  local missing=() tool
  for tool in etcd containerd ctr runc openssl setsid; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  [[ -x /usr/lib/cni/loopback ]] || missing+=("/usr/lib/cni/loopback")
  ((${#missing[@]} == 0)) ||
    fail "missing ${missing[*]}: run e2e/cluster/install-deps.sh (Debian packages) first"
  local port
  for port in "$ETCD_PORT" "$ETCD_PEER_PORT" "$APISERVER_PORT" "$CONTROLLER_MANAGER_PORT" \
    "$SCHEDULER_PORT" "$KUBELET_PORT" "$KUBELET_HEALTHZ_PORT"; do
    if (: < /dev/tcp/127.0.0.1/"$port") 2> /dev/null; then
      fail "127.0.0.1:$port is already in use; stop what listens there or set the SLIPWAY_E2E_*_PORT variables (env.sh)"
    fi
  done
}

start_etcd() {
  start etcd etcd --name slipway-e2e --data-dir "$E2E_STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "slipway-e2e=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new
  wait_for "etcd is healthy" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$ETCD_PORT &&
    printf 'GET /health HTTP/1.0\r\n\r\n' >&3 && grep -q '\"health\":\"true\"' <&3"
}

start_control_plane() {
  start kube-apiserver "$K8S_BIN/kube-apiserver" \
    --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" --advertise-address=127.0.0.1 \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --endpoint-reconciler-type=none \
    --client-ca-file="$PKI/ca.crt" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer="https://127.0.0.1:$APISERVER_PORT" \
    --service-account-key-file="$PKI/service-account.pub" \
    --service-account-signing-key-file="$PKI/service-account.key" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true --profiling=false
  wait_for "kube-apiserver is ready" 120 "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" get --raw /readyz

  start kube-controller-manager "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$E2E_STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$E2E_STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$E2E_STATE/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$CONTROLLER_MANAGER_PORT" \
    --service-account-private-key-file="$PKI/service-account.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials=true --leader-elect=false --profiling=false
  start kube-scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$E2E_STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig="$E2E_STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig="$E2E_STATE/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --leader-elect=false --profiling=false
}

start_containerd() {
  local dir=$E2E_STATE/containerd
  mkdir -p "$dir/certs.d" "$E2E_STATE/cni/net.d"
  # Only the loopback plugin: containerd reports the pod network ready (the node turns Ready), and
  # a pod without hostNetwork gets a namespace with nothing but lo, so no pod can route anywhere.
  cat > "$E2E_STATE/cni/net.d/10-loopback.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "slipway-e2e-loopback", "plugins": [{"type": "loopback"}]}
EOF
  # Debian's containerd 1.6 with a config of its own (sockets, root and state under $E2E_STATE):
  # runc, cgroupfs (as the kubelet), the locally imported pause image, no registry mirrors.
  cat > "$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
[grpc]
  address = "$CONTAINERD_SOCKET"
[ttrpc]
  address = "$CONTAINERD_SOCKET.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  disable_apparmor = true
  enable_selinux = false
  netns_mounts_under_state_dir = true
  # Sessions here run without CAP_SYS_RESOURCE, so an oom_score_adj below containerd's own
  # (the kubelet asks -998 for sandboxes) is refused and runc dies with "can't get final
  # child's PID from pipe"; containerd clamps it instead.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$(command -v runc)"
        SystemdCgroup = false
        Root = "$dir/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$E2E_STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/certs.d"
EOF
  start containerd containerd --config "$dir/config.toml"
  wait_for "containerd is serving" 60 ctr --address "$CONTAINERD_SOCKET" version
  local archive
  for archive in "$IMAGES_DIR/pause-${PAUSE_IMAGE##*:}.tar" "$IMAGES_DIR/busybox.tar"; do
    ctr --address "$CONTAINERD_SOCKET" -n k8s.io images import "$archive" > /dev/null
  done
  log "imported $PAUSE_IMAGE and $BUSYBOX_IMAGE"
}

# The kubelet sets these host-wide sysctls to its own values and will not start if told to leave
# them alone (protectKernelDefaults makes their difference an error): keep the machine's values
# for down.sh to put back.
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

start_kubelet() {
  local dir=$E2E_STATE/kubelet key
  for key in "${KUBELET_SYSCTLS[@]}"; do
    echo "$key=$(sysctl -n "$key")"
  done > "$E2E_STATE/sysctl.saved"
  mkdir -p "$dir/root" "$E2E_STATE/pod-logs"
  # cgroupfs because containerd is told so and no systemd runs here; failCgroupV1 false because
  # this machine's cgroups are hybrid (v1 controllers), see e2e/README.md. No iptables chains:
  # there is no kube-proxy and the host's firewall is not ours to change. Eviction thresholds are
  # low because the disk is shared with other work; an e2e run must not be evicted by it.
  cat > "$dir/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCKET
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
makeIPTablesUtilChains: false
podLogsDir: $E2E_STATE/pod-logs
volumePluginDir: $dir/volume-plugins
resolvConf: /etc/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
EOF
  start kubelet "$K8S_BIN/kubelet" --config="$dir/config.yaml" \
    --kubeconfig="$E2E_STATE/kubelet.kubeconfig" --root-dir="$dir/root" \
    --hostname-override="$NODE_NAME"
}

node_ready() {
  [[ $("$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" get node "$NODE_NAME" \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

main() {
  if [[ -d $PIDS ]]; then
    local pidfile
    for pidfile in "$PIDS"/*.pid; do
      [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2> /dev/null &&
        fail "$E2E_STATE already holds a running cluster; run e2e/cluster/down.sh first"
    done
    # Left by a run whose processes were ended without down.sh (a reboot, CI's cleanup).
    log "clearing the state of a cluster that no longer runs"
    "$E2E_CLUSTER_DIR/down.sh"
  fi
  check_prerequisites
  "$E2E_CLUSTER_DIR/build.sh"
  mkdir -p "$PIDS" "$LOGS"
  generate_pki
  start_etcd
  start_control_plane
  start_containerd
  start_kubelet
  wait_for "node $NODE_NAME is Ready" 180 node_ready
  wait_for "default ServiceAccount exists" 120 \
    "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" -n default get serviceaccount default
  wait_for "kube-root-ca.crt is published" 120 \
    "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" -n default get configmap kube-root-ca.crt
  cat > "$E2E_STATE/env" <<EOF
export KUBECONFIG=$KUBECONFIG_ADMIN
export PATH=$K8S_BIN:$HELM_BIN:\$PATH
export CONTAINERD_ADDRESS=$CONTAINERD_SOCKET
export CONTAINERD_NAMESPACE=k8s.io
EOF
  log "cluster up; for kubectl, helm and ctr: . $E2E_STATE/env"
  echo "$KUBECONFIG_ADMIN"
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
