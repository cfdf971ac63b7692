# Sourced by up.sh, down.sh and node.sh after env.sh: starting, awaiting and stopping the
# processes of one cluster by the PIDs recorded in $PIDS. The caller sets LOG_NAME.
PIDS=$E2E_STATE/pids
LOGS=$E2E_STATE/logs

log() { echo "$LOG_NAME: $*" >&2; }
fail() {
  log "$*"
  exit 1
}

# start NAME BINARY ARG... runs a component in its own session, detached from the caller, with
# its log in $LOGS/NAME.log (appended: a node started again keeps its history) and its PID in
# $PIDS/NAME.pid. A node's components are named PROGRAM-<node>, e.g. kubelet-2.
start() {
  local name=$1; shift
  log "starting $name"
  setsid "$@" >> "$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$PIDS/$name.pid"
}

# wait_for WHAT SECONDS COMMAND... retries COMMAND until it succeeds, and fails naming WHAT and
# the logs to read once SECONDS have passed or a started component has died.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds)) pidfile
  until "$@" > /dev/null 2>&1; do
    for pidfile in "$PIDS"/*.pid; do
      [[ -f $pidfile ]] || continue
      kill -0 "$(cat "$pidfile")" 2> /dev/null ||
        fail "$(basename "$pidfile" .pid) exited while waiting for $what; its log: $LOGS/$(basename "$pidfile" .pid).log"
    done
    ((SECONDS < deadline)) || fail "$what not reached within ${seconds}s; logs in $LOGS"
    sleep 0.5
  done
  log "$what"
}

any_alive() {
  local pid
  for pid in "$@"; do [[ -e /proc/$pid ]] && return 0; done
  return 1
}

# stop SIGNAL NAME...: SIGNAL to the PIDs recorded for these components, then KILL to whichever
# still runs after 20s. A PID that no longer runs the program it was started as (recycled) is
# left alone: the program is NAME without a node suffix (kubelet-2 runs kubelet).
stop() {
  local signal=$1; shift
  local name pid pids=() names=()
  for name in "$@"; do
    [[ -f $PIDS/$name.pid ]] || continue
    pid=$(cat "$PIDS/$name.pid")
    if [[ -e /proc/$pid ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "${name%-[0-9]*}"; then
      kill "-$signal" "$pid" 2> /dev/null
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
      log "${names[j]} (${pids[j]}) ignored SIG$signal for 20s; killing it"
      kill -KILL "${pids[j]}" 2> /dev/null
    fi
    log "stopped ${names[j]} (${pids[j]})"
  done
}

# stop_shims SOCKET: shims outlive containerd by design; a node's are the ones given its socket.
stop_shims() {
  local socket=$1 proc pid
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    if tr '\0' ' ' < "$proc/cmdline" 2> /dev/null | grep -q -- "containerd-shim.* -address $socket "; then
      kill -KILL "$pid" 2> /dev/null && log "killed containerd shim $pid"
    fi
  done
}

# unmount_under DIR: every mount below DIR, deepest first so nested ones come off before parents.
unmount_under() {
  local mountpoint
  awk -v dir="$1/" 'index($5, dir) == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r mountpoint; do
      umount "$mountpoint" 2> /dev/null || umount -l "$mountpoint" 2> /dev/null ||
        log "could not unmount $mountpoint"
    done
}

# The v1 hierarchies and the v2 tree of this machine (hybrid: see e2e/README.md), one per line.
cgroup_hierarchies() {
  awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) ~ /^cgroup2?$/) print $5; break } }' \
    /proc/self/mountinfo
}

# kill_cgroup NAME: every process in the cgroup NAME (below the root of each hierarchy) and its
# children, SIGKILLed while frozen so that none forks away; waits until all are gone.
kill_cgroup() {
  local name=$1 freezer=/sys/fs/cgroup/freezer/$1 pid tries hierarchy pids
  for ((tries = 0; tries < 100; tries++)); do
    [[ -d $freezer ]] && echo FROZEN > "$freezer/freezer.state" 2> /dev/null
    pids=()
    while read -r hierarchy; do
      [[ -d $hierarchy/$name ]] || continue
      mapfile -t -O "${#pids[@]}" pids < <(find "$hierarchy/$name" -name cgroup.procs -exec cat {} + 2> /dev/null)
    done < <(cgroup_hierarchies)
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2> /dev/null; done
    [[ -d $freezer ]] && echo THAWED > "$freezer/freezer.state" 2> /dev/null
    ((${#pids[@]})) || return 0
    sleep 0.2
  done
  log "processes in cgroup $name survived SIGKILL"
}

# remove_cgroups NAME [KEEP]: the empty cgroups below NAME in every hierarchy, and NAME itself
# unless KEEP is given.
remove_cgroups() {
  local name=$1 keep=${2:-} hierarchy
  while read -r hierarchy; do
    [[ -d $hierarchy/$name ]] || continue
    find "$hierarchy/$name" -mindepth 1 -depth -type d -exec rmdir {} + 2> /dev/null ||
      log "some cgroups under $hierarchy/$name are still in use"
    [[ -n $keep ]] || rmdir "$hierarchy/$name" 2> /dev/null
  done < <(cgroup_hierarchies)
}
