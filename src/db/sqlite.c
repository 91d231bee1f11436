/*
 * sqlite.c - the embedded SQLite driver, the zero-setup default.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "core/lazylib.h"

/*
 * The history queries run once per migration with the same text: their
 * compiled statements are kept here instead of compiled again each time.
 */
#define SQLITE_STMT_CACHE 8

typedef struct sqlite_cached {
    char *sql;
    sqlite3_stmt *st;
    bool busy;      /* in use by a query still running (a row callback may query again) */
} sqlite_cached;

struct db_conn {
    sqlite3 *db;
    char *path;
    bool created;   /* the file did not exist before this connection */
    bool no_file; /* :memory: or a URI: no file to lock */
    int lock_fd;    /* flock()ed descriptor while the migration lock is held */
    int lock_depth;
    long lock_retries;
    sqlite_cached cache[SQLITE_STMT_CACHE];
    unsigned next_evict;
};

static bool sqlite_handles_url(const char *url)
{
    return rw_starts_with(url, "jdbc:sqlite:") || rw_starts_with(url, "sqlite:");
}

/* "jdbc:sqlite:path?opts" -> "path" */
static char *sqlite_path_from_url(const char *url)
{
    const char *p = rw_starts_with(url, "jdbc:sqlite:") ? url + 12 : url + 7;
    if (rw_starts_with(p, "//"))
        p += 2;
    size_t n = strcspn(p, "?");
    return xstrndup(p, n);
}

/* Copies SQLite's error into e, adding a hint for the common causes. */
static int sqlite_error(db_conn *c, rw_err *e, const char *what)
{
    int code = sqlite3_extended_errcode(c->db);
    const char *msg = sqlite3_errmsg(c->db);
    e->sql_errcode = code;
    const char *hint = "";
    if ((code & 0xff) == SQLITE_READONLY)
        hint = " (the database file is not writable: check its permissions)";
    else if ((code & 0xff) == SQLITE_BUSY)
        hint = " (another process holds a lock on the database file)";
    return rw_fail(e, RW_ERR_SQL, "%s%s%s%s", what ? what : "", what ? ": " : "", msg, hint);
}

static int sqlite_connect(const rw_config *cfg, db_conn **out, rw_err *e)
{
    const char *url = config_get(cfg, "url");
    /*
     * An empty path opens a private temporary database that is deleted on
     * close: migrate would report success for changes nobody can see.
     */
    char *path = sqlite_path_from_url(url);
    if (!path[0]) {
        free(path);
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "The url %s names no database file: write its path after the prefix, "
                       "e.g. jdbc:sqlite:app.db",
                       url);
    }
    db_conn *c = xcalloc(1, sizeof *c);
    c->path = path;
    struct stat st;
    c->no_file = !c->path[0] || strcmp(c->path, ":memory:") == 0 ||
                         rw_starts_with(c->path, "file:");
    c->created = !c->no_file && stat(c->path, &st) != 0;
    c->lock_fd = -1;
    c->lock_retries = config_get_long(cfg, "lockRetryCount");
    /*
     * One thread per connection: SQLite's per-call mutex is pure overhead
     * here, and so is its allocation accounting (a global mutex around every
     * malloc).  The setting only takes before SQLite's first use; later calls
     * are refused harmlessly.
     */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(c->path, &c->db, flags, NULL) != SQLITE_OK) {
        rw_fail(e, RW_ERR_DB_CONNECTION,
                "Unable to open SQLite database %s: %s (does its directory exist and is it "
                "writable?)",
                c->path,
                c->db ? sqlite3_errmsg(c->db) : lazy_failure() ? lazy_failure() : "out of memory");
        sqlite3_close(c->db);
        free(c->path);
        free(c);
        return e->code;
    }
    sqlite3_busy_timeout(c->db, 30000);
    sqlite3_extended_result_codes(c->db, 1);
    const char *init = config_get(cfg, "initSql");
    if (init && *init) {
        char *err = NULL;
        if (sqlite3_exec(c->db, init, NULL, NULL, &err) != SQLITE_OK) {
            rw_fail(e, RW_ERR_DB_CONNECTION, "initSql failed: %s", err ? err : "unknown error");
            sqlite3_free(err);
            sqlite3_close(c->db);
            free(c->path);
            free(c);
            return e->code;
        }
    }
    *out = c;
    return RW_OK;
}

static void sqlite_close(db_conn *c)
{
    for (int i = 0; i < SQLITE_STMT_CACHE; i++) {
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
    }
    if (c->lock_fd >= 0)
        close(c->lock_fd);
    sqlite3_close(c->db);
    /* A command that failed before writing leaves no empty database file behind. */
    struct stat st;
    if (c->created && stat(c->path, &st) == 0 && st.st_size == 0)
        unlink(c->path);
    free(c->path);
    free(c);
}

static int sqlite_server_version(db_conn *c, strbuf *out, rw_err *e)
{
    (void)c, (void)e;
    int v = sqlite3_libversion_number();
    sb_addf(out, "SQLite %d.%d", v / 1000000, (v / 1000) % 1000);
    return RW_OK;
}

static int sqlite_current_schema(db_conn *c, strbuf *out, rw_err *e)
{
    (void)c, (void)e;
    sb_adds(out, "main");
    return RW_OK;
}

static int sqlite_empty_string(db_conn *c, strbuf *out, rw_err *e)
{
    (void)c, (void)out, (void)e;
    return RW_OK;
}

/*
 * The compiled statement for sql: from the cache, or compiled now and cached.
 * *slot is its cache index, or -1 for a statement of its own (the cached one
 * is busy, or every slot is): sqlite_stmt_release finalizes that one.
 */
static sqlite3_stmt *sqlite_stmt_acquire(db_conn *c, const char *sql, int *slot)
{
    *slot = -1;
    bool busy_match = false;
    for (int i = 0; i < SQLITE_STMT_CACHE; i++) {
        if (!c->cache[i].sql || strcmp(c->cache[i].sql, sql) != 0)
            continue;
        if (c->cache[i].busy) {
            busy_match = true;
            break;
        }
        c->cache[i].busy = true;
        *slot = i;
        return c->cache[i].st;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK ||
        !st) {
        sqlite3_finalize(st);
        return NULL;
    }
    for (int tries = 0; !busy_match && tries < SQLITE_STMT_CACHE; tries++) {
        int i = (int)(c->next_evict++ % SQLITE_STMT_CACHE);
        if (c->cache[i].busy)
            continue;
        sqlite3_finalize(c->cache[i].st);
        free(c->cache[i].sql);
        c->cache[i].sql = xstrdup(sql);
        c->cache[i].st = st;
        c->cache[i].busy = true;
        *slot = i;
        break;
    }
    return st;
}

/* Resets a statement after use so it holds no read open; frees one not cached. */
static void sqlite_stmt_release(db_conn *c, sqlite3_stmt *st, int slot)
{
    if (slot < 0) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    c->cache[slot].busy = false;
}

/* Runs one query with '?' parameters; rows go to fn. */
static int sqlite_query(db_conn *c, const char *sql, const char *const *params, int nparams,
                        db_row_fn fn, void *ud, rw_err *e)
{
    int slot;
    sqlite3_stmt *st = sqlite_stmt_acquire(c, sql, &slot);
    if (!st)
        return sqlite_error(c, e, NULL);
    for (int i = 0; i < nparams; i++) {
        int rc = params[i] ? sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(st, i + 1);
        if (rc != SQLITE_OK) {
            int result = sqlite_error(c, e, NULL);
            sqlite_stmt_release(c, st, slot);
            return result;
        }
    }
    int ncols = sqlite3_column_count(st);
    const char **vals = xcalloc((size_t)ncols + 1, sizeof *vals);
    int rc, result = RW_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!fn)
            continue;
        for (int i = 0; i < ncols; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if (fn(ud, ncols, vals, e) != 0) {
            result = e->code ? e->code : RW_ERROR;
            break;
        }
    }
    if (result == RW_OK && rc != SQLITE_DONE)
        result = sqlite_error(c, e, NULL);
    free(vals);
    sqlite_stmt_release(c, st, slot);
    return result;
}

/* Runs every statement in st->sql (normally exactly one). */
static int sqlite_exec(db_conn *c, const sql_statement *stmt, rw_err *e)
{
    const char *sql = stmt->sql;
    while (sql && *sql) {
        sqlite3_stmt *st = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(c->db, sql, -1, &st, &tail) != SQLITE_OK)
            return sqlite_error(c, e, NULL);
        if (!st)
            break;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE) {
            sqlite_error(c, e, NULL);
            sqlite3_finalize(st);
            return e->code;
        }
        sqlite3_finalize(st);
        sql = tail;
    }
    return RW_OK;
}

static int sqlite_run(db_conn *c, const char *sql, rw_err *e)
{
    char *err = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        rw_fail(e, RW_ERR_SQL, "%s: %s", sql, err ? err : "error");
        e->sql_errcode = sqlite3_extended_errcode(c->db);
        sqlite3_free(err);
        return e->code;
    }
    return RW_OK;
}

/* IMMEDIATE takes the write lock up front, so concurrent runs queue here. */
static int sqlite_begin(db_conn *c, rw_err *e) { return sqlite_run(c, "BEGIN IMMEDIATE", e); }
static int sqlite_commit(db_conn *c, rw_err *e) { return sqlite_run(c, "COMMIT", e); }

static int sqlite_rollback(db_conn *c, rw_err *e)
{
    if (sqlite3_get_autocommit(c->db))
        return RW_OK;
    return sqlite_run(c, "ROLLBACK", e);
}

static void sqlite_quote_ident(strbuf *out, const char *ident)
{
    sb_addc(out, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            sb_addc(out, '"');
        sb_addc(out, *p);
    }
    sb_addc(out, '"');
}

/*
 * Serializes concurrent runs on one database file, which Flyway does not do
 * for SQLite.  flock() on the database file itself: it is independent of the
 * fcntl() locks SQLite takes, leaves no lock file behind and is released
 * when the process dies.  Polled, so lockRetryCount bounds the wait.
 */
static int sqlite_lock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    (void)schema, (void)table;
    if (c->lock_depth++ > 0 || c->no_file)
        return RW_OK;
    c->lock_fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (c->lock_fd < 0)
        return RW_OK; /* :memory:, URIs: nothing to share with another process */
    long retries = c->lock_retries;
    for (long waited_ms = 0;; waited_ms += 100) {
        if (flock(c->lock_fd, LOCK_EX | LOCK_NB) == 0)
            return RW_OK;
        if (errno != EWOULDBLOCK && errno != EINTR)
            break;
        bool gave_up = retries >= 0 && waited_ms >= retries * 1000;
        if (gave_up)
            rw_fail(e, RW_ERR_LOCK,
                    "Another runway holds the lock on %s; gave up after %ld s. Configure "
                    "the wait with the 'lockRetryCount' option (-1: forever)",
                    c->path, retries);
        if (gave_up || db_lock_wait_ms(100, e) != RW_OK) {
            close(c->lock_fd);
            c->lock_fd = -1;
            c->lock_depth = 0;
            return e->code;
        }
    }
    close(c->lock_fd);
    c->lock_fd = -1;
    c->lock_depth = 0;
    return rw_fail(e, RW_ERR_LOCK, "Unable to lock %s: %s", c->path, strerror(errno));
}

static int sqlite_unlock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    (void)schema, (void)table, (void)e;
    if (c->lock_depth == 0 || --c->lock_depth > 0)
        return RW_OK;
    if (c->lock_fd >= 0) {
        flock(c->lock_fd, LOCK_UN);
        close(c->lock_fd);
        c->lock_fd = -1;
    }
    return RW_OK;
}

static int sqlite_bool_row(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)ncols, (void)e;
    *(bool *)ud = vals[0] && strcmp(vals[0], "0") != 0;
    return 0;
}

static int sqlite_schema_exists(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    *out = false;
    const char *p[] = {schema};
    return sqlite_query(c, "SELECT 1 FROM pragma_database_list WHERE name = ?", p, 1,
                        sqlite_bool_row, out, e);
}

static int sqlite_schema_create(db_conn *c, const char *schema, rw_err *e)
{
    (void)c;
    return rw_fail(e, RW_ERR_CONFIGURATION,
                   "SQLite has no schema '%s' and cannot create one; use the default 'main'",
                   schema);
}

static int sqlite_master_query(db_conn *c, const char *schema, const char *where,
                               const char *const *params, int nparams, bool *out, rw_err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_adds(&sql, "SELECT COUNT(*) FROM ");
    sqlite_quote_ident(&sql, schema);
    sb_addf(&sql, ".sqlite_master WHERE %s", where);
    *out = false;
    int rc = sqlite_query(c, sql.buf, params, nparams, sqlite_bool_row, out, e);
    sb_free(&sql);
    return rc;
}

static int sqlite_schema_is_empty(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    bool any;
    int rc = sqlite_master_query(c, schema, "name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", NULL, 0,
                                 &any, e);
    *out = !any;
    return rc;
}

static int sqlite_table_exists(db_conn *c, const char *schema, const char *table, bool *out,
                               rw_err *e)
{
    const char *p[] = {table};
    return sqlite_master_query(c, schema, "type = 'table' AND name = ?", p, 1, out, e);
}

/* Flyway's history table DDL for SQLite. */
static void sqlite_history_create_sql(db_conn *c, const char *schema, const char *table,
                                      const rw_config *cfg, strbuf *sql)
{
    (void)c, (void)cfg;
    strbuf q = STRBUF_INIT, t = STRBUF_INIT;
    sqlite_quote_ident(&q, schema);
    sb_addc(&q, '.');
    sqlite_quote_ident(&q, table);
    sqlite_quote_ident(&t, table);
    sb_addf(sql,
            "CREATE TABLE %s (\n"
            "    \"installed_rank\" INT NOT NULL PRIMARY KEY,\n"
            "    \"version\" VARCHAR(50),\n"
            "    \"description\" VARCHAR(200) NOT NULL,\n"
            "    \"type\" VARCHAR(20) NOT NULL,\n"
            "    \"script\" VARCHAR(1000) NOT NULL,\n"
            "    \"checksum\" INT,\n"
            "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
            "    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%%Y-%%m-%%d %%H:%%M:%%f','now')),\n"
            "    \"execution_time\" INT NOT NULL,\n"
            "    \"success\" BOOLEAN NOT NULL\n"
            ");\n",
            q.buf);
    sb_adds(sql, "CREATE INDEX ");
    sqlite_quote_ident(sql, schema);
    sb_addc(sql, '.');
    strbuf idx = STRBUF_INIT;
    sb_addf(&idx, "%s_s_idx", table);
    sqlite_quote_ident(sql, idx.buf);
    sb_addf(sql, " ON %s (\"success\");", t.buf);
    sb_free(&q);
    sb_free(&t);
    sb_free(&idx);
}

static int sqlite_history_create(db_conn *c, const char *schema, const char *table,
                                 const rw_config *cfg, rw_err *e)
{
    strbuf sql = STRBUF_INIT;
    sqlite_history_create_sql(c, schema, table, cfg, &sql);
    int rc = sqlite_run(c, sql.buf, e);
    sb_free(&sql);
    return rc;
}

typedef struct sqlite_drop_list {
    strlist types;
    strlist names;
} sqlite_drop_list;

static int sqlite_collect_object(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)ncols, (void)e;
    sqlite_drop_list *l = ud;
    strlist_push(&l->types, vals[0]);
    strlist_push(&l->names, vals[1]);
    return 0;
}

/* Drops triggers, views, then tables (foreign keys off meanwhile). */
static int sqlite_clean_schema(db_conn *c, const char *schema, bool drop_schema, rw_err *e)
{
    (void)drop_schema;
    sqlite_drop_list l = {{0}, {0}};
    strbuf sql = STRBUF_INIT;
    sb_adds(&sql, "SELECT type, name FROM ");
    sqlite_quote_ident(&sql, schema);
    sb_adds(&sql, ".sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN "
                  "('trigger','view','table') ORDER BY CASE type WHEN 'trigger' THEN 0 WHEN "
                  "'view' THEN 1 ELSE 2 END");
    int rc = sqlite_query(c, sql.buf, NULL, 0, sqlite_collect_object, &l, e);
    if (rc == RW_OK)
        rc = sqlite_run(c, "PRAGMA foreign_keys = OFF", e);
    for (size_t i = 0; i < l.names.len && rc == RW_OK; i++) {
        sb_reset(&sql);
        sb_addf(&sql, "DROP %s IF EXISTS ", l.types.items[i]);
        sqlite_quote_ident(&sql, schema);
        sb_addc(&sql, '.');
        sqlite_quote_ident(&sql, l.names.items[i]);
        rc = sqlite_run(c, sql.buf, e);
    }
    if (rc == RW_OK) {
        bool has_seq = false;
        const char *p[] = {"sqlite_sequence"};
        if (sqlite_master_query(c, schema, "name = ?", p, 1, &has_seq, e) == RW_OK && has_seq) {
            sb_reset(&sql);
            sb_adds(&sql, "DELETE FROM ");
            sqlite_quote_ident(&sql, schema);
            sb_adds(&sql, ".sqlite_sequence");
            rc = sqlite_run(c, sql.buf, e);
        }
    }
    sb_free(&sql);
    strlist_free(&l.types);
    strlist_free(&l.names);
    return rc;
}

/* ---------------------------------------------------------------- cancelling */

/* sqlite3_interrupt() is the one SQLite call meant for another thread: the handle is the db. */
static db_cancel *sqlite_cancel_prepare(db_conn *c, const rw_config *cfg)
{
    (void)cfg;
    return (db_cancel *)c->db;
}

static int sqlite_cancel(db_cancel *h, rw_err *e)
{
    (void)e;
    sqlite3_interrupt((sqlite3 *)h);
    return RW_OK;
}

static void sqlite_cancel_free(db_cancel *h)
{
    (void)h;
}

const db_ops db_sqlite_ops = {
    .name = "sqlite",
    .product = "SQLite",
    .dialect = &sql_dialect_sqlite,
    .ddl_transactions = true,
    .handles_url = sqlite_handles_url,
    .connect = sqlite_connect,
    .close = sqlite_close,
    .server_version = sqlite_server_version,
    .current_schema = sqlite_current_schema,
    .current_user = sqlite_empty_string,
    .database_name = sqlite_empty_string,
    .exec = sqlite_exec,
    .query = sqlite_query,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .quote_ident = sqlite_quote_ident,
    .bool_true = "1",
    .bool_false = "0",
    .lock = sqlite_lock,
    .unlock = sqlite_unlock,
    .schema_exists = sqlite_schema_exists,
    .schema_create = sqlite_schema_create,
    .schema_is_empty = sqlite_schema_is_empty,
    .table_exists = sqlite_table_exists,
    .history_create = sqlite_history_create,
    .clean_schema = sqlite_clean_schema,
    .history_create_sql = sqlite_history_create_sql,
    .cancel_prepare = sqlite_cancel_prepare,
    .cancel = sqlite_cancel,
    .cancel_free = sqlite_cancel_free,
};
