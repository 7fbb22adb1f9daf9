#!/usr/bin/env bash
# What boots and what ships is stripped; what gdb reads stays in build/.
# On the outputs of `make all`:
#   - every ELF in an initfs (build/*.tar, build/systems/*.tar, the SDK's
#     probe initfs) has no debug sections and no symbol table;
#   - the booted kernel, build/ftl-kernel.elf, has no debug sections but
#     keeps its symbol table (nm and objdump on the booted kernel);
#   - the SDK tarball's prebuilt kernel, supervisor and services are
#     stripped the same way;
#   - the unstripped files are kept: build/ftl-kernel.debug.elf, each
#     program's build/programs/NAME.elf or build/apps/NAME/NAME.elf, and
#     the SDK's -dbg tarball, each loading exactly as its stripped copy.
#
# Usage: tests/host/strip_test.sh   (prints "ok NAME" / "FAIL NAME: why"
#                                    and ends with "strip: N passed, N failed")
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$ROOT/build"
SDK_NAME="ftl-sdk-$(cat "$ROOT/VERSION")-x86_64-linux"
SDK_TARBALL="$ROOT/dist/$SDK_NAME.tar.gz"
SDK_DBG_TARBALL="$ROOT/dist/$SDK_NAME-dbg.tar.gz"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=tests/host/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# elves DIR: the ELF files under DIR, one a line.
elves() {
    local f magic
    while IFS= read -r f; do
        IFS= read -r -n 4 magic <"$f"
        [[ "$magic" == $'\x7fELF' ]] && echo "$f"
    done < <(find "$1" -type f | sort)
}

# sections FILE...: "FILE SECTION" for every section of every file (one
# readelf for them all: this suite reads a few hundred files).
sections() {
    readelf -SW "$@" | awk -v only="$([[ $# -eq 1 ]] && echo "$1")" '
        BEGIN { file = only }
        /^File: / { file = substr($0, 7); next }
        match($0, /^ *\[ *[0-9]+\] +[^ ]+/) {
            name = substr($0, RSTART, RLENGTH)
            sub(/^ *\[ *[0-9]+\] +/, "", name)
            print file, name
        }'
}

# unstripped FILE...: why not, for each file that has debug sections
# (.debug_*, compressed .zdebug_*) or, unless KEEP_SYMTAB is set, a symbol
# table. Programs need neither: the loader reads the dynamic section's
# tables, which are loaded and so never stripped.
unstripped() {
    sections "$@" | awk -v keep="${KEEP_SYMTAB:-}" '
        $2 ~ /^\.z?debug_/ { debug[$1]++ }
        $2 == ".symtab" && keep == "" { symtab[$1] = 1 }
        END {
            for (f in debug) print f " has " debug[f] " debug sections"
            for (f in symtab) if (!(f in debug)) print f " has .symtab"
        }' | sort
}

# twins STRIPPED UNSTRIPPED [STRIPPED UNSTRIPPED...]: why not, for each
# pair whose UNSTRIPPED is missing, has no debug information, or does not
# load exactly as STRIPPED does (the same program headers and the same
# bytes in every loaded segment).
twins() {
    python3 -c '
import os
import struct
import sys


def segments(data):
    # Where the section headers are is in the ELF header, which the first
    # segment may load; it is all that stripping changes there.
    data = bytearray(data)
    data[0x28:0x30] = bytes(8)  # e_shoff
    data[0x3c:0x40] = bytes(4)  # e_shnum, e_shstrndx
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    out = []
    for i in range(phnum):
        kind, flags, off, vaddr, _, filesz, memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        out.append((kind, flags, vaddr, memsz,
                    data[off:off + filesz] if kind == 1 else b""))
    return out


def section_names(data):
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    strings = headers[shstrndx][4]
    return {data[strings + h[0]:data.index(b"\0", strings + h[0])].decode()
            for h in headers}


for stripped, full in zip(sys.argv[1::2], sys.argv[2::2]):
    if not os.path.isfile(full):
        print("no %s" % full)
        continue
    data = open(full, "rb").read()
    if ".debug_info" not in section_names(data):
        print("%s has no .debug_info" % full)
    elif segments(open(stripped, "rb").read()) != segments(data):
        print("%s is not what %s was stripped from"
              % (full, os.path.basename(stripped)))
' "$@"
}

# unpack ARCHIVE: its files in a fresh folder, whose name it prints.
unpack() {
    local dir
    dir="$(mktemp -d "$TMP/unpack.XXXXXX")"
    tar -xf "$1" -C "$dir" && echo "$dir"
}

# initfs_is_stripped ARCHIVE: why not, for the ELF files in it.
initfs_is_stripped() {
    local dir files
    dir="$(unpack "$1")" || { echo "cannot unpack $1"; return; }
    mapfile -t files < <(elves "$dir")
    [[ ${#files[@]} -gt 0 ]] || { echo "no ELF files in it"; return; }
    unstripped "${files[@]}" | sed "s,$dir/,,"
}

booted_kernel_is_stripped_but_keeps_its_symbols() {
    local k="$BUILD/ftl-kernel.elf"
    KEEP_SYMTAB=1 unstripped "$k"
    sections "$k" | grep -q ' \.symtab$' || echo "$k has no .symtab"
}

unstripped_kernel_is_kept() {
    twins "$BUILD/ftl-kernel.elf" "$BUILD/ftl-kernel.debug.elf"
}

# Each program of the initfs archives against the build output it was
# stripped from: build/programs/NAME.elf, build/tests/os/NAME/NAME.elf (the
# wasm builds of test programs) or build/apps/NAME/NAME.elf.
unstripped_programs_stay_in_build() {
    local archive dir f name pairs=()
    for archive in "$BUILD/initfs.tar" "$BUILD/test-initfs.tar"; do
        dir="$(unpack "$archive")" || { echo "cannot unpack $archive"; return; }
        for f in "$dir"/*.elf; do
            name="$(basename "$f")"
            if [[ -f "$BUILD/programs/$name" ]]; then
                pairs+=("$f" "$BUILD/programs/$name")
            elif [[ -f "$BUILD/tests/os/${name%.elf}/$name" ]]; then
                pairs+=("$f" "$BUILD/tests/os/${name%.elf}/$name")
            else
                pairs+=("$f" "$BUILD/apps/${name%.elf}/$name")
            fi
        done
    done
    twins "${pairs[@]}"
}

sdk_prebuilt_elves_are_stripped() {
    local dir files
    dir="$(mktemp -d "$TMP/sdk.XXXXXX")"
    tar -xzf "$SDK_TARBALL" -C "$dir" || { echo "cannot unpack"; return; }
    local base="$dir/$SDK_NAME/base"
    KEEP_SYMTAB=1 unstripped "$base/ftl-kernel.elf" | sed "s,$dir/,,"
    mapfile -t files < <(elves "$base" | grep -v '/ftl-kernel\.elf$')
    [[ ${#files[@]} -gt 0 ]] || { echo "no programs in base/"; return; }
    unstripped "${files[@]}" | sed "s,$dir/,,"
}

# The -dbg tarball unpacks over the SDK's folder, into its debug/: an
# unstripped twin of each ELF of base/.
sdk_dbg_tarball_has_every_unstripped_file() {
    [[ -f "$SDK_DBG_TARBALL" ]] || { echo "no $SDK_DBG_TARBALL"; return; }
    local dir f pairs=()
    dir="$(mktemp -d "$TMP/dbg.XXXXXX")"
    tar -xzf "$SDK_TARBALL" -C "$dir" && tar -xzf "$SDK_DBG_TARBALL" -C "$dir" ||
        { echo "cannot unpack"; return; }
    local sdk="$dir/$SDK_NAME"
    while IFS= read -r f; do
        pairs+=("$f" "$sdk/debug/${f#"$sdk"/}")
    done < <(elves "$sdk/base")
    twins "${pairs[@]}" | sed "s,$sdk/,,g"
}

# why TEST...: the output of the test on one line, for result.
why() {
    "$@" | tr '\n' ';' | sed 's/;$//; s/;/; /g'
}

main() {
    local a t
    for a in "$BUILD/initfs.tar" "$BUILD/test-initfs.tar" "$SDK_TARBALL"; do
        if [[ ! -f "$a" ]]; then
            echo "FAIL $a is not built (make all)"
            echo "strip: 0 passed, 1 failed"
            return 1
        fi
    done
    for a in "$BUILD"/*.tar "$BUILD"/systems/*.tar \
        "$BUILD"/sdk-root/base/probe-initfs.tar; do
        [[ -f "$a" ]] || continue
        result "initfs_is_stripped:${a#"$BUILD"/}" \
            "$(why initfs_is_stripped "$a")"
    done
    for t in booted_kernel_is_stripped_but_keeps_its_symbols \
        unstripped_kernel_is_kept unstripped_programs_stay_in_build \
        sdk_prebuilt_elves_are_stripped \
        sdk_dbg_tarball_has_every_unstripped_file; do
        result "$t" "$(why "$t")"
    done
    echo "strip: $passed passed, $failed failed"
    ((failed == 0))
}

main "$@"
