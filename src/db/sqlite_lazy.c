/*
 * sqlite_lazy.c - the SQLite functions the SQLite driver calls, loading
 * libsqlite3 on first use (see core/lazylib.h): a run against PostgreSQL
 * or MariaDB never maps it.  A call that cannot reach the library returns
 * SQLITE_ERROR, or what SQLite returns for a missing handle.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>

#include "core/lazylib.h"

static lazy_lib sqlite_lib = LAZY_LIB("libsqlite3.so.0", "libsqlite3-0", "SQLite databases");

#define SQ_CALL(fail, name, ...) LAZY_CALL(sqlite_lib, fail, name, __VA_ARGS__)

/* Only the integer-valued options runway sets (SQLITE_CONFIG_MEMSTATUS) pass through. */
int sqlite3_config(int op, ...)
{
    va_list ap;
    va_start(ap, op);
    int value = va_arg(ap, int);
    va_end(ap);
    SQ_CALL(SQLITE_ERROR, sqlite3_config, op, value);
}

int sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs)
{
    if (db)
        *db = NULL;
    SQ_CALL(SQLITE_CANTOPEN, sqlite3_open_v2, filename, db, flags, vfs);
}

int sqlite3_close(sqlite3 *db) { SQ_CALL(SQLITE_OK, sqlite3_close, db); }
int sqlite3_libversion_number(void) { SQ_CALL(0, sqlite3_libversion_number); }
int sqlite3_busy_timeout(sqlite3 *db, int ms) { SQ_CALL(SQLITE_ERROR, sqlite3_busy_timeout, db, ms); }
int sqlite3_get_autocommit(sqlite3 *db) { SQ_CALL(1, sqlite3_get_autocommit, db); }
int sqlite3_extended_errcode(sqlite3 *db) { SQ_CALL(SQLITE_ERROR, sqlite3_extended_errcode, db); }

int sqlite3_extended_result_codes(sqlite3 *db, int onoff)
{
    SQ_CALL(SQLITE_ERROR, sqlite3_extended_result_codes, db, onoff);
}

const char *sqlite3_errmsg(sqlite3 *db)
{
    SQ_CALL("libsqlite3.so.0 could not be loaded", sqlite3_errmsg, db);
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **),
                 void *arg, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    SQ_CALL(SQLITE_ERROR, sqlite3_exec, db, sql, callback, arg, errmsg);
}

void sqlite3_free(void *p) { LAZY_CALL_VOID(sqlite_lib, sqlite3_free, p); }

int sqlite3_prepare_v2(sqlite3 *db, const char *sql, int nbyte, sqlite3_stmt **stmt,
                       const char **tail)
{
    if (stmt)
        *stmt = NULL;
    SQ_CALL(SQLITE_ERROR, sqlite3_prepare_v2, db, sql, nbyte, stmt, tail);
}

int sqlite3_prepare_v3(sqlite3 *db, const char *sql, int nbyte, unsigned int flags,
                       sqlite3_stmt **stmt, const char **tail)
{
    if (stmt)
        *stmt = NULL;
    SQ_CALL(SQLITE_ERROR, sqlite3_prepare_v3, db, sql, nbyte, flags, stmt, tail);
}

int sqlite3_step(sqlite3_stmt *st) { SQ_CALL(SQLITE_ERROR, sqlite3_step, st); }
int sqlite3_reset(sqlite3_stmt *st) { SQ_CALL(SQLITE_ERROR, sqlite3_reset, st); }
int sqlite3_finalize(sqlite3_stmt *st) { SQ_CALL(SQLITE_OK, sqlite3_finalize, st); }
int sqlite3_clear_bindings(sqlite3_stmt *st) { SQ_CALL(SQLITE_ERROR, sqlite3_clear_bindings, st); }
int sqlite3_column_count(sqlite3_stmt *st) { SQ_CALL(0, sqlite3_column_count, st); }

const unsigned char *sqlite3_column_text(sqlite3_stmt *st, int col)
{
    SQ_CALL(NULL, sqlite3_column_text, st, col);
}

int sqlite3_bind_text(sqlite3_stmt *st, int idx, const char *text, int n, void (*destructor)(void *))
{
    SQ_CALL(SQLITE_ERROR, sqlite3_bind_text, st, idx, text, n, destructor);
}

int sqlite3_bind_null(sqlite3_stmt *st, int idx) { SQ_CALL(SQLITE_ERROR, sqlite3_bind_null, st, idx); }

void sqlite3_interrupt(sqlite3 *db) { LAZY_CALL_VOID(sqlite_lib, sqlite3_interrupt, db); }
