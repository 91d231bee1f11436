/*
 * split_mysql.c - splits a MySQL/MariaDB script into statements the way the
 * `mysql` client does, plus Flyway's handling of compound statements.
 *
 *  - `DELIMITER x` (keyword in any case, first token of a statement) sets the
 *    statement terminator to x until the next DELIMITER; the line itself is
 *    never sent.  The terminator is recognised anywhere outside quotes and
 *    comments, also glued to a word (`END$$`, `` `name`$$ ``).
 *  - `#`, `-- ` (two dashes and a blank) and `/ * ... * /` comments; comments
 *    before a statement are dropped, comments inside one are sent with it.
 *  - `/ *! ... * /`, `/ *!NNNNN ... * /` and `/ *M! ... * /` executable comments
 *    are SQL: they start a statement and are sent, and their content is
 *    scanned like any other SQL.
 *  - '...' and "..." strings with backslash escapes and doubled quotes;
 *    `...` identifiers with doubled backticks.
 *  - A CRLF line end is sent as LF (also inside strings), as the client does.
 *  - While the terminator is `;`, the body of CREATE PROCEDURE / FUNCTION /
 *    TRIGGER / EVENT (and MariaDB's BEGIN NOT ATOMIC) is tracked: BEGIN and
 *    CASE open a block, END closes one unless followed by IF, LOOP, REPEAT or
 *    WHILE, and a `;` inside a block does not end the statement.
 */
#include "sql/split.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MYSQL_DELIM_MAX 16

typedef struct my_splitter {
    const char *text;
    size_t len;
    size_t pos;
    sql_script *out;
    rw_err *e;

    /* Line bookkeeping: line_no is the line of byte line_pos. */
    size_t line_pos;
    int line_no;

    char delim[MYSQL_DELIM_MAX + 1];
    size_t delim_len;

    /* The statement being collected. */
    bool in_stmt;
    size_t stmt_start;
    int stmt_line;
    bool in_exec_comment;   /* inside a / *! ... * / executable comment */

    /* Compound-statement tracking. */
    int nwords;             /* words seen in this statement */
    bool first_is_create;
    bool first_is_begin;
    int program;            /* -1 undecided, 0 plain statement, 1 stored program */
    int block_depth;
    bool prev_word_end;
} my_splitter;

/*
 * The 1-based line of byte pos; positions are asked for in increasing
 * order.  A bare CR counts as a line end, as in the editor that wrote it.
 */
static int my_line_at(my_splitter *s, size_t pos)
{
    if (pos < s->line_pos) {
        s->line_pos = 0;
        s->line_no = 1;
    }
    for (; s->line_pos < pos && s->line_pos < s->len; s->line_pos++)
        if (sql_is_line_end(s->text, s->len, s->line_pos))
            s->line_no++;
    return s->line_no;
}

/* Fails with the message and sets e->line to the line of pos (callers add the file name). */
static int my_fail(my_splitter *s, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int my_fail(my_splitter *s, size_t pos, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = my_line_at(s, pos);
    rw_fail(s->e, RW_ERR_PARSE, "%s", msg);
    s->e->line = line;
    return s->e->code;
}

static bool my_is_word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

static bool my_at(const my_splitter *s, size_t pos, const char *lit)
{
    size_t n = strlen(lit);
    return pos + n <= s->len && memcmp(s->text + pos, lit, n) == 0;
}

static bool my_at_delimiter(const my_splitter *s, size_t pos)
{
    return pos + s->delim_len <= s->len && memcmp(s->text + pos, s->delim, s->delim_len) == 0;
}

/* `-- ` starts a comment only when the dashes are followed by a blank or control character. */
static bool my_at_dash_comment(const my_splitter *s, size_t pos)
{
    if (!my_at(s, pos, "--"))
        return false;
    return pos + 2 >= s->len || (unsigned char)s->text[pos + 2] <= ' ';
}

static bool my_at_exec_comment(const my_splitter *s, size_t pos)
{
    return my_at(s, pos, "/*!") || my_at(s, pos, "/*M!");
}

/* Returns the position after a line comment (at its newline, which is not consumed). */
static size_t my_skip_line_comment(const my_splitter *s, size_t pos)
{
    while (pos < s->len && s->text[pos] != '\n')
        pos++;
    return pos;
}

/* What may follow a bare CR inside a line comment without being hidden SQL. */
static bool my_comment_start(const char *text, size_t len, size_t pos)
{
    if (text[pos] == '#')
        return true;
    if (pos + 1 < len && text[pos] == '/' && text[pos + 1] == '*')
        return pos + 2 >= len || (text[pos + 2] != '!' && text[pos + 2] != 'M');
    return pos + 1 < len && text[pos] == '-' && text[pos + 1] == '-' &&
           (pos + 2 >= len || (unsigned char)text[pos + 2] <= ' ');
}

/*
 * Skips the rest of a line the client ignores (a comment, or what follows
 * a DELIMITER's argument): the client reads lines up to LF and the server
 * ends a comment only there, so a bare CR inside hides what follows it.
 */
static size_t my_skip_ignored_line(my_splitter *s, size_t pos)
{
    size_t end = my_skip_line_comment(s, pos);
    sql_note_cr_hidden(s->out, s->text, s->len, pos, end, my_line_at(s, pos), my_comment_start);
    return end;
}

/* Returns the position after a / * ... * / comment, or len + 1 when it never ends. */
static size_t my_skip_block_comment(const my_splitter *s, size_t pos)
{
    for (pos += 2; pos + 1 < s->len; pos++)
        if (s->text[pos] == '*' && s->text[pos + 1] == '/')
            return pos + 2;
    return s->len + 1;
}

/*
 * Returns the position after the quoted text starting at pos ('...', "..."
 * or `...`), or len + 1 when the closing quote is missing.  Strings honour
 * backslash escapes; every kind treats a doubled quote as one character.
 */
static size_t my_skip_quoted(const my_splitter *s, size_t pos)
{
    char q = s->text[pos];
    for (pos++; pos < s->len; pos++) {
        char c = s->text[pos];
        if (c == '\\' && q != '`') {
            pos++;
            continue;
        }
        if (c == q) {
            if (pos + 1 < s->len && s->text[pos + 1] == q) {
                pos++;
                continue;
            }
            return pos + 1;
        }
    }
    return s->len + 1;
}

/* Skips blanks and comments (not executable ones); used to peek at the next word. */
static size_t my_skip_space_and_comments(const my_splitter *s, size_t pos)
{
    while (pos < s->len) {
        unsigned char c = (unsigned char)s->text[pos];
        if (isspace(c))
            pos++;
        else if ((c == '#' && !my_at_delimiter(s, pos)) || my_at_dash_comment(s, pos))
            pos = my_skip_line_comment(s, pos);
        else if (my_at(s, pos, "/*") && !my_at_exec_comment(s, pos))
            pos = my_skip_block_comment(s, pos);
        else
            break;
    }
    return pos;
}

/* The end of the word starting at pos; a terminator glued to the word ends it. */
static size_t my_word_end(const my_splitter *s, size_t pos)
{
    while (pos < s->len && my_is_word_char((unsigned char)s->text[pos]) &&
           !my_at_delimiter(s, pos))
        pos++;
    return pos;
}

static bool my_word_is(const my_splitter *s, size_t start, size_t end, const char *kw)
{
    size_t n = strlen(kw);
    if (end - start != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (toupper((unsigned char)s->text[start + i]) != kw[i])
            return false;
    return true;
}

static bool my_word_in(const my_splitter *s, size_t start, size_t end, const char *const *kws)
{
    for (; *kws; kws++)
        if (my_word_is(s, start, end, *kws))
            return true;
    return false;
}

static void my_begin_statement(my_splitter *s, size_t pos)
{
    if (s->in_stmt)
        return;
    s->in_stmt = true;
    s->stmt_start = pos;
    s->stmt_line = my_line_at(s, pos);
    s->nwords = 0;
    s->first_is_create = false;
    s->first_is_begin = false;
    s->program = -1;
    s->block_depth = 0;
    s->prev_word_end = false;
    s->in_exec_comment = false;
}

/*
 * Adds the statement.  The mysql client reads scripts line by line and sends
 * a CRLF line end as LF, even inside string literals; doing the same keeps
 * routine bodies and data identical to what the client stores.
 */
static void my_end_statement(my_splitter *s, size_t end)
{
    if (!s->in_stmt)
        return;
    s->in_stmt = false;
    const char *text = s->text + s->stmt_start;
    size_t len = end - s->stmt_start;
    const char *cr = memchr(text, '\r', len);
    if (!cr) {
        sql_script_add(s->out, text, len, s->stmt_line);
        return;
    }
    strbuf lf = STRBUF_INIT;
    for (size_t i = 0; i < len; i++)
        if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
            sb_addc(&lf, text[i]);
    sql_script_add(s->out, lf.buf, lf.len, s->stmt_line);
    sb_free(&lf);
}

/*
 * Decides from the first words whether the statement is a stored program
 * (whose body may hold ';'): CREATE [OR REPLACE] [DEFINER=...] [AGGREGATE]
 * PROCEDURE|FUNCTION|TRIGGER|EVENT, or MariaDB's anonymous BEGIN NOT ATOMIC.
 */
static void my_classify(my_splitter *s, size_t start, size_t end)
{
    static const char *const program_kinds[] = {"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", NULL};
    static const char *const other_kinds[] = {
        "TABLE", "VIEW", "INDEX", "DATABASE", "SCHEMA", "USER", "ROLE", "SERVER", "SEQUENCE",
        "TABLESPACE", "UNIQUE", "FULLTEXT", "SPATIAL", "TEMPORARY", "LOGFILE", "SELECT", NULL};
    if (s->nwords == 1) {
        s->first_is_create = my_word_is(s, start, end, "CREATE");
        s->first_is_begin = my_word_is(s, start, end, "BEGIN");
        if (!s->first_is_create && !s->first_is_begin)
            s->program = 0;
        return;
    }
    if (s->first_is_begin) {
        s->program = my_word_is(s, start, end, "NOT") ? 1 : 0;
        if (s->program)
            s->block_depth = 1;   /* the leading BEGIN */
        return;
    }
    if (my_word_in(s, start, end, program_kinds))
        s->program = 1;
    else if (my_word_in(s, start, end, other_kinds) || s->nwords > 12)
        s->program = 0;
}

/* Tracks BEGIN/CASE/END nesting for a word of a stored program. */
static void my_track_blocks(my_splitter *s, size_t start, size_t end)
{
    static const char *const end_suffixes[] = {"IF", "LOOP", "REPEAT", "WHILE", NULL};
    bool is_end = my_word_is(s, start, end, "END");
    if (my_word_is(s, start, end, "BEGIN")) {
        s->block_depth++;
    } else if (my_word_is(s, start, end, "CASE")) {
        if (!s->prev_word_end)
            s->block_depth++;
    } else if (is_end) {
        size_t next = my_skip_space_and_comments(s, end);
        size_t next_end = next < s->len && !my_at_delimiter(s, next) ? my_word_end(s, next) : next;
        if (!my_word_in(s, next, next_end, end_suffixes) && s->block_depth > 0)
            s->block_depth--;
    }
    s->prev_word_end = is_end;
}

static void my_note_word(my_splitter *s, size_t start, size_t end)
{
    /* t.end, x.begin: a qualified name, not a keyword. */
    if (start > 0 && s->text[start - 1] == '.')
        return;
    s->nwords++;
    if (s->program == -1)
        my_classify(s, start, end);
    else if (s->program == 1)
        my_track_blocks(s, start, end);
}

/*
 * Handles `DELIMITER x` (pos is just after the keyword): the new terminator
 * is the next blank-separated word on the line; the rest of the line is
 * ignored, as the mysql client does.
 */
static int my_delimiter_command(my_splitter *s, size_t kw_start, size_t pos)
{
    while (pos < s->len && (s->text[pos] == ' ' || s->text[pos] == '\t'))
        pos++;
    size_t start = pos;
    while (pos < s->len && !isspace((unsigned char)s->text[pos]))
        pos++;
    size_t n = pos - start;
    if (n == 0)
        return my_fail(s, kw_start,
                       "DELIMITER must be followed by the new delimiter on the same line, "
                       "e.g. DELIMITER $$");
    if (n > MYSQL_DELIM_MAX)
        return my_fail(s, kw_start, "the delimiter %.*s is too long (at most %d characters)",
                       (int)n, s->text + start, MYSQL_DELIM_MAX);
    if (memchr(s->text + start, '\\', n))
        return my_fail(s, kw_start, "DELIMITER cannot contain a backslash");
    memcpy(s->delim, s->text + start, n);
    s->delim[n] = '\0';
    s->delim_len = n;
    s->pos = my_skip_ignored_line(s, pos);
    return RW_OK;
}

/* True when only blanks precede pos on its line. */
static bool my_first_on_line(const my_splitter *s, size_t pos)
{
    while (pos > 0 && (s->text[pos - 1] == ' ' || s->text[pos - 1] == '\t'))
        pos--;
    return pos == 0 || s->text[pos - 1] == '\n';
}

/*
 * A line `DELIMITER x` while a statement is still open means the previous
 * statement lacks its terminator; say so instead of sending both as one.
 */
static bool my_looks_like_delimiter_line(const my_splitter *s, size_t kw_start, size_t kw_end)
{
    if (!my_first_on_line(s, kw_start) || kw_end >= s->len ||
        (s->text[kw_end] != ' ' && s->text[kw_end] != '\t'))
        return false;
    size_t pos = kw_end;
    while (pos < s->len && (s->text[pos] == ' ' || s->text[pos] == '\t'))
        pos++;
    size_t start = pos;
    while (pos < s->len && !isspace((unsigned char)s->text[pos]) && s->text[pos] != ',' &&
           s->text[pos] != '(' && s->text[pos] != ')')
        pos++;
    if (pos == start || pos - start > MYSQL_DELIM_MAX)
        return false;
    while (pos < s->len && (s->text[pos] == ' ' || s->text[pos] == '\t' || s->text[pos] == '\r'))
        pos++;
    return pos >= s->len || s->text[pos] == '\n';
}

static int my_scan_word(my_splitter *s)
{
    size_t start = s->pos, end = my_word_end(s, start);
    bool followed_by_blank = end >= s->len || isspace((unsigned char)s->text[end]);
    if (my_word_is(s, start, end, "DELIMITER") && followed_by_blank) {
        if (!s->in_stmt)
            return my_delimiter_command(s, start, end);
        if (my_looks_like_delimiter_line(s, start, end)) {
            return my_fail(s, start,
                           "DELIMITER inside a statement: end the statement that starts at "
                           "line %d with its delimiter %s first",
                           s->stmt_line, s->delim);
        }
    }
    my_begin_statement(s, start);
    my_note_word(s, start, end);
    s->pos = end;
    return RW_OK;
}

/* The terminator ends the statement unless a stored-program block is open under ';'. */
static bool my_terminates_here(const my_splitter *s)
{
    if (!my_at_delimiter(s, s->pos))
        return false;
    return !(s->block_depth > 0 && s->delim_len == 1 && s->delim[0] == ';');
}

/* Handles one lexical element at s->pos. */
static int my_step(my_splitter *s)
{
    const char *t = s->text;
    size_t pos = s->pos;
    unsigned char c = (unsigned char)t[pos];

    if (my_terminates_here(s)) {
        my_end_statement(s, pos);
        s->pos = pos + s->delim_len;
        return RW_OK;
    }
    if (isspace(c)) {
        s->pos++;
        return RW_OK;
    }
    if (c == '#' || my_at_dash_comment(s, pos)) {
        s->pos = my_skip_ignored_line(s, pos);
        return RW_OK;
    }
    if (my_at_exec_comment(s, pos)) {
        my_begin_statement(s, pos);
        s->in_exec_comment = true;
        s->pos = pos + (t[pos + 2] == 'M' ? 4 : 3);
        while (s->pos < s->len && isdigit((unsigned char)t[s->pos]))
            s->pos++;
        return RW_OK;
    }
    if (s->in_exec_comment && my_at(s, pos, "*/")) {
        s->in_exec_comment = false;
        s->pos = pos + 2;
        return RW_OK;
    }
    if (my_at(s, pos, "/*")) {
        s->pos = my_skip_block_comment(s, pos);
        if (s->pos > s->len)
            return my_fail(s, pos, "unterminated /* comment: add the closing */");
        return RW_OK;
    }
    if (c == '\'' || c == '"' || c == '`') {
        my_begin_statement(s, pos);
        s->pos = my_skip_quoted(s, pos);
        if (s->pos > s->len)
            return my_fail(s, pos, "unterminated %s: add the closing quote",
                           c == '`' ? "quoted identifier" : "string literal");
        s->prev_word_end = false;
        return RW_OK;
    }
    if (my_is_word_char(c))
        return my_scan_word(s);
    my_begin_statement(s, pos);
    s->prev_word_end = false;
    s->pos++;
    return RW_OK;
}

static int mysql_split(const char *text, size_t len, sql_script *out, rw_err *e)
{
    my_splitter s = {0};
    s.text = text;
    s.len = len;
    s.out = out;
    s.e = e;
    s.line_no = 1;
    s.delim[0] = ';';
    s.delim_len = 1;
    while (s.pos < s.len) {
        int rc = my_step(&s);
        if (rc != RW_OK)
            return rc;
    }
    my_end_statement(&s, s.len);
    return RW_OK;
}

const sql_dialect sql_dialect_mysql = {"mysql", mysql_split};

/*
 * A statement from a DELIMITER block may hold ';'.  Sent with multi-statement
 * queries on, the server would run a block of two statements as two, where
 * Flyway's driver (multi-statements off) has it rejected as one; so such a
 * text may go in a batch only when it is one statement by the same rules a
 * script ending its statements in ';' is split by: a stored program whose
 * ';' are all inside its BEGIN ... END, or a ';' inside quotes.  Any doubt
 * (a backslash, which NO_BACKSLASH_ESCAPES reads differently; text before or
 * after the one statement) answers no, which costs round trips only.
 */
bool sql_mysql_is_one_statement(const char *sql, size_t len)
{
    if (memchr(sql, '\\', len))
        return false;
    sql_script one = {0};
    rw_err e;
    rw_err_clear(&e);
    bool yes = mysql_split(sql, len, &one, &e) == RW_OK && one.len == 1 &&
               one.stmts[0].len == len && memcmp(one.stmts[0].sql, sql, len) == 0;
    sql_script_free(&one);
    return yes;
}
