# The generic kernel. Paths are relative to os/kernel/.
kernel-objs-y += main.o bootinfo.o cmdline.o log.o panic.o ksyms.o tar.o \
                 initfs.o page.o heap.o object.o handle.o vm.o thread.o \
                 sched.o process.o elf.o loader.o usercopy.o syscall.o \
                 channel.o sink.o timer.o interrupt.o syscall_ipc.o \
                 pci.o ioport.o syscall_device.o account.o \
                 logring.o logbook.o \
                 lib/string.o lib/fmt.o
