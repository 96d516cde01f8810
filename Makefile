# SPDX-License-Identifier: GPL-2.0-only
#
# pagectl: the module, libpagectl, the pagectl CLI and the selftests.
#
#   make                 build everything (module for KDIR, see below)
#   make demo            boot a guest, load the module, run "pagectl info"
#   make check           every test on every kernel, and the static checks
#   make fuzz            the fuzzer, a million calls on each debug kernel
#   make deps            install what building and testing need (Debian 12)
#   make install         install library, headers, CLI, man pages, udev rule
#                        and sysusers entry (the packages' layout)
#   make dkms_source     the module's DKMS tree in DESTDIR/usr/src/pagectl-VERSION
#   make deb             Debian packages in build/deb (pagectl-dkms, libpagectl0,
#                        libpagectl-dev, pagectl), checked with lintian
#   make modules_install install the module for KERNELRELEASE
#
# The module (module/, with its own Kbuild) is built against KDIR, by default
# the headers of KERNELRELEASE (default: the running kernel); make check
# passes KDIR for each kernel it tests. "make -C KDIR M=$PWD/module" is the
# same build without this Makefile, and the one DKMS runs.

VERSION := $(shell cat VERSION)
SOVERSION := 0

KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build

BUILD ?= build
LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
LINUX_TOOLS := $(BUILD)/linux-tools
KSFT_DIR := $(abspath $(LINUX_TOOLS))/tools/testing/selftests

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/pagectl
# udev and systemd-sysusers read /usr/lib (the packages) and /etc (local).
ifeq ($(PREFIX),/usr)
UDEVRULESDIR ?= /usr/lib/udev/rules.d
SYSUSERSDIR ?= /usr/lib/sysusers.d
else
UDEVRULESDIR ?= /etc/udev/rules.d
SYSUSERSDIR ?= /etc/sysusers.d
endif

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	    -Wno-missing-field-initializers
ALL_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -std=gnu11 -Ilib/include \
	      -DPAGECTL_VERSION='"$(VERSION)"'

LIB_SRCS := $(wildcard lib/src/*.c)
LIB_OBJS := $(LIB_SRCS:lib/src/%.c=$(BUILD)/lib/%.o)
LIB_PIC_OBJS := $(LIB_SRCS:lib/src/%.c=$(BUILD)/lib/%.pic.o)
LIB_SO := $(BUILD)/lib/libpagectl.so.$(VERSION)
LIB_A := $(BUILD)/lib/libpagectl.a
CLI := $(BUILD)/pagectl
HDRS := $(wildcard uapi/linux/*.h lib/include/pagectl/*.h lib/src/*.h)

BENCH_SRCS := $(wildcard tools/bench/*.c)
BENCHES := $(BENCH_SRCS:tools/bench/%.c=$(BUILD)/bench/%)
DEMO_SRCS := $(wildcard tools/demo/*.c)
DEMOS := $(DEMO_SRCS:tools/demo/%.c=$(BUILD)/demo/%)

.PHONY: all module lib cli selftests benches demos bench fuzz clean deps demo check install \
	modules_install module_clean linux-tools dkms_source deb

all: module lib cli selftests benches demos

module:
	@test -f "$(KDIR)/Makefile" || { echo "pagectl: no kernel headers in $(KDIR):" \
		"install linux-headers-$(KERNELRELEASE), or name a kernel tree with KDIR=DIR"; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module modules

lib: $(LIB_SO) $(LIB_A) $(BUILD)/lib/libpagectl.pc

$(BUILD)/lib/%.pic.o: lib/src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/lib/%.o: lib/src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(LIB_PIC_OBJS) lib/libpagectl.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libpagectl.so.$(SOVERSION) \
		-Wl,--version-script=lib/libpagectl.map -Wl,-z,defs -o $@ $(LIB_PIC_OBJS)
	ln -sf libpagectl.so.$(VERSION) $(BUILD)/lib/libpagectl.so.$(SOVERSION)
	ln -sf libpagectl.so.$(SOVERSION) $(BUILD)/lib/libpagectl.so

$(LIB_A): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The pkg-config file names the install directories: made anew by install.
PC_SED := -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|'

$(BUILD)/lib/libpagectl.pc: lib/pagectl.pc.in VERSION
	@mkdir -p $(@D)
	sed $(PC_SED) $< > $@

cli: $(CLI)

CLI_SRCS := $(wildcard tools/pagectl/*.c)

# The CLI in the build tree finds the library next to it ($ORIGIN/lib), so
# "./build/pagectl" runs before anything is installed; the installed CLI is
# linked again without that search path.
$(CLI): $(CLI_SRCS) tools/pagectl/cli.h $(HDRS) $(LIB_SO)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_SRCS) -L$(BUILD)/lib -lpagectl \
		-Wl,-rpath,'$$ORIGIN/lib'

$(BUILD)/install/pagectl: $(CLI_SRCS) tools/pagectl/cli.h $(HDRS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_SRCS) -L$(BUILD)/lib -lpagectl

benches: $(BENCHES)

demos: $(DEMOS)

$(BUILD)/demo/%: tools/demo/%.c $(HDRS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(BUILD)/lib -lpagectl

$(BUILD)/bench/%: tools/bench/%.c tools/bench/bench.h $(HDRS) $(LIB_SO)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(BUILD)/lib -lpagectl

# Benchmarks report figures; they pass or fail nothing.
bench:
	tools/deps.sh
	tools/vm/run --kernel bookworm -- /opt/pagectl/bench/pin_bench
	tools/vm/run --kernel debug61 -- /opt/pagectl/bench/pin_bench
	tools/vm/run --kernel bookworm -- /opt/pagectl/bench/walk_bench
	tools/vm/run --kernel sid -- /opt/pagectl/bench/walk_bench
	tools/vm/run --kernel bookworm -- /opt/pagectl/bench/buf_bench
	tools/vm/run --kernel bookworm -- /opt/pagectl/bench/watch_bench
	tools/vm/run --kernel sid -- /opt/pagectl/bench/watch_bench

# The fuzzer at length: a million calls on each debug kernel (make check
# runs a slice of 20000 in every guest).
FUZZ_CALLS ?= 1000000
fuzz:
	tools/deps.sh
	for k in debug61 debug72; do \
		tools/vm/run --kernel $$k --timeout 10800 -- \
			'PAGECTL_FUZZ_CALLS=$(FUZZ_CALLS) PAGECTL_FUZZ_SECONDS=10000 /opt/pagectl/selftests/fuzz_test' || exit 1; \
	done

# The kselftest harness and checkpatch come from linux-source, never from
# this repository.
linux-tools: $(LINUX_TOOLS)/.stamp

$(LINUX_TOOLS)/.stamp: $(LINUX_SOURCE)
	@test -f $(LINUX_SOURCE) || \
		{ echo "$(LINUX_SOURCE) missing: run make deps"; exit 1; }
	rm -rf $(LINUX_TOOLS)
	mkdir -p $(LINUX_TOOLS)
	tar -C $(LINUX_TOOLS) --strip-components=1 -xJf $(LINUX_SOURCE) \
		--wildcards '*/tools/testing/selftests/kselftest*' \
		'*/tools/testing/selftests/lib.mk' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	touch $@

selftests: $(LINUX_TOOLS)/.stamp $(LIB_SO)
	@mkdir -p $(BUILD)/selftests
	$(MAKE) -C selftests KSFT_DIR=$(KSFT_DIR) PAGECTL_ROOT=$(CURDIR) \
		OUTPUT=$(abspath $(BUILD))/selftests

deps:
	tools/deps.sh

demo:
	tools/deps.sh
	tools/vm/run --kernel bookworm --demo

check:
	tools/check.sh

install: lib $(BUILD)/install/pagectl
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/pagectl \
		$(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(MANDIR)/man4 $(DESTDIR)$(MANDIR)/man7 \
		$(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libpagectl.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libpagectl.so.$(SOVERSION)
	ln -sf libpagectl.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libpagectl.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed $(PC_SED) lib/pagectl.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libpagectl.pc
	install -m 0644 lib/include/pagectl/pagectl.h $(DESTDIR)$(INCLUDEDIR)/pagectl/
	install -m 0644 uapi/linux/pagectl.h $(DESTDIR)$(INCLUDEDIR)/pagectl/uapi.h
	install -m 0755 $(BUILD)/install/pagectl $(DESTDIR)$(BINDIR)/
	install -m 0644 tools/pagectl/pagectl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 lib/man/*.3 $(DESTDIR)$(MANDIR)/man3/
	install -m 0644 docs/man/pagectl.4 $(DESTDIR)$(MANDIR)/man4/
	install -m 0644 lib/man/libpagectl.7 $(DESTDIR)$(MANDIR)/man7/
	install -m 0644 data/60-pagectl.rules $(DESTDIR)$(UDEVRULESDIR)/
	install -m 0644 data/pagectl.sysusers $(DESTDIR)$(SYSUSERSDIR)/pagectl.conf
	install -m 0644 data/modules-load.conf \
		$(DESTDIR)$(DOCDIR)/examples/modules-load.d/pagectl.conf

# The module's DKMS tree: its sources, the UAPI header and dkms.conf with
# VERSION filled in. DKMS builds it as "make -C KDIR M=.../module".
DKMS_SRC ?= /usr/src/pagectl-$(VERSION)
DKMS_FILES := $(wildcard module/*.c module/*.h module/probes/*.c) module/Kbuild \
	      module/probe.sh uapi/linux/pagectl.h VERSION

$(BUILD)/dkms/dkms.conf: dkms.conf.in VERSION
	@mkdir -p $(@D)
	sed 's|@VERSION@|$(VERSION)|' $< > $@

dkms_source: $(BUILD)/dkms/dkms.conf
	@for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRC)/$$f || exit 1; \
	done
	chmod 0755 $(DESTDIR)$(DKMS_SRC)/module/probe.sh
	install -m 0644 $(BUILD)/dkms/dkms.conf $(DESTDIR)$(DKMS_SRC)/dkms.conf

# Debian packages, from a copy of the sources with a changelog for VERSION.
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/pagectl-$(VERSION)

deb:
	tools/deps.sh
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	if [ -d .git ]; then git ls-files -z | xargs -0 cp -P --parents -t $(DEB_SRC); \
	else tar -c --exclude=./build --exclude=./.git . | tar -x -C $(DEB_SRC); fi
	tools/deb-changelog $(VERSION) > $(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc
	lintian --fail-on error,warning $(DEB_DIR)/pagectl_$(VERSION)_*.changes

modules_install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR)/module modules_install

module_clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/module clean

clean: module_clean
	rm -rf $(BUILD)
