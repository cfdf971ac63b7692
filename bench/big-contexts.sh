#!/usr/bin/env bash
# Times Slipway's `build --local` against a modern BuildKit (buildctl, OCI worker, image kept in
# its store) on the heavy cases of issue 15, in one run, and prints each case's median wall time
# and the ratio Slipway / BuildKit:
#  - 30 small RUN layers, cold (a build argument new to every build reaches every RUN);
#  - `COPY .` of a 20,000-file, 400 MB context: cold (new state), then one file changed;
#  - cache-mount "package manager": RUN --mount=type=cache installs 200 × 50 KB "packages" from a
#    list; one list line changes before every build, the cache mount keeps the others;
#  - one 1 GiB file, cold.
# The contexts are generated deterministically (file i of the big context: 10 KB of seeded
# pseudo-random bytes and 10 KB of text, so it compresses about 2:1; the 1 GiB file: AES-CTR of
# zeros). Cold means an empty state for both builders (Slipway: a new SLIPWAY_STATE; BuildKit:
# `buildctl prune --all` before the build), with the base image already in each store.
# Not a test: it prints figures. The whole run holds the build lock (/tmp/slipway-build.lock).
# Needs root, runc, the registry on 127.0.0.1:5000 with busybox:latest, the packaged CLI
# (`./mvnw -DskipTests package -pl cli -am`) and BuildKit (differential/oracle/build.sh).
# Usage: bench/big-contexts.sh [CASE...]   (cases: runs copy pkg big; default all)
#        env: RUNS=1, SLIPWAY=bin/slipway, SLIPWAY_JAVA_OPTS (e.g. a JFR recording), KEEP=1 keeps
#        the work directory, BIGCTX_DIR=/var/tmp/slipway-bigctx caches the generated contexts.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
lock=${SLIPWAY_BENCH_LOCK:-/tmp/slipway-build.lock}
if [ -z "${SLIPWAY_BENCH_LOCKED:-}" ]; then
  exec env SLIPWAY_BENCH_LOCKED=1 flock "$lock" "$0" "$@"
fi
runs=${RUNS:-1}
slipway=${SLIPWAY:-$root/bin/slipway}
base=${BASE:-127.0.0.1:5000/busybox:latest}
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(runs copy pkg big)
bin=$("$root/differential/oracle/build.sh" | tail -1)
ctxs=${BIGCTX_DIR:-/var/tmp/slipway-bigctx}

work=$(mktemp -d /tmp/bench-big.XXXXXX)
daemon=
cleanup() {
  if [ -n "$daemon" ]; then
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
  fi
  awk -v p="$work/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m" || true; done
  [ -n "${KEEP:-}" ] && { echo "kept $work" >&2; return; }
  rm -rf "$work"
}
trap cleanup EXIT

# --- contexts (generated once, reused across runs) ---
mkdir -p "$ctxs"
if [ ! -f "$ctxs/copy/.done" ]; then
  rm -rf "$ctxs/copy" && mkdir -p "$ctxs/copy"
  python3 - "$ctxs/copy" <<'EOF'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(15)
text = (b"the quick brown fox jumps over the lazy dog 0123456789\n" * 200)[:10 * 1024]
for i in range(20000):
    d = os.path.join(root, "src", "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(rnd.randbytes(10 * 1024) + text)
EOF
  printf 'FROM %s\nCOPY . /app\n' "$base" >"$ctxs/copy/Dockerfile"
  touch "$ctxs/copy/.done"
fi
if [ ! -f "$ctxs/big/.done" ]; then
  rm -rf "$ctxs/big" && mkdir -p "$ctxs/big"
  openssl enc -aes-128-ctr -nosalt -pass pass:slipway15 -pbkdf2 </dev/zero 2>/dev/null |
    head -c $((1 << 30)) >"$ctxs/big/blob.bin" || true # openssl ends on SIGPIPE
  [ "$(stat -c %s "$ctxs/big/blob.bin")" = $((1 << 30)) ] || { echo "cannot generate blob.bin" >&2; exit 1; }
  printf 'FROM %s\nCOPY blob.bin /blob.bin\n' "$base" >"$ctxs/big/Dockerfile"
  touch "$ctxs/big/.done"
fi
mkdir -p "$ctxs/runs"
{
  echo "FROM $base"
  echo "ARG V=0"
  for i in $(seq 30); do echo "RUN echo \"\$V $i\" > /layer$i"; done
} >"$ctxs/runs/Dockerfile"
mkdir -p "$ctxs/pkg"
cat >"$ctxs/pkg/Dockerfile" <<EOF
FROM $base
COPY pkgs.txt /pkgs.txt
RUN --mount=type=cache,target=/var/cache/pkg mkdir -p /opt/pkgs && for p in \$(cat /pkgs.txt); do \\
      [ -f /var/cache/pkg/\$p ] || head -c 51200 /dev/urandom > /var/cache/pkg/\$p; \\
      cp /var/cache/pkg/\$p /opt/pkgs/\$p; done
EOF
seq -f 'pkg%03g' 200 >"$ctxs/pkg/pkgs.txt"

# --- buildkitd ---
sock="$work/bk.sock"
"$bin/buildkitd" --config "$root/differential/oracle/buildkitd.toml" --root "$work/bk" \
  --addr "unix://$sock" --oci-worker=true --containerd-worker=false --oci-worker-binary=runc \
  --oci-worker-snapshotter=native --oci-worker-net=host >"$work/buildkitd.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do
  "$bin/buildctl" --addr "unix://$sock" debug workers >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { tail -20 "$work/buildkitd.log" >&2; exit 1; }
  sleep 0.2
done

state=
slipway_build() { # CONTEXT NAME BUILD-ARG...
  local ctx=$1 name=$2
  shift 2
  local args=()
  for a in "$@"; do args+=(--build-arg "$a"); done
  SLIPWAY_STATE="$state" "$slipway" build --local --progress=plain "${args[@]}" \
    -o "type=image,name=bench/$name:latest" "$ctx"
}
buildkit_build() { # CONTEXT NAME BUILD-ARG...
  local ctx=$1 name=$2
  shift 2
  local args=()
  for a in "$@"; do args+=(--opt "build-arg:$a"); done
  "$bin/buildctl" --addr "unix://$sock" build --progress=plain --frontend dockerfile.v0 \
    --local "context=$ctx" --local "dockerfile=$ctx" "${args[@]}" \
    --output "type=image,name=bench/$name:latest"
}
buildkit_prune() { "$bin/buildctl" --addr "unix://$sock" prune --all >/dev/null; }
# A fresh Slipway state with the base image pulled, and a BuildKit store with only the base image.
fresh_states() {
  state="$work/state-$RANDOM$RANDOM"
  buildkit_prune
  mkdir -p "$work/warm"
  printf 'FROM %s\nRUN true\n' "$base" >"$work/warm/Dockerfile"
  slipway_build "$work/warm" warm >/dev/null 2>&1
  buildkit_build "$work/warm" warm >/dev/null 2>&1
}
timed() { # prints milliseconds; the output goes to $work/last.log
  local start end
  start=$(date +%s%N)
  if ! "$@" >"$work/last.log" 2>&1; then
    echo "failed: $*" >&2
    tail -30 "$work/last.log" >&2
    exit 1
  fi
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
median() {
  printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END {
    m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'
}
report() { # CASE SLIPWAY-MS-LIST BUILDKIT-MS-LIST
  local s b
  s=$(median $2)
  b=$(median $3)
  printf '%-44s %8s %9s %6s\n' "$1" "$s" "$b" "$(awk -v s="$s" -v b="$b" 'BEGIN { printf "%.2f", s / b }')"
}

echo "Slipway build --local vs BuildKit $(basename "$(dirname "$bin")" | sed s/^buildkit-//)," \
  "median of $runs, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-44s %8s %9s %6s\n' case Slipway BuildKit ratio
for c in "${cases[@]}"; do
  case $c in
  runs)
    s=() b=()
    for i in $(seq "$runs"); do
      fresh_states
      s+=("$(timed slipway_build "$ctxs/runs" runs "V=$RANDOM-$i")")
      b+=("$(timed buildkit_build "$ctxs/runs" runs "V=$RANDOM-$i")")
    done
    report "30 small RUN layers, cold" "${s[*]}" "${b[*]}"
    ;;
  copy)
    s=() b=() s1=() b1=()
    for i in $(seq "$runs"); do
      fresh_states
      s+=("$(timed slipway_build "$ctxs/copy" copy)")
      b+=("$(timed buildkit_build "$ctxs/copy" copy)")
      echo "changed $RANDOM $i" >>"$ctxs/copy/src/d007/f00700.dat"
      s1+=("$(timed slipway_build "$ctxs/copy" copy)")
      b1+=("$(timed buildkit_build "$ctxs/copy" copy)")
    done
    report "COPY . 20,000 files / 400 MB, cold" "${s[*]}" "${b[*]}"
    report "COPY . 20,000 files / 400 MB, one changed" "${s1[*]}" "${b1[*]}"
    ;;
  pkg)
    s=() b=()
    fresh_states
    timed slipway_build "$ctxs/pkg" pkg >/dev/null
    timed buildkit_build "$ctxs/pkg" pkg >/dev/null
    for i in $(seq "$runs"); do
      sed -i "1s/.*/pkg-new-$RANDOM-$i/" "$ctxs/pkg/pkgs.txt"
      s+=("$(timed slipway_build "$ctxs/pkg" pkg)")
      b+=("$(timed buildkit_build "$ctxs/pkg" pkg)")
    done
    report "cache-mount package manager, one changed" "${s[*]}" "${b[*]}"
    ;;
  big)
    s=() b=()
    for i in $(seq "$runs"); do
      fresh_states
      s+=("$(timed slipway_build "$ctxs/big" big)")
      b+=("$(timed buildkit_build "$ctxs/big" big)")
    done
    report "1 GiB file, cold" "${s[*]}" "${b[*]}"
    ;;
  *) echo "unknown case $c (use runs, copy, pkg, big)" >&2; exit 2 ;;
  esac
done
