# libftl: the start-up code and system call layer every service links.
libftl-objs-y += start.o syscall.o ipc.o error.o device.o manifest.o
