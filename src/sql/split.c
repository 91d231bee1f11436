/*
 * split.c - what every dialect's splitter shares: the statement list.
 */
#include "sql/split.h"

#include <ctype.h>
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

sql_statement *sql_script_add(sql_script *s, const char *text, size_t len, int line)
{
    while (len > 0 && isspace((unsigned char)*text)) {
        if (*text == '\n')
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
