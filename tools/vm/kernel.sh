#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare one of the test kernels and print the path of its environment file.
#
#   tools/vm/kernel.sh NAME       prepare kernel NAME
#   tools/vm/kernel.sh --list     the kernels of the matrix, one per line
#   tools/vm/kernel.sh --refresh  fetch the suites' package indexes anew
#
# Every kernel is the newest point release its Debian suite serves today:
#
#   bookworm       Debian 12 cloud kernel (6.1), installed on this machine
#   bookworm-bpo   bookworm-backports cloud kernel (6.12), bookworm chroot
#   trixie         Debian 13 cloud kernel (6.12), with trixie-security's
#                  release when it is newer (the next point release), trixie chroot
#   trixie-bpo     trixie-backports cloud kernel (7.x), trixie chroot
#   sid            Debian unstable cloud kernel (7.x), sid chroot
#   debug61        6.1 debug kernel: linux-source-6.1, tinyconfig + debug.config
#                  + debug-6.1.config
#   debug72        7.2 debug kernel: sid's linux-source-7.2, built in a sid
#                  chroot with sid's compiler, tinyconfig + debug.config +
#                  debug-7.config
#
# The environment file holds shell assignments:
#   KNAME KREL KVERSION KIMAGE KDIR KMODS KDEBUG, and KROOT for a kernel built in
#   a chroot (KDIR is then a path inside it). KVERSION is the exact Debian
#   package version the kernel comes from.
#
# The version comes first: a private package index of the suites (under the
# cache, never the machine's own apt sources) says which version each suite
# serves, and every cached directory is keyed by that version and by the
# hash of everything else it is built from. A new point release therefore
# builds anew, and the directory of the one it replaces is removed. Bump
# RECIPE when the way kernels are built changes.
#
# Paths inside a cached directory are written as "$dir/...": the file is
# sourced with dir set to the directory it is in, so a cache can be moved.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${PAGECTL_CACHE:-/var/cache/pagectl}
jobs=${JOBS:-$(nproc)}
RECIPE=3
KERNELS="bookworm bookworm-bpo trixie trixie-bpo sid debug61 debug72"
# What a chroot needs to build the module with W=1 (kernel-doc is perl or python).
CHROOT_PACKAGES="make gcc libc6-dev binutils perl python3"
# And to build a kernel from source.
KBUILD_PACKAGES="bc bison flex libelf-dev libssl-dev cpio kmod xz-utils"
INDEX_MAX_AGE=3600

die() { echo "kernel.sh: $*" >&2; exit 1; }
log() { echo "kernel.sh: $*" >&2; }

# The Debian archive and security archive this machine's apt already uses.
mirror_uri()
{
	local want=$1 uri

	uri=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	      /etc/apt/sources.list.d/*.list 2>/dev/null |
	      grep -oE '(http|https)://[^ ]*' | sed 's|/$||' |
	      grep -E "/$want\$" | head -n1 || true)
	[ -n "$uri" ] || die "no '$want' archive in this machine's apt sources"
	echo "$uri"
}

# sources.list lines for a list of suites.
sources_for()
{
	local debian security suite

	debian=$(mirror_uri debian)
	security=$(mirror_uri debian-security)
	for suite in "$@"; do
		case "$suite" in
		*-security) echo "deb $security $suite main" ;;
		*) echo "deb $debian $suite main" ;;
		esac
	done
}

# Where each kernel's packages come from: its suites, and the kernel package
# whose version names it.
suites_of()
{
	case "$1" in
	bookworm|debug61) echo bookworm bookworm-updates bookworm-security ;;
	bookworm-bpo) echo bookworm bookworm-updates bookworm-security bookworm-backports ;;
	trixie) echo trixie trixie-updates trixie-security ;;
	trixie-bpo) echo trixie trixie-updates trixie-security trixie-backports ;;
	sid|debug72) echo sid ;;
	*) die "unknown kernel '$1' (one of: $KERNELS)" ;;
	esac
}

# The suite whose kernel is tested, where it is not the newest of all suites.
kernel_suite_of()
{
	case "$1" in
	bookworm-bpo) echo bookworm-backports ;;
	trixie-bpo) echo trixie-backports ;;
	*) suites_of "$1" ;;
	esac
}

kernel_package_of()
{
	case "$1" in
	debug61) echo linux-source-6.1 ;;
	debug72) echo linux-source-7.2 ;;
	*) echo linux-headers-cloud-amd64 ;;
	esac
}

# The private package index of every suite of the matrix.
index=$cache/apt-index
apt_index_opts()
{
	echo -o Dir::State::Lists="$index/lists" -o Dir::State::status="$index/status" \
	     -o Dir::Cache="$index/cache" -o Dir::Etc::SourceList="$index/sources.list" \
	     -o Dir::Etc::SourceParts=/nonexistent -o Dir::Etc::Preferences=/nonexistent \
	     -o Dir::Etc::PreferencesParts=/nonexistent \
	     -o APT::Architecture=amd64 -o APT::Architectures::=amd64 \
	     -o Acquire::Languages=none -o Acquire::Check-Valid-Until=false
}

refresh_index()
{
	local k

	mkdir -p "$index/lists/partial" "$index/cache/archives/partial"
	touch "$index/status"
	for k in $KERNELS; do
		suites_of "$k"
	done | tr ' ' '\n' | sort -u | xargs | {
		read -r -a all
		sources_for "${all[@]}"
	} > "$index/sources.list"
	# shellcheck disable=SC2046
	apt-get -q $(apt_index_opts) update >&2 || die "fetching the package indexes failed"
	touch "$index/stamp"
}

# Refresh the index when it is missing or older than INDEX_MAX_AGE.
ensure_index()
{
	local age

	mkdir -p "$cache"
	exec 9> "$cache/apt-index.lock"
	flock 9
	age=$INDEX_MAX_AGE
	[ -f "$index/stamp" ] && age=$(( $(date +%s) - $(stat -c %Y "$index/stamp") ))
	[ "$age" -lt "$INDEX_MAX_AGE" ] || refresh_index
	flock -u 9
}

# The newest version of a package in any of the given suites.
newest_version()
{
	local pkg=$1 best= v

	shift
	# shellcheck disable=SC2046
	for v in $(apt-cache $(apt_index_opts) madison "$pkg" |
		   awk -F '|' -v want=" $* " '{
			n = split($3, f, " "); split(f[2], s, "/")
			if (index(want, " " s[1] " ")) { gsub(/ /, "", $2); print $2 }
		   }'); do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done
	[ -n "$best" ] || die "no $pkg in $*"
	echo "$best"
}

# The version of the kernel package kernel NAME tests today.
version_of()
{
	local k=$1

	ensure_index
	# shellcheck disable=SC2046
	newest_version "$(kernel_package_of "$k")" $(kernel_suite_of "$k")
}

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# Write an environment file atomically.
write_env()
{
	local file=$1; shift

	printf '%s\n' "$@" > "$file.tmp"
	mv "$file.tmp" "$file"
}

# $cache/NAME/VERSION-KEY; every other directory of NAME is stale.
cache_dir()
{
	local name=$1 version=$2 key=$3

	echo "$cache/$name/$version-$key"
}

# Print the environment file of a cached kernel and succeed; or, when it is
# not built yet, clear the way for it and fail.
use_cached()
{
	local dir=$1

	if [ -f "$dir/env" ]; then
		echo "$dir/env"
		return 0
	fi
	remove_stale "$dir"
	rm -rf "$dir"
	return 1
}

remove_stale()
{
	local keep=$1 d

	for d in "$(dirname "$keep")"/*; do
		[ "$d" = "$keep" ] || [ ! -e "$d" ] || { log "removing stale $d"; rm -rf "$d"; }
	done
}

# Install a package at exactly VERSION on this machine, from its own apt
# sources, unless it is installed at that version already.
host_ensure()
{
	local pkg=$1 version=$2 have

	have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
	[ "$have" = "$version" ] && return 0
	log "installing $pkg $version on this machine (have: ${have:-none})"
	exec 8> "$cache/host-apt.lock"
	flock 8
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 || true
	apt-get install -y -q --no-install-recommends "$pkg=$version" >&2 ||
		die "installing $pkg $version failed"
	flock -u 8
}

# The kernel release a linux-headers-cloud-amd64 metapackage of a chroot or
# of this machine depends on.
abi_of_headers()
{
	sed -n 's/.*linux-headers-\([^ ,]*-cloud-amd64\).*/\1/p' | head -n1
}

kernel_bookworm()
{
	local version=$1 rel img

	host_ensure linux-headers-cloud-amd64 "$version"
	host_ensure linux-image-cloud-amd64 "$version"
	rel=$(dpkg-query -W -f='${Depends}' linux-headers-cloud-amd64 | abi_of_headers)
	img=/boot/vmlinuz-$rel
	[ -f "$img" ] && [ -d "/lib/modules/$rel/build" ] ||
		die "the bookworm kernel $rel is not fully installed"
	write_env "$cache/bookworm.env" "KNAME=bookworm" "KREL=$rel" "KVERSION=$version" \
		"KIMAGE=$img" "KDIR=/lib/modules/$rel/build" "KMODS=/lib/modules/$rel" \
		"KROOT=" "KDEBUG=0"
	echo "$cache/bookworm.env"
}

# Check that every option of the fragments survived olddefconfig in .config.
check_config()
{
	local missing=0 line frag

	for frag in "$@"; do
		while IFS= read -r line; do
			case "$line" in
			CONFIG_*=n) grep -qx "# ${line%=n} is not set" .config ||
					{ log "not applied: $line"; missing=1; } ;;
			CONFIG_*)   grep -qx "$line" .config ||
					{ log "not applied: $line"; missing=1; } ;;
			esac
		done < "$frag"
	done
	return $missing
}

kernel_debug61()
{
	local version=$1 tarball=/usr/src/linux-source-6.1.tar.xz
	local key dir src

	key=$(hash_of "$here/debug.config" "$here/debug-6.1.config" <(echo "$RECIPE"))
	dir=$(cache_dir debug61 "$version" "$key")
	use_cached "$dir" && return
	host_ensure linux-source-6.1 "$version"
	[ -f "$tarball" ] || die "$tarball missing after installing linux-source-6.1"
	log "building the 6.1 debug kernel ($version) in $dir (about 10 minutes on 2 cores)"
	mkdir -p "$dir"
	tar -C "$dir" -xf "$tarball"
	src=$(echo "$dir"/linux-source-*)
	(
		cd "$src"
		make -s tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$here/debug.config" \
			"$here/debug-6.1.config" >/dev/null
		make -s olddefconfig
		check_config "$here/debug.config" "$here/debug-6.1.config"
		make -s -j"$jobs" bzImage modules
	) >&2 || die "debug kernel build failed"
	write_env "$dir/env" "KNAME=debug61" \
		"KREL=$(cat "$src/include/config/kernel.release")" "KVERSION=$version" \
		"KIMAGE=\$dir/${src#"$dir"/}/arch/x86/boot/bzImage" \
		"KDIR=\$dir/${src#"$dir"/}" "KMODS=" "KROOT=" "KDEBUG=1"
	echo "$dir/env"
}

# A minimal chroot of the suites of NAME with the compiler, in $dir/root.
make_chroot()
{
	local name=$1 root=$2 base

	command -v debootstrap >/dev/null || die "debootstrap missing: run tools/deps.sh"
	# shellcheck disable=SC2046
	set -- $(suites_of "$name")
	base=$1
	log "creating the $base chroot in $root"
	debootstrap --variant=minbase "$base" "$root" "$(mirror_uri debian)" >&2 ||
		die "debootstrap $base failed"
	# shellcheck disable=SC2046
	sources_for $(suites_of "$name") > "$root/etc/apt/sources.list"
	chroot_apt "$root" update
}

chroot_apt()
{
	local root=$1

	shift
	chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Acquire::Check-Valid-Until=false "$@" >&2
}

# Download one package of the chroot's suites into DIR and unpack it into
# DIR/image; fail quietly when the suite has no such package.
fetch_unpack()
{
	local root=$1 pkg=$2 dir=$3

	chroot "$root" sh -c "cd /tmp && rm -f ./*.deb && apt-get -q \
		-o Acquire::Check-Valid-Until=false download $pkg" >&2 || return 1
	mkdir -p "$dir/debs" "$dir/image"
	mv "$root"/tmp/*.deb "$dir/debs/"
	dpkg-deb -x "$dir/debs/$(basename "$(ls "$dir"/debs/"${pkg%%=*}"_*.deb)")" "$dir/image"
}

# A chroot of a suite with its compiler and the cloud kernel headers at
# exactly VERSION, and that kernel's image and modules beside it.
kernel_chroot()
{
	local name=$1 version=$2
	local key dir root rel img kmods pkg

	# shellcheck disable=SC2046
	key=$(echo "$name $(sources_for $(suites_of "$name")) $CHROOT_PACKAGES $RECIPE" | hash_of -)
	dir=$(cache_dir "$name" "$version" "$key")
	use_cached "$dir" && return
	root=$dir/root
	make_chroot "$name" "$root"
	# shellcheck disable=SC2086
	chroot_apt "$root" install --no-install-recommends $CHROOT_PACKAGES \
		"linux-headers-cloud-amd64=$version" ||
		die "the $name headers $version failed to install"
	rel=$(chroot "$root" dpkg-query -W -f='${Depends}' linux-headers-cloud-amd64 | abi_of_headers)
	[ -n "$rel" ] || die "no kernel release found for linux-headers-cloud-amd64 $version"

	# 7.x ships the image in linux-binary-*, older suites in linux-image-*.
	for pkg in "linux-binary-$rel" "linux-image-$rel-unsigned" "linux-image-$rel"; do
		fetch_unpack "$root" "$pkg" "$dir" || continue
		img=$(find "$dir/image" -name 'vmlinuz*' -type f | head -n1)
		[ -n "$img" ] && break
		rm -rf "$dir/debs" "$dir/image"
	done
	[ -n "${img:-}" ] || die "no kernel image found for $rel"
	# 7.x ships the modules in their own package; older images carry them.
	fetch_unpack "$root" "linux-modules-$rel" "$dir" || true

	kmods=$dir/image/lib/modules/$rel
	[ -d "$kmods" ] || kmods=$dir/image/usr/lib/modules/$rel
	# modules.dep is made at install time; the runner needs it.
	depmod -b "${kmods%/lib/modules/$rel}" "$rel" || die "depmod for $rel failed"
	write_env "$dir/env" "KNAME=$name" "KREL=$rel" "KVERSION=$version" \
		"KIMAGE=\$dir/${img#"$dir"/}" "KDIR=/usr/src/linux-headers-$rel" \
		"KMODS=\$dir/${kmods#"$dir"/}" "KROOT=\$dir/root" "KDEBUG=0"
	echo "$dir/env"
}

# The 7.2 debug kernel, built from linux-source-7.2 inside a sid chroot with
# sid's compiler. The module is built in the same chroot against the tree.
kernel_debug72()
{
	local version=$1
	local key dir root tree

	# shellcheck disable=SC2046
	key=$(hash_of "$here/debug.config" "$here/debug-7.config" \
		<(echo "$RECIPE $CHROOT_PACKAGES $KBUILD_PACKAGES $(sources_for sid)"))
	dir=$(cache_dir debug72 "$version" "$key")
	use_cached "$dir" && return
	root=$dir/root
	make_chroot debug72 "$root"
	# shellcheck disable=SC2086
	chroot_apt "$root" install --no-install-recommends $CHROOT_PACKAGES $KBUILD_PACKAGES \
		"linux-source-7.2=$version" || die "linux-source-7.2 $version failed to install"
	log "building the 7.2 debug kernel ($version) in $dir"
	mkdir -p "$root/build"
	tar -C "$root/build" -xf "$root"/usr/src/linux-source-7.2.tar.*
	tree=$(cd "$root/build" && echo linux-source-*)
	cp "$here/debug.config" "$here/debug-7.config" "$root/build/"
	# A private mount namespace gives the build a /proc that goes away with it.
	unshare --mount --fork chroot "$root" sh -ec "
		mount -t proc proc /proc
		cd /build/$tree
		make -s tinyconfig
		scripts/kconfig/merge_config.sh -m .config ../debug.config ../debug-7.config >/dev/null
		make -s olddefconfig
		$(declare -f log check_config)
		check_config ../debug.config ../debug-7.config
		make -s -j$jobs bzImage modules
	" >&2 || die "7.2 debug kernel build failed"
	write_env "$dir/env" "KNAME=debug72" \
		"KREL=$(cat "$root/build/$tree/include/config/kernel.release")" \
		"KVERSION=$version" "KIMAGE=\$dir/root/build/$tree/arch/x86/boot/bzImage" \
		"KDIR=/build/$tree" "KMODS=" "KROOT=\$dir/root" "KDEBUG=1"
	echo "$dir/env"
}

main()
{
	local name=${1:-} version

	case "$name" in
	--list) echo "$KERNELS" | tr ' ' '\n'; return ;;
	--refresh) mkdir -p "$cache"; exec 9> "$cache/apt-index.lock"; flock 9; refresh_index; return ;;
	esac
	suites_of "$name" > /dev/null
	version=$(version_of "$name")
	case "$name" in
	bookworm) kernel_bookworm "$version" ;;
	debug61) kernel_debug61 "$version" ;;
	debug72) kernel_debug72 "$version" ;;
	*) kernel_chroot "$name" "$version" ;;
	esac
}

# Parsed whole before anything runs, so editing this file cannot disturb a
# build that is running it.
main "$@"
exit
