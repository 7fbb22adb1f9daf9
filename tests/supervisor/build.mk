# The supervisor's test system: its programs and an initfs whose
# boot.manifest is tests/supervisor/ftl.yaml compiled (with the test
# services' specs, then the apps'). Booted by tests/qemu/supervisor_test.py.
$(eval $(call program,sv_check,tests/supervisor/check.c tests/os/suite.c))
$(eval $(call program,sv_driver,tests/supervisor/driver.c))
$(eval $(call program,sv_logs,tests/supervisor/logs_check.c tests/os/suite.c))
$(eval $(call program,sv_logger,tests/supervisor/logger.c))

SUPERVISOR_TEST_INITFS := $(BUILD)/supervisor-test-initfs.tar
SUPERVISOR_TEST_MANIFEST := $(BUILD)/supervisor-test/boot.manifest

$(SUPERVISOR_TEST_MANIFEST): tests/supervisor/ftl.yaml $(FTL_SPEC)
	$(call say,SPEC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FTL_SPEC) compile -I tests/supervisor/services -I apps -d $@.d \
	    -o $@ tests/supervisor/ftl.yaml
-include $(SUPERVISOR_TEST_MANIFEST).d

# The file sv_check is granted (check.c knows its pattern).
SUPERVISOR_GRANT := $(BUILD)/supervisor-test/grant.txt
$(SUPERVISOR_GRANT): tests/supervisor/build.mk
	$(Q)mkdir -p $(@D) && for i in $$(seq 640); do printf 0123456789abcdef; \
	    done >$@

$(SUPERVISOR_TEST_INITFS): $(SUPERVISOR_TEST_MANIFEST) $(PROGRAMS) \
                           $(PACK_STAMP) $(SUPERVISOR_GRANT) $(CONTROL_KEY)
	$(call pack_initfs,$@,$(filter-out $(SUPERVISOR_GRANT),$^), \
	    fixtures/grant.txt=$(SUPERVISOR_GRANT) $(INITFS_KEY))
