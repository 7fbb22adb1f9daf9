# FTL top-level build.
#
# Public targets first run scripts/setup-host.sh (which installs missing
# Debian packages) and then re-enter make for the real work, so that
# everything below is evaluated with the host tools in place.
#
#   make            build everything (dependencies, kernel, initfs, ISO, tests)
#   make run        boot FTL in QEMU with the serial console on this terminal
#   make test       run every test suite; ends with "N passed, N failed"
#   make bench      run the benchmarks; prints "bench: NAME VALUE UNIT" lines
#   make deps       fetch and build third-party sources (cached in ~/.cache/ftl)
#   make clean      remove build/ and dist/
#   make compile_commands.json   for editors (clangd)
#   make format     clang-format every C file
#
# V=1 shows full commands. CI=true turns warnings into errors.

.DEFAULT_GOAL := all
SHELL := /bin/bash

VERSION := $(shell cat VERSION)
BUILD := build
V ?= 0

ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

PUBLIC_TARGETS := all run test bench deps

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
WARNINGS := -Wall -Wextra -Werror=implicit-function-declaration \
            -Werror=int-conversion -Werror=return-type -Werror=switch \
            -Werror=incompatible-pointer-types
ifeq ($(CI),true)
WARNINGS += -Werror
endif

KERNEL_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-pic -fno-pie \
                 -mcmodel=kernel -mno-red-zone -mgeneral-regs-only \
                 -fno-stack-protector -fno-omit-frame-pointer \
                 -fno-asynchronous-unwind-tables \
                 $(WARNINGS) -Ios/kernel -Isdk/include \
                 -DFTL_VERSION='"$(VERSION)"' -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 \
                  --no-warn-rwx-segments -T os/boot/kernel.ld

HOST_CFLAGS := -std=c11 -g -O1 -fsanitize=address,undefined \
               -fno-omit-frame-pointer $(WARNINGS) -Ios/kernel -Isdk/include \
               -Itests/unit -DFTL_VERSION='"$(VERSION)"' -MMD -MP
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

# ---------------------------------------------------------------------------
# Kernel

kernel-objs-y :=
include os/kernel/build.mk
include os/kernel/arch/x64/build.mk

KERNEL_ELF := $(BUILD)/ftl-kernel.elf
KERNEL_OBJS := $(addprefix $(BUILD)/os/kernel/,$(kernel-objs-y)) \
               $(BUILD)/kernel/sdk/error.o

$(BUILD)/os/kernel/%.o: os/kernel/%.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/os/kernel/%.o: os/kernel/%.S
	$(call say,AS,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/sdk/%.o: sdk/lib/%.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) os/boot/kernel.ld
	$(call say,LD,$@)
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

# ---------------------------------------------------------------------------
# initfs and the GRUB ISO

INITFS := $(BUILD)/initfs.tar
ISO := $(BUILD)/ftl.iso

# Until the spec compiler exists (issue 6), the manifest only names the
# version; the kernel checks that it is there.
$(BUILD)/initfs/boot.manifest: VERSION
	$(Q)mkdir -p $(@D)
	$(Q)printf '# FTL boot manifest\nversion %s\nservices 0\n' \
	    "$(VERSION)" > $@

$(INITFS): $(BUILD)/initfs/boot.manifest
	$(call say,TAR,$@)
	$(Q)tar --format=ustar --owner=0 --group=0 --numeric-owner \
	    --mtime=@0 --sort=name -cf $@ -C $(BUILD)/initfs boot.manifest

$(ISO): $(KERNEL_ELF) $(INITFS) os/boot/grub.cfg
	$(call say,ISO,$@)
	$(Q)rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	$(Q)cp $(KERNEL_ELF) $(INITFS) $(BUILD)/iso/boot/
	$(Q)cp os/boot/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/iso >$(BUILD)/grub-mkrescue.log 2>&1 \
	    || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# ---------------------------------------------------------------------------
# Third-party dependencies (scripts/fetch-deps.sh, deps.lock)

PICOLIBC_STAMP := $(BUILD)/picolibc/lib/libc.a

.PHONY: do-deps
do-deps:
	$(Q)scripts/fetch-deps.sh
	$(Q)scripts/build-picolibc.sh

# ---------------------------------------------------------------------------
# Host unit tests (Check), one binary per tests/unit/test_NAME.c

unit-tests :=
include tests/unit/build.mk

UNIT_BINS := $(addprefix $(BUILD)/tests/unit/test_,$(unit-tests))

define unit_test_rule
$(BUILD)/tests/unit/test_$(1): tests/unit/test_$(1).c tests/unit/check_main.c $(unit-src-$(1))
	$$(call say,HOSTCC,$$@)
	$$(Q)mkdir -p $$(@D) && $$(CC) $$(HOST_CFLAGS) -DUNIT_SUITE=$(1) \
	    -o $$@ $$(filter %.c,$$^) $$(CHECK_LIBS)
endef
$(foreach t,$(unit-tests),$(eval $(call unit_test_rule,$(t))))

# ---------------------------------------------------------------------------
# Public targets, after setup

.PHONY: do-all do-run do-test do-bench
do-all: do-deps $(KERNEL_ELF) $(INITFS) $(ISO) $(UNIT_BINS)

do-run: $(KERNEL_ELF) $(INITFS)
	$(Q)python3 scripts/ftlqemu.py run --kernel $(KERNEL_ELF) --initrd $(INITFS)

do-test: do-all
	$(Q)tests/run-all.sh

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

-include $(shell find $(BUILD)/os $(BUILD)/kernel $(BUILD)/tests -type f -name '*.d' 2>/dev/null)
