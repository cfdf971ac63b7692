#!/usr/bin/env bash
# Stops exactly what up.sh started (the PIDs it recorded), the pod containers and shims its
# containerd left, unmounts what they mounted under the state directory, removes the cgroups the
# kubelet made and then the state directory. Safe to run twice, or after a failed up.sh.
set -uo pipefail
. "$(dirname "$0")/env.sh"

log() { echo "down.sh: $*" >&2; }
PIDS=$E2E_STATE/pids

any_alive() {
  local pid
  for pid in "$@"; do [[ -e /proc/$pid ]] && return 0; done
  return 1
}

# stop NAME...: TERM to the PIDs up.sh recorded for these components, then KILL to whichever still
# runs after 20s; a PID that no longer runs the program it was started as (recycled) is left alone.
stop() {
  local name pid pids=() names=()
  for name in "$@"; do
    [[ -f $PIDS/$name.pid ]] || continue
    pid=$(cat "$PIDS/$name.pid")
    if [[ -e /proc/$pid ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$name"; then
      kill -TERM "$pid" 2> /dev/null
      pids+=("$pid")
      names+=("$name")
    fi
    rm -f "$PIDS/$name.pid"
  done
  local i j
  for ((i = 0; i < 100; i++)); do
    any_alive "${pids[@]}" || break
    sleep 0.2
  done
  for j in "${!pids[@]}"; do
    if [[ -e /proc/${pids[j]} ]]; then
      log "${names[j]} (${pids[j]}) ignored SIGTERM for 20s; killing it"
      kill -KILL "${pids[j]}" 2> /dev/null
    fi
    log "stopped ${names[j]} (${pids[j]})"
  done
}

# The pod containers: killed through containerd while it still runs, so their shims exit too.
remove_containers() {
  [[ -S $CONTAINERD_SOCKET ]] || return 0
  local ctr=(ctr --address "$CONTAINERD_SOCKET" -n k8s.io) id
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

# Shims outlive containerd by design; ours are the ones given our containerd's socket.
stop_shims() {
  local proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    if tr '\0' ' ' < "$proc/cmdline" 2> /dev/null |
      grep -q -- "containerd-shim.* -address $CONTAINERD_SOCKET "; then
      kill -KILL "$pid" 2> /dev/null && log "killed containerd shim $pid"
    fi
  done
}

unmount_state() {
  local mountpoint
  # Deepest first, so nested mounts come off before their parents.
  awk -v state="$E2E_STATE/" 'index($5, state) == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r mountpoint; do
      umount "$mountpoint" 2> /dev/null || umount -l "$mountpoint" 2> /dev/null ||
        log "could not unmount $mountpoint"
    done
}

# The kubelet (cgroupfs driver) makes kubepods/ under every v1 controller; empty once the
# containers are gone.
remove_cgroups() {
  local dir
  for dir in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $dir ]] || continue
    find "$dir" -depth -type d -exec rmdir {} + 2> /dev/null || log "some cgroups under $dir are still in use"
  done
}

[[ -d $E2E_STATE ]] || {
  log "no cluster state at $E2E_STATE"
  exit 0
}
# Nothing is kept, so the control plane need not outlive the kubelet: all stop at once, then
# the pod containers the kubelet no longer restarts.
stop kubelet kube-scheduler kube-controller-manager kube-apiserver etcd
remove_containers
stop containerd
stop_shims
unmount_state
remove_cgroups
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
