/*
 * split.h - splitting a migration script into the statements a driver
 * sends one at a time.  Each dialect knows its own quoting, comments and
 * block syntax; the driver picks its dialect.
 */
#ifndef RUNWAY_SPLIT_H
#define RUNWAY_SPLIT_H

#include "core/util.h"

/*
 * What a statement does to the transaction it runs in.  A migration that
 * runs in runway's transaction must not end it; one that runs outside a
 * transaction needs to know which of its statements were committed.
 */
typedef enum sql_txn {
    SQL_TXN_NONE = 0,
    SQL_TXN_BEGIN,       /* BEGIN, START TRANSACTION: opens a transaction */
    SQL_TXN_COMMIT,      /* COMMIT, END, PREPARE TRANSACTION: ends it, keeping the work */
    SQL_TXN_ROLLBACK,    /* ROLLBACK, ABORT: ends it, discarding the work */
    SQL_TXN_SAVEPOINT,   /* SAVEPOINT, RELEASE, ROLLBACK TO: stays inside it */
} sql_txn;

typedef struct sql_statement {
    char *sql;            /* statement text without its delimiter */
    size_t len;
    int line;             /* 1-based line where the statement starts */
    bool transactional;   /* false: must run outside a transaction */
    sql_txn txn;          /* transaction control, from the first words */
    char *copy_data;      /* PostgreSQL COPY ... FROM STDIN payload, or NULL */
    size_t copy_len;
} sql_statement;

typedef struct sql_script {
    sql_statement *stmts;
    size_t len;
    size_t cap;
    /*
     * Set when a line comment runs on past a bare carriage return (a line
     * end written as CR alone) and swallows statement text: the database
     * would never see it.  hidden_line is that text's line, counting a bare
     * CR as a line end (as the editor that wrote the file does); 0 if none.
     */
    int hidden_line;
    char hidden_text[64];
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
/* The first statement that begins or ends a transaction (not a savepoint), or NULL. */
const sql_statement *sql_script_find_txn_control(const sql_script *s);
/* Keyword(s) naming a statement's transaction control, e.g. "COMMIT", for messages. */
const char *sql_txn_name(const sql_statement *st);

/* True when text[i] ends a line: LF, or CR not followed by LF. */
static inline bool sql_is_line_end(const char *text, size_t len, size_t i)
{
    return text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'));
}

/*
 * Called by a splitter whose line comments end only at LF, with the span
 * [start, end) of one such comment in text[0, len): notes in s the first statement text that a bare CR
 * line end inside it hides from the database.  line is the comment's line;
 * comment_start(text, len, pos) tells whether a comment starts at pos.
 */
void sql_note_cr_hidden(sql_script *s, const char *text, size_t len, size_t start, size_t end,
                        int line, bool (*comment_start)(const char *text, size_t len, size_t pos));
/* Fills e with the error for a script whose hidden_line is set, naming path. */
int sql_script_hidden_error(const sql_script *s, const char *path, rw_err *e);
bool sql_script_has_transactional(const sql_script *s);
/*
 * True when every statement only reads or changes rows (INSERT, UPDATE,
 * DELETE, REPLACE, SELECT, WITH): such a script commits nothing by itself
 * on any database, so a rollback or a lost connection undoes all of it.
 */
bool sql_script_is_data_only(const sql_script *s);
/*
 * True when a MySQL statement holding ';' (from a DELIMITER block) is still
 * one statement to the server, so that it may share a multi-statement query.
 */
bool sql_mysql_is_one_statement(const char *sql, size_t len);

#endif
