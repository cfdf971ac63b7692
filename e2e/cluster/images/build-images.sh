#!/usr/bin/env bash
# Builds the image archives the e2e cluster imports into containerd (up.sh), so that no pod ever
# pulls from a registry: the pause image every sandbox runs, and a busybox image for smoke pods.
# Docker-archive format, which `ctr images import` names from its RepoTags; built reproducibly
# (fixed mtimes and owners) and cached by name in $IMAGES_DIR.
set -euo pipefail
. "$(dirname "$0")/../env.sh"

# image_archive NAME ROOTFS ENTRYPOINT_JSON CMD_JSON OUT
image_archive() {
  local name=$1 rootfs=$2 entrypoint=$3 cmd=$4 out=$5
  local work; work=$(mktemp -d)
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" -cf "$work/layer.tar" .
  local diff_id; diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  mkdir "$work/$diff_id"; mv "$work/layer.tar" "$work/$diff_id/layer.tar"
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":%s,"Cmd":%s,"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$entrypoint" "$cmd" "$diff_id" > "$work/config.json"
  local config_id; config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mv "$work/config.json" "$work/$config_id.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_id" "$name" "$diff_id" \
    > "$work/manifest.json"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work" \
    -cf "$out.tmp" manifest.json "$config_id.json" "$diff_id"
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

mkdir -p "$IMAGES_DIR"

pause_tar=$IMAGES_DIR/pause-${PAUSE_IMAGE##*:}.tar
if [[ ! -s $pause_tar ]]; then
  rootfs=$(mktemp -d)
  (cd "$E2E_CLUSTER_DIR" && CGO_ENABLED=0 GOFLAGS=-trimpath GOTOOLCHAIN=local \
    "$GO" build -ldflags "-s -w" -o "$rootfs/pause" ./images/pause)
  image_archive "$PAUSE_IMAGE" "$rootfs" '["/pause"]' 'null' "$pause_tar"
  rm -rf "$rootfs"
fi

# Debian's busybox-static: one static binary, so the image needs no libraries.
busybox_tar=$IMAGES_DIR/busybox.tar
if [[ ! -s $busybox_tar ]]; then
  busybox=/bin/busybox
  if ! dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
    echo "build-images.sh: the busybox image needs a static busybox: apt-get install busybox-static" >&2
    exit 1
  fi
  rootfs=$(mktemp -d)
  mkdir -p "$rootfs/bin" "$rootfs/tmp"
  cp "$busybox" "$rootfs/bin/busybox"
  for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
  done
  image_archive "$BUSYBOX_IMAGE" "$rootfs" 'null' '["/bin/sh"]' "$busybox_tar"
  rm -rf "$rootfs"
fi
