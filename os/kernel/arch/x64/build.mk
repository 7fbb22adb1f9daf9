# The x86-64 port. Paths are relative to os/kernel/.
kernel-objs-y += arch/x64/boot.o arch/x64/start.o arch/x64/machine.o \
                 arch/x64/serial.o arch/x64/multiboot2.o arch/x64/pvh.o
