# Example apps. Each folder builds with its own three-line Makefile and
# sdk/mk/service.mk, exactly as a user's service does; this only runs that
# make with the output under build/apps/NAME/ and packs the results into the
# initfs (and the test initfs, whose programs spawn them).
apps := hello ping pong kv tcp_echo http_server https_server udp_echo

.PHONY: FORCE
define app_rule
$(BUILD)/apps/$(1)/$(1).elf: $(LIBFTL) $(WASM_SDK_LIBS) FORCE
	$$(Q)$$(MAKE) --no-print-directory -C apps/$(1) FTL_SDK_UP_TO_DATE=1 \
	    SERVICE_OUT=$(abspath $(BUILD))/apps/$(1)
INITFS_PROGRAMS += $(BUILD)/apps/$(1)/$(1).elf
PROGRAMS += $(BUILD)/apps/$(1)/$(1).elf
endef
$(foreach a,$(apps),$(eval $(call app_rule,$(a))))

# The same sources built as WebAssembly services (isolation: wasm,
# docs/guides/wasm.md): NAME_wasm.elf beside NAME.elf.
wasm_apps := pong hello tcp_echo kv

define wasm_app_rule
$(BUILD)/apps/$(1)_wasm/$(1)_wasm.elf: $(LIBFTL) $(WASM_SDK_LIBS) FORCE
	$$(Q)$$(MAKE) --no-print-directory -C apps/$(1) FTL_SDK_UP_TO_DATE=1 \
	    SERVICE_ISOLATION=wasm SERVICE_NAME=$(1)_wasm \
	    SERVICE_OUT=$(abspath $(BUILD))/apps/$(1)_wasm
INITFS_PROGRAMS += $(BUILD)/apps/$(1)_wasm/$(1)_wasm.elf
PROGRAMS += $(BUILD)/apps/$(1)_wasm/$(1)_wasm.elf
endef
$(foreach a,$(wasm_apps),$(eval $(call wasm_app_rule,$(a))))
