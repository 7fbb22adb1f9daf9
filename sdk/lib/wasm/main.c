// The native program of a WebAssembly service: a kernel-mode FTL process
// whose main instantiates the module (compiled to C by wasm2c and linked
// in) and runs its _start. The module's system calls come back through
// import.c; its traps end the process through rt.c.
#include "instance.h"

int main(void)
{
    static struct Z_ftl_instance_t imports;
    wasm_instance_create(&imports);
    wasm_instance_start();
    return 0; // _start returned without exiting: an ordinary exit
}
