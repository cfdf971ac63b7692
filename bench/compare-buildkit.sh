#!/usr/bin/env bash
# Compares Slipway with a modern BuildKit (buildctl against a buildkitd this script starts, OCI
# worker, the image kept in its store) on the cases of issue #15, in one run, and prints each case
# as the median wall time of RUNS builds and the ratio Slipway / BuildKit, then the issue's table
# of ratios. Builds of the tools alternate, so load drift hits all alike. Not a test: it prints
# figures. bench/README.md says what each case is and how to read the output.
#
# Modes (MODES, comma-separated):
#  local    `slipway build --local` (whatever bin/slipway does for it) with this run's state dir;
#  builder  `slipway build --builder grpc://…` against a builder process (bin/slipway-builder)
#           this script starts on loopback, with a token; adds the session transfer of
#           5,000 × 20 KiB (bytes from the builder's metrics) and the builder's memory.
# Sets (SET): quick  the small cases (a few minutes);
#             full   also 1 MiB of a 400 MiB context, `COPY .` of 20,000 files, a 1 GiB file and
#                    the session transfer (RUNS=2 on 2 cores: ~5 minutes, ~10 with BASELINE).
# BASELINE=OTHER/bin/slipway adds a column for another checkout (e.g. before a change), measured
# in the same run with its own state (and its own bin/slipway-builder in builder mode).
#
# Needs root, runc, the registry of .ci/setup on 127.0.0.1:5000 (with busybox:latest),
# `./mvnw -DskipTests package -pl cli,builder-pod -am`, and the BuildKit that
# differential/oracle/build.sh builds (it builds it when missing, ~8 minutes). The whole run holds
# the repository's build lock (/tmp/slipway-build.lock) so that maven builds do not distort it.
# Usage: [SET=quick|full] [MODES=local,builder] [RUNS=5 (quick), 2 (full)] [BASELINE=…/bin/slipway]
#        bench/compare-buildkit.sh   (env also: SLIPWAY=bin/slipway, BASE=127.0.0.1:5000/busybox,
#        SLIPWAY_BENCH_LOCK=/tmp/slipway-build.lock)
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
here="$root/bench/lib"
lock=${SLIPWAY_BENCH_LOCK:-/tmp/slipway-build.lock}
if [ -z "${SLIPWAY_BENCH_LOCKED:-}" ]; then
  exec env SLIPWAY_BENCH_LOCKED=1 flock "$lock" "$0" "$@"
fi
# The rest is one block, read whole before it runs: bash reads a script as it goes, and a run
# takes minutes, in which a checkout (git merge, an edit) may change this file.
{
set_=${SET:-quick}
modes=${MODES:-local,builder}
runs=${RUNS:-$([ "$set_" = full ] && echo 2 || echo 5)}
slipway=$(readlink -f "${SLIPWAY:-$root/bin/slipway}")
baseline=${BASELINE:+$(readlink -f "$BASELINE")}
base=${BASE:-127.0.0.1:5000/busybox:latest}
case $set_ in quick | full) ;; *) echo "SET=$set_: say quick or full" >&2; exit 2 ;; esac
for m in ${modes//,/ }; do
  case $m in local | builder) ;; *) echo "MODES=$modes: say local, builder or both" >&2; exit 2 ;; esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "RUNS=$runs: say a number of builds per case" >&2; exit 2; }
# Every tool keeps its snapshots, context copies and image blobs until the run ends: SET=full
# takes about 11 GB a column and 1.5 GB of contexts (33 GB at most with BASELINE, on ext4).
need_gb=2
if [ "$set_" = full ]; then need_gb=$((${baseline:+11 +} 26)); fi
free_gb=$(df --output=avail -BG /tmp | tail -1 | tr -dc 0-9)
if [ "$free_gb" -lt "$need_gb" ]; then
  echo "SET=$set_ needs about $need_gb GB free in /tmp; it has $free_gb GB: free some, or run" \
    "SET=quick" >&2
  exit 2
fi
bk=$("$root/differential/oracle/build.sh" | tail -1)

# shellcheck source=lib/measure.sh
. "$here/measure.sh"
# shellcheck source=lib/daemons.sh
. "$here/daemons.sh"
# shellcheck source=lib/cases.sh
. "$here/cases.sh"

# A short path: the unix socket's path must fit the kernel's 108 bytes.
work=$(mktemp -d /tmp/bench-bk.XXXXXX)
trap cleanup EXIT
began=$(date +%s)
tools=(slipway buildkit)
if [ -n "$baseline" ]; then tools+=(baseline); fi
declare -A builds=()

# One build of the current case by TOOL in the current mode, as the array cmd.
build_command() { # TOOL
  local tool=$1 a args=() exe=$slipway
  builds[$mode:$tool]=$((${builds[$mode:$tool]:-0} + 1))
  if [ "$tool" = baseline ]; then exe=$baseline; fi
  # A warm daemon that bin/slipway may start lives in this run's directory: its own, not a user's
  # daemon, and stopped with the run (an older bin/slipway ignores the variable).
  local env=(env "SLIPWAY_DAEMON_DIR=$work/daemon-$tool")
  if [ "$case_name" = version ]; then
    cmd=("${env[@]}" "$exe" version)
    if [ "$tool" = buildkit ]; then cmd=("$bk/buildctl" --version); fi
    return
  fi
  if [ "$tool" = buildkit ]; then
    for a in "${bargs[@]}"; do args+=(--opt "build-arg:$a"); done
    cmd=("$bk/buildctl" --addr "unix://$sock" build --progress="$progress"
      --frontend dockerfile.v0 --local "context=$ctx" --local "dockerfile=$dfdir" "${args[@]}"
      --output "type=image,name=bench/$name:latest")
    return
  fi
  for a in "${bargs[@]}"; do args+=(--build-arg "$a"); done
  if [ "$mode" = local ]; then
    cmd=("${env[@]}" "SLIPWAY_STATE=$work/state-$tool" "$exe" build --local)
  else
    cmd=("${env[@]}" "$exe" build --builder "grpc://${builder_addr[$tool]}" --token-file "$work/token")
  fi
  cmd+=(--progress="$progress" -f "$dfdir/Dockerfile" "${args[@]}"
    -o "type=image,name=bench/$name:latest" "$ctx")
}

# Builds the current case once with every tool, unmeasured: base image, class-data archives, a
# warm engine, the cache mount's first fill.
warm_up() {
  local t
  for t in "${tools[@]}"; do timed_build "$t"; done
}

small_cases() { # GROUP-PREFIX ("" in local mode, "builder " in builder mode)
  local p=$1
  use_case app "$work/app" "$work/app"
  warm_up
  if [ "$mode" = local ]; then
    warm_up
    use_case version "" ""
    measure startup "start-up: slipway version / buildctl --version" unchanged
    use_case app "$work/app" "$work/app"
  fi
  measure "${p}noop" "no-op rebuild: small app" unchanged
  measure "${p}onefile" "one source file changed: small app" change_app_file
  use_case argenv "$work/argenv" "$work/argenv"
  measure "${p}smallcold" "cold: ARG/ENV/RUN" new_arg
  measure "${p}noop" "no-op rebuild: ARG/ENV/RUN" unchanged
  [ "$mode" = local ] || return 0
  use_case heredoc "$work/heredoc" "$work/heredoc"
  measure smallcold "cold: heredoc RUN and COPY" new_arg
  measure noop "no-op rebuild: heredoc" unchanged
  use_case layers30 "$work/layers30" "$work/layers30"
  measure layers "cold: 30 small RUN layers" new_arg
  measure noop "no-op rebuild: 30 RUN layers" unchanged
  use_case pkg "$work/pkg" "$work/pkg"
  warm_up
  measure cachemount "cache mount, manifest changed" change_manifest
  measure noop "no-op rebuild: cache mount" unchanged
}

big_cases() {
  use_case copy1m "$work/big" "$work/df/copy1m"
  measure smallcold "cold: COPY 1 MiB of a 400 MiB context" change_one_mb
  measure noop "no-op rebuild: 1 MiB of 400 MiB" unchanged
  use_case bigcopy "$work/big" "$work/df/bigcopy"
  src_of_fresh="$work/big"
  measure bigcold "cold: COPY . 20,000 files, 400 MiB" fresh_context
  measure bigone "one file changed: COPY . 20,000 files" change_one_file
  measure noop "no-op rebuild: COPY . 20,000 files" unchanged
  drop_fresh_copies
  use_case gib "$work/gib" "$work/df/gib"
  measure gib "cold: COPY of a 1 GiB file" change_gib
  measure noop "no-op rebuild: 1 GiB file" unchanged
}

# Bytes of the session transfer: the builder's counter of context file bytes around each build,
# and what each tool's plain progress says it transferred.
declare -A moved=() wire=() said=()
transfer_probe() { # before|after TOOL
  local when=$1 tool=$2
  if [ "$tool" != buildkit ] && [ "$when" = before ]; then
    moved[$tool]=$(metric "$tool" slipway_session_file_bytes_total)
    wire[$tool]=$(metric "$tool" slipway_session_received_bytes_total)
    return
  fi
  [ "$when" = after ] || return 0
  if [ "$tool" != buildkit ]; then
    moved[$tool]=$(($(metric "$tool" slipway_session_file_bytes_total) - moved[$tool]))
    wire[$tool]=$(($(metric "$tool" slipway_session_received_bytes_total) - wire[$tool]))
  fi
  said[$tool]=$(grep -o 'transferring context: [0-9.]*[kMG]*i*B' "$work/last-$tool.log" |
    tail -1 | sed 's/.*: //')
}
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ t += $1 } END { printf "%.0f", t }'; }
# Prints what each tool moved against NEEDED (the bytes that had to move): for Slipway the file
# contents and every message its builder received (file contents, listing, protocol), and keeps
# Slipway's ratios for the table as bytes_ratio[KIND].
declare -A bytes_ratio=()
transfer_report() { # KIND NEEDED WHAT-NEEDED-IS
  local t
  echo "  bytes: $3 $2; moved:"
  for t in "${tools[@]}"; do
    printf '    %-9s' "$t"
    if [ "$t" != buildkit ]; then
      printf ' file contents %s (%s×), all messages %s (%s×),' "${moved[$t]}" \
        "$(ratio "${moved[$t]}" "$2")" "${wire[$t]}" "$(ratio "${wire[$t]}" "$2")"
    fi
    echo " progress says ${said[$t]:-nothing}"
  done
  bytes_ratio[$1]="$(ratio "${moved[slipway]}" "$2") / $(ratio "${wire[slipway]}" "$2")"
}

transfer_cases() {
  use_case xfer "$work/xfer" "$work/df/xfer"
  progress=plain
  probe=transfer_probe
  src_of_fresh="$work/xfer"
  measure transfer-first "transfer 5,000 × 20 KiB: first" fresh_context
  transfer_report first "$(bytes_of "$ctx")" "the context (referenced)"
  measure transfer-one "transfer 5,000 × 20 KiB: one file changed" change_one_file
  transfer_report one "$(bytes_of "$ctx/src/d007/f42.txt")" "the changed file"
  probe=
  measure "builder noop" "no-op rebuild: 5,000 files" unchanged
  drop_fresh_copies
}

# What `slipway build --local` left running for this run's state (a warm engine), if anything: its
# memory is the per-build overhead of --local that the client's RSS does not show.
warm_engines() {
  local pid
  for pid in $(leftover_pids); do
    [ "$pid" != "$buildkitd_pid" ] && [ -r "/proc/$pid/status" ] || continue
    read -r r h <<<"$(memory_of "$pid")"
    echo "  left running by --local: PID $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)…)" \
      "RSS $r MB (peak $h MB)"
  done
}

echo "Slipway vs BuildKit $(basename "$(dirname "$bk")" | sed s/^buildkit-//) (buildctl, OCI worker):" \
  "SET=$set_ MODES=$modes, median of $runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "Slipway: $slipway${baseline:+; baseline: $baseline}"
start_buildkitd "$bk"
make_small_cases
if [ "$set_" = full ]; then
  t0=$(date +%s)
  make_big_cases
  echo "(contexts written in $(($(date +%s) - t0)) s)"
fi

for mode in ${modes//,/ }; do
  echo
  if [ "$mode" = local ]; then
    echo "== slipway build --local"
    print_header
    small_cases ""
    if [ "$set_" = full ]; then big_cases; fi
    warm_engines
  else
    echo "== slipway build --builder grpc://127.0.0.1:… (a builder process on loopback)"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$work/token")
    declare -A idle=()
    for t in "${tools[@]}"; do
      if [ "$t" != buildkit ]; then
        start_builder "$t" "$([ "$t" = slipway ] && echo "$slipway" || echo "$baseline")"
        idle[$t]=$(memory_of "${builder_pid[$t]}")
      fi
    done
    print_header
    small_cases "builder "
    if [ "$set_" = full ]; then transfer_cases; fi
    for t in "${tools[@]}"; do
      [ "$t" != buildkit ] || continue
      read -r r h <<<"$(memory_of "${builder_pid[$t]}")"
      echo "  $t builder process: RSS idle $(cut -d' ' -f1 <<<"${idle[$t]}") MB," \
        "after ${builds[builder:$t]} builds $r MB (peak $h MB)"
    done
    read -r r h <<<"$(memory_of "$buildkitd_pid")"
    echo "  buildkitd: after all builds of this run RSS $r MB (peak $h MB)"
  fi
done

echo
echo "Issue #15's table (median seconds; ratio = Slipway / BuildKit; ranges over the rows above):"
printf '| build | Slipway | BuildKit | ratio |'
if [ -n "$baseline" ]; then printf ' baseline | ratio |'; fi
echo
printf '|---|---|---|---|'
if [ -n "$baseline" ]; then printf -- '---|---|'; fi
echo
summary_line "start-up: \`slipway version\` / \`buildctl --version\`" startup
summary_line "no-op rebuild (nothing changed), every case" noop
summary_line "one source file changed, small case" onefile
summary_line "small cold builds (ARG/ENV, heredoc, 1 MB of a 400 MB context)" smallcold
summary_line "30 small RUN layers, cold" layers
summary_line "\`COPY .\` of a 20,000-file, 400 MB context, cold" bigcold
summary_line "\`COPY .\` of a 20,000-file, 400 MB context, one file changed" bigone
summary_line "cache-mount \"package manager\", one file changed" cachemount
summary_line "1 GiB file, cold" gib
summary_line "builder: no-op rebuild" "builder noop"
summary_line "builder: one source file changed" "builder onefile"
summary_line "builder: small cold build (ARG/ENV)" "builder smallcold"
summary_line "builder: context transfer 5,000 × 20 KiB, first" transfer-first
summary_line "builder: context transfer 5,000 × 20 KiB, one file changed" transfer-one
if [ -n "${bytes_ratio[first]:-}" ]; then
  echo "| builder: bytes moved ÷ needed, file contents / all messages (first; one file changed)" \
    "| ${bytes_ratio[first]}; ${bytes_ratio[one]} | | |"
fi
for mode in ${modes//,/ }; do
  printf '| client peak RSS (MB), %s | %s | %s | |' "$mode" \
    "$(mb "${peak_rss_kb[$mode:slipway]:-}")" "$(mb "${peak_rss_kb[$mode:buildkit]:-}")"
  if [ -n "$baseline" ]; then printf ' %s | |' "$(mb "${peak_rss_kb[$mode:baseline]:-}")"; fi
  echo
done
echo "(run took $(($(date +%s) - began)) s)"
exit
}
