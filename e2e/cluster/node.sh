#!/usr/bin/env bash
# One node of the loopback cluster: its containerd and kubelet, named and addressed 127.0.0.I.
#   node.sh stop I    the node is lost: its kubelet, containerd, their shims and every process in
#                     its cgroup root are SIGKILLed, and what a reboot would drop goes too (its
#                     mounts, containerd's state); its pods die as on a machine that went away
#   node.sh start I   the node comes back with the same configuration, images and pods' records,
#                     and is Ready again (the kubelet restarts its pods' containers)
# up.sh sources this file to configure and start every node.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
LOG_NAME=${LOG_NAME:-node.sh}
. "$E2E_CLUSTER_DIR/lib.sh"
PKI=$E2E_STATE/pki

# configure_node I writes node I's CNI, containerd and kubelet configuration and makes its cgroup
# root; the PKI (generate_node_pki) must exist.
configure_node() {
  local i=$1 dir ip cgroup
  dir=$(node_dir "$i")
  ip=$(node_ip "$i")
  cgroup=$(node_cgroup "$i")
  mkdir -p "$dir/containerd/certs.d" "$dir/cni/net.d" "$dir/kubelet/root" "$dir/pod-logs"
  # Only the loopback plugin: containerd reports the pod network ready (the node turns Ready), and
  # a pod without hostNetwork gets a namespace with nothing but lo, so no pod can route anywhere.
  cat > "$dir/cni/net.d/10-loopback.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "slipway-e2e-loopback", "plugins": [{"type": "loopback"}]}
EOF
  # Debian's containerd 1.6 with a config of its own (sockets, root and state under the node's
  # directory): runc, cgroupfs (as the kubelet), the locally imported pause image, no registry
  # mirrors; its streaming server (exec, logs, port-forward) on the node's address.
  cat > "$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
[grpc]
  address = "$dir/containerd/containerd.sock"
[ttrpc]
  address = "$dir/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  stream_server_address = "$ip"
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
        Root = "$dir/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/containerd/certs.d"
EOF
  # cgroupfs because containerd is told so and no systemd runs here; failCgroupV1 false because
  # this machine's cgroups are hybrid (v1 controllers), see e2e/README.md. A cgroup root per node
  # keeps each kubelet's pods (and its view of them) apart. No iptables chains: there is no
  # kube-proxy and the host's firewall is not ours to change. Eviction thresholds are low because
  # the disk is shared with other work; an e2e run must not be evicted by it.
  cat > "$dir/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: $ip
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving-$i.crt
tlsPrivateKeyFile: $PKI/kubelet-serving-$i.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$dir/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup
failCgroupV1: false
failSwapOn: false
makeIPTablesUtilChains: false
podLogsDir: $dir/pod-logs
volumePluginDir: $dir/kubelet/volume-plugins
resolvConf: /etc/resolv.conf
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
EOF
}

# make_cgroup_root I: the kubelet refuses a cgroupRoot that is missing from one of the hierarchies
# it checks, so it is made in every v1 hierarchy and in the v2 tree. A new v1 cpuset starts with
# no CPUs and no memory nodes; it gets its parent's, or nothing could run in it.
make_cgroup_root() {
  local cgroup hierarchy
  cgroup=$(node_cgroup "$1")
  while read -r hierarchy; do
    mkdir -p "$hierarchy/$cgroup"
  done < <(cgroup_hierarchies)
  local cpuset=/sys/fs/cgroup/cpuset
  if [[ -f $cpuset/cpuset.cpus ]]; then
    [[ -n $(cat "$cpuset/$cgroup/cpuset.cpus") ]] || cat "$cpuset/cpuset.cpus" > "$cpuset/$cgroup/cpuset.cpus"
    [[ -n $(cat "$cpuset/$cgroup/cpuset.mems") ]] || cat "$cpuset/cpuset.mems" > "$cpuset/$cgroup/cpuset.mems"
  fi
}

# The kubelet sets these host-wide sysctls to its own values and will not start if told to leave
# them alone (protectKernelDefaults makes their difference an error): the machine's values are
# kept, before the first kubelet starts, for down.sh to put back.
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops
  kernel.keys.root_maxkeys kernel.keys.root_maxbytes)

# start_node I starts node I's containerd, imports the pause and busybox images into it when they
# are missing, and starts its kubelet; readiness is the caller's to await (node_ready).
start_node() {
  local i=$1 dir socket key
  dir=$(node_dir "$i")
  socket=$(node_socket "$i")
  [[ -f $dir/kubelet/config.yaml ]] || fail "node $i was never configured; bring the cluster up with up.sh --nodes N"
  [[ ! -f $PIDS/kubelet-$i.pid && ! -f $PIDS/containerd-$i.pid ]] || fail "node $i is running; stop it first"
  if [[ ! -f $E2E_STATE/sysctl.saved ]]; then
    for key in "${KUBELET_SYSCTLS[@]}"; do
      echo "$key=$(sysctl -n "$key")"
    done > "$E2E_STATE/sysctl.saved"
  fi
  make_cgroup_root "$i"
  start "containerd-$i" containerd --config "$dir/containerd/config.toml"
  wait_for "containerd of node $i is serving" 60 ctr --address "$socket" version
  local archive image
  for archive in "$IMAGES_DIR/pause-${PAUSE_IMAGE##*:}.tar" "$IMAGES_DIR/busybox.tar"; do
    image=$([[ $archive == */busybox.tar ]] && echo "$BUSYBOX_IMAGE" || echo "$PAUSE_IMAGE")
    ctr --address "$socket" -n k8s.io images check "name==$image" 2> /dev/null | grep -q complete ||
      ctr --address "$socket" -n k8s.io images import "$archive" > /dev/null
  done
  start "kubelet-$i" "$K8S_BIN/kubelet" --config="$dir/kubelet/config.yaml" \
    --kubeconfig="$dir/kubelet.kubeconfig" --root-dir="$dir/kubelet/root" \
    --hostname-override="$(node_ip "$i")"
}

kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# node_ready I [SINCE]: node I is Ready; with SINCE (seconds since the epoch), as reported by a
# kubelet that renewed the node's lease after then. A node that was just lost still shows Ready
# until the node controller's grace period passes, so Ready alone does not say it came back.
node_ready() {
  [[ $(kubectl get node "$(node_ip "$1")" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}') == True ]] ||
    return 1
  [[ -n ${2:-} ]] || return 0
  local renewed
  renewed=$(kubectl -n kube-node-lease get lease "$(node_ip "$1")" -o 'jsonpath={.spec.renewTime}')
  [[ -n $renewed ]] && (($(date -d "$renewed" +%s) >= $2))
}

# stop_node I [SIGNAL]: node I's kubelet and containerd (KILL: a lost machine says goodbye to
# nobody; down.sh gives TERM), then its pods' processes and its shims; then what a reboot clears:
# the node's mounts, containerd's state (runtime files, as under /run) and the kubelet's cgroups.
stop_node() {
  local i=$1 signal=${2:-KILL}
  stop "$signal" "kubelet-$i"
  kill_cgroup "$(node_cgroup "$i")"
  stop "$signal" "containerd-$i"
  stop_shims "$(node_socket "$i")"
  kill_cgroup "$(node_cgroup "$i")"
  unmount_under "$(node_dir "$i")"
  rm -rf "$(node_dir "$i")/containerd/state"
  remove_cgroups "$(node_cgroup "$i")" keep
}

main() {
  local usage="usage: node.sh stop|start I (I: a node of the running cluster: $(node_numbers | tr '\n' ' '))"
  (($# == 2)) || fail "$usage"
  local action=$1 i=$2
  [[ $i =~ ^[1-9][0-9]*$ && -d $(node_dir "$i") ]] || fail "no node $i; $usage"
  case $action in
    stop)
      stop_node "$i"
      log "node $i ($(node_ip "$i")) stopped"
      ;;
    start)
      local since; since=$(date +%s)
      start_node "$i"
      wait_for "node $(node_ip "$i") is Ready" 180 node_ready "$i" "$since"
      ;;
    *) fail "$usage" ;;
  esac
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
