# FTL top-level build.
#
# Public targets first run scripts/setup-host.sh (which installs missing
# Debian packages) and then re-enter make for the real work, so that
# everything below is evaluated with the host tools in place.
#
#   make            build everything (dependencies, kernel, initfs, ISO, tests)
#   make run        boot FTL in QEMU with the serial console on this terminal:
#                   the base system, its HTTP server on http://127.0.0.1:8080/,
#                   its control channel (a virtio console) on
#                   build/run/control.sock
#   make run-net    boot the network system (os/net.yaml) with http_server
#                   on http://127.0.0.1:8080/ (SYSTEM=, PORT=, HOST_PORT=)
#   make test       run every test suite; ends with "N passed, N failed"
#   make soak       30 minutes of HTTP load, IPC fuzzing and random service
#                   kills, the host fuzzers, then the system call fuzzer's
#                   long run (tests/qemu/soak.sh: FTL_SOAK_MINUTES=,
#                   FTL_FUZZ_CALLS=, FTL_SOAK_SEEDS=)
#   make bench      the benchmark report: "bench: NAME VALUE UNIT" lines,
#                   build/bench/results.json and docs/benchmarks.md
#   make deps       fetch and build third-party sources (cached in ~/.cache/ftl)
#   make sdk        the SDK: build/sdk-root/ (its bin/ftl is the `ftl` command),
#                   dist/ftl-sdk-VERSION-x86_64-linux.tar.gz and its -dbg.tar.gz
#                   (the unstripped base, for gdb); see sdk/dist.mk
#   make sdk-libs   only what a service links (libftl, picolibc); see sdk/mk/
#   make docs       the SDK API reference (Doxygen) in build/docs/sdk/html/
#   make fuzz       the host fuzz targets (tests/fuzz), each for
#                   FTL_FUZZ_SECONDS (FUZZ="http_session tar" picks some); make test
#                   runs them briefly (docs/reliability.md)
#   make clean      remove build/ and dist/
#   make compile_commands.json   for editors (clangd)
#   make format     clang-format every C file
#
# V=1 shows full commands. CI=true turns warnings into errors.

.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := $(shell cat VERSION)
BUILD := build
include sdk/mk/verbosity.mk

PUBLIC_TARGETS := all run test soak bench deps sdk sdk-libs docs fuzz

.PHONY: $(PUBLIC_TARGETS) clean format compile_commands.json setup
$(PUBLIC_TARGETS): setup
	$(Q)$(MAKE) --no-print-directory do-$@

setup:
	$(Q)scripts/setup-host.sh

clean:
	rm -rf $(BUILD) dist

# ---------------------------------------------------------------------------
# Compilers and flags

CC := gcc
LD := ld
FTL_SDK := .
FTL_BUILD := $(BUILD)
include sdk/mk/flags.mk
WARNINGS := $(FTL_WARNINGS)
ifeq ($(CI),true)
WARNINGS += -Werror
endif

# The kernel is built with link-time optimization and generous inlining:
# the IPC round trip crosses files (system calls, channels, sinks,
# scheduler) and every call and return it keeps costs a code lookup under
# TCG (ipc.call.kernel_kernel 8,700 -> 5,700-5,900 cycles). -O3 measures
# no faster now that the hot code is grouped by page (hot.h), and overfills
# those pages. Code generation flags go to the link too, which is where LTO
# generates the code; objects keep the flags they were compiled with, so
# they depend on a file holding them (KERNEL_FLAGS_STAMP, below).
KERNEL_CODEGEN := -O2 -flto --param max-inline-insns-auto=100 \
                  --param inline-unit-growth=100 -ffreestanding -fno-pic \
                  -fno-pie -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
                  -fno-stack-protector -fno-omit-frame-pointer \
                  -fno-asynchronous-unwind-tables \
                  -fno-tree-loop-distribute-patterns
KERNEL_CFLAGS := -std=c11 -g $(KERNEL_CODEGEN) \
                 $(WARNINGS) -Ios/kernel -Isdk/include \
                 -DFTL_VERSION='"$(VERSION)"' -MMD -MP
KERNEL_LDFLAGS := -g $(KERNEL_CODEGEN) $(WARNINGS) -flto-partition=one \
                  -nostdlib -static -no-pie -Wl,-z,max-page-size=0x1000 \
                  -Wl,--no-warn-rwx-segments -Wl,--build-id=none \
                  -Wl,-T,os/boot/kernel.ld

# Everything that boots or ships is stripped of debug information (-g),
# the unstripped build outputs staying in build/ for gdb. Programs lose
# their symbol table too: the loader reads only the tables of the dynamic
# section (.dynsym, .rela.dyn), which are loaded and never stripped, and a
# killed process is logged with its rip alone. The kernel keeps its symbol
# table (20 KiB): its backtraces use the table embedded in it (ksyms), but
# nm and objdump on the booted kernel (scripts/jump-cache-collisions.sh)
# then still name functions.
STRIP_PROGRAM := strip --strip-all
STRIP_KERNEL := strip --strip-debug

# Host code (unit tests, ftl-spec, the tests' ftl) runs under ASan and
# UBSan; -fno-sanitize-recover makes UBSan's first report end the program
# with a failure instead of printing and going on (docs/reliability.md).
HOST_CFLAGS := -std=c11 -g -O1 -fsanitize=address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer $(WARNINGS) \
               -Ios/kernel -Isdk/include -Itests/unit \
               -DFTL_VERSION='"$(VERSION)"' -MMD -MP
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# The host flags as of the last build, like KERNEL_FLAGS_STAMP below: a
# change (a sanitizer option) rebuilds every host object and unit test.
HOST_FLAGS_STAMP := $(BUILD)/host-cflags.txt
ifneq ($(file <$(HOST_FLAGS_STAMP)),$(HOST_CFLAGS))
$(shell mkdir -p $(BUILD))
$(file >$(HOST_FLAGS_STAMP),$(HOST_CFLAGS))
endif

# ---------------------------------------------------------------------------
# Kernel

kernel-objs-y :=
include os/kernel/build.mk
include os/kernel/arch/x64/build.mk

KERNEL_ELF := $(BUILD)/ftl-kernel.elf
KERNEL_DEBUG_ELF := $(BUILD)/ftl-kernel.debug.elf
KERNEL_OBJS := $(addprefix $(BUILD)/os/kernel/,$(kernel-objs-y)) \
               $(BUILD)/kernel/sdk/error.o

# The kernel's flags as of the last build: rewritten when they change (here
# or on the command line), which rebuilds every kernel object.
KERNEL_FLAGS_STAMP := $(BUILD)/kernel-cflags.txt
ifneq ($(file <$(KERNEL_FLAGS_STAMP)),$(KERNEL_CFLAGS))
$(shell mkdir -p $(BUILD))
$(file >$(KERNEL_FLAGS_STAMP),$(KERNEL_CFLAGS))
endif

$(BUILD)/os/kernel/%.o: os/kernel/%.c $(KERNEL_FLAGS_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/os/kernel/%.o: os/kernel/%.S $(KERNEL_FLAGS_STAMP)
	$(call say,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/sdk/%.o: sdk/lib/%.c $(KERNEL_FLAGS_STAMP)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

# Two links: the first one's function symbols become the symbol table that
# the second one embeds for backtraces (os/kernel/ksyms.h). The table sits
# after .text, so no function moves between the two.
$(BUILD)/ftl-kernel.pass1.elf: $(KERNEL_OBJS) $(BUILD)/os/kernel/ksyms_empty.o os/boot/kernel.ld
	$(call say,LD,$@)
	$(Q)$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/os/kernel/ksyms_empty.o

$(BUILD)/ksyms.S: $(BUILD)/ftl-kernel.pass1.elf scripts/ksyms.py
	$(call say,KSYMS,$@)
	$(Q)nm -n $< | python3 scripts/ksyms.py > $@

$(BUILD)/ksyms.o: $(BUILD)/ksyms.S
	$(Q)$(CC) -c $< -o $@

$(KERNEL_DEBUG_ELF): $(BUILD)/ftl-kernel.pass1.elf $(BUILD)/ksyms.o
	$(call say,LD,$@)
	$(Q)$(CC) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms.o
	$(Q)nm -n $@ | python3 scripts/ksyms.py | cmp -s - $(BUILD)/ksyms.S \
	    || { echo "ksyms: function addresses moved between links" >&2; \
	         rm -f $@; exit 1; }

# What boots (QEMU's -kernel, the ISO, the SDK's base) is the kernel without
# its debug information; build/ftl-kernel.debug.elf, the same code with it,
# is the one for gdb (docs/contributing.md, "Stripped images, unstripped
# files").
$(KERNEL_ELF): $(KERNEL_DEBUG_ELF)
	$(call say,STRIP,$@)
	$(Q)$(STRIP_KERNEL) -o $@ $<

# ---------------------------------------------------------------------------
# Third-party dependencies (scripts/fetch-deps.sh, deps.lock)

PICOLIBC_LIBC := $(FTL_PICOLIBC_LIBC)

.PHONY: do-deps
do-deps:
	$(Q)scripts/fetch-deps.sh
	$(Q)scripts/build-picolibc.sh

$(PICOLIBC_LIBC): deps.lock scripts/build-picolibc.sh
	$(Q)scripts/build-picolibc.sh

# ---------------------------------------------------------------------------
# Programs (services, apps, in-OS tests): position-independent executables
# that run in either isolation mode, linked with libftl and picolibc, with
# the flags of sdk/mk/flags.mk (the ones os/kernel/elf.h asks for).

PROGRAM_CFLAGS := $(FTL_CFLAGS) $(WARNINGS) -MMD -MP

libftl-objs-y :=
include sdk/lib/build.mk
LIBFTL := $(FTL_LIBFTL)
LIBFTL_OBJS := $(addprefix $(BUILD)/sdk/lib/,$(libftl-objs-y)) \
               $(libftl-dep-objs)

$(BUILD)/sdk/lib/%.o: sdk/lib/%.c | $(PICOLIBC_LIBC)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(PROGRAM_CFLAGS) -c $< -o $@

$(LIBFTL): $(LIBFTL_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

include sdk/lib/wasm/build.mk

$(BUILD)/programs/%.o: %.c | $(PICOLIBC_LIBC)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(PROGRAM_CFLAGS) -c $< -o $@

# $(call program,NAME,SOURCES[,LIBRARIES]): builds $(BUILD)/programs/NAME.elf;
# LIBRARIES are static libraries linked before libftl (lwIP for tcpip).
define program
PROGRAMS += $(BUILD)/programs/$(1).elf
$(BUILD)/programs/$(1).elf: $(addprefix $(BUILD)/programs/,$(2:.c=.o)) $(3) $(LIBFTL)
	$$(call say,LINK,$$@)
	$$(Q)$$(CC) $$(FTL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(3) $$(FTL_LIBS)
endef

PROGRAMS :=
include os/lib/mbedtls/build.mk
include os/lib/virtio/build.mk
include os/services/build.mk
include apps/build.mk
include tests/os/build.mk

# ---------------------------------------------------------------------------
# Host tools: ftl-spec, the spec compiler (tools/ftl-spec), on libyaml

ftl-spec-src :=
include tools/ftl-spec/build.mk
FTL_SPEC := $(BUILD)/host/ftl-spec
YAML_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
YAML_LIBS := $(shell pkg-config --libs yaml-0.1 2>/dev/null)

$(BUILD)/host/tools/ftl-spec/%.o: tools/ftl-spec/%.c $(HOST_FLAGS_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) $(YAML_CFLAGS) -c $< -o $@

# ftl-spec checks file grants with the manifest's own rule (sdk/lib/manifest.c).
$(BUILD)/host/sdk/lib/manifest.o: sdk/lib/manifest.c $(HOST_FLAGS_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@

$(FTL_SPEC): $(addprefix $(BUILD)/host/tools/ftl-spec/,$(ftl-spec-src:.c=.o)) \
             $(BUILD)/host/sdk/lib/manifest.o
	$(call say,HOSTLD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(YAML_LIBS)

# ---------------------------------------------------------------------------
# initfs and the GRUB ISO

INITFS := $(BUILD)/initfs.tar
TEST_INITFS := $(BUILD)/test-initfs.tar
ISO := $(BUILD)/ftl.iso

# The boot manifest is the base system's specs, compiled; the kernel checks
# that it is there and the supervisor reads it. ftl-spec's -d rule makes it
# depend on every service.yaml it read.
BASE_SYSTEM := os/ftl.yaml
SPEC_SEARCH := -I apps -I os/services
$(BUILD)/initfs/boot.manifest: $(BASE_SYSTEM) $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -d $@.d -o $@ $(BASE_SYSTEM)
-include $(BUILD)/initfs/boot.manifest.d

# How programs are stripped as of the last build: rewritten when that
# changes, which repacks every initfs (each depends on PACK_STAMP).
PACK_STAMP := $(BUILD)/pack-flags.txt
ifneq ($(file <$(PACK_STAMP)),$(STRIP_PROGRAM))
$(shell mkdir -p $(BUILD))
$(file >$(PACK_STAMP),$(STRIP_PROGRAM))
endif

# $(call pack_initfs,ARCHIVE,FILES[,PLACED]): a ustar archive of the files
# (but PACK_STAMP and CONTROL_KEY), flat, its programs stripped; the FILES themselves are
# left as they are, so build/programs/NAME.elf and build/apps/NAME/NAME.elf
# keep their debug information. PLACED are PATH=FILE pairs: FILE packed at
# PATH (tls/cert.pem=build/tls/cert.pem).
define pack_initfs
	$(call say,TAR,$(1))
	$(Q)rm -rf $(1).d && mkdir -p $(1).d \
	    && cp $(filter-out $(PACK_STAMP) $(CONTROL_KEY),$(2)) $(1).d/
	$(foreach p,$(3),$(Q)mkdir -p $(dir $(1).d/$(firstword $(subst =, ,$(p)))) \
	    && cp $(lastword $(subst =, ,$(p))) $(1).d/$(firstword $(subst =, ,$(p)))
	)
	$(if $(filter %.elf,$(2)),$(Q)$(STRIP_PROGRAM) \
	    $(addprefix $(1).d/,$(notdir $(filter %.elf,$(2)))))
	$(Q)tar --format=ustar --owner=0 --group=0 --numeric-owner \
	    --mtime=@0 --sort=name -cf $(1) -C $(1).d .
	$(Q)rm -rf $(1).d
endef

# The control channel's key (docs/reference/control-protocol.md, "Keys"):
# 32 random bytes in hex, made once in build/control.key (mode 0600) and
# kept, packed as the file control.key (INITFS_KEY, a PLACED pair) into
# every system's initfs made here: make run's, the test systems'. Not into
# the SDK's probe initfs, which ships. A client: `ftl status --socket
# build/run/control.sock --key build/control.key` (docs/cli.md).
CONTROL_KEY := $(BUILD)/control.key
INITFS_KEY := control.key=$(CONTROL_KEY)
$(CONTROL_KEY):
	$(call say,KEY,$@)
	$(Q)mkdir -p $(@D) && (umask 077 && python3 -c \
	    'import os; print(os.getrandom(32).hex())' >$@.new) && mv $@.new $@

# The tls service's files (os/services/tls/service.yaml): a development CA
# and a certificate for localhost signed by it (scripts/dev-tls.sh), made
# once and kept in build/tls/; curl --cacert build/tls/ca.pem trusts it.
DEV_TLS := $(BUILD)/tls
DEV_TLS_FILES := $(DEV_TLS)/cert.pem $(DEV_TLS)/key.pem $(DEV_TLS)/ca.pem
INITFS_TLS := tls/cert.pem=$(DEV_TLS)/cert.pem tls/key.pem=$(DEV_TLS)/key.pem \
              tls/ca.pem=$(DEV_TLS)/ca.pem
$(DEV_TLS_FILES) &: scripts/dev-tls.sh
	$(call say,TLS,$(DEV_TLS))
	$(Q)scripts/dev-tls.sh $(DEV_TLS)

# The image holds what the base system runs: the supervisor and the
# programs its manifest names (its `binary` lines), not every example;
# make run INIT=FILE boots the test initfs, which has them all.
manifest_binaries = $(shell sed -n 's/^binary //p' $(1))
$(INITFS): $(BUILD)/initfs/boot.manifest $(INITFS_PROGRAMS) $(PACK_STAMP) \
           $(DEV_TLS_FILES) $(CONTROL_KEY)
	$(call pack_initfs,$@,$(BUILD)/initfs/boot.manifest $(filter \
	    %/supervisor.elf $(addprefix %/,$(call manifest_binaries, \
	    $(BUILD)/initfs/boot.manifest)),$(INITFS_PROGRAMS)),$(INITFS_TLS) \
	    $(INITFS_KEY))

$(TEST_INITFS): $(BUILD)/initfs/boot.manifest $(PROGRAMS) $(PACK_STAMP) \
                $(DEV_TLS_FILES) $(CONTROL_KEY)
	$(call pack_initfs,$@,$(filter-out $(DEV_TLS_FILES),$^),$(INITFS_TLS) \
	    $(INITFS_KEY))

include tests/supervisor/build.mk
include tests/net/build.mk
include tests/wasm/build.mk

# The image Google Compute Engine imports: disk.raw (the hybrid ISO as a
# disk, grown to 1 GiB, sparse) in an oldgnu tar.gz (docs/deploy/gce.md).
GCE_IMAGE := $(BUILD)/gce/ftl-gce.tar.gz
$(GCE_IMAGE): $(ISO) scripts/gce-image.sh
	$(call say,GCE,$@)
	$(Q)scripts/gce-image.sh $(ISO) $(@D) >/dev/null

include sdk/dist.mk

$(ISO): $(KERNEL_ELF) $(INITFS) os/boot/grub.cfg
	$(call say,ISO,$@)
	$(Q)rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	$(Q)cp $(KERNEL_ELF) $(INITFS) $(BUILD)/iso/boot/
	$(Q)cp os/boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso >$(BUILD)/grub-mkrescue.log 2>&1 \
	    || { cat $(BUILD)/grub-mkrescue.log; exit 1; }


# ---------------------------------------------------------------------------
# Host unit tests (Check), one binary per tests/unit/test_NAME.c

# A test may add prerequisites (unit-deps-NAME, e.g. fixture files),
# objects to link (unit-objs-NAME, third-party code built without our
# warnings), compiler flags (unit-cflags-NAME), host flags to leave out
# (unit-drop-cflags-NAME) and libraries (unit-libs-NAME).
unit-tests :=
include tests/unit/build.mk

UNIT_BINS := $(addprefix $(BUILD)/tests/unit/test_,$(unit-tests))

define unit_test_rule
$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c tests/unit/check_main.c \
                              $(unit-src-$(1)) $(unit-objs-$(1)) \
                              $(unit-deps-$(1)) $(HOST_FLAGS_STAMP)
	$$(call say,HOSTCC,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) \
	    $$(filter-out $(unit-drop-cflags-$(1)),$$(HOST_CFLAGS)) \
	    $(unit-cflags-$(1)) -DUNIT_SUITE=$(1) -o $$@ \
	    $$(filter %.c %.o,$$^) $$(CHECK_LIBS) $(unit-libs-$(1))
endef
$(foreach t,$(unit-tests),$(eval $(call unit_test_rule,$(t))))

# ---------------------------------------------------------------------------
# Fuzz targets (libFuzzer, Debian's clang), one binary per
# tests/fuzz/fuzz_NAME.c; tests/fuzz/run.sh runs them (docs/reliability.md).

fuzz-targets :=
include tests/fuzz/build.mk

FUZZ_CC := $(firstword $(shell command -v clang-14 clang 2>/dev/null) clang)
FUZZ_CFLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer $(WARNINGS) \
               -Isdk/include -DFTL_VERSION='"$(VERSION)"'
FUZZ_BINS := $(addprefix $(BUILD)/fuzz/fuzz_,$(fuzz-targets))

# Headers beside each source count as prerequisites (no -MMD: one command
# compiles several files).
define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(fuzz-src-$(1)) \
                         $(fuzz-objs-$(1)) \
                         $(wildcard $(addsuffix *.h,$(sort $(dir $(fuzz-src-$(1))))))
	$$(call say,FUZZCC,$$@)
	$$(Q)mkdir -p $$(@D) && $$(FUZZ_CC) $(fuzz-cflags-$(1)) $$(FUZZ_CFLAGS) \
	    -o $$@ $$(filter %.c %.o,$$^) $(fuzz-libs-$(1))
endef

# Third-party code a target links (fuzz-objs-NAME), instrumented the same
# way but not warned about.
$(BUILD)/fuzz/deps/http_parser.o: $(HTTP_PARSER_SRC)/http_parser.c
	$(call say,FUZZCC,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) $(FUZZ_CFLAGS) \
	    -fsanitize=fuzzer-no-link -w -c $< -o $@
$(BUILD)/fuzz/deps/cJSON.o: $(CJSON_SRC)/cJSON.c sdk/lib/build.mk
	$(call say,FUZZCC,$@)
	$(Q)mkdir -p $(@D) && $(FUZZ_CC) $(FUZZ_CFLAGS) $(CJSON_FLAGS) \
	    -fsanitize=fuzzer-no-link -w -c $< -o $@
$(foreach t,$(fuzz-targets),$(eval $(call fuzz_rule,$(t))))

# ---------------------------------------------------------------------------
# Public targets, after setup

.PHONY: do-all do-run do-test do-soak do-bench do-sdk do-sdk-libs do-docs
do-sdk-libs: do-deps $(LIBFTL) $(WASM_SDK_LIBS)

do-sdk: do-deps $(SDK_TARBALL) $(SDK_DBG_TARBALL) $(SDK_ROOT_DEBUG)
	@echo "SDK: $(SDK_TARBALL) ($(SDK_ROOT)/bin/ftl works in place)"
	@echo "SDK debug files: $(SDK_DBG_TARBALL)"

do-docs:
	$(call say,DOXYGEN,build/docs/sdk/html/index.html)
	$(Q)mkdir -p $(BUILD)/docs/sdk && doxygen docs/sdk/Doxyfile
	$(Q)if [ -s $(BUILD)/docs/sdk/warnings.log ]; then \
	    cat $(BUILD)/docs/sdk/warnings.log; fi

do-all: do-deps $(KERNEL_ELF) $(INITFS) $(TEST_INITFS) $(ISO) $(UNIT_BINS) \
        $(FTL_SPEC) $(SUPERVISOR_TEST_INITFS) $(GCE_IMAGE) $(SDK_TARBALL) \
        $(SDK_DBG_TARBALL) $(SDK_ROOT_DEBUG) $(NET_INITFS_ALL) \
        $(FTL_CLI_SANITIZED)

# The first process is the supervisor, which starts the services of
# os/ftl.yaml; INIT names another program to start alone instead
# (make run INIT=ping.elf).
INIT ?= supervisor.elf
RUN_INITFS = $(if $(filter supervisor.elf,$(INIT)),$(INITFS),$(TEST_INITFS))
do-run: $(KERNEL_ELF) $(INITFS) $(TEST_INITFS)
	$(Q)python3 scripts/ftlqemu.py run --kernel $(KERNEL_ELF) \
	    --initrd $(RUN_INITFS) --append "ftl.init=$(INIT)" \
	    --forward $(HOST_PORT):80 --forward $(HTTPS_HOST_PORT):443 \
	    --control-socket $(BUILD)/run/control.sock

# Another system of tests/net/build.mk or os/net.yaml (the network path
# alone): make run-net SYSTEM=echo PORT=7. HOST_PORT= moves the host side
# (for make run too).
SYSTEM ?= net
PORT ?= 80
HOST_PORT ?= 8080
HTTPS_HOST_PORT ?= 8443
.PHONY: run-net do-run-net
run-net: setup
	$(Q)$(MAKE) --no-print-directory do-run-net
do-run-net: $(KERNEL_ELF) $(BUILD)/systems/$(SYSTEM).tar
	$(Q)python3 scripts/ftlqemu.py run --kernel $(KERNEL_ELF) \
	    --initrd $(BUILD)/systems/$(SYSTEM).tar --forward $(HOST_PORT):$(PORT) \
	    --control-socket $(BUILD)/run/control.sock

do-test: do-all $(FUZZ_BINS)
	$(Q)tests/run-all.sh

do-soak: do-all
	$(Q)tests/qemu/soak.sh

# The fuzz targets alone, each for FTL_FUZZ_SECONDS (tests/fuzz/run.sh's
# default when not given): make fuzz FTL_FUZZ_SECONDS=600 [FUZZ="http_session tar"].
.PHONY: do-fuzz
do-fuzz: $(FUZZ_BINS)
	$(Q)$(if $(FTL_FUZZ_SECONDS),FTL_FUZZ_SECONDS=$(FTL_FUZZ_SECONDS)) \
	    tests/fuzz/run.sh $(FUZZ)

do-bench: do-all
	$(Q)bench/run-all.sh

# ---------------------------------------------------------------------------
# Editor and style support

compile_commands.json:
	$(Q)$(MAKE) --no-print-directory -Bn V=1 $(KERNEL_OBJS) $(UNIT_BINS) \
	    | python3 scripts/compile_commands.py > $@
	@echo "wrote $@"

format:
	$(Q)git ls-files '*.c' '*.h' | xargs clang-format -i

-include $(shell find $(BUILD)/os $(BUILD)/kernel $(BUILD)/tests $(BUILD)/sdk $(BUILD)/programs $(BUILD)/host $(BUILD)/sdk-host -type f -name '*.d' 2>/dev/null)
