/*
 * db.h - the database driver interface.  Each database is one file in
 * src/db/ filling in one db_ops table; nothing outside src/db/ knows which
 * database it is talking to.
 */
#ifndef RUNWAY_DB_H
#define RUNWAY_DB_H

#include <stdio.h>

#include "core/config.h"
#include "core/util.h"
#include "sql/split.h"

typedef struct db_conn db_conn;   /* defined by each driver */
typedef struct db_cancel db_cancel; /* what stopping a running statement needs, per driver */

/* Called once per result row; vals[i] is NULL for SQL NULL. Non-zero stops. */
typedef int (*db_row_fn)(void *ud, int ncols, const char *const *vals, rw_err *e);

/*
 * One step of a batch (see db_ops.run_steps): transaction control, a
 * statement of a migration script, or runway's own SQL (a history row)
 * with '?' parameters and no rows of interest.
 */
typedef enum db_step_kind { DB_STEP_BEGIN, DB_STEP_COMMIT, DB_STEP_SCRIPT, DB_STEP_SQL } db_step_kind;

typedef struct db_step {
    db_step_kind kind;
    const sql_statement *st;     /* DB_STEP_SCRIPT */
    const char *sql;             /* DB_STEP_SQL */
    const char *const *params;
    int nparams;
} db_step;

typedef struct db_ops {
    const char *name;            /* "sqlite", "postgresql", "mysql" */
    const char *product;         /* "SQLite", "PostgreSQL", "MySQL" */
    const sql_dialect *dialect;
    bool ddl_transactions;       /* can a failed DDL migration be rolled back? */

    /* True when this driver handles url (jdbc:sqlite:..., postgres://...). */
    bool (*handles_url)(const char *url);
    /* Connects using url, user, password, connectRetries, initSql ... from cfg. */
    int (*connect)(const rw_config *cfg, db_conn **out, rw_err *e);
    void (*close)(db_conn *c);
    /*
     * Optional: readies a connection that served one target for the next
     * target on the same server, whose settings (cfg) differ only in
     * defaultSchema and schemas: clears what the last target left in the
     * session and sets it up for cfg as connect would.  An error means the
     * connection cannot be reused: close it and connect.
     */
    int (*rebind)(db_conn *c, const rw_config *cfg, rw_err *e);

    /* "SQLite 3.40", "PostgreSQL 15.4" */
    int (*server_version)(db_conn *c, strbuf *out, rw_err *e);
    /* Current schema (PG current_schema, MySQL DATABASE(), SQLite "main"). */
    int (*current_schema)(db_conn *c, strbuf *out, rw_err *e);
    /* installed_by default (PG current_user, MySQL user, SQLite ""). */
    int (*current_user)(db_conn *c, strbuf *out, rw_err *e);
    /* Catalog name for JSON "database" (PG database, MySQL db); may leave out empty. */
    int (*database_name)(db_conn *c, strbuf *out, rw_err *e);

    /* Runs one statement of a migration script; fills e with server details on error. */
    int (*exec)(db_conn *c, const sql_statement *st, rw_err *e);
    /* Runs sql with '?' parameters (text values, NULL = SQL NULL); rows go to fn. */
    int (*query)(db_conn *c, const char *sql, const char *const *params, int nparams, db_row_fn fn,
                 void *ud, rw_err *e);
    int (*begin)(db_conn *c, rw_err *e);
    int (*commit)(db_conn *c, rw_err *e);
    int (*rollback)(db_conn *c, rw_err *e);
    /*
     * Optional: runs steps in order as begin, exec, query and commit would,
     * in as few round trips as the protocol allows, and stops at the first
     * failure, which e describes as the single call would have.  *done
     * counts the steps that completed.  Steps that must run alone (COPY,
     * stored programs) still do.  NULL: db_run_steps() runs them one by one.
     */
    int (*run_steps)(db_conn *c, const db_step *steps, size_t n, size_t *done, rw_err *e);

    /* Appends the quoted identifier. */
    void (*quote_ident)(strbuf *out, const char *ident);
    const char *bool_true;       /* "TRUE" or "1" */
    const char *bool_false;

    /* Cross-process lock on the history table (Flyway's lock key). */
    int (*lock)(db_conn *c, const char *schema, const char *table, rw_err *e);
    int (*unlock)(db_conn *c, const char *schema, const char *table, rw_err *e);
    /*
     * Whether some connection holds that lock right now, or NULL.  Where DDL
     * is not transactional a running migration's history row reads as
     * failed until it completes; a held lock tells the two apart.
     */
    int (*lock_is_held)(db_conn *c, const char *schema, const char *table, bool *out, rw_err *e);

    int (*schema_exists)(db_conn *c, const char *schema, bool *out, rw_err *e);
    /* Names of the schemas matching one LIKE pattern (?), sorted; NULL: no schemas. */
    const char *list_schemas_sql;
    int (*schema_create)(db_conn *c, const char *schema, rw_err *e);
    /* True when the schema holds no objects. */
    int (*schema_is_empty)(db_conn *c, const char *schema, bool *out, rw_err *e);
    int (*table_exists)(db_conn *c, const char *schema, const char *table, bool *out, rw_err *e);
    /* Creates the history table with Flyway's exact DDL for this database. */
    int (*history_create)(db_conn *c, const char *schema, const char *table, const rw_config *cfg,
                          rw_err *e);
    /* Drops every object in the schema (or the schema itself when drop_schema). */
    int (*clean_schema)(db_conn *c, const char *schema, bool drop_schema, rw_err *e);
    /* Optional: appends the statements history_create runs (dry runs print them). */
    void (*history_create_sql)(db_conn *c, const char *schema, const char *table,
                               const rw_config *cfg, strbuf *out);

    /*
     * Optional: stopping a statement from another thread (a signal, a
     * deadline).  cancel_prepare runs on the connection's own thread and
     * returns what cancel needs, or NULL; cancel may then run on any thread
     * while a statement runs (PQcancel, KILL QUERY on a second connection,
     * sqlite3_interrupt); cancel_free releases the handle.
     */
    db_cancel *(*cancel_prepare)(db_conn *c, const rw_config *cfg);
    int (*cancel)(db_cancel *h, rw_err *e);
    void (*cancel_free)(db_cancel *h);
} db_ops;

extern const db_ops db_sqlite_ops;
extern const db_ops db_postgres_ops;
extern const db_ops db_mysql_ops;

/* The driver for url, or NULL. */
const db_ops *db_find(const char *url);

/*
 * The connection parameters cfg's url (with jdbcProperties.*, user and
 * password) gives the PostgreSQL or MySQL driver, one "name=value" line
 * each, worked out as a connect would but without connecting: the URL
 * parsers' entry for tests and the fuzzers.  Passwords are included.
 */
int db_postgres_describe_url(const rw_config *cfg, strbuf *out, rw_err *e);
int db_mysql_describe_url(const rw_config *cfg, strbuf *out, rw_err *e);

/* A connection plus its driver: what the core passes around. */
typedef struct rw_db {
    const db_ops *ops;
    db_conn *conn;
} rw_db;

/* Runs steps with the driver's run_steps, or one call per step where it has none. */
int db_run_steps(rw_db *db, const db_step *steps, size_t n, size_t *done, rw_err *e);

/*
 * True when a connection error says the server answered and refused: a
 * wrong password or user, no access, an unknown database.  Waiting does not
 * fix these, unlike a server that is not reachable yet.
 */
bool db_error_is_refusal(const rw_err *e);

/*
 * Waiting on another process (the migration lock) must end as soon as the
 * run is asked to stop, as a running statement does.  The stop module tells
 * how to know (db_set_stop_check: RW_OK, or fills e with why the run
 * stops); without one nothing stops a wait.
 */
typedef int (*db_stop_check)(rw_err *e);
void db_set_stop_check(db_stop_check check);
/* RW_OK, or the stop's error when the run was asked to stop. */
int db_check_stop(rw_err *e);
/* Sleeps ms, or less: when the run is asked to stop, returns at once with the stop's error. */
int db_wait_ms(long ms, rw_err *e);
/* db_wait_ms while waiting for the migration lock; a stop's error says so. */
int db_lock_wait_ms(long ms, rw_err *e);
/*
 * db_wait_ms between connection attempts (connectRetries); a stop's error
 * says so and quotes the last attempt's error, last.
 */
int db_connect_wait_ms(long ms, const char *last, rw_err *e);

/* Finds the driver for cfg's url and connects; errors name the redacted URL. */
int db_open(const rw_config *cfg, rw_db *db, rw_err *e);
void db_close(rw_db *db);

/*
 * Turns db into a dry run: reads still reach the database, every statement
 * that would change it (migration SQL, history rows and table, schemas,
 * transaction control) is written to out instead.  out is closed with db
 * unless it is stdout.
 */
void db_dryrun_wrap(rw_db *db, FILE *out, const char *header);

#endif
