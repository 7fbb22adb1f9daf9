#!/usr/bin/env bash
# Packs a bootable FTL image the way Google Compute Engine imports one:
# a raw disk `disk.raw` that boots through GRUB from BIOS (the hybrid ISO
# grub-mkrescue writes has an MBR and boots as a disk), grown to a whole
# number of GiB without writing the zeros (sparse), in a gzip'd tar of the
# `oldgnu` format whose only member is disk.raw.
#
# Usage: scripts/gce-image.sh ISO OUTDIR
# Writes OUTDIR/disk.raw and OUTDIR/ftl-gce.tar.gz; prints both sizes.
set -euo pipefail

GIB=$((1024 * 1024 * 1024))

die() {
    echo "gce-image: $*" >&2
    exit 1
}

[[ $# -eq 2 ]] || die "usage: scripts/gce-image.sh ISO OUTDIR"
iso=$1
out=$2
[[ -f "$iso" ]] || die "$iso: no such image (run make first)"
mkdir -p "$out"

disk="$out/disk.raw"
cp --sparse=always "$iso" "$disk"
size=$(stat -c %s "$disk")
whole=$(((size + GIB - 1) / GIB * GIB))
truncate -s "$whole" "$disk"

# GNU tar: --format=oldgnu with -S stores the holes, as GCE's image
# import documents.
tar --format=oldgnu -Sczf "$out/ftl-gce.tar.gz" -C "$out" disk.raw

echo "gce-image: $disk ($((whole / GIB)) GiB, $(du -k "$disk" | cut -f1) KiB on disk)"
echo "gce-image: $out/ftl-gce.tar.gz ($(stat -c %s "$out/ftl-gce.tar.gz") bytes)"
