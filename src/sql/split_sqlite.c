/*
 * split_sqlite.c - SQLite statements.  ';' ends a statement outside
 * strings, quoted identifiers, comments and blocks; a trigger body
 * (CREATE TRIGGER ... BEGIN ...; END) and CASE ... END are blocks, as in
 * Flyway's SQLiteParser.
 */
#include <ctype.h>
#include <string.h>

#include "sql/split.h"

typedef struct sqlite_lexer {
    const char *text;
    size_t len;
    size_t pos;
    int line;
} sqlite_lexer;

static void lex_advance(sqlite_lexer *lx, size_t n)
{
    while (n-- > 0 && lx->pos < lx->len) {
        if (lx->text[lx->pos] == '\n')
            lx->line++;
        lx->pos++;
    }
}

/* Skips a quoted run starting at pos (quote char q, doubled to escape). */
static int lex_skip_quoted(sqlite_lexer *lx, char open, char close, rw_err *e)
{
    int start_line = lx->line;
    lex_advance(lx, 1);
    while (lx->pos < lx->len) {
        char c = lx->text[lx->pos];
        if (c == close) {
            if (open == close && lx->pos + 1 < lx->len && lx->text[lx->pos + 1] == close) {
                lex_advance(lx, 2);
                continue;
            }
            lex_advance(lx, 1);
            return 0;
        }
        lex_advance(lx, 1);
    }
    e->line = start_line;
    return rw_fail(e, RW_ERR_PARSE, "line %d: unterminated %c...%c starting here", start_line,
                   open, close);
}

static bool word_eq(const char *w, size_t n, const char *kw)
{
    return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static int sqlite_split(const char *text, size_t len, sql_script *out, rw_err *e)
{
    sqlite_lexer lx = {text, len, 0, 1};
    size_t stmt_start = (size_t)-1;
    int stmt_line = 0, depth = 0, words = 0;
    bool is_trigger = false, saw_create = false, nontx = false;
    /* Keywords at the statement's start decide trigger-ness and PRAGMA foreign_keys. */
    char first_words[3][16] = {{0}};

    while (lx.pos < len) {
        char c = text[lx.pos];
        if (isspace((unsigned char)c)) {
            lex_advance(&lx, 1);
            continue;
        }
        if (c == '-' && lx.pos + 1 < len && text[lx.pos + 1] == '-') {
            while (lx.pos < len && text[lx.pos] != '\n')
                lex_advance(&lx, 1);
            continue;
        }
        if (c == '/' && lx.pos + 1 < len && text[lx.pos + 1] == '*') {
            int l = lx.line;
            lex_advance(&lx, 2);
            while (lx.pos + 1 < len && !(text[lx.pos] == '*' && text[lx.pos + 1] == '/'))
                lex_advance(&lx, 1);
            if (lx.pos + 1 >= len) {
                e->line = l;
                return rw_fail(e, RW_ERR_PARSE, "line %d: unterminated /* comment", l);
            }
            lex_advance(&lx, 2);
            continue;
        }
        if (stmt_start == (size_t)-1) {
            stmt_start = lx.pos;
            stmt_line = lx.line;
        }
        if (c == ';') {
            if (depth == 0) {
                sql_statement *st = sql_script_add(out, text + stmt_start, lx.pos - stmt_start,
                                                   stmt_line);
                if (st)
                    st->transactional = !nontx;
                stmt_start = (size_t)-1;
                depth = 0;
                words = 0;
                is_trigger = saw_create = nontx = false;
                memset(first_words, 0, sizeof first_words);
            }
            lex_advance(&lx, 1);
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            if (lex_skip_quoted(&lx, c, c, e))
                return e->code;
            words++;
            continue;
        }
        if (c == '[') {
            if (lex_skip_quoted(&lx, '[', ']', e))
                return e->code;
            words++;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            size_t s = lx.pos;
            while (lx.pos < len && (isalnum((unsigned char)text[lx.pos]) || text[lx.pos] == '_' ||
                                    text[lx.pos] == '$'))
                lex_advance(&lx, 1);
            const char *w = text + s;
            size_t n = lx.pos - s;
            if (words < 3 && n < sizeof first_words[0]) {
                memcpy(first_words[words], w, n);
                first_words[words][n] = '\0';
            }
            if (words == 0 && word_eq(w, n, "CREATE"))
                saw_create = true;
            if (saw_create && words <= 2 && word_eq(w, n, "TRIGGER"))
                is_trigger = true;
            if (words == 1 && strcasecmp(first_words[0], "PRAGMA") == 0 &&
                strncasecmp(w, "foreign_keys", 12) == 0)
                nontx = true;
            if ((word_eq(w, n, "BEGIN") && is_trigger) || word_eq(w, n, "CASE"))
                depth++;
            else if (word_eq(w, n, "END") && depth > 0)
                depth--;
            words++;
            continue;
        }
        lex_advance(&lx, 1);
    }
    if (stmt_start != (size_t)-1) {
        if (depth > 0) {
            e->line = stmt_line;
            return rw_fail(e, RW_ERR_PARSE,
                           "line %d: incomplete statement: a BEGIN or CASE block is not closed "
                           "with END",
                           stmt_line);
        }
        sql_statement *st = sql_script_add(out, text + stmt_start, len - stmt_start, stmt_line);
        if (st)
            st->transactional = !nontx;
    }
    return 0;
}

const sql_dialect sql_dialect_sqlite = {"sqlite", sqlite_split};
