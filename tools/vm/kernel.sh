#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare one of the test kernels and print the path of its environment file.
#
#   tools/vm/kernel.sh NAME
#
# NAME is one of:
#   deb61     Debian 12 (bookworm) cloud kernel, installed on this machine
#   debug61   6.1 debug kernel from linux-source-6.1: tinyconfig + debug.config
#   deb612    Debian 13 (trixie) cloud kernel, module built in a trixie chroot
#   deb72     Debian sid cloud kernel (7.2), module built in a sid chroot
#
# The environment file holds shell assignments:
#   KNAME KREL KIMAGE KDIR KMODS  and, for chroot kernels, KROOT (the chroot;
#   KDIR is then a path inside it).
#
# Slow results (the debug kernel, the chroots) are cached under
# $PAGECTL_CACHE (default /var/cache/pagectl), in a directory whose name is a
# hash of everything they are built from, so a changed input rebuilds and an
# unchanged one is reused. Bump RECIPE when the way they are built changes.
#
# Paths inside a cached directory are written as "$dir/...": the file is
# sourced with dir set to the directory it is in, so a cache can be moved.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PAGECTL_CACHE:-/var/cache/pagectl}
jobs=${JOBS:-$(nproc)}
RECIPE=1
CHROOT_RECIPE=2
# What a chroot needs to build the module with W=1 (kernel-doc is perl or python).
CHROOT_PACKAGES="make gcc libc6-dev perl python3 linux-headers-cloud-amd64"

die() { echo "kernel.sh: $*" >&2; exit 1; }
log() { echo "kernel.sh: $*" >&2; }

# The Debian mirror this machine already uses; the chroots use the same one.
debian_mirror()
{
	local uri

	uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	      /etc/apt/sources.list.d/*.list 2>/dev/null |
	      grep -oE '(http|https)://[^ ]*debian/?' | grep -v security | head -n1 || true)
	echo "${uri:-http://deb.debian.org/debian}"
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Write an environment file atomically.
write_env()
{
	local file=$1; shift

	printf '%s\n' "$@" > "$file.tmp"
	mv "$file.tmp" "$file"
}

kernel_deb61()
{
	local rel img

	# The newest installed cloud kernel that has headers.
	for img in $(ls -1 /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -rV); do
		rel=${img#/boot/vmlinuz-}
		[ -d "/lib/modules/$rel/build" ] && break
		rel=
	done
	[ -n "${rel:-}" ] || die "no cloud kernel with headers: run tools/deps.sh"
	mkdir -p "$cache"
	write_env "$cache/deb61.env" "KNAME=deb61" "KREL=$rel" "KIMAGE=$img" \
		"KDIR=/lib/modules/$rel/build" "KMODS=/lib/modules/$rel" "KROOT="
	echo "$cache/deb61.env"
}

kernel_debug61()
{
	local tarball=/usr/src/linux-source-6.1.tar.xz
	local key dir src

	[ -f "$tarball" ] || die "$tarball missing: run tools/deps.sh"
	key=$(hash_of "$here/debug.config" <(echo "$RECIPE") <(stat -c %s:%Y "$tarball"))
	dir=$cache/debug61-$key
	if [ -f "$dir/env" ]; then
		echo "$dir/env"
		return
	fi
	log "building the 6.1 debug kernel in $dir (about 10 minutes on 2 cores)"
	rm -rf "$cache"/debug61-*
	mkdir -p "$dir"
	tar -C "$dir" -xf "$tarball"
	src=$(echo "$dir"/linux-source-*)
	(
		cd "$src"
		make -s tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$here/debug.config" >/dev/null
		make -s olddefconfig
		# Every option of the fragment must have survived olddefconfig.
		missing=0
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=n) grep -qx "# ${line%=n} is not set" .config ||
					{ log "not applied: $line"; missing=1; } ;;
			CONFIG_*)   grep -qx "$line" .config ||
					{ log "not applied: $line"; missing=1; } ;;
			esac
		done < "$here/debug.config"
		[ $missing = 0 ] || exit 1
		make -s -j"$jobs" bzImage modules
	) >&2 || die "debug kernel build failed"
	write_env "$dir/env" "KNAME=debug61" \
		"KREL=$(cat "$src/include/config/kernel.release")" \
		"KIMAGE=\$dir/${src#"$dir"/}/arch/x86/boot/bzImage" \
		"KDIR=\$dir/${src#"$dir"/}" "KMODS=" "KROOT="
	echo "$dir/env"
}

# A chroot of a newer Debian suite with its compiler and cloud kernel headers,
# and that suite's cloud kernel image extracted beside it.
kernel_chroot()
{
	local name=$1 suite=$2
	local mirror key dir root apt ver hdr deb img kmods

	mirror=$(debian_mirror)
	key=$(echo "$suite $mirror $CHROOT_PACKAGES $CHROOT_RECIPE" | hash_of -)
	dir=$cache/$name-$key
	root=$dir/root
	if [ -f "$dir/env" ]; then
		echo "$dir/env"
		return
	fi
	command -v debootstrap >/dev/null || die "debootstrap missing: run tools/deps.sh"
	log "creating the $suite chroot in $dir"
	rm -rf "$cache/$name"-*
	mkdir -p "$dir"
	debootstrap --variant=minbase "$suite" "$root" "$mirror" >&2 ||
		die "debootstrap $suite failed"
	apt=(chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
	     -o Acquire::Check-Valid-Until=false)
	"${apt[@]}" update >&2
	# shellcheck disable=SC2086
	"${apt[@]}" install --no-install-recommends $CHROOT_PACKAGES >&2 ||
		die "headers for $suite failed"

	hdr=$(cd "$root/usr/src" && ls -d linux-headers-*-cloud-amd64 | sort -V | tail -n1)
	ver=${hdr#linux-headers-}

	# 7.x ships the image in linux-binary-*, older suites in linux-image-*.
	mkdir -p "$dir/debs" "$dir/image"
	for deb in "linux-binary-$ver" "linux-image-$ver-unsigned" "linux-image-$ver"; do
		chroot "$root" sh -c "cd /tmp && rm -f ./*.deb && apt-get -q \
			-o Acquire::Check-Valid-Until=false download $deb" >&2 || continue
		mv "$root"/tmp/*.deb "$dir/debs/"
		dpkg-deb -x "$dir"/debs/*.deb "$dir/image"
		img=$(find "$dir/image" -name 'vmlinuz*' -type f | head -n1)
		[ -n "$img" ] && break
		rm -rf "$dir/debs"/* "$dir/image"/*
	done
	[ -n "${img:-}" ] || die "no kernel image found for $ver"
	# 7.x ships the modules in their own package; older images carry them.
	if chroot "$root" sh -c "cd /tmp && rm -f ./*.deb && apt-get -q \
		-o Acquire::Check-Valid-Until=false download linux-modules-$ver" >&2; then
		mv "$root"/tmp/*.deb "$dir/debs/"
		dpkg-deb -x "$dir"/debs/linux-modules-*.deb "$dir/image"
	fi

	kmods=$dir/image/lib/modules/$ver
	[ -d "$kmods" ] || kmods=$dir/image/usr/lib/modules/$ver
	# modules.dep is made at install time; the runner needs it.
	depmod -b "${kmods%/lib/modules/$ver}" "$ver" || die "depmod for $ver failed"
	write_env "$dir/env" "KNAME=$name" "KREL=$ver" "KIMAGE=\$dir/${img#"$dir"/}" \
		"KDIR=/usr/src/$hdr" "KMODS=\$dir/${kmods#"$dir"/}" "KROOT=\$dir/root"
	echo "$dir/env"
}

main()
{
	case "${1:-}" in
	deb61)   kernel_deb61 ;;
	debug61) kernel_debug61 ;;
	deb612)  kernel_chroot deb612 trixie ;;
	deb72)   kernel_chroot deb72 sid ;;
	*)       echo "usage: $0 deb61|debug61|deb612|deb72" >&2; exit 2 ;;
	esac
}

# Parsed whole before anything runs, so editing this file cannot disturb a
# build that is running it.
main "$@"
exit
