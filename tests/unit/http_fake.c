// The fake connection of http_fake.h, and a ftl_log that keeps the last
// line (the library logs through it; the tests read it back).
#include "http_fake.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ftl/log.h>

#include "fake_ipc.h"

struct http_fake fake;
char http_fake_log[FTL_LOG_LINE_MAX];

void ftl_log(enum ftl_console_level level, const char *format, ...)
{
    (void)level;
    va_list ap;
    va_start(ap, format);
    vsnprintf(http_fake_log, sizeof(http_fake_log), format, ap);
    va_end(ap);
}

static void fake_read(void *t, bool in_request)
{
    ck_assert_ptr_eq(t, &fake);
    ck_assert(!fake.reading); // one read at a time, as ftl_conn allows
    fake.reading = true;
    fake.in_request = in_request;
    fake.reads++;
}

static void fake_hold(void *t)
{
    (void)t;
    fake.holds++;
}

static int fake_write(void *t, const void *data, size_t len)
{
    (void)t;
    ck_assert(!fake.closed);
    if (fake.write_error) {
        return fake.write_error;
    }
    ck_assert_uint_le(fake.out_len + len, HTTP_FAKE_OUT_MAX);
    memcpy(fake.out + fake.out_len, data, len);
    fake.out_len += len;
    fake.out[fake.out_len] = '\0';
    fake.writes++;
    return 0;
}

static void fake_close(void *t)
{
    (void)t;
    ck_assert(!fake.closed);
    fake.closed = true;
    fake.reading = false;
    fake.session = NULL;
}

static const struct http_transport transport = {
    .read = fake_read,
    .hold = fake_hold,
    .write = fake_write,
    .close = fake_close,
};

void http_fake_reset(void)
{
    fake_ipc_reset();
    memset(&fake, 0, sizeof(fake));
    fake.app = ftl_http_app_create(NULL);
    ck_assert_ptr_nonnull(fake.app);
}

void http_fake_open(void)
{
    fake.closed = false;
    fake.reading = false;
    fake.session = http_session_create(fake.app, &transport, &fake);
    ck_assert_ptr_nonnull(fake.session);
    http_session_start(fake.session);
}

bool http_fake_send(const void *data, size_t len)
{
    if (fake.closed) {
        return false;
    }
    ck_assert_msg(fake.reading, "bytes sent while the server is not reading");
    fake.reading = false;
    http_session_input(fake.session, data, (long)len);
    return true;
}

bool http_fake_sends(const char *text)
{
    return http_fake_send(text, strlen(text));
}

void http_fake_eof(void)
{
    ck_assert(fake.reading);
    fake.reading = false;
    http_session_input(fake.session, NULL, 0);
}

void http_fake_timeout(void)
{
    ck_assert(!fake.closed);
    http_session_timeout(fake.session);
}

int http_fake_count(const char *s)
{
    int n = 0;
    for (const char *p = fake.out; (p = strstr(p, s)) != NULL; p++) {
        n++;
    }
    return n;
}

void http_fake_clear(void)
{
    fake.out_len = 0;
    fake.out[0] = '\0';
}

void http_fake_teardown(void)
{
    if (fake.session && fake.reading) {
        http_fake_eof();
    }
    ftl_http_app_destroy(fake.app);
    fake.app = NULL;
}
