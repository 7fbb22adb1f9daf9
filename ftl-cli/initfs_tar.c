// Reading an initfs archive (initfs_tar.h). `ftl build` packs it with GNU
// tar in ustar format (image.c): 512-byte headers with the name in two
// fields (prefix, name), the size in octal, the data padded to 512 bytes,
// two zero blocks at the end.
#include "initfs_tar.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512
#define NAME_AT 0
#define NAME_LEN 100
#define SIZE_AT 124
#define SIZE_LEN 12
#define TYPE_AT 156
#define MAGIC_AT 257
#define PREFIX_AT 345
#define PREFIX_LEN 155

void initfs_hash(const void *data, size_t len, char hex[INITFS_TAR_HASH_HEX])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned digest_len = 0;
    EVP_Digest(data, len, digest, &digest_len, EVP_sha256(), NULL);
    for (unsigned i = 0; i < digest_len && i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    }
    hex[64] = '\0';
}

static bool block_is_zero(const char *block)
{
    for (unsigned i = 0; i < BLOCK; i++) {
        if (block[i] != 0) {
            return false;
        }
    }
    return true;
}

// The member's size field (octal, space- or NUL-terminated); -1 if bad.
static long long header_size(const char *h)
{
    long long size = 0;
    unsigned i = 0;
    while (i < SIZE_LEN && h[SIZE_AT + i] == ' ') {
        i++;
    }
    for (; i < SIZE_LEN && h[SIZE_AT + i] >= '0' && h[SIZE_AT + i] <= '7';
         i++) {
        size = size * 8 + (h[SIZE_AT + i] - '0');
    }
    return i < SIZE_LEN && h[SIZE_AT + i] != '\0' && h[SIZE_AT + i] != ' '
               ? -1
               : size;
}

// prefix/name without a leading "./".
static void header_name(const char *h, char name[INITFS_TAR_NAME_MAX])
{
    if (h[PREFIX_AT] != '\0') {
        snprintf(name, INITFS_TAR_NAME_MAX, "%.*s/%.*s", PREFIX_LEN,
                 h + PREFIX_AT, NAME_LEN, h + NAME_AT);
    } else {
        snprintf(name, INITFS_TAR_NAME_MAX, "%.*s", NAME_LEN, h + NAME_AT);
    }
    if (name[0] == '.' && name[1] == '/') {
        memmove(name, name + 2, strlen(name + 2) + 1);
    }
}

static int bad_archive(const char *path, const char *why)
{
    return out_error(EXIT_FAILED, "rebuild with `ftl build`", "%s: %s", path,
                     why);
}

int initfs_tar_read(const char *path, struct initfs_tar *t)
{
    t->count = 0;
    t->data = file_read_len(path, &t->len);
    if (t->data == NULL) {
        return out_error(EXIT_FAILED, "rebuild with `ftl build`",
                         "cannot read %s", path);
    }
    for (size_t at = 0; at + BLOCK <= t->len;) {
        const char *h = t->data + at;
        if (block_is_zero(h)) {
            return 0;
        }
        long long size = header_size(h);
        if (memcmp(h + MAGIC_AT, "ustar", 5) != 0 || size < 0 ||
            (size_t)size > t->len - at - BLOCK) {
            return bad_archive(path, "not a ustar archive");
        }
        size_t span = BLOCK + ((size_t)size + BLOCK - 1) / BLOCK * BLOCK;
        if (h[TYPE_AT] == '0' || h[TYPE_AT] == '\0') {
            if (t->count == INITFS_TAR_FILES_MAX) {
                return bad_archive(path, "too many files");
            }
            struct initfs_file *f = &t->files[t->count++];
            header_name(h, f->name);
            f->size = (size_t)size;
            f->offset = at;
            f->span = span;
            initfs_hash(h + BLOCK, f->size, f->hash);
        }
        at += span > t->len - at ? t->len - at : span;
    }
    return 0;
}

const struct initfs_file *initfs_tar_find(const struct initfs_tar *t,
                                          const char *name)
{
    for (unsigned i = 0; i < t->count; i++) {
        if (strcmp(t->files[i].name, name) == 0) {
            return &t->files[i];
        }
    }
    return NULL;
}
