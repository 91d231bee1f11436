/*
 * lazylib.h - loading a library on first use.  Every run would otherwise
 * map libsqlite3, libpq, libmariadb, libcurl and libcrypto, with some
 * thirty libraries behind them (Kerberos, LDAP, GnuTLS, ...), before
 * main(): that made start-up several times slower and more than doubled
 * the resident memory of a SQLite run.  The stub files
 * (src/db/sqlite_lazy.c, src/db/pq_lazy.c, src/db/mysql_lazy.c,
 * src/aws/curl_lazy.c, src/aws/crypto_lazy.c) define the library
 * functions runway calls, with the prototypes from the library's own
 * header, and forward each call to the real function found here.  A new
 * call into one of these libraries needs a stub there.
 */
#ifndef RUNWAY_LAZYLIB_H
#define RUNWAY_LAZYLIB_H

#include <stdbool.h>

typedef struct lazy_lib {
    const char *soname;     /* "libpq.so.5": the ABI the headers belong to */
    const char *package;    /* "libpq5": the Debian package that provides it */
    const char *purpose;    /* "PostgreSQL connections", for the error */
    void *handle;
    bool failed;
} lazy_lib;

#define LAZY_LIB(soname, package, purpose) {soname, package, purpose, NULL, false}

/*
 * Why the last library that failed to load did ("libpq.so.5 (Debian
 * package libpq5) could not be loaded: ..."), or NULL.  A caller whose
 * library call returned NULL reports this instead of "out of memory".
 */
const char *lazy_failure(void);

/*
 * The address of name in lib, loading lib on the first call; NULL when
 * the library or the symbol is missing (logged once, naming the library).
 */
void *lazy_sym(lazy_lib *lib, const char *name);

/*
 * Declares f_ as a pointer of the stub's own type to the real function:
 * the compiler checks every stub against the library header.  The address
 * is looked up once per function and kept (a dlsym per call showed up in
 * the profile of a SQLite apply, where every statement makes several
 * calls).
 */
#define LAZY_FN(lib, name)                                                                         \
    static __typeof__(&name) f_cache_;                                                             \
    __typeof__(&name) f_ = __atomic_load_n(&f_cache_, __ATOMIC_ACQUIRE);                           \
    if (!f_) {                                                                                     \
        f_ = (__typeof__(&name))lazy_sym(&(lib), #name);                                           \
        __atomic_store_n(&f_cache_, f_, __ATOMIC_RELEASE);                                         \
    }

/*
 * The body of a stub: calls the real function with the arguments, or
 * returns fail when the library or the function is missing.
 */
#define LAZY_CALL(lib, fail, name, ...)                                                            \
    do {                                                                                           \
        LAZY_FN(lib, name);                                                                        \
        return f_ ? f_(__VA_ARGS__) : (fail);                                                      \
    } while (0)

/* The body of a stub for a function returning nothing. */
#define LAZY_CALL_VOID(lib, name, ...)                                                             \
    do {                                                                                           \
        LAZY_FN(lib, name);                                                                        \
        if (f_)                                                                                    \
            f_(__VA_ARGS__);                                                                       \
    } while (0)

#endif
