#!/usr/bin/env bash
# Makes the base image of Slipway's own images and pushes it to a registry (default the loopback
# one): a minimal Debian (debootstrap --variant=minbase) with what the builder engine execs
# (runc, mount, cp, mknod, getfattr/setfattr, git, ssh-agent/ssh-add) plus a jlinked JRE at
# /opt/java/openjdk, with JAVA_HOME and PATH set as in the eclipse-temurin images, so the
# Dockerfiles build on either. Prints the image reference on its last line.
#
# Nothing here reaches a public registry: the packages come from the Debian mirror, the JRE
# from the local JDK, and the image is assembled and pushed by Slipway itself.
#
# Skips all work when the tag is already in the registry; the rootfs tarball is cached in
# $SLIPWAY_IMAGE_CACHE/base (keyed by the same tag), so an empty registry is refilled in seconds.
#
# Environment: SLIPWAY_BASE_REGISTRY (127.0.0.1:5000), DEBIAN_SUITE (bookworm), DEBIAN_MIRROR
# (the host's apt mirror, else deb.debian.org), SLIPWAY_IMAGE_CACHE (/var/cache/slipway-e2e),
# SLIPWAY_STATE (the Slipway state used to build, default $SLIPWAY_IMAGE_CACHE/slipway-state).
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)

# Bump when the package set or the JRE's modules change: the tag keys both caches.
revision=1
packages=runc,git,openssh-client,ca-certificates,attr
# What the builder (gRPC/Netty, FFM, JFR, the metrics HTTP server) and the Quarkus operator
# (Vert.x, fabric8 over TLS, JMX/Micrometer) load; jdeps lists the builder's, the operator's
# were added until it started and reached the API server.
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming
modules+=,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml
modules+=,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management
modules+=,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs

registry=${SLIPWAY_BASE_REGISTRY:-127.0.0.1:5000}
suite=${DEBIAN_SUITE:-bookworm}
cache_root=${SLIPWAY_IMAGE_CACHE:-/var/cache/slipway-e2e}
state=${SLIPWAY_STATE:-$cache_root/slipway-state}

fail() { echo "build-base: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "debootstrap and building images need root; run as root (sudo $0)"
for cmd in debootstrap skopeo curl; do
  command -v "$cmd" >/dev/null || fail "$cmd is missing; install it (apt-get install $cmd)"
done
curl -fs -o /dev/null --max-time 5 "http://$registry/v2/" \
  || fail "no registry answers at http://$registry/v2/; start it (.ci/setup) or set SLIPWAY_BASE_REGISTRY"

mirror=${DEBIAN_MIRROR:-$(sed -n 's|^URIs: *\(http[^ ]*/debian\)/*$|\1|p' \
  /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
mirror=${mirror:-http://deb.debian.org/debian}

jdk=$("$root/bin/find-jdk")
jdk_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$jdk/release")
[ -n "$jdk_version" ] || fail "cannot read JAVA_VERSION from $jdk/release"
[ -x "$jdk/bin/jlink" ] || fail "$jdk has no jlink; set JAVA_HOME to a full JDK (not a JRE)"

tag=$suite-jdk$jdk_version-r$revision
image=$registry/slipway/jre-base:$tag

if skopeo inspect --tls-verify=false "docker://$image" >/dev/null 2>&1; then
  echo "build-base: $image is in the registry" >&2
  echo "$image"
  exit 0
fi

cache=$cache_root/base
mkdir -p "$cache"
# Two builds at once would debootstrap twice and race on the tarball.
exec 9>"$cache/.lock"
flock 9
tarball=$cache/rootfs-$tag.tar
work=$(mktemp -d /var/tmp/slipway-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$tarball" ]; then
  echo "build-base: debootstrap $suite from $mirror (a few minutes)" >&2
  rootfs=$work/rootfs
  nice debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" \
    >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap of $suite from $mirror failed"; }
  # The image needs no package lists or downloaded debs (apt-get update fetches lists again),
  # and the runtime provides /dev, resolv.conf and the hostname.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/var/log/* "$rootfs"/dev/* "$rootfs"/run/* "$rootfs"/tmp/*
  mkdir -p "$rootfs/var/lib/apt/lists/partial" "$rootfs/var/cache/apt/archives/partial"
  # Translations, man pages and docs are 70 of the 250 MB; like Debian's slim images, drop them
  # (keeping the copyright files) and have dpkg skip them in later installs.
  rm -rf "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  find "$rootfs/usr/share/doc" -mindepth 1 -not -type d -not -name copyright -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slipway-slim" <<'DPKG'
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
DPKG
  : >"$rootfs/etc/resolv.conf"
  : >"$rootfs/etc/hostname"
  echo "build-base: jlink a JRE from $jdk" >&2
  mkdir -p "$rootfs/opt/java"
  nice "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress=zip-6 --generate-cds-archive --output "$rootfs/opt/java/openjdk"
  # The archive for heaps over 32 GB (no compressed oops) is 14 MB that pods never use.
  rm -f "$rootfs/opt/java/openjdk/lib/server/classes_nocoops.jsa"
  # Numeric owners: the rootfs has its own /etc/passwd.
  nice tar --numeric-owner --xattrs --xattrs-include='*' -C "$rootfs" -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"
fi

# ADD of a local tar unpacks it with owners, modes and xattrs; COPY would make everything root's.
ln "$tarball" "$work/rootfs.tar" 2>/dev/null || cp "$tarball" "$work/rootfs.tar"
cat >"$work/Dockerfile" <<DOCKERFILE
FROM scratch
ADD rootfs.tar /
ENV JAVA_HOME=/opt/java/openjdk \\
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8
LABEL org.opencontainers.image.title="slipway jre-base" \\
      org.opencontainers.image.description="Debian $suite minbase with $packages and a jlinked JRE $jdk_version" \\
      org.opencontainers.image.version="$tag"
CMD ["/bin/bash"]
DOCKERFILE
echo "build-base: build and push $image" >&2
nice "$root/bin/slipway" build --local --state "$state" --progress plain \
  -o "type=image,name=$image,push=true" "$work" >&2
echo "$image"
