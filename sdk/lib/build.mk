# libftl: start-up code, C runtime hooks, system call wrappers, and the
# event loop with its server and client helpers; every program links it.
libftl-objs-y += start.o syscall.o ipc.o error.o clock.o log.o \
                 loop.o server.o client.o device.o \
                 manifest.o link.o tcp.o
