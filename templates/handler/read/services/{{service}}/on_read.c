// READ on {{service}}, added by `ftl generate handler read`.
#include <string.h>

#include <ftl/server.h>

// READ up to len bytes at offset: reply with the data (the helper cuts it
// to what the caller asked for and copies it into the caller's buffer).
void {{service_ident}}_on_read(struct ftl_request *req, uint64_t offset,
                               size_t len)
{
    static const char data[] = "{{service}}\n";
    (void)len;
    size_t size = strlen(data);
    size_t start = offset < size ? (size_t)offset : size;
    ftl_request_reply_data(req, data + start, size - start);
}
