#!/usr/bin/env bash
# A service's public/ folder, packed into its program (sdk/mk/public.sh,
# run by sdk/mk/service.mk) for ftl_http_public (docs/sdk/http.md):
#   - the generated table, compiled for the host with a small reader,
#     holds every file but hidden ones, with its path, content type, size
#     and exact bytes; so does its C-array form (public.sh --c, what a
#     WebAssembly service is built with);
#   - a name that is not a plain URL path stops it, naming the file;
#   - through service.mk, in a service folder built against the tree's
#     libftl: the program links, and adding, changing or removing a file
#     remakes the table, with nothing stale left in it.
#
# Usage: tests/host/public_test.sh   (prints "ok NAME" / "FAIL NAME: why"
#                                     and ends "public: N passed, N failed")
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# shellcheck source=tests/host/harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# A site of text, nested and binary files, and files to be left out.
make_site() {
    local site="$1"
    mkdir -p "$site/public/css" "$site/public/img" "$site/public/.git"
    printf '<!doctype html><h1>hi</h1>\n' >"$site/public/index.html"
    printf 'body { color: red }\n' >"$site/public/css/site.css"
    head -c 3000 /dev/urandom >"$site/public/img/Logo.PNG"
    : >"$site/public/empty.txt"
    printf 'x' >"$site/public/data.bin-v2"
    printf 'left out\n' >"$site/public/.gitkeep"
    printf 'left out\n' >"$site/public/.git/config"
}

# Prints "PATH|TYPE|SIZE|SAME" for each entry of a generated table, SAME
# being 1 when its bytes are those of the file under public/. A second
# argument is passed to public.sh (--c).
read_table() {
    local site="$1" form="${2:-}"
    cat >"$site/reader.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/http.h>

extern const struct ftl_http_file ftl_http_public_files[];
extern const size_t ftl_http_public_count;

int main(void)
{
    for (size_t i = 0; i < ftl_http_public_count; i++) {
        const struct ftl_http_file *f = &ftl_http_public_files[i];
        char path[512];
        snprintf(path, sizeof(path), "public%s", f->path);
        FILE *in = fopen(path, "rb");
        char *bytes = malloc(f->size + 1);
        size_t got = in ? fread(bytes, 1, f->size + 1, in) : 0;
        int same = in && got == f->size && memcmp(bytes, f->data, got) == 0;
        printf("%s|%s|%zu|%d\n", f->path, f->content_type, f->size, same);
        free(bytes);
        if (in) {
            fclose(in);
        }
    }
    return 0;
}
EOF
    # shellcheck disable=SC2086 # no form: no argument
    (cd "$site" && sh "$ROOT/sdk/mk/public.sh" $form public >table.c &&
        cc -I"$ROOT/sdk/include" -o reader reader.c table.c && ./reader)
}

test_the_table_holds_every_file_with_its_type_and_bytes() {
    local site="$TMP/site" got want
    make_site "$site"
    got="$(read_table "$site" 2>&1)" || {
        echo "generating or reading the table failed: $got"
        return
    }
    want="/css/site.css|text/css; charset=utf-8|20|1
/data.bin-v2|application/octet-stream|1|1
/empty.txt|text/plain; charset=utf-8|0|1
/img/Logo.PNG|image/png|3000|1
/index.html|text/html; charset=utf-8|27|1"
    [[ "$got" == "$want" ]] || echo "table: $got"
}

test_the_c_array_form_holds_the_same_files_and_bytes() {
    local site="$TMP/site_c" got want
    make_site "$site"
    want="$(read_table "$site" 2>&1)"
    got="$(read_table "$site" --c 2>&1)" || {
        echo "generating or reading the C-array table failed: $got"
        return
    }
    [[ "$got" == "$want" ]] || echo "C arrays: $got; .incbin: $want"
    grep -q '^static const unsigned char ftl_public_0\[\] = {$' \
        "$site/table.c" && ! grep -q incbin "$site/table.c" ||
        echo "not the C-array form: $(head -8 "$site/table.c")"
}

test_a_name_that_is_not_a_url_path_stops_it_with_its_path() {
    local site="$TMP/bad"
    mkdir -p "$site/public"
    printf 'a' >"$site/public/ok.txt"
    printf 'b' >"$site/public/my page.html"
    capture "$site" sh "$ROOT/sdk/mk/public.sh" public
    [[ $RC -ne 0 ]] || {
        echo "exit status 0 for a name with a space"
        return
    }
    [[ "$ERR" == *"public/my page.html: a file of public/ may have only"* ]] ||
        echo "message: $ERR"
}

# A service folder using the tree's service.mk and libftl (make all has
# built them), its objects in out/.
build_service() {
    make --no-print-directory -C "$1" FTL_SDK="$ROOT" FTL_SDK_UP_TO_DATE=1 \
        SERVICE_OUT="$1/out" >"$TMP/make.log" 2>&1
}

test_service_mk_remakes_the_table_when_public_changes() {
    local svc="$TMP/web"
    make_site "$svc"
    cp "$ROOT/apps/http_server/service.yaml" "$svc/"
    printf 'FTL_SDK := %s\ninclude $(FTL_SDK)/sdk/mk/service.mk\n' \
        "$ROOT" >"$svc/Makefile"
    cat >"$svc/main.c" <<'EOF'
#include <ftl/http.h>
int main(void)
{
    struct ftl_http_app *app = ftl_http_app_create(ftl_loop_create());
    return ftl_http_public(app, "/*") == 0 ? 0 : 1;
}
EOF
    build_service "$svc" || {
        echo "first build: $(tail -5 "$TMP/make.log")"
        return
    }
    [[ -f "$svc/out/web.elf" ]] || {
        echo "no program"
        return
    }
    printf 'new\n' >"$svc/public/added.js"
    rm "$svc/public/empty.txt"
    sleep 1 # a newer modification time than the table's
    printf 'changed\n' >"$svc/public/index.html"
    build_service "$svc" || {
        echo "second build: $(tail -5 "$TMP/make.log")"
        return
    }
    local table="$svc/out/ftl_public.c"
    grep -q '"/added.js", "text/javascript; charset=utf-8", ftl_public_[0-9]*, 4}' \
        "$table" || echo "added file missing: $(grep '{"/' "$table")"
    ! grep -q '/empty.txt' "$table" || echo "removed file still listed"
    grep -q '"/index.html", "text/html; charset=utf-8", ftl_public_[0-9]*, 8}' \
        "$table" || echo "changed file's size not updated"
    [[ "$svc/out/web.elf" -nt "$svc/public/index.html" ]] ||
        echo "the program was not linked again"
}

main() {
    local t
    for t in test_the_table_holds_every_file_with_its_type_and_bytes \
        test_the_c_array_form_holds_the_same_files_and_bytes \
        test_a_name_that_is_not_a_url_path_stops_it_with_its_path \
        test_service_mk_remakes_the_table_when_public_changes; do
        result "${t#test_}" "$("$t")"
    done
    echo "public: $passed passed, $failed failed"
    ((failed == 0))
}

main "$@"
