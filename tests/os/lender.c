// Sends a READ request lending a 4 KiB buffer on its start channel, then
// waits forever: the test kills it mid-call.
#include <stdint.h>

#include <ftl/channel.h>
#include <ftl/process.h>
#include <ftl/time.h>

static uint8_t buffer[4096];

int main(void)
{
    struct ftl_msg req = {.type = FTL_MSG_READ,
                          .id = 7,
                          .loan_base = (uint64_t)buffer,
                          .loan_len = sizeof(buffer)};
    ftl_channel_send(ftl_start_info->channel, &req, NULL);
    for (;;) {
        ftl_sleep_ns(1000000000ULL);
    }
}
