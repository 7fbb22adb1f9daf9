// File names as ftl-spec shows them: joined and tidied lexically
// ("tests/spec/bad/../services/a" -> "tests/spec/services/a"), so that
// error messages name files the way the user would.
#pragma once

#include <stdbool.h>

// The folder of a file name: "a/b/ftl.yaml" -> "a/b", "ftl.yaml" -> ".".
const char *path_dir(const char *file);

// dir/rel with "." and ".." resolved (rel as it is when absolute).
const char *path_join(const char *dir, const char *rel);

bool path_is_dir(const char *path);
bool path_is_file(const char *path);
