# Example apps. Each folder builds with its own three-line Makefile and
# sdk/mk/service.mk, exactly as a user's service does; this only runs that
# make with the output under build/apps/NAME/ and packs the results into the
# initfs (and the test initfs, whose programs spawn them).
apps := hello ping pong kv tcp_echo http_server https_server udp_echo

.PHONY: FORCE
define app_rule
$(BUILD)/apps/$(1)/$(1).elf: $(LIBFTL) FORCE
	$$(Q)$$(MAKE) --no-print-directory -C apps/$(1) FTL_SDK_UP_TO_DATE=1 \
	    SERVICE_OUT=$(abspath $(BUILD))/apps/$(1)
INITFS_PROGRAMS += $(BUILD)/apps/$(1)/$(1).elf
PROGRAMS += $(BUILD)/apps/$(1)/$(1).elf
endef
$(foreach a,$(apps),$(eval $(call app_rule,$(a))))
