// A project: the folder holding ftl.yaml, found from the current folder
// upwards (as git finds .git), with its service folders under services/
// and its test services under tests/. Build outputs go to build/ in it.
#pragma once

struct project {
    char *root;     // absolute
    char *ftl_yaml; // root/ftl.yaml
    char *build;    // root/build
};

// Finds the project around the current folder; 0, or an exit code after
// printing why not.
int project_find(struct project *p);

// The names of the folders under root/SUB (services or tests) that hold a
// service.yaml, sorted, NULL-terminated (never NULL itself).
char **project_folders(const struct project *p, const char *sub);

// The service a generator should change: `given` if not NULL (it must
// exist), else the one whose folder holds the current folder, else the
// project's only service. NULL after printing why not (*code set).
char *project_pick_service(const struct project *p, const char *given,
                           int *code);
