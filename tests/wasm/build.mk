# WebAssembly tests (issue 20, docs/guides/wasm.md): hostile_wasm, a module
# built with sdk/mk/service.mk like a user's wasm service, and the system
# of tests/qemu/wasm_test.py (tests/net/wasm.yaml), which also holds
# pong_wasm.elf (apps/build.mk) from the base's programs.
HOSTILE_WASM := $(BUILD)/tests/wasm/hostile/hostile_wasm.elf
$(HOSTILE_WASM): $(LIBFTL) $(WASM_SDK_LIBS) FORCE
	$(Q)$(MAKE) --no-print-directory -C tests/wasm/hostile \
	    FTL_SDK_UP_TO_DATE=1 SERVICE_OUT=$(abspath $(@D))
PROGRAMS += $(HOSTILE_WASM)

$(BUILD)/systems/wasm/boot.manifest: tests/net/wasm.yaml $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -I tests/net/services -d $@.d \
	    -o $@ tests/net/wasm.yaml
-include $(BUILD)/systems/wasm/boot.manifest.d
$(BUILD)/systems/wasm.tar: $(BUILD)/systems/wasm/boot.manifest \
                           $(INITFS_PROGRAMS) $(HOSTILE_WASM) $(PACK_STAMP) \
                           $(CONTROL_KEY)
	$(call pack_initfs,$@,$^,$(INITFS_KEY))
NET_INITFS_ALL += $(BUILD)/systems/wasm.tar
