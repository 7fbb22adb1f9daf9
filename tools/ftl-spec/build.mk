# ftl-spec, the host-side spec compiler (docs/reference/spec.md).
ftl-spec-src := main.c diag.c pool.c path.c ydoc.c object.c service.c \
                settings.c system.c deps.c claims.c manifest_out.c
