// HTTP routes for `ftl generate route`: what METHOD and PATH may be, and
// what the route is called in the files and C it generates.
#pragma once

#include <stdbool.h>

#define ROUTE_PATH_MAX 40 // keeps the generated lines within 80 columns

// Whether method is one that routes are generated for: GET, POST, PUT,
// PATCH or DELETE, in upper case.
bool route_method_is_valid(const char *method);

// Whether path is a route pattern the generated C can hold: at most
// ROUTE_PATH_MAX characters, "/" or segments that are literal (letters,
// digits, '-', '_', '.', '~') or a parameter ":name" (a lowercase letter,
// then lowercase letters, digits or '_'). No empty segment, so no "//"
// and no '/' at the end.
bool route_path_is_valid(const char *path);

// The route's name, for its file and handler (new memory): the method and
// the path's segments in lowercase, joined by '_', with '_' for other
// characters too: GET /items/:id is get_items_id, GET / is get_root.
// For a valid method and path.
char *route_name(const char *method, const char *path);
