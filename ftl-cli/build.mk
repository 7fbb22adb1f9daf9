# The `ftl` command (docs/cli.md): one file per concept, one per command.
# Built by sdk/dist.mk into build/sdk-root/bin/ftl.
ftl-cli-src := main.c output.c text.c files.c proc.c sdk.c project.c \
               template.c spec.c image.c qemu.c session.c runcfg.c edit.c \
               route.c gdbinit.c initfs_tar.c record.c apply_bundle.c \
               cmd_new.c cmd_generate.c cmd_build.c cmd_run.c cmd_stop.c \
               cmd_dev.c cmd_test.c cmd_doctor.c gce.c gcloud.c gce_group.c \
               cmd_deploy.c \
               cmd_logs.c control.c control_transport.c control_options.c \
               cmd_status.c logs_local.c cmd_apply.c
