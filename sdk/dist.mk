# The SDK distribution: build/sdk-root/, laid out as the tarball
# dist/ftl-sdk-VERSION-x86_64-linux.tar.gz unpacks (docs/cli.md, "The
# SDK"), and its -dbg tarball (below). build/sdk-root/bin/ftl is also the
# `ftl` of the source tree: it finds its SDK from its own location, so both
# work the same way.
#
#   bin/       ftl and ftl-spec (host programs; ftl-spec needs libyaml)
#   base/      the prebuilt kernel, supervisor, GRUB configuration, the
#              probe initfs, dev-tls.sh (development certificates),
#              ftl_gdb.py (gdb commands for `ftl run --gdb`), and
#              services/NAME/ (spec and program) for every service a
#              project may list by name
#   include/   ftl/*.h, cJSON.h (cJSON is inside libftl.a), and libc/
#              (picolibc's headers)
#   lib/       libftl.a, picolibc's libc.a and libm.a; lib/wasm/ what a
#              service with `isolation: wasm` links (docs/guides/wasm.md):
#              the wasm32 libftl.a, the runtime libftl-wasm-rt.a, the
#              runtime's instance.c and instance.h (compiled against each
#              module's generated header), and include/wasm-rt.h, copied
#              from the build host's wabt package, the header the runtime
#              was compiled with
#   mk/        the make fragments of sdk/mk, plus layout.mk (installed layout)
#   templates/ what `ftl new` and `ftl generate` copy
#   docs/      the documentation
#
# Host programs here are built without sanitizers (unlike build/host/,
# which the unit tests use): they are what users run.
#
# The kernel and the programs of base/ are stripped (STRIP_KERNEL,
# STRIP_PROGRAM in the Makefile). Their unstripped twins, for gdb, are in
# dist/ftl-sdk-VERSION-x86_64-linux-dbg.tar.gz, which unpacks over the SDK's
# folder into debug/base/, with base/'s paths (docs/cli.md, "The SDK").
# The libraries keep their debug information: they are linked into a
# project's programs, whose unstripped files are the project's own.

SDK_ROOT := $(BUILD)/sdk-root
SDK_NAME := ftl-sdk-$(VERSION)-x86_64-linux
SDK_TARBALL := dist/$(SDK_NAME).tar.gz
SDK_HOST_CFLAGS := -std=c11 -O2 -g $(WARNINGS) -DFTL_VERSION='"$(VERSION)"' \
                   -MMD -MP -Isdk/include

# Services a project may name in its ftl.yaml without shipping them: the
# core network services of os/services and the example apps.
SDK_SERVICES := $(apps)
$(foreach a,$(apps),$(eval sdk-elf-$(a) := $(BUILD)/apps/$(a)/$(a).elf))
$(foreach a,$(apps),$(eval sdk-spec-$(a) := apps/$(a)/service.yaml))
base-services := virtio_net tcpip virtio_rng random tls control
SDK_SERVICES += $(base-services)
$(foreach s,$(base-services),\
    $(eval sdk-elf-$(s) := $(BUILD)/programs/$(s).elf))
$(foreach s,$(base-services),\
    $(eval sdk-spec-$(s) := os/services/$(s)/service.yaml))

ftl-cli-src :=
include ftl-cli/build.mk

# ftl uses POSIX and GNU calls (getdelim, vasprintf, pipe2) beside C11.
# It reads the supervisor's JSON with cJSON (build/deps, compiled in) and
# computes the control channel's MACs with OpenSSL's libcrypto (linked:
# libssl-dev to build, libcrypto3, on every Debian 12, to run).
$(BUILD)/sdk-host/ftl-cli/%.o: SDK_HOST_EXTRA := -D_GNU_SOURCE -I$(CJSON_SRC)
$(BUILD)/sdk-host/ftl-cli/%.o $(BUILD)/host/ftl-cli/%.o: | $(HTTP_DEPS_FETCHED)
FTL_CLI_LIBS := -lcrypto

# cJSON's own code is not ours to warn about.
$(BUILD)/sdk-host/deps/cJSON.o: $(CJSON_SRC)/cJSON.c sdk/lib/build.mk
	$(call say,HOSTCC,cjson/cJSON.c)
	$(Q)mkdir -p $(@D) && $(CC) -std=c11 -O2 -g $(CJSON_FLAGS) -w -c $< -o $@
# (The sanitized ftl's cJSON.o, build/host/deps/cJSON.o, is the unit
# tests': tests/unit/build.mk.)

$(BUILD)/sdk-host/%.o: %.c
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(SDK_HOST_CFLAGS) $(SDK_HOST_EXTRA) \
	    $(YAML_CFLAGS) -c $< -o $@

# ftl reads boot manifests with the SDK's own parser, as the supervisor does.
FTL_CLI_OBJS := $(addprefix $(BUILD)/sdk-host/ftl-cli/,$(ftl-cli-src:.c=.o)) \
                $(BUILD)/sdk-host/sdk/lib/manifest.o \
                $(BUILD)/sdk-host/deps/cJSON.o

$(SDK_ROOT)/bin/ftl: $(FTL_CLI_OBJS)
	$(call say,HOSTLD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -o $@ $^ $(FTL_CLI_LIBS)

# The same ftl built with the unit tests' sanitizers (HOST_CFLAGS), for
# the tests alone: tests/cli/cli_test.sh puts it, and build/host/ftl-spec,
# in place of the SDK's copies, so that every command the tests run is
# checked by ASan and UBSan while the SDK ships the plain -O2 build. Leak
# checks are off in it (tests/cli/sanitizer_options.c says why).
FTL_CLI_SANITIZED := $(BUILD)/host/ftl
# Without the kernel's include folder, whose sched.h would hide the C
# library's from OpenSSL's headers.
FTL_CLI_HOST_CFLAGS := $(filter-out -Ios/kernel,$(HOST_CFLAGS))
$(BUILD)/host/ftl-cli/%.o: ftl-cli/%.c $(HOST_FLAGS_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CLI_HOST_CFLAGS) -D_GNU_SOURCE \
	    $(YAML_CFLAGS) -I$(CJSON_SRC) -c $< -o $@

$(BUILD)/host/tests/cli/%.o: tests/cli/%.c $(HOST_FLAGS_STAMP)
	$(call say,HOSTCC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(HOST_CFLAGS) -c $< -o $@

$(FTL_CLI_SANITIZED): $(addprefix $(BUILD)/host/ftl-cli/,$(ftl-cli-src:.c=.o)) \
                      $(BUILD)/host/sdk/lib/manifest.o \
                      $(BUILD)/host/deps/cJSON.o \
                      $(BUILD)/host/tests/cli/sanitizer_options.o
	$(call say,HOSTLD,$@)
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $^ $(FTL_CLI_LIBS)

$(SDK_ROOT)/bin/ftl-spec: $(addprefix $(BUILD)/sdk-host/tools/ftl-spec/,$(ftl-spec-src:.c=.o)) \
                         $(BUILD)/sdk-host/sdk/lib/manifest.o
	$(call say,HOSTLD,$@)
	$(Q)mkdir -p $(@D) && $(CC) -o $@ $^ $(YAML_LIBS)

# The probe initfs: hello.elf alone, for `ftl.test ftl.init=hello.elf` boots
# that tell whether KVM really runs our kernel (ring 3 and syscall included).
$(SDK_ROOT)/base/probe-initfs.tar: $(BUILD)/apps/hello/hello.elf $(PACK_STAMP)
	$(Q)mkdir -p $(@D)
	$(call pack_initfs,$@,$^)

# Everything else is copied; one rule, remade whenever an input changes.
SDK_COPIED := $(KERNEL_ELF) $(BUILD)/programs/supervisor.elf os/boot/grub.cfg \
              scripts/dev-tls.sh scripts/ftl_gdb.py \
              $(LIBFTL) $(PICOLIBC_LIBC) $(wildcard sdk/include/ftl/*.h) \
              $(WASM_SDK_LIBS) $(WASM_RT_HEADER) $(WASM_RT_INSTANCE_SRC) \
              $(CJSON_SRC)/cJSON.h \
              $(wildcard sdk/mk/*.mk sdk/mk/*.sh) $(shell find templates docs -type f) \
              $(foreach s,$(SDK_SERVICES),$(sdk-elf-$(s)) $(sdk-spec-$(s)))

$(SDK_ROOT)/.copied: $(SDK_COPIED) sdk/dist.mk $(PACK_STAMP)
	$(call say,SDK,$(SDK_ROOT))
	$(Q)rm -rf $(addprefix $(SDK_ROOT)/,include lib mk templates docs \
	    base/services) && mkdir -p $(SDK_ROOT)/base/services \
	    $(SDK_ROOT)/include $(SDK_ROOT)/lib/wasm/include $(SDK_ROOT)/mk
	$(Q)cp $(KERNEL_ELF) $(BUILD)/programs/supervisor.elf os/boot/grub.cfg \
	    scripts/dev-tls.sh scripts/ftl_gdb.py $(SDK_ROOT)/base/
	$(Q)$(foreach s,$(SDK_SERVICES),mkdir -p $(SDK_ROOT)/base/services/$(s) \
	    && cp $(sdk-elf-$(s)) $(sdk-spec-$(s)) $(SDK_ROOT)/base/services/$(s)/ &&) :
	$(Q)$(STRIP_PROGRAM) $(SDK_ROOT)/base/supervisor.elf $(foreach s, \
	    $(SDK_SERVICES),$(SDK_ROOT)/base/services/$(s)/$(s).elf)
	$(Q)cp -r sdk/include/ftl $(SDK_ROOT)/include/
	$(Q)cp $(CJSON_SRC)/cJSON.h $(SDK_ROOT)/include/
	$(Q)cp -r $(FTL_PICOLIBC)/include $(SDK_ROOT)/include/libc
	$(Q)cp $(LIBFTL) $(PICOLIBC_LIBC) $(dir $(PICOLIBC_LIBC))libm.a \
	    $(SDK_ROOT)/lib/
	$(Q)cp $(WASM_SDK_LIBS) $(WASM_RT_INSTANCE_SRC) $(SDK_ROOT)/lib/wasm/
	$(Q)cp -L $(WASM_RT_HEADER) $(SDK_ROOT)/lib/wasm/include/
	$(Q)cp sdk/mk/*.mk sdk/mk/*.sh $(SDK_ROOT)/mk/
	$(Q)printf '%s\n' \
	    '# An installed FTL SDK (written by make sdk): everything is prebuilt.' \
	    'FTL_INCLUDE := $$(FTL_SDK)/include' \
	    'FTL_PICOLIBC_INCLUDE := $$(FTL_SDK)/include/libc' \
	    'FTL_PICOLIBC_LIBC := $$(FTL_SDK)/lib/libc.a' \
	    'FTL_LIBFTL := $$(FTL_SDK)/lib/libftl.a' \
	    'FTL_CJSON_INCLUDE := $$(FTL_SDK)/include' \
	    'FTL_WASM_LIBFTL := $$(FTL_SDK)/lib/wasm/libftl.a' \
	    'FTL_WASM_RT := $$(FTL_SDK)/lib/wasm/libftl-wasm-rt.a' \
	    'FTL_WASM_RT_SRC := $$(FTL_SDK)/lib/wasm' \
	    'FTL_WASM_RT_INCLUDE := $$(FTL_SDK)/lib/wasm/include' \
	    'FTL_WASM2C_VERSION := $(WASM2C_VERSION)' \
	    'FTL_SDK_UP_TO_DATE := 1' > $(SDK_ROOT)/mk/layout.mk
	$(Q)cp -r templates docs $(SDK_ROOT)/
	$(Q)echo $(VERSION) > $(SDK_ROOT)/VERSION
	$(Q)touch $@

SDK_FILES := $(SDK_ROOT)/.copied $(SDK_ROOT)/bin/ftl $(SDK_ROOT)/bin/ftl-spec \
             $(SDK_ROOT)/base/probe-initfs.tar

# After debug/ is in place (order only): tar reads the folder that copy
# writes into, and fails on a folder that changes while it reads.
$(SDK_TARBALL): $(SDK_FILES) | $(SDK_ROOT)/debug/.copied
	$(call say,TAR,$@)
	$(Q)mkdir -p dist && tar --owner=0 --group=0 --numeric-owner \
	    --exclude=.copied --exclude=./debug \
	    --transform 's,^\.,$(SDK_NAME),' --sort=name \
	    -czf $@ -C $(SDK_ROOT) .

# The -dbg tarball: the unstripped kernel, supervisor and services, staged
# in build/sdk-dbg/ as debug/base/ with the paths they have in base/.
SDK_DBG_TARBALL := dist/$(SDK_NAME)-dbg.tar.gz
SDK_DBG_ROOT := $(BUILD)/sdk-dbg
SDK_DBG_BASE := $(SDK_DBG_ROOT)/debug/base

$(SDK_DBG_TARBALL): $(KERNEL_DEBUG_ELF) $(BUILD)/programs/supervisor.elf \
                    $(foreach s,$(SDK_SERVICES),$(sdk-elf-$(s))) sdk/dist.mk
	$(call say,TAR,$@)
	$(Q)rm -rf $(SDK_DBG_ROOT) && mkdir -p $(SDK_DBG_BASE)
	$(Q)cp $(KERNEL_DEBUG_ELF) $(SDK_DBG_BASE)/ftl-kernel.elf
	$(Q)cp $(BUILD)/programs/supervisor.elf $(SDK_DBG_BASE)/
	$(Q)$(foreach s,$(SDK_SERVICES),mkdir -p $(SDK_DBG_BASE)/services/$(s) \
	    && cp $(sdk-elf-$(s)) $(SDK_DBG_BASE)/services/$(s)/ &&) :
	$(Q)mkdir -p dist && tar --owner=0 --group=0 --numeric-owner \
	    --transform 's,^\.,$(SDK_NAME),' --sort=name \
	    -czf $@ -C $(SDK_DBG_ROOT) .

# The source tree's SDK also holds the -dbg tarball's files, as if it had
# been unpacked over it, so that build/sdk-root/bin/ftl run --gdb finds
# them (docs/guides/debugging.md); the SDK tarball leaves debug/ out.
SDK_ROOT_DEBUG := $(SDK_ROOT)/debug/.copied
$(SDK_ROOT_DEBUG): $(SDK_DBG_TARBALL)
	$(Q)rm -rf $(SDK_ROOT)/debug && cp -r $(SDK_DBG_ROOT)/debug $(SDK_ROOT)/ \
	    && touch $@

.PHONY: sdk-root
sdk-root: $(SDK_FILES)
