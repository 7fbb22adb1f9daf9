// The exit statuses of `ftl` (docs/cli.md lists them for users): each says
// what kind of thing went wrong, so that scripts can tell a failing test
// from a typo on the command line.
#pragma once

enum exit_code {
    EXIT_OK = 0,
    EXIT_FAILED = 1,     // the build, the boot, a test or a control request
    EXIT_USAGE = 2,      // bad command, option or argument
    EXIT_SPEC = 3,       // a service.yaml or ftl.yaml has errors
    EXIT_REFUSED = 4,    // would overwrite a file, or not in a project
    EXIT_ENV = 5,        // the SDK or a host tool is missing (see ftl doctor)
    EXIT_CLOUD_AUTH = 6, // the cloud's CLI has no credentials (gcloud auth)
};
