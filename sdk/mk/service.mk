# Builds one service folder into NAME.elf. A service's Makefile is three
# lines:
#
#   # apps/pong/Makefile
#   FTL_SDK := ../..
#   include $(FTL_SDK)/sdk/mk/service.mk
#
# The name is the folder's name; the sources are the folder's *.c files;
# the program lands in build/NAME.elf beside them. `make clean` removes
# build/. The folder must have a service.yaml; the build reads only its
# `isolation:` (wasm builds another kind of program, wasm.mk beside this
# file), the spec compiler and the supervisor the rest.
#
# A public/ folder in the service folder is packed into the program: its
# files (names of letters, digits, '.', '_', '-'; hidden ones left out)
# become the table that ftl_http_public (ftl/http.h) serves, with content
# types by extension. public.sh beside this file writes that table.
#
# Knobs (command line or the service's Makefile):
#   SERVICE_NAME  program name (default: the folder's name)
#   SERVICE_SRCS  C sources (default: every *.c of the folder)
#   SERVICE_OUT   output directory (default: build)
#   SERVICE_ISOLATION  wasm builds a WebAssembly service (wasm.mk beside
#                 this file); the default is what service.yaml's
#                 `isolation:` says. user and kernel build the same file.
#   CFLAGS        extra compiler flags
#   V=1           show full commands
#
# In an installed SDK (ftl build) this is `include $(FTL_SDK)/mk/service.mk`
# and everything is prebuilt. In the source tree libftl and picolibc come
# from the repository: this runs `make sdk-libs` there first, which does
# nothing when they are up to date. The top-level build passes
# FTL_SDK_UP_TO_DATE=1, having just built them.

# The fragments beside this file, wherever the SDK is (source tree or
# installed: see flags.mk).
FTL_MK := $(dir $(lastword $(MAKEFILE_LIST)))
FTL_SDK := $(abspath $(FTL_SDK))
FTL_BUILD ?= $(FTL_SDK)/build
CC ?= gcc
include $(FTL_MK)flags.mk

SERVICE_NAME ?= $(notdir $(CURDIR))
SERVICE_SRCS ?= $(wildcard *.c)
SERVICE_OUT ?= build
SERVICE_ELF := $(SERVICE_OUT)/$(SERVICE_NAME).elf
SERVICE_OBJS := $(SERVICE_SRCS:%.c=$(SERVICE_OUT)/%.o)
SERVICE_ISOLATION ?= $(shell sed -n \
    's/^[[:space:]]*isolation:[[:space:]]*\([a-z]*\).*/\1/p' service.yaml \
    2>/dev/null | head -1)

include $(FTL_MK)verbosity.mk

.DEFAULT_GOAL := all
.PHONY: all clean ftl-sdk
all: $(SERVICE_ELF)
	@: # no "Nothing to be done" from every app of the in-tree build

clean:
	rm -rf $(SERVICE_OUT)

ifeq ($(wildcard service.yaml),)
$(error $(CURDIR): a service folder needs a service.yaml)
endif

ifeq ($(FTL_SDK_UP_TO_DATE),1)
ftl-sdk:
else
ftl-sdk:
	$(Q)$(MAKE) --no-print-directory -C $(FTL_SDK) sdk-libs
endif

# public/: the generated table is remade when a file changes, and, through
# the list of names kept beside it (rewritten only when it differs), when
# one is added or removed.
ifneq ($(wildcard public),)
SERVICE_PUBLIC_LIST := $(SERVICE_OUT)/public.list
SERVICE_PUBLIC_C := $(SERVICE_OUT)/ftl_public.c
$(shell mkdir -p $(SERVICE_OUT) && find public -type f ! -path '*/.*' \
    | LC_ALL=C sort > $(SERVICE_PUBLIC_LIST).new && \
    { cmp -s $(SERVICE_PUBLIC_LIST).new $(SERVICE_PUBLIC_LIST) || \
      mv $(SERVICE_PUBLIC_LIST).new $(SERVICE_PUBLIC_LIST); } && \
    rm -f $(SERVICE_PUBLIC_LIST).new)
SERVICE_PUBLIC_BAD := $(shell grep -v '^[A-Za-z0-9._/-]*$$' \
                        $(SERVICE_PUBLIC_LIST) | head -1)
ifneq ($(SERVICE_PUBLIC_BAD),)
$(error $(CURDIR)/$(SERVICE_PUBLIC_BAD): a file of public/ may have only \
    letters, digits, '.', '_' and '-' in its name)
endif

SERVICE_OBJS += $(SERVICE_OUT)/ftl_public.o

# A wasm service's table holds the bytes as C arrays (public.sh --c); the
# spec is a prerequisite so that switching isolation remakes it.
$(SERVICE_PUBLIC_C): $(SERVICE_PUBLIC_LIST) $(FTL_MK)public.sh service.yaml \
                     $(shell cat $(SERVICE_PUBLIC_LIST))
	$(call say,GEN,$(SERVICE_NAME)/public)
	$(Q)sh $(FTL_MK)public.sh \
	    $(if $(filter wasm,$(SERVICE_ISOLATION)),--c) public > $@.tmp && \
	    mv $@.tmp $@ || { rm -f $@.tmp; exit 1; }

$(SERVICE_OUT)/ftl_public.o: $(SERVICE_PUBLIC_C) | ftl-sdk
	$(call say,CC,$(SERVICE_NAME)/public)
	$(Q)$(CC) $(FTL_CFLAGS) $(FTL_WARNINGS) $(CFLAGS) -MMD -MP -c $< -o $@
endif

$(SERVICE_OUT)/%.o: %.c | ftl-sdk
	$(call say,CC,$(SERVICE_NAME)/$<)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) $(FTL_WARNINGS) $(CFLAGS) \
	    -MMD -MP -c $< -o $@

# ftl-sdk always runs; libftl.a is only newer afterwards if it changed, so
# the link runs when something did.
$(FTL_LIBFTL): ftl-sdk ;

ifeq ($(SERVICE_ISOLATION),wasm)
include $(FTL_MK)wasm.mk
else
$(SERVICE_ELF): $(SERVICE_OBJS) service.yaml $(FTL_LIBFTL)
	$(call say,LINK,$@)
	$(Q)$(CC) $(FTL_LDFLAGS) -o $@ $(SERVICE_OBJS) $(FTL_LIBS)

-include $(SERVICE_OBJS:.o=.d)
endif
