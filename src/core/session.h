/*
 * session.h - what every database command needs first: the scanned
 * migrations, a connection, the default schema, the history table and the
 * placeholders with Flyway's built-ins.
 */
#ifndef RUNWAY_SESSION_H
#define RUNWAY_SESSION_H

#include "core/history.h"
#include "core/placeholder.h"
#include "core/plan.h"
#include "core/scan.h"
#include "db/db.h"

typedef struct rw_session {
    rw_config *cfg;
    rw_db db;
    strlist schemas;          /* configured schemas; the first is the default */
    char *default_schema;
    char *schema_quoted;      /* default_schema quoted for messages: "public", `db` */
    void (*ops_quote)(strbuf *out, const char *ident);
    char *url_display;        /* the URL with passwords masked */
    char *server_version;     /* "SQLite 3.40" */
    char *installed_by;
    char *database_name;      /* catalog for JSON "database", NULL if none */
    rw_history hist;
    bool hist_exists;
    rw_resources res;
    rw_placeholders ph;
    rw_plan plan;
    bool plan_built;
    bool res_shared;          /* res is the fleet run's shared scan: not ours to free */
    bool dry_run;             /* migrate -dryRunOutput: nothing reaches the database */
    char *conn_key;           /* the settings the connection was made with, when kept */
    strlist warnings;
} rw_session;

/* Scans locations (failing on invalid names when validateMigrationNaming). */
int session_scan(rw_session *s, rw_config *cfg, rw_err *e);
/*
 * Makes every later session_scan use res instead of scanning again (a run
 * over many targets scans once); NULL scans again.
 */
void session_share_scan(const rw_resources *res);
/*
 * With keep on, session_close keeps the connection instead of closing it,
 * and the next session_open whose settings differ only in its schema
 * (defaultSchema, schemas, placeholders) takes it back through the
 * driver's rebind, with the facts asked once per connection (server
 * version, user, database): a worker of a run over many tenants keeps one
 * connection for all of them.  Off closes the kept connection.
 */
void session_keep_connection(bool keep);
/* Scans, connects, reads the history table and builds the plan. */
int session_open(rw_session *s, rw_config *cfg, rw_err *e);

/*
 * Opens a connection as a session does, for a caller with no session (the
 * fleet's schema lookup): credentials from AWS when configured, and one
 * more login after a refusal a rotated secret explains.
 */
int session_db_open(rw_config *cfg, rw_db *db, rw_err *e);
void session_close(rw_session *s);
/* Rebuilds the plan from the current history. */
int session_plan(rw_session *s, rw_err *e);
/* Re-reads the history table and rebuilds the plan. */
int session_reload(rw_session *s, rw_err *e);

/*
 * Reads a script, replaces placeholders and splits it with the driver's
 * dialect.  Errors name the file and line.
 */
int session_load_script(rw_session *s, const char *path, bool replace_placeholders,
                        sql_script *out, rw_err *e);
/* Runs a loaded script's statements; errors carry file, line and statement. */
int session_exec_script(rw_session *s, const char *path, const sql_script *script, rw_err *e);
/* Like session_exec_script; *ran is set to the number of statements that completed. */
int session_exec_counted(rw_session *s, const char *path, const sql_script *script, size_t *ran,
                         rw_err *e);

/*
 * Runs the SQL callbacks for event.  With own_tx each runs in its own
 * transaction (when the script allows it); otherwise in the caller's.
 */
int session_callbacks(rw_session *s, const char *event, bool own_tx, rw_err *e);
bool session_has_callbacks(const rw_session *s, const char *event);

/* Creates the history table (under the lock) and records it in s. */
int session_create_history(rw_session *s, rw_err *e);
/* Fills a history row for a migration (description/script truncated as Flyway does). */
void session_fill_row(const rw_session *s, const rw_migration *m, rw_history_row *row);

/*
 * Appends the history row for an applied (or, with success false, failed)
 * migration or undo script, taking the next rank.
 */
int session_record(rw_session *s, const rw_migration *m, int execution_ms, bool success,
                   rw_err *e);

/* The default schema's name, unquoted (for SQL and placeholders). */
const char *session_schema(const rw_session *s);
/*
 * The default schema as Flyway prints it in messages: quoted the database's
 * way, "main" and "public" but `shop` on MySQL and MariaDB.
 */
const char *session_schema_quoted(const rw_session *s);
/* Any schema name quoted for a message the same way (caller frees). */
char *session_quote(const rw_session *s, const char *name);

#endif
