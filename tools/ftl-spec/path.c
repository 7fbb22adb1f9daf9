// Lexical path handling: no symlinks are followed, which is what a user
// reading the message expects to see.
#include "path.h"

#include "pool.h"

#include <string.h>
#include <sys/stat.h>

const char *path_dir(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (slash == NULL) {
        return ".";
    }
    if (slash == file) {
        return "/";
    }
    return pool_printf("%.*s", (int)(slash - file), file);
}

// Removes empty and "." segments and folds "x/.." in place; ".." that
// cannot fold stays, except right after the root. The output never gets
// ahead of the input: each segment written is preceded by at most the one
// separator that was read before it.
static void path_tidy(char *path)
{
    bool absolute = path[0] == '/';
    char *start = path + absolute;
    char *out = start, *in = start;
    char *floor = start; // a ".." may not fold what is left of this
    while (*in != '\0') {
        size_t len = strcspn(in, "/");
        char *next = in + len + (in[len] == '/');
        bool dotdot = len == 2 && in[0] == '.' && in[1] == '.';
        if (len == 0 || (len == 1 && in[0] == '.')) {
            // nothing to keep
        } else if (dotdot && out > floor) {
            while (out > floor && out[-1] != '/') {
                out--;
            }
            if (out > start) {
                out--; // the separator before the dropped segment
            }
        } else if (dotdot && absolute) {
            // "/.." is "/"
        } else {
            if (out > start) {
                *out++ = '/';
            }
            memmove(out, in, len);
            out += len;
            if (dotdot) {
                floor = out;
            }
        }
        in = next;
    }
    *out = '\0';
    if (path[0] == '\0') {
        strcpy(path, ".");
    }
}

const char *path_join(const char *dir, const char *rel)
{
    // Never shorter than two bytes and its NUL: path_tidy may turn what
    // is left ("" from "./") into ".".
    char *joined = rel[0] == '/' ? pool_printf("%s", rel)
                                 : pool_printf("%s/%s", dir, rel);
    path_tidy(joined);
    return joined;
}

bool path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool path_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
