#!/usr/bin/env bash
# Lets this machine run arm64 programs, so builds for linux/arm64 can RUN steps under QEMU user
# emulation: installs Debian's qemu-user-static and registers its aarch64 binfmt_misc handler.
# Debian's handler has the fix-binary flag (F): the kernel opens the interpreter when it is
# registered, so it works inside a container's root filesystem too, as runc/crun need.
# Also fetches Debian's arm64 busybox-static for the tests' arm64 base image into
# /var/cache/slipway-test/busybox-arm64/busybox.
# Idempotent; registrations are host-wide and last until reboot.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "emulation: run as root" >&2; exit 1; }
if ! dpkg-query -W -f='${Status}' qemu-user-static 2>/dev/null | grep -q "install ok installed"; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null
fi
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/register" ]; then
  mount -t binfmt_misc binfmt_misc "$binfmt"
fi
for arch in aarch64; do
  if [ ! -e "$binfmt/qemu-$arch" ]; then
    cat "/usr/lib/binfmt.d/qemu-$arch.conf" > "$binfmt/register"
  fi
  grep -q "^flags: .*F" "$binfmt/qemu-$arch" \
    || { echo "emulation: qemu-$arch is registered without the fix-binary flag F; remove it (echo -1 > $binfmt/qemu-$arch) and run again" >&2; exit 1; }
done

# The arm64 busybox: the architecture is added only for the download, then removed again.
cache=/var/cache/slipway-test/busybox-arm64
if [ ! -x "$cache/busybox" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  added=
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    added=1
  fi
  apt-get update -qq
  (cd "$work" && chown _apt "$work" 2>/dev/null; apt-get download -qq busybox-static:arm64)
  if [ -n "$added" ]; then
    dpkg --remove-architecture arm64
    apt-get update -qq
  fi
  dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$work/x"
  mkdir -p "$cache"
  install -m 0755 "$work/x/bin/busybox" "$cache/busybox.partial"
  mv "$cache/busybox.partial" "$cache/busybox"
fi
"$cache/busybox" uname -m | grep -qx aarch64 \
  || { echo "emulation: $cache/busybox does not run as aarch64" >&2; exit 1; }
echo "emulation: qemu-user-static $(dpkg-query -W -f='${Version}' qemu-user-static), binfmt handlers: aarch64"
