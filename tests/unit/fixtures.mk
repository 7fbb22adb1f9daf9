# Fixture programs for test_elf.c: real static PIEs built with gcc, linked as
# a service is (the flags os/kernel/elf.h asks for), and each one's symbol
# list from nm, which the test uses to know where the linker put things.
# pie_exported is the same program with its symbols in .dynsym, so that the
# test can turn relocations into ones against symbols.
elf-fixture-dir := $(BUILD)/tests/fixtures
elf-fixture-cflags := -std=c11 -O1 -fPIE -ffreestanding -fno-stack-protector \
                      -mno-red-zone -nostdlib -static-pie \
                      -Wl,-z,max-page-size=4096 -Wl,-z,separate-code
elf-fixtures := $(foreach f,pie_data pie_exported, \
                  $(elf-fixture-dir)/$(f).elf $(elf-fixture-dir)/$(f).nm)

$(elf-fixture-dir)/pie_data.elf: tests/unit/fixtures/pie_data.c
	$(call say,FIXTURE,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(elf-fixture-cflags) -o $@ $<

$(elf-fixture-dir)/pie_exported.elf: tests/unit/fixtures/pie_data.c
	$(call say,FIXTURE,$@)
	$(Q)mkdir -p $(@D) && $(CC) $(elf-fixture-cflags) \
	    -Wl,--export-dynamic -o $@ $<

$(elf-fixture-dir)/%.nm: $(elf-fixture-dir)/%.elf
	$(call say,NM,$@)
	$(Q)nm --defined-only $< > $@
