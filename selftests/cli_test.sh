#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The pagectl command-line tool: output, exit status and error messages.
# Prints TAP like the other selftests. PAGECTL may name the tool to test.

PAGECTL=${PAGECTL:-pagectl}
n=0
failed=0
skipped=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

echo "TAP version 13"

if ! command -v "$PAGECTL" >/dev/null 2>&1; then
	echo "Bail out! $PAGECTL not found"
	exit 4
fi
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# The version line is the module's own version.
if [ -r /sys/module/pagectl/version ]; then
	"$PAGECTL" info >"$out" 2>"$err"
	check "info: exit 0" [ $? -eq 0 ]
	check "info: shows the module version" \
		grep -qx "module version: *$(cat /sys/module/pagectl/version)" "$out"
	"$PAGECTL" info --json >"$out" 2>"$err"
	check "info --json: one JSON object with the ABI version" \
		grep -q '^{"version": ".*", "abi_version": 1, .*}$' "$out"
else
	for t in "info: exit 0" "info: shows the module version" "info --json"; do
		n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $t # SKIP module not loaded"
	done
fi

# buf: create, map and fill report the buffer; fill checks the kernel's words.
if [ -r /sys/module/pagectl/version ]; then
	"$PAGECTL" buf fill -s 64k >"$out" 2>"$err"
	check "buf fill: exit 0" [ $? -eq 0 ]
	check "buf fill: the mapping shows the kernel's words" \
		grep -qx "filled: kernel's words seen through the mapping" "$out"
	"$PAGECTL" buf map --contig -s 64k --json >"$out" 2>"$err"
	check "buf map --contig --json: one extent of the whole buffer" \
		grep -q '^{"id": [0-9]*, "kind": "contig", "length": 65536, .*"extents": \[{"offset": 0, "length": 65536, .*"mapped": "reads as zeros"}$' "$out"
	"$PAGECTL" buf create -n 4095 >"$out" 2>"$err"
	check "buf create on a node without memory: exit 1" [ $? -eq 1 ]
	"$PAGECTL" buf fill --hold 2 -s 8k >/dev/null 2>"$err" &
	sleep 1
	"$PAGECTL" buf show --json >"$out" 2>"$err"
	check "buf show --json: lists the held buffer" \
		grep -q '"length": 8192, "node": [0-9]*, "kind": "pages", "flags": "rw", "mappings": 1}' "$out"
	wait
else
	for t in "buf fill" "buf fill: words" "buf map --contig" "buf create -n" "buf show"; do
		n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $t # SKIP module not loaded"
	done
fi
"$PAGECTL" buf fill --rdonly >"$out" 2>"$err"
check "buf fill --rdonly: exit 2" [ $? -eq 2 ]
"$PAGECTL" buf frobnicate >"$out" 2>"$err"
check "buf with an unknown command: exit 2" [ $? -eq 2 ]

# A missing device is exit 1 with a message that names the module.
"$PAGECTL" -d /dev/pagectl-does-not-exist info >"$out" 2>"$err"
check "missing device: exit 1" [ $? -eq 1 ]
check "missing device: says the module may not be loaded" grep -q "module loaded" "$err"

# Bad usage is exit 2.
"$PAGECTL" no-such-command >"$out" 2>"$err"
check "unknown command: exit 2" [ $? -eq 2 ]
"$PAGECTL" info extra >"$out" 2>"$err"
check "extra argument: exit 2" [ $? -eq 2 ]

# Walks: pagectl's own stack, another process by pid, and the errors.
if "$PAGECTL" info 2>/dev/null | grep -q '^features:.* walk'; then
	"$PAGECTL" walk '[stack]' >"$out" 2>"$err"
	check "walk [stack]: exit 0" [ $? -eq 0 ]
	check "walk [stack]: names the VMA" grep -q '^vma 0x[0-9a-f]*-0x[0-9a-f]* rw- stack' "$out"
	check "walk [stack]: shows the levels as a tree" grep -q '└─ pmd\[' "$out"
	sleep 60 &
	bg=$!
	"$PAGECTL" walk --pid "$bg" --json '[stack]+0x10' >"$out" 2>"$err"
	check "walk --pid --json: exit 0" [ $? -eq 0 ]
	check "walk --pid --json: one object for that pid" \
		grep -q "^{\"addr\": [0-9]*, \"pid\": $bg, .*\"backing\": \"stack\".*}\$" "$out"
	"$PAGECTL" maps --pid "$bg" >"$out" 2>"$err"
	check "maps --pid: exit 0" [ $? -eq 0 ]
	check "maps --pid: a header and the stack" \
		sh -c "head -1 '$out' | grep -q '^ADDRESS .*PRESENT .*SWAP .*PINNED' && grep -q ' \[stack\]\$' '$out'"
	check "maps --pid: as many lines as /proc/PID/maps, less [vsyscall]" \
		[ "$(($(wc -l <"$out") - 1))" -eq "$(grep -vc vsyscall "/proc/$bg/maps")" ]
	"$PAGECTL" maps --json >"$out" 2>"$err"
	check "maps --json: an array with the stack" grep -q '^\[{"start": .*"name": "\[stack\]"' "$out"
	kill "$bg"
	wait "$bg" 2>/dev/null
	"$PAGECTL" walk --pid "$bg" 0x1000 >"$out" 2>"$err"
	check "walk of a gone pid: exit 1" [ $? -eq 1 ]
	check "walk of a gone pid: says so" grep -q 'no such process' "$err"
	"$PAGECTL" walk 0xffff888000000000 >"$out" 2>"$err"
	check "walk of a kernel address: exit 1 with a reason" \
		sh -c "[ $? -eq 1 ] && grep -q 'not a user-space address' '$err'"
	"$PAGECTL" walk not-a-mapping >"$out" 2>"$err"
	check "walk of an unknown name: exit 2" [ $? -eq 2 ]
	"$PAGECTL" walk >"$out" 2>"$err"
	check "walk without an address: exit 2" [ $? -eq 2 ]
	"$PAGECTL" walk --pid 0 0x1000 >"$out" 2>"$err"
	check "walk --pid 0: exit 2" [ $? -eq 2 ]
else
	n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n walk # SKIP the module has no WALK"
fi

echo "1..$n"
echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ $failed -eq 0 ]
