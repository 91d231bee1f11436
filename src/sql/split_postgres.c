/*
 * split_postgres.c - splits a PostgreSQL migration script into the
 * statements the driver sends one at a time.
 *
 * A statement ends at a ';' outside quotes, comments, parentheses and
 * SQL-standard BEGIN ATOMIC ... END bodies.  The scanner knows the lexical
 * forms that may hide a ';': 'standard' and E'escape' strings, "quoted"
 * identifiers, $tag$ dollar quotes, -- and nested block comments.  A
 * COPY ... FROM STDIN statement takes the following lines up to a "\."
 * line as its data, and psql meta-commands (\c, \i, \set ...) are
 * rejected because no server understands them.
 */
#include "sql/split.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { PG_WORDS_KEPT = 12, PG_WORD_MAX = 32 };

typedef struct pg_scan {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    sql_script *out;
    rw_err *e;

    /* The statement being read. */
    bool in_stmt;
    size_t stmt_start;
    int stmt_line;
    int paren_depth;
    int block_depth;             /* BEGIN ATOMIC ... END and CASE ... END inside it */
    char words[PG_WORDS_KEPT][PG_WORD_MAX]; /* first keywords, upper-cased */
    int nwords;
    char prev_word[PG_WORD_MAX]; /* last keyword at any depth */
    bool copy_from_stdin;        /* saw COPY ... FROM STDIN at depth 0 */
} pg_scan;

static bool pg_is_ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool pg_is_ident_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool pg_at(const pg_scan *sc, size_t off, char c)
{
    return sc->pos + off < sc->len && sc->s[sc->pos + off] == c;
}

/* Advances one byte, counting lines (a bare CR ends one, as in the server's lexer). */
static void pg_advance(pg_scan *sc)
{
    if (sql_is_line_end(sc->s, sc->len, sc->pos))
        sc->line++;
    sc->pos++;
}

/* The first line of the statement, shortened, for error messages. */
static void pg_statement_excerpt(const pg_scan *sc, size_t start, char *buf, size_t size)
{
    size_t n = 0;
    while (start + n < sc->len && sc->s[start + n] != '\n' && sc->s[start + n] != '\r' &&
           n + 1 < size && n < 80)
        n++;
    memcpy(buf, sc->s + start, n);
    buf[n] = '\0';
}

/* Fails with a parse error located at line. */
__attribute__((format(printf, 3, 4))) static int pg_fail_at(pg_scan *sc, int line,
                                                            const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rw_fail(sc->e, RW_ERR_PARSE, "%s", msg);
    sc->e->line = line;
    return sc->e->code;
}

/*
 * Skips "-- ..." up to (not including) the end of the line.  The server's
 * lexer ends the comment at CR as well as LF, so a file with bare-CR line
 * ends splits as PostgreSQL reads it.
 */
static void pg_skip_line_comment(pg_scan *sc)
{
    while (sc->pos < sc->len && sc->s[sc->pos] != '\n' && sc->s[sc->pos] != '\r')
        sc->pos++;
}

/* Skips a block comment; PostgreSQL lets them nest. */
static int pg_skip_block_comment(pg_scan *sc)
{
    int start_line = sc->line;
    int depth = 0;
    while (sc->pos < sc->len) {
        if (pg_at(sc, 0, '/') && pg_at(sc, 1, '*')) {
            depth++;
            sc->pos += 2;
        } else if (pg_at(sc, 0, '*') && pg_at(sc, 1, '/')) {
            sc->pos += 2;
            if (--depth == 0)
                return RW_OK;
        } else {
            pg_advance(sc);
        }
    }
    return pg_fail_at(sc, start_line,
                      "Unterminated block comment starting at line %d: add the closing */",
                      start_line);
}

/*
 * Skips a quoted token opened by quote at pos: 'string', E'string' (the
 * caller has stepped over the E) or "identifier".  A doubled quote stands
 * for itself; in E'' strings a backslash also escapes the next byte.
 */
static int pg_skip_quoted(pg_scan *sc, char quote, bool backslash_escapes)
{
    int start_line = sc->line;
    sc->pos++;
    while (sc->pos < sc->len) {
        char c = sc->s[sc->pos];
        if (backslash_escapes && c == '\\' && sc->pos + 1 < sc->len) {
            sc->pos++;
            pg_advance(sc);
        } else if (c == quote) {
            if (pg_at(sc, 1, quote)) {
                sc->pos += 2;
            } else {
                sc->pos++;
                return RW_OK;
            }
        } else {
            pg_advance(sc);
        }
    }
    if (quote == '"')
        return pg_fail_at(sc, start_line,
                          "Unterminated quoted identifier starting at line %d: add the closing \"",
                          start_line);
    return pg_fail_at(sc, start_line,
                      "Unterminated string literal starting at line %d: add the closing quote",
                      start_line);
}

/*
 * Length of a dollar-quote delimiter ($$ or $tag$) at pos, or 0 when the
 * '$' does not open one ($1 parameters, a lone '$').
 */
static size_t pg_dollar_tag_len(const pg_scan *sc)
{
    size_t i = sc->pos + 1;
    if (i < sc->len && sc->s[i] == '$')
        return 2;
    if (i >= sc->len || !pg_is_ident_start((unsigned char)sc->s[i]))
        return 0;
    while (i < sc->len && (isalnum((unsigned char)sc->s[i]) || sc->s[i] == '_' ||
                           (unsigned char)sc->s[i] >= 0x80))
        i++;
    if (i < sc->len && sc->s[i] == '$')
        return i + 1 - sc->pos;
    return 0;
}

/* Skips a dollar-quoted body up to the same $tag$ that opened it. */
static int pg_skip_dollar_quoted(pg_scan *sc, size_t tag_len)
{
    const char *tag = sc->s + sc->pos;
    int start_line = sc->line;
    sc->pos += tag_len;
    while (sc->pos < sc->len) {
        if (sc->s[sc->pos] == '$' && sc->len - sc->pos >= tag_len &&
            memcmp(sc->s + sc->pos, tag, tag_len) == 0) {
            sc->pos += tag_len;
            return RW_OK;
        }
        pg_advance(sc);
    }
    char tagbuf[PG_WORD_MAX + 2];
    size_t n = tag_len < sizeof tagbuf - 1 ? tag_len : sizeof tagbuf - 1;
    memcpy(tagbuf, tag, n);
    tagbuf[n] = '\0';
    return pg_fail_at(sc, start_line,
                      "Unterminated dollar-quoted string starting at line %d: add the closing %s",
                      start_line, tagbuf);
}

/*
 * Records a keyword: the first few classify the statement, the pair
 * BEGIN ATOMIC opens a block (CASE nests inside it, END closes), and
 * FROM STDIN at depth 0 of a COPY marks inline data.
 */
static void pg_note_word(pg_scan *sc, const char *start, size_t n)
{
    char w[PG_WORD_MAX];
    if (n >= sizeof w)
        n = sizeof w - 1;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)toupper((unsigned char)start[i]);
    w[n] = '\0';

    if (sc->nwords < PG_WORDS_KEPT)
        memcpy(sc->words[sc->nwords++], w, sizeof w);

    if (strcmp(w, "ATOMIC") == 0 && strcmp(sc->prev_word, "BEGIN") == 0)
        sc->block_depth++;
    else if (sc->block_depth > 0 && strcmp(w, "CASE") == 0)
        sc->block_depth++;
    else if (sc->block_depth > 0 && strcmp(w, "END") == 0)
        sc->block_depth--;

    if (sc->paren_depth == 0 && strcmp(w, "STDIN") == 0 && strcmp(sc->prev_word, "FROM") == 0 &&
        strcmp(sc->words[0], "COPY") == 0)
        sc->copy_from_stdin = true;

    memcpy(sc->prev_word, w, sizeof w);
}

static bool pg_word_is(const pg_scan *sc, int i, const char *w)
{
    return i < sc->nwords && strcmp(sc->words[i], w) == 0;
}

static bool pg_word_in(const pg_scan *sc, int i, const char *const *set)
{
    for (; *set; set++)
        if (pg_word_is(sc, i, *set))
            return true;
    return false;
}

/*
 * Statements PostgreSQL refuses inside a transaction block (Flyway's list,
 * plus REINDEX ... CONCURRENTLY in any of its spellings).
 */
static bool pg_is_nontransactional(const pg_scan *sc)
{
    static const char *const create_drop[] = {"CREATE", "DROP", NULL};
    static const char *const cluster_objects[] = {"DATABASE", "TABLESPACE", "SUBSCRIPTION", NULL};
    static const char *const reindex_wide[] = {"SCHEMA", "DATABASE", "SYSTEM", NULL};

    if (pg_word_in(sc, 0, create_drop)) {
        if (pg_word_in(sc, 1, cluster_objects))
            return true;
        int i = pg_word_is(sc, 1, "UNIQUE") ? 2 : 1;
        return pg_word_is(sc, i, "INDEX") && pg_word_is(sc, i + 1, "CONCURRENTLY");
    }
    if (pg_word_is(sc, 0, "REINDEX")) {
        for (int i = 1; i < sc->nwords && i < 6; i++)
            if (pg_word_is(sc, i, "CONCURRENTLY"))
                return true;
        int i = pg_word_is(sc, 1, "VERBOSE") ? 2 : 1;
        return pg_word_in(sc, i, reindex_wide);
    }
    if (pg_word_is(sc, 0, "ALTER") && pg_word_is(sc, 1, "SYSTEM"))
        return true;
    if (pg_word_is(sc, 0, "VACUUM"))
        return true;
    return pg_word_is(sc, 0, "DISCARD") && pg_word_is(sc, 1, "ALL");
}

static void pg_begin_statement(pg_scan *sc)
{
    sc->in_stmt = true;
    sc->stmt_start = sc->pos;
    sc->stmt_line = sc->line;
    sc->paren_depth = 0;
    sc->block_depth = 0;
    sc->nwords = 0;
    sc->prev_word[0] = '\0';
    sc->copy_from_stdin = false;
}

/*
 * Reads the inline data of COPY ... FROM STDIN: every line after the one
 * holding the statement's ';' up to a line "\." (or the end of the file,
 * as psql accepts).
 */
static void pg_read_copy_data(pg_scan *sc, sql_statement *st)
{
    while (sc->pos < sc->len && sc->s[sc->pos] != '\n')
        sc->pos++;
    if (sc->pos < sc->len)
        pg_advance(sc);
    size_t data_start = sc->pos;
    size_t data_end = sc->len;
    while (sc->pos < sc->len) {
        size_t eol = sc->pos;
        while (eol < sc->len && sc->s[eol] != '\n')
            eol++;
        size_t n = eol - sc->pos;
        if (n > 0 && sc->s[sc->pos + n - 1] == '\r')
            n--;
        bool terminator = n == 2 && sc->s[sc->pos] == '\\' && sc->s[sc->pos + 1] == '.';
        size_t line_start = sc->pos;
        sc->pos = eol;
        if (sc->pos < sc->len)
            pg_advance(sc);
        if (terminator) {
            data_end = line_start;
            break;
        }
    }
    if (st) {
        st->copy_data = xstrndup(sc->s + data_start, data_end - data_start);
        st->copy_len = data_end - data_start;
    }
}

/* Ends the current statement at end (exclusive). */
static void pg_end_statement(pg_scan *sc, size_t end)
{
    sql_statement *st =
        sql_script_add(sc->out, sc->s + sc->stmt_start, end - sc->stmt_start, sc->stmt_line);
    if (st)
        st->transactional = !pg_is_nontransactional(sc);
    sc->in_stmt = false;
    if (sc->copy_from_stdin)
        pg_read_copy_data(sc, st);
}

/* True when only blanks precede pos on its line. */
static bool pg_first_on_line(const pg_scan *sc)
{
    size_t i = sc->pos;
    while (i > 0 && (sc->s[i - 1] == ' ' || sc->s[i - 1] == '\t'))
        i--;
    return i == 0 || sc->s[i - 1] == '\n' || sc->s[i - 1] == '\r';
}

static int pg_reject_meta_command(pg_scan *sc)
{
    char cmd[PG_WORD_MAX];
    size_t n = 1;
    cmd[0] = '\\';
    while (sc->pos + n < sc->len && n + 1 < sizeof cmd &&
           !isspace((unsigned char)sc->s[sc->pos + n]))
        n++;
    memcpy(cmd + 1, sc->s + sc->pos + 1, n - 1);
    cmd[n] = '\0';
    return pg_fail_at(sc, sc->line,
                      "psql meta-command %s at line %d is not SQL and cannot be sent to the "
                      "server: remove it (connect with the url setting, use placeholders "
                      "instead of \\set, put included files in the migration locations)",
                      cmd, sc->line);
}

/* Handles one token inside a statement; returns non-zero on a parse error. */
static int pg_scan_token(pg_scan *sc)
{
    unsigned char c = (unsigned char)sc->s[sc->pos];
    switch (c) {
    case ';':
        if (sc->paren_depth == 0 && sc->block_depth == 0) {
            size_t end = sc->pos++;
            pg_end_statement(sc, end);
        } else {
            sc->pos++;
        }
        return RW_OK;
    case '\'':
        return pg_skip_quoted(sc, '\'', false);
    case '"':
        return pg_skip_quoted(sc, '"', false);
    case '$': {
        size_t tag_len = pg_dollar_tag_len(sc);
        if (tag_len)
            return pg_skip_dollar_quoted(sc, tag_len);
        sc->pos++;
        while (sc->pos < sc->len && isdigit((unsigned char)sc->s[sc->pos]))
            sc->pos++; /* $1 parameter */
        return RW_OK;
    }
    case '(':
        sc->paren_depth++;
        sc->pos++;
        return RW_OK;
    case ')':
        if (sc->paren_depth > 0)
            sc->paren_depth--;
        sc->pos++;
        return RW_OK;
    case '\\':
        if (pg_first_on_line(sc))
            return pg_reject_meta_command(sc);
        sc->pos++;
        return RW_OK;
    default:
        break;
    }
    if ((c == 'E' || c == 'e') && pg_at(sc, 1, '\'')) {
        sc->pos++;
        return pg_skip_quoted(sc, '\'', true);
    }
    if (pg_is_ident_start(c)) {
        size_t start = sc->pos;
        while (sc->pos < sc->len && pg_is_ident_char((unsigned char)sc->s[sc->pos]))
            sc->pos++;
        pg_note_word(sc, sc->s + start, sc->pos - start);
        return RW_OK;
    }
    if (isdigit(c)) {
        while (sc->pos < sc->len && (isalnum((unsigned char)sc->s[sc->pos]) ||
                                     sc->s[sc->pos] == '_' || sc->s[sc->pos] == '.'))
            sc->pos++;
        return RW_OK;
    }
    pg_advance(sc);
    return RW_OK;
}

/* At the end of the text: the last statement may lack its ';'. */
static int pg_finish(pg_scan *sc)
{
    if (!sc->in_stmt)
        return RW_OK;
    if (sc->paren_depth > 0 || sc->block_depth > 0) {
        char excerpt[96];
        pg_statement_excerpt(sc, sc->stmt_start, excerpt, sizeof excerpt);
        return pg_fail_at(sc, sc->stmt_line, "Incomplete statement at line %d (%s): %s",
                          sc->stmt_line,
                          sc->paren_depth > 0 ? "a '(' is never closed"
                                              : "BEGIN ATOMIC without its END",
                          excerpt);
    }
    pg_end_statement(sc, sc->len);
    return RW_OK;
}

static int postgres_split(const char *text, size_t len, sql_script *out, rw_err *e)
{
    pg_scan sc;
    memset(&sc, 0, sizeof sc);
    sc.s = text;
    sc.len = len;
    sc.line = 1;
    sc.out = out;
    sc.e = e;

    while (sc.pos < sc.len) {
        unsigned char c = (unsigned char)text[sc.pos];
        int rc = RW_OK;
        if (isspace(c)) {
            pg_advance(&sc);
        } else if (c == '-' && pg_at(&sc, 1, '-')) {
            pg_skip_line_comment(&sc);
        } else if (c == '/' && pg_at(&sc, 1, '*')) {
            rc = pg_skip_block_comment(&sc);
        } else {
            if (!sc.in_stmt) {
                pg_begin_statement(&sc);
                if (c == '\\')
                    return pg_reject_meta_command(&sc);
            }
            rc = pg_scan_token(&sc);
        }
        if (rc != RW_OK)
            return rc;
    }
    return pg_finish(&sc);
}

const sql_dialect sql_dialect_postgres = {"postgresql", postgres_split};
