/*
 * lint.c - offline migration checks.  Each script is read as migrate would
 * read it (placeholders, then the dialect's splitter); each statement is
 * then cut into tokens with strings, comments and dollar-quoted bodies
 * left out, and the risky-DDL rules look at those tokens.  Tables created
 * earlier in the same file are new and empty, so rules about locking or
 * rewriting existing tables do not apply to them.
 */
#include "core/lint.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/placeholder.h"
#include "core/scan.h"

static const lint_rule rules[] = {
    {"RW001", "invalid-name", LINT_ERROR, "all",
     "A file in a location looks like a migration but its name does not parse, so migrate "
     "skips it", false},
    {"RW002", "duplicate-version", LINT_ERROR, "all",
     "Two migrations have the same version (or two repeatables the same description)", false},
    {"RW003", "unresolved-placeholder", LINT_ERROR, "all",
     "A ${placeholder} has no value in the configuration; migrate would fail", false},
    {"RW004", "parse-error", LINT_ERROR, "all",
     "The dialect's statement splitter cannot parse the file", false},
    {"RW005", "mixed-transactional", LINT_ERROR, "all",
     "Transactional and non-transactional statements in one migration while mixed=false", false},
    {"RW006", "cr-hidden-statement", LINT_ERROR, "sqlite,mysql",
     "A -- or # comment runs on past a bare CR line end and hides statement text from the "
     "database", false},
    {"RW101", "index-without-concurrently", LINT_WARNING, "postgresql",
     "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds", false},
    {"RW102", "not-null-without-default", LINT_ERROR, "postgresql",
     "ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows", false},
    {"RW103", "column-type-change", LINT_WARNING, "postgresql,mysql",
     "Changing a column's type usually rewrites the table under an exclusive lock", false},
    {"RW104", "drop-column", LINT_WARNING, "postgresql,mysql",
     "DROP COLUMN breaks application versions still reading the column and loses data", false},
    {"RW105", "drop-table", LINT_WARNING, "postgresql,mysql",
     "DROP TABLE loses data and breaks application versions still using the table", false},
    {"RW106", "missing-lock-timeout", LINT_WARNING, "postgresql",
     "A migration taking table locks without lock_timeout can queue behind a long transaction "
     "and block all traffic to the table", false},
    {"RW107", "constraint-without-not-valid", LINT_WARNING, "postgresql",
     "ADD CONSTRAINT FOREIGN KEY/CHECK without NOT VALID scans the table under a lock", false},
    {"RW108", "set-not-null", LINT_WARNING, "postgresql",
     "ALTER COLUMN ... SET NOT NULL scans the whole table under an exclusive lock", false},
    {"RW109", "rename", LINT_WARNING, "postgresql,mysql",
     "Renaming a table or column breaks application versions still using the old name", false},
    {"RW110", "not-null-implicit-default", LINT_WARNING, "mysql",
     "ADD COLUMN ... NOT NULL without a DEFAULT silently fills existing rows with the type's "
     "implicit default (0, '', ...)", false},
    {"RW011", "syntax-error", LINT_ERROR, "all",
     "A statement does not start as the dialect's SQL (a misspelt keyword), so migrate would "
     "fail on it", false},
    {"RW012", "invalid-suppression", LINT_ERROR, "all",
     "A runway:ignore comment names no rule, or a rule that does not exist", false},
    {"RW013", "unused-suppression", LINT_WARNING, "all",
     "A runway:ignore comment silences nothing; remove it", false},
    {"RW014", "transaction-control", LINT_WARNING, "all",
     "COMMIT, ROLLBACK or BEGIN inside a migration that runs in a transaction ends runway's "
     "transaction: the migration is no longer applied all or nothing", false},
    {"RW111", "drop-index-without-concurrently", LINT_WARNING, "postgresql",
     "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table", false},
    {"RW112", "reindex-without-concurrently", LINT_WARNING, "postgresql",
     "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds", false},
    {"RW113", "detach-partition-without-concurrently", LINT_WARNING, "postgresql",
     "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the parent", false},
    {"RW114", "constraint-builds-index", LINT_WARNING, "postgresql",
     "ADD PRIMARY KEY / UNIQUE on an existing table builds the index under an ACCESS EXCLUSIVE "
     "lock; build it CONCURRENTLY and add the constraint USING INDEX", false},
    {"RW115", "add-column-rewrites-table", LINT_WARNING, "postgresql",
     "ADD COLUMN with a volatile default, a stored generated column, an identity or serial "
     "rewrites the table under an ACCESS EXCLUSIVE lock", false},
    {"RW116", "missing-statement-timeout", LINT_WARNING, "postgresql",
     "A migration taking table locks without statement_timeout can hold them for as long as "
     "its slowest statement runs", false},
    {"RW117", "truncate-cascade", LINT_WARNING, "postgresql",
     "TRUNCATE ... CASCADE also empties every table with a foreign key to it", false},
    {"RW118", "drop-not-null", LINT_WARNING, "postgresql",
     "DROP NOT NULL breaks application versions that read the column as never null", false},
    {"RW119", "identifier-too-long", LINT_ERROR, "postgresql,mysql",
     "An identifier longer than the database allows (63 bytes on PostgreSQL, 64 on MySQL) is "
     "cut short or refused", false},
    {"RW120", "table-copy-without-algorithm", LINT_WARNING, "mysql",
     "ALTER TABLE that may copy the table (AFTER/FIRST, CONVERT TO CHARACTER SET, ADD FOREIGN "
     "KEY) without ALGORITHM=INPLACE/INSTANT and LOCK=NONE", false},
    {"RW201", "prefer-bigint-keys", LINT_NOTE, "postgresql,mysql",
     "An int or smallint primary or foreign key runs out at 2^31; use bigint", true},
    {"RW202", "prefer-identity", LINT_NOTE, "postgresql",
     "serial columns: prefer GENERATED ... AS IDENTITY", true},
    {"RW203", "prefer-text", LINT_NOTE, "postgresql",
     "varchar(n): widening it later locks the table; prefer text with a CHECK on its length",
     true},
    {"RW204", "prefer-timestamptz", LINT_NOTE, "postgresql",
     "timestamp without time zone: prefer timestamptz", true},
    {NULL, NULL, 0, NULL, NULL, false},
};

const lint_rule *lint_rules(void)
{
    return rules;
}

const lint_rule *lint_rule_find(const char *id)
{
    for (const lint_rule *r = rules; r->id; r++)
        if (rw_str_ieq(r->id, id))
            return r;
    return NULL;
}

const char *lint_severity_name(lint_severity s)
{
    return s == LINT_ERROR ? "error" : s == LINT_WARNING ? "warning" : "note";
}

void lint_report_free(lint_report *r)
{
    for (size_t i = 0; i < r->len; i++) {
        free(r->items[i].path);
        free(r->items[i].message);
    }
    free(r->items);
    for (size_t i = 0; i < r->nunclassified; i++) {
        free(r->unclassified[i].path);
        free(r->unclassified[i].text);
    }
    free(r->unclassified);
    strlist_free(&r->paths);
    memset(r, 0, sizeof *r);
}

size_t lint_count(const lint_report *r, lint_severity s)
{
    size_t n = 0;
    for (size_t i = 0; i < r->len; i++)
        n += r->items[i].rule->severity == s;
    return n;
}

/* ---- suppression ---------------------------------------------------------- */

typedef struct lint_ignore {
    int line;                /* where the comment is */
    bool whole_file;
    const lint_rule *rule;
    bool used;
} lint_ignore;

typedef struct lint_file {
    const rw_config *cfg;
    const sql_dialect *dialect;
    const char *path;
    lint_report *out;
    lint_ignore *ignores;
    size_t nignores;
    strlist disabled;        /* lintIgnore setting */
    strlist enabled;         /* lintEnable setting: opt-in rules turned on */
    int range_start;         /* first line a runway:ignore comment may be on for this statement */
    int stmt_line;           /* the statement being read: its first and last line */
    int stmt_last;
    bool pg, mysql;
} lint_file;

static void lint_add(lint_file *f, const char *id, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool lint_rule_disabled(const lint_file *f, const lint_rule *rule)
{
    for (size_t i = 0; i < f->disabled.len; i++)
        if (rw_str_ieq(f->disabled.items[i], rule->id))
            return true;
    return false;
}

/*
 * Whether a rule runs here at all.  A suppression of a rule that does not
 * run cannot be "unused", so this decides that too.
 */
static bool lint_rule_active(const lint_file *f, const lint_rule *rule)
{
    if (strcmp(rule->dialects, "all") != 0 &&
        (!f->dialect || !strstr(rule->dialects, f->dialect->name)))
        return false;
    if (lint_rule_disabled(f, rule))
        return false;
    if (!rule->opt_in)
        return true;
    for (size_t i = 0; i < f->enabled.len; i++)
        if (rw_str_ieq(f->enabled.items[i], rule->id) || rw_str_ieq(f->enabled.items[i], "style"))
            return true;
    return false;
}

/* The directive on one line, or NULL: "runway:ignore", also spelt "runway:lint-ignore". */
static const char *lint_ignore_directive(const char *l, bool *whole)
{
    const char *m = strstr(l, "runway:ignore");
    size_t n = strlen("runway:ignore");
    if (!m) {
        m = strstr(l, "runway:lint-ignore");
        n = strlen("runway:lint-ignore");
    }
    if (!m)
        return NULL;
    /* only in a comment: "--", "/ *" or MySQL's "#" before it on the line */
    bool in_comment = false;
    for (const char *p = l; p < m && !in_comment; p++)
        in_comment = (p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*') || p[0] == '#';
    if (!in_comment)
        return NULL;
    m += n;
    *whole = rw_starts_with(m, "-file");
    if (*whole)
        m += 5;
    return m;
}

/*
 * Collects "runway:ignore RW101, RW102 reason" comments.  The rule ids come
 * first and are required; the first word that is not a rule id starts the
 * reason.  A comment without a valid id is itself a finding, so a typo does
 * not silently leave the finding it meant to silence in place.
 */
static void lint_collect_ignores(lint_file *f, const char *text, size_t len)
{
    int line = 1;
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        if (memchr(text + i, ':', eol - i)) {
            char *l = xstrndup(text + i, eol - i);
            bool whole = false;
            const char *m = lint_ignore_directive(l, &whole);
            if (m) {
                char *rest = xstrdup(m);
                char *save = NULL;
                size_t found = 0;
                for (char *tok = strtok_r(rest, " \t,;*/", &save); tok;
                     tok = strtok_r(NULL, " \t,;*/", &save)) {
                    const lint_rule *rule = lint_rule_find(tok);
                    bool id_like = (tok[0] == 'R' || tok[0] == 'r') &&
                                   (tok[1] == 'W' || tok[1] == 'w') && isdigit((unsigned char)tok[2]);
                    if (!rule && id_like) {
                        f->range_start = f->stmt_line = f->stmt_last = line;
                        lint_add(f, "RW012", line, "runway:ignore names unknown rule %s; see "
                                 "docs/lint.md for the rule ids", tok);
                        found++;
                        continue;
                    }
                    if (!rule)
                        break; /* the rest is the reason */
                    f->ignores = xrealloc(f->ignores, (f->nignores + 1) * sizeof *f->ignores);
                    f->ignores[f->nignores++] =
                        (lint_ignore){.line = line, .whole_file = whole, .rule = rule};
                    found++;
                }
                if (!found) {
                    f->range_start = f->stmt_line = f->stmt_last = line;
                    lint_add(f, "RW012", line, "runway:ignore%s must name the rule it silences, "
                             "e.g. -- runway:ignore%s RW104 the column is unused since v12",
                             whole ? "-file" : "", whole ? "-file" : "");
                }
                free(rest);
            }
            free(l);
        }
        i = eol + 1;
        line++;
    }
}

/* A comment applies to the statement it is on, or to the next one below it. */
static bool lint_suppressed(lint_file *f, const lint_rule *rule, int line)
{
    int last = f->stmt_last > line ? f->stmt_last : line;
    for (size_t i = 0; i < f->nignores; i++) {
        lint_ignore *ig = &f->ignores[i];
        if (ig->rule != rule)
            continue;
        if (ig->whole_file || (ig->line >= f->range_start && ig->line <= last)) {
            ig->used = true;
            return true;
        }
    }
    return false;
}

/* Suppressions that silenced nothing hide nothing today but would hide a new finding later. */
static void lint_report_unused_ignores(lint_file *f)
{
    for (size_t i = 0; i < f->nignores; i++) {
        const lint_ignore *ig = &f->ignores[i];
        if (ig->used || !lint_rule_active(f, ig->rule))
            continue;
        f->range_start = f->stmt_line = f->stmt_last = ig->line;
        lint_add(f, "RW013", ig->line, "runway:ignore%s %s silences nothing here; remove it",
                 ig->whole_file ? "-file" : "", ig->rule->id);
    }
}

static void lint_report_add(lint_report *r, const lint_rule *rule, const char *path, int line,
                            int stmt_line, int end_line, char *message)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->items = xrealloc(r->items, r->cap * sizeof *r->items);
    }
    lint_finding *fd = &r->items[r->len++];
    fd->rule = rule;
    fd->path = xstrdup(path);
    fd->line = line;
    fd->stmt_line = stmt_line && stmt_line <= line ? stmt_line : line;
    fd->end_line = end_line >= line ? end_line : line;
    fd->message = message;
}

static void lint_add(lint_file *f, const char *id, int line, const char *fmt, ...)
{
    const lint_rule *rule = lint_rule_find(id);
    if (!lint_rule_active(f, rule)) {
        f->out->suppressed += lint_rule_disabled(f, rule);
        return;
    }
    if (lint_suppressed(f, rule, line)) {
        f->out->suppressed++;
        return;
    }
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    lint_report_add(f->out, rule, f->path, line, f->stmt_line, f->stmt_last, sb_detach(&sb));
}

/* ---- tokens --------------------------------------------------------------- */

typedef enum { TK_WORD, TK_QUOTED, TK_STRING, TK_NUMBER, TK_PUNCT } lint_tk_kind;

typedef struct lint_token {
    lint_tk_kind kind;
    char *text;              /* words upper-cased; quoted identifiers without quotes */
    char *orig;              /* words as written */
    int line;
} lint_token;

typedef struct lint_tokens {
    lint_token *t;
    size_t n;
    size_t cap;
} lint_tokens;

static void lint_tokens_free(lint_tokens *ts)
{
    for (size_t i = 0; i < ts->n; i++) {
        free(ts->t[i].text);
        free(ts->t[i].orig);
    }
    free(ts->t);
    memset(ts, 0, sizeof *ts);
}

static void lint_push(lint_tokens *ts, lint_tk_kind k, char *text, int line)
{
    if (ts->n == ts->cap) {
        ts->cap = ts->cap ? ts->cap * 2 : 64;
        ts->t = xrealloc(ts->t, ts->cap * sizeof *ts->t);
    }
    ts->t[ts->n].kind = k;
    ts->t[ts->n].text = text;
    ts->t[ts->n].orig = NULL;
    ts->t[ts->n++].line = line;
}

/* Skips a quoted run starting at s[i] (the quote); returns the index after it. */
static size_t lint_skip_quoted(const char *s, size_t len, size_t i, char q, bool backslash,
                               int *line)
{
    for (i++; i < len; i++) {
        if (s[i] == '\n')
            (*line)++;
        if (backslash && s[i] == '\\' && i + 1 < len) {
            if (s[i + 1] == '\n')
                (*line)++;
            i++;
        } else if (s[i] == q) {
            if (i + 1 < len && s[i + 1] == q) {
                i++;
                continue;
            }
            return i + 1;
        }
    }
    return len;
}

/* A PostgreSQL $tag$ opening at s[i], or 0. */
static size_t lint_dollar_tag(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_'))
        j++;
    if (j < len && s[j] == '$' && !(j > i + 1 && isdigit((unsigned char)s[i + 1])))
        return j - i + 1;
    return 0;
}

static void lint_tokenize(const lint_file *f, const char *s, size_t len, int line,
                          lint_tokens *ts)
{
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '\n') {
            line++;
            i++;
        } else if (isspace((unsigned char)c)) {
            i++;
        } else if ((c == '-' && i + 1 < len && s[i + 1] == '-') || (c == '#' && f->mysql)) {
            while (i < len && s[i] != '\n')
                i++;
        } else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(s[i] == '*' && s[i + 1] == '/')) {
                if (s[i] == '\n')
                    line++;
                i++;
            }
            i += 2;
        } else if (c == '\'') {
            bool bs = f->mysql || (f->pg && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e'));
            int l0 = line;
            size_t end = lint_skip_quoted(s, len, i, '\'', bs, &line);
            lint_push(ts, TK_STRING, xstrndup(s + i + 1, end > i + 1 ? end - i - 2 : 0), l0);
            i = end;
        } else if (c == '"' || c == '`') {
            int l0 = line;
            size_t end = lint_skip_quoted(s, len, i, c, c == '"' && f->mysql, &line);
            lint_push(ts, TK_QUOTED, xstrndup(s + i + 1, end > i + 1 ? end - i - 2 : 0), l0);
            i = end;
        } else if (c == '$' && f->pg && lint_dollar_tag(s, len, i)) {
            size_t tl = lint_dollar_tag(s, len, i);
            int l0 = line;
            size_t j = i + tl;
            while (j + tl <= len && memcmp(s + j, s + i, tl) != 0) {
                if (s[j] == '\n')
                    line++;
                j++;
            }
            lint_push(ts, TK_STRING, xstrndup(s + i + tl, j > i + tl ? j - i - tl : 0), l0);
            i = j + tl < len ? j + tl : len;
        } else if (isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
            size_t j = i;
            while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '$' ||
                               (unsigned char)s[j] >= 0x80))
                j++;
            char *w = xstrndup(s + i, j - i);
            for (char *p = w; *p; p++)
                *p = (char)toupper((unsigned char)*p);
            /* E'..' strings: the E is a prefix, not a word */
            if (f->pg && j - i == 1 && (c == 'E' || c == 'e') && j < len && s[j] == '\'') {
                free(w);
                i = j;
                continue;
            }
            lint_push(ts, TK_WORD, w, line);
            ts->t[ts->n - 1].orig = xstrndup(s + i, j - i);
            i = j;
        } else if (isdigit((unsigned char)c)) {
            size_t j = i;
            while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '.'))
                j++;
            lint_push(ts, TK_NUMBER, xstrndup(s + i, j - i), line);
            i = j;
        } else {
            lint_push(ts, TK_PUNCT, xstrndup(s + i, 1), line);
            i++;
        }
    }
}

static bool tk_is(const lint_tokens *ts, size_t i, const char *word)
{
    return i < ts->n && ts->t[i].kind == TK_WORD && strcmp(ts->t[i].text, word) == 0;
}

static bool tk_punct(const lint_tokens *ts, size_t i, char c)
{
    return i < ts->n && ts->t[i].kind == TK_PUNCT && ts->t[i].text[0] == c;
}

/* Reads a possibly qualified name at *i; returns its last part, lower-cased unless quoted. */
static char *lint_name(const lint_tokens *ts, size_t *i)
{
    char *last = NULL;
    while (*i < ts->n && (ts->t[*i].kind == TK_WORD || ts->t[*i].kind == TK_QUOTED)) {
        free(last);
        last = xstrdup(ts->t[*i].text);
        if (ts->t[*i].kind == TK_WORD)
            for (char *p = last; *p; p++)
                *p = (char)tolower((unsigned char)*p);
        (*i)++;
        if (!tk_punct(ts, *i, '.'))
            break;
        (*i)++;
    }
    return last;
}

/* ---- statement kinds ------------------------------------------------------ */

/*
 * The words a statement may start with, per dialect, and the object kinds
 * after CREATE, ALTER and DROP.  A statement starting with anything else is
 * not SQL the server would take; one with an unknown object kind is counted
 * as unclassified, or reported when it is a near miss of a known kind.
 */
static const char pg_leading[] =
    " ABORT ALTER ANALYZE ANALYSE BEGIN CALL CHECKPOINT CLOSE CLUSTER COMMENT COMMIT COPY CREATE "
    "DEALLOCATE DECLARE DELETE DISCARD DO DROP END EXECUTE EXPLAIN FETCH GRANT IMPORT INSERT "
    "LISTEN LOAD LOCK MERGE MOVE NOTIFY PREPARE REASSIGN REFRESH REINDEX RELEASE RESET REVOKE "
    "ROLLBACK SAVEPOINT SECURITY SELECT SET SHOW START TABLE TRUNCATE UNLISTEN UPDATE VACUUM "
    "VALUES WITH ";
static const char pg_create[] =
    " ACCESS AGGREGATE CAST COLLATION CONSTRAINT CONVERSION DATABASE DEFAULT DOMAIN EVENT "
    "EXTENSION FOREIGN FUNCTION GLOBAL GROUP INDEX LANGUAGE LOCAL MATERIALIZED OPERATOR OR POLICY "
    "PROCEDURAL PROCEDURE PUBLICATION RECURSIVE ROLE RULE SCHEMA SEQUENCE SERVER STATISTICS "
    "SUBSCRIPTION TABLE TABLESPACE TEMP TEMPORARY TEXT TRANSFORM TRIGGER TRUSTED TYPE UNIQUE "
    "UNLOGGED USER VIEW ";
static const char pg_alter[] =
    " AGGREGATE COLLATION CONVERSION DATABASE DEFAULT DOMAIN EVENT EXTENSION FOREIGN FUNCTION "
    "GROUP INDEX LANGUAGE LARGE MATERIALIZED OPERATOR POLICY PROCEDURAL PROCEDURE PUBLICATION "
    "ROLE ROUTINE RULE SCHEMA SEQUENCE SERVER STATISTICS SUBSCRIPTION SYSTEM TABLE TABLESPACE "
    "TEXT TRIGGER TYPE USER VIEW ";
static const char pg_drop[] =
    " ACCESS AGGREGATE CAST COLLATION CONVERSION DATABASE DOMAIN EVENT EXTENSION FOREIGN FUNCTION "
    "GROUP INDEX LANGUAGE MATERIALIZED OPERATOR OWNED POLICY PROCEDURAL PROCEDURE PUBLICATION "
    "ROLE ROUTINE RULE SCHEMA SEQUENCE SERVER STATISTICS SUBSCRIPTION TABLE TABLESPACE TEXT "
    "TRANSFORM TRIGGER TYPE USER VIEW ";
static const char my_leading[] =
    " ALTER ANALYZE BACKUP BEGIN BINLOG CACHE CALL CASE CHANGE CHECK CHECKSUM CLONE COMMIT CREATE "
    "DEALLOCATE DELETE DESC DESCRIBE DO DROP EXECUTE EXPLAIN FLUSH GET GRANT HANDLER HELP IF "
    "IMPORT INSERT INSTALL KILL LOAD LOCK LOOP OPTIMIZE PREPARE PURGE RELEASE RENAME REPAIR "
    "REPEAT REPLACE RESET RESIGNAL RESTART REVOKE ROLLBACK SAVEPOINT SELECT SET SHOW SHUTDOWN "
    "SIGNAL START STOP TABLE TRUNCATE UNINSTALL UNLOCK UPDATE USE VALUES WHILE WITH XA ";
static const char my_create[] =
    " AGGREGATE ALGORITHM DATABASE DEFINER EVENT FULLTEXT FUNCTION INDEX LOGFILE OFFLINE ONLINE "
    "OR PACKAGE PROCEDURE RESOURCE ROLE SCHEMA SEQUENCE SERVER SPATIAL SQL TABLE TABLESPACE "
    "TEMPORARY TRIGGER UNIQUE USER VIEW ";
static const char my_alter[] =
    " ALGORITHM DATABASE DEFINER EVENT FUNCTION IGNORE INSTANCE LOGFILE ONLINE PROCEDURE "
    "RESOURCE SCHEMA SEQUENCE SERVER SQL TABLE TABLESPACE UNDO USER VIEW ";
static const char my_drop[] =
    " DATABASE EVENT FUNCTION INDEX LOGFILE OFFLINE ONLINE PACKAGE PREPARE PROCEDURE RESOURCE "
    "ROLE SCHEMA SEQUENCE SERVER SPATIAL TABLE TABLESPACE TEMPORARY TRIGGER UNDO USER VIEW ";
static const char lite_leading[] =
    " ALTER ANALYZE ATTACH BEGIN COMMIT CREATE DELETE DETACH DROP END EXPLAIN INSERT PRAGMA "
    "REINDEX RELEASE REPLACE ROLLBACK SAVEPOINT SELECT UPDATE VACUUM VALUES WITH ";
static const char lite_create[] = " INDEX TABLE TEMP TEMPORARY TRIGGER UNIQUE VIEW VIRTUAL ";
static const char lite_alter[] = " TABLE ";
static const char lite_drop[] = " INDEX TABLE TRIGGER VIEW ";

/* Whether word is one of list's space-separated words (list starts and ends with a space). */
static bool lint_word_in(const char *list, const char *word)
{
    size_t n = strlen(word);
    if (n == 0 || n > 32)
        return false;
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if (p[-1] == ' ' && p[n] == ' ')
            return true;
    return false;
}

/* Edit distance with adjacent transpositions (TABEL is one edit from TABLE). */
static int lint_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 32 || lb > 32)
        return 99;
    int d[33][33];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* The list word closest to word when it is a plausible misspelling, else NULL (copied into buf). */
static const char *lint_near_miss(const char *list, const char *word, char *buf, size_t size)
{
    int best = strlen(word) <= 4 ? 1 : 2;
    const char *found = NULL;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *q = p;
        while (*q && *q != ' ')
            q++;
        if (q > p && (size_t)(q - p) < size) {
            char w[40];
            memcpy(w, p, (size_t)(q - p));
            w[q - p] = '\0';
            int dist = lint_distance(word, w);
            if (dist <= best && (size_t)(q - p) > 2) {
                best = dist;
                snprintf(buf, size, "%s", w);
                found = buf;
            }
        }
        p = q;
    }
    return found;
}

typedef enum { STMT_KNOWN, STMT_UNCLASSIFIED, STMT_INVALID } lint_stmt_class;

static void lint_note_unclassified(lint_file *f, const sql_statement *st)
{
    lint_report *r = f->out;
    r->unclassified = xrealloc(r->unclassified, (r->nunclassified + 1) * sizeof *r->unclassified);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < st->len && sb.len < 60; i++) {
        char c = st->sql[i];
        if (isspace((unsigned char)c)) {
            if (sb.len && sb.buf[sb.len - 1] != ' ')
                sb_addc(&sb, ' ');
        } else {
            sb_addc(&sb, c);
        }
    }
    r->unclassified[r->nunclassified++] =
        (lint_unclassified){.path = xstrdup(f->path), .line = st->line, .text = sb_detach(&sb)};
}

/*
 * Sorts a statement into known, unclassified (counted, so nothing is passed
 * over in silence) or not the dialect's SQL at all (a finding: migrate
 * would fail on it at deploy time, after the earlier statements ran).
 */
static lint_stmt_class lint_classify(lint_file *f, const lint_tokens *ts)
{
    const char *lead = f->pg ? pg_leading : f->mysql ? my_leading : lite_leading;
    const char *dname = f->pg ? "PostgreSQL" : f->mysql ? "MySQL" : "SQLite";
    char near[40];
    if (ts->t[0].kind != TK_WORD) {
        if (tk_punct(ts, 0, '('))
            return STMT_KNOWN;
        lint_add(f, "RW011", ts->t[0].line,
                 "statement starts with '%s', which no %s statement does; check the line above for "
                 "a missing or extra ';'",
                 ts->t[0].text, dname);
        return STMT_INVALID;
    }
    const char *w = ts->t[0].text;
    if (!lint_word_in(lead, w)) {
        const char *guess = lint_near_miss(lead, w, near, sizeof near);
        lint_add(f, "RW011", ts->t[0].line, "'%s' does not start a %s statement%s%s%s",
                 ts->t[0].orig, dname, guess ? "; did you mean " : "", guess ? guess : "",
                 guess ? "?" : "");
        return STMT_INVALID;
    }
    const char *kinds = NULL;
    if (strcmp(w, "CREATE") == 0)
        kinds = f->pg ? pg_create : f->mysql ? my_create : lite_create;
    else if (strcmp(w, "ALTER") == 0)
        kinds = f->pg ? pg_alter : f->mysql ? my_alter : lite_alter;
    else if (strcmp(w, "DROP") == 0)
        kinds = f->pg ? pg_drop : f->mysql ? my_drop : lite_drop;
    if (!kinds)
        return STMT_KNOWN;
    if (ts->n < 2 || ts->t[1].kind != TK_WORD)
        return STMT_UNCLASSIFIED;
    const char *k = ts->t[1].text;
    if (lint_word_in(kinds, k))
        return STMT_KNOWN;
    const char *guess = strlen(k) >= 4 ? lint_near_miss(kinds, k, near, sizeof near) : NULL;
    if (guess) {
        lint_add(f, "RW011", ts->t[1].line, "%s %s: '%s' is not something %s can %s; did you mean "
                 "%s?", w, ts->t[1].orig, ts->t[1].orig, dname, w, guess);
        return STMT_INVALID;
    }
    return STMT_UNCLASSIFIED;
}

/* ---- risky DDL ------------------------------------------------------------ */

typedef struct lint_ddl {
    strlist created;         /* tables created earlier in this file: new and empty */
    strlist indexes;         /* indexes created earlier in this file */
    strlist not_null_checks; /* "table.col" with a validated CHECK (col IS NOT NULL) */
    strlist pending_checks;  /* "constraint table.col" added NOT VALID, not yet validated */
    bool has_lock_timeout;
    bool has_statement_timeout;
    bool fk_checks_off;      /* MySQL SET foreign_key_checks = 0 */
    int first_locking_line;  /* first statement that locks an existing table */
    int first_locking_range;
    int first_locking_last;
} lint_ddl;

static void lint_ddl_free(lint_ddl *d)
{
    strlist_free(&d->created);
    strlist_free(&d->indexes);
    strlist_free(&d->not_null_checks);
    strlist_free(&d->pending_checks);
}

static bool lint_is_new(const lint_ddl *d, const char *table)
{
    return table && strlist_contains(&d->created, table);
}

static void lint_note_locking(lint_file *f, lint_ddl *d, int line)
{
    if (!d->first_locking_line) {
        d->first_locking_line = line;
        d->first_locking_range = f->range_start;
        d->first_locking_last = f->stmt_last;
    }
}

/* Index after the IF [NOT] EXISTS that may follow position i. */
static size_t lint_skip_if_exists(const lint_tokens *ts, size_t i)
{
    if (tk_is(ts, i, "IF") && tk_is(ts, i + 1, "NOT") && tk_is(ts, i + 2, "EXISTS"))
        return i + 3;
    if (tk_is(ts, i, "IF") && tk_is(ts, i + 1, "EXISTS"))
        return i + 2;
    return i;
}

static size_t lint_matching_paren(const lint_tokens *ts, size_t open)
{
    int depth = 0;
    for (size_t k = open; k < ts->n; k++) {
        if (tk_punct(ts, k, '('))
            depth++;
        else if (tk_punct(ts, k, ')') && --depth == 0)
            return k;
    }
    return ts->n;
}

/* The tokens of one list element: [from, end) split at top-level commas, stopping at stop. */
static size_t lint_element_end(const lint_tokens *ts, size_t from, size_t stop)
{
    int depth = 0;
    for (size_t k = from; k < stop; k++) {
        if (tk_punct(ts, k, '('))
            depth++;
        else if (tk_punct(ts, k, ')'))
            depth--;
        else if (tk_punct(ts, k, ',') && depth == 0)
            return k;
    }
    return stop;
}

static bool lint_range_has(const lint_tokens *ts, size_t from, size_t to, const char *w)
{
    for (size_t k = from; k < to && k < ts->n; k++)
        if (tk_is(ts, k, w))
            return true;
    return false;
}

static bool lint_range_has_pair(const lint_tokens *ts, size_t from, size_t to, const char *a,
                                const char *b)
{
    for (size_t k = from; k + 1 < to && k + 1 < ts->n; k++)
        if (tk_is(ts, k, a) && tk_is(ts, k + 1, b))
            return true;
    return false;
}

static const char *lint_token_name(const lint_tokens *ts, size_t k)
{
    if (k < ts->n && ts->t[k].kind == TK_WORD)
        return ts->t[k].orig;
    return k < ts->n && ts->t[k].kind == TK_QUOTED ? ts->t[k].text : "?";
}

/* A name as the rules compare it: lower-cased unless it was quoted. */
static char *lint_token_key(const lint_tokens *ts, size_t k)
{
    char *s = xstrdup(k < ts->n ? ts->t[k].text : "");
    if (k < ts->n && ts->t[k].kind == TK_WORD)
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    return s;
}

/* ---- style rules (opt-in) ------------------------------------------------- */

static bool lint_is_small_int(const char *t)
{
    static const char *const ints[] = {"INT", "INTEGER", "INT4", "SMALLINT", "INT2", "SERIAL",
                                       "SERIAL4", "SMALLSERIAL", "SERIAL2", "MEDIUMINT", "TINYINT",
                                       NULL};
    for (const char *const *p = ints; *p; p++)
        if (strcmp(t, *p) == 0)
            return true;
    return false;
}

static bool lint_is_serial(const char *t)
{
    return strcmp(t, "SERIAL") == 0 || strcmp(t, "BIGSERIAL") == 0 ||
           strcmp(t, "SMALLSERIAL") == 0 || strncmp(t, "SERIAL", 6) == 0;
}

/*
 * Style checks on one column definition [k, end): k is the column name.
 * is_key says a table-level PRIMARY KEY or FOREIGN KEY names the column.
 */
static void lint_column_style(lint_file *f, const lint_tokens *ts, size_t k, size_t end,
                              bool is_key)
{
    size_t t = k + 1;
    if (t >= end || ts->t[t].kind != TK_WORD)
        return;
    const char *type = ts->t[t].text;
    const char *col = lint_token_name(ts, k);
    int line = ts->t[k].line;
    bool key = is_key || lint_range_has_pair(ts, t, end, "PRIMARY", "KEY") ||
               lint_range_has(ts, t, end, "REFERENCES");
    if (key && lint_is_small_int(type))
        lint_add(f, "RW201", line, "key column %s is %s: it runs out at 2^31 (or less); use bigint",
                 col, ts->t[t].orig);
    if (!f->pg)
        return;
    if (lint_is_serial(type))
        lint_add(f, "RW202", line, "column %s is %s: use bigint GENERATED BY DEFAULT AS IDENTITY",
                 col, ts->t[t].orig);
    bool varchar = (strcmp(type, "VARCHAR") == 0 && tk_punct(ts, t + 1, '(')) ||
                   (strcmp(type, "CHARACTER") == 0 && tk_is(ts, t + 1, "VARYING") &&
                    tk_punct(ts, t + 2, '(')) ||
                   ((strcmp(type, "CHAR") == 0 || strcmp(type, "CHARACTER") == 0) &&
                    tk_punct(ts, t + 1, '('));
    if (varchar)
        lint_add(f, "RW203", line, "column %s is %s(n): widening it later locks the table; use "
                 "text with a CHECK (length(%s) <= n)", col, ts->t[t].orig, col);
    if (strcmp(type, "TIMESTAMP") == 0) {
        size_t w = t + 1;
        if (tk_punct(ts, w, '('))
            w = lint_matching_paren(ts, w) + 1;
        if (!(tk_is(ts, w, "WITH") && tk_is(ts, w + 1, "TIME")))
            lint_add(f, "RW204", line, "column %s is timestamp without time zone: use timestamptz",
                     col);
    }
}

/* Names listed in a "(a, b)" column list at k go into keys. */
static void lint_collect_columns(const lint_tokens *ts, size_t k, strlist *keys)
{
    if (!tk_punct(ts, k, '('))
        return;
    size_t close = lint_matching_paren(ts, k);
    for (size_t j = k + 1; j < close; j++)
        if (ts->t[j].kind == TK_WORD || ts->t[j].kind == TK_QUOTED)
            strlist_push_owned(keys, lint_token_key(ts, j));
}

static bool lint_is_table_constraint(const lint_tokens *ts, size_t k)
{
    static const char *const words[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK",
                                        "EXCLUDE", "LIKE", "INDEX", "KEY", "FULLTEXT", "SPATIAL",
                                        "PERIOD", NULL};
    if (ts->t[k].kind != TK_WORD)
        return false;
    for (const char *const *w = words; *w; w++)
        if (tk_is(ts, k, *w))
            return true;
    return false;
}

/* The column list of CREATE TABLE name ( ... ) starting at the '('. */
static void lint_table_elements_style(lint_file *f, const lint_tokens *ts, size_t open)
{
    size_t close = lint_matching_paren(ts, open);
    strlist keys = {0};
    for (size_t k = open + 1; k < close;) {
        size_t end = lint_element_end(ts, k, close);
        size_t c = k;
        if (tk_is(ts, c, "CONSTRAINT"))
            c += 2;
        if ((tk_is(ts, c, "PRIMARY") || tk_is(ts, c, "FOREIGN")) && tk_is(ts, c + 1, "KEY"))
            lint_collect_columns(ts, c + 2, &keys);
        k = end + 1;
    }
    for (size_t k = open + 1; k < close;) {
        size_t end = lint_element_end(ts, k, close);
        if (k < end && !lint_is_table_constraint(ts, k)) {
            char *name = lint_token_key(ts, k);
            lint_column_style(f, ts, k, end, strlist_contains(&keys, name));
            free(name);
        }
        k = end + 1;
    }
    strlist_free(&keys);
}

/* ---- CREATE --------------------------------------------------------------- */

/*
 * CREATE TABLE: a new, empty table for the rest of the file, unless it
 * says IF NOT EXISTS - then the table may well exist already, with rows,
 * and every later rule treats it as existing.
 */
static void lint_create_table(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    while (tk_is(ts, i, "GLOBAL") || tk_is(ts, i, "LOCAL") || tk_is(ts, i, "TEMP") ||
           tk_is(ts, i, "TEMPORARY") || tk_is(ts, i, "UNLOGGED"))
        i++;
    if (tk_is(ts, i, "MATERIALIZED") && tk_is(ts, i + 1, "VIEW"))
        i++; /* a materialized view is as new as a table */
    else if (!tk_is(ts, i, "TABLE"))
        return;
    bool if_not_exists = tk_is(ts, i + 1, "IF");
    i = lint_skip_if_exists(ts, i + 1);
    char *name = lint_name(ts, &i);
    if (name && !if_not_exists && !strlist_contains(&d->created, name))
        strlist_push(&d->created, name);
    free(name);
    if (tk_punct(ts, i, '('))
        lint_table_elements_style(f, ts, i);
}

static void lint_create_index(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    int line = ts->t[0].line;
    bool concurrently = tk_is(ts, i, "CONCURRENTLY");
    if (concurrently)
        i++;
    i = lint_skip_if_exists(ts, i);
    if (!tk_is(ts, i, "ON")) {
        char *index = lint_name(ts, &i);
        if (index)
            strlist_push_owned(&d->indexes, index);
    }
    size_t k = i;
    while (k < ts->n && !tk_is(ts, k, "ON")) {
        concurrently |= tk_is(ts, k, "CONCURRENTLY");
        k++;
    }
    if (k >= ts->n)
        return;
    k++;
    if (tk_is(ts, k, "ONLY"))
        k++;
    char *table = lint_name(ts, &k);
    if (f->pg && !concurrently && table && !lint_is_new(d, table)) {
        lint_add(f, "RW101", line,
                 "CREATE INDEX on existing table %s without CONCURRENTLY blocks writes while the "
                 "index builds; use CREATE INDEX CONCURRENTLY in a migration of its own",
                 table);
        lint_note_locking(f, d, line);
    }
    free(table);
}

/* CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on its table: it counts for RW106. */
static void lint_create_trigger(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    while (i < ts->n && !tk_is(ts, i, "ON"))
        i++;
    if (i >= ts->n)
        return;
    i++;
    char *table = lint_name(ts, &i);
    if (table && !lint_is_new(d, table))
        lint_note_locking(f, d, ts->t[0].line);
    free(table);
}

/* ---- ALTER TABLE ---------------------------------------------------------- */

/* A function call in a DEFAULT that gives each row its own value, so every row is written. */
static bool lint_volatile_call(const lint_tokens *ts, size_t from, size_t to)
{
    static const char *const volatile_fns[] = {
        "RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4",
        "UUID_GENERATE_V7", "UUIDV4", "UUIDV7", "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL",
        "TXID_CURRENT", "SETSEED", "RANDOM_NORMAL", NULL};
    for (size_t k = from; k + 1 < to; k++) {
        if (ts->t[k].kind != TK_WORD || !tk_punct(ts, k + 1, '('))
            continue;
        for (const char *const *p = volatile_fns; *p; p++)
            if (strcmp(ts->t[k].text, *p) == 0)
                return true;
    }
    return false;
}

/* What in an ADD COLUMN [k, end) makes PostgreSQL rewrite the table, or NULL. */
static const char *lint_add_column_rewrite(const lint_tokens *ts, size_t k, size_t end)
{
    if (lint_range_has(ts, k, end, "GENERATED") && lint_range_has(ts, k, end, "STORED"))
        return "a stored generated column";
    if (lint_range_has(ts, k, end, "GENERATED") && lint_range_has(ts, k, end, "IDENTITY"))
        return "an identity column";
    if (k + 1 < end && ts->t[k + 1].kind == TK_WORD && lint_is_serial(ts->t[k + 1].text))
        return "a serial column";
    for (size_t j = k; j < end; j++)
        if (tk_is(ts, j, "DEFAULT") && lint_volatile_call(ts, j + 1, end))
            return "a volatile DEFAULT";
    return NULL;
}

/* ADD [COLUMN] ...: NOT NULL without DEFAULT, and defaults that rewrite the table. */
static void lint_alter_add_column(lint_file *f, const lint_tokens *ts, size_t k, size_t end,
                                  const char *table, bool has_algorithm)
{
    int line = ts->t[k].line;
    const char *col = lint_token_name(ts, k);
    bool not_null = lint_range_has_pair(ts, k, end, "NOT", "NULL");
    bool has_default = lint_range_has(ts, k, end, "DEFAULT");
    bool generated = lint_range_has(ts, k, end, "GENERATED") || lint_range_has(ts, k, end, "AS");
    bool serial = (k + 1 < end && ts->t[k + 1].kind == TK_WORD &&
                   lint_is_serial(ts->t[k + 1].text)) ||
                  lint_range_has(ts, k, end, "AUTO_INCREMENT");
    if (not_null && !has_default && !generated && !serial && f->pg)
        lint_add(f, "RW102", line,
                 "column %s is added to existing table %s as NOT NULL without a DEFAULT; add a "
                 "DEFAULT, or add it nullable, backfill, then set NOT NULL",
                 col, table);
    else if (not_null && !has_default && !generated && !serial && f->mysql)
        lint_add(f, "RW110", line,
                 "column %s is added to existing table %s as NOT NULL without a DEFAULT: "
                 "existing rows get the type's implicit default; give an explicit DEFAULT",
                 col, table);
    const char *rewrite = f->pg ? lint_add_column_rewrite(ts, k, end) : NULL;
    if (rewrite)
        lint_add(f, "RW115", line,
                 "adding %s %s to existing table %s rewrites every row under an ACCESS EXCLUSIVE "
                 "lock; add the column without it, backfill in batches, then set it",
                 rewrite, col, table);
    if (f->mysql && !has_algorithm &&
        (lint_range_has(ts, k, end, "AFTER") || lint_range_has(ts, k, end, "FIRST")))
        lint_add(f, "RW120", line,
                 "ADD COLUMN %s %s on %s copies the table before MySQL 8.0.29 and on MariaDB; add "
                 "it last, or say ALGORITHM=INSTANT so the server refuses instead of copying",
                 col, lint_range_has(ts, k, end, "FIRST") ? "FIRST" : "AFTER ...", table);
    lint_column_style(f, ts, k, end, false);
}

/* "CHECK (col IS NOT NULL)" inside [from, to): the column, or NULL. */
static char *lint_not_null_check(const lint_tokens *ts, size_t from, size_t to)
{
    for (size_t k = from; k + 4 < to; k++)
        if (tk_is(ts, k, "CHECK") && tk_punct(ts, k + 1, '(') &&
            (ts->t[k + 2].kind == TK_WORD || ts->t[k + 2].kind == TK_QUOTED) &&
            tk_is(ts, k + 3, "IS") && tk_is(ts, k + 4, "NOT") && tk_is(ts, k + 5, "NULL"))
            return lint_token_key(ts, k + 2);
    return NULL;
}

/*
 * ADD CONSTRAINT / PRIMARY KEY / UNIQUE / COLUMN.  A CHECK (col IS NOT NULL)
 * is remembered: once validated it lets a later SET NOT NULL skip its scan.
 */
static void lint_alter_add(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t a,
                           size_t end, const char *table, bool has_algorithm)
{
    size_t k = a + 1;
    int line = ts->t[a].line;
    char *cname = NULL;
    if (tk_is(ts, k, "CONSTRAINT")) {
        cname = lint_token_key(ts, k + 1);
        k += 2;
    }
    bool not_valid = lint_range_has_pair(ts, k, end, "NOT", "VALID");
    if (tk_is(ts, k, "FOREIGN") || tk_is(ts, k, "CHECK") ||
        (cname && (lint_range_has(ts, k, end, "FOREIGN") || lint_range_has(ts, k, end, "CHECK")))) {
        bool fk = lint_range_has(ts, k, end, "FOREIGN");
        if (f->pg && !not_valid)
            lint_add(f, "RW107", line,
                     "ADD CONSTRAINT on existing table %s validates every row under a lock; add "
                     "it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
                     table);
        if (f->mysql && fk && !has_algorithm && !d->fk_checks_off)
            lint_add(f, "RW120", line,
                     "ADD FOREIGN KEY on existing table %s copies the table while "
                     "foreign_key_checks is on (and builds an index on the column when none "
                     "leads with it); say ALGORITHM=INPLACE, LOCK=NONE with foreign_key_checks=0, "
                     "or add it to a new table",
                     table);
        char *col = f->pg ? lint_not_null_check(ts, k, end) : NULL;
        if (col) {
            char *key = xasprintf("%s.%s", table, col);
            if (not_valid)
                strlist_push_owned(&d->pending_checks,
                                   xasprintf("%s %s", cname ? cname : "", key));
            else
                strlist_push(&d->not_null_checks, key);
            free(key);
            free(col);
        }
        free(cname);
        return;
    }
    if (tk_is(ts, k, "PRIMARY") || tk_is(ts, k, "UNIQUE")) {
        if (f->pg && !lint_range_has_pair(ts, k, end, "USING", "INDEX"))
            lint_add(f, "RW114", line,
                     "ADD %s on existing table %s builds its index under an ACCESS EXCLUSIVE "
                     "lock; CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT ... %s "
                     "USING INDEX",
                     tk_is(ts, k, "PRIMARY") ? "PRIMARY KEY" : "UNIQUE", table,
                     tk_is(ts, k, "PRIMARY") ? "PRIMARY KEY" : "UNIQUE");
        free(cname);
        return;
    }
    free(cname);
    static const char *const not_columns[] = {"INDEX", "KEY", "FULLTEXT", "SPATIAL", "PARTITION",
                                              "EXCLUDE", "PERIOD", NULL};
    for (const char *const *w = not_columns; *w; w++)
        if (tk_is(ts, k, *w))
            return;
    if (tk_is(ts, k, "COLUMN"))
        k++;
    k = lint_skip_if_exists(ts, k);
    if (tk_punct(ts, k, '('))
        return; /* MySQL ADD (a int, b int): rare, not inspected */
    lint_alter_add_column(f, ts, k, end, table, has_algorithm);
}

static void lint_alter_column(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t a,
                              size_t end, const char *table)
{
    size_t k = a + 1;
    int line = ts->t[a].line;
    if (tk_is(ts, k, "COLUMN"))
        k++;
    const char *col = lint_token_name(ts, k);
    if (!f->pg)
        return;
    if (lint_range_has(ts, k, end, "TYPE")) {
        lint_add(f, "RW103", line,
                 "changing the type of %s.%s rewrites the table under an exclusive lock; add "
                 "a new column and backfill it instead",
                 table, col);
    } else if (lint_range_has_pair(ts, k, end, "SET", "NOT")) {
        char *key_col = lint_token_key(ts, k);
        char *key = xasprintf("%s.%s", table, key_col);
        if (!strlist_contains(&d->not_null_checks, key))
            lint_add(f, "RW108", line,
                     "SET NOT NULL on %s.%s scans the whole table under an exclusive lock; add a "
                     "CHECK (%s IS NOT NULL) NOT VALID constraint and validate it first",
                     table, col, col);
        free(key);
        free(key_col);
    } else if (lint_range_has_pair(ts, k, end, "DROP", "NOT")) {
        lint_add(f, "RW118", line,
                 "DROP NOT NULL on %s.%s: application versions still running may read the column "
                 "as never null; deploy code that handles NULL first",
                 table, col);
    }
}

/* VALIDATE CONSTRAINT turns a NOT VALID CHECK (col IS NOT NULL) into proof for SET NOT NULL. */
static void lint_validate_constraint(lint_ddl *d, const lint_tokens *ts, size_t k)
{
    char *name = lint_token_key(ts, k);
    size_t n = strlen(name);
    for (size_t i = 0; i < d->pending_checks.len; i++) {
        const char *p = d->pending_checks.items[i];
        if (strncmp(p, name, n) == 0 && p[n] == ' ')
            strlist_push(&d->not_null_checks, p + n + 1);
    }
    free(name);
}

/* One action of ALTER TABLE on an existing table. */
static void lint_alter_action(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t a,
                              size_t end, const char *table, bool has_algorithm)
{
    int line = ts->t[a].line;
    if (tk_is(ts, a, "ADD")) {
        lint_alter_add(f, d, ts, a, end, table, has_algorithm);
    } else if (tk_is(ts, a, "ALTER")) {
        lint_alter_column(f, d, ts, a, end, table);
    } else if (tk_is(ts, a, "VALIDATE") && tk_is(ts, a + 1, "CONSTRAINT")) {
        lint_validate_constraint(d, ts, a + 2);
    } else if ((tk_is(ts, a, "MODIFY") || tk_is(ts, a, "CHANGE")) && f->mysql) {
        size_t k = a + 1;
        if (tk_is(ts, k, "COLUMN"))
            k++;
        if (!has_algorithm)
            lint_add(f, "RW103", line,
                     "%s of column %s.%s can copy the whole table; say ALGORITHM=INPLACE, "
                     "LOCK=NONE (or INSTANT) so the server refuses instead of copying",
                     ts->t[a].text, table, lint_token_name(ts, k));
        if (tk_is(ts, a, "CHANGE") && k + 1 < end) {
            char *from = lint_token_key(ts, k), *to = lint_token_key(ts, k + 1);
            if (strcmp(from, to) != 0)
                lint_add(f, "RW109", line,
                         "CHANGE renames %s.%s to %s, which breaks application versions still "
                         "using the old name",
                         table, lint_token_name(ts, k), lint_token_name(ts, k + 1));
            free(from);
            free(to);
        }
    } else if (tk_is(ts, a, "CONVERT") && f->mysql && !has_algorithm) {
        lint_add(f, "RW120", line,
                 "CONVERT TO CHARACTER SET copies the whole table %s under a lock; convert in a "
                 "new table, or say ALGORITHM=INPLACE, LOCK=NONE to have the server refuse",
                 table);
    } else if (tk_is(ts, a, "DETACH") && tk_is(ts, a + 1, "PARTITION") && f->pg) {
        if (!lint_range_has(ts, a, end, "CONCURRENTLY") && !lint_range_has(ts, a, end, "FINALIZE"))
            lint_add(f, "RW113", line,
                     "DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on %s; "
                     "use DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+) outside a "
                     "transaction",
                     table);
    } else if (tk_is(ts, a, "DROP")) {
        size_t k = a + 1;
        static const char *const not_columns[] = {"CONSTRAINT", "INDEX", "KEY", "PRIMARY",
                                                  "FOREIGN", "CHECK", "DEFAULT", "PARTITION",
                                                  "TRIGGER", NULL};
        for (const char *const *w = not_columns; *w; w++)
            if (tk_is(ts, k, *w))
                return;
        if (tk_is(ts, k, "COLUMN"))
            k++;
        k = lint_skip_if_exists(ts, k);
        lint_add(f, "RW104", line,
                 "DROP COLUMN %s.%s: deploy code that no longer uses the column first, and keep "
                 "a backup of its data",
                 table, lint_token_name(ts, k));
    } else if (tk_is(ts, a, "RENAME")) {
        lint_add(f, "RW109", line,
                 "renaming in %s breaks application versions still using the old name; add the "
                 "new name alongside the old one instead",
                 table);
    }
}

static void lint_alter_table(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    i = lint_skip_if_exists(ts, i);
    if (tk_is(ts, i, "ONLY"))
        i++;
    char *table = lint_name(ts, &i);
    if (!table || lint_is_new(d, table)) {
        free(table);
        return;
    }
    lint_note_locking(f, d, ts->t[0].line);
    /* MySQL: an explicit ALGORITHM or LOCK makes the server refuse rather than copy */
    bool has_algorithm = f->mysql && (lint_range_has(ts, i, ts->n, "ALGORITHM") ||
                                      lint_range_has(ts, i, ts->n, "LOCK"));
    while (i < ts->n) {
        size_t end = lint_element_end(ts, i, ts->n);
        lint_alter_action(f, d, ts, i, end, table, has_algorithm);
        i = end + 1;
    }
    free(table);
}

/* ---- DROP, REINDEX, TRUNCATE ---------------------------------------------- */

static void lint_drop_table(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    i = lint_skip_if_exists(ts, i);
    while (i < ts->n) {
        char *table = lint_name(ts, &i);
        if (!table)
            break;
        if (!lint_is_new(d, table)) {
            lint_add(f, "RW105", ts->t[0].line,
                     "DROP TABLE %s: deploy code that no longer uses the table first, and keep a "
                     "backup of its data",
                     table);
            lint_note_locking(f, d, ts->t[0].line);
        }
        free(table);
        if (!tk_punct(ts, i, ','))
            break;
        i++;
    }
}

/* An index created earlier in the same migration is not in use yet: dropping it locks nothing. */
static void lint_drop_index(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    bool concurrently = tk_is(ts, i, "CONCURRENTLY");
    if (concurrently)
        i++;
    i = lint_skip_if_exists(ts, i);
    while (i < ts->n) {
        char *index = lint_name(ts, &i);
        if (!index)
            break;
        if (!concurrently && !strlist_contains(&d->indexes, index)) {
            lint_add(f, "RW111", ts->t[0].line,
                     "DROP INDEX %s without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on its "
                     "table; use DROP INDEX CONCURRENTLY in a migration of its own",
                     index);
            lint_note_locking(f, d, ts->t[0].line);
        }
        free(index);
        if (!tk_punct(ts, i, ','))
            break;
        i++;
    }
}

static void lint_reindex(lint_file *f, lint_ddl *d, const lint_tokens *ts)
{
    size_t i = 1;
    if (tk_punct(ts, i, '('))
        i = lint_matching_paren(ts, i) + 1;
    if (lint_range_has(ts, i, ts->n, "CONCURRENTLY"))
        return;
    lint_add(f, "RW112", ts->t[0].line,
             "REINDEX without CONCURRENTLY blocks writes while it rebuilds; use REINDEX ... "
             "CONCURRENTLY (PostgreSQL 12+) in a migration of its own");
    lint_note_locking(f, d, ts->t[0].line);
}

static void lint_truncate(lint_file *f, lint_ddl *d, const lint_tokens *ts)
{
    if (lint_range_has(ts, 1, ts->n, "CASCADE"))
        lint_add(f, "RW117", ts->t[0].line,
                 "TRUNCATE ... CASCADE also empties every table with a foreign key to it, however "
                 "far the chain goes; name the tables to empty instead");
    lint_note_locking(f, d, ts->t[0].line);
}

/* ---- one statement -------------------------------------------------------- */

static bool lint_mentions(const lint_tokens *ts, const char *upper, const char *lower)
{
    for (size_t k = 0; k < ts->n; k++) {
        if (ts->t[k].kind == TK_WORD && strcmp(ts->t[k].text, upper) == 0)
            return true;
        if (ts->t[k].kind == TK_STRING && strcasestr(ts->t[k].text, lower))
            return true;
    }
    return false;
}

/* Identifiers PostgreSQL silently cuts to 63 bytes (two long names may then collide). */
static void lint_long_identifiers(lint_file *f, const lint_tokens *ts)
{
    size_t max = f->pg ? 63 : 64;
    for (size_t k = 0; k < ts->n; k++) {
        if ((ts->t[k].kind != TK_WORD && ts->t[k].kind != TK_QUOTED) ||
            strlen(ts->t[k].text) <= max)
            continue;
        lint_add(f, "RW119", ts->t[k].line,
                 "identifier %.20s... is %zu bytes; %s allows %zu (PostgreSQL cuts it short, so "
                 "two long names can end up the same); shorten it",
                 ts->t[k].text, strlen(ts->t[k].text), f->pg ? "PostgreSQL" : "MySQL", max);
        return;
    }
}

/*
 * BEGIN, COMMIT, ROLLBACK and their synonyms, read from the splitter's
 * per-statement flag: the one migrate refuses on (sql_script_find_txn_control),
 * so lint warns about exactly the statements migrate would stop at.
 */
static bool lint_is_transaction_control(const sql_statement *st)
{
    return st->txn != SQL_TXN_NONE && st->txn != SQL_TXN_SAVEPOINT;
}

static void lint_statement(lint_file *f, lint_ddl *d, const lint_tokens *ts)
{
    d->has_lock_timeout |= lint_mentions(ts, "LOCK_TIMEOUT", "lock_timeout");
    d->has_statement_timeout |= lint_mentions(ts, "STATEMENT_TIMEOUT", "statement_timeout");
    if (f->mysql && tk_is(ts, 0, "SET") && lint_mentions(ts, "FOREIGN_KEY_CHECKS", "foreign_key_checks"))
        d->fk_checks_off = lint_range_has(ts, 1, ts->n, "OFF") ||
                           (ts->n > 0 && strcmp(ts->t[ts->n - 1].text, "0") == 0);
    bool ddl = tk_is(ts, 0, "CREATE") || tk_is(ts, 0, "ALTER");
    if (ddl)
        lint_long_identifiers(f, ts);
    if (tk_is(ts, 0, "CREATE")) {
        size_t i = 1;
        if (tk_is(ts, i, "OR") && tk_is(ts, i + 1, "REPLACE"))
            i += 2;
        if (tk_is(ts, i, "UNIQUE"))
            lint_create_index(f, d, ts, i + 2);
        else if (tk_is(ts, i, "INDEX"))
            lint_create_index(f, d, ts, i + 1);
        else if (f->pg && (tk_is(ts, i, "TRIGGER") ||
                           (tk_is(ts, i, "CONSTRAINT") && tk_is(ts, i + 1, "TRIGGER"))))
            lint_create_trigger(f, d, ts, i + 1);
        else
            lint_create_table(f, d, ts, i);
    } else if (tk_is(ts, 0, "ALTER") && tk_is(ts, 1, "TABLE")) {
        lint_alter_table(f, d, ts, 2);
    } else if (tk_is(ts, 0, "ALTER") && tk_is(ts, 1, "TYPE") && f->pg) {
        lint_note_locking(f, d, ts->t[0].line);
    } else if (tk_is(ts, 0, "DROP") && tk_is(ts, 1, "TABLE")) {
        lint_drop_table(f, d, ts, 2);
    } else if (tk_is(ts, 0, "DROP") && tk_is(ts, 1, "INDEX") && f->pg) {
        lint_drop_index(f, d, ts, 2);
    } else if (tk_is(ts, 0, "REINDEX") && f->pg) {
        lint_reindex(f, d, ts);
    } else if (tk_is(ts, 0, "TRUNCATE") && f->pg) {
        lint_truncate(f, d, ts);
    } else if (tk_is(ts, 0, "RENAME") && tk_is(ts, 1, "TABLE") && f->mysql) {
        lint_add(f, "RW109", ts->t[0].line,
                 "RENAME TABLE breaks application versions still using the old name");
    }
}

/* ---- one script ----------------------------------------------------------- */

/* Lines in text[0..n). */
static int lint_lines_in(const char *s, size_t n)
{
    int l = 0;
    for (size_t i = 0; i < n; i++)
        l += s[i] == '\n';
    return l;
}

/* Replaces placeholders like migrate; undefined ones become findings and keep their name. */
static void lint_placeholders(lint_file *f, const char *text, size_t len, strbuf *out)
{
    rw_placeholders ph;
    placeholders_init(&ph, f->cfg);
    static const char *const builtins[] = {"defaultSchema", "user", "database", "table",
                                           "environment", "workingDirectory", "timestamp", NULL};
    for (const char *const *b = builtins; *b; b++)
        placeholders_set_builtin(&ph, *b, *b);
    rw_err e;
    strbuf tmp = STRBUF_INIT;
    for (int guard = 0; guard < 1000; guard++) {
        rw_err_clear(&e);
        if (placeholders_apply(&ph, text, len, f->path, out, &e) == RW_OK)
            break;
        /* the message ends with prefix NAME suffix; define NAME as itself and go on */
        const char *pre = strstr(e.msg, ph.prefix);
        const char *name_start = pre ? pre + strlen(ph.prefix) : NULL;
        const char *suf = name_start ? strstr(name_start, ph.suffix) : NULL;
        if (!suf) {
            sb_reset(out);
            sb_add(out, text, len);
            break;
        }
        char *name = xstrndup(name_start, (size_t)(suf - name_start));
        const char *colon = strstr(e.msg, ": ");
        lint_add(f, "RW003", e.line, "%s", colon ? colon + 2 : e.msg);
        placeholders_set(&ph, name, name);
        free(name);
    }
    sb_free(&tmp);
    placeholders_free(&ph);
}

/* A per-script .conf may turn placeholder replacement or the transaction off. */
static void lint_script_conf(const char *path, bool *replaces, bool *in_transaction)
{
    char *conf = xasprintf("%s.conf", path);
    strbuf sb = STRBUF_INIT;
    rw_err e;
    *replaces = *in_transaction = true;
    if (access(conf, R_OK) == 0 && rw_read_file(conf, &sb, &e) == RW_OK) {
        char *s = xstrdup(sb_str(&sb));
        for (char *p = s; *p; p++)
            if (*p == ' ' || *p == '\t')
                memmove(p, p + 1, strlen(p)), p--;
        *replaces = !strcasestr(s, "placeholderReplacement=false");
        *in_transaction = !strcasestr(s, "executeInTransaction=false");
        free(s);
    }
    sb_free(&sb);
    free(conf);
}

/* Whether migrate would run this script inside one transaction. */
static bool lint_runs_in_transaction(const lint_file *f, const sql_script *script,
                                     bool conf_in_transaction)
{
    return conf_in_transaction && config_get_bool(f->cfg, "executeInTransaction") &&
           !sql_script_has_nontransactional(script);
}

/* Like migrate: a script whose .conf says executeInTransaction=false may mix. */
static void lint_mixed(lint_file *f, const sql_script *script, bool conf_in_transaction)
{
    if (config_get_bool(f->cfg, "mixed") || !conf_in_transaction ||
        !sql_script_has_nontransactional(script) ||
        !sql_script_has_transactional(script))
        return;
    for (size_t i = 0; i < script->len; i++)
        if (!script->stmts[i].transactional) {
            f->range_start = f->stmt_line = script->stmts[i].line;
            f->stmt_last = script->stmts[i].line + lint_lines_in(script->stmts[i].sql,
                                                                 script->stmts[i].len);
            lint_add(f, "RW005", script->stmts[i].line,
                     "statement cannot run in a transaction but the file also has transactional "
                     "ones; move it to a migration of its own (or set mixed=true)");
            return;
        }
}

/* The per-file rules, reported at the first statement that locks an existing table. */
static void lint_timeouts(lint_file *f, const lint_ddl *d)
{
    if (!f->pg || !d->first_locking_line)
        return;
    f->range_start = d->first_locking_range;
    f->stmt_line = d->first_locking_line;
    f->stmt_last = d->first_locking_last;
    if (!d->has_lock_timeout && !config_get(f->cfg, "lockTimeout"))
        lint_add(f, "RW106", d->first_locking_line,
                 "this migration locks existing tables but sets no lock_timeout; start it "
                 "with SET lock_timeout = '5s' or configure runway.lockTimeout");
    if (!d->has_statement_timeout && !config_get(f->cfg, "statementTimeout"))
        lint_add(f, "RW116", d->first_locking_line,
                 "this migration locks existing tables but sets no statement_timeout; start it "
                 "with SET statement_timeout = '5min' or configure runway.statementTimeout");
}

/* Every statement: its kind, then the dialect's rules. */
static void lint_statements(lint_file *f, lint_ddl *d, const sql_script *script,
                            bool in_transaction)
{
    int prev_end = 0;
    for (size_t i = 0; i < script->len; i++) {
        const sql_statement *st = &script->stmts[i];
        f->range_start = prev_end + 1;
        f->stmt_line = st->line;
        f->stmt_last = st->line + lint_lines_in(st->sql, st->len);
        prev_end = f->stmt_last;
        lint_tokens ts = {0};
        lint_tokenize(f, st->sql, st->len, st->line, &ts);
        if (ts.n == 0) { /* only comments, e.g. MySQL's executable comments */
            lint_tokens_free(&ts);
            continue;
        }
        f->out->statements++;
        lint_stmt_class c = lint_classify(f, &ts);
        if (c == STMT_UNCLASSIFIED)
            lint_note_unclassified(f, st);
        if (in_transaction && lint_is_transaction_control(st))
            lint_add(f, "RW014", st->line,
                     "%s inside a migration that runs in a transaction ends runway's "
                     "transaction: the migration is no longer all or nothing; remove it, or set "
                     "executeInTransaction=false in %s.conf",
                     sql_txn_name(st), strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path);
        if (c != STMT_INVALID && (f->pg || f->mysql))
            lint_statement(f, d, &ts);
        lint_tokens_free(&ts);
    }
}

/*
 * Lints one script.  new_tables (may be NULL) are tables created by earlier
 * migrations deployed together with this one; the tables this script
 * creates are appended to created_out (may be NULL).
 */
static void lint_script_in_set(const rw_config *cfg, const sql_dialect *dialect, const char *path,
                               const char *text, size_t len, lint_report *out,
                               const strlist *new_tables, strlist *created_out)
{
    lint_file f = {.cfg = cfg, .dialect = dialect, .path = path, .out = out, .range_start = 1};
    f.pg = strcmp(dialect->name, "postgresql") == 0;
    f.mysql = strcmp(dialect->name, "mysql") == 0;
    config_get_list(cfg, "lintIgnore", &f.disabled);
    config_get_list(cfg, "lintEnable", &f.enabled);
    lint_collect_ignores(&f, text, len);
    bool replaces, conf_in_transaction;
    lint_script_conf(path, &replaces, &conf_in_transaction);
    strbuf body = STRBUF_INIT;
    f.range_start = f.stmt_line = f.stmt_last = 0;
    if (config_get_bool(cfg, "placeholderReplacement") && replaces)
        lint_placeholders(&f, text, len, &body);
    else
        sb_add(&body, text, len);
    const char *b = sb_str(&body);
    size_t blen = body.len;
    if (blen >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0) {
        b += 3;
        blen -= 3;
    }
    sql_script script = {0};
    rw_err e;
    rw_err_clear(&e);
    if (dialect->split(b, blen, &script, &e) != RW_OK) {
        f.range_start = 1;
        f.stmt_line = f.stmt_last = e.line ? e.line : 1;
        lint_add(&f, "RW004", e.line ? e.line : 1, "the %s splitter cannot parse the file: %s",
                 dialect->name, e.msg);
    } else {
        if (script.hidden_line)
            lint_add(&f, "RW006", script.hidden_line,
                     "\"%s\" is inside the comment above it: that line ends with a bare CR, "
                     "which does not end a comment here; save the file with LF or CRLF line ends",
                     script.hidden_text);
        lint_mixed(&f, &script, conf_in_transaction);
        lint_ddl d = {0};
        for (size_t i = 0; new_tables && i < new_tables->len; i++)
            strlist_push(&d.created, new_tables->items[i]);
        lint_statements(&f, &d, &script, lint_runs_in_transaction(&f, &script, conf_in_transaction));
        lint_timeouts(&f, &d);
        for (size_t i = 0; created_out && i < d.created.len; i++)
            if (!strlist_contains(created_out, d.created.items[i]))
                strlist_push(created_out, d.created.items[i]);
        lint_ddl_free(&d);
        lint_report_unused_ignores(&f);
    }
    sql_script_free(&script);
    sb_free(&body);
    free(f.ignores);
    strlist_free(&f.disabled);
    strlist_free(&f.enabled);
}

void lint_script(const rw_config *cfg, const sql_dialect *dialect, const char *path,
                 const char *text, size_t len, lint_report *out)
{
    lint_script_in_set(cfg, dialect, path, text, len, out, NULL, NULL);
}

/* ---- locations ------------------------------------------------------------ */

static int lint_walk(const char *dir, strlist *files, rw_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return rw_fail(e, RW_ERR_IO, "Unable to read location %s: %m", dir);
    struct dirent *de;
    int rc = RW_OK;
    while ((de = readdir(d)) && rc == RW_OK) {
        if (de->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc = lint_walk(p, files, e);
        else if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            strlist_push(files, p);
        free(p);
    }
    closedir(d);
    return rc;
}

static int lint_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path as shown in messages: relative to the current directory when below it. */
static const char *lint_shown_path(const char *path)
{
    static char cwd[4096];
    if (!cwd[0] && !getcwd(cwd, sizeof cwd))
        return path;
    size_t n = strlen(cwd);
    return strncmp(path, cwd, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* A versioned migration above lintSince: linted later, in version order. */
typedef struct lint_deferred {
    char *path;
    rw_version version;
} lint_deferred;

static int lint_deferred_cmp(const void *a, const void *b)
{
    return version_cmp(&((const lint_deferred *)a)->version, &((const lint_deferred *)b)->version);
}

static void lint_file_text(const rw_config *cfg, const sql_dialect *dialect, const char *path,
                           lint_report *out, const strlist *new_tables, strlist *created_out)
{
    strbuf text = STRBUF_INIT;
    rw_err re;
    if (scan_read_script(path, &text, &re) != RW_OK) {
        lint_file g = {.cfg = cfg, .dialect = dialect, .path = path, .out = out, .range_start = 1};
        lint_add(&g, "RW004", re.line ? re.line : 1, "%s", re.msg);
    } else {
        lint_script_in_set(cfg, dialect, path, text.buf ? text.buf : "", text.len, out,
                           new_tables, created_out);
    }
    sb_free(&text);
}

/*
 * Migrations above lintSince deploy together: a table one of them creates
 * is new and empty for the ones after it.
 */
static void lint_deferred_run(const rw_config *cfg, const sql_dialect *dialect,
                              lint_deferred *list, size_t n, lint_report *out)
{
    rw_sort(list, n, sizeof *list, lint_deferred_cmp);
    strlist created = {0};
    for (size_t i = 0; i < n; i++) {
        lint_file_text(cfg, dialect, list[i].path, out, &created, &created);
        free(list[i].path);
        version_free(&list[i].version);
    }
    strlist_free(&created);
}

typedef struct lint_seen {
    char *key;               /* "V:1.2", "U:1.2" or "R:description" */
    char *path;
} lint_seen;

int lint_run(const rw_config *cfg, const sql_dialect *dialect, lint_report *out, rw_err *e)
{
    memset(out, 0, sizeof *out);
    strlist locs = {0}, files = {0};
    config_get_list(cfg, "locations", &locs);
    int rc = RW_OK;
    for (size_t i = 0; i < locs.len && rc == RW_OK; i++) {
        char *dir = scan_location_path(cfg, locs.items[i]);
        struct stat st;
        if (stat(dir, &st) == 0)
            rc = lint_walk(dir, &files, e);
        else if (config_get_bool(cfg, "failOnMissingLocations"))
            rc = rw_fail(e, RW_ERR_IO, "Location %s does not exist", dir);
        free(dir);
    }
    strlist_free(&locs);
    if (rc != RW_OK) {
        strlist_free(&files);
        return rc;
    }
    rw_sort(files.items, files.len, sizeof *files.items, lint_cmp_str);
    lint_seen *seen = xcalloc(files.len + 1, sizeof *seen);
    size_t nseen = 0;
    lint_deferred *deferred = xcalloc(files.len + 1, sizeof *deferred);
    size_t ndeferred = 0;
    rw_version since = {0};
    const char *since_text = config_get(cfg, "lintSince");
    rw_err ve;
    if (since_text && *since_text && version_parse(since_text, &since, &ve) != RW_OK) {
        free(seen);
        free(deferred);
        strlist_free(&files);
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid lintSince '%s': use the version already deployed, e.g. 41",
                       since_text);
    }
    for (size_t i = 0; i < files.len; i++) {
        const char *path = files.items[i];
        const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        rw_migration m;
        char *event = NULL, *desc = NULL;
        rw_err ne;
        rw_err_clear(&ne);
        scan_name_kind kind = scan_parse_name(cfg, name, &m, &event, &desc, &ne);
        if (kind == NAME_NOT_MIGRATION)
            continue;
        lint_file f = {.cfg = cfg, .path = path, .out = out, .range_start = 1};
        config_get_list(cfg, "lintIgnore", &f.disabled);
        strlist_push(&out->paths, path);
        out->files++;
        if (kind == NAME_INVALID) {
            lint_add(&f, "RW001", 1, "%s", ne.msg);
            strlist_free(&f.disabled);
            continue;
        }
        if (kind == NAME_MIGRATION) {
            char *key = m.type == MIG_REPEATABLE ? xasprintf("R:%s", m.description)
                        : xasprintf("%c:%s", m.type == MIG_UNDO ? 'U' : 'V',
                                    m.version.nparts ? m.version.text : "0");
            /* versions compare by value: 1.1 == 1.01 */
            for (size_t k = 0; k < nseen && m.type != MIG_REPEATABLE; k++) {
                if (seen[k].key[0] != key[0] || seen[k].key[0] == 'R')
                    continue;
                rw_version other;
                if (version_parse(seen[k].key + 2, &other, NULL) == RW_OK) {
                    if (version_eq(&other, &m.version))
                        lint_add(&f, "RW002", 1, "version %s is also used by %s",
                                 m.version.text, lint_shown_path(seen[k].path));
                    version_free(&other);
                }
            }
            for (size_t k = 0; k < nseen && m.type == MIG_REPEATABLE; k++)
                if (strcmp(seen[k].key, key) == 0)
                    lint_add(&f, "RW002", 1, "repeatable description '%s' is also used by %s",
                             m.description, lint_shown_path(seen[k].path));
            seen[nseen].key = key;
            seen[nseen++].path = xstrdup(path);
            bool in_set = m.type == MIG_VERSIONED && version_is_set(&since) &&
                          version_cmp(&m.version, &since) > 0;
            if (in_set) {
                deferred[ndeferred].path = xstrdup(path);
                version_copy(&deferred[ndeferred++].version, &m.version);
            }
            migration_free(&m);
            if (in_set) {
                free(event);
                free(desc);
                strlist_free(&f.disabled);
                continue;
            }
        }
        free(event);
        free(desc);
        strlist_free(&f.disabled);
        lint_file_text(cfg, dialect, path, out, NULL, NULL);
    }
    lint_deferred_run(cfg, dialect, deferred, ndeferred, out);
    free(deferred);
    version_free(&since);
    for (size_t k = 0; k < nseen; k++) {
        free(seen[k].key);
        free(seen[k].path);
    }
    free(seen);
    strlist_free(&files);
    return RW_OK;
}
