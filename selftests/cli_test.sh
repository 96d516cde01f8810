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
echo "1..7"

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
