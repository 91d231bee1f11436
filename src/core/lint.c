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
     "skips it"},
    {"RW002", "duplicate-version", LINT_ERROR, "all",
     "Two migrations have the same version (or two repeatables the same description)"},
    {"RW003", "unresolved-placeholder", LINT_ERROR, "all",
     "A ${placeholder} has no value in the configuration; migrate would fail"},
    {"RW004", "parse-error", LINT_ERROR, "all",
     "The dialect's statement splitter cannot parse the file"},
    {"RW005", "mixed-transactional", LINT_ERROR, "all",
     "Transactional and non-transactional statements in one migration while mixed=false"},
    {"RW006", "cr-hidden-statement", LINT_ERROR, "sqlite,mysql",
     "A -- or # comment runs on past a bare CR line end and hides statement text from the "
     "database"},
    {"RW101", "index-without-concurrently", LINT_WARNING, "postgresql",
     "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds"},
    {"RW102", "not-null-without-default", LINT_ERROR, "postgresql",
     "ADD COLUMN ... NOT NULL without a DEFAULT fails on a table that has rows"},
    {"RW103", "column-type-change", LINT_WARNING, "postgresql,mysql",
     "Changing a column's type usually rewrites the table under an exclusive lock"},
    {"RW104", "drop-column", LINT_WARNING, "postgresql,mysql",
     "DROP COLUMN breaks application versions still reading the column and loses data"},
    {"RW105", "drop-table", LINT_WARNING, "postgresql,mysql",
     "DROP TABLE loses data and breaks application versions still using the table"},
    {"RW106", "missing-lock-timeout", LINT_WARNING, "postgresql",
     "A migration taking table locks without lock_timeout can queue behind a long transaction "
     "and block all traffic to the table"},
    {"RW107", "constraint-without-not-valid", LINT_WARNING, "postgresql",
     "ADD CONSTRAINT FOREIGN KEY/CHECK without NOT VALID scans the table under a lock"},
    {"RW108", "set-not-null", LINT_WARNING, "postgresql",
     "ALTER COLUMN ... SET NOT NULL scans the whole table under an exclusive lock"},
    {"RW109", "rename", LINT_WARNING, "postgresql,mysql",
     "Renaming a table or column breaks application versions still using the old name"},
    {"RW110", "not-null-implicit-default", LINT_WARNING, "mysql",
     "ADD COLUMN ... NOT NULL without a DEFAULT silently fills existing rows with the type's "
     "implicit default (0, '', ...)"},
    {NULL, NULL, 0, NULL, NULL},
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
    int line;                /* 0: the whole file */
    char *id;                /* rule id or "all" */
} lint_ignore;

typedef struct lint_file {
    const rw_config *cfg;
    const sql_dialect *dialect;
    const char *path;
    lint_report *out;
    lint_ignore *ignores;
    size_t nignores;
    strlist disabled;        /* lintIgnore setting */
    int range_start;         /* first line a lint-ignore comment may be on for this statement */
    bool pg, mysql;
} lint_file;

/* Collects "runway:lint-ignore[-file] RW101, RW102" comments. */
static void lint_collect_ignores(lint_file *f, const char *text, size_t len)
{
    int line = 1;
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        char *l = xstrndup(text + i, eol - i);
        char *m = strstr(l, "runway:lint-ignore");
        if (m) {
            m += strlen("runway:lint-ignore");
            bool whole = rw_starts_with(m, "-file");
            if (whole)
                m += 5;
            char *save = NULL;
            for (char *tok = strtok_r(m, " \t,;*/", &save); tok; tok = strtok_r(NULL, " \t,;*/", &save)) {
                if (!lint_rule_find(tok) && !rw_str_ieq(tok, "all"))
                    break; /* the rest is a reason */
                f->ignores = xrealloc(f->ignores, (f->nignores + 1) * sizeof *f->ignores);
                f->ignores[f->nignores].line = whole ? 0 : line;
                f->ignores[f->nignores++].id = xstrdup(tok);
            }
        }
        free(l);
        i = eol + 1;
        line++;
    }
}

static bool lint_suppressed(const lint_file *f, const lint_rule *rule, int line)
{
    for (size_t i = 0; i < f->disabled.len; i++)
        if (rw_str_ieq(f->disabled.items[i], rule->id))
            return true;
    for (size_t i = 0; i < f->nignores; i++) {
        const lint_ignore *ig = &f->ignores[i];
        if (!rw_str_ieq(ig->id, rule->id) && !rw_str_ieq(ig->id, "all"))
            continue;
        if (ig->line == 0 || (ig->line >= f->range_start && ig->line <= line))
            return true;
    }
    return false;
}

static void lint_report_add(lint_report *r, const lint_rule *rule, const char *path, int line,
                            char *message)
{
    if (r->len == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->items = xrealloc(r->items, r->cap * sizeof *r->items);
    }
    lint_finding *fd = &r->items[r->len++];
    fd->rule = rule;
    fd->path = xstrdup(path);
    fd->line = line;
    fd->message = message;
}

static void lint_add(lint_file *f, const char *id, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void lint_add(lint_file *f, const char *id, int line, const char *fmt, ...)
{
    const lint_rule *rule = lint_rule_find(id);
    if (lint_suppressed(f, rule, line)) {
        f->out->suppressed++;
        return;
    }
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    lint_report_add(f->out, rule, f->path, line, sb_detach(&sb));
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

/* ---- risky DDL ------------------------------------------------------------ */

typedef struct lint_ddl {
    strlist created;         /* tables created earlier in this file */
    bool has_lock_timeout;
    int first_locking_line;  /* first statement that locks an existing table */
    int first_locking_range;
} lint_ddl;

static bool lint_is_new(const lint_ddl *d, const char *table)
{
    return table && strlist_contains(&d->created, table);
}

static void lint_note_locking(lint_file *f, lint_ddl *d, int line)
{
    if (!d->first_locking_line) {
        d->first_locking_line = line;
        d->first_locking_range = f->range_start;
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

static void lint_create_table(lint_ddl *d, const lint_tokens *ts, size_t i)
{
    while (tk_is(ts, i, "GLOBAL") || tk_is(ts, i, "LOCAL") || tk_is(ts, i, "TEMP") ||
           tk_is(ts, i, "TEMPORARY") || tk_is(ts, i, "UNLOGGED"))
        i++;
    if (tk_is(ts, i, "MATERIALIZED") && tk_is(ts, i + 1, "VIEW"))
        i++; /* a materialized view is as new as a table */
    else if (!tk_is(ts, i, "TABLE"))
        return;
    i = lint_skip_if_exists(ts, i + 1);
    char *name = lint_name(ts, &i);
    if (name && !strlist_contains(&d->created, name))
        strlist_push(&d->created, name);
    free(name);
}

static void lint_create_index(lint_file *f, lint_ddl *d, const lint_tokens *ts, size_t i)
{
    int line = ts->t[0].line;
    bool concurrently = false;
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

/* The tokens of one ALTER TABLE action: [from, to) split at top-level commas. */
static size_t lint_action_end(const lint_tokens *ts, size_t from)
{
    int depth = 0;
    for (size_t k = from; k < ts->n; k++) {
        if (tk_punct(ts, k, '('))
            depth++;
        else if (tk_punct(ts, k, ')'))
            depth--;
        else if (tk_punct(ts, k, ',') && depth == 0)
            return k;
    }
    return ts->n;
}

static bool lint_range_has(const lint_tokens *ts, size_t from, size_t to, const char *w)
{
    for (size_t k = from; k < to; k++)
        if (tk_is(ts, k, w))
            return true;
    return false;
}

static bool lint_range_has_pair(const lint_tokens *ts, size_t from, size_t to, const char *a,
                                const char *b)
{
    for (size_t k = from; k + 1 < to; k++)
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

static void lint_alter_add(lint_file *f, const lint_tokens *ts, size_t a, size_t end,
                           const char *table)
{
    size_t k = a + 1;
    int line = ts->t[a].line;
    if (tk_is(ts, k, "CONSTRAINT") || tk_is(ts, k, "FOREIGN") || tk_is(ts, k, "CHECK")) {
        bool fk_or_check = lint_range_has(ts, k, end, "FOREIGN") || lint_range_has(ts, k, end, "CHECK");
        if (f->pg && fk_or_check && !lint_range_has_pair(ts, k, end, "NOT", "VALID"))
            lint_add(f, "RW107", line,
                     "ADD CONSTRAINT on existing table %s validates every row under a lock; add "
                     "it NOT VALID, then VALIDATE CONSTRAINT in a later migration",
                     table);
        return;
    }
    static const char *const not_columns[] = {"PRIMARY", "UNIQUE", "INDEX", "KEY", "FULLTEXT",
                                              "SPATIAL", "PARTITION", "EXCLUDE", NULL};
    for (const char *const *w = not_columns; *w; w++)
        if (tk_is(ts, k, *w))
            return;
    if (tk_is(ts, k, "COLUMN"))
        k++;
    k = lint_skip_if_exists(ts, k);
    const char *col = lint_token_name(ts, k);
    bool not_null = lint_range_has_pair(ts, k, end, "NOT", "NULL");
    bool has_default = lint_range_has(ts, k, end, "DEFAULT");
    bool generated = lint_range_has(ts, k, end, "GENERATED") || lint_range_has(ts, k, end, "AS");
    bool serial = lint_range_has(ts, k, end, "SERIAL") || lint_range_has(ts, k, end, "BIGSERIAL") ||
                  lint_range_has(ts, k, end, "AUTO_INCREMENT");
    if (not_null && !has_default && !generated && !serial && f->pg)
        lint_add(f, "RW102", line,
                 "column %s is added to existing table %s as NOT NULL without a DEFAULT; add a "
                 "DEFAULT, or add it nullable, backfill, then set NOT NULL",
                 col, table);
    else if (not_null && !has_default && !generated && !serial)
        lint_add(f, "RW110", line,
                 "column %s is added to existing table %s as NOT NULL without a DEFAULT: "
                 "existing rows get the type's implicit default; give an explicit DEFAULT",
                 col, table);
}

/* One action of ALTER TABLE on an existing table. */
static void lint_alter_action(lint_file *f, const lint_tokens *ts, size_t a, size_t end,
                              const char *table)
{
    int line = ts->t[a].line;
    if (tk_is(ts, a, "ADD")) {
        lint_alter_add(f, ts, a, end, table);
    } else if (tk_is(ts, a, "ALTER")) {
        size_t k = a + 1;
        if (tk_is(ts, k, "COLUMN"))
            k++;
        const char *col = lint_token_name(ts, k);
        if (lint_range_has(ts, k, end, "TYPE") && f->pg)
            lint_add(f, "RW103", line,
                     "changing the type of %s.%s rewrites the table under an exclusive lock; add "
                     "a new column and backfill it instead",
                     table, col);
        else if (lint_range_has_pair(ts, k, end, "SET", "NOT") && f->pg)
            lint_add(f, "RW108", line,
                     "SET NOT NULL on %s.%s scans the whole table under an exclusive lock; add a "
                     "CHECK (%s IS NOT NULL) NOT VALID constraint and validate it first",
                     table, col, col);
    } else if ((tk_is(ts, a, "MODIFY") || tk_is(ts, a, "CHANGE")) && f->mysql) {
        size_t k = a + 1;
        if (tk_is(ts, k, "COLUMN"))
            k++;
        lint_add(f, "RW103", line,
                 "%s of column %s.%s can copy the whole table; check the change is INSTANT or "
                 "INPLACE (ALGORITHM=INPLACE, LOCK=NONE)",
                 ts->t[a].text, table, lint_token_name(ts, k));
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
    while (i < ts->n) {
        size_t end = lint_action_end(ts, i);
        lint_alter_action(f, ts, i, end, table);
        i = end + 1;
    }
    free(table);
}

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

static bool lint_mentions_lock_timeout(const lint_tokens *ts)
{
    for (size_t k = 0; k < ts->n; k++) {
        if (ts->t[k].kind == TK_WORD && strcmp(ts->t[k].text, "LOCK_TIMEOUT") == 0)
            return true;
        if (ts->t[k].kind == TK_STRING && strcasestr(ts->t[k].text, "lock_timeout"))
            return true;
    }
    return false;
}

static void lint_statement(lint_file *f, lint_ddl *d, const lint_tokens *ts)
{
    if (ts->n == 0)
        return;
    d->has_lock_timeout |= lint_mentions_lock_timeout(ts);
    if (tk_is(ts, 0, "CREATE")) {
        size_t i = 1;
        if (tk_is(ts, i, "OR") && tk_is(ts, i + 1, "REPLACE"))
            i += 2;
        if (tk_is(ts, i, "UNIQUE"))
            lint_create_index(f, d, ts, i + 1);
        else if (tk_is(ts, i, "INDEX"))
            lint_create_index(f, d, ts, i + 1);
        else
            lint_create_table(d, ts, i);
    } else if (tk_is(ts, 0, "ALTER") && tk_is(ts, 1, "TABLE")) {
        lint_alter_table(f, d, ts, 2);
    } else if (tk_is(ts, 0, "DROP") && tk_is(ts, 1, "TABLE")) {
        lint_drop_table(f, d, ts, 2);
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

/* A per-script .conf may turn placeholder replacement off. */
static bool lint_script_replaces(const char *path)
{
    char *conf = xasprintf("%s.conf", path);
    strbuf sb = STRBUF_INIT;
    rw_err e;
    bool replaces = true;
    if (access(conf, R_OK) == 0 && rw_read_file(conf, &sb, &e) == RW_OK) {
        char *s = xstrdup(sb_str(&sb));
        for (char *p = s; *p; p++)
            if (*p == ' ' || *p == '\t')
                memmove(p, p + 1, strlen(p)), p--;
        replaces = !strcasestr(s, "placeholderReplacement=false");
        free(s);
    }
    sb_free(&sb);
    free(conf);
    return replaces;
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
    lint_collect_ignores(&f, text, len);
    strbuf body = STRBUF_INIT;
    if (config_get_bool(cfg, "placeholderReplacement") && lint_script_replaces(path))
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
        lint_add(&f, "RW004", e.line ? e.line : 1, "the %s splitter cannot parse the file: %s",
                 dialect->name, e.msg);
    } else {
        if (script.hidden_line)
            lint_add(&f, "RW006", script.hidden_line,
                     "\"%s\" is inside the comment above it: that line ends with a bare CR, "
                     "which does not end a comment here; save the file with LF or CRLF line ends",
                     script.hidden_text);
        if (!config_get_bool(cfg, "mixed") && sql_script_has_nontransactional(&script) &&
            sql_script_has_transactional(&script)) {
            int line = 1;
            for (size_t i = 0; i < script.len; i++)
                if (!script.stmts[i].transactional) {
                    line = script.stmts[i].line;
                    break;
                }
            lint_add(&f, "RW005", line,
                     "statement cannot run in a transaction but the file also has transactional "
                     "ones; move it to a migration of its own (or set mixed=true)");
        }
        lint_ddl d = {0};
        for (size_t i = 0; new_tables && i < new_tables->len; i++)
            strlist_push(&d.created, new_tables->items[i]);
        int prev_end = 0;
        for (size_t i = 0; (f.pg || f.mysql) && i < script.len; i++) {
            const sql_statement *st = &script.stmts[i];
            f.range_start = prev_end + 1;
            lint_tokens ts = {0};
            lint_tokenize(&f, st->sql, st->len, st->line, &ts);
            lint_statement(&f, &d, &ts);
            lint_tokens_free(&ts);
            prev_end = st->line + lint_lines_in(st->sql, st->len);
        }
        if (f.pg && d.first_locking_line && !d.has_lock_timeout &&
            !config_get(cfg, "lockTimeout")) {
            f.range_start = d.first_locking_range;
            lint_add(&f, "RW106", d.first_locking_line,
                     "this migration locks existing tables but sets no lock_timeout; start it "
                     "with SET lock_timeout = '5s' or configure runway.lockTimeout");
        }
        for (size_t i = 0; created_out && i < d.created.len; i++)
            if (!strlist_contains(created_out, d.created.items[i]))
                strlist_push(created_out, d.created.items[i]);
        strlist_free(&d.created);
    }
    sql_script_free(&script);
    sb_free(&body);
    for (size_t i = 0; i < f.nignores; i++)
        free(f.ignores[i].id);
    free(f.ignores);
    strlist_free(&f.disabled);
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
        lint_file g = {.cfg = cfg, .path = path, .out = out, .range_start = 1};
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
