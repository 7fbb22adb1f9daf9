// ftl status: asks the running system's supervisor, through the control
// channel (control.h) of `ftl run` or of a GCE instance (--gce), for its
// services and prints them as a table, or the supervisor's JSON as it came
// (--json) for scripts.
#include "commands.h"
#include "control.h"
#include "control_options.h"
#include "exitcode.h"
#include "output.h"
#include "project.h"
#include "text.h"

#include <cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_COLUMNS 7

static const char usage[] =
    "usage: ftl status [--json] [--socket PATH | --gce NAME [--zone Z]\n"
    "                  [--project P]] [--key PATH]\n\n"
    "Asks the project's running system (`ftl run`, `ftl dev`), or the GCE\n"
    "instance NAME (`ftl deploy gce`), for its services through the control\n"
    "channel, authenticated with the image's key, and prints NAME STATE\n"
    "RESTARTS UPTIME MEMORY/LIMIT ISOLATION VERSION for each.\n\n"
    "  --json         the supervisor's answer as JSON, unchanged\n" CONTROL_OPTIONS_USAGE
    "  -h, --help     this help\n";

// "45s", "4m05s", "2h03m", "3d04h".
static char *uptime_format(double ms)
{
    unsigned long long s = ms > 0 ? (unsigned long long)(ms / 1000) : 0;
    if (s < 60) {
        return str_printf("%llus", s);
    }
    if (s < 3600) {
        return str_printf("%llum%02llus", s / 60, s % 60);
    }
    if (s < 86400) {
        return str_printf("%lluh%02llum", s / 3600, s % 3600 / 60);
    }
    return str_printf("%llud%02lluh", s / 86400, s % 86400 / 3600);
}

// "812 KiB", "1.5 MiB".
static char *kib_format(double kib)
{
    return kib < 1024 ? str_printf("%.0f KiB", kib)
                      : str_printf("%.1f MiB", kib / 1024);
}

static const char *field_string(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "-";
}

// A number field formatted by fmt, or "-" when it is absent.
static char *field_number(const cJSON *o, const char *name,
                          char *(*fmt)(double))
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? fmt(v->valuedouble) : "-";
}

static char *count_format(double n)
{
    return str_printf("%.0f", n);
}

// The cells of one service's row.
static void row_fill(const cJSON *svc, char *cells[STATUS_COLUMNS])
{
    const cJSON *limit =
        cJSON_GetObjectItemCaseSensitive(svc, "memory_limit_kib");
    cells[0] = (char *)field_string(svc, "name");
    cells[1] = (char *)field_string(svc, "state");
    cells[2] = field_number(svc, "restarts", count_format);
    cells[3] = field_number(svc, "uptime_ms", uptime_format);
    cells[4] = str_printf("%s/%s", field_number(svc, "memory_kib", kib_format),
                          cJSON_IsNumber(limit) && limit->valuedouble > 0
                              ? kib_format(limit->valuedouble)
                              : "none");
    cells[5] = (char *)field_string(svc, "isolation");
    cells[6] = (char *)field_string(svc, "version");
}

static int table_print(const char *json)
{
    cJSON *root = cJSON_Parse(json);
    const cJSON *services = cJSON_GetObjectItemCaseSensitive(root, "services");
    if (!cJSON_IsArray(services)) {
        cJSON_Delete(root);
        return out_error(EXIT_FAILED, "`ftl status --json` shows it",
                         "the system's status is not the JSON expected (no "
                         "\"services\" list)");
    }
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(root, "system");
    const char *image = field_string(sys, "image");
    printf("system up %s%s%.12s\n",
           field_number(sys, "uptime_ms", uptime_format),
           strcmp(image, "-") != 0 ? ", image " : "",
           strcmp(image, "-") != 0 ? image : "");
    int rows = cJSON_GetArraySize(services);
    char *(*cells)[STATUS_COLUMNS] = calloc((size_t)rows + 1, sizeof(*cells));
    static const char *const heads[STATUS_COLUMNS] = {
        "NAME",         "STATE",     "RESTARTS", "UPTIME",
        "MEMORY/LIMIT", "ISOLATION", "VERSION"};
    size_t width[STATUS_COLUMNS];
    for (int c = 0; c < STATUS_COLUMNS; c++) {
        cells[0][c] = (char *)heads[c];
    }
    for (int r = 0; r < rows; r++) {
        row_fill(cJSON_GetArrayItem(services, r), cells[r + 1]);
    }
    for (int c = 0; c < STATUS_COLUMNS; c++) {
        width[c] = 0;
        for (int r = 0; r <= rows; r++) {
            size_t w = strlen(cells[r][c]);
            width[c] = w > width[c] ? w : width[c];
        }
    }
    for (int r = 0; r <= rows; r++) {
        for (int c = 0; c < STATUS_COLUMNS; c++) {
            printf(c + 1 < STATUS_COLUMNS ? "%-*s  " : "%-*s\n",
                   c + 1 < STATUS_COLUMNS ? (int)width[c] : 0, cells[r][c]);
        }
    }
    free(cells);
    cJSON_Delete(root);
    return EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
    static const struct option options[] = {
        {"json", no_argument, NULL, 'j'},
        CONTROL_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct control_target t = {0};
    bool json = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'j') {
            json = true;
        } else if (control_option_take(&t, c, optarg)) {
            continue;
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return out_usage_error(usage, "unexpected argument \"%s\"",
                               argv[optind]);
    }
    int err = control_options_check(&t, usage);
    if (err == 0) {
        err = control_target_find(&t);
    }
    static struct control ctl;
    struct control_reply reply;
    struct control_request q = {.command = "status",
                                .timeout_s = CONTROL_REPLY_TIMEOUT_S};
    if (err != 0 || (err = control_open(&ctl, &t)) != 0) {
        return err;
    }
    err = control_call(&ctl, &q, &reply);
    control_close(&ctl);
    if (err != 0) {
        return err;
    }
    if (!reply.ok) {
        return out_error(EXIT_FAILED, NULL, "the system answered: %s",
                         reply.body);
    }
    if (json) {
        fputs(reply.body, stdout);
        if (reply.len == 0 || reply.body[reply.len - 1] != '\n') {
            putchar('\n');
        }
        return EXIT_OK;
    }
    return table_print(reply.body);
}
