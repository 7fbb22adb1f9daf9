// Text edits for the generators (edit.h). Deliberately line-based: the
// files are the user's, so an edit either fits the shape the templates
// created or is refused; it never guesses.
#include "edit.h"

#include "text.h"

#include <string.h>

// The first line whose first non-blank characters are "key:"; NULL if none.
static const char *line_with_key(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = text; *line != '\0';) {
        const char *p = line + strspn(line, " ");
        if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
            return line;
        }
        const char *nl = strchr(line, '\n');
        if (nl == NULL) {
            break;
        }
        line = nl + 1;
    }
    return NULL;
}

// Whether the flow list [open, close) holds item as one of its entries.
static bool list_has(const char *open, const char *close, const char *item)
{
    size_t len = strlen(item);
    for (const char *p = open + 1; p < close;) {
        p += strspn(p, " ,");
        size_t n = strcspn(p, ",]");
        while (n > 0 && p[n - 1] == ' ') {
            n--;
        }
        if (n == len && strncmp(p, item, len) == 0) {
            return true;
        }
        p += strcspn(p, ",]");
        if (*p == ']') {
            break;
        }
    }
    return false;
}

char *edit_list_add(const char *text, const char *key, const char *item)
{
    const char *line = line_with_key(text, key);
    if (line == NULL) {
        return NULL;
    }
    size_t line_len = strcspn(line, "\n");
    const char *open = memchr(line, '[', line_len);
    const char *close = open != NULL ? memchr(open, ']', line_len -
                                                        (size_t)(open - line))
                                     : NULL;
    if (close == NULL) {
        return NULL;
    }
    if (list_has(open, close, item)) {
        return (char *)text;
    }
    const char *last = close;
    while (last > open + 1 && last[-1] == ' ') {
        last--;
    }
    bool empty = last == open + 1;
    return str_printf("%.*s%s%s%s", (int)(last - text), text, empty ? "" : ", ",
                      item, close);
}

char *edit_insert_above(const char *text, const char *anchor, const char *line)
{
    const char *at = strstr(text, anchor);
    if (at == NULL) {
        return NULL;
    }
    const char *start = at;
    while (start > text && start[-1] != '\n') {
        start--;
    }
    size_t indent = strspn(start, " \t");
    return str_printf("%.*s%.*s%s\n%s", (int)(start - text), text, (int)indent,
                      start, line, start);
}

bool edit_has(const char *text, const char *needle)
{
    return strstr(text, needle) != NULL;
}
