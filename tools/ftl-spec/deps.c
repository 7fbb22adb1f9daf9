// Names resolve in two steps, as the supervisor resolves OPEN: a service's
// own name first, then the names services provide. Cycles are found by a
// depth-first walk that keeps its path, so the message can spell the cycle
// out; the start order is then a stable topological sort (the listed order
// breaks ties, so the manifest stays the same from build to build).
#include "deps.h"

#include <stdbool.h>
#include <string.h>

#define NONE (-1)

struct graph {
    const struct service *services;
    unsigned count;
    // edges[i][r]: the service that requires[r] of service i resolves to
    int edges[FTL_MANIFEST_SERVICES_MAX][FTL_MANIFEST_REQUIRES_MAX];
};

static int service_named(const struct graph *g, const char *name)
{
    for (unsigned i = 0; i < g->count; i++) {
        if (strcmp(g->services[i].name, name) == 0) {
            return (int)i;
        }
    }
    return NONE;
}

// The service that provides name (not counting service names).
static int provider_of(const struct graph *g, const char *name,
                       const struct name_ref **where)
{
    for (unsigned i = 0; i < g->count; i++) {
        const struct service *svc = &g->services[i];
        for (unsigned p = 0; p < svc->provides_count; p++) {
            if (strcmp(svc->provides[p].name, name) == 0) {
                *where = &svc->provides[p];
                return (int)i;
            }
        }
    }
    return NONE;
}

// A provided name may not be another service's name or provided twice.
static void provides_check(const struct graph *g)
{
    for (unsigned i = 0; i < g->count; i++) {
        const struct service *svc = &g->services[i];
        for (unsigned p = 0; p < svc->provides_count; p++) {
            const struct name_ref *ref = &svc->provides[p];
            const struct name_ref *first = ref; // found again below
            int owner = service_named(g, ref->name);
            int provider = provider_of(g, ref->name, &first);
            if (owner != NONE && owner != (int)i) {
                diag_error(ref->loc,
                           "\"%s\" is the name of another service "
                           "(%s)",
                           ref->name, g->services[owner].file);
            } else if (first != ref) {
                diag_error(ref->loc, "\"%s\" is also provided by %s (%s:%u:%u)",
                           ref->name, g->services[provider].name,
                           first->loc.file, first->loc.line, first->loc.col);
            }
        }
    }
}

// Every name that could be required, for "did you mean".
static unsigned known_names(const struct graph *g, const char **names,
                            unsigned max)
{
    unsigned n = 0;
    for (unsigned i = 0; i < g->count; i++) {
        const struct service *svc = &g->services[i];
        if (n < max) {
            names[n++] = svc->name;
        }
        for (unsigned p = 0; p < svc->provides_count && n < max; p++) {
            names[n++] = svc->provides[p].name;
        }
    }
    return n;
}

static void requires_resolve(struct graph *g)
{
    enum { NAMES_MAX = FTL_MANIFEST_SERVICES_MAX * 9 };
    const char *names[NAMES_MAX];
    unsigned name_count = known_names(g, names, NAMES_MAX);
    for (unsigned i = 0; i < g->count; i++) {
        const struct service *svc = &g->services[i];
        for (unsigned r = 0; r < svc->requires_count; r++) {
            const struct name_ref *ref = &svc->requires[r];
            const struct name_ref *ignored;
            if (strcmp(ref->name, FTL_SUPERVISOR_NAME) == 0) {
                g->edges[i][r] = NONE; // always there, started first
                continue;
            }
            int target = service_named(g, ref->name);
            if (target == NONE) {
                target = provider_of(g, ref->name, &ignored);
            }
            g->edges[i][r] = target;
            if (target == NONE) {
                const char *guess = diag_suggest(ref->name, names, name_count);
                diag_error(ref->loc, "unknown service \"%s\"%s%s%s", ref->name,
                           guess ? " (did you mean " : "", guess ? guess : "",
                           guess ? "?)" : "");
            }
        }
    }
}

enum { WHITE, GREY, BLACK };

struct walk {
    const struct graph *g;
    int colour[FTL_MANIFEST_SERVICES_MAX];
    unsigned path[FTL_MANIFEST_SERVICES_MAX + 1];
    unsigned depth;
};

// Reports the cycle closed by edge r of the service on top of the path,
// back to service `to` on the path.
static void cycle_report(const struct walk *w, unsigned r, unsigned to)
{
    const struct service *services = w->g->services;
    unsigned from = w->path[w->depth - 1];
    char text[FTL_MANIFEST_SERVICES_MAX * (FTL_MANIFEST_NAME_MAX + 4) + 1];
    unsigned start = 0;
    while (w->path[start] != to) {
        start++;
    }
    text[0] = '\0';
    for (unsigned k = start; k < w->depth; k++) {
        strcat(text, services[w->path[k]].name);
        strcat(text, " -> ");
    }
    strcat(text, services[to].name);
    diag_error(services[from].requires[r].loc, "dependency cycle: %s", text);
}

static void walk_from(struct walk *w, unsigned i)
{
    w->colour[i] = GREY;
    w->path[w->depth++] = i;
    const struct service *svc = &w->g->services[i];
    for (unsigned r = 0; r < svc->requires_count; r++) {
        int to = w->g->edges[i][r];
        if (to == NONE || w->colour[to] == BLACK) {
            continue;
        }
        if (w->colour[to] == GREY) {
            cycle_report(w, r, (unsigned)to);
        } else {
            walk_from(w, (unsigned)to);
        }
    }
    w->depth--;
    w->colour[i] = BLACK;
}

// Kahn's algorithm, taking the first ready service in listed order.
static void order_fill(const struct graph *g, unsigned *order)
{
    bool placed[FTL_MANIFEST_SERVICES_MAX] = {false};
    for (unsigned n = 0; n < g->count; n++) {
        for (unsigned i = 0; i < g->count; i++) {
            bool ready = !placed[i];
            for (unsigned r = 0; ready && r < g->services[i].requires_count;
                 r++) {
                int to = g->edges[i][r];
                ready = to == NONE || to == (int)i || placed[to];
            }
            if (ready) {
                placed[i] = true;
                order[n] = i;
                break;
            }
        }
    }
}

void deps_check(const struct service *services, unsigned count, unsigned *order)
{
    struct graph g = {.services = services, .count = count};
    provides_check(&g);
    requires_resolve(&g);
    struct walk w = {.g = &g};
    for (unsigned i = 0; i < count; i++) {
        if (w.colour[i] == WHITE) {
            walk_from(&w, i);
        }
    }
    order_fill(&g, order);
}
