/*
 * split_sqlite.c - SQLite statements.  ';' ends a statement outside
 * strings, quoted identifiers, comments and blocks; a trigger body
 * (CREATE TRIGGER ... BEGIN ...; END) and CASE ... END are blocks, as in
 * Flyway's SQLiteParser.
 */
#include <string.h>

#include "sql/split.h"

/* ASCII classes; bytes >= 0x80 are "other", as in the C locale. */
static bool is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool is_word_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_word_char(unsigned char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/*
 * Line ends in text[from, to) of text[0, len): the splitter counts them only
 * where it skips runs.  A bare CR ends a line too, so that errors in a file
 * written with CR line ends name the line its editor shows.
 */
static int count_lines(const char *text, size_t len, size_t from, size_t to)
{
    int n = 0;
    const char *p = text + from, *end = text + to;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        n++;
        p++;
    }
    if (memchr(text + from, '\r', to - from))
        for (size_t i = from; i < to; i++)
            n += text[i] == '\r' && sql_is_line_end(text, len, i);
    return n;
}

/* What may follow a bare CR inside a -- comment without being hidden SQL. */
static bool sqlite_comment_start(const char *text, size_t len, size_t pos)
{
    return pos + 1 < len && ((text[pos] == '-' && text[pos + 1] == '-') ||
                             (text[pos] == '/' && text[pos + 1] == '*'));
}

/*
 * Skips a quoted run opening at *pos (close quote doubled to escape); on
 * return *pos is just past the closing quote.
 */
static int skip_quoted(const char *text, size_t len, size_t *pos, int *line, char open,
                       char close, rw_err *e)
{
    size_t p = *pos + 1;
    for (;;) {
        const char *q = memchr(text + p, close, len - p);
        if (!q) {
            e->line = *line;
            return rw_fail(e, RW_ERR_PARSE, "line %d: unterminated %c...%c starting here",
                           *line, open, close);
        }
        p = (size_t)(q - text) + 1;
        if (open == close && p < len && text[p] == close) {
            p++;
            continue;
        }
        break;
    }
    *line += count_lines(text, len, *pos, p);
    *pos = p;
    return 0;
}

static bool word_eq(const char *w, size_t n, const char *kw, size_t kwlen)
{
    return n == kwlen && strncasecmp(w, kw, n) == 0;
}

/*
 * One pass over the text; whitespace, comments and quoted runs are skipped
 * in bulk, and only the keywords that open or close a block are compared.
 */
static int sqlite_split(const char *text, size_t len, sql_script *out, rw_err *e)
{
    size_t pos = 0;
    int line = 1;
    size_t stmt_start = (size_t)-1;
    int stmt_line = 0, depth = 0, words = 0;
    bool is_trigger = false, saw_create = false, nontx = false, first_is_pragma = false;

    while (pos < len) {
        unsigned char c = (unsigned char)text[pos];
        if (is_space(c)) {
            if (sql_is_line_end(text, len, pos))
                line++;
            pos++;
            continue;
        }
        if (c == '-' && pos + 1 < len && text[pos + 1] == '-') {
            /* SQLite's tokenizer runs a comment on to LF, past any bare CR. */
            const char *nl = memchr(text + pos, '\n', len - pos);
            size_t end = nl ? (size_t)(nl - text) : len;
            sql_note_cr_hidden(out, text, len, pos, end, line, sqlite_comment_start);
            line += count_lines(text, len, pos, end);
            pos = end;
            continue;
        }
        if (c == '/' && pos + 1 < len && text[pos + 1] == '*') {
            const char *end = pos + 2 < len ? memmem(text + pos + 2, len - pos - 2, "*/", 2) : NULL;
            if (!end) {
                e->line = line;
                return rw_fail(e, RW_ERR_PARSE, "line %d: unterminated /* comment", line);
            }
            size_t after = (size_t)(end - text) + 2;
            line += count_lines(text, len, pos, after);
            pos = after;
            continue;
        }
        if (stmt_start == (size_t)-1) {
            stmt_start = pos;
            stmt_line = line;
        }
        if (c == ';') {
            if (depth == 0) {
                sql_statement *st = sql_script_add(out, text + stmt_start, pos - stmt_start,
                                                   stmt_line);
                if (st)
                    st->transactional = !nontx;
                stmt_start = (size_t)-1;
                words = 0;
                is_trigger = saw_create = nontx = first_is_pragma = false;
            }
            pos++;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            if (skip_quoted(text, len, &pos, &line, (char)c, c == '[' ? ']' : (char)c, e))
                return e->code;
            words++;
            continue;
        }
        if (is_word_start(c)) {
            size_t s = pos;
            while (pos < len && is_word_char((unsigned char)text[pos]))
                pos++;
            const char *w = text + s;
            size_t n = pos - s;
            if (words == 0) {
                saw_create = word_eq(w, n, "CREATE", 6);
                first_is_pragma = word_eq(w, n, "PRAGMA", 6);
            }
            if (saw_create && words <= 2 && word_eq(w, n, "TRIGGER", 7))
                is_trigger = true;
            if (words == 1 && first_is_pragma && n >= 12 && strncasecmp(w, "foreign_keys", 12) == 0)
                nontx = true;
            if ((is_trigger && word_eq(w, n, "BEGIN", 5)) || word_eq(w, n, "CASE", 4))
                depth++;
            else if (depth > 0 && word_eq(w, n, "END", 3))
                depth--;
            words++;
            continue;
        }
        pos++;
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
