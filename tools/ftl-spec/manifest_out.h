// Writes a checked system as a boot manifest (docs/reference/manifest.md),
// the text sdk/lib/manifest.c reads inside the OS.
#pragma once

#include "system.h"

#include <stdio.h>

// Writes the manifest of sys, whose checks passed, to f.
void manifest_write(FILE *f, const struct system *sys);
