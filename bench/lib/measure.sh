# Timing, peak memory, medians and the rows of the report. Sourced by compare-buildkit.sh, which
# sets: work (this run's directory), runs, tools (the columns: slipway buildkit [baseline]), mode,
# and the function `build_command TOOL`, which puts one build of the current case by TOOL into the
# array `cmd` (a command, not a function: /usr/bin/time measures the process it starts).
# shellcheck shell=bash

declare -A peak_rss_kb=()                   # MODE:TOOL -> max %M of /usr/bin/time over its builds
declare -a row_group=() row_label=() row_s=() row_b=() row_o=()

# Runs one build of TOOL for the current case; sets last_ms (wall milliseconds) and raises the
# tool's peak RSS. Output goes to $work/last-TOOL.log, shown when the build fails (which ends the
# run: a figure from a failed build would mean nothing).
timed_build() { # TOOL
  local tool=$1 start end rss
  local log="$work/last-$tool.log"
  build_command "$tool"
  start=$(date +%s%N)
  if ! /usr/bin/time -f %M -o "$work/rss" "${cmd[@]}" >"$log" 2>&1; then
    echo "failed: $tool ($mode) building case '$case_name' from $ctx" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  last_ms=$(((end - start) / 1000000))
  rss=$(tail -1 "$work/rss")
  if [ "$rss" -gt "${peak_rss_kb[$mode:$tool]:-0}" ]; then peak_rss_kb[$mode:$tool]=$rss; fi
}

# MILLISECONDS... -> seconds, the median
median() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.3f", m / 1000 }'
}
ratio() { awk -v s="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? s / b : 0) }'; }

print_header() {
  printf '%-46s %8s %9s %7s' case Slipway BuildKit ratio
  if [ -n "$baseline" ]; then printf ' %9s %7s' baseline ratio; fi
  echo
}

# Builds the current case RUNS times with every tool in turn (so load drift hits all alike),
# calling PREPARE ROUND before each round, then prints and records the medians. When $probe names
# a function, it is called as `$probe before|after TOOL` around each build.
measure() { # GROUP LABEL PREPARE
  local group=$1 label=$2 prepare=$3 i t
  declare -A ms=()
  for i in $(seq "$runs"); do
    "$prepare" "$i"
    for t in "${tools[@]}"; do
      if [ -n "${probe:-}" ]; then "$probe" before "$t"; fi
      timed_build "$t"
      if [ -n "${probe:-}" ]; then "$probe" after "$t"; fi
      ms[$t]+=" $last_ms"
    done
  done
  # shellcheck disable=SC2086
  record "$group" "$label" "$(median ${ms[slipway]})" "$(median ${ms[buildkit]})" \
    "$(if [ -n "$baseline" ]; then median ${ms[baseline]}; fi)"
}

record() { # GROUP LABEL SLIPWAY-S BUILDKIT-S BASELINE-S
  row_group+=("$1") row_label+=("$2") row_s+=("$3") row_b+=("$4") row_o+=("$5")
  printf '%-46s %8s %9s %7s' "$2" "$3" "$4" "$(ratio "$3" "$4")"
  if [ -n "$baseline" ]; then printf ' %9s %7s' "$5" "$(ratio "$5" "$4")"; fi
  echo
}

# "lo–hi" (or one value) of the ratios, or of the seconds, of every row of GROUP
span() { # GROUP ratio|s|b|o [baseline-ratio]
  local group=$1 what=$2 i v all=()
  for i in "${!row_group[@]}"; do
    [ "${row_group[$i]}" = "$group" ] || continue
    case $what in
      ratio) v=$(ratio "${row_s[$i]}" "${row_b[$i]}") ;;
      oratio) v=$(ratio "${row_o[$i]}" "${row_b[$i]}") ;;
      s) v=${row_s[$i]} ;;
      b) v=${row_b[$i]} ;;
      o) v=${row_o[$i]} ;;
    esac
    all+=("$v")
  done
  [ ${#all[@]} -gt 0 ] || return 0
  printf '%s\n' "${all[@]}" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
    if (lo == hi) print lo; else print lo "–" hi }'
}

# One line of the issue's table: the seconds and ratios of the rows of GROUP, skipped if none ran.
summary_line() { # TITLE GROUP
  local s
  s=$(span "$2" s)
  [ -n "$s" ] || return 0
  printf '| %s | %s | %s | %s |' "$1" "$s" "$(span "$2" b)" "$(span "$2" ratio)"
  if [ -n "$baseline" ]; then printf ' %s | %s |' "$(span "$2" o)" "$(span "$2" oratio)"; fi
  echo
}

mb() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else printf "%.0f", k / 1024 }'; }
