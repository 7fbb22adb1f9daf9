// ftl generate: adds code the user owns to a project, like Rails
// generators: new files from the SDK's templates, plus small edits
// (edit.h) that wire them in. Every file created or changed is printed; if
// any new file exists already, or a file to change does not have the
// expected shape, nothing at all is written.
#include "commands.h"
#include "edit.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "project.h"
#include "route.h"
#include "sdk.h"
#include "template.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define DECLARATIONS_ANCHOR "// ftl generate handler: declarations above"
#define HANDLERS_ANCHOR "// ftl generate handler: registrations above"
#define CLIENTS_ANCHOR "// ftl generate client: calls above"
#define ROUTE_DECLARATIONS_ANCHOR "// ftl generate route: declarations above"
#define ROUTES_ANCHOR "// ftl generate route: registrations above"
#define RESOURCE_NAME_MAX 16 // keeps the generated lines within 80 columns
#define COLUMNS_MAX 80 // of the C the generators write

static const char usage[] =
    "usage: ftl generate service NAME\n"
    "       ftl generate handler open|read|write|getattr|setattr [--service S]\n"
    "       ftl generate client SERVICE [--service S]\n"
    "       ftl generate driver pci VENDOR:DEVICE [--name NAME]\n"
    "       ftl generate test NAME [--service S]\n"
    "       ftl generate route METHOD PATH [--service S]\n"
    "       ftl generate resource NAME [--service S]\n\n"
    "service  a new service in services/NAME, listed in ftl.yaml\n"
    "handler  services/S/on_TYPE.c, registered in services/S/main.c\n"
    "client   services/S/SERVICE_client.c, started from main.c; SERVICE is\n"
    "         added to S's requires (and to ftl.yaml when it is not there)\n"
    "driver   a driver service for that PCI device (hex IDs), with the\n"
    "         device grant in its spec; NAME defaults to driver_VVVV_DDDD\n"
    "test     tests/NAME, a test service that calls S (ftl test runs it)\n"
    "route    services/S/route_NAME.c, a handler of METHOD (GET, POST,\n"
    "         PUT, PATCH, DELETE) on PATH (/items/:id), registered in S's\n"
    "         main.c (an HTTP service: ftl new --template http)\n"
    "resource services/S/NAME.c and NAME_store.c: GET, POST /NAME and GET,\n"
    "         PUT, DELETE /NAME/:id over JSON objects in memory, registered\n"
    "         in main.c; tests/NAME_test calls each route (ftl test)\n\n"
    "  --service S  the service to change (default: the one whose folder\n"
    "               you are in, or the project's only one)\n"
    "  --name NAME  the driver's name\n"
    "  -h, --help   this help\n";

struct request {
    const char *kind;
    char **args; // positional arguments after the kind
    int arg_count;
    const char *service; // --service
    const char *name;    // --name
};

// The text of a project file, for editing; NULL after printing why not.
static char *project_text(const struct project *p, const char *rel, int *code)
{
    char *text = file_read(path_join(p->root, rel));
    if (text == NULL) {
        *code = out_error(EXIT_REFUSED, NULL, "cannot read %s", rel);
    }
    return text;
}

// Plans adding item to the one-line list `key: [...]` of file rel.
static int plan_list_add(struct plan *plan, const struct project *p,
                         const char *rel, const char *key, const char *item)
{
    int code = 0;
    char *text = project_text(p, rel, &code);
    if (text == NULL) {
        return code;
    }
    char *edited = edit_list_add(text, key, item);
    if (edited == NULL) {
        return out_error(EXIT_REFUSED,
                         str_printf("add %s to %s's %s yourself", item, rel,
                                    key),
                         "%s has no one-line `%s: [...]` list to add %s to",
                         rel, key, item);
    }
    if (edited != text) {
        plan_update_file(plan, rel, edited);
    }
    return 0;
}

// Plans inserting lines (NULL-terminated pairs of anchor, line) into rel.
static int plan_insert(struct plan *plan, const struct project *p,
                       const char *rel, const char *const *edits)
{
    int code = 0;
    char *text = project_text(p, rel, &code);
    for (; text != NULL && edits[0] != NULL; edits += 2) {
        char *edited = edit_insert_above(text, edits[0], edits[1]);
        if (edited == NULL) {
            return out_error(EXIT_REFUSED,
                             str_printf("add `%s` to %s yourself", edits[1],
                                        rel),
                             "%s has no line `%s this line`", rel, edits[0]);
        }
        text = edited;
    }
    if (text == NULL) {
        return code;
    }
    plan_update_file(plan, rel, text);
    return 0;
}

static int generate_service(const struct project *p, struct plan *plan,
                            const char *name, const char *template,
                            const char *const *vars)
{
    int err = plan_add_template(plan, template, vars);
    if (err == 0) {
        err = plan_list_add(plan, p, "ftl.yaml", "services", name);
    }
    return err;
}

// The C signature of each handler type, as the server helper wants it.
static const char *handler_params(const char *type)
{
    static const char *const table[] = {
        "open", "struct ftl_request *req, const char *path",
        "read", "struct ftl_request *req, uint64_t offset, size_t len",
        "write", "struct ftl_request *req, uint64_t offset, const void *data, "
                 "size_t len",
        "getattr", "struct ftl_request *req, const char *name",
        "setattr", "struct ftl_request *req, const char *name, "
                   "const char *value",
        NULL};
    for (const char *const *t = table; *t != NULL; t += 2) {
        if (strcmp(t[0], type) == 0) {
            return t[1];
        }
    }
    return NULL;
}

static int generate_handler(const struct project *p, struct plan *plan,
                            const char *type, const char *service,
                            const char *const *vars)
{
    const char *params = handler_params(type);
    if (params == NULL) {
        return out_usage_error(usage, "no handler type \"%s\"", type);
    }
    char *main_c = str_printf("services/%s/main.c", service);
    int code = 0;
    char *text = project_text(p, main_c, &code);
    if (text == NULL) {
        return code;
    }
    if (edit_has(text, str_printf(".on_%s =", type))) {
        return out_error(EXIT_REFUSED,
                         str_printf("edit its on_%s in %s", type, main_c),
                         "%s already registers an on_%s handler", service,
                         type);
    }
    char *ident = str_ident(service);
    const char *edits[] = {
        DECLARATIONS_ANCHOR,
        str_printf("void %s_on_%s(%s); // on_%s.c", ident, type, params, type),
        HANDLERS_ANCHOR, str_printf(".on_%s = %s_on_%s,", type, ident, type),
        NULL};
    int err = plan_add_template(plan, str_printf("handler/%s", type), vars);
    return err != 0 ? err : plan_insert(plan, p, main_c, edits);
}

static int generate_client(const struct project *p, struct plan *plan,
                           const char *target, const char *service,
                           const char *const *vars)
{
    if (!name_is_valid(target)) {
        return out_error(EXIT_USAGE, NULL, "\"%s\" is not a valid service name",
                         target);
    }
    if (strcmp(target, service) == 0) {
        return out_error(EXIT_USAGE, NULL, "a service cannot require itself");
    }
    bool in_project = path_exists(
        path_join(p->root, str_printf("services/%s/service.yaml", target)));
    bool in_base = path_exists(sdk_path(str_printf("base/services/%s", target)));
    if (!in_project && !in_base) {
        return out_error(EXIT_USAGE,
                         str_printf("create it with `ftl generate service %s`, "
                                    "or see the SDK's base/services/",
                                    target),
                         "no service %s in this project or the SDK's base",
                         target);
    }
    char *ident = str_ident(target);
    const char *edits[] = {
        DECLARATIONS_ANCHOR,
        str_printf("void %s_client_start(struct ftl_loop *loop, struct "
                   "ftl_client *supervisor); // %s_client.c",
                   ident, target),
        CLIENTS_ANCHOR,
        str_printf("%s_client_start(loop, supervisor);", ident), NULL};
    int err = plan_add_template(plan, "client", vars);
    if (err == 0) {
        err = plan_insert(plan, p, str_printf("services/%s/main.c", service),
                          edits);
    }
    if (err == 0) {
        err = plan_list_add(plan, p,
                            str_printf("services/%s/service.yaml", service),
                            "requires", target);
    }
    if (err == 0) {
        err = plan_list_add(plan, p, "ftl.yaml", "services", target);
    }
    return err;
}

// C of a call f(first, second) at indent, broken after first when the
// line would pass COLUMNS_MAX (the continuation aligned after the '(').
static char *call_text(int indent, const char *head, const char *first,
                       const char *second)
{
    int width = indent + (int)(strlen(head) + strlen(first) + strlen(second));
    if (width + 2 <= COLUMNS_MAX) {
        return str_printf("%s%s, %s", head, first, second);
    }
    int align = indent + (int)strlen(head);
    if (align + (int)strlen(second) <= COLUMNS_MAX) {
        return str_printf("%s%s,\n%*s%s", head, first, align, "", second);
    }
    return str_printf("%s\n%*s%s, %s", head, indent + 4, "", first, second);
}

// The handler's signature, "void route_NAME(...)" and then end, laid out
// as clang-format would.
static char *route_signature(const char *name, const char *end)
{
    return call_text(0, str_printf("void route_%s(", name),
                     "struct ftl_http_request *req",
                     str_printf("struct ftl_http_response *res, void *arg)%s",
                                end));
}

// The body lines that put the route and its path's parameters into the
// answer.
static char *route_params(const char *method, const char *path)
{
    char *lines = str_printf(
        "    %s\n", call_text(4, "cJSON_AddStringToObject(", "answer, \"route\"",
                            str_printf("\"%s %s\");", method, path)));
    for (const char *p = strchr(path, ':'); p != NULL; p = strchr(p, ':')) {
        p++;
        char *param = str_printf("%.*s", (int)strcspn(p, "/"), p);
        char *first = str_printf("answer, \"%s\"", param);
        char *second = str_printf("ftl_http_param(req, \"%s\"));", param);
        lines = str_printf(
            "%s    %s\n", lines,
            call_text(4, "cJSON_AddStringToObject(", first, second));
    }
    return lines;
}

static int generate_route(const struct project *p, struct plan *plan,
                          const struct request *r, const char *service,
                          const char **vars, int n)
{
    const char *method = r->args[0], *path = r->args[1];
    if (!route_method_is_valid(method)) {
        return out_error(EXIT_USAGE, "ftl generate route GET /items/:id",
                         "METHOD \"%s\" is not one of GET, POST, PUT, PATCH, "
                         "DELETE",
                         method);
    }
    if (!route_path_is_valid(path)) {
        return out_error(EXIT_USAGE,
                         str_printf("'/' then segments of letters, digits, "
                                    "'-', '_', '.', '~', or :param "
                                    "(/items/:id), at most %d characters",
                                    ROUTE_PATH_MAX),
                         "PATH \"%s\" is not a route pattern", path);
    }
    char *main_c = str_printf("services/%s/main.c", service);
    int code = 0;
    char *text = project_text(p, main_c, &code);
    if (text == NULL) {
        return code;
    }
    if (edit_has(text, str_printf("\"%s\", \"%s\"", method, path))) {
        return out_error(EXIT_REFUSED, str_printf("edit it in %s", main_c),
                         "%s already routes %s %s", service, method, path);
    }
    char *name = route_name(method, path);
    const char *added[] = {"route", name,
                           "method", method,
                           "path", path,
                           "signature", route_signature(name, ""),
                           "param_lines", route_params(method, path),
                           "unused", strchr(path, ':') != NULL
                                         ? "    (void)arg;\n"
                                         : "    (void)req;\n    (void)arg;\n",
                           NULL};
    memcpy(vars + n, added, sizeof(added)); // generate()'s vars has room
    const char *edits[] = {
        ROUTE_DECLARATIONS_ANCHOR,
        route_signature(name, ";"),
        ROUTES_ANCHOR,
        call_text(4, "ftl_http_route(",
                  str_printf("app, \"%s\", \"%s\"", method, path),
                  str_printf("route_%s, NULL);", name)),
        NULL};
    int err = plan_add_template(plan, "route", vars);
    return err != 0 ? err : plan_insert(plan, p, main_c, edits);
}

static int generate_resource(const struct project *p, struct plan *plan,
                             const char *name, const char *service,
                             const char *const *vars)
{
    if (!name_is_valid(name) || strlen(name) > RESOURCE_NAME_MAX) {
        return out_error(EXIT_USAGE,
                         str_printf("use a lowercase letter, then lowercase "
                                    "letters, digits, '_' or '-' (at most "
                                    "%d)",
                                    RESOURCE_NAME_MAX),
                         "NAME \"%s\" is not a valid resource name", name);
    }
    char *main_c = str_printf("services/%s/main.c", service);
    int code = 0;
    char *text = project_text(p, main_c, &code);
    if (text == NULL) {
        return code;
    }
    char *ident = str_ident(name);
    if (edit_has(text, str_printf("%s_register(", ident))) {
        return out_error(EXIT_REFUSED, "choose another name",
                         "%s already registers a resource %s", service, name);
    }
    // Routes are tried in the order added: one of main.c's own would
    // shadow the resource's.
    if (edit_has(text, str_printf("\"/%s\"", name)) ||
        edit_has(text, str_printf("\"/%s/:id\"", name))) {
        return out_error(EXIT_REFUSED,
                         str_printf("remove them from %s, or choose another "
                                    "name",
                                    main_c),
                         "%s already has routes on /%s", service, name);
    }
    char *declaration =
        str_printf("void %s_register(struct ftl_http_app *app);", ident);
    char *commented = str_printf("%s // %s.c", declaration, ident);
    const char *edits[] = {
        ROUTE_DECLARATIONS_ANCHOR,
        strlen(commented) <= COLUMNS_MAX ? commented : declaration,
        ROUTES_ANCHOR, str_printf("%s_register(app);", ident), NULL};
    int err = plan_add_template(plan, "resource", vars);
    return err != 0 ? err : plan_insert(plan, p, main_c, edits);
}

// Checks the positional argument count of a kind.
static int args_expect(const struct request *r, int count, const char *what)
{
    if (r->arg_count != count) {
        return out_usage_error(usage, "generate %s takes %s", r->kind, what);
    }
    return 0;
}

static int generate(const struct project *p, const struct request *r,
                    struct plan *plan)
{
    // Room for the common placeholders and a route's own (generate_route).
    const char *vars[24] = {"version", sdk_version()};
    int n = 2, err = 0;
    const char *service = NULL;
    bool needs_service = strcmp(r->kind, "handler") == 0 ||
                         strcmp(r->kind, "client") == 0 ||
                         strcmp(r->kind, "test") == 0 ||
                         strcmp(r->kind, "route") == 0 ||
                         strcmp(r->kind, "resource") == 0;
    if (needs_service &&
        (service = project_pick_service(p, r->service, &err)) == NULL) {
        return err;
    }
    if (service != NULL) {
        vars[n++] = "service";
        vars[n++] = service;
        vars[n++] = "service_ident";
        vars[n++] = str_ident(service);
    }
    const char *name = r->arg_count > 0 ? r->args[0] : "";
    if (strcmp(r->kind, "route") == 0) {
        err = args_expect(r, 2, "METHOD PATH");
        return err != 0 ? err : generate_route(p, plan, r, service, vars, n);
    }
    if (strcmp(r->kind, "driver") == 0) {
        uint16_t vendor, device;
        if ((err = args_expect(r, 2, "pci VENDOR:DEVICE")) != 0) {
            return err;
        }
        if (strcmp(r->args[0], "pci") != 0 ||
            !pci_id_parse(r->args[1], &vendor, &device)) {
            return out_usage_error(usage, "generate driver takes pci "
                                          "VENDOR:DEVICE in hex (1234:11e8)");
        }
        vars[n++] = "vendor";
        vars[n++] = str_printf("%04x", vendor);
        vars[n++] = "device";
        vars[n++] = str_printf("%04x", device);
        name = r->name != NULL ? r->name
                               : str_printf("driver_%04x_%04x", vendor, device);
    } else if ((err = args_expect(r, 1, "one argument")) != 0) {
        return err;
    }
    bool named = strcmp(r->kind, "service") == 0 ||
                 strcmp(r->kind, "driver") == 0 ||
                 strcmp(r->kind, "test") == 0;
    if (named && !name_is_valid(name)) {
        return out_error(EXIT_USAGE,
                         "use a lowercase letter, then lowercase letters, "
                         "digits, '_' or '-' (at most 31)",
                         "\"%s\" is not a valid name", name);
    }
    const char *dir = strcmp(r->kind, "test") == 0 ? "tests" : "services";
    if (named && path_exists(path_join(p->root, str_printf("%s/%s", dir, name)))) {
        return out_error(EXIT_REFUSED, "choose another name",
                         "%s/%s already exists", dir, name);
    }
    vars[n++] = "name";
    vars[n++] = name;
    vars[n++] = "ident";
    vars[n++] = str_ident(name);
    vars[n++] = "target";
    vars[n++] = name;
    vars[n++] = "target_ident";
    vars[n++] = str_ident(name);
    vars[n++] = "isolation"; // of a new service (ftl new --isolation)
    vars[n++] = "user";
    vars[n] = NULL;
    if (strcmp(r->kind, "service") == 0 || strcmp(r->kind, "driver") == 0) {
        return generate_service(p, plan, name, r->kind, vars);
    }
    if (strcmp(r->kind, "handler") == 0) {
        return generate_handler(p, plan, name, service, vars);
    }
    if (strcmp(r->kind, "client") == 0) {
        return generate_client(p, plan, name, service, vars);
    }
    if (strcmp(r->kind, "resource") == 0) {
        return generate_resource(p, plan, name, service, vars);
    }
    return plan_add_template(plan, "test", vars);
}

int cmd_generate(int argc, char **argv)
{
    static const struct option options[] = {
        {"service", required_argument, NULL, 's'},
        {"name", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct request r = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 's') {
            r.service = optarg;
        } else if (c == 'n') {
            r.name = optarg;
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (optind == argc) {
        return out_usage_error(usage, "what should be generated?");
    }
    r.kind = argv[optind];
    r.args = argv + optind + 1;
    r.arg_count = argc - optind - 1;
    const char *const kinds[] = {"service", "handler", "client", "driver",
                                 "test", "route", "resource", NULL};
    const char *const *k = kinds;
    while (*k != NULL && strcmp(*k, r.kind) != 0) {
        k++;
    }
    if (*k == NULL) {
        return out_usage_error(usage, "cannot generate \"%s\"", r.kind);
    }
    struct project p;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    static struct plan plan;
    plan.dest = p.root;
    err = generate(&p, &r, &plan);
    return err != 0 ? err : plan_write(&plan);
}
