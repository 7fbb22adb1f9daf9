# Network systems: an initfs per system file, holding its compiled
# boot.manifest, every program of the base and the tls service's
# development files. os/net.yaml is what
# `make run-net` boots; tests/net/*.yaml are the systems of
# tests/qemu/net_test.py and netns_test.py.
NET_SYSTEMS := net:os/net.yaml http:tests/net/http.yaml \
               echo:tests/net/echo.yaml static:tests/net/static.yaml \
               udp:tests/net/udp.yaml kernel:tests/net/kernel.yaml \
               many:tests/net/many.yaml limit:tests/net/limit.yaml \
               https:tests/net/https.yaml

# $(call net_system,NAME,YAML): $(BUILD)/systems/NAME.tar
define net_system
$(BUILD)/systems/$(1)/boot.manifest: $(2) $(FTL_SPEC)
	$$(call say,SPEC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -d $$@.d -o $$@ $(2)
-include $(BUILD)/systems/$(1)/boot.manifest.d
$(BUILD)/systems/$(1).tar: $(BUILD)/systems/$(1)/boot.manifest $(INITFS_PROGRAMS) \
                           $(PACK_STAMP) $(DEV_TLS_FILES)
	$$(call pack_initfs,$$@,$$(filter-out $(DEV_TLS_FILES),$$^),$(INITFS_TLS))
NET_INITFS_ALL += $(BUILD)/systems/$(1).tar
endef
NET_INITFS_ALL :=
$(foreach s,$(NET_SYSTEMS),$(eval $(call net_system,$(word 1,$(subst :, ,$(s))),$(word 2,$(subst :, ,$(s))))))
NET_INITFS := $(BUILD)/systems/net.tar

# $(call test_system,NAME,YAML,PROGRAMS): $(BUILD)/systems/NAME.tar, a
# system whose specs may name the test services of tests/net/services and
# whose initfs also holds PROGRAMS (build/programs/NAME.elf).
define test_system
$(BUILD)/systems/$(1)/boot.manifest: $(2) $(FTL_SPEC)
	$$(call say,SPEC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -I tests/net/services \
	    -d $$@.d -o $$@ $(2)
-include $(BUILD)/systems/$(1)/boot.manifest.d
$(BUILD)/systems/$(1).tar: $(BUILD)/systems/$(1)/boot.manifest \
                           $(INITFS_PROGRAMS) \
                           $(foreach p,$(3),$(BUILD)/programs/$(p).elf) \
                           $(PACK_STAMP)
	$$(call pack_initfs,$$@,$$^)
NET_INITFS_ALL += $(BUILD)/systems/$(1).tar
endef

# The restart system also holds net_chaos, a test program (tests/net/chaos.c).
$(eval $(call program,net_chaos,tests/net/chaos.c))
$(eval $(call test_system,restart,tests/net/restart.yaml,net_chaos))

# The fetch system also holds tls_fetch, an HTTPS client (tests/net/tls_fetch.c).
$(eval $(call program,tls_fetch,tests/net/tls_fetch.c))
$(BUILD)/systems/fetch/boot.manifest: tests/net/fetch.yaml $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -I tests/net/services -d $@.d \
	    -o $@ tests/net/fetch.yaml
-include $(BUILD)/systems/fetch/boot.manifest.d
$(BUILD)/systems/fetch.tar: $(BUILD)/systems/fetch/boot.manifest \
                            $(INITFS_PROGRAMS) $(BUILD)/programs/tls_fetch.elf \
                            $(PACK_STAMP) $(DEV_TLS_FILES)
	$(call pack_initfs,$@,$(filter-out $(DEV_TLS_FILES),$^),$(INITFS_TLS))
NET_INITFS_ALL += $(BUILD)/systems/fetch.tar

# The hostile system also holds hostile, the attacks of
# tests/qemu/reliability_test.py (tests/net/hostile.c).
$(eval $(call program,hostile,tests/net/hostile.c))
$(eval $(call test_system,hostile,tests/net/hostile.yaml,hostile))

# The IPC fuzzer's systems (tests/qemu/ipc_fuzz_test.py) and the fault
# injection system (tests/qemu/faults_test.py).
$(eval $(call program,ipc_fuzz,tests/net/ipc_fuzz.c))
$(eval $(call program,faults,tests/net/faults.c))
$(eval $(call test_system,ipc_fuzz,tests/net/ipc_fuzz.yaml,ipc_fuzz))
$(eval $(call test_system,ipc_fuzz_link,tests/net/ipc_fuzz_link.yaml,ipc_fuzz))
$(eval $(call test_system,faults,tests/net/faults.yaml,faults))
