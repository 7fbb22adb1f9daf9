# The base's services that are not described by a spec: the supervisor,
# which reads the specs (as the compiled boot.manifest) and starts the rest.
# ftl apply's bundles are tar archives, read with the kernel's reader
# (os/kernel/tar.c, fuzzed), compiled here as a user program.
# A service's version (`ftl status`) is its program's SHA-256, with
# mbedtls's (os/lib/mbedtls/build.mk).
$(BUILD)/programs/os/services/supervisor/apply.o: PROGRAM_CFLAGS += -Ios/kernel
$(BUILD)/programs/os/kernel/tar.o: PROGRAM_CFLAGS += -Ios/kernel
$(BUILD)/programs/os/services/supervisor/%.o: PROGRAM_CFLAGS += $(MBEDTLS_INCLUDES)
$(BUILD)/programs/os/services/supervisor/%.o: | $(MBEDTLS_FETCHED)
$(eval $(call program,supervisor,$(addprefix os/services/supervisor/, \
    main.c service.c routing.c status.c files.c refusal.c logs.c plan.c \
    apply.c) os/kernel/tar.c, $(MBEDTLS_LIB)))
$(BUILD)/programs/supervisor.elf: FTL_LDFLAGS += $(MBEDTLS_LDFLAGS)
INITFS_PROGRAMS += $(BUILD)/programs/supervisor.elf

# The network services (docs/concepts/networking.md), programs like any
# other, packed into both initfs archives. virtio_net's transports and
# queues are the shared ones of os/lib/virtio.
$(BUILD)/programs/os/services/virtio_net/%.o: PROGRAM_CFLAGS += $(VIRTIO_INCLUDES)
$(eval $(call program,virtio_net,$(addprefix os/services/virtio_net/, \
    main.c netdev.c rxbacklog.c) $(VIRTIO_SRCS)))
INITFS_PROGRAMS += $(BUILD)/programs/virtio_net.elf

# tcpip: lwIP from build/deps/lwip (scripts/fetch-deps.sh), compiled with the
# program flags and this service's lwipopts.h into a static library.
LWIP_SRC := $(BUILD)/deps/lwip/src
LWIP_LIB := $(BUILD)/lwip/liblwip.a
LWIP_INCLUDES := -Ios/services/tcpip/include -Ios/services/tcpip \
                 -I$(LWIP_SRC)/include
lwip-srcs := core/def.c core/dns.c core/inet_chksum.c core/init.c core/ip.c \
    core/mem.c core/memp.c core/netif.c core/pbuf.c core/raw.c core/stats.c \
    core/sys.c core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c \
    core/udp.c core/ipv4/acd.c core/ipv4/autoip.c core/ipv4/dhcp.c \
    core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/igmp.c core/ipv4/ip4.c \
    core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c netif/ethernet.c
LWIP_OBJS := $(addprefix $(BUILD)/lwip/,$(lwip-srcs:.c=.o))

# One fetch for all the sources: a rule per file would run the fetch once
# per file under make -j, each unpacking over the others.
LWIP_FETCHED := $(BUILD)/deps/lwip/.fetched
$(LWIP_FETCHED): deps.lock
	$(Q)scripts/fetch-deps.sh lwip >/dev/null && touch $@
$(LWIP_SRC)/%.c: $(LWIP_FETCHED) ;

# lwIP's own code is not ours to warn about beyond what hides bugs.
$(BUILD)/lwip/%.o: $(LWIP_SRC)/%.c os/services/tcpip/include/lwipopts.h | $(PICOLIBC_LIBC)
	$(call say,CC,lwip/$*.c)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) $(LWIP_INCLUDES) -w -MMD -MP \
	    -c $< -o $@

$(LWIP_LIB): $(LWIP_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/programs/os/services/tcpip/%.o: PROGRAM_CFLAGS += $(LWIP_INCLUDES)
$(eval $(call program,tcpip,$(addprefix os/services/tcpip/, \
    main.c netif.c route.c classless.c resolve.c connection.c listener.c \
    limits.c halfopen.c refusals.c addrwait.c loopback.c \
    timewait.c udp_socket.c), \
    $(LWIP_LIB)))
INITFS_PROGRAMS += $(BUILD)/programs/tcpip.elf

# Entropy (docs/concepts/entropy.md): the virtio-rng driver and the random
# service; TLS on top of them (docs/guides/tls.md).
include os/services/virtio_rng/build.mk
include os/services/random/build.mk
include os/services/tls/build.mk
include os/services/control/build.mk
