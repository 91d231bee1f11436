/*
 * split.c - what every dialect's splitter shares: the statement list.
 */
#include "sql/split.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const sql_dialect *sql_dialect_find(const char *name)
{
    static const sql_dialect *const all[] = {&sql_dialect_sqlite, &sql_dialect_postgres,
                                             &sql_dialect_mysql};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

void sql_script_free(sql_script *s)
{
    for (size_t i = 0; i < s->len; i++) {
        free(s->stmts[i].sql);
        free(s->stmts[i].copy_data);
    }
    free(s->stmts);
    memset(s, 0, sizeof *s);
}

/* Copies the next word of text (upper-cased, at most size - 1 bytes) into w; returns its end. */
static size_t sql_next_word(const char *text, size_t len, size_t pos, char *w, size_t size)
{
    while (pos < len && isspace((unsigned char)text[pos]))
        pos++;
    size_t n = 0;
    while (pos < len && (isalnum((unsigned char)text[pos]) || text[pos] == '_')) {
        if (n + 1 < size)
            w[n++] = (char)toupper((unsigned char)text[pos]);
        pos++;
    }
    w[n] = '\0';
    return pos;
}

/*
 * Transaction control is read from the first two words, the same in every
 * dialect: no other statement starts with these keywords (BEGIN NOT ATOMIC
 * and BEGIN ATOMIC open compound blocks, not transactions; COMMIT PREPARED
 * and ROLLBACK PREPARED finish another, already prepared, transaction).
 */
static sql_txn sql_classify_txn(const char *text, size_t len)
{
    char w1[16], w2[16], w3[16];
    size_t pos = sql_next_word(text, len, 0, w1, sizeof w1);
    pos = sql_next_word(text, len, pos, w2, sizeof w2);
    sql_next_word(text, len, pos, w3, sizeof w3);
    if (strcmp(w1, "BEGIN") == 0)
        return strcmp(w2, "NOT") == 0 || strcmp(w2, "ATOMIC") == 0 ? SQL_TXN_NONE : SQL_TXN_BEGIN;
    if (strcmp(w1, "START") == 0)
        return strcmp(w2, "TRANSACTION") == 0 ? SQL_TXN_BEGIN : SQL_TXN_NONE;
    if (strcmp(w1, "COMMIT") == 0 || strcmp(w1, "END") == 0)
        return strcmp(w2, "PREPARED") == 0 ? SQL_TXN_NONE : SQL_TXN_COMMIT;
    if (strcmp(w1, "PREPARE") == 0)
        return strcmp(w2, "TRANSACTION") == 0 ? SQL_TXN_COMMIT : SQL_TXN_NONE;
    if (strcmp(w1, "ROLLBACK") == 0) {
        if (strcmp(w2, "PREPARED") == 0)
            return SQL_TXN_NONE;
        bool noise = strcmp(w2, "WORK") == 0 || strcmp(w2, "TRANSACTION") == 0;
        return strcmp(noise ? w3 : w2, "TO") == 0 ? SQL_TXN_SAVEPOINT : SQL_TXN_ROLLBACK;
    }
    if (strcmp(w1, "ABORT") == 0)
        return SQL_TXN_ROLLBACK;
    if (strcmp(w1, "SAVEPOINT") == 0 || strcmp(w1, "RELEASE") == 0)
        return SQL_TXN_SAVEPOINT;
    return SQL_TXN_NONE;
}

sql_statement *sql_script_add(sql_script *s, const char *text, size_t len, int line)
{
    while (len > 0 && isspace((unsigned char)*text)) {
        if (sql_is_line_end(text, len, 0))
            line++;
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->stmts = xrealloc(s->stmts, s->cap * sizeof *s->stmts);
    }
    sql_statement *st = &s->stmts[s->len++];
    memset(st, 0, sizeof *st);
    st->sql = xstrndup(text, len);
    st->len = len;
    st->line = line;
    st->transactional = true;
    st->txn = sql_classify_txn(text, len);
    return st;
}

bool sql_script_has_nontransactional(const sql_script *s)
{
    for (size_t i = 0; i < s->len; i++)
        if (!s->stmts[i].transactional)
            return true;
    return false;
}

bool sql_script_has_transactional(const sql_script *s)
{
    for (size_t i = 0; i < s->len; i++)
        if (s->stmts[i].transactional)
            return true;
    return false;
}

const sql_statement *sql_script_find_txn_control(const sql_script *s)
{
    for (size_t i = 0; i < s->len; i++)
        if (s->stmts[i].txn != SQL_TXN_NONE && s->stmts[i].txn != SQL_TXN_SAVEPOINT)
            return &s->stmts[i];
    return NULL;
}

const char *sql_txn_name(const sql_statement *st)
{
    char w1[16], w2[16];
    size_t pos = sql_next_word(st->sql, st->len, 0, w1, sizeof w1);
    sql_next_word(st->sql, st->len, pos, w2, sizeof w2);
    static const char *const names[] = {"BEGIN", "START TRANSACTION", "COMMIT", "END",
                                        "PREPARE TRANSACTION", "ROLLBACK", "ABORT", "SAVEPOINT",
                                        "RELEASE", NULL};
    for (const char *const *n = names; *n; n++) {
        char both[40];
        snprintf(both, sizeof both, "%s %s", w1, w2);
        if (strcmp(*n, w1) == 0 || strcmp(*n, both) == 0)
            return *n;
    }
    return "transaction control";
}

void sql_note_cr_hidden(sql_script *s, const char *text, size_t len, size_t start, size_t end,
                        int line, bool (*comment_start)(const char *text, size_t len, size_t pos))
{
    if (s->hidden_line || !memchr(text + start, '\r', end - start))
        return;
    for (size_t i = start; i < end; i++) {
        if (!sql_is_line_end(text, len, i))
            continue;
        line++;
        size_t p = i + 1;
        while (p < end && isspace((unsigned char)text[p])) {
            if (sql_is_line_end(text, len, p))
                line++;
            p++;
        }
        if (p >= end)
            return;
        if (comment_start(text, len, p)) {
            i = p;
            continue;
        }
        size_t n = 0;
        while (p + n < end && text[p + n] != '\r' && n + 1 < sizeof s->hidden_text)
            n++;
        memcpy(s->hidden_text, text + p, n);
        s->hidden_text[n] = '\0';
        s->hidden_line = line;
        return;
    }
}

int sql_script_hidden_error(const sql_script *s, const char *path, rw_err *e)
{
    rw_fail(e, RW_ERR_PARSE,
            "%s:%d: \"%s\" is inside the line comment above it: the line ends with a bare "
            "carriage return (CR), which does not end a comment for this database, so the "
            "statement would never run. Save the file with LF or CRLF line ends.",
            path, s->hidden_line, s->hidden_text);
    snprintf(e->path, sizeof e->path, "%s", path);
    e->line = s->hidden_line;
    return e->code;
}

/* Skips white space and comments ("--", "#" and plain block comments). */
static const char *split_skip_comments(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if ((p[0] == '-' && p[1] == '-') || p[0] == '#') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*' && p[2] != '!') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                return p + strlen(p);
            p = end + 2;
        } else {
            return p;
        }
    }
}

/* Whether a statement starts with one of the keywords that only touch rows. */
static bool split_is_data_statement(const char *sql)
{
    static const char *const kw[] = {"INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH",
                                     NULL};
    const char *p = split_skip_comments(sql);
    for (const char *const *k = kw; *k; k++) {
        size_t n = strlen(*k);
        if (strncasecmp(p, *k, n) == 0 && !isalnum((unsigned char)p[n]) && p[n] != '_')
            return true;
    }
    return false;
}

bool sql_script_is_data_only(const sql_script *s)
{
    for (size_t i = 0; i < s->len; i++)
        if (!split_is_data_statement(s->stmts[i].sql))
            return false;
    return true;
}
