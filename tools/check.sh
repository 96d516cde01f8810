#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: the static checks, DKMS, and every selftest on every test
# kernel. Ends with one line "N passed, N failed, N skipped".
#
# PAGECTL_KERNELS limits the kernels (default: every kernel of the matrix,
# tools/vm/kernel.sh --list).

set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
kernels=${PAGECTL_KERNELS:-$(tools/vm/kernel.sh --list | xargs)}
logs=$root/check-logs
mkdir -p "$logs"

passed=0
failed=0
skipped=0
summary=()

record()
{
	local verdict=$1 name=$2

	summary+=("$(printf '%-5s %s' "$verdict" "$name")")
	case "$verdict" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	esac
}

# Run one static check; its output goes to the log and, on failure, here.
step()
{
	local name=$1 log=$logs/$1.log

	shift
	echo "=== $name"
	if "$@" > "$log" 2>&1; then
		record PASS "$name"
	else
		cat "$log"
		record FAIL "$name"
	fi
}

tools/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

# What every suite serves today: each kernel is tested at its newest point
# release, and a new one builds anew whatever was cached for the old one.
tools/vm/kernel.sh --refresh > "$logs/kernel-index.log" 2>&1 ||
	{ cat "$logs/kernel-index.log"; echo "0 passed, 1 failed"; exit 1; }
# The installed Debian 12 kernel serves the static checks and DKMS.
host_env=$(tools/vm/kernel.sh bookworm 2> "$logs/kernel-bookworm.log") ||
	{ cat "$logs/kernel-bookworm.log"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC1090
HOST_KREL=$(. "$host_env"; echo "$KREL")
HOST_KDIR=/lib/modules/$HOST_KREL/build

# Slow preparations run in the background while the fast checks run: the
# debug kernels (CPU) and the chroots of the other suites (network).
declare -A prep_pid
for k in $kernels; do
	[ "$k" = bookworm ] && continue
	tools/vm/kernel.sh "$k" > "$logs/kernel-$k.log" 2>&1 &
	prep_pid[$k]=$!
done

check_build()
{
	make clean KDIR="$HOST_KDIR" >/dev/null 2>&1
	make W=1 KDIR="$HOST_KDIR" all 2>&1 | tee /dev/stderr | { ! grep -E 'warning:|error:'; } &&
		[ "${PIPESTATUS[0]}" = 0 ]
}

check_checkpatch()
{
	local out

	make -s linux-tools || return 1
	out=$(perl build/linux-tools/scripts/checkpatch.pl --strict --no-tree \
		--terse --show-types -q -f $(git ls-files 'module/*.[ch]') uapi/linux/*.h \
		lib/src/*.[ch] lib/include/pagectl/pagectl.h tools/pagectl/*.[ch] tools/bench/*.[ch] tools/demo/*.c \
		selftests/*.[ch])
	echo "$out"
	! echo "$out" | grep -qv '^total: 0 errors, 0 warnings, 0 checks'
}

check_sparse()
{
	make module KDIR="$HOST_KDIR" C=2 2>&1 | tee /dev/stderr | { ! grep -E 'warning:|error:'; } &&
		[ "${PIPESTATUS[0]}" = 0 ]
}

# The UAPI header stands alone in strict C90, and its structs have the same
# layout, a multiple of 8 bytes, for 64- and 32-bit callers.
check_uapi()
{
	local tmp m

	tmp=$(mktemp -d)
	echo '#include <linux/pagectl.h>' > "$tmp/u.c"
	for m in 64 32; do
		gcc -m$m -std=c90 -pedantic-errors -Wall -Wextra -Werror -g \
			-fno-eliminate-unused-debug-types -Iuapi -c "$tmp/u.c" \
			-o "$tmp/u$m.o" || return 1
		pahole "$tmp/u$m.o" > "$tmp/u$m.txt" || return 1
	done
	diff -u "$tmp/u64.txt" "$tmp/u32.txt" || return 1
	cat "$tmp/u64.txt"
	grep -q 'size:' "$tmp/u64.txt" || return 1
	if grep -E '/\* size: [0-9]+' "$tmp/u64.txt" |
	   awk '$3 % 8 { print "not a multiple of 8:", $0; bad = 1 } END { exit !bad }'; then
		return 1
	fi
	rm -rf "$tmp"
}

# libpagectl exports the symbols of lib/libpagectl.map, each in its node and
# nothing else, and its ABI is compatible, for binaries and for sources, with
# the last release's (abi-compliance-checker; a struct that grows at its end
# is a warning, not a problem). The release's ABI is the abi-dumper dump
# lib/abi/libpagectl-VERSION.dump; 0.1.0's was made from its commit, 8211ec7:
#   git worktree add /tmp/rel 8211ec7 && make -C /tmp/rel -s lib CFLAGS='-O2 -g'
#   printf '%s\n' /tmp/rel/lib/include/pagectl.h /tmp/rel/uapi/linux/pagectl.h > h
#   abi-dumper /tmp/rel/build/lib/libpagectl.so.0.1.0 -lver 0.1.0 -sort \
#	-public-headers h -o lib/abi/libpagectl-0.1.0.dump
# A release replaces the dump with its own, made the same way: lib/abi holds
# one.
check_lib_abi()
{
	local tmp so old ret sym

	set -- lib/abi/libpagectl-*.dump
	if [ $# != 1 ] || [ ! -f "$1" ]; then
		echo "lib/abi: not one release's dump: $*"
		return 1
	fi
	old=$PWD/$1
	tmp=$(mktemp -d)
	make -s lib BUILD="$tmp/build" CFLAGS='-O2 -g' || { rm -rf "$tmp"; return 1; }
	so=$(ls "$tmp"/build/lib/libpagectl.so.*.*.*)

	# NAME@NODE for each symbol the library defines, and each the map lists.
	nm -D --defined-only "$so" |
		awk '$2 != "A" { sub(/@@/, "@", $3); print $3 }' | sort > "$tmp/exported"
	perl -0777 -pe 's{/\*.*?\*/}{}gs; s/([{}:;])/ $1 /g; s/\s+/ /g' lib/libpagectl.map |
		awk '{ for (i = 1; i <= NF; i++)
			if ($i == "{") { node = $(i - 1); part = "" }
			else if ($i == "}") node = ""
			else if ($i == ":") part = $(i - 1)
			else if (node != "" && part == "global" && $(i + 1) == ";")
				print $i "@" node }' | sort > "$tmp/listed"
	echo "exported by $(basename "$so"): $(wc -l < "$tmp/exported")," \
		"listed in lib/libpagectl.map: $(wc -l < "$tmp/listed")"
	ret=0
	comm -13 "$tmp/listed" "$tmp/exported" | sed 's/^/exported, not in the map: /' | grep . && ret=1
	comm -23 "$tmp/listed" "$tmp/exported" | sed 's/^/in the map, not exported: /' | grep . && ret=1
	[ -s "$tmp/listed" ] || ret=1
	# abi-compliance-checker reads the exported symbols: a function gone from
	# the header only would pass it.
	for sym in $(sed 's/@.*//' "$tmp/listed" | sort -u); do
		grep -qE "^[a-z].*[^A-Za-z0-9_]$sym\(" lib/include/pagectl/pagectl.h ||
			{ echo "in the map, not declared in <pagectl/pagectl.h>: $sym"; ret=1; }
	done

	# The ABI against the last release's.
	echo "ABI against ${old#"$PWD"/}"
	abi-dumper "$so" -o "$tmp/new.dump" -lver "$(cat VERSION)-tree" -sort \
		-public-headers lib/include/pagectl > "$tmp/dumper.log" 2>&1 ||
		{ cat "$tmp/dumper.log"; rm -rf "$tmp"; return 1; }
	(cd "$tmp" && abi-compliance-checker -l libpagectl -old "$old" \
		-new new.dump -report-path report.html) > "$tmp/acc.log" 2>&1
	case $? in
	0) ;;
	1) ret=1 ;;
	*) cat "$tmp/acc.log"; ret=1 ;;
	esac
	grep -E '^(Binary|Source) compatibility|^Total .* problems' "$tmp/acc.log"
	# The report's problems, as text, when there are any.
	if grep -qE '^Total .* problems: [1-9]' "$tmp/acc.log"; then
		sed -e 's/<[^>]*>/ /g' -e 's/&#160;\|&nbsp;/ /g' -e 's/&#8675;/->/g' \
			-e 's/&gt;/>/g' -e 's/&lt;/</g' -e 's/&amp;/\&/g' -e 's/  */ /g' \
			"$tmp/report.html" |
			awk '/Problems with .*, .* Severity|Removed Symbols [0-9]/ { show = 1 }
			     /to the top/ { show = 0 }
			     show && NF' | head -n 80
	fi
	rm -rf "$tmp"
	return $ret
}

# The errno lists of the man pages and docs/*.md are the header's: each
# function's ERRORS equals its command's "Errors:", the common errors and the
# library's own, and docs/*.md carry no errno tables of their own.
# The CLI runs from the build tree, before anything is installed: it finds
# libpagectl next to it. Without the module it says so, not the loader.
check_cli_from_build_tree()
{
	local out

	env -u LD_LIBRARY_PATH ./build/pagectl --version | grep -qx "pagectl $(cat VERSION)" ||
		return 1
	out=$(env -u LD_LIBRARY_PATH ./build/pagectl -d /dev/pagectl-none info 2>&1)
	echo "$out"
	echo "$out" | grep -q 'is the pagectl module loaded'
}

# The module's files call one way: main -> commands -> core (from the
# objects build-w1 left in module/).
check_module_deps()
{
	tools/module-deps module
}

# make deb: the four packages, lintian-clean; installed into a clean
# bookworm chroot they work, and purging them leaves nothing (tools/pkgtest).
check_packages()
{
	make -s deb && tools/pkgtest build/deb
}

check_errnos()
{
	tools/errno-check
}

# DKMS builds and installs the module for the installed 6.1 cloud kernel,
# and modinfo shows the version the source says. It refuses kernels older
# than 6.1 and other architectures before building anything.
check_dkms()
{
	local ver krel=$HOST_KREL tmp ret=1 out

	ver=$(cat VERSION)
	dkms remove "pagectl/$ver" --all >/dev/null 2>&1
	# DKMS builds from /usr/src/NAME-VERSION: the sources and dkms.conf
	# with VERSION filled in.
	tmp=/usr/src/pagectl-$ver
	rm -rf "$tmp"
	make -s dkms_source DKMS_SRC="$tmp" || return 1
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$tmp/dkms.conf" || {
		echo "dkms.conf PACKAGE_VERSION is not $ver"; return 1; }
	dkms add "pagectl/$ver" || return 1
	for k in 5.10.0-30-amd64 6.0.0-1-amd64 "$krel -a aarch64"; do
		# shellcheck disable=SC2086
		out=$(dkms build "pagectl/$ver" -k $k 2>&1)
		echo "dkms build -k $k: exit $? ($out)"
		echo "$out" | grep -q 'not intended for\|BUILD_EXCLUSIVE' || {
			echo "dkms build -k $k was not refused"; dkms remove "pagectl/$ver" --all
			rm -rf "$tmp"; return 1; }
	done
	if dkms build "pagectl/$ver" -k "$krel" &&
	   dkms install "pagectl/$ver" -k "$krel" --force; then
		local mi
		mi=$(modinfo -k "$krel" -F version pagectl)
		echo "modinfo version: $mi"
		[ "$mi" = "$ver" ] && ret=0
		dkms status pagectl
	fi
	dkms remove "pagectl/$ver" --all
	rm -rf "$tmp"
	return $ret
}

# make install gives a usable library (pkg-config), and the selftests build
# as tools/testing/selftests/pagectl of a kernel tree against it.
check_install_in_tree()
{
	local tmp st ret=1

	tmp=$(mktemp -d)
	st=$tmp/tree/tools/testing/selftests
	mkdir -p "$st"
	make -s install PREFIX="$tmp/prefix" &&
	cp -r build/linux-tools/tools/testing/selftests/. "$st/" &&
	cp -r selftests "$st/pagectl" &&
	PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig make -C "$st/pagectl" \
		OUTPUT="$st/pagectl" KHDR_INCLUDES="-I$PWD/uapi" \
		LDFLAGS="-Wl,-rpath,$tmp/prefix/lib" 2>&1 | tee /dev/stderr |
		{ ! grep -E 'warning:|error:'; } &&
	[ "${PIPESTATUS[0]}" = 0 ] &&
	ls "$st"/pagectl/pin_test "$st"/pagectl/lib_test &&
	"$st"/pagectl/lib_test > /dev/null 2>&1; ret=$?
	# lib_test ran against the installed library: 0, or skips (exit 4)
	# for the device it cannot find on this host.
	[ $ret = 4 ] && ret=0
	rm -rf "$tmp"
	return $ret
}

# Kbuild refuses, in one line, what the sources do not support: headers
# older than 6.1 and kernels that are not x86-64 (shown by overriding what
# the headers say).
check_kbuild_refuses()
{
	local tmp ret=0 out

	tmp=$(mktemp -d)
	cp -r VERSION module uapi "$tmp/"
	# Only sources: the tree may hold objects of an earlier build.
	find "$tmp" -name '*.o' -delete
	out=$(make -C "$HOST_KDIR" M="$tmp/module" VERSION=5 PATCHLEVEL=15 modules 2>&1) && ret=1
	echo "$out" | grep -q 'pagectl: Linux 6.1 or later needed; these headers are 5.15' || ret=1
	echo "$out" | tail -n3
	out=$(make -C "$HOST_KDIR" M="$tmp/module" CONFIG_X86_64= modules 2>&1) && ret=1
	echo "$out" | grep -q 'pagectl: x86-64 only' || ret=1
	echo "$out" | tail -n3
	[ -z "$(find "$tmp" -name '*.o')" ] || { echo "objects were built"; ret=1; }
	rm -rf "$tmp"
	return $ret
}

# Without headers for the kernel asked for, make names the package to
# install rather than building for some other kernel.
check_make_without_headers()
{
	local out

	out=$(make module KERNELRELEASE=6.1.0-0-nonexistent 2>&1) && return 1
	echo "$out"
	echo "$out" | grep -q 'install linux-headers-6.1.0-0-nonexistent'
}

# The runner itself: a warning in the guest kernel log fails a run in which
# nothing else failed.
check_runner()
{
	! tools/vm/run --kernel bookworm -- \
		'echo "WARNING: injected by make check" > /dev/kmsg' ||
		return 1
	grep -q '^pagectl-vm: result kernel-log end: failed' "$logs/runner-catches-kernel-warning.log"
}

step build-w1 check_build
step module-layers check_module_deps
step cli-from-build-tree check_cli_from_build_tree
step checkpatch check_checkpatch
step sparse check_sparse
step uapi-header check_uapi
step lib-abi check_lib_abi
step errno-docs check_errnos
step dkms check_dkms
step packages check_packages
step install-and-in-tree-selftests check_install_in_tree
step runner-catches-kernel-warning check_runner
step kbuild-refuses-unsupported check_kbuild_refuses
step make-without-headers check_make_without_headers

# One guest run: its counts join the totals, and a line the summary.
# guest_run LABEL KERNEL [RUNNER OPTIONS...]; the full runs check the probes.
guest_run()
{
	local label=$1 k=$2 rc line kv p f s
	shift 2

	tools/vm/run --kernel "$k" --log "$logs/vm-$label.log" "$@" > "$logs/vm-$label.out" 2>&1
	rc=$?
	cat "$logs/vm-$label.out"
	line=$(grep '^pagectl-vm-result ' "$logs/vm-$label.out" | tail -n1)
	kv=$(sed -n 's/^pagectl-vm-kernel name=[^ ]* release=\([^ ]*\) version=\(.*\)/\1 (\2)/p' \
		"$logs/vm-$label.out" | tail -n1)
	if [ $# -eq 0 ]; then
		if grep -q '^probes: all .* as expected' "$logs/vm-$label.out"; then
			record PASS "probes on $k"
		else
			record FAIL "probes on $k"
		fi
	fi
	p=$(echo "$line" | sed -n 's/.* passed=\([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
	s=$(echo "$line" | sed -n 's/.* skipped=\([0-9]*\).*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ]; then
		# A failure beyond the tests themselves (build, timeout, kernel log).
		[ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
		summary+=("FAIL  selftests on $label, ${kv:-kernel not prepared}: ${p:-0} passed, ${f:-0} failed (see $logs/vm-$label.out)")
	else
		summary+=("PASS  selftests on $label, $kv: ${p:-0} passed, ${s:-0} skipped")
	fi
}

# The selftests in a guest of each kernel.
for k in $kernels; do
	echo "=== selftests on $k"
	if [ -n "${prep_pid[$k]:-}" ] && ! wait "${prep_pid[$k]}"; then
		cat "$logs/kernel-$k.log"
		record FAIL "kernel $k: preparation failed"
		continue
	fi
	guest_run "$k" "$k"
done

# PIN_CHECK where half the memory is ZONE_MOVABLE: pages the pin must
# migrate first, and one whose extra reference makes the migration fail;
# with memfd_secret(), which 6.1 offers only with secretmem.enable=1.
# Only pin_check_test and walk_test, which pins no hugetlb page: on 6.1 a
# long-term pin of hugetlb pages that sit in ZONE_MOVABLE draws the kernel's
# own WARNING in follow_hugetlb_page(), and pinning 1 GiB there runs the
# guest out of memory. The guest also has a 1 GiB hugetlb page from boot, for
# walk_test's PROT_NONE PUD leaf, which needs a free, aligned 1 GiB in a
# node: two 2 GiB nodes had none (the initrd lies below 2 GiB, the ACPI
# tables below 3 GiB, early allocations at the top of node 1). With two
# 3 GiB nodes node 0 is all below 4 GiB, and movablecore= takes only from
# the highest zone, so node 0 had no ZONE_MOVABLE; with two 4 GiB nodes
# both have some, as both do with 1 GiB nodes.
if [[ " $kernels " == *" bookworm "* ]]; then
	echo "=== selftests on bookworm with movablecore=50% secretmem.enable=1 hugepagesz=1G hugepages=1"
	guest_run "bookworm-movable" bookworm --node-mem 4G \
		--append "movablecore=50% secretmem.enable=1 hugepagesz=1G hugepages=1" \
		--tests "pin_check_test walk_test"
fi

# Again with a CMA area, from which the kernel takes 1 GiB hugetlb pages:
# only the debug kernels have CMA, one of each layout of the pageblock
# flags the check reads. hugetlb_cma= needs a free, aligned 1 GiB in a node.
for k in debug61 debug72; do
	[[ " $kernels " == *" $k "* ]] || continue
	echo "=== selftests on $k with hugetlb_cma=2G"
	guest_run "$k-cma" "$k" --node-mem 3G --append hugetlb_cma=2G --tests pin_check_test
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
