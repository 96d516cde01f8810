#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install what building and testing pagectl need on Debian 12. Idempotent:
# when everything is installed it only checks, without touching apt.

set -e

PACKAGES="build-essential gcc-multilib bc bison flex libelf-dev libssl-dev
	linux-headers-cloud-amd64 linux-image-cloud-amd64 linux-source-6.1
	qemu-system-x86 busybox-static cpio gzip xz-utils kmod dkms sparse
	debootstrap dwarves e2fsprogs zstd libnuma-dev numactl pkg-config perl python3 jq
	debhelper dh-dkms lintian fakeroot man-db
	abi-dumper abi-compliance-checker universal-ctags"

missing=
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root (or with sudo)" >&2
	exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
