#!/usr/bin/env bash
# Stops exactly what up.sh started (the PIDs it recorded), on every node the pod containers and
# shims its containerd left, unmounts what they mounted under the state directory, removes the
# nodes' cgroup roots and then the state directory. Safe to run twice, or after a failed up.sh.
set -uo pipefail
LOG_NAME=down.sh
. "$(dirname "$0")/env.sh"
. "$E2E_CLUSTER_DIR/lib.sh"

# A node's pod containers: killed through its containerd while it still runs, so their shims
# exit too.
remove_containers() {
  local socket=$1
  [[ -S $socket ]] || return 0
  local ctr=(ctr --address "$socket" -n k8s.io) id
  for id in $("${ctr[@]}" tasks ls -q 2> /dev/null); do
    "${ctr[@]}" tasks kill -s SIGKILL "$id" > /dev/null 2>&1
  done
  sleep 1
  for id in $("${ctr[@]}" tasks ls -q 2> /dev/null); do
    "${ctr[@]}" tasks delete -f "$id" > /dev/null 2>&1
  done
  for id in $("${ctr[@]}" containers ls -q 2> /dev/null); do
    "${ctr[@]}" containers delete "$id" > /dev/null 2>&1
  done
}

[[ -d $E2E_STATE ]] || {
  log "no cluster state at $E2E_STATE"
  exit 0
}
mapfile -t nodes < <(node_numbers)
# Nothing is kept, so the control plane need not outlive the kubelets: all stop at once, then
# the pod containers the kubelets no longer restart.
kubelets=()
for i in "${nodes[@]}"; do kubelets+=("kubelet-$i"); done
stop TERM "${kubelets[@]}" kube-scheduler kube-controller-manager kube-apiserver etcd
for i in "${nodes[@]}"; do
  remove_containers "$(node_socket "$i")"
  stop TERM "containerd-$i"
  stop_shims "$(node_socket "$i")"
  kill_cgroup "$(node_cgroup "$i")"
done
unmount_under "$E2E_STATE"
for i in "${nodes[@]}"; do remove_cgroups "$(node_cgroup "$i")"; done
# The kubelet changed these host-wide sysctls; up.sh saved the machine's values.
if [[ -f $E2E_STATE/sysctl.saved ]]; then
  sysctl -q -p "$E2E_STATE/sysctl.saved" || log "could not restore the sysctls in $E2E_STATE/sysctl.saved"
fi
# The kubelet links every container's log under /var/log/containers, a path it does not let
# us move; only the links into our state are ours.
find /var/log/containers -maxdepth 1 -lname "$E2E_STATE/*" -delete 2> /dev/null
rmdir /var/log/containers 2> /dev/null
# The shims' sockets (/run/containerd/s) and ctr's fifos have fixed paths; leave them to a
# system containerd if one runs, else remove what is left empty.
[[ -S /run/containerd/containerd.sock ]] || find /run/containerd -depth -type d -empty -delete 2> /dev/null
rm -rf "$E2E_STATE"
log "removed $E2E_STATE"
