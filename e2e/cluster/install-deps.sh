#!/usr/bin/env bash
# Installs the Debian packages the e2e cluster runs on (the Kubernetes components themselves are
# built from the Go module proxy by build.sh). Does nothing when all are already installed.
set -euo pipefail
packages=(etcd-server containerd runc containernetworking-plugins busybox-static openssl util-linux procps curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f '${Status}' "$package" 2> /dev/null | grep -q 'ok installed' || missing+=("$package")
done
((${#missing[@]})) || exit 0
echo "install-deps.sh: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
