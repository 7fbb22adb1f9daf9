#!/usr/bin/env python3
"""The Google Compute Engine image (scripts/gce-image.sh, built by make as
build/gce/ftl-gce.tar.gz): the archive has the form GCE's image import
requires, and the disk in it boots the way a GCE instance boots it:
SeaBIOS, the disk on virtio-scsi, a virtio-net card, the console on the
first serial port; its HTTP server then answers through a port forwarded
from 127.0.0.1."""

import gzip
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

from testlib import check, free_port, run_suite
from ftlqemu import BUILD, Guest, net_args

ARCHIVE = os.path.join(BUILD, "gce", "ftl-gce.tar.gz")
GIB = 1024 ** 3
OLDGNU_MAGIC = b"ustar  \x00"  # GNU's pre-POSIX header, offset 257
BOOT_TIMEOUT_S = 120


def archive_is_an_oldgnu_tar_of_one_disk_raw():
    with gzip.open(ARCHIVE) as raw:
        header = raw.read(512)
    check(header[257:265] == OLDGNU_MAGIC,
          "first header magic %r, not oldgnu" % header[257:265])
    with tarfile.open(ARCHIVE, "r:gz") as tar:
        members = tar.getmembers()
    check([m.name for m in members] == ["disk.raw"],
          "members: %s" % [m.name for m in members])
    size = members[0].size
    check(size > 0 and size % GIB == 0, "disk.raw is %d bytes" % size)


def disk_boots_as_on_gce():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["tar", "-xzf", ARCHIVE, "-C", d], check=True)
        disk = os.path.join(d, "disk.raw")
        port = free_port()
        with Guest("gce_disk", {"scsi_disk": disk},
                   extra=net_args([(port, 80)])) as g:
            g.wait_for(rb"boot path: multiboot2", BOOT_TIMEOUT_S)
            g.wait_for(rb"system ready: \d+ services running", BOOT_TIMEOUT_S)
            g.wait_for(rb"\[tcpip\] info: listening on port 80", BOOT_TIMEOUT_S)
            status = http_status("http://127.0.0.1:%d/" % port)
            check(status == 200, "GET / gave %s" % status)


def http_status(url, tries=20):
    """The status of GET url, retried while the guest's address comes up."""
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            time.sleep(0.5)
    return None


TESTS = [archive_is_an_oldgnu_tar_of_one_disk_raw, disk_boots_as_on_gce]

if __name__ == "__main__":
    sys.exit(run_suite("gce", TESTS))
