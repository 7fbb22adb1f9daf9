// The service's module, instantiated: the glue between wasm2c's generated
// interface for the module named "app" (app.h, under the service's build
// directory) and the runtime. Compiled once per wasm service.
#include "instance.h"

#include "app.h"

static Z_app_instance_t app;

wasm_rt_memory_t *wasm_instance_create(struct Z_ftl_instance_t *imports)
{
    wasm_rt_init();
    Z_app_init_module();
    Z_app_instantiate(&app, imports);
    imports->memory = Z_appZ_memory(&app);
    return imports->memory;
}

void wasm_instance_start(void)
{
    Z_appZ__start(&app);
}
