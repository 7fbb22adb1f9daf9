// File and folder helpers (files.h), on plain POSIX calls.
#include "files.h"

#include "text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool path_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *path_join(const char *dir, const char *name)
{
    if (name[0] == '/') {
        return str_printf("%s", name);
    }
    return str_printf("%s/%s", dir, name);
}

char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return str_printf(".");
    }
    if (slash == path) {
        return str_printf("/");
    }
    return str_printf("%.*s", (int)(slash - path), path);
}

const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

int dir_create(const char *path)
{
    if (path_is_dir(path)) {
        return 0;
    }
    char *parent = path_dir(path);
    if (strcmp(parent, path) != 0 && dir_create(parent) < 0) {
        return -1;
    }
    return mkdir(path, 0777) < 0 && errno != EEXIST ? -1 : 0;
}

static int name_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **dir_list(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        return NULL;
    }
    size_t count = 0, cap = 16;
    char **names = malloc(cap * sizeof(*names));
    struct dirent *e;
    while (names != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        if (count + 2 > cap) {
            cap *= 2;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL) {
                break;
            }
        }
        names[count++] = str_printf("%s", e->d_name);
    }
    closedir(d);
    if (names == NULL) {
        return NULL;
    }
    names[count] = NULL;
    qsort(names, count, sizeof(*names), name_compare);
    return names;
}

int tree_remove(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        return errno == ENOENT ? 0 : -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        return unlink(path);
    }
    char **names = dir_list(path);
    for (char **n = names; n != NULL && *n != NULL; n++) {
        if (tree_remove(path_join(path, *n)) < 0) {
            return -1;
        }
    }
    return rmdir(path);
}

char *file_read(const char *path)
{
    size_t len;
    return file_read_len(path, &len);
}

char *file_read_len(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    size_t n;
    while (text != NULL && (n = fread(text + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            text = realloc(text, cap);
        }
    }
    fclose(f);
    if (text != NULL) {
        text[len] = '\0';
        *out_len = len;
    }
    return text;
}

// Writes all of text to fd; 0 or -1.
static int fd_write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        text += n;
        len -= (size_t)n;
    }
    return 0;
}

// Opens path with flags (O_CREAT...), writes text, closes; 0 or -1.
static int file_write_flags(const char *path, const char *text, int flags,
                            mode_t mode)
{
    int fd = open(path, flags | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        return -1;
    }
    int err = fd_write_all(fd, text, strlen(text));
    int saved = errno;
    if (close(fd) < 0 && err == 0) {
        return -1;
    }
    errno = saved;
    return err;
}

int file_create(const char *path, const char *text)
{
    if (dir_create(path_dir(path)) < 0) {
        return -1;
    }
    return file_write_flags(path, text, O_CREAT | O_EXCL, 0666);
}

int file_replace(const char *path, const char *text)
{
    char *tmp = str_printf("%s.tmp", path);
    if (dir_create(path_dir(path)) < 0 ||
        file_write_flags(tmp, text, O_CREAT | O_TRUNC, 0666) < 0) {
        return -1;
    }
    return rename(tmp, path);
}

int file_copy(const char *src, const char *dst)
{
    struct stat st;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0 || fstat(in, &st) < 0) {
        return -1;
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                   st.st_mode & 0777);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int err = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0 && err == 0) {
        err = fd_write_all(out, buf, (size_t)n);
    }
    close(in);
    if (close(out) < 0 || n < 0) {
        err = -1;
    }
    return err;
}

int64_t file_mtime(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        return -1;
    }
    return (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) < 0 ? -1 : (long long)st.st_size;
}

static bool name_in(const char *name, const char *const *list)
{
    for (; list != NULL && *list != NULL; list++) {
        if (strcmp(name, *list) == 0) {
            return true;
        }
    }
    return false;
}

int64_t tree_mtime(const char *dir, const char *const *skip)
{
    int64_t newest = file_mtime(dir);
    if (newest < 0 || !path_is_dir(dir)) {
        return newest;
    }
    // Freed as it goes, unlike most of ftl's strings: ftl dev walks the
    // project twenty times a second for as long as it runs.
    char **names = dir_list(dir);
    for (char **n = names; n != NULL && *n != NULL; n++) {
        if (!name_in(*n, skip)) {
            char *path = path_join(dir, *n);
            int64_t t = tree_mtime(path, skip);
            newest = t > newest ? t : newest;
            free(path);
        }
        free(*n);
    }
    free(names);
    return newest;
}
