#!/bin/sh
# /init of the Linux baseline's initramfs (bench/linux/build.sh packs it):
# gets a console, prints a start marker for the boot time, runs the
# benchmarks, whose `bench:` lines go to the serial console, and powers off.
# No `set -e`: a failing benchmark must still end in poweroff.

# The archive holds no /dev/console (building it needs no root), so the
# kernel started us without one: take it from devtmpfs.
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
echo "ftl-linux: init"
mount -t proc proc /proc
mount -t sysfs sysfs /sys

if ! grep -qw ftl.probe /proc/cmdline; then
    /bin/syscall_bench || echo "ftl-linux: syscall_bench failed"
    /bin/pipe_bench || echo "ftl-linux: pipe_bench failed"
fi
echo "ftl-linux: done"
poweroff -f
