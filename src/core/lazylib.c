/*
 * lazylib.c - dlopen on first use; see lazylib.h for why.
 */
#include "core/lazylib.h"

#include <dlfcn.h>
#include <stddef.h>

#include "core/log.h"

void *lazy_sym(lazy_lib *lib, const char *name)
{
    if (lib->failed)
        return NULL;
    if (!lib->handle) {
        lib->handle = dlopen(lib->soname, RTLD_LAZY | RTLD_LOCAL);
        if (!lib->handle) {
            lib->failed = true;
            const char *why = dlerror();
            log_error("%s need %s, which could not be loaded: %s (install the package that "
                      "provides it)",
                      lib->purpose, lib->soname, why ? why : "unknown error");
            return NULL;
        }
    }
    void *p = dlsym(lib->handle, name);
    if (!p)
        log_error("%s: %s has no symbol %s; install a newer version", lib->purpose, lib->soname,
                  name);
    return p;
}
