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
echo "1..14"

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

echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ $failed -eq 0 ]
