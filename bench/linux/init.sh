#!/bin/sh
# /init of the Linux baseline's initramfs (bench/linux/build.sh packs it):
# gets a console, prints a start marker for the boot time, runs the
# benchmarks, whose `bench:` lines go to the serial console, and powers off;
# or, with `ftl.http` or `ftl.https` on the command line, serves HTTP and
# HTTPS (below).
# No `set -e`: a failing benchmark must still end in poweroff.

# The archive holds no /dev/console (building it needs no root), so the
# kernel started us without one: take it from devtmpfs.
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
echo "ftl-linux: init"
mount -t proc proc /proc
mount -t sysfs sysfs /sys

# ftl.http: the network baseline (bench/net_bench.py). Load virtio-net,
# take QEMU user networking's usual address, serve the index page until
# QEMU is killed. ftl.https (bench/tls_bench.py): the same, and the page
# over TLS on port 443 too.
if grep -qw -e ftl.http -e ftl.https /proc/cmdline; then
    for module in $(cat /lib/modules/order); do
        insmod /lib/modules/$module.ko || echo "ftl-linux: insmod $module failed"
    done
    ip link set lo up
    ip link set eth0 up
    ip addr add 10.0.2.15/24 dev eth0
    ip route add default via 10.0.2.2
    if grep -qw ftl.https /proc/cmdline; then
        /bin/http_server /www/index.html &
        echo "ftl-linux: https"
        exec /bin/https_server /etc/tls/cert.pem /etc/tls/key.pem \
            /www/index.html
    fi
    echo "ftl-linux: http"
    exec /bin/http_server /www/index.html
fi

if ! grep -qw ftl.probe /proc/cmdline; then
    /bin/syscall_bench || echo "ftl-linux: syscall_bench failed"
    /bin/pipe_bench || echo "ftl-linux: pipe_bench failed"
fi
echo "ftl-linux: done"
poweroff -f
