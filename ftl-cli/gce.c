// The GCE image (gce.h). GCE's image import wants a gzip'd tar in GNU's
// oldgnu format whose only member is disk.raw, a whole number of GiB. The
// hybrid ISO grub-mkrescue writes boots from its MBR as a disk, so the
// disk is the ISO copied without its zero blocks and grown with
// ftruncate: a 1 GiB file that holds a few MiB. GNU tar's -S keeps the
// holes in the archive.
#include "gce.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_BLOCK 65536

static bool block_is_zero(const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0) {
            return false;
        }
    }
    return true;
}

// Copies src to dst leaving holes for zero blocks, then grows dst to the
// next whole GiB; 0 or -1 with errno set.
static int disk_write(const char *src, const char *dst)
{
    static char buf[COPY_BLOCK];
    int in = open(src, O_RDONLY | O_CLOEXEC);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    long long size = 0;
    ssize_t n = 0;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0) {
        if (block_is_zero(buf, (size_t)n)) {
            n = lseek(out, n, SEEK_CUR) < 0 ? -1 : n;
        } else if (write(out, buf, (size_t)n) != n) {
            n = -1;
        }
        if (n < 0) {
            break;
        }
        size += n;
    }
    long long whole = (size + GCE_GIB - 1) / GCE_GIB * GCE_GIB;
    int err =
        in < 0 || out < 0 || n < 0 || size == 0 || ftruncate(out, whole) < 0
            ? -1
            : 0;
    int saved = errno;
    if (in >= 0) {
        close(in);
    }
    if (out >= 0 && close(out) < 0) {
        err = -1;
    }
    errno = saved;
    return err;
}

static void sizes_print(const struct gce_image *g)
{
    struct stat st;
    long long used = stat(g->disk, &st) == 0 ? (long long)st.st_blocks / 2 : 0;
    out_ok("GCE disk: %s, %lld GiB (%lld KiB on disk, sparse)", g->disk,
           file_size(g->disk) / GCE_GIB, used);
    out_ok("GCE image: %s, %lld KiB", g->tarball, file_size(g->tarball) / 1024);
}

int gce_image_build(const struct image *img, struct gce_image *g)
{
    char *dir = path_join(img->dir, "gce");
    g->disk = path_join(dir, "disk.raw");
    g->tarball = path_join(dir, "ftl-gce.tar.gz");
    if (file_mtime(g->tarball) > file_mtime(img->iso) &&
        file_mtime(g->disk) > file_mtime(img->iso)) {
        sizes_print(g);
        return 0;
    }
    out_step("GCE", "%s", g->tarball);
    if (dir_create(dir) < 0 || disk_write(img->iso, g->disk) < 0) {
        return out_error(EXIT_FAILED, "run `ftl build` again",
                         "cannot write %s: %s", g->disk, strerror(errno));
    }
    char *argv[] = {"tar", "--format=oldgnu", "-Sczf", g->tarball, "-C",
                    dir,   "disk.raw",        NULL};
    int status = proc_run(argv, NULL);
    if (status != 0) {
        unlink(g->tarball);
        return out_error(status == 127 ? EXIT_ENV : EXIT_FAILED,
                         "GNU tar packs it (`ftl doctor` checks for it)",
                         "cannot pack %s", g->tarball);
    }
    sizes_print(g);
    return 0;
}

bool gce_name_is_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-') {
        return false;
    }
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

char *gce_name(const char *name)
{
    char *s = str_printf("%s", name);
    for (char *c = s; *c != '\0'; c++) {
        *c = *c == '_' ? '-' : *c;
    }
    return s;
}
