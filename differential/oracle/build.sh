#!/usr/bin/env bash
# Builds buildkitd and buildctl of a pinned BuildKit release (the differential tests' oracle) from
# the Go module proxy into $SLIPWAY_BUILDKIT_CACHE (default /var/cache/slipway-buildkit)/
# buildkit-VERSION/bin and prints that directory. The module has replace/exclude directives, so
# `go install pkg@version` refuses it: download the module, copy it somewhere writable and build
# there (about 8 minutes cold on 2 cores). Idempotent: instant when the binaries exist.
# The version is pinned here only; the tests run this script to find the binaries.
set -euo pipefail
version=${BUILDKIT_VERSION:-v0.34.2}
cache=${SLIPWAY_BUILDKIT_CACHE:-/var/cache/slipway-buildkit}
out="$cache/buildkit-$version/bin"
if [ -x "$out/buildkitd" ] && [ -x "$out/buildctl" ]; then echo "$out"; exit 0; fi
echo "buildkit: building buildkitd and buildctl $version into $out" >&2
export PATH=$PATH:/usr/local/go/bin
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
src=$(go mod download -json "github.com/moby/buildkit@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
mkdir -p "$out.tmp"
# Without it the binaries report v0.0.0+unknown.
ldflags="-X github.com/moby/buildkit/version.Version=$version"
# Module zips carry no vendor/ directory: build from the module cache.
(cd "$work" && nice -n 10 go build -ldflags "$ldflags" -o "$out.tmp/" ./cmd/buildkitd ./cmd/buildctl)
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out"
