/*
 * dryrun.c - a driver that wraps another one for migrate -dryRunOutput.
 * Reads (history rows, catalog lookups, versions) go to the real database
 * so the plan is the real plan; everything that would change the database
 * is written to a file as SQL instead.  The migrate loop itself does not
 * know it is dry: it runs exactly as it would, against this driver.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db/db.h"

struct db_conn {
    const db_ops *real;
    db_conn *inner;
    FILE *out;
    db_ops ops;              /* the table handed out, pointing back at these functions */
    char *history_table;     /* set once the history table was "created" in the file */
};

/* Every wrapper function gets the wrapper connection; the ops table is inside it. */
static void dry_write_statement(db_conn *c, const char *sql, size_t len)
{
    bool needs_delimiter = strcmp(c->real->name, "mysql") == 0 && memchr(sql, ';', len);
    if (needs_delimiter) {
        fputs("DELIMITER //\n", c->out);
        fwrite(sql, 1, len, c->out);
        fputs("//\nDELIMITER ;\n", c->out);
    } else {
        fwrite(sql, 1, len, c->out);
        fputs(";\n", c->out);
    }
}

static int dry_exec(db_conn *c, const sql_statement *st, rw_err *e)
{
    (void)e;
    dry_write_statement(c, st->sql, st->len);
    if (st->copy_data) {
        fwrite(st->copy_data, 1, st->copy_len, c->out);
        if (st->copy_len == 0 || st->copy_data[st->copy_len - 1] != '\n')
            fputc('\n', c->out);
        fputs("\\.\n", c->out);
    }
    return RW_OK;
}

static bool dry_is_read(const char *sql)
{
    while (isspace((unsigned char)*sql))
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "SHOW", 4) == 0 ||
           strncasecmp(sql, "PRAGMA", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0;
}

/* A literal for a '?' parameter; MySQL also treats backslashes as escapes. */
static void dry_literal(db_conn *c, strbuf *sb, const char *v)
{
    if (!v) {
        sb_adds(sb, "NULL");
        return;
    }
    bool backslash = strcmp(c->real->name, "mysql") == 0;
    sb_addc(sb, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '\'')
            sb_addc(sb, '\'');
        else if (*p == '\\' && backslash)
            sb_addc(sb, '\\');
        sb_addc(sb, *p);
    }
    sb_addc(sb, '\'');
}

/* Substitutes parameters for the '?' marks outside quoted text. */
static void dry_inline_params(db_conn *c, const char *sql, const char *const *params, int n,
                              strbuf *out)
{
    int k = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
        } else if (*p == '?' && k < n) {
            dry_literal(c, out, params[k++]);
            continue;
        }
        sb_addc(out, *p);
    }
}

static int dry_query(db_conn *c, const char *sql, const char *const *params, int nparams,
                     db_row_fn fn, void *ud, rw_err *e)
{
    if (dry_is_read(sql)) {
        /* The history table exists only in the file so far: it has no rows. */
        if (c->history_table && strstr(sql, c->history_table))
            return RW_OK;
        return c->real->query(c->inner, sql, params, nparams, fn, ud, e);
    }
    strbuf sb = STRBUF_INIT;
    dry_inline_params(c, sql, params, nparams, &sb);
    dry_write_statement(c, sb.buf, sb.len);
    sb_free(&sb);
    return RW_OK;
}

static int dry_begin(db_conn *c, rw_err *e)
{
    (void)e;
    fputs(strcmp(c->real->name, "mysql") == 0 ? "START TRANSACTION;\n" : "BEGIN;\n", c->out);
    return RW_OK;
}

static int dry_commit(db_conn *c, rw_err *e)
{
    (void)e;
    fputs("COMMIT;\n", c->out);
    return RW_OK;
}

static int dry_rollback(db_conn *c, rw_err *e)
{
    (void)e;
    fputs("ROLLBACK;\n", c->out);
    return RW_OK;
}

/* The dry run takes no lock: it changes nothing another process could see. */
static int dry_lock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    (void)c, (void)schema, (void)table, (void)e;
    return RW_OK;
}

static int dry_schema_create(db_conn *c, const char *schema, rw_err *e)
{
    (void)e;
    strbuf sb = STRBUF_INIT;
    sb_adds(&sb, "CREATE SCHEMA ");
    c->real->quote_ident(&sb, schema);
    dry_write_statement(c, sb.buf, sb.len);
    sb_free(&sb);
    return RW_OK;
}

static int dry_history_create(db_conn *c, const char *schema, const char *table,
                              const rw_config *cfg, rw_err *e)
{
    (void)e;
    if (c->real->history_create_sql) {
        strbuf sb = STRBUF_INIT;
        c->real->history_create_sql(c->inner, schema, table, cfg, &sb);
        fputs(sb_str(&sb), c->out);
        if (sb.len && sb.buf[sb.len - 1] != '\n')
            fputc('\n', c->out);
        sb_free(&sb);
    } else {
        fprintf(c->out, "-- create the schema history table %s.%s (%s's Flyway DDL)\n", schema,
                table, c->real->product);
    }
    free(c->history_table);
    c->history_table = xstrdup(table);
    return RW_OK;
}

static int dry_clean_schema(db_conn *c, const char *schema, bool drop_schema, rw_err *e)
{
    (void)c, (void)drop_schema;
    return rw_fail(e, RW_ERROR, "clean of schema %s cannot be part of a dry run", schema);
}

/* Pass-through reads. */
static int dry_server_version(db_conn *c, strbuf *out, rw_err *e)
{
    return c->real->server_version(c->inner, out, e);
}
static int dry_current_schema(db_conn *c, strbuf *out, rw_err *e)
{
    return c->real->current_schema(c->inner, out, e);
}
static int dry_current_user(db_conn *c, strbuf *out, rw_err *e)
{
    return c->real->current_user(c->inner, out, e);
}
static int dry_database_name(db_conn *c, strbuf *out, rw_err *e)
{
    return c->real->database_name ? c->real->database_name(c->inner, out, e) : RW_OK;
}
static int dry_schema_exists(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    return c->real->schema_exists(c->inner, schema, out, e);
}
static int dry_schema_is_empty(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    return c->real->schema_is_empty(c->inner, schema, out, e);
}
static int dry_table_exists(db_conn *c, const char *schema, const char *table, bool *out,
                            rw_err *e)
{
    if (c->history_table && strcmp(table, c->history_table) == 0) {
        *out = true;
        return RW_OK;
    }
    return c->real->table_exists(c->inner, schema, table, out, e);
}

static void dry_close(db_conn *c)
{
    c->real->close(c->inner);
    if (c->out && c->out != stdout)
        fclose(c->out);
    else if (c->out)
        fflush(c->out);
    free(c->history_table);
    free(c);
}

void db_dryrun_wrap(rw_db *db, FILE *out, const char *header)
{
    db_conn *c = xcalloc(1, sizeof *c);
    c->real = db->ops;
    c->inner = db->conn;
    c->out = out;
    c->ops = *db->ops;
    c->ops.close = dry_close;
    c->ops.rebind = NULL;
    c->ops.server_version = dry_server_version;
    c->ops.current_schema = dry_current_schema;
    c->ops.current_user = dry_current_user;
    c->ops.database_name = dry_database_name;
    c->ops.exec = dry_exec;
    c->ops.query = dry_query;
    c->ops.begin = dry_begin;
    c->ops.commit = dry_commit;
    c->ops.rollback = dry_rollback;
    c->ops.run_steps = NULL; /* one step at a time, each through the calls above */
    c->ops.lock = dry_lock;
    c->ops.unlock = dry_lock;
    c->ops.schema_exists = dry_schema_exists;
    c->ops.schema_create = dry_schema_create;
    c->ops.schema_is_empty = dry_schema_is_empty;
    c->ops.table_exists = dry_table_exists;
    c->ops.history_create = dry_history_create;
    c->ops.clean_schema = dry_clean_schema;
    if (header)
        fprintf(out, "%s", header);
    db->ops = &c->ops;
    db->conn = c;
}
