// Small, predictable edits of files the user owns, for the generators:
// adding an item to a one-line YAML list (`requires: [a, b]`) and inserting
// a line above an anchor comment that the templates put in main.c. Each
// returns the new text, or NULL when the file does not have the expected
// shape (the generator then refuses, saying what to add by hand).
#pragma once

#include <stdbool.h>

// text with item added to the flow list on the first line whose key (after
// indentation) is key ("requires", "services"); text itself when the item
// is already there; NULL when there is no such one-line list.
char *edit_list_add(const char *text, const char *key, const char *item);

// text with line (indented like the anchor's line) inserted above the
// first line that contains anchor; NULL if none does.
char *edit_insert_above(const char *text, const char *anchor,
                        const char *line);

// Whether text contains needle.
bool edit_has(const char *text, const char *needle);
