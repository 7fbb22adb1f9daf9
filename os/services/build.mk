# The base's services that are not described by a spec: the supervisor,
# which reads the specs (as the compiled boot.manifest) and starts the rest.
$(eval $(call program,supervisor,$(addprefix os/services/supervisor/, \
    main.c service.c routing.c status.c)))
INITFS_PROGRAMS += $(BUILD)/programs/supervisor.elf
