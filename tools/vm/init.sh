#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the pagectl test guest (busybox). The host runner writes
# /etc/pagectl.conf with ACTION (tests, demo, shell or command), TESTS and
# COMMAND, and reads back the lines starting with "pagectl-vm:".

/bin/busybox --install -s /bin
# Start on a line of our own, after the firmware's escape sequences.
echo
export PATH=/bin:/usr/bin:/usr/sbin:/sbin
export LD_LIBRARY_PATH=/usr/lib
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /dev/shm /dev/hugepages
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null

. /etc/pagectl.conf

say() { echo "pagectl-vm: $*"; }

# Kernel log lines that fail a run whatever the tests said.
BAD='BUG:|WARNING:|Oops|KASAN|UBSAN|general protection fault|Kernel panic|kernel BUG|'
BAD="$BAD"'possible circular locking|possible recursive locking|inconsistent lock state|'
BAD="$BAD"'INFO: trying to register|unreferenced object|list_add corruption|list_del corruption|'
BAD="$BAD"'refcount_t:|bad page state|Bad page|page dumped because'

KMEMLEAK=/sys/kernel/debug/kmemleak

# Print kernel log lines logged since the last call; fail if any is bad.
klog_check()
{
	dmesg -c > /tmp/klog 2>/dev/null || dmesg > /tmp/klog
	if grep -E "$BAD" /tmp/klog > /tmp/klog.bad; then
		say "kernel log after $1:"
		sed 's/^/pagectl-vm: klog: /' /tmp/klog
		return 1
	fi
	return 0
}

# Forget what kmemleak found during boot: only our leaks count.
if [ -w $KMEMLEAK ]; then
	echo scan > $KMEMLEAK
	echo clear > $KMEMLEAK
	say "kmemleak: on"
fi

# Every pin taken must have been released once a test program has exited.
pins_check()
{
	# Fold the per-CPU counter deltas in first, or the two may disagree.
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
	acq=$(sed -n 's/^nr_foll_pin_acquired //p' /proc/vmstat)
	rel=$(sed -n 's/^nr_foll_pin_released //p' /proc/vmstat)
	[ "$acq" = "$rel" ] && return 0
	say "pins still held after $1: nr_foll_pin_acquired $acq, nr_foll_pin_released $rel"
	return 1
}

# Modules the kernel has as modules rather than built in (see run).
if [ -f /lib/modules/$(uname -r)/load-order ]; then
	while read -r m; do
		insmod /lib/modules/$(uname -r)/$m 2>/dev/null
	done < /lib/modules/$(uname -r)/load-order
fi

# A dirty-tracked file system (ext4 on a loop device) for file-backed tests.
if [ -f /ext4.img ]; then
	mkdir -p /mnt/ext4
	if mount -t ext4 -o loop /ext4.img /mnt/ext4 2>/dev/null; then
		export PAGECTL_EXT4_DIR=/mnt/ext4
		say "ext4: mounted on /mnt/ext4"
	else
		say "ext4: not available in this kernel"
	fi
fi

MODULE=/lib/modules/$(uname -r)/extra/pagectl.ko
export PAGECTL_MODULE=$MODULE
say "kernel $(uname -r), $(nproc) cpus, nodes: $(ls -d /sys/devices/system/node/node* | tr '\n' ' ')"
if [ "$LOAD" = 1 ]; then
	insmod $MODULE || say "insmod failed"
fi
passed=0
failed=0
skipped=0

if ! klog_check boot; then
	say "result kernel-log boot: failed"
	failed=$((failed + 1))
fi

run_tests()
{
	for t in $TESTS; do
		prog=/opt/pagectl/selftests/$t
		say "running $t"
		if [ ! -x "$prog" ]; then
			say "result $t: no such test"
			failed=$((failed + 1))
			continue
		fi
		cd /opt/pagectl/selftests
		t0=$(cut -d' ' -f1 /proc/uptime)
		timeout "$TEST_TIMEOUT" "$prog" > /tmp/out 2>&1
		rc=$?
		secs=$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)
		# The harness forks each test; a timeout kills only the parent.
		killall -9 "$t" 2>/dev/null
		cd /
		cat /tmp/out
		totals=$(grep '^# Totals:' /tmp/out | tail -n1)
		p=$(echo "$totals" | sed -n 's/.*Totals: pass:\([0-9]*\).*/\1/p')
		f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
		s=$(echo "$totals" | sed -n 's/.*skip:\([0-9]*\).*/\1/p')
		if [ -z "$totals" ]; then
			# Died, timed out or printed no totals: one failure.
			p=0; f=1; s=0
		elif [ $rc -ne 0 ] && [ $rc -ne 4 ] && [ "${f:-0}" -eq 0 ]; then
			f=1
		fi
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		skipped=$((skipped + ${s:-0}))
		say "result $t: rc=$rc pass=${p:-0} fail=${f:-0} skip=${s:-0} (${secs} s)"
		if ! klog_check "$t"; then
			say "result kernel-log $t: failed"
			failed=$((failed + 1))
		fi
		if ! pins_check "$t"; then
			say "result pin-leak $t: failed"
			failed=$((failed + 1))
		fi
	done
}

# The page-table tour: memtour puts pages into the states people ask about,
# and pagectl walks each of them in that process, then sums its mappings,
# maps which of them are huge, checks what a pin of each page would meet,
# and watches its THP change.
walk_tour()
{
	if [ -e /sys/block/zram0 ] && ! grep -q zram /proc/swaps; then
		echo 64M > /sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null &&
			swapon /dev/zram0
	fi
	mkfifo /tmp/tour.in
	/opt/pagectl/demo/memtour < /tmp/tour.in > /tmp/tour.out &
	tour=$!
	exec 3> /tmp/tour.in
	while ! grep -q '^ready' /tmp/tour.out; do
		kill -0 $tour 2>/dev/null || break
		sleep 0.2
	done
	grep -v '^ready' /tmp/tour.out | while read -r name addr what; do
		echo
		echo "# $name: $what"
		echo "# pagectl walk --pid $tour $addr"
		pagectl walk --pid $tour "$addr" || failed=$((failed + 1))
	done
	echo
	echo "# pagectl maps --pid $tour"
	pagectl maps --pid $tour || failed=$((failed + 1))
	echo
	echo "# pagectl huge --pid $tour"
	pagectl huge --pid $tour || failed=$((failed + 1))
	# What a writable long-term pin of each page would meet; exit status 3
	# is the check's answer that the pin would fail.
	for name in cow untouched zero written readonly swapped pinned file; do
		addr=$(awk -v n=$name '$1 == n { print $2 }' /tmp/tour.out)
		[ -n "$addr" ] || continue
		args="--write --pid $tour $addr 4096"
		# The file is mapped read-only: a read pin, of both its pages.
		[ $name = file ] && args="--pid $tour $addr 8192"
		echo
		echo "# $name: pagectl pin --check $args"
		pagectl pin --check $args
		rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 3 ] || failed=$((failed + 1))
	done
	# A live watch of the THP, with its entries: clear_refs clears its
	# soft-dirty bit, then memtour exits, which ends the watch.
	thp=$(awk '$1 == "thp" { print $2 }' /tmp/tour.out)
	if [ -n "$thp" ] && pagectl info | grep -q '^features:.* watch'; then
		echo
		echo "# pagectl watch -e --pid $tour $thp+2M, then clear_refs and exit"
		pagectl watch -e --pid $tour "$thp+2M" 3>&- &
		watcher=$!
		sleep 1
		echo 4 > /proc/$tour/clear_refs
		sleep 0.5
		exec 3>&-
		wait $tour
		wait $watcher || failed=$((failed + 1))
		return
	fi
	exec 3>&-
	wait $tour
}

case "$ACTION" in
tests)
	run_tests
	;;
demo)
	for c in "ls -l /dev/pagectl" "cat /sys/module/pagectl/version" \
		 "pagectl info" "pagectl info --json" \
		 "pagectl pin --thp -s 4M --timer 200" "pagectl buf fill -c -s 1M -n 1" \
		 "cat /proc/pagectl"; do
		echo "# $c"
		$c || failed=$((failed + 1))
	done
	walk_tour
	;;
shell)
	say "shell: the module is loaded; exit the shell to power off"
	setsid cttyhack sh
	;;
command)
	sh -c "$COMMAND"
	rc=$?
	say "command exit status $rc"
	[ $rc -eq 0 ] || failed=1
	;;
esac

# Unload, so what the module leaked becomes unreferenced, then scan.
if [ -d /sys/module/pagectl ] && ! rmmod pagectl; then
	say "result rmmod: failed"
	failed=$((failed + 1))
fi
if [ -w $KMEMLEAK ]; then
	sleep 6
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	if grep -q unreferenced $KMEMLEAK; then
		say "result kmemleak: leaks found"
		sed 's/^/pagectl-vm: kmemleak: /' $KMEMLEAK
		failed=$((failed + 1))
	fi
fi
if ! klog_check end; then
	say "result kernel-log end: failed"
	failed=$((failed + 1))
fi
say "done passed=$passed failed=$failed skipped=$skipped"
poweroff -f
