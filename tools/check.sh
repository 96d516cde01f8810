#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: the static checks, DKMS, and every selftest on every test
# kernel. Ends with one line "N passed, N failed, N skipped".
#
# PAGECTL_KERNELS limits the kernels (default: deb61 debug61 deb612 deb72).

set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
kernels=${PAGECTL_KERNELS:-deb61 debug61 deb612 deb72}
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

# Slow preparations run in the background while the fast checks run: the
# debug kernel (CPU) and the chroots of newer suites (network).
prep_kernels=()
for k in $kernels; do
	case "$k" in
	debug61|deb612|deb72) prep_kernels+=("$k") ;;
	esac
done
declare -A prep_pid
for k in "${prep_kernels[@]}"; do
	tools/vm/kernel.sh "$k" > "$logs/kernel-$k.log" 2>&1 &
	prep_pid[$k]=$!
done

check_build()
{
	make clean >/dev/null 2>&1
	make W=1 all 2>&1 | tee /dev/stderr | { ! grep -E 'warning:|error:'; } &&
		[ "${PIPESTATUS[0]}" = 0 ]
}

check_checkpatch()
{
	local out

	make -s linux-tools || return 1
	out=$(perl build/linux-tools/scripts/checkpatch.pl --strict --no-tree \
		--terse --show-types -q -f module/*.[ch] uapi/linux/*.h \
		lib/src/*.[ch] lib/include/*.h tools/pagectl/*.[ch] tools/bench/*.[ch] tools/demo/*.c \
		selftests/*.[ch])
	echo "$out"
	! echo "$out" | grep -qv '^total: 0 errors, 0 warnings, 0 checks'
}

check_sparse()
{
	make module C=2 2>&1 | tee /dev/stderr | { ! grep -E 'warning:|error:'; } &&
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

# DKMS builds and installs the module for the installed 6.1 cloud kernel,
# and modinfo shows the version the source says.
check_dkms()
{
	local ver krel kdir tmp ret=1

	ver=$(cat VERSION)
	grep -qx "PACKAGE_VERSION=\"$ver\"" dkms.conf || {
		echo "dkms.conf PACKAGE_VERSION is not $ver"; return 1; }
	kdir=$(ls -d /lib/modules/6.1.*-cloud-amd64/build | sort -V | tail -n1)
	krel=$(basename "$(dirname "$kdir")")
	dkms remove "pagectl/$ver" --all >/dev/null 2>&1
	rm -rf "/usr/src/pagectl-$ver"
	# DKMS builds from /usr/src/NAME-VERSION: give it the sources only.
	tmp=/usr/src/pagectl-$ver
	mkdir -p "$tmp"
	cp -r Kbuild Makefile VERSION dkms.conf module uapi "$tmp/"
	if dkms add "pagectl/$ver" && dkms build "pagectl/$ver" -k "$krel" &&
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
		OUTPUT="$st/pagectl" KHDR_INCLUDES="-I$tmp/prefix/include" \
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

# The runner itself: a warning in the guest kernel log fails a run in which
# nothing else failed.
check_runner()
{
	! tools/vm/run --kernel deb61 -- \
		'echo "WARNING: injected by make check" > /dev/kmsg' ||
		return 1
	grep -q '^pagectl-vm: result kernel-log end: failed' "$logs/runner-catches-kernel-warning.log"
}

step build-w1 check_build
step checkpatch check_checkpatch
step sparse check_sparse
step uapi-header check_uapi
step dkms check_dkms
step install-and-in-tree-selftests check_install_in_tree
step runner-catches-kernel-warning check_runner

# The selftests in a guest of each kernel.
for k in $kernels; do
	echo "=== selftests on $k"
	if [ -n "${prep_pid[$k]:-}" ] && ! wait "${prep_pid[$k]}"; then
		cat "$logs/kernel-$k.log"
		record FAIL "kernel $k: preparation failed"
		continue
	fi
	tools/vm/run --kernel "$k" --log "$logs/vm-$k.log" > "$logs/vm-$k.out" 2>&1
	rc=$?
	cat "$logs/vm-$k.out"
	line=$(grep '^pagectl-vm-result ' "$logs/vm-$k.out" | tail -n1)
	p=$(echo "$line" | sed -n 's/.* passed=\([0-9]*\).*/\1/p')
	f=$(echo "$line" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
	s=$(echo "$line" | sed -n 's/.* skipped=\([0-9]*\).*/\1/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	if [ $rc -ne 0 ]; then
		# A failure beyond the tests themselves (build, timeout, kernel log).
		[ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
		summary+=("FAIL  selftests on $k: ${p:-0} passed, ${f:-0} failed (see $logs/vm-$k.out)")
	else
		summary+=("PASS  selftests on $k: ${p:-0} passed, ${s:-0} skipped")
	fi
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
