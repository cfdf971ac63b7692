#!/usr/bin/env bash
# import-image.sh ARCHIVE...: imports image archives (docker or OCI, as `ctr images import`
# reads them) into the containerd of every running node, where the kubelet finds them; a pod on
# any node can then start from them without a pull. A stopped node gets them when it is started
# again only if they were imported before it stopped.
set -euo pipefail
LOG_NAME=import-image.sh
. "$(dirname "$0")/env.sh"
. "$E2E_CLUSTER_DIR/lib.sh"

(($#)) || fail "usage: import-image.sh ARCHIVE..."
for archive in "$@"; do
  [[ -f $archive ]] || fail "$archive is not a file; give the path of an image archive"
done
imported=0
for i in $(node_numbers); do
  socket=$(node_socket "$i")
  [[ -f $PIDS/containerd-$i.pid ]] && ctr --address "$socket" version > /dev/null 2>&1 || {
    log "node $i is stopped; skipping it"
    continue
  }
  for archive in "$@"; do
    ctr --address "$socket" -n k8s.io images import "$archive" > /dev/null ||
      fail "ctr could not import $archive into node $i ($socket)"
  done
  imported=$((imported + 1))
done
((imported)) || fail "no running node in $E2E_STATE; bring the cluster up with up.sh"
log "imported $* into $imported node(s)"
