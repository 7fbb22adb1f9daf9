// The native program of a WebAssembly service: a kernel-mode FTL process
// whose main instantiates the module (compiled to C by wasm2c and linked
// in) and runs its _start. The module's system calls come back through
// import.c; its traps end the process through rt.c.
#include "instance.h"

#include <ftl/wasm.h>

// The mark of a program that came out of the wasm pipeline (sdk/mk/wasm.mk
// links this file into every one): an ELF note, name "FTL", type
// FTL_ELF_NOTE_WASM, in a PT_NOTE segment. The kernel spawns a program
// with FTL_ISOLATION_WASM only if it has it, so that a native program
// given `isolation: wasm` by mistake is refused instead of running in
// kernel mode unsandboxed.
__asm__(".pushsection .note.ftl, \"a\", @note\n"
        ".balign 4\n"
        ".long 4\n"                         // namesz: "FTL" and its zero
        ".long 0\n"                         // descsz
        ".long " FTL_ELF_NOTE_WASM_STR "\n" // type
        ".asciz \"FTL\"\n"
        ".popsection\n");

int main(void)
{
    static struct Z_ftl_instance_t imports;
    wasm_instance_create(&imports);
    wasm_instance_start();
    return 0; // _start returned without exiting: an ordinary exit
}
