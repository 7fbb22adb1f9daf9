// HTTP routes as `ftl generate route` takes them (route.h): the checks a
// method and a path pattern must pass, and the name that a route's file
// and handler get. Paths are held to what the generated C can quote as it
// is and fit in 80 columns.
#include "route.h"

#include "text.h"

#include <ctype.h>
#include <string.h>

bool route_method_is_valid(const char *method)
{
    static const char *const methods[] = {"GET",   "POST",   "PUT",
                                          "PATCH", "DELETE", NULL};
    for (const char *const *m = methods; *m != NULL; m++) {
        if (strcmp(*m, method) == 0) {
            return true;
        }
    }
    return false;
}

bool route_path_is_valid(const char *path)
{
    if (path[0] != '/' || strlen(path) > ROUTE_PATH_MAX) {
        return false;
    }
    if (path[1] == '\0') {
        return true;
    }
    for (const char *seg = path + 1;; seg++) {
        size_t len = strcspn(seg, "/");
        if (len == 0) {
            return false; // an empty segment: "//" or a trailing '/'
        }
        bool param = seg[0] == ':';
        if (param && (len == 1 || !islower((unsigned char)seg[1]))) {
            return false;
        }
        for (size_t i = param ? 1 : 0; i < len; i++) {
            unsigned char c = (unsigned char)seg[i];
            bool ok = param ? islower(c) || isdigit(c) || c == '_'
                            : isalnum(c) || strchr("-_.~", c) != NULL;
            if (!ok) {
                return false;
            }
        }
        seg += len;
        if (*seg == '\0') {
            return true;
        }
    }
}

char *route_name(const char *method, const char *path)
{
    char *name = str_printf("%s%s", method, path[1] == '\0' ? "/root" : path);
    char *out = name;
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == ':') {
            continue;
        }
        *out++ =
            isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    }
    *out = '\0';
    return name;
}
