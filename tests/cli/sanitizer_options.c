// Linked into the sanitized `ftl` of the tests (build/host/ftl) only: turns
// off LeakSanitizer for it. `ftl` is a short-lived command that never frees
// what it allocates, by design (ftl-cli/text.h): every run would "leak".
// AddressSanitizer's other checks and UBSan stay on, and the ftl-spec and
// make it starts keep their own settings, since this is compiled into the
// program rather than set in the environment they inherit.

// Called by the ASan runtime before it reads ASAN_OPTIONS, which still
// overrides what this returns.
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
    return "detect_leaks=0";
}
