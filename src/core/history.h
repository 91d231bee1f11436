/*
 * history.h - reading and writing the flyway_schema_history table.  The SQL
 * is built here once for every database; drivers supply quoting, the
 * boolean literals and the CREATE TABLE statement.
 */
#ifndef RUNWAY_HISTORY_H
#define RUNWAY_HISTORY_H

#include "core/version.h"
#include "db/db.h"

typedef struct rw_history_row {
    char *version;           /* NULL for repeatables and markers */
    rw_version ver;          /* parsed version (unset when version is NULL) */
    char *description;
    char *type;              /* "SQL", "BASELINE", "SCHEMA", "DELETE", "UNDO_SQL", ... */
    char *script;
    char *installed_by;
    char *installed_on;      /* as the database returns it */
    int installed_rank;
    int32_t checksum;
    int execution_time;
    bool has_checksum;
    bool success;
    /*
     * Rows held in rw_history keep their strings and version in the
     * history's arena; false when each string is its own allocation, as in
     * rows built by callers.
     */
    bool in_arena;
} rw_history_row;

typedef struct rw_history {
    char *schema;
    char *table;
    char *qualified;         /* quoted "schema"."table" */
    rw_history_row *rows;    /* ordered by installed_rank */
    size_t len;
    size_t cap;
    rw_arena arena;          /* the rows' strings and versions */
} rw_history;

void history_init(rw_history *h, rw_db *db, const char *schema, const char *table);
void history_free(rw_history *h);
int history_exists(rw_db *db, const rw_history *h, bool *out, rw_err *e);
int history_create(rw_db *db, const rw_history *h, const rw_config *cfg, rw_err *e);
/* Appends rows with installed_rank greater than the last one already read. */
int history_refresh(rw_db *db, rw_history *h, rw_err *e);
/*
 * Makes room for more rows to come (a migrate's pending files), so
 * appending them does not double the array.  Moves the rows: pointers into
 * them must be taken again.
 */
void history_expect(rw_history *h, size_t more);
/* The rank the next row gets: last rank + 1, or 1 for an empty table. */
int history_next_rank(const rw_history *h);
/* Inserts row (its installed_rank must be set) and appends it to h. */
int history_insert_row(rw_db *db, rw_history *h, const rw_history_row *row, rw_err *e);

/*
 * A history write as one step of a batch (db_run_steps), so that it can
 * share a round trip with the migration's statements or its COMMIT.  The
 * SQL and its parameters live in the struct until history_write_free();
 * the matching _done() updates h once the step ran.
 */
typedef struct history_write {
    db_step step;
    strbuf sql;
    char rank[32], checksum[32], exec_time[32];
    const char *params[8];
} history_write;

/* history_insert_row() as a step; row's strings must outlive it. */
void history_insert_write(const rw_db *db, const rw_history *h, const rw_history_row *row,
                          history_write *w);
void history_insert_done(rw_history *h, const rw_history_row *row);
/* history_complete_row() as a step. */
void history_complete_write(const rw_db *db, const rw_history *h, int rank, int execution_ms,
                            history_write *w);
void history_complete_done(rw_history *h, int rank, int execution_ms);
void history_write_free(history_write *w);
int history_update_row(rw_db *db, rw_history *h, int rank, const char *description,
                       const char *type, const int32_t *checksum, rw_err *e);
int history_delete_failed(rw_db *db, rw_history *h, rw_err *e);
/*
 * Marks the row at rank successful, with its execution time and the time
 * of completion, as the row Flyway inserts after a migration ran.
 */
int history_complete_row(rw_db *db, rw_history *h, int rank, int execution_ms, rw_err *e);
/* Sets the execution time of the (failed) row at rank. */
int history_set_execution_time(rw_db *db, rw_history *h, int rank, int execution_ms, rw_err *e);
/* Whether the table still holds a row at rank (a rollback may have taken it away). */
int history_has_rank(rw_db *db, const rw_history *h, int rank, bool *out, rw_err *e);
/* Reads every row again: rows other processes updated since show their new values. */
int history_reload(rw_db *db, rw_history *h, rw_err *e);
/* Drops the last row read or inserted from h, not from the table. */
void history_forget_last(rw_history *h);
void history_row_free(rw_history_row *r);

#endif
