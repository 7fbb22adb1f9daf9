# Host unit tests: tests/unit/test_NAME.c plus the real sources it tests.
unit-tests += tar bootinfo cmdline fmt error
unit-src-tar := os/kernel/tar.c
unit-src-bootinfo := os/kernel/bootinfo.c os/kernel/arch/x64/multiboot2.c \
                     os/kernel/arch/x64/pvh.c
unit-src-cmdline := os/kernel/cmdline.c
unit-src-fmt := os/kernel/lib/fmt.c
unit-src-error := sdk/lib/error.c
