#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# One compat probe, run by Kbuild:
#
#   probe.sh ANSWER NM SYMVERS COMPILE-COMMAND...
#
# The probe program (module/probes/NAME.c) uses one name of the kernel the
# way the module does. The name is usable when the program compiles with the
# module's own flags and every symbol it then needs from the kernel is
# exported (SYMVERS, the kernel's Module.symvers): a function, a macro, a
# type or an inline, whatever the kernel made it. ANSWER gets one line for
# the generated header, and the answer is printed once.

ans=$1
nm=$2
symvers=$3
shift 3
name=$(basename "$ans" .ans)
macro=PAGECTL_HAVE_$(echo "$name" | tr '[:lower:]' '[:upper:]')
obj=${ans%.ans}.o
log=${ans%.ans}.log

why=
if ! "$@" > "$log" 2>&1; then
	why="does not compile, see $log"
else
	for sym in $($nm -u "$obj" | awk '{ print $2 }'); do
		awk -F '\t' -v s="$sym" '$2 == s { found = 1; exit } END { exit !found }' \
			"$symvers" || why="$why $sym"
	done
	[ -z "$why" ] || why="needs what the kernel does not export:$why"
fi

if [ -z "$why" ]; then
	printf '  PROBE   %-32s yes\n' "$name"
	echo "#define $macro 1" > "$ans"
else
	printf '  PROBE   %-32s no (%s)\n' "$name" "$why"
	echo "/* $macro: no */" > "$ans"
fi
