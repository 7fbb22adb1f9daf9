// Embedded files: the assembler's .incbin copies each file of www/ into
// read-only data when this file is compiled (from this folder, where
// service.mk runs the compiler), so the site needs no file system and no
// generator. The Makefile makes files.o depend on www/.
#include "files.h"

#include <string.h>

// Defines NAME (the bytes of FILE) and NAME_end, right after them.
#define EMBED(name, file)                                                      \
    __asm__(".section .rodata\n"                                               \
            ".balign 16\n" #name ":\n"                                         \
            ".incbin \"" file "\"\n" #name "_end:\n"                           \
            ".previous\n");                                                    \
    extern const unsigned char name[] __attribute__((visibility("hidden")));   \
    extern const unsigned char name##_end[]                                    \
        __attribute__((visibility("hidden")))

EMBED(index_html, "www/index.html");
EMBED(style_css, "www/style.css");

static struct file files[] = {
    {"/index.html", "text/html; charset=utf-8", index_html, 0},
    {"/style.css", "text/css; charset=utf-8", style_css, 0},
};

const struct file *files_lookup(const char *path)
{
    // Sizes are link-time differences: fill them in on first use.
    files[0].size = (size_t)(index_html_end - index_html);
    files[1].size = (size_t)(style_css_end - style_css);
    if (strcmp(path, "/") == 0) {
        path = "/index.html";
    }
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (strcmp(files[i].path, path) == 0) {
            return &files[i];
        }
    }
    return NULL;
}
