#!/usr/bin/env python3
"""Doxygen input filter for the SDK headers: FTL writes plain `//` comments
(STYLE.md), Doxygen reads `///`. This turns

  * the comment that opens a header into its @file description,
  * a comment above a declaration into that declaration's documentation,
  * a comment after a member or constant (and the comment lines that
    continue it) into a `///<` note on that member,
  * indented example lines inside a comment into @code blocks,

and leaves everything else as it is, keeping line numbers where it can."""

import re
import sys

TRAILING = re.compile(r"^(\s*[^/\s].*?[;,{}=)\w])\s+//\s?(.*)$")
COMMENT = re.compile(r"^(\s*)//\s?(.*)$")


def convert(lines):
    out = []
    seen_code = False
    in_trailing = False  # the previous line ended with a member's comment
    in_code = False      # inside an @code block of a comment
    for line in lines:
        comment = COMMENT.match(line)
        if comment:
            indent, text = comment.groups()
            if in_trailing:
                out.append("%s///< %s" % (indent, text))
                continue
            if not seen_code and not out:
                text += " @file"  # @file takes no argument at a line's end
            # An example is indented and starts a paragraph; indented
            # lines after text continue a list item.
            is_example = text.startswith("  ") and (
                in_code or (out and out[-1].strip() == "///"))
            if is_example != in_code:
                # Examples sit between empty comment lines: those become
                # @code and @endcode, so no line moves.
                marker = "@code" if is_example else "@endcode"
                if is_example and out and out[-1].strip() == "///":
                    out[-1] = "%s/// %s" % (indent, marker)
                elif not is_example and text == "":
                    text = marker
                else:
                    out.append("%s/// %s" % (indent, marker))
                in_code = is_example
            out.append("%s/// %s" % (indent, text))
            continue
        if in_code:
            out.append("/// @endcode")
            in_code = False
        trailing = TRAILING.match(line)
        if trailing:
            out.append("%s ///< %s" % trailing.groups())
            in_trailing = True
            seen_code = True
            continue
        in_trailing = False
        if line.strip():
            seen_code = True
        out.append(line)
    return out


def main():
    with open(sys.argv[1]) as f:
        lines = f.read().split("\n")
    sys.stdout.write("\n".join(convert(lines)))


if __name__ == "__main__":
    main()
