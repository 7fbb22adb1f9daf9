# In-OS test programs: os_test is the first process of the test boot and
# spawns the others.
$(eval $(call program,os_test,tests/os/os_test.c tests/os/compute.c \
                    tests/os/suite.c))
$(eval $(call program,spin,tests/os/spin.c))
$(eval $(call program,compute,tests/os/compute_main.c tests/os/compute.c))
$(eval $(call program,fault,tests/os/fault.c))
$(eval $(call program,exit_with,tests/os/exit_with.c))
$(eval $(call program,kernel_bench,tests/os/kernel_bench.c))
$(eval $(call program,try_spawn,tests/os/try_spawn.c))
$(eval $(call program,ipc_test,tests/os/ipc_test.c tests/os/suite.c))
$(eval $(call program,echo_server,tests/os/echo_server.c))
$(eval $(call program,lender,tests/os/lender.c))
$(eval $(call program,ipc_client,tests/os/ipc_client.c))
$(eval $(call program,device_test,tests/os/device_test.c tests/os/suite.c))
$(eval $(call program,device_probe,tests/os/device_probe.c))
$(eval $(call program,fpu_worker,tests/os/fpu_worker.c))
$(eval $(call program,sdk_test,tests/os/sdk_test.c tests/os/suite.c))
$(eval $(call program,crash_server,tests/os/crash_server.c))
$(eval $(call program,runtime_child,tests/os/runtime_child.c))
$(eval $(call program,loop_client,tests/os/loop_client.c))
$(eval $(call program,memhog,tests/os/memhog.c))
$(eval $(call program,syscall_fuzz,tests/os/syscall_fuzz.c \
                    tests/os/fuzz_calls.c tests/os/fuzz_pool.c \
                    tests/os/suite.c))
$(eval $(call program,logs_test,tests/os/logs_test.c tests/os/suite.c))
$(eval $(call program,log_writer,tests/os/log_writer.c))

# Programs built a second time as wasm modules, NAME_wasm.elf beside
# NAME.elf in the test initfs (tests/os/wasm/Makefile): the clients and the
# echo server of kernel_bench.c's round trips with wasm; the ipc and sdk
# suites and their servers, for wasm clients and servers in
# tests/qemu/ipc_test.py and sdk_test.py; and wasm_fuzz, the system call
# fuzzer of wasm modules (only as wasm; syscall_fuzz.c spawns it). A
# program of several files lists them in wasm-srcs-NAME.
wasm_os_programs := ipc_client loop_client echo_server lender crash_server \
                    ipc_test sdk_test wasm_fuzz
wasm-srcs-ipc_test := ipc_test.c suite.c
wasm-srcs-sdk_test := sdk_test.c suite.c

define wasm_os_program_rule
$(BUILD)/tests/os/$(1)_wasm/$(1)_wasm.elf: $(LIBFTL) $(WASM_SDK_LIBS) FORCE
	$$(Q)$$(MAKE) --no-print-directory -C tests/os/wasm FTL_SDK_UP_TO_DATE=1 \
	    SERVICE_NAME=$(1)_wasm \
	    SERVICE_SRCS="$(or $(wasm-srcs-$(1)),$(1).c)" \
	    SERVICE_OUT=$(abspath $(BUILD))/tests/os/$(1)_wasm
PROGRAMS += $(BUILD)/tests/os/$(1)_wasm/$(1)_wasm.elf
endef
$(foreach p,$(wasm_os_programs),$(eval $(call wasm_os_program_rule,$(p))))
