// String helpers and the checks of user-typed names and numbers (text.h).
#include "text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_LEN 31

static void *checked(void *p)
{
    if (p == NULL) {
        fputs("ftl: error: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

char *str_printf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return checked(n < 0 ? NULL : s);
}

// The value of "{{key}}" at s (which points at "{{"), or NULL; *len is the
// length of the whole placeholder.
static const char *lookup(const char *s, const char *const *vars, size_t *len)
{
    for (const char *const *v = vars; v[0] != NULL; v += 2) {
        size_t klen = strlen(v[0]);
        if (strncmp(s + 2, v[0], klen) == 0 && strncmp(s + 2 + klen, "}}", 2) == 0) {
            *len = klen + 4;
            return v[1];
        }
    }
    return NULL;
}

char *str_expand(const char *s, const char *const *vars)
{
    size_t cap = strlen(s) + 1, used = 0;
    char *out = checked(malloc(cap));
    while (*s != '\0') {
        size_t skip = 1;
        const char *value = strncmp(s, "{{", 2) == 0 ? lookup(s, vars, &skip)
                                                     : NULL;
        const char *piece = value != NULL ? value : s;
        size_t len = value != NULL ? strlen(value) : 1;
        if (used + len + 1 > cap) {
            cap = (used + len + 1) * 2;
            out = checked(realloc(out, cap));
        }
        memcpy(out + used, piece, len);
        used += len;
        s += skip;
    }
    out[used] = '\0';
    return out;
}

bool name_is_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > NAME_MAX_LEN || !islower((unsigned char)s[0])) {
        return false;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
            *p != '_' && *p != '-') {
            return false;
        }
    }
    return true;
}

char *str_ident(const char *s)
{
    char *out = str_printf("%s", s);
    for (char *p = out; *p != '\0'; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }
    return out;
}

char *str_upper(const char *s)
{
    char *out = str_ident(s);
    for (char *p = out; *p != '\0'; p++) {
        *p = (char)toupper((unsigned char)*p);
    }
    return out;
}

// A decimal number from 1 to max at *s, advancing *s; false if none.
static bool number_parse(const char **s, unsigned long max,
                         unsigned long *value)
{
    if (!isdigit((unsigned char)**s)) {
        return false;
    }
    char *end;
    *value = strtoul(*s, &end, 10);
    *s = end;
    return *value >= 1 && *value <= max;
}

bool port_parse(const char *s, unsigned *host, unsigned *guest, bool *udp)
{
    unsigned long h, g;
    if (!number_parse(&s, 65535, &h) || *s++ != ':' ||
        !number_parse(&s, 65535, &g)) {
        return false;
    }
    *udp = strcmp(s, "/udp") == 0;
    if (*s != '\0' && !*udp && strcmp(s, "/tcp") != 0) {
        return false;
    }
    *host = (unsigned)h;
    *guest = (unsigned)g;
    return true;
}

bool memory_parse_mib(const char *s, unsigned long *mib)
{
    unsigned long n;
    if (!number_parse(&s, 1ul << 20, &n)) {
        return false;
    }
    if (strcmp(s, "G") == 0 || strcmp(s, "GiB") == 0) {
        n *= 1024;
    } else if (*s != '\0' && strcmp(s, "M") != 0 && strcmp(s, "MiB") != 0) {
        return false;
    }
    *mib = n;
    return n >= 16;
}

// A hexadecimal 16-bit number, "0x" optional, ending at *end.
static bool hex16_parse(const char *s, const char *end, uint16_t *value)
{
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
    }
    if (s == end || end - s > 4) {
        return false;
    }
    unsigned v = 0;
    for (; s < end; s++) {
        if (!isxdigit((unsigned char)*s)) {
            return false;
        }
        v = v * 16 + (unsigned)(isdigit((unsigned char)*s)
                                    ? *s - '0'
                                    : tolower((unsigned char)*s) - 'a' + 10);
    }
    *value = (uint16_t)v;
    return true;
}

bool pci_id_parse(const char *s, uint16_t *vendor, uint16_t *device)
{
    const char *colon = strchr(s, ':');
    return colon != NULL && hex16_parse(s, colon, vendor) &&
           hex16_parse(colon + 1, colon + 1 + strlen(colon + 1), device);
}

bool str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}
