// WRITE on {{service}}, added by `ftl generate handler write`.
#include <ftl/log.h>
#include <ftl/server.h>

// WRITE data at offset: reply with how many bytes were taken. The data is
// only valid during the call: copy what you keep.
void {{service_ident}}_on_write(struct ftl_request *req, uint64_t offset,
                                const void *data, size_t len)
{
    (void)data;
    FTL_LOG_INFO("write of %zu bytes at %lu", len, (unsigned long)offset);
    ftl_request_reply(req, len, NULL, 0);
}
