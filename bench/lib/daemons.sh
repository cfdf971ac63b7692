# The long-running processes a run starts, all on loopback or a unix socket under $work, and
# their cleanup: buildkitd, Slipway builder processes, and whatever `slipway build --local` left
# running for this run's state directories (a warm engine). Sourced by compare-buildkit.sh.
# shellcheck shell=bash

declare -a started_pids=()
declare -A builder_pid=() builder_addr=() builder_metrics=()

start_buildkitd() { # BUILDKIT-BIN-DIR
  sock="$work/bk.sock"
  "$1/buildkitd" --config "$root/differential/oracle/buildkitd.toml" --root "$work/bk" \
    --addr "unix://$sock" --oci-worker=true --containerd-worker=false --oci-worker-binary=runc \
    --oci-worker-snapshotter=native --oci-worker-net=host >"$work/buildkitd.log" 2>&1 &
  buildkitd_pid=$!
  started_pids+=("$buildkitd_pid")
  for _ in $(seq 300); do
    "$1/buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 && return 0
    kill -0 "$buildkitd_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "buildkitd did not start:" >&2
  tail -20 "$work/buildkitd.log" >&2
  exit 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A builder process of the checkout whose CLI is SLIPWAY-BIN (bin/slipway-builder beside it), with
# its own state, the run's token and a metrics endpoint, both on loopback.
start_builder() { # TOOL SLIPWAY-BIN
  local tool=$1 exe port mport
  exe="$(dirname "$2")/slipway-builder"
  [ -x "$exe" ] || { echo "no $exe beside $2" >&2; exit 1; }
  port=$(free_port)
  mport=$(free_port)
  "$exe" --listen "127.0.0.1:$port" --state "$work/builder-$tool" --token-file "$work/token" \
    --metrics-listen "127.0.0.1:$mport" >"$work/builder-$tool.log" 2>&1 &
  builder_pid[$tool]=$!
  started_pids+=("$!")
  builder_addr[$tool]="127.0.0.1:$port"
  builder_metrics[$tool]="127.0.0.1:$mport"
  for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$mport/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${builder_pid[$tool]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "$exe did not start:" >&2
  tail -20 "$work/builder-$tool.log" >&2
  exit 1
}

# The value of a counter of TOOL's builder (the sum over its label sets), 0 when absent.
metric() { # TOOL NAME
  curl -sf "http://${builder_metrics[$1]}/metrics" |
    awk -v m="$2" '$1 == m || index($1, m "{") == 1 { t += $NF } END { printf "%.0f", t }'
}

# VmRSS and VmHWM of PID, in MB: "rss peak"
memory_of() { # PID
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { printf "%.0f %.0f", r / 1024, h / 1024 }' \
    "/proc/$1/status"
}

stop_pid() { # PID
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -9 "$1" 2>/dev/null || true
}

# Processes that a build of this run left behind (e.g. a warm engine `slipway build --local`
# started): they name this run's directory in their arguments or environment, which nothing else
# on the machine does (it is a fresh mktemp directory).
leftover_pids() {
  local p pid
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] || continue
    if grep -qaF "$work" "$p/cmdline" "$p/environ" 2>/dev/null; then echo "$pid"; fi
  done
}

cleanup() {
  local pid m
  for pid in "${started_pids[@]}"; do stop_pid "$pid"; done
  for pid in $(leftover_pids); do stop_pid "$pid"; done
  # buildkitd and the builders may leave snapshot mounts behind: unmount them, deepest first
  awk -v p="$work/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf "$work"
}
