// Locating the SDK (sdk.h).
#include "sdk.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "text.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *root;

// The folder above the one holding this program (bin/ftl -> the SDK).
static char *root_from_exe(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n < 0) {
        return NULL;
    }
    exe[n] = '\0';
    return path_dir(path_dir(exe));
}

int sdk_locate(void)
{
    const char *env = getenv("FTL_SDK");
    root = env != NULL && env[0] != '\0' ? realpath(env, NULL)
                                         : root_from_exe();
    if (root == NULL) {
        return out_error(EXIT_ENV, "set FTL_SDK to the unpacked SDK's folder",
                         "cannot find the FTL SDK (FTL_SDK=%s)",
                         env != NULL ? env : "");
    }
    if (!path_exists(sdk_path("base/ftl-kernel.elf")) ||
        !path_exists(sdk_path("mk/service.mk"))) {
        return out_error(
            EXIT_ENV,
            env != NULL ? "FTL_SDK must name the folder that holds base/, "
                          "include/, lib/ and mk/"
                        : "run the ftl of an SDK (unpack the tarball, or "
                          "`make sdk` in the source tree)",
            "%s is not an FTL SDK (no base/ftl-kernel.elf or mk/service.mk)",
            root);
    }
    return 0;
}

const char *sdk_root(void)
{
    return root;
}

char *sdk_path(const char *rel)
{
    return path_join(root, rel);
}

const char *sdk_version(void)
{
    char *text = root != NULL ? file_read(sdk_path("VERSION")) : NULL;
    if (text == NULL) {
        return FTL_VERSION;
    }
    text[strcspn(text, "\n")] = '\0';
    return text;
}
