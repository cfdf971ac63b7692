#!/usr/bin/env bash
# Brings up a Kubernetes on loopback: etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler on 127.0.0.1, and N nodes (up.sh --nodes N, default 1), node i with its own
# containerd, kubelet, cgroup root and state, named and listening on 127.0.0.i (node.sh). Builds
# what is missing first (build.sh), waits until every node is Ready and the default
# ServiceAccount exists, and prints the admin kubeconfig's path on stdout (everything else goes to
# stderr). Pods must use hostNetwork: true (see e2e/README.md). down.sh undoes all of it.
set -euo pipefail
LOG_NAME=up.sh
. "$(dirname "$0")/node.sh"
. "$E2E_CLUSTER_DIR/pki.sh"

check_prerequisites() {
  local missing=() tool
  for tool in etcd containerd ctr runc openssl setsid; do
    command -v "$tool" > /dev/null || missing+=("$tool")
  done
  [[ -x /usr/lib/cni/loopback ]] || missing+=("/usr/lib/cni/loopback")
  ((${#missing[@]} == 0)) ||
    fail "missing ${missing[*]}: run e2e/cluster/install-deps.sh (Debian packages) first"
  local address i
  local addresses=("127.0.0.1:$ETCD_PORT" "127.0.0.1:$ETCD_PEER_PORT" "127.0.0.1:$APISERVER_PORT"
    "127.0.0.1:$CONTROLLER_MANAGER_PORT" "127.0.0.1:$SCHEDULER_PORT")
  for ((i = 1; i <= NODES; i++)); do
    addresses+=("$(node_ip "$i"):$KUBELET_PORT" "$(node_ip "$i"):$KUBELET_HEALTHZ_PORT")
  done
  for address in "${addresses[@]}"; do
    if (: < "/dev/tcp/${address%:*}/${address##*:}") 2> /dev/null; then
      fail "$address is already in use; stop what listens there or set the SLIPWAY_E2E_*_PORT variables (env.sh)"
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

# parse_arguments ARG...: sets NODES from --nodes N.
parse_arguments() {
  NODES=1
  while (($#)); do
    case $1 in
      --nodes)
        [[ ${2:-} =~ ^[1-9]$ ]] || fail "--nodes takes a number of nodes from 1 to $MAX_NODES, not '${2:-}'"
        NODES=$2
        shift 2
        ;;
      *) fail "unknown argument '$1'; usage: up.sh [--nodes N]" ;;
    esac
  done
}

main() {
  parse_arguments "$@"
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
  local i
  for ((i = 1; i <= NODES; i++)); do
    generate_node_pki "$i"
    configure_node "$i"
    start_node "$i"
  done
  for ((i = 1; i <= NODES; i++)); do
    wait_for "node $(node_ip "$i") is Ready" 180 node_ready "$i"
  done
  wait_for "default ServiceAccount exists" 120 \
    "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" -n default get serviceaccount default
  wait_for "kube-root-ca.crt is published" 120 \
    "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" -n default get configmap kube-root-ca.crt
  cat > "$E2E_STATE/env" <<EOF
export KUBECONFIG=$KUBECONFIG_ADMIN
export PATH=$K8S_BIN:$HELM_BIN:\$PATH
export CONTAINERD_ADDRESS=$CONTAINERD_SOCKET
export CONTAINERD_NAMESPACE=k8s.io
export SLIPWAY_E2E_NODES=$NODES
EOF
  log "cluster of $NODES node(s) up; for kubectl, helm and ctr: . $E2E_STATE/env"
  echo "$KUBECONFIG_ADMIN"
}

[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
