# One short line per build step (`  CC       file.c`); V=1 shows the full
# commands instead. Shared by the top-level Makefile and service.mk.
V ?= 0
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif
