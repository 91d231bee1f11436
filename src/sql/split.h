/*
 * split.h - splitting a migration script into the statements a driver
 * sends one at a time.  Each dialect knows its own quoting, comments and
 * block syntax; the driver picks its dialect.
 */
#ifndef RUNWAY_SPLIT_H
#define RUNWAY_SPLIT_H

#include "core/util.h"

typedef struct sql_statement {
    char *sql;            /* statement text without its delimiter */
    size_t len;
    int line;             /* 1-based line where the statement starts */
    bool transactional;   /* false: must run outside a transaction */
    char *copy_data;      /* PostgreSQL COPY ... FROM STDIN payload, or NULL */
    size_t copy_len;
} sql_statement;

typedef struct sql_script {
    sql_statement *stmts;
    size_t len;
    size_t cap;
} sql_script;

typedef struct sql_dialect {
    const char *name;
    /*
     * Splits text into statements.  On a parse error fills e with the line
     * (e->line) and a message, and returns non-zero.
     */
    int (*split)(const char *text, size_t len, sql_script *out, rw_err *e);
} sql_dialect;

extern const sql_dialect sql_dialect_sqlite;
extern const sql_dialect sql_dialect_postgres;
extern const sql_dialect sql_dialect_mysql;

/* Looks a dialect up by name ("sqlite", "postgresql", "mysql"). */
const sql_dialect *sql_dialect_find(const char *name);

void sql_script_free(sql_script *s);
/* Appends a statement (copies text), trimming surrounding whitespace; empty ones are skipped. */
sql_statement *sql_script_add(sql_script *s, const char *text, size_t len, int line);
bool sql_script_has_nontransactional(const sql_script *s);
bool sql_script_has_transactional(const sql_script *s);
/*
 * True when every statement only reads or changes rows (INSERT, UPDATE,
 * DELETE, REPLACE, SELECT, WITH): such a script commits nothing by itself
 * on any database, so a rollback or a lost connection undoes all of it.
 */
bool sql_script_is_data_only(const sql_script *s);

#endif
