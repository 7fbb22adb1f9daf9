// Project discovery (project.h).
#include "project.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int project_find(struct project *p)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        return out_error(EXIT_REFUSED, NULL, "cannot read the current folder");
    }
    char *dir = str_printf("%s", cwd);
    for (;;) {
        char *yaml = path_join(dir, "ftl.yaml");
        if (path_exists(yaml)) {
            p->root = dir;
            p->ftl_yaml = yaml;
            p->build = path_join(dir, "build");
            return 0;
        }
        if (strcmp(dir, "/") == 0) {
            break;
        }
        dir = path_dir(dir);
    }
    return out_error(EXIT_REFUSED,
                     "run this inside a project, or create one with "
                     "`ftl new NAME`",
                     "not in an FTL project (no ftl.yaml in %s or above)",
                     cwd);
}

char **project_folders(const struct project *p, const char *sub)
{
    char *dir = path_join(p->root, sub);
    char **names = dir_list(dir);
    size_t kept = 0;
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        char *spec = path_join(path_join(dir, names[i]), "service.yaml");
        if (path_exists(spec)) {
            names[kept++] = names[i];
        }
    }
    if (names == NULL) {
        names = calloc(1, sizeof(*names));
    } else {
        names[kept] = NULL;
    }
    return names;
}

// The service folder holding the current folder, or NULL.
static char *service_of_cwd(const struct project *p)
{
    char cwd[PATH_MAX];
    char *services = path_join(p->root, "services/");
    if (getcwd(cwd, sizeof(cwd)) == NULL ||
        strncmp(cwd, services, strlen(services)) != 0) {
        return NULL;
    }
    const char *rest = cwd + strlen(services);
    return str_printf("%.*s", (int)strcspn(rest, "/"), rest);
}

char *project_pick_service(const struct project *p, const char *given,
                           int *code)
{
    char **all = project_folders(p, "services");
    const char *name = given != NULL ? given : service_of_cwd(p);
    if (name == NULL && all[0] != NULL && all[1] == NULL) {
        name = all[0];
    }
    if (name == NULL) {
        *code = out_error(EXIT_USAGE, "name it with --service NAME",
                          all[0] == NULL ? "the project has no service"
                                         : "which service? the project has "
                                           "several");
        return NULL;
    }
    for (char **s = all; *s != NULL; s++) {
        if (strcmp(*s, name) == 0) {
            return *s;
        }
    }
    *code = out_error(EXIT_USAGE, "`ftl generate service NAME` creates one",
                      "no service %s (no services/%s/service.yaml)", name,
                      name);
    return NULL;
}
