#!/usr/bin/env bash
# Builds the cosign CLI of a pinned release from the Go module proxy into
# $SLIPWAY_COSIGN_CACHE (default /var/cache/slipway-cosign)/cosign-VERSION/bin and prints that
# directory. The engine's signing test verifies Slipway's signatures with it (`cosign verify
# --key`), so what Slipway pushes is checked by Sigstore's own reader, not by Slipway.
# About 3 minutes cold on 2 shared cores (3m15s measured, module downloads included); idempotent: instant when the binary exists.
# The version is pinned here only; the test runs this script to find the binary.
set -euo pipefail
version=${COSIGN_VERSION:-v2.6.5}
cache=${SLIPWAY_COSIGN_CACHE:-/var/cache/slipway-cosign}
out="$cache/cosign-$version/bin"
if [ -x "$out/cosign" ]; then echo "$out"; exit 0; fi
echo "cosign: building cosign $version into $out" >&2
export PATH=$PATH:/usr/local/go/bin
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
src=$(go mod download -json "github.com/sigstore/cosign/v2@$version" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
# The module cache is read-only: build in a copy.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
mkdir -p "$out.tmp"
# Without it `cosign version` reports "devel".
ldflags="-X sigs.k8s.io/release-utils/version.gitVersion=$version"
(cd "$work" && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$out.tmp/cosign" ./cmd/cosign)
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out"
