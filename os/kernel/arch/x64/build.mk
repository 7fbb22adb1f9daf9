# The x86-64 port. Paths are relative to os/kernel/.
kernel-objs-y += arch/x64/boot.o arch/x64/start.o arch/x64/machine.o \
                 arch/x64/serial.o arch/x64/multiboot2.o arch/x64/pvh.o \
                 arch/x64/cpu.o arch/x64/gdt.o arch/x64/trap.o \
                 arch/x64/trap_entry.o arch/x64/switch.o \
                 arch/x64/syscall_entry.o arch/x64/usercopy_entry.o \
                 arch/x64/paging.o arch/x64/acpi.o arch/x64/apic.o \
                 arch/x64/clock.o arch/x64/pci_config.o
