/*
 * lazylib.c - dlopen on first use; see lazylib.h for why.
 */
#include "core/lazylib.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

#include "core/log.h"

static char lazy_last_failure[1024];

const char *lazy_failure(void)
{
    return lazy_last_failure[0] ? lazy_last_failure : NULL;
}

void *lazy_sym(lazy_lib *lib, const char *name)
{
    if (lib->failed)
        return NULL;
    if (!lib->handle) {
        lib->handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
        if (!lib->handle) {
            lib->failed = true;
            const char *why = dlerror();
            snprintf(lazy_last_failure, sizeof lazy_last_failure,
                     "%s need %s, which could not be loaded (%s): install the Debian package %s",
                     lib->purpose, lib->soname, why ? why : "unknown error", lib->package);
            log_error("%s", lazy_last_failure);
            return NULL;
        }
    }
    void *p = dlsym(lib->handle, name);
    if (!p)
        log_error("%s: %s has no symbol %s; install a newer version", lib->purpose, lib->soname,
                  name);
    return p;
}
