// Template expansion (template.h).
#include "template.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "sdk.h"
#include "text.h"

#include <errno.h>
#include <string.h>

static void plan_put(struct plan *plan, const char *path, const char *text,
                     bool update)
{
    for (unsigned i = 0; i < plan->count; i++) {
        if (strcmp(plan->paths[i], path) == 0) {
            plan->texts[i] = text;
            return;
        }
    }
    if (plan->count == PLAN_FILES_MAX) {
        out_warn("too many template files; %s left out", path);
        return;
    }
    plan->updates[plan->count] = update;
    plan->paths[plan->count] = path;
    plan->texts[plan->count++] = text;
}

void plan_add_file(struct plan *plan, const char *path, const char *text)
{
    plan_put(plan, path, text, false);
}

void plan_update_file(struct plan *plan, const char *path, const char *text)
{
    plan_put(plan, path, text, true);
}

// Adds the files under dir (a template folder), rel being their path in
// the template so far.
static int add_tree(struct plan *plan, const char *dir, const char *rel,
                    const char *const *vars)
{
    char **names = dir_list(dir);
    if (names == NULL) {
        return -1;
    }
    for (char **n = names; *n != NULL; n++) {
        char *src = path_join(dir, *n);
        char *dst_rel = *rel != '\0' ? str_printf("%s/%s", rel, *n)
                                     : str_printf("%s", *n);
        if (path_is_dir(src)) {
            if (add_tree(plan, src, dst_rel, vars) < 0) {
                return -1;
            }
            continue;
        }
        char *text = file_read(src);
        if (text == NULL) {
            return -1;
        }
        plan_add_file(plan, str_expand(dst_rel, vars), str_expand(text, vars));
    }
    return 0;
}

int plan_add_template(struct plan *plan, const char *name,
                      const char *const *vars)
{
    char *dir = sdk_path(str_printf("templates/%s", name));
    if (add_tree(plan, dir, "", vars) < 0) {
        return out_error(EXIT_ENV, "reinstall the SDK",
                         "cannot read template %s: %s", dir, strerror(errno));
    }
    return 0;
}

int plan_write(const struct plan *plan)
{
    for (unsigned i = 0; i < plan->count; i++) {
        char *path = path_join(plan->dest, plan->paths[i]);
        if (!plan->updates[i] && path_exists(path)) {
            return out_error(EXIT_REFUSED,
                             "nothing was written; move the file away or "
                             "choose another name",
                             "%s already exists", path);
        }
    }
    for (unsigned i = 0; i < plan->count; i++) {
        char *path = path_join(plan->dest, plan->paths[i]);
        int err = plan->updates[i] ? file_replace(path, plan->texts[i])
                                   : file_create(path, plan->texts[i]);
        if (err < 0) {
            return out_error(EXIT_FAILED, NULL, "cannot write %s: %s", path,
                             strerror(errno));
        }
        out_step(plan->updates[i] ? "update" : "create", "%s", path);
    }
    return 0;
}
