// The build pipeline of a project (image.h). Steps, each with a progress
// line: specs first (so that a spec error is reported before minutes of
// compiling), then every service folder through make, then the initfs and
// the ISO when their inputs changed.
#include "image.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "sdk.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INITFS_FILES_MAX (FTL_MANIFEST_SERVICES_MAX + 2 + 3)
#define INIT_PROGRAM "supervisor.elf"
#define TLS_SERVICE "tls"

// The tls service's files (docs/guides/tls.md), packed under tls/ in the
// initfs: ftl.yaml's spec.tls, else the project's build/tls/, where `ftl
// build` makes a development CA and a certificate for localhost signed by
// it. With a certificate of its own, a system trusts only spec.tls.ca (no
// CA at all without it), never the development CA.
static const char *const tls_files[] = {"cert.pem", "key.pem", "ca.pem"};
#define TLS_FILES 3

// Where services and tests are compiled: OUT/services/NAME/, OUT/tests/NAME/.
static char *objects_dir(const struct project *p, const struct image_options *o)
{
    return o->release ? path_join(p->build, "release") : p->build;
}

// The ftl.yaml of the test system: the project's services (by name, as the
// manifest lists them: overrides in ftl.yaml do not apply) and every test.
static int test_system_write(const struct project *p, const char *manifest,
                             const char *yaml)
{
    static struct ftl_manifest m;
    int err = spec_manifest_read(manifest, &m);
    if (err != 0) {
        return err;
    }
    char *text = str_printf("# Written by `ftl test`: %s's services and its "
                            "tests.\napiVersion: ftl/v1\nkind: System\n"
                            "metadata:\n  name: %s-test\nspec:\n",
                            m.system, m.system);
    if (m.cmdline[0] != '\0') {
        text = str_printf("%s  kernel:\n    cmdline: \"%s\"\n", text,
                          m.cmdline);
    }
    text = str_printf("%s  services:\n", text);
    for (unsigned i = 0; i < m.service_count; i++) {
        text = str_printf("%s    - %s\n", text, m.services[i].name);
    }
    char **tests = project_folders(p, "tests");
    for (char **t = tests; *t != NULL; t++) {
        text = str_printf("%s    - %s\n", text, *t);
    }
    return file_replace(yaml, text) < 0
               ? out_error(EXIT_FAILED, NULL, "cannot write %s: %s", yaml,
                           strerror(errno))
               : 0;
}

// Compiles the specs into dir/boot.manifest, replacing it only when its
// text changed (so that an unchanged system does not repack the initfs).
static int manifest_build(const struct project *p, const struct image *img,
                          const struct image_options *o)
{
    char *manifest = path_join(img->dir, "boot.manifest");
    char *fresh = str_printf("%s.new", manifest);
    char *yaml = p->ftl_yaml;
    out_step("SPEC", "ftl.yaml%s", o->tests ? " and tests/" : "");
    int err = spec_compile(p, yaml, fresh);
    if (err == 0 && o->tests) {
        yaml = path_join(img->dir, "ftl.yaml");
        err = test_system_write(p, fresh, yaml);
        if (err == 0) {
            err = spec_compile(p, yaml, fresh);
        }
    }
    if (err != 0) {
        return err;
    }
    char *old = file_read(manifest), *new = file_read(fresh);
    if (old != NULL && new != NULL && strcmp(old, new) == 0) {
        unlink(fresh);
        return 0;
    }
    return rename(fresh, manifest) < 0
               ? out_error(EXIT_FAILED, NULL, "cannot write %s: %s", manifest,
                           strerror(errno))
               : 0;
}

// make in one service folder, its objects in out.
static int service_build(const struct project *p, const char *sub,
                         const char *name, const char *out,
                         const struct image_options *o)
{
    char *folder = path_join(path_join(p->root, sub), name);
    char jobs[16];
    snprintf(jobs, sizeof(jobs), "-j%ld", sysconf(_SC_NPROCESSORS_ONLN));
    char *argv[] = {"make",
                    "--no-print-directory",
                    jobs,
                    "-C",
                    folder,
                    str_printf("FTL_SDK=%s", sdk_root()),
                    str_printf("SERVICE_OUT=%s", out),
                    o->release ? "CFLAGS=-DNDEBUG" : NULL,
                    NULL};
    int status = proc_run(argv, NULL);
    if (status != 0) {
        return out_error(EXIT_FAILED,
                         status < 0 ? "install make (run `ftl doctor`)"
                                    : "fix the errors above",
                         "building %s/%s failed", sub, name);
    }
    return 0;
}

static int services_build(const struct project *p, const struct image_options *o)
{
    const char *subs[] = {"services", o->tests ? "tests" : NULL};
    for (unsigned s = 0; s < 2 && subs[s] != NULL; s++) {
        char **names = project_folders(p, subs[s]);
        for (char **n = names; *n != NULL; n++) {
            char *out = path_join(path_join(objects_dir(p, o), subs[s]), *n);
            int err = service_build(p, subs[s], *n, out, o);
            if (err != 0) {
                return err;
            }
        }
    }
    return 0;
}

// The program `binary` of a manifest service: built by the project (a
// service or a test), else prebuilt in the SDK's base.
static char *binary_find(const struct project *p, const struct image_options *o,
                         const char *binary)
{
    const char *dirs[] = {path_join(objects_dir(p, o), "services"),
                          path_join(objects_dir(p, o), "tests"),
                          sdk_path("base/services")};
    for (unsigned d = 0; d < 3; d++) {
        char **names = dir_list(dirs[d]);
        for (char **n = names; names != NULL && *n != NULL; n++) {
            char *path = path_join(path_join(dirs[d], *n), binary);
            if (path_exists(path)) {
                return path;
            }
        }
    }
    return NULL;
}

// Strips the copy of a program in the staging folder as the source tree's
// initfs programs are (STRIP_PROGRAM in its Makefile): no debug sections,
// no symbol table; the loader needs neither. The project's own
// build/.../NAME.elf keeps both, for gdb.
static int program_strip(const char *path)
{
    char *strip[] = {"strip", "--strip-all", (char *)path, NULL};
    int status = proc_run(strip, NULL);
    if (status != 0) {
        return out_error(EXIT_FAILED,
                         status < 0 ? "install binutils (run `ftl doctor`)"
                                    : NULL,
                         "stripping %s failed", path_base(path));
    }
    return 0;
}

static bool uses_tls(const struct image *img)
{
    for (unsigned i = 0; i < img->manifest.service_count; i++) {
        if (strcmp(img->manifest.services[i].name, TLS_SERVICE) == 0) {
            return true;
        }
    }
    return false;
}

// Where each of tls_files comes from (NULL: none), into src; 0 or an exit
// code. Makes the development set when ftl.yaml names no certificate.
static int dev_tls_make(const struct project *p);
static int tls_sources(const struct project *p, struct image *img,
                       char *src[TLS_FILES])
{
    struct settings s;
    int err = spec_settings(p, p->ftl_yaml, &s);
    if (err != 0) {
        return err;
    }
    char *dev = path_join(p->build, "tls");
    img->tls_development = s.tls_certificate == NULL;
    if (img->tls_development) {
        err = dev_tls_make(p);
        for (unsigned i = 0; i < TLS_FILES; i++) {
            src[i] = path_join(dev, tls_files[i]);
        }
        if (s.tls_ca != NULL) {
            src[2] = path_join(p->root, s.tls_ca);
        }
        return err;
    }
    src[0] = path_join(p->root, s.tls_certificate);
    src[1] = path_join(p->root, s.tls_key);
    src[2] = s.tls_ca != NULL ? path_join(p->root, s.tls_ca) : NULL;
    return 0;
}

// The development CA and certificate in build/tls/ (the SDK's
// base/dev-tls.sh, on openssl), made once and kept; its output goes to
// build/tls/openssl.log, so no key material reaches the terminal.
static int dev_tls_make(const struct project *p)
{
    char *dir = path_join(p->build, "tls");
    bool fresh = !path_exists(path_join(dir, "ca.pem"));
    char *argv[] = {"bash", sdk_path("base/dev-tls.sh"), dir, NULL};
    int status = proc_run(argv, NULL);
    if (status != 0) {
        return out_error(EXIT_FAILED,
                         status < 0 ? "install bash and openssl (run `ftl "
                                      "doctor`)"
                                    : str_printf("see %s/openssl.log", dir),
                         "making the development certificate failed");
    }
    if (fresh) {
        out_step("TLS", "development CA and certificate for localhost in %s",
                 dir);
    }
    return 0;
}

// Copies the files into a fresh staging folder, strips the programs there,
// adds tls's files under tls/ (when tls is not NULL: tls_files' sources,
// NULL for one not packed), and tars it the way the source tree's initfs
// is made (ustar, reproducible).
static int initfs_pack(const struct image *img, char **files, unsigned count,
                       char **tls)
{
    char *stage = str_printf("%s.d", img->initfs);
    tree_remove(stage);
    if (dir_create(stage) < 0) {
        return out_error(EXIT_FAILED, NULL, "cannot create %s", stage);
    }
    for (unsigned i = 0; i < count; i++) {
        char *dst = path_join(stage, path_base(files[i]));
        if (file_copy(files[i], dst) < 0) {
            return out_error(EXIT_FAILED, NULL, "cannot copy %s: %s",
                             files[i], strerror(errno));
        }
        if (str_ends_with(dst, ".elf")) {
            int err = program_strip(dst);
            if (err != 0) {
                return err;
            }
        }
    }
    if (tls != NULL) {
        char *tls_stage = path_join(stage, "tls");
        if (dir_create(tls_stage) < 0) {
            return out_error(EXIT_FAILED, NULL, "cannot create %s", tls_stage);
        }
        for (unsigned i = 0; i < TLS_FILES; i++) {
            if (tls[i] != NULL &&
                file_copy(tls[i], path_join(tls_stage, tls_files[i])) < 0) {
                return out_error(EXIT_FAILED, NULL, "cannot copy %s: %s",
                                 tls[i], strerror(errno));
            }
        }
    }
    char *tar[] = {"tar", "--format=ustar", "--owner=0", "--group=0",
                   "--numeric-owner", "--mtime=@0", "--sort=name", "-cf",
                   img->initfs, "-C", stage, ".", NULL};
    int status = proc_run(tar, NULL);
    tree_remove(stage);
    return status == 0 ? 0
                       : out_error(EXIT_FAILED, "run `ftl doctor`",
                                   "packing %s failed", img->initfs);
}

// Whether target is missing or older than any of files.
static bool is_stale(const char *target, char **files, unsigned count)
{
    int64_t built = file_mtime(target);
    for (unsigned i = 0; i < count; i++) {
        if (built < 0 || file_mtime(files[i]) > built) {
            return true;
        }
    }
    return built < 0;
}

static int initfs_build(const struct project *p, struct image *img,
                        const struct image_options *o)
{
    char *files[INITFS_FILES_MAX];
    unsigned count = 0;
    files[count++] = sdk_path("base/" INIT_PROGRAM);
    files[count++] = path_join(img->dir, "boot.manifest");
    int err = spec_manifest_read(files[1], &img->manifest);
    if (err != 0) {
        return err;
    }
    for (unsigned i = 0; i < img->manifest.service_count; i++) {
        const struct ftl_manifest_service *s = &img->manifest.services[i];
        char *path = binary_find(p, o, s->binary);
        if (path == NULL) {
            return out_error(EXIT_FAILED,
                             "a project service is built as FOLDER.elf: "
                             "check spec.binary",
                             "no program %s for service %s", s->binary,
                             s->name);
        }
        files[count++] = img->programs[i] = path;
    }
    char *tls[TLS_FILES] = {NULL};
    unsigned tls_count = 0;
    if (uses_tls(img)) {
        err = tls_sources(p, img, tls);
        if (err != 0) {
            return err;
        }
        for (unsigned i = 0; i < TLS_FILES; i++) {
            if (tls[i] != NULL) {
                files[count + tls_count++] = tls[i];
            }
        }
    }
    // The list of files is part of the initfs too: dropping a service must
    // repack even though no remaining file is newer.
    char *list = path_join(img->dir, "initfs.list"), *text = str_printf("%s", "");
    for (unsigned i = 0; i < count + tls_count; i++) {
        text = str_printf("%s%s\n", text, files[i]);
    }
    char *old = file_read(list);
    if (old != NULL && strcmp(old, text) == 0 &&
        !is_stale(img->initfs, files, count + tls_count)) {
        return 0;
    }
    out_step("INITFS", "%s (%u services)", img->initfs,
             img->manifest.service_count);
    err = initfs_pack(img, files, count, uses_tls(img) ? tls : NULL);
    if (err == 0 && file_replace(list, text) < 0) {
        err = out_error(EXIT_FAILED, NULL, "cannot write %s", list);
    }
    return err;
}

// The base's grub.cfg with this system's kernel command line on its
// multiboot2 line.
static char *grub_cfg(const struct image *img)
{
    char *base = file_read(sdk_path("base/grub.cfg"));
    if (base == NULL) {
        return NULL;
    }
    char *line = strstr(base, "multiboot2 ");
    if (line == NULL) {
        return base;
    }
    size_t end = (size_t)(line - base) + strcspn(line, "\n");
    const char *rest = strstr(img->cmdline, " ");
    return str_printf("%.*s%s%s", (int)end, base, rest != NULL ? rest : "",
                      base + end);
}

static int iso_build(struct image *img)
{
    char *cfg_text = grub_cfg(img);
    char *tree = path_join(img->dir, "iso");
    char *inputs[] = {img->kernel, img->initfs};
    char *cfg = path_join(tree, "boot/grub/grub.cfg");
    char *old_cfg = file_read(cfg);
    if (cfg_text == NULL) {
        return out_error(EXIT_ENV, "reinstall the SDK", "no base/grub.cfg");
    }
    if (old_cfg != NULL && strcmp(old_cfg, cfg_text) == 0 &&
        !is_stale(img->iso, inputs, 2)) {
        return 0;
    }
    out_step("ISO", "%s", img->iso);
    char *log = path_join(img->dir, "grub-mkrescue.log");
    if (file_replace(cfg, cfg_text) < 0 ||
        file_copy(img->kernel, path_join(tree, "boot/ftl-kernel.elf")) < 0 ||
        file_copy(img->initfs, path_join(tree, "boot/initfs.tar")) < 0) {
        return out_error(EXIT_FAILED, NULL, "cannot fill %s: %s", tree,
                         strerror(errno));
    }
    char *argv[] = {"grub-mkrescue", "-o", img->iso, tree, NULL};
    struct proc_options opt = {.log = log};
    if (proc_run(argv, &opt) != 0) {
        return out_error(EXIT_FAILED,
                         str_printf("see %s; `ftl doctor` checks the GRUB "
                                    "tools",
                                    log),
                         "grub-mkrescue failed");
    }
    return 0;
}

static void summary_print(const struct project *p, const struct image *img)
{
    long long kernel = file_size(img->kernel), initfs = file_size(img->initfs);
    out_ok("built %s: %u services; image %lld KiB (kernel %lld KiB + initfs "
           "%lld KiB)",
           img->manifest.system, img->manifest.service_count,
           (kernel + initfs) / 1024, kernel / 1024, initfs / 1024);
    if (uses_tls(img) && img->tls_development) {
        char *ca = path_join(path_join(p->build, "tls"), "ca.pem");
        out_info("HTTPS with the development certificate for localhost: "
                 "trust %s (curl --cacert %s)",
                 ca, ca);
    }
    if (img->iso != NULL) {
        out_ok("bootable ISO (GRUB, also a raw disk image): %s, %lld KiB",
               img->iso, file_size(img->iso) / 1024);
    }
}

int image_build(const struct project *p, const struct image_options *o,
                struct image *img)
{
    img->dir = o->tests ? path_join(p->build, "test") : objects_dir(p, o);
    img->kernel = sdk_path("base/ftl-kernel.elf");
    img->initfs = path_join(img->dir, "initfs.tar");
    img->iso = o->iso ? path_join(img->dir, "ftl.iso") : NULL;
    int err = manifest_build(p, img, o);
    if (err == 0) {
        err = services_build(p, o);
    }
    if (err == 0) {
        err = initfs_build(p, img, o);
    }
    if (err != 0) {
        return err;
    }
    img->cmdline = img->manifest.cmdline[0] != '\0'
                       ? str_printf("ftl.init=" INIT_PROGRAM " %s",
                                    img->manifest.cmdline)
                       : str_printf("ftl.init=" INIT_PROGRAM);
    if (o->iso) {
        err = iso_build(img);
    }
    if (err == 0 && !o->quiet) {
        summary_print(p, img);
    }
    return err;
}
