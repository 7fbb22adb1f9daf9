// A small vsnprintf for the kernel. Output goes through a cursor that counts
// every byte but stores only what fits, so truncation never overruns and the
// return value still tells the full length.
#include "lib/fmt.h"

#include <stdbool.h>
#include <stdint.h>

struct cursor {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct cursor *c, char ch)
{
    if (c->len + 1 < c->size) {
        c->buf[c->len] = ch;
    }
    c->len++;
}

static void put_padded(struct cursor *c, const char *text, size_t len,
                       int width, bool left, char pad)
{
    int fill = width > (int)len ? width - (int)len : 0;
    if (!left) {
        while (fill-- > 0) {
            put(c, pad);
        }
    }
    for (size_t i = 0; i < len; i++) {
        put(c, text[i]);
    }
    if (left) {
        while (fill-- > 0) {
            put(c, ' ');
        }
    }
}

static void put_number(struct cursor *c, uint64_t value, bool negative,
                       unsigned base, bool upper, int width, bool left,
                       char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    size_t at = sizeof(text);
    do {
        text[--at] = digits[value % base];
        value /= base;
    } while (value != 0);
    if (negative) {
        if (pad == '0' && width > 0) {
            put(c, '-'); // sign before the zeros: -0042
            width--;
        } else {
            text[--at] = '-';
        }
    }
    put_padded(c, text + at, sizeof(text) - at, width, left, pad);
}

int fmt_vformat(char *buf, size_t size, const char *format, va_list args)
{
    struct cursor c = {.buf = buf, .size = size, .len = 0};
    for (const char *p = format; *p != '\0'; p++) {
        if (*p != '%') {
            put(&c, *p);
            continue;
        }
        p++;
        bool left = false;
        char pad = ' ';
        for (; *p == '-' || *p == '0'; p++) {
            if (*p == '-') {
                left = true;
            } else {
                pad = '0';
            }
        }
        int width = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            width = width * 10 + (*p - '0');
        }
        int longs = 0;
        for (; *p == 'l' || *p == 'z'; p++) {
            longs++;
        }
        if (left) {
            pad = ' ';
        }
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs ? va_arg(args, int64_t) : va_arg(args, int);
            uint64_t magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&c, magnitude, v < 0, 10, false, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v =
                longs ? va_arg(args, uint64_t) : va_arg(args, unsigned int);
            unsigned base = *p == 'u' ? 10 : 16;
            put_number(&c, v, false, base, *p == 'X', width, left, pad);
            break;
        }
        case 'p':
            put(&c, '0');
            put(&c, 'x');
            put_number(&c, (uintptr_t)va_arg(args, void *), false, 16, false,
                       width, left, pad);
            break;
        case 's': {
            const char *s = va_arg(args, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            size_t len = 0;
            while (s[len] != '\0') {
                len++;
            }
            put_padded(&c, s, len, width, left, ' ');
            break;
        }
        case 'c': {
            char ch = (char)va_arg(args, int);
            put_padded(&c, &ch, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&c, '%');
            break;
        case '\0':
            p--; // a lone '%' at the end: stop at the terminator
            break;
        default: // unknown conversion: show it as written
            put(&c, '%');
            put(&c, *p);
            break;
        }
    }
    if (size > 0) {
        buf[c.len < size ? c.len : size - 1] = '\0';
    }
    return (int)c.len;
}

int fmt_format(char *buf, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    int len = fmt_vformat(buf, size, format, args);
    va_end(args);
    return len;
}
