// The local form of ftl logs (logs_local.h). A `logs NAME CURSOR` reply is
// the lines kept after CURSOR, then `cursor N`, the CURSOR of the next
// ask: following every service is asking each in turn from its cursor,
// once a second; following one is `logs-follow`, whose lines come as P
// frames until the channel closes (one request holds the channel, so one
// service at a time can be followed that way).
#include "logs_local.h"

#include "control_options.h"
#include "exitcode.h"
#include "output.h"
#include "text.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POLL_INTERVAL_S 1
#define SERVICES_MAX 64

struct followed {
    char *name;
    unsigned long long cursor;
};

// Prints one line, after "[NAME] " when prefix is not NULL (unless the
// line already starts with it, as the console's lines do).
static void line_print(const char *prefix, const char *line, size_t len)
{
    if (prefix != NULL) {
        size_t plen = strlen(prefix);
        if (len < plen + 3 || line[0] != '[' ||
            strncmp(line + 1, prefix, plen) != 0 || line[plen + 1] != ']') {
            printf("[%s] ", prefix);
        }
    }
    fwrite(line, 1, len, stdout);
    putchar('\n');
}

// Prints a `logs` reply body but its last line, `cursor N`, whose N goes
// to *cursor (left as it was when there is none).
static void body_print(const char *prefix, const char *body,
                       unsigned long long *cursor)
{
    for (const char *at = body; *at != '\0';) {
        size_t len = strcspn(at, "\n");
        bool last = at[len] == '\0' || at[len + 1] == '\0';
        if (last && strncmp(at, "cursor ", 7) == 0) {
            *cursor = strtoull(at + 7, NULL, 10);
        } else {
            line_print(prefix, at, len);
        }
        at += len + (at[len] == '\n');
    }
    fflush(stdout);
}

static void progress_print(void *arg, const char *line, size_t len)
{
    (void)arg;
    line_print(NULL, line, len);
    fflush(stdout);
}

// Reports an `error` reply as the system's answer; an exit code.
static int ask_failed(const struct control_request *q,
                      const struct control_reply *r)
{
    return out_error(EXIT_FAILED,
                     strstr(r->body, "no such service") != NULL
                         ? "`ftl status` lists the services"
                         : NULL,
                     "the system answered `%s`: %.*s", q->command,
                     (int)strcspn(r->body, "\n"), r->body);
}

// One request; an `error` reply is a failure.
static int ask(struct control *c, struct control_request *q,
               struct control_reply *r)
{
    int err = control_call(c, q, r);
    return err == 0 && !r->ok ? ask_failed(q, r) : err;
}

// The names of the services in the system's status, into s; their count,
// or an exit code (negated).
static int services_list(struct control *c, struct followed *s)
{
    struct control_request q = {.command = "status",
                                .timeout_s = CONTROL_REPLY_TIMEOUT_S};
    struct control_reply r;
    int err = ask(c, &q, &r);
    if (err != 0) {
        return -err;
    }
    cJSON *root = cJSON_Parse(r.body);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "services");
    int n = 0;
    const cJSON *svc;
    cJSON_ArrayForEach(svc, list)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(svc, "name");
        if (cJSON_IsString(name) && n < SERVICES_MAX) {
            s[n++] =
                (struct followed){.name = str_printf("%s", name->valuestring)};
        }
    }
    if (!cJSON_IsArray(list)) {
        n = -out_error(EXIT_FAILED, "`ftl status --json` shows it",
                       "the system's status has no \"services\" list");
    }
    cJSON_Delete(root);
    return n;
}

// The lines of s after its cursor; prefix: see line_print.
static int logs_once(struct control *c, struct followed *s, const char *prefix)
{
    // Asked every second by --follow: the command is freed, not left.
    char *command = str_printf("logs %s %llu", s->name, s->cursor);
    struct control_request q = {.command = command,
                                .timeout_s = CONTROL_REPLY_TIMEOUT_S};
    struct control_reply r;
    int err = ask(c, &q, &r);
    if (err == 0) {
        body_print(prefix, r.body, &s->cursor);
        free(r.body);
    }
    free(command);
    return err;
}

// The lines of the n services in s, each after its cursor, after "[NAME] "
// when prefixed; again every second if follow, until Ctrl-C.
static int logs_poll(struct control *c, struct followed *s, int n,
                     bool prefixed, bool follow)
{
    for (;;) {
        for (int i = 0; i < n; i++) {
            int err = logs_once(c, &s[i], prefixed ? s[i].name : NULL);
            if (err != 0) {
                return err;
            }
        }
        if (!follow) {
            return EXIT_OK;
        }
        sleep(POLL_INTERVAL_S);
    }
}

static int logs_all(struct control *c, bool follow)
{
    static struct followed s[SERVICES_MAX];
    int n = services_list(c, s);
    return n < 0 ? -n : logs_poll(c, s, n, true, follow);
}

// `logs-follow`; a system whose control service does not know it yet
// (`error unknown command`) is asked with `logs` every second instead.
static int logs_follow(struct control *c, const char *service)
{
    struct control_request q = {.command =
                                    str_printf("logs-follow %s 0", service),
                                .on_progress = progress_print,
                                .timeout_s = 0};
    struct control_reply r;
    int err = control_call(c, &q, &r);
    if (err == 0 && !r.ok && strstr(r.body, "unknown command") != NULL) {
        struct followed s = {.name = (char *)service};
        return logs_poll(c, &s, 1, false, true);
    }
    if (err == 0 && !r.ok) {
        return ask_failed(&q, &r);
    }
    if (err == 0) {
        unsigned long long cursor = 0;
        body_print(NULL, r.body, &cursor);
    }
    return err;
}

int logs_local(const char *service, bool follow, struct control_target *t)
{
    static struct control c;
    int err = control_target_find(t);
    if (err != 0 || (err = control_open(&c, t)) != 0) {
        return err;
    }
    if (service == NULL) {
        err = logs_all(&c, follow);
    } else if (follow) {
        err = logs_follow(&c, service);
    } else {
        struct followed s = {.name = (char *)service};
        err = logs_poll(&c, &s, 1, false, false);
    }
    control_close(&c);
    return err;
}
