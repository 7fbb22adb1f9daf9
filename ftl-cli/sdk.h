// Where the SDK is: the folder holding bin/ftl, base/, include/, lib/,
// mk/, templates/ (docs/cli.md, "The SDK"). FTL_SDK overrides; otherwise it
// is the folder above the running ftl's bin/ (from /proc/self/exe), so an
// unpacked tarball works wherever it is, and so does build/sdk-root/ in
// the source tree.
#pragma once

// Finds the SDK and checks that it looks like one; 0, or an exit code
// after printing why not.
int sdk_locate(void);

// The SDK's root folder (after sdk_locate).
const char *sdk_root(void);

// A file in the SDK: sdk_path("base/ftl-kernel.elf").
char *sdk_path(const char *rel);

// The SDK's version (its VERSION file), or the version ftl was built as.
const char *sdk_version(void);
