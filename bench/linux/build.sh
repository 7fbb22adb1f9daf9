#!/usr/bin/env bash
# Prepares the Linux baseline that bench/linux_bench.py boots: Debian's own,
# unmodified kernel (the linux-image-6.1.*-amd64 package that
# linux-image-amd64 depends on) and an initramfs with busybox-static, the
# static benchmark programs of this folder and init.sh as /init.
#
# Packages are fetched with `apt-get download` and unpacked with dpkg-deb,
# never installed on the host; root is not needed unless the apt lists must
# be updated first. Downloads and unpacked trees are cached under
# ${FTL_CACHE_DIR:-$HOME/.cache/ftl}/linux/, outputs go to
# ${FTL_BUILD_DIR:-build}/linux/ (relative to the repository), and a second
# run only checks what it has.
#
# Outputs: vmlinuz, initramfs.cpio.gz, and versions.txt naming both packages.
# Needs: apt, dpkg, gcc with a static libc (libc6-dev) and OpenSSL
# (libssl-dev), openssl, cpio, gzip.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
BUILD_DIR="${FTL_BUILD_DIR:-build}/linux"
CACHE="${FTL_CACHE_DIR:-$HOME/.cache/ftl}/linux"
mkdir -p "$BUILD_DIR" "$CACHE"
BUILD_DIR="$(cd "$BUILD_DIR" && pwd)"

step() {
    echo "linux: $*"
}

die() {
    echo "linux: error: $*" >&2
    exit 1
}

# The state of the apt lists: when it is unchanged, so is every answer that
# apt-cache would give, and the cached answers stand (apt-cache takes about
# half a second per call here).
lists_stamp() {
    stat -c '%n %s %Y' /var/lib/apt/lists/*_Packages* 2>/dev/null |
        md5sum | cut -d' ' -f1
}

# Prints "KERNEL_PACKAGE KERNEL_VERSION BUSYBOX_VERSION", or nothing.
lookup() {
    local kernel kernel_version busybox_version
    kernel=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-6\.1\.[^ ]*-amd64\)$/\1/p' |
        head -n1)
    [[ -n "$kernel" ]] || return 0
    kernel_version=$(candidate_version "$kernel")
    busybox_version=$(candidate_version busybox-static)
    if [[ -n "$kernel_version" && -n "$busybox_version" ]]; then
        echo "$kernel $kernel_version $busybox_version"
    fi
}

candidate_version() {
    apt-cache show --no-all-versions "$1" 2>/dev/null |
        sed -n 's/^Version: //p' | head -n1
}

resolve() {
    local stamp answer cached_stamp
    stamp=$(lists_stamp)
    if [[ -f "$CACHE/resolved" ]]; then
        read -r cached_stamp answer <"$CACHE/resolved" || true
        if [[ "$cached_stamp" == "$stamp" && -n "$answer" ]]; then
            RESOLVED="$answer"
            return
        fi
    fi
    answer=$(lookup)
    if [[ -z "$answer" ]]; then
        step "package lookup failed; running apt-get update"
        if [[ $(id -u) -ne 0 ]]; then
            die "apt lists are missing or stale: run 'sudo apt-get update'"
        fi
        apt-get update -qq >/dev/null || die "apt-get update failed"
        stamp=$(lists_stamp)
        answer=$(lookup)
        [[ -n "$answer" ]] ||
            die "no linux-image-6.1.*-amd64 behind linux-image-amd64"
    fi
    echo "$stamp $answer" >"$CACHE/resolved"
    RESOLVED="$answer"
}

# fetch NAME VERSION [PATH...]: downloads NAME=VERSION into the cache unless
# it is there and unpacks it (only PATHs, when given, as tar patterns) into
# the tree FETCH_DIR names, and sets FETCHED to "downloaded" or "cached". The
# .deb is dropped once unpacked; a .done marker makes an interrupted run redo
# the whole.
fetch() {
    local name="$1" version="$2"
    shift 2
    # FETCH_PART names a second extract of the same package (its modules).
    local dir="$CACHE/${name}_${version//:/%3a}${FETCH_PART:+-$FETCH_PART}"
    if [[ ! -f "$dir/.done" ]]; then
        rm -rf "$dir"
        mkdir -p "$dir/deb" "$dir/root"
        # As root, apt would hand the download to its _apt user, who cannot
        # write into root's home, and warn; download as root directly.
        local sandbox=()
        if [[ $(id -u) -eq 0 ]]; then
            sandbox=(-o APT::Sandbox::User=root)
        fi
        (cd "$dir/deb" &&
            apt-get download -q "${sandbox[@]}" "$name=$version" >/dev/null) ||
            die "apt-get download $name=$version failed"
        local deb=""
        for deb in "$dir"/deb/*.deb; do
            break
        done
        if [[ $# -gt 0 ]]; then
            # The kernel package is mostly modules (~400 MB unpacked) that
            # an initramfs without devices does not need: take boot/ only.
            dpkg-deb --fsys-tarfile "$deb" |
                tar -x -C "$dir/root" --wildcards "$@"
        else
            dpkg-deb -x "$deb" "$dir/root"
        fi
        rm -rf "$dir/deb"
        touch "$dir/.done"
        FETCHED="downloaded"
    else
        FETCHED="cached"
    fi
    FETCH_DIR="$dir/root"
}

# copy_if_changed SRC DST: keeps DST's mtime when the contents are the same.
copy_if_changed() {
    if ! cmp -s "$1" "$2"; then
        cp "$1" "$2.tmp"
        mv "$2.tmp" "$2"
    fi
}

resolve
read -r KERNEL_PKG KERNEL_VERSION BUSYBOX_VERSION <<<"$RESOLVED"

fetch "$KERNEL_PKG" "$KERNEL_VERSION" './boot/vmlinuz-*'
vmlinuz=""
for candidate in "$FETCH_DIR"/boot/vmlinuz-*; do
    vmlinuz="$candidate"
done
[[ -f "$vmlinuz" ]] || die "no boot/vmlinuz-* in $KERNEL_PKG"
copy_if_changed "$vmlinuz" "$BUILD_DIR/vmlinuz"
step "kernel $KERNEL_PKG $KERNEL_VERSION ($FETCHED)"

# The network baseline (bench/net_bench.py): virtio-net and what it needs,
# all modules in Debian's kernel, loaded by init.sh in this order.
NET_MODULES=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
             virtio_pci failover net_failover virtio_net)
module_patterns=()
for module in "${NET_MODULES[@]}"; do
    module_patterns+=("./lib/modules/*/$module.ko")
done
# (tar's wildcards match across slashes.)
FETCH_PART=net fetch "$KERNEL_PKG" "$KERNEL_VERSION" "${module_patterns[@]}"
modules_dir="$FETCH_DIR"
step "network modules of $KERNEL_PKG ($FETCHED)"

fetch busybox-static "$BUSYBOX_VERSION"
busybox="$FETCH_DIR/bin/busybox"
[[ -x "$busybox" ]] || die "no bin/busybox in busybox-static"
step "busybox-static $BUSYBOX_VERSION ($FETCHED)"

programs=(syscall_bench pipe_bench http_server https_server)
# Libraries by program: https_server links Debian's OpenSSL (libssl-dev)
# statically; the linker's notes that libcrypto's name lookups would need
# glibc's shared modules at run time are dropped (it looks up no names).
declare -A libraries=([https_server]="-lssl -lcrypto")
for program in "${programs[@]}"; do
    src="$HERE/$program.c"
    out="$BUILD_DIR/$program"
    if [[ ! -x "$out" || "$src" -nt "$out" ]]; then
        # shellcheck disable=SC2086
        if ! gcc -static -O2 -Wall -Wextra -o "$out" "$src" \
            ${libraries[$program]:-} 2>"$out.log"; then
            cat "$out.log" >&2
            die "compiling $program failed"
        fi
        grep -v -e 'in statically linked applications requires' \
            -e ': in function `' "$out.log" >&2 || true
        step "compiled $program"
    else
        step "$program up to date"
    fi
done

# The initramfs: rebuilt when the list of its inputs (paths, which name the
# package versions, sizes and times) differs from the one it was built from.
# https_server's certificate chain and key: the development set that `make`
# packs into FTL's image (scripts/dev-tls.sh keeps an existing one), so that
# both guests send the same chain. The initramfs is a benchmark's, in
# build/, and never shipped.
tls_dir="$ROOT/${FTL_BUILD_DIR:-build}/tls"
"$ROOT/scripts/dev-tls.sh" "$tls_dir"

image="$BUILD_DIR/initramfs.cpio.gz"
index_html="$ROOT/apps/http_server/public/index.html"
inputs=("$busybox" "$HERE/init.sh" "$HERE/build.sh" "$index_html"
        "$tls_dir/cert.pem" "$tls_dir/key.pem")
for program in "${programs[@]}"; do
    inputs+=("$BUILD_DIR/$program")
done
key=$(stat -c '%n %s %Y' "${inputs[@]}")
rebuild=1
if [[ -f "$image" && "$(cat "$image.key" 2>/dev/null)" == "$key" ]]; then
    rebuild=0
fi
if [[ $rebuild == 1 ]]; then
    stage="$BUILD_DIR/initramfs"
    rm -rf "$stage"
    mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,www,lib/modules,etc/tls}
    cp "$index_html" "$stage/www/index.html"
    cp "$tls_dir/cert.pem" "$tls_dir/key.pem" "$stage/etc/tls/"
    for module in "${NET_MODULES[@]}"; do
        found=$(find "$modules_dir" -name "$module.ko" | head -n1)
        [[ -n "$found" ]] || die "no $module.ko in $KERNEL_PKG"
        cp "$found" "$stage/lib/modules/"
    done
    printf '%s\n' "${NET_MODULES[@]}" >"$stage/lib/modules/order"
    cp "$busybox" "$stage/bin/busybox"
    for applet in $("$busybox" --list); do
        if [[ ! -e "$stage/bin/$applet" ]]; then
            ln -s busybox "$stage/bin/$applet"
        fi
    done
    for program in "${programs[@]}"; do
        cp "$BUILD_DIR/$program" "$stage/bin/$program"
    done
    cp "$HERE/init.sh" "$stage/init"
    chmod 755 "$stage/init"
    (cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc --owner 0:0 --reproducible) |
        gzip -n -9 >"$image.tmp"
    mv "$image.tmp" "$image"
    echo "$key" >"$image.key"
    step "initramfs $(stat -c %s "$image") bytes"
else
    step "initramfs up to date"
fi

versions=$(printf '%s %s\nbusybox-static %s' "$KERNEL_PKG" "$KERNEL_VERSION" \
    "$BUSYBOX_VERSION")
if [[ "$(cat "$BUILD_DIR/versions.txt" 2>/dev/null)" != "$versions" ]]; then
    echo "$versions" >"$BUILD_DIR/versions.txt"
fi
