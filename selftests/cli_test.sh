#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The pagectl command-line tool: output, exit status and error messages.
# Every JSON output is read with a JSON parser (jq) and compared with the
# text output of the same command. Prints TAP like the other selftests.
# PAGECTL may name the tool to test.
#
# shellcheck disable=SC2016 # $names in single quotes are jq's variables

PAGECTL=${PAGECTL:-pagectl}
n=0
failed=0
skipped=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else not_ok "$desc"; fi; }

echo "TAP version 13"

if ! command -v "$PAGECTL" >/dev/null 2>&1; then
	echo "Bail out! $PAGECTL not found"
	exit 4
fi
tmp=$(mktemp -d)
out=$tmp/out
err=$tmp/err
txt=$tmp/txt
exp=$tmp/exp
got=$tmp/got
bgs=
trap 'kill $bgs 2>/dev/null; rm -rf "$tmp"' EXIT

# jq -e ARGS: the filter is true of the JSON, which parses; says why not.
jq_true()
{
	jq -e "$@" >/dev/null 2>"$tmp/jqerr" && return 0
	sed 's/^/# jq: /' "$tmp/jqerr"
	return 1
}

# FILE is exactly one JSON object, as a JSON parser reads it.
json_ok() { jq_true -s 'length == 1 and (.[0] | type) == "object"' "$1"; }

# The text and the JSON agree, and neither is empty: a command that printed
# nothing matches nothing. Says how they differ.
same()
{
	[ -n "$1" ] && [ "$1" = "$2" ] && return 0
	printf '%s\n' "$1" | sed 's/^/# text: /'
	printf '%s\n' "$2" | sed 's/^/# json: /'
	return 1
}

same_file()
{
	[ -s "$1" ] && cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | sed 's/^/# /'
	return 1
}

# jq helpers: a number in hex as the text prints it with %#llx, and padding
# as printf's field widths do.
JQ_DEFS='
def hex: if . < 16 then "0123456789abcdef"[.:. + 1]
	else (. / 16 | floor | hex) + ("0123456789abcdef"[. % 16:. % 16 + 1]) end;
def hx: if . == 0 then "0" else "0x" + hex end;
def hs: if . == "0x0" then "0" else . end;
def pad($w): tostring | if length < $w then " " * ($w - length) + . else . end;
def zpad($w): ltrimstr("0x") | if length < $w then "0" * ($w - length) + . else . end;
'

# Lines 3 on of a walk, in both forms: no tree, one space between words.
walk_norm()
{
	awk 'NR <= 2 { print; next }
	     { sub(/^[^a-z]*/, ""); gsub(/  +/, " "); sub(/\[ */, "["); print }'
}

# The walk's text, rebuilt from its JSON, with sizes in bytes as with -b.
JQ_WALK=$JQ_DEFS'
"address \(.addr) in pid \(.pid)",
(.vma | if .backing == "none" then
	"no mapping: a hole from \(.start) to \(.end); no page table is read there"
else
	"vma \(.start)-\(.end) \(.prot) \(.backing)" +
	(if .ino then " dev \(.dev) ino \(.ino) offset \(.file_offset | hs)" else "" end) +
	(if (.flags | length) > 0 then " [\(.flags | join(" "))]" else "" end)
end),
(.levels[]? | if .kind == "folded" then
	"\(.level) (folded into the pgd: 4-level paging)"
else
	["\(.level)[\(.index)]", (.raw // empty | zpad(16)), .kind,
	 (.size // empty | "\(.) bytes"), .bits[], (.pfn // empty | "pfn \(.)"),
	 (.swap_type // empty | "type \(.)"), (.swap_offset // empty | "offset \(hs)")]
	| join(" ")
end),
(if .page then .page |
	"page:" + (if .pfn then " pfn \(.pfn)" else "" end) +
	" node \(.node) zone \(.zone)" +
	(if .refcount != null then
		" refcount \(.refcount) mapcount \(.mapcount) order \(.order)" else "" end) +
	(if (.pincount // 0) > 0 then " pincount \(.pincount)" else "" end) +
	" " + (.flags | join(" "))
elif .leaf_kind == "leaf" then "no struct page (a special or device mapping)"
elif .leaf_kind == "none" then "nothing mapped: the first access will fault"
else empty end)
'

# The lines of maps, rebuilt from its JSON: $w wide columns of bytes / $unit.
JQ_MAPS=$JQ_DEFS'
.mappings[] | "\(.start | zpad(12))-\(.end | zpad(12)) \(.perms | pad(4))" +
	([.size, .present, .swap, .zero, .huge, .pinned]
	 | map(" " + (. / $unit | floor | pad($w))) | join("")) + "  \(.name)"
'

# What pin shows the same in two runs: its first line without the address,
# VmPin, each frame's offset and size, the pages on all nodes and the bytes
# in all extents. (Where the pages are, and their reference counts, which
# the LRU's per-CPU batches raise for a while, can differ.)
JQ_PIN=$JQ_DEFS'
"pinned \(.npages) pages: handle \(.handle), \(.kind), \(if .write then "write" else "read" end)",
"VmPin: \(.vmpin) bytes",
(.frames[] | "\(.offset | hx) \(.size)"),
"pages: \([.nodes[].pages] | add)",
"extent bytes: \([.extents[].length] | add)"
'
pin_text()
{
	awk 'NR == 1 { sub(/ at 0x[0-9a-f]+/, ""); print; next }
	     /^VmPin:/ { print; next }
	     /^extents/ { getline; e = 1; next }
	     /^frames:/ { getline; e = 0; f = 1; next }
	     /^pages per node:/ {
		e = f = 0; gsub(",", ""); s = 0
		for (i = 5; i <= NF; i += 2) s += $i
		print "pages: " s; next }
	     e { print "extent " $2 }
	     f { print $1, $4 }' | {
		sum=0
		while read -r a b c; do
			case "$a" in
			extent) sum=$((sum + b)) ;;
			*) echo "$a $b${c:+ $c}" ;;
			esac
		done
		echo "extent bytes: $sum"
	}
}

# buf create, map and fill as text, rebuilt from the JSON; the id and the
# frames, which differ from run to run, as ID and PFN.
JQ_BUF=$JQ_DEFS'
"buffer ID: \(.length) bytes, \(.kind), node \(.node)" +
	(if .rdonly then ", read-only" else "" end) + (if .dontcopy then ", dontcopy" else "" end) +
	", \(.mappings) mapping" + (if .mappings == 1 then "" else "s" end),
"offset length pfn node",
(.extents[] | "\(.offset | hx) \(.length) \(if .pfn then "PFN" else "-" end) \(.node)"),
(if .more_extents then "... (more extents)" else empty end),
(.mapped // empty | "mapped: \(.)"),
(.filled // empty | "filled: \(.)")
'
buf_text()
{
	awk 'NR == 1 { sub(/^buffer [0-9]+:/, "buffer ID:"); print; next }
	     NR > 2 && NF == 4 && $1 ~ /^(0|0x[0-9a-f]+)$/ { if ($3 != "-") $3 = "PFN" }
	     { $1 = $1; print }'
}

JQ_SHOW='
"id\tpid\tbytes\tnode\tkind\tflags\tmappings",
(.buffers[] | "\(.id)\t\(.pid)\t\(.length)\t\(.node)\t\(.kind)\t" +
	(if .rdonly then "ro" else "rw" end) + (if .dontcopy then ",dontcopy" else "" end) +
	"\t\(.mappings)")
'

# A parser reads the same value from --pretty as from -j, over several lines.
pretty_same()
{
	[ "$(wc -l <"$1")" -gt 1 ] && same "$(jq -cS . "$2")" "$(jq -cS . "$1")"
}

check "jq: a JSON parser to read the output with" jq_true -n true

# info: the module's own version; JSON with every value of the text.
if [ -r /sys/module/pagectl/version ]; then
	"$PAGECTL" info >"$txt" 2>"$err"
	check "info: exit 0" [ $? -eq 0 ]
	check "info: shows the module version" \
		grep -qx "module version: *$(cat /sys/module/pagectl/version)" "$txt"
	"$PAGECTL" info --json >"$out" 2>"$err"
	check "info --json: exit 0" [ $? -eq 0 ]
	check "info --json: one JSON object" json_ok "$out"
	check "info --json: abi_version is the text's ABI version" \
		same "$(sed -n 's/^ABI version: *//p' "$txt")" "$(jq -r .abi_version "$out")"
	jq -r '"module version:   \(.version)", "ABI version:      \(.abi_version)",
	       "page size:        \(.page_size)", "features:         \(.features | join(" "))",
	       "max pinned pages: \(.max_pin_pages)", "max buffer bytes: \(.max_buf_bytes)",
	       "max walk records: \(.max_walk_records)"' "$out" >"$exp" 2>/dev/null
	check "info --json: every value is the text's" same_file "$txt" "$exp"
	"$PAGECTL" info --pretty >"$got" 2>"$err"
	check "info --pretty: the same object, indented" pretty_same "$got" "$out"
	"$PAGECTL" info -j >"$got" 2>"$err"
	check "info -j: the same as --json" same_file "$out" "$got"
	page_size=$(jq -r .page_size "$out")
else
	skip "info" "module not loaded"
fi

# pin: -j is taken; two runs pin the same pages, text and JSON agree.
if [ -r /sys/module/pagectl/version ]; then
	"$PAGECTL" pin -s 64k -f -b >"$txt" 2>"$err"
	check "pin -f -b: exit 0" [ $? -eq 0 ]
	check "pin -f -b: VmPin in bytes" grep -qx 'VmPin: 65536 bytes' "$txt"
	"$PAGECTL" pin -s 64k -f -j >"$out" 2>"$err"
	check "pin -f -j: exit 0" [ $? -eq 0 ]
	check "pin -f -j: one JSON object" json_ok "$out"
	check "pin -f -j: start is a hex string" jq_true '.start | test("^0x[0-9a-f]+$")' "$out"
	pin_text <"$txt" >"$got"
	jq -r "$JQ_PIN" "$out" >"$exp" 2>/dev/null
	check "pin -f -j: pages, VmPin, extents and frames are the text's" same_file "$got" "$exp"
	check "pin -f -j: as many pages in extents as pinned" \
		jq_true --argjson ps "${page_size:-0}" '([.extents[].length] | add) == .npages * $ps' "$out"
	"$PAGECTL" pin -s 64k --timer 50 >"$txt" 2>"$err"
	"$PAGECTL" pin -s 64k --timer 50 --pretty >"$out" 2>"$err"
	check "pin --timer --pretty: exit 0, one JSON object" json_ok "$out"
	check "pin --timer --pretty: the timer's ms and the text's" \
		same "$(sed -n 's/^kernel timer: .* in \([0-9]*\) ms.*/\1/p' "$txt")" \
		"$(jq -r .timer.ms "$out")"
else
	skip "pin" "module not loaded"
fi

# buf: create, map and fill report the buffer; fill checks the kernel's words.
if [ -r /sys/module/pagectl/version ]; then
	"$PAGECTL" buf fill -s 64k >"$txt" 2>"$err"
	check "buf fill: exit 0" [ $? -eq 0 ]
	check "buf fill: the mapping shows the kernel's words" \
		grep -qx "filled: kernel's words seen through the mapping" "$txt"
	"$PAGECTL" buf fill -s 64k -P 0x1122334455667788 >"$txt" 2>"$err"
	check "buf fill -P: the pattern, seen through the mapping" \
		grep -qx "filled: kernel's words seen through the mapping" "$txt"
	"$PAGECTL" buf fill -s 64k -p 1 >"$txt" 2>"$err"
	check "buf fill -p: not the pattern but a pid, which fill refuses: exit 2" [ $? -eq 2 ]
	"$PAGECTL" buf map --contig -s 64k --json >"$out" 2>"$err"
	check "buf map --contig --json: one JSON object" json_ok "$out"
	check "buf map --contig --json: one extent of the whole buffer" \
		jq_true '.kind == "contig" and .length == 65536 and (.extents | length) == 1 and
		       .extents[0].offset == 0 and .extents[0].length == 65536 and
		       .mapped == "reads as zeros" and .filled == null' "$out"
	"$PAGECTL" buf fill -c -s 64k -n 0 >"$txt" 2>"$err"
	"$PAGECTL" buf fill -c -s 64k -n 0 -j >"$out" 2>"$err"
	check "buf fill -j: one JSON object" json_ok "$out"
	buf_text <"$txt" >"$got"
	jq -r "$JQ_BUF" "$out" >"$exp" 2>/dev/null
	check "buf fill -j: every value but id and frame is the text's" same_file "$got" "$exp"
	"$PAGECTL" buf create -n 4095 >"$txt" 2>"$err"
	check "buf create on a node without memory: exit 1" [ $? -eq 1 ]
	# Held for longer than the checks take on a busy machine; killed after.
	"$PAGECTL" buf fill --hold 60 -s 8k >/dev/null 2>"$err" &
	holder=$!
	bgs="$bgs $holder"
	sleep 1
	"$PAGECTL" buf show --json >"$out" 2>"$err"
	check "buf show --json: one JSON object" json_ok "$out"
	check "buf show --json: lists the held buffer" \
		jq_true --argjson p "$holder" '.buffers | map(select(.pid == $p and .length == 8192 and
			.kind == "pages" and .rdonly == false and .mappings == 1)) | length == 1' "$out"
	"$PAGECTL" buf show -p "$holder" >"$txt" 2>"$err"
	"$PAGECTL" buf show -p "$holder" -j >"$out" 2>"$err"
	check "buf show -p: only that pid's buffer" \
		jq_true --argjson p "$holder" '[.buffers[].pid] == [$p]' "$out"
	jq -r "$JQ_SHOW" "$out" >"$exp" 2>/dev/null
	check "buf show -p -j: every value is the text's" same_file "$txt" "$exp"
	"$PAGECTL" buf show -p "$holder" --pretty >"$got" 2>"$err"
	check "buf show --pretty: the same object, indented" pretty_same "$got" "$out"
	kill "$holder"
	wait "$holder" 2>/dev/null
else
	skip "buf" "module not loaded"
fi
"$PAGECTL" buf fill --rdonly >"$out" 2>"$err"
check "buf fill --rdonly: exit 2" [ $? -eq 2 ]
"$PAGECTL" buf frobnicate >"$out" 2>"$err"
check "buf with an unknown command: exit 2" [ $? -eq 2 ]
"$PAGECTL" buf show -p 0 >"$out" 2>"$err"
check "buf show -p 0: exit 2" [ $? -eq 2 ]

# A missing device is exit 1 with a message that names the module.
"$PAGECTL" -d /dev/pagectl-does-not-exist info >"$out" 2>"$err"
check "missing device: exit 1" [ $? -eq 1 ]
check "missing device: says the module may not be loaded" grep -q "module loaded" "$err"

# Bad usage is exit 2.
"$PAGECTL" no-such-command >"$out" 2>"$err"
check "unknown command: exit 2" [ $? -eq 2 ]
"$PAGECTL" info extra >"$out" 2>"$err"
check "extra argument: exit 2" [ $? -eq 2 ]

# Walks: pagectl's own stack, another process by pid, and the errors. The
# other process runs from a directory whose name holds a tab, a newline and
# a byte that is not UTF-8, which its mappings' names show.
if "$PAGECTL" info 2>/dev/null | grep -q '^features:.* walk'; then
	"$PAGECTL" walk '[stack]' >"$out" 2>"$err"
	check "walk [stack]: exit 0" [ $? -eq 0 ]
	check "walk [stack]: names the VMA" grep -q '^vma 0x[0-9a-f]*-0x[0-9a-f]* rw- stack' "$out"
	check "walk [stack]: shows the levels as a tree" grep -q '└─ pmd\[' "$out"

	dir=$tmp/$(printf 'cli\ttab\nnl\377x')
	# busybox runs the applet its name says; coreutils' sleep, by any name.
	for prog in /bin/busybox /bin/sleep /usr/bin/sleep; do
		[ -x "$prog" ] && break
	done
	mkdir "$dir" && cp "$prog" "$dir/sleep"
	"$dir/sleep" 60 &
	bg=$!
	bgs="$bgs $bg"
	i=0
	while ! grep -q 'tab' "/proc/$bg/maps" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done

	"$PAGECTL" walk --pid "$bg" --json '[stack]+0x10' >"$out" 2>"$err"
	check "walk --pid --json: exit 0" [ $? -eq 0 ]
	check "walk --pid --json: one JSON object" json_ok "$out"
	check "walk --pid --json: that pid's stack" \
		jq_true --argjson p "$bg" '.pid == $p and .vma.backing == "stack"' "$out"
	# A page can change state between two runs (the LRU's per-CPU batches
	# drain): walk until the text before and after the JSON agree.
	i=0
	while [ $i -lt 5 ]; do
		"$PAGECTL" walk -b -p "$bg" '[stack]' >"$txt" 2>"$err"
		"$PAGECTL" walk -j -p "$bg" '[stack]' >"$out" 2>"$err"
		"$PAGECTL" walk -b -p "$bg" '[stack]' >"$got" 2>"$err"
		cmp -s "$txt" "$got" && break
		i=$((i + 1))
	done
	check "walk -p: -p is the pid" grep -qx "address 0x[0-9a-f]* in pid $bg" "$txt"
	walk_norm <"$txt" >"$got"
	jq -r "$JQ_WALK" "$out" 2>/dev/null | walk_norm >"$exp"
	check "walk -p -j: every level, the VMA and the page are the text's" \
		same_file "$got" "$exp"
	check "walk -p -j: raw entries are hex strings" \
		jq_true '[.levels[] | .raw // "0x0" | test("^0x[0-9a-f]+$")] | all' "$out"
	"$PAGECTL" walk --pretty -p "$bg" '[stack]' >"$got" 2>"$err"
	check "walk --pretty: the same object, indented" pretty_same "$got" "$out"

	"$PAGECTL" maps --pid "$bg" >"$txt" 2>"$err"
	check "maps --pid: exit 0" [ $? -eq 0 ]
	check "maps --pid: a header and the stack" \
		sh -c "head -1 '$txt' | grep -q '^ADDRESS .*PRESENT .*SWAP .*PINNED' && grep -q ' \[stack\]\$' '$txt'"
	check "maps --pid: as many lines as /proc/PID/maps, less [vsyscall]" \
		[ "$(($(wc -l <"$txt") - 1))" -eq "$(grep -vc vsyscall "/proc/$bg/maps")" ]
	"$PAGECTL" maps -p "$bg" -j >"$out" 2>"$err"
	check "maps -p -j: one JSON object, though names hold control characters" json_ok "$out"
	check "maps -p -j: -p is the pid" jq_true --argjson p "$bg" '.pid == $p' "$out"
	# /proc shows the newline as \012; the byte that is not UTF-8 reads as U+FFFD.
	bad=$(printf '\377')
	fffd=$(printf '\357\277\275')
	check "maps -p -j: the name with a tab, a newline and a bad byte, escaped" \
		same "$(printf '%s/cli\ttab\\012nl%sx/sleep' "$tmp" "$fffd")" \
		"$(jq -r '.mappings[].name | select(endswith("/sleep"))' "$out" | sort -u)"
	check "maps -p -j: no raw tab or bad byte in the JSON" \
		sh -c "! grep -q '$bad' '$out' && ! grep -q '$(printf '\t')' '$out'"
	tail -n +2 "$txt" | sed "s/$bad/$fffd/g" >"$got"
	jq -r --argjson w 9 --argjson unit 1024 "$JQ_MAPS" "$out" >"$exp" 2>/dev/null
	check "maps -p -j: every mapping is the text's, in KiB" same_file "$got" "$exp"
	"$PAGECTL" maps -p "$bg" -b >"$txt" 2>"$err"
	tail -n +2 "$txt" | sed "s/$bad/$fffd/g" >"$got"
	jq -r --argjson w 12 --argjson unit 1 "$JQ_MAPS" "$out" >"$exp" 2>/dev/null
	check "maps -p -b: every mapping is the JSON's, in bytes" same_file "$got" "$exp"
	"$PAGECTL" maps -p "$bg" --pretty >"$got" 2>"$err"
	check "maps --pretty: the same object, indented" pretty_same "$got" "$out"
	"$PAGECTL" maps --json >"$out" 2>"$err"
	check "maps --json: pagectl's own mappings, with the stack" \
		jq_true '.mappings | map(select(.name == "[stack]")) | length == 1' "$out"

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
	skip "walk" "the module has no WALK"
fi

# memtour in the background as $tour, its lines in $tmp/tour.out once it is
# ready; it keeps its pages as they are until fd 3 (its stdin) is closed.
start_tour()
{
	rm -f "$tmp/tour.in"
	mkfifo "$tmp/tour.in"
	"$MEMTOUR" <"$tmp/tour.in" >"$tmp/tour.out" 2>/dev/null &
	tour=$!
	bgs="$bgs $tour"
	exec 3>"$tmp/tour.in"
	i=0
	while ! grep -q '^ready' "$tmp/tour.out" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# huge: a THP and a MADV_NOHUGEPAGE range of memtour, mapped by pid; the
# text's map and totals are the JSON's.
MEMTOUR=${MEMTOUR:-/opt/pagectl/demo/memtour}
JQ_HUGE_TOTALS='.totals | "\(.slots) slots: \(.pmd) THP, \(.hugetlb) hugetlb, \(.large) large folios, \(.small) small (\(.partial) partly present), \(.empty) empty"'
JQ_HUGE_MAP='[.mappings[].slots[] | if .state == "pmd" then "H" elif .state == "hugetlb" then "T"
	elif .state == "large" then "L" elif .state == "empty" then "."
	elif .present < 512 then "s" else "S" end] | join("")'
if "$PAGECTL" info 2>/dev/null | grep -q '^features:.* huge_map' && [ -x "$MEMTOUR" ]; then
	start_tour
	thp=$(awk '$1 == "thp" { print $2 }' "$tmp/tour.out")
	nohuge=$(awk '$1 == "nohuge" { print $2 }' "$tmp/tour.out")

	"$PAGECTL" huge -p "$tour" "$thp+2M" >"$txt" 2>"$err"
	check "huge: exit 0" [ $? -eq 0 ]
	check "huge: the THP is one H" grep -qE '^[0-9a-f]+-[0-9a-f]+ +2048  H ' "$txt"
	"$PAGECTL" huge -p "$tour" -j "$thp+2M" >"$out" 2>"$err"
	check "huge -j: one JSON object" json_ok "$out"
	check "huge -j: the slot is a PMD leaf of order 9, 512 present" \
		jq_true '.mappings[0].slots == [.mappings[0].slots[0]] and
			(.mappings[0].slots[0] | .state == "pmd" and .order == 9 and
			 .present == 512 and (.reasons | index("advised")))' "$out"
	check "huge -j: the totals are the text's" \
		same "$(grep ' slots: ' "$txt")" "$(jq -r "$JQ_HUGE_TOTALS" "$out")"

	"$PAGECTL" huge -p "$tour" "$nohuge+2M" >"$txt" 2>"$err"
	check "huge: MADV_NOHUGEPAGE, 64 pages: s, and why" \
		grep -qE '^[0-9a-f]+-[0-9a-f]+ +2048  s +nohugepage' "$txt"
	"$PAGECTL" huge -p "$tour" --json "$nohuge+2M" >"$out" 2>"$err"
	check "huge --json: 64 small pages present, the reason named" \
		jq_true '.mappings[0].slots[0] | .state == "small" and .present == 64 and
			(.reasons | index("nohugepage"))' "$out"
	check "huge --json: not_huge_because counts it" \
		jq_true '.totals.not_huge_because.nohugepage == 1' "$out"

	"$PAGECTL" huge -p "$tour" >"$txt" 2>"$err"
	check "huge of every mapping: exit 0" [ $? -eq 0 ]
	"$PAGECTL" huge -p "$tour" -j >"$out" 2>"$err"
	check "huge -j of every mapping: the totals are the text's" \
		same "$(grep ' slots: ' "$txt")" "$(jq -r "$JQ_HUGE_TOTALS" "$out")"
	check "huge -j of every mapping: the text's slots, in order" \
		same "$(awk 'NR > 3 && / slots: / { exit } NR > 3 && NF { print }' "$txt" |
			awk '{ if ($1 ~ /-/) print $3; else print $1 }' | tr -d '\n')" \
		     "$(jq -r "$JQ_HUGE_MAP" "$out")"
	"$PAGECTL" huge -p "$tour" --pretty >"$got" 2>"$err"
	check "huge --pretty: the same object, indented" pretty_same "$got" "$out"
	"$PAGECTL" huge -p "$tour" -b '[stack]' >"$txt" 2>"$err"
	check "huge -b MAPPING: the stack, its size in bytes" \
		grep -qE '^[0-9a-f]+-[0-9a-f]+ +[0-9]{6,} .*\[stack\]$' "$txt"

	"$PAGECTL" huge -p "$tour" no-such-mapping >"$out" 2>"$err"
	check "huge of an unknown mapping: exit 1, says so" \
		sh -c "[ $? -eq 1 ] && grep -q 'no mapping named' '$err'"
	"$PAGECTL" huge 0x2000-0x1000 >"$out" 2>"$err"
	check "huge of a bad range: exit 2" [ $? -eq 2 ]
	"$PAGECTL" huge 0x1000 0x2000 >"$out" 2>"$err"
	check "huge with two ranges: exit 2" [ $? -eq 2 ]
	exec 3>&-
	wait "$tour" 2>/dev/null
	"$PAGECTL" huge -p "$tour" >"$out" 2>"$err"
	check "huge of a gone pid: exit 1" [ $? -eq 1 ]
else
	skip "huge" "the module has no HUGE_MAP, or no $MEMTOUR"
fi

# watch: memtour's THP watched by pid while its soft-dirty bits are cleared
# and it exits; each JSON line is the text's line.
JQ_WATCH='"\(.seq | pad(8))  \(.event + " " * (10 - (.event | length)))  \(.start | zpad(12))-\(.end | zpad(12)) \(.size / 1024 | floor | pad(9)) kB"'
if "$PAGECTL" info 2>/dev/null | grep -q '^features:.* watch' && [ -x "$MEMTOUR" ]; then
	start_tour
	thp=$(awk '$1 == "thp" { print $2 }' "$tmp/tour.out")
	# Not holding the fifo open: memtour exits when the test closes it.
	"$PAGECTL" watch -p "$tour" "$thp+2M" >"$txt" 2>"$err" 3>&- &
	w1=$!
	"$PAGECTL" watch -p "$tour" -j "$thp+2M" >"$out" 2>/dev/null 3>&- &
	w2=$!
	"$PAGECTL" watch -p "$tour" -e "$thp+2M" >"$tmp/we.txt" 2>/dev/null 3>&- &
	w3=$!
	"$PAGECTL" watch -p "$tour" -e -j "$thp+2M" >"$tmp/we.json" 2>/dev/null 3>&- &
	w4=$!
	sleep 1
	echo 4 >/proc/"$tour"/clear_refs
	sleep 0.5
	exec 3>&-
	wait "$tour" 2>/dev/null
	wait "$w1"
	check "watch: ends with exit 0 when the process exits" [ $? -eq 0 ]
	wait "$w2"
	wait "$w3"
	wait "$w4"
	start=$(printf '%012x' "$thp")
	end=$(printf '%012x' $((thp + 2097152)))
	check "watch: clear_refs is soft_dirty over the whole range" \
		grep -qE "^ +[0-9]+  soft_dirty +$start-$end +2048 kB" "$txt"
	check "watch: the process's exit is the last event, release" \
		sh -c "tail -n 1 '$txt' | grep -qE '^ +[0-9]+  release +$start-$end'"
	check "watch -j: every line one JSON object" \
		jq_true -s 'length > 0 and all(.[]; type == "object")' "$out"
	jq -r "$JQ_DEFS$JQ_WATCH" "$out" >"$exp" 2>/dev/null
	check "watch -j: each object is the text's line" same_file "$txt" "$exp"
	check "watch -e: the THP's soft-dirty PMD leaf, then clean" \
		sh -c "grep -A2 ' soft_dirty ' '$tmp/we.txt' | grep -q '^ *before: pmd leaf .*soft-dirty' &&
			grep -A2 ' soft_dirty ' '$tmp/we.txt' | grep '^ *after: ' | grep -q '^ *after:  pmd leaf' &&
			! grep -A2 ' soft_dirty ' '$tmp/we.txt' | grep '^ *after: ' | grep -q soft-dirty"
	check "watch -e -j: the same entries, and none after the exit" \
		jq_true -s '(.[] | select(.event == "soft_dirty") |
			.before.level == "pmd" and .before.kind == "leaf" and
			(.before.bits | index("soft-dirty")) and .after.kind == "leaf" and
			(.after.bits | index("soft-dirty") | not)) and
			(.[-1] | .event == "release" and .after.kind == "not walked")' "$tmp/we.json"

	"$PAGECTL" watch -t 0.3 '[stack]' >"$out" 2>"$err"
	check "watch -t: stops after the time, exit 0" [ $? -eq 0 ]
	"$PAGECTL" watch -p "$tour" '[stack]' >"$out" 2>"$err"
	check "watch of a gone pid: exit 1" [ $? -eq 1 ]
	"$PAGECTL" watch >"$out" 2>"$err"
	check "watch without a range: exit 2" [ $? -eq 2 ]
	"$PAGECTL" watch -n 0 '[stack]' >"$out" 2>"$err"
	check "watch -n 0: exit 2" [ $? -eq 2 ]
	"$PAGECTL" watch -e 0x10000000+1G >"$out" 2>"$err"
	check "watch -e of more than 256 MiB: exit 2, says so" \
		sh -c "[ $? -eq 2 ] && grep -q 'with -e, at most' '$err'"
	"$PAGECTL" watch 0x2000-0x1000 >"$out" 2>"$err"
	check "watch of a bad range: exit 2" [ $? -eq 2 ]
else
	skip "watch" "the module has no WATCH, or no $MEMTOUR"
fi

# pin --check: memtour's pages, each the answer a writable pin would meet and
# the pin's fate; each JSON record is the text's line.
JQ_PINCHECK='.ranges[] | .name as $n | .records[] |
	"\(.start | zpad(12))-\(.end | zpad(12)) \(.size / 1024 | floor | pad(9))  \(.verdict + " " * (16 - (.verdict | length)))\(.reason + " " * (13 - (.reason | length))) \($n)"'
if "$PAGECTL" info 2>/dev/null | grep -q '^features:.* pin_check' && [ -x "$MEMTOUR" ]; then
	start_tour
	addr() { awk -v n="$1" '$1 == n { print $2 }' "$tmp/tour.out"; }

	"$PAGECTL" pin --check -w -p "$tour" "$(addr cow)" 4096 >"$txt" 2>"$err"
	check "pin --check: exit 0 for a pin that succeeds" [ $? -eq 0 ]
	check "pin --check: a page shared since fork(), copy-on-write first" \
		grep -qE '^[0-9a-f]+-[0-9a-f]+ +4  fault_in +cow' "$txt"
	check "pin --check: the pin succeeds, faulting it in first" \
		grep -q '^  a pin succeeds, faulting in 1 page first$' "$txt"
	"$PAGECTL" pin --check -w -p "$tour" "$(addr written)" 4096 >"$txt" 2>"$err"
	check "pin --check: a written page: ok, as it is" \
		sh -c "grep -qE ' +4  ok +- ' '$txt' && grep -q '^  a pin succeeds$' '$txt'"

	"$PAGECTL" pin --check -w -p "$tour" "$(addr readonly)" 4096 >"$txt" 2>"$err"
	check "pin --check: exit 3 for a pin that fails" [ $? -eq 3 ]
	check "pin --check: PROT_READ refuses a writable pin, EFAULT, where and why" \
		grep -q "^  a pin fails with EFAULT at $(addr readonly) (not_writable)$" "$txt"
	"$PAGECTL" pin --check -w -p "$tour" -j "$(addr readonly)" 4096 >"$out" 2>"$err"
	check "pin --check -j: exit 3 too" [ $? -eq 3 ]
	check "pin --check -j: one JSON object" json_ok "$out"
	check "pin --check -j: the record and the prediction" \
		jq_true '.write and (.ranges[0] | .npages == 1 and
			.records == [.records[0]] and .records[0].verdict == "refused" and
			.records[0].reason == "not_writable" and .pin.result == "fails" and
			.pin.errno == "EFAULT" and .pin.fail_reason == "not_writable")' "$out"
	"$PAGECTL" pin --check -p "$tour" "$(addr protnone)" 4096 >"$txt" 2>"$err"
	check "pin --check: PROT_NONE refuses even a read pin" \
		grep -qE ' +4  refused +no_access ' "$txt"

	"$PAGECTL" pin --check -w -p "$tour" '[stack]' >"$txt" 2>"$err"
	check "pin --check MAPPING: exit 0" [ $? -eq 0 ]
	check "pin --check MAPPING: records, every one the stack's" \
		sh -c "grep -qE '^[0-9a-f]+-.*\[stack\]$' '$txt' &&
			! grep -E '^[0-9a-f]+-' '$txt' | grep -vq '\[stack\]$'"
	"$PAGECTL" pin --check -w -p "$tour" -j '[stack]' >"$out" 2>"$err"
	jq -r "$JQ_DEFS$JQ_PINCHECK" "$out" >"$exp" 2>/dev/null
	grep -E '^[0-9a-f]+-[0-9a-f]+ ' "$txt" >"$got"
	check "pin --check -j: each record is the text's line" same_file "$got" "$exp"
	check "pin --check -j: limits of the process, none for root" \
		jq_true '.limits | .memlock_pages == null and .pinned_pages == 0 and
			.max_pin_pages > 0' "$out"
	"$PAGECTL" pin --check -p "$tour" --pretty '[stack]' >"$got" 2>"$err"
	"$PAGECTL" pin --check -p "$tour" -j '[stack]' >"$out" 2>"$err"
	check "pin --check --pretty: the same object, indented" pretty_same "$got" "$out"

	"$PAGECTL" pin --check -w -s 64k >"$txt" 2>"$err"
	check "pin --check without a range: the demo buffer, written, ok" \
		grep -qE ' +64  ok +- +\(demo buffer\)$' "$txt"
	"$PAGECTL" pin --check -b -p "$tour" "$(addr written)" 4096 >"$txt" 2>"$err"
	check "pin --check -b: the size in bytes" grep -qE ' +4096  ok ' "$txt"

	"$PAGECTL" pin -p "$tour" >"$out" 2>"$err"
	check "pin -p without --check: exit 2" [ $? -eq 2 ]
	"$PAGECTL" pin --check --frames >"$out" 2>"$err"
	check "pin --check --frames: exit 2" [ $? -eq 2 ]
	"$PAGECTL" pin --check 0x1000 4096 8192 >"$out" 2>"$err"
	check "pin --check with three arguments: exit 2" [ $? -eq 2 ]
	"$PAGECTL" pin --check 0x1000 0 >"$out" 2>"$err"
	check "pin --check with a length of 0: exit 2" [ $? -eq 2 ]
	"$PAGECTL" pin --check -p "$tour" no-such-mapping >"$out" 2>"$err"
	check "pin --check of an unknown mapping: exit 2, says so" \
		sh -c "[ $? -eq 2 ] && grep -q 'no mapping named' '$err'"
	exec 3>&-
	wait "$tour" 2>/dev/null
	"$PAGECTL" pin --check -p "$tour" 0x1000 4096 >"$out" 2>"$err"
	check "pin --check of a gone pid: exit 1, says so" \
		sh -c "[ $? -eq 1 ] && grep -q 'no such process' '$err'"
else
	skip "pin --check" "the module has no PIN_CHECK, or no $MEMTOUR"
fi

echo "1..$n"
echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ $failed -eq 0 ]
