# The generic kernel. Paths are relative to os/kernel/.
kernel-objs-y += main.o bootinfo.o cmdline.o log.o tar.o lib/string.o lib/fmt.o
