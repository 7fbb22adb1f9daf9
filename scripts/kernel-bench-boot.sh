# Sourced by scripts/qemu-counts.sh and scripts/jump-cache-collisions.sh:
# the boot whose QEMU they measure, tests/os/kernel_bench.c running one
# benchmark alone.
qemu=qemu-system-x86_64

# kernel_bench_boot NAME ROUNDS: sets the array `boot` to the QEMU command
# that runs NAME ROUNDS times: an IPC round trip (user_user, kernel_kernel,
# user_kernel, wasm_wasm, user_wasm, wasm_user, loop) or ctxswitch.
kernel_bench_boot() {
    local arg=ipc:$1
    [ "$1" != ctxswitch ] || arg=ctxswitch
    boot=($qemu -accel tcg -cpu max -m 128M -nodefaults -no-reboot
        -display none -monitor none
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio
        -kernel build/ftl-kernel.elf -initrd build/test-initfs.tar
        -append "ftl.test ftl.init=kernel_bench.elf ftl.init_arg=$arg:$2")
}
