# How an FTL program is compiled and linked: the one definition shared by the
# top-level Makefile (in-tree programs and tests) and service.mk (a service
# folder built on its own, in tree or not).
#
# Needs FTL_SDK (the SDK root) and, in the source tree, FTL_BUILD (its build
# directory, where `make sdk` puts libftl.a and picolibc). Two layouts:
# - the source tree: FTL_SDK is the repository, headers in sdk/include,
#   libraries under FTL_BUILD;
# - an installed SDK (the tarball of `make sdk`, or build/sdk-root): its
#   mk/layout.mk, beside this file, points at include/ and lib/ instead and
#   says that everything is prebuilt (FTL_SDK_UP_TO_DATE).
#
# Programs are static position-independent executables: the same file loads
# at any address, in its own address space (user isolation) or in the
# kernel's half (kernel isolation), which is why there is no -mcmodel and no
# red zone (kernel-mode code runs on stacks that interrupts also use). The
# GNU linker's default static-pie layout already puts code, read-only data
# and data in separate page-aligned segments (-z separate-code), which is
# what the loader's W^X needs, so FTL ships no linker script of its own.

-include $(dir $(lastword $(MAKEFILE_LIST)))layout.mk
FTL_INCLUDE ?= $(FTL_SDK)/sdk/include
FTL_PICOLIBC ?= $(FTL_BUILD)/picolibc
FTL_PICOLIBC_INCLUDE ?= $(FTL_PICOLIBC)/include
FTL_PICOLIBC_LIBC ?= $(FTL_PICOLIBC)/lib/libc.a
FTL_LIBFTL ?= $(FTL_BUILD)/sdk/libftl.a
# cJSON.h, for apps that build JSON (ftl/http.h): libftl carries cJSON.
FTL_CJSON_INCLUDE ?= $(FTL_BUILD)/deps/cjson

FTL_WARNINGS := -Wall -Wextra -Werror=implicit-function-declaration \
                -Werror=int-conversion -Werror=return-type -Werror=switch \
                -Werror=incompatible-pointer-types

# _DEFAULT_SOURCE shows POSIX parts of picolibc's headers (clock_gettime);
# picolibc defines CLOCK_MONOTONIC only when told the system has one, and
# FTL's clock is monotonic.
FTL_CFLAGS := -std=c11 -O2 -g -fPIE -mno-red-zone -fno-stack-protector \
              -fno-omit-frame-pointer -nostdinc \
              -D_DEFAULT_SOURCE -D_POSIX_MONOTONIC_CLOCK=200112L \
              -isystem $(FTL_PICOLIBC_INCLUDE) \
              -isystem $(shell $(CC) -print-file-name=include) \
              -I$(FTL_INCLUDE) -I$(FTL_CJSON_INCLUDE)

FTL_LDFLAGS := -static-pie -nostdlib -Wl,-z,max-page-size=4096 \
               -Wl,-z,separate-code -Wl,-e,_start

FTL_LIBS := -Wl,--start-group $(FTL_LIBFTL) $(FTL_PICOLIBC_LIBC) \
            $(shell $(CC) -print-libgcc-file-name) -Wl,--end-group
