# Network systems: an initfs per system file, holding its compiled
# boot.manifest, every program of the base, the tls service's
# development files and the control key (Makefile, CONTROL_KEY). os/net.yaml is what
# `make run-net` boots; tests/net/*.yaml are the systems of
# tests/qemu/net_test.py and netns_test.py.
NET_SYSTEMS := net:os/net.yaml http:tests/net/http.yaml \
               echo:tests/net/echo.yaml static:tests/net/static.yaml \
               udp:tests/net/udp.yaml kernel:tests/net/kernel.yaml \
               many:tests/net/many.yaml limit:tests/net/limit.yaml \
               https:tests/net/https.yaml echo_wasm:tests/net/echo_wasm.yaml

# $(call net_system,NAME,YAML): $(BUILD)/systems/NAME.tar
define net_system
$(BUILD)/systems/$(1)/boot.manifest: $(2) $(FTL_SPEC)
	$$(call say,SPEC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -d $$@.d -o $$@ $(2)
-include $(BUILD)/systems/$(1)/boot.manifest.d
$(BUILD)/systems/$(1).tar: $(BUILD)/systems/$(1)/boot.manifest $(INITFS_PROGRAMS) \
                           $(PACK_STAMP) $(DEV_TLS_FILES) $(CONTROL_KEY)
	$$(call pack_initfs,$$@,$$(filter-out $(DEV_TLS_FILES),$$^),$(INITFS_TLS) \
	    $(INITFS_KEY))
NET_INITFS_ALL += $(BUILD)/systems/$(1).tar
endef
NET_INITFS_ALL :=
$(foreach s,$(NET_SYSTEMS),$(eval $(call net_system,$(word 1,$(subst :, ,$(s))),$(word 2,$(subst :, ,$(s))))))
NET_INITFS := $(BUILD)/systems/net.tar

# $(call net_test_system,NAME,PROGRAMS[,tls[,FILES]]):
# $(BUILD)/systems/NAME.tar, the system tests/net/NAME.yaml (its services
# may come from tests/net/services) with the test programs PROGRAMS beside
# the base's, the tls service's development files when the third argument
# is given, and the program files FILES (paths) as well.
define net_test_system
$(BUILD)/systems/$(1)/boot.manifest: tests/net/$(1).yaml $(FTL_SPEC)
	$$(call say,SPEC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -I tests/net/services -d $$@.d \
	    -o $$@ tests/net/$(1).yaml
-include $(BUILD)/systems/$(1)/boot.manifest.d
$(BUILD)/systems/$(1).tar: $(BUILD)/systems/$(1)/boot.manifest \
                           $(INITFS_PROGRAMS) \
                           $(foreach p,$(2),$(BUILD)/programs/$(p).elf) \
                           $(4) \
                           $(PACK_STAMP) $(if $(3),$(DEV_TLS_FILES)) \
                           $(CONTROL_KEY)
	$$(call pack_initfs,$$@,$$(filter-out $(DEV_TLS_FILES),$$^),$(if \
	    $(3),$(INITFS_TLS)) $(INITFS_KEY))
NET_INITFS_ALL += $(BUILD)/systems/$(1).tar
endef

# The restart system also holds net_chaos, a test program (tests/net/chaos.c).
$(eval $(call program,net_chaos,tests/net/chaos.c))
$(eval $(call net_test_system,restart,net_chaos))

# The fetch system also holds tls_fetch, an HTTPS client (tests/net/tls_fetch.c).
$(eval $(call program,tls_fetch,tests/net/tls_fetch.c))
$(eval $(call net_test_system,fetch,tls_fetch,tls))

# The http_client system also holds http_fetch, which calls http_server
# over the loopback interface with ftl/http_client.h (tests/net/http_fetch.c,
# tests/qemu/http_client_test.py).
$(eval $(call program,http_fetch,tests/net/http_fetch.c))
$(eval $(call net_test_system,http_client,http_fetch,tls))

# The hostile system also holds hostile, the attacks of
# tests/qemu/reliability_test.py (tests/net/hostile.c).
$(eval $(call program,hostile,tests/net/hostile.c))
$(eval $(call net_test_system,hostile,hostile))

# The IPC fuzzer's systems (tests/qemu/ipc_fuzz_test.py) and the fault
# injection system (tests/qemu/faults_test.py).
$(eval $(call program,ipc_fuzz,tests/net/ipc_fuzz.c))
$(eval $(call program,faults,tests/net/faults.c))
$(eval $(call net_test_system,ipc_fuzz,ipc_fuzz))
$(eval $(call net_test_system,ipc_fuzz_link,ipc_fuzz))
$(eval $(call net_test_system,faults,faults))

# make soak's system (tests/qemu/soak_test.py): the HTTP path and kv with
# the IPC fuzzer and the fault injector at once.
$(eval $(call net_test_system,soak,ipc_fuzz faults))

# tests/qemu/http_api_test.py's system: a routed JSON API on ftl/http.h
# (tests/net/http_api.c), which includes cJSON.h from build/deps.
$(eval $(call program,http_api,tests/net/http_api.c))
$(BUILD)/programs/tests/net/http_api.o: $(HTTP_DEPS_FETCHED)
$(BUILD)/programs/tests/net/http_api.o: PROGRAM_CFLAGS += -I$(CJSON_SRC)
$(eval $(call net_test_system,http_api,http_api))

# The same service built as WebAssembly (isolation: wasm), for the suite's
# wasm run (FTL_HTTP_API_ISOLATION=wasm): tests/os/wasm's Makefile, with
# tests/net as the folder its sources come from.
HTTP_API_WASM := $(BUILD)/tests/net/http_api_wasm/http_api_wasm.elf
$(HTTP_API_WASM): $(LIBFTL) $(WASM_SDK_LIBS) $(HTTP_DEPS_FETCHED) FORCE
	$(Q)$(MAKE) --no-print-directory -C tests/os/wasm FTL_SDK_UP_TO_DATE=1 \
	    VPATH=$(abspath tests/net) SERVICE_NAME=http_api_wasm \
	    SERVICE_SRCS=http_api.c \
	    SERVICE_OUT=$(abspath $(BUILD))/tests/net/http_api_wasm
$(eval $(call net_test_system,http_api_wasm,,,$(HTTP_API_WASM)))

# The control system (tests/net/control.yaml), with the tree's control key
# (Makefile, CONTROL_KEY), which tests/qemu/control_test.py reads.
$(BUILD)/systems/control/boot.manifest: tests/net/control.yaml $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -d $@.d -o $@ tests/net/control.yaml
-include $(BUILD)/systems/control/boot.manifest.d
$(BUILD)/systems/control.tar: $(BUILD)/systems/control/boot.manifest \
                              $(INITFS_PROGRAMS) $(PACK_STAMP) $(CONTROL_KEY)
	$(call pack_initfs,$@,$^,$(INITFS_KEY))
NET_INITFS_ALL += $(BUILD)/systems/control.tar

# The manifest tests/qemu/control_test.py applies (tests/net/control_applied.yaml):
# compiled only, sent in a bundle.
$(BUILD)/systems/control_applied/boot.manifest: tests/net/control_applied.yaml $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile $(SPEC_SEARCH) -d $@.d -o $@ tests/net/control_applied.yaml
-include $(BUILD)/systems/control_applied/boot.manifest.d
NET_INITFS_ALL += $(BUILD)/systems/control_applied/boot.manifest
