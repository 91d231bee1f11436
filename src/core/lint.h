/*
 * lint.h - offline checks of migration files: names, duplicate versions,
 * placeholders, whether the dialect's splitter can parse each file, and
 * risky DDL on PostgreSQL and MySQL.  No database is needed.  Rules are
 * documented in docs/lint.md; each can be suppressed in the file with
 * "-- runway:ignore RW101 reason" on or above the statement (or
 * "-- runway:ignore-file RW101 reason" anywhere in the file).
 */
#ifndef RUNWAY_LINT_H
#define RUNWAY_LINT_H

#include "core/config.h"
#include "sql/split.h"

typedef enum { LINT_ERROR, LINT_WARNING, LINT_NOTE } lint_severity;

typedef struct lint_rule {
    const char *id;          /* "RW101" */
    const char *name;        /* "index-without-concurrently" */
    lint_severity severity;
    const char *dialects;    /* "all", "postgresql", "postgresql,mysql" */
    const char *summary;
    bool opt_in;             /* style rules: only with lintEnable */
} lint_rule;

typedef struct lint_finding {
    const lint_rule *rule;
    char *path;
    int line;
    int stmt_line;           /* first and last line of the statement it is about */
    int end_line;
    char *message;
} lint_finding;

/* A statement no rule knows what to make of: counted, listed with lintVerbose. */
typedef struct lint_unclassified {
    char *path;
    int line;
    char *text;              /* its start, on one line */
} lint_unclassified;

typedef struct lint_report {
    lint_finding *items;
    size_t len;
    size_t cap;
    size_t files;            /* files checked */
    size_t suppressed;       /* findings silenced by lint-ignore comments or lintIgnore */
    strlist paths;           /* every file checked, sorted */
    lint_unclassified *unclassified;
    size_t nunclassified;
    size_t statements;       /* statements read */
} lint_report;

/* The rule table, terminated by an entry with id NULL. */
const lint_rule *lint_rules(void);
const lint_rule *lint_rule_find(const char *id);
const char *lint_severity_name(lint_severity s);

/* Lints every migration and callback file in cfg's locations. */
int lint_run(const rw_config *cfg, const sql_dialect *dialect, lint_report *out, rw_err *e);
/* Lints one script's text (path names it in findings); used by lint_run and tests. */
void lint_script(const rw_config *cfg, const sql_dialect *dialect, const char *path,
                 const char *text, size_t len, lint_report *out);
void lint_report_free(lint_report *r);
size_t lint_count(const lint_report *r, lint_severity s);

#endif
