# Sourced by the e2e cluster scripts: versions (read from the go.mod files, the single place they
# are pinned) and the directories everything lives in.
# SLIPWAY_E2E_CACHE: built binaries and image archives, kept across runs (keyed by version).
# SLIPWAY_E2E_STATE: one cluster's certificates, data and logs; down.sh removes it.
E2E_CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
K8S_VERSION=$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$E2E_CLUSTER_DIR/go.mod")
HELM_VERSION=$(awk '$1 == "require" && $2 == "helm.sh/helm/v3" {print $3}' "$E2E_CLUSTER_DIR/helm/go.mod")
E2E_CACHE=${SLIPWAY_E2E_CACHE:-/var/cache/slipway-e2e}
E2E_STATE=${SLIPWAY_E2E_STATE:-/var/lib/slipway-e2e}
K8S_BIN=$E2E_CACHE/k8s-$K8S_VERSION/bin
HELM_BIN=$E2E_CACHE/helm-$HELM_VERSION/bin
IMAGES_DIR=$E2E_CACHE/images
# The sandbox image containerd's CRI config names; images/pause is imported under this name.
PAUSE_IMAGE=registry.k8s.io/pause:3.10
GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
# A busybox image for smoke and journey pods; the .invalid domain can never be pulled from.
BUSYBOX_IMAGE=slipway.invalid/e2e/busybox:static
# Loopback ports, away from the well-known ones so a cluster of another tool can coexist.
ETCD_PORT=${SLIPWAY_E2E_ETCD_PORT:-23790}
ETCD_PEER_PORT=${SLIPWAY_E2E_ETCD_PEER_PORT:-23800}
APISERVER_PORT=${SLIPWAY_E2E_APISERVER_PORT:-16443}
CONTROLLER_MANAGER_PORT=${SLIPWAY_E2E_CONTROLLER_MANAGER_PORT:-20257}
SCHEDULER_PORT=${SLIPWAY_E2E_SCHEDULER_PORT:-20259}
KUBELET_PORT=${SLIPWAY_E2E_KUBELET_PORT:-20250}
KUBELET_HEALTHZ_PORT=${SLIPWAY_E2E_KUBELET_HEALTHZ_PORT:-20248}
# Nodes (up.sh --nodes N): node i (1-based) is named by its own loopback address 127.0.0.i. The
# kubelet takes a hostname override that is an IP as the node's address without the loopback
# check --node-ip applies, so node i's InternalIP, and a host-network pod's IP there, is 127.0.0.i.
# Each node has its own containerd, kubelet, cgroup root and state under $E2E_STATE/nodes/i.
MAX_NODES=9
node_ip() { echo "127.0.0.$1"; }
node_dir() { echo "$E2E_STATE/nodes/$1"; }
node_socket() { echo "$E2E_STATE/nodes/$1/containerd/containerd.sock"; }
node_cgroup() { echo "slipway-e2e-node-$1"; }
# The nodes of the running cluster, in order.
node_numbers() { find "$E2E_STATE/nodes" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2> /dev/null | sort -n; }
# Node 1, the control plane's address: what a single-node cluster has always been.
NODE_NAME=$(node_ip 1)
CONTAINERD_SOCKET=$(node_socket 1)
KUBECONFIG_ADMIN=$E2E_STATE/admin.kubeconfig
