# The benchmark's cases: their contexts and Dockerfiles, written under $work, and the PREPARE
# functions that measure() calls before each round. A case sets: case_name, ctx (the context
# directory), dfdir (the directory of its Dockerfile), name (of the image), bargs (build
# arguments K=V) and progress. Sourced by compare-buildkit.sh, which sets work, base, here (this
# directory) and mode.
# shellcheck shell=bash

# Unique per run of the script, so BuildKit (one daemon for both modes) and Slipway never find a
# "cold" step or a "changed" file in a cache from an earlier round or mode.
stamp=$(date +%s%N)

use_case() { # NAME CONTEXT DOCKERFILE-DIR
  case_name=$1 ctx=$2 dfdir=$3 name=$1 bargs=() progress=quiet
}

dockerfile() { # DIR (the Dockerfile on stdin)
  mkdir -p "$1"
  cat >"$1/Dockerfile"
}

# The small cases: each is its own context, written in well under a second.
make_small_cases() {
  mkdir -p "$work/app/src"
  dockerfile "$work/app" <<EOF
FROM $base
WORKDIR /app
COPY src/ src/
RUN cat src/*.txt | wc -c > /size
EOF
  for i in $(seq 20); do echo "file $i" >"$work/app/src/f$i.txt"; done

  dockerfile "$work/argenv" <<EOF
FROM $base
ARG V=0
ENV GREETING=hello-\$V MODE=bench
RUN echo "\$GREETING \$MODE" > /greeting
LABEL v=\$V
EOF

  dockerfile "$work/heredoc" <<EOF
FROM $base
ARG V=0
RUN <<SCRIPT
echo "build \$V" > /build
for i in 1 2 3; do echo "line \$i" >> /build; done
SCRIPT
COPY <<CONF /etc/app.conf
mode=bench
CONF
EOF

  {
    echo "FROM $base"
    echo "ARG V=0"
    for i in $(seq 30); do echo "RUN echo \"\$V $i\" > /layer-$i"; done
  } | dockerfile "$work/layers30"

  # A package manager with a download cache: the manifest lists 40 packages of 256 KiB; a package
  # missing from the cache mount is "downloaded" (written), then all are "installed" into the
  # image. Changing the manifest (one file) reruns the install with a warm cache.
  mkdir -p "$work/pkg"
  dockerfile "$work/pkg" <<EOF
FROM $base
WORKDIR /app
COPY deps.txt .
RUN --mount=type=cache,target=/var/cache/pkg \\
    mkdir -p /app/lib && for p in \$(cat deps.txt); do \\
      [ -f /var/cache/pkg/\$p ] || head -c 262144 /dev/urandom > /var/cache/pkg/\$p; \\
      cp /var/cache/pkg/\$p /app/lib/\$p; \\
    done
EOF
  seq -f 'pkg-%02g' 40 >"$work/pkg/deps.txt"
}

# The big contexts (full set): 20,000 files of 20 KiB (400 MiB) with a 1 MiB file beside them,
# one 1 GiB file, and 5,000 files of 20 KiB for the session transfer. Written once per run,
# deterministically (bench/lib/make-files.py), about 25 s.
make_big_cases() {
  mkdir -p "$work/big" "$work/gib" "$work/xfer"
  python3 "$here/make-files.py" tree "$work/big/src" 20000 20480
  python3 "$here/make-files.py" blob "$work/big/one-mb.bin" 1048576
  python3 "$here/make-files.py" blob "$work/gib/big.bin" 1073741824
  python3 "$here/make-files.py" tree "$work/xfer/src" 5000 20480
  dockerfile "$work/df/copy1m" <<EOF
FROM $base
COPY one-mb.bin /data/
RUN wc -c /data/one-mb.bin > /size
EOF
  dockerfile "$work/df/bigcopy" <<EOF
FROM $base
COPY . /ctx/
EOF
  dockerfile "$work/df/gib" <<EOF
FROM $base
COPY big.bin /data/
EOF
  # Reads every file through a bind mount of the context: the build's own work is small, so the
  # time is mostly the transfer.
  dockerfile "$work/df/xfer" <<EOF
FROM $base
RUN --mount=type=bind,target=/ctx find /ctx -type f | wc -l > /count
EOF
}

# Overwrites the first bytes of FILE with this round's stamp: same size, new content and time.
restamp() { # FILE ROUND
  printf '%-32s' "$stamp $mode $2" | dd of="$1" conv=notrunc status=none
}

# A fresh copy of a context (new path, new file times), so that neither builder has any of it:
# what a first build of a new checkout sees. A stamp file makes its content new too.
fresh_copy() { # FROM ROUND
  local to="$work/fresh-$(basename "$1")-$mode-$2"
  cp -r "$1" "$to"
  echo "$stamp $mode $2" >"$to/stamp"
  echo "$to"
}
drop_fresh_copies() { rm -rf "$work"/fresh-*; }

# PREPARE functions (argument: the round)
unchanged() { :; }
new_arg() { bargs=("V=$stamp-$mode-$1"); }
change_app_file() { echo "changed $stamp $mode $1" >"$work/app/src/f1.txt"; }
change_manifest() { echo "pkg-$mode-$1" >>"$work/pkg/deps.txt"; }
change_one_mb() { restamp "$work/big/one-mb.bin" "$1"; }
change_gib() { restamp "$work/gib/big.bin" "$1"; }
fresh_context() { ctx=$(fresh_copy "$src_of_fresh" "$1"); }
change_one_file() { restamp "$ctx/src/d007/f42.txt" "$1"; }
