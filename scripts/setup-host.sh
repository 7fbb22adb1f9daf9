#!/usr/bin/env bash
# Installs the Debian packages FTL needs to build, boot and test, when any is
# missing. As root it runs apt-get itself; otherwise it prints the exact
# command and stops. `make`, `make run` and `make test` call it first, so a
# fresh Debian 12 machine needs nothing else.
#
# FTL_SKIP_SETUP=1 skips the check (for machines managed another way).
set -euo pipefail

PACKAGES=(
    # compiling the kernel, services and host tools
    gcc make binutils pkg-config meson ninja-build libyaml-dev
    # host unit tests; the fuzz targets (libFuzzer, in clang's runtime)
    check clang-14 libclang-rt-14-dev
    # WebAssembly services (docs/guides/wasm.md): C to wasm32 (clang-14 above,
    # wasm-ld, llvm-ar), wasi-libc and the compiler runtime for wasm32, and
    # wabt's wasm2c with its wasm-rt.h
    lld-14 llvm-14 wasi-libc libclang-rt-14-dev-wasm32 wabt
    # the SDK API reference (make docs)
    doxygen
    # dependency sources from the Debian archive
    curl ca-certificates xz-utils bzip2 tar
    # booting: QEMU, its firmware, GRUB images
    qemu-system-x86 seabios ipxe-qemu grub-pc-bin grub-common xorriso mtools
    # debugging a booted system: `ftl run --gdb` (docs/guides/debugging.md)
    gdb
    # test and benchmark runners; the Linux baseline guest (bench/linux),
    # whose HTTPS server links OpenSSL
    python3 cpio gzip libc6-dev libssl-dev
    # network tests and benchmarks: HTTP client and load generator, DHCP
    # server and crafted frames in a test's own namespace, ip and tap
    curl wrk dnsmasq-base python3-scapy iproute2 iputils-ping
    # the load balancer in front of the local imitation of a GCE group
    haproxy
    # the plots of the benchmark report (make bench: docs/benchmarks.md)
    gnuplot-nox
    # TLS: development certificates (scripts/dev-tls.sh), and the tests'
    # clients and scanner
    openssl testssl.sh
)

if [[ "${FTL_SKIP_SETUP:-}" == 1 ]]; then
    exit 0
fi

if ! command -v dpkg-query >/dev/null; then
    echo "setup: this is not a Debian system (no dpkg-query); install the" \
         "equivalents of: ${PACKAGES[*]}" >&2
    echo "setup: then run again with FTL_SKIP_SETUP=1" >&2
    exit 1
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != installed ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them with:" >&2
    echo "    sudo apt-get update && sudo $command" >&2
    exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
