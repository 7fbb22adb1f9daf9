// Templates: folders under the SDK's templates/ whose files are copied into
// a project with "{{key}}" placeholders filled in, in file contents and in
// paths (templates/service/services/{{name}}/main.c). A plan collects the
// files of one or more templates first and writes them only when none of
// them exists yet, so a refused command leaves nothing half-written.
#pragma once

#include <stdbool.h>

#define PLAN_FILES_MAX 64

struct plan {
    const char *dest; // the folder paths are relative to
    unsigned count;
    const char *paths[PLAN_FILES_MAX]; // relative to dest
    const char *texts[PLAN_FILES_MAX];
    bool updates[PLAN_FILES_MAX]; // an existing file changed, not a new one
};

// Adds the files of templates/NAME, expanded with vars (key, value, ...,
// NULL). A later file with the same path replaces an earlier one. 0, or an
// exit code after printing why not (the template is missing).
int plan_add_template(struct plan *plan, const char *name,
                      const char *const *vars);

// Adds one new file.
void plan_add_file(struct plan *plan, const char *path, const char *text);

// Adds a change to an existing file: its whole new text.
void plan_update_file(struct plan *plan, const char *path, const char *text);

// Refuses (EXIT_REFUSED, naming the first one) if any new file exists;
// else writes them all, printing "create PATH" or "update PATH" for each.
// 0 or an exit code.
int plan_write(const struct plan *plan);
