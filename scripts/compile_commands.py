#!/usr/bin/env python3
"""Turns the compiler commands of `make -Bn V=1` (on stdin) into a
compile_commands.json for clangd and other editors (on stdout)."""

import json
import os
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_SUFFIXES = (".c", ".S")

entries = []
for line in sys.stdin:
    line = line.strip()
    # Rules run as "mkdir -p DIR && gcc ...": keep the compiler part.
    for command in line.split("&&"):
        words = shlex.split(command)
        if not words or os.path.basename(words[0]) not in ("gcc", "cc", "clang"):
            continue
        sources = [w for w in words[1:] if w.endswith(SOURCE_SUFFIXES)]
        for source in sources:
            entries.append({"directory": ROOT, "file": source,
                            "arguments": words})
json.dump(entries, sys.stdout, indent=1)
print()
