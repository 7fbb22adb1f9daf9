# Example apps. Until `sdk/mk/service.mk` (issue 5) they are built by the
# top Makefile's program rule.
$(eval $(call program,hello,apps/hello/main.c))
INITFS_PROGRAMS += $(BUILD)/programs/hello.elf
