// The commands of `ftl`, one file each (cmd_NAME.c). Each gets its own
// argc/argv (argv[0] is the command's name), handles --help itself and
// returns an exit code (exitcode.h).
#pragma once

int cmd_new(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_dev(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_deploy(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_status(int argc, char **argv);
