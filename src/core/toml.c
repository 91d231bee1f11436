/*
 * toml.c - a recursive-descent TOML reader.  It follows TOML 1.0 for the
 * parts flyway.toml files use and refuses the rest (dates, arrays of
 * tables) by name rather than misreading them.  Values land in a small
 * tree; config.c walks it.
 */
#include "core/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checksum.h"

typedef struct toml_parser {
    const char *s;
    size_t len;
    size_t pos;
    int line;
    const char *origin;
    rw_err *e;
} toml_parser;

const char *toml_type_name(toml_type t)
{
    static const char *const names[] = {"string", "integer", "float", "boolean", "array", "table"};
    return names[t];
}

static int toml_error(toml_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int toml_error(toml_parser *p, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rw_fail(p->e, RW_ERR_CONFIGURATION, "%s:%d: %s", p->origin, p->line, msg);
    snprintf(p->e->path, sizeof p->e->path, "%s", p->origin);
    p->e->line = p->line;
    return p->e->code;
}

static int toml_peek(const toml_parser *p, size_t ahead)
{
    return p->pos + ahead < p->len ? (unsigned char)p->s[p->pos + ahead] : -1;
}

static void toml_skip_ws(toml_parser *p)
{
    while (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
        p->pos++;
}

static void toml_skip_comment(toml_parser *p)
{
    if (toml_peek(p, 0) != '#')
        return;
    while (p->pos < p->len && p->s[p->pos] != '\n')
        p->pos++;
}

/* Consumes one newline (\n or \r\n); false if not at one. */
static bool toml_newline(toml_parser *p)
{
    if (toml_peek(p, 0) == '\n') {
        p->pos++;
        p->line++;
        return true;
    }
    if (toml_peek(p, 0) == '\r' && toml_peek(p, 1) == '\n') {
        p->pos += 2;
        p->line++;
        return true;
    }
    return false;
}

/* Whitespace, comments and newlines (inside arrays). */
static void toml_skip_ws_nl(toml_parser *p)
{
    for (;;) {
        toml_skip_ws(p);
        toml_skip_comment(p);
        if (!toml_newline(p))
            return;
    }
}

/* After a key/value pair or a header only a comment may follow on the line. */
static int toml_end_of_line(toml_parser *p)
{
    toml_skip_ws(p);
    toml_skip_comment(p);
    if (p->pos >= p->len || toml_newline(p))
        return RW_OK;
    return toml_error(p, "unexpected '%c' after the value; put one key = value per line",
                      p->s[p->pos]);
}

/* ---- tree ---------------------------------------------------------------- */

static toml_value *toml_new(toml_type t, int line)
{
    toml_value *v = xcalloc(1, sizeof *v);
    v->type = t;
    v->line = line;
    return v;
}

void toml_free(toml_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->len; i++) {
        toml_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->text);
    free(v);
}

static void toml_push(toml_value *parent, char *key, toml_value *child)
{
    parent->items = xrealloc(parent->items, (parent->len + 1) * sizeof *parent->items);
    if (parent->type == TOML_TABLE) {
        parent->keys = xrealloc(parent->keys, (parent->len + 1) * sizeof *parent->keys);
        parent->keys[parent->len] = key;
    }
    parent->items[parent->len++] = child;
}

const toml_value *toml_table_get(const toml_value *t, const char *key)
{
    if (!t || t->type != TOML_TABLE)
        return NULL;
    for (size_t i = 0; i < t->len; i++)
        if (strcmp(t->keys[i], key) == 0)
            return t->items[i];
    return NULL;
}

const toml_value *toml_path(const toml_value *root, const char *path)
{
    strlist parts = {0};
    strlist_split(&parts, path, '.');
    const toml_value *v = root;
    for (size_t i = 0; i < parts.len && v; i++)
        v = toml_table_get(v, parts.items[i]);
    strlist_free(&parts);
    return v;
}

bool toml_to_string(const toml_value *v, strbuf *out)
{
    switch (v->type) {
    case TOML_TABLE:
        return false;
    case TOML_ARRAY:
        for (size_t i = 0; i < v->len; i++) {
            if (i)
                sb_addc(out, ',');
            if (!toml_to_string(v->items[i], out))
                return false;
        }
        return true;
    default:
        sb_adds(out, v->text);
        return true;
    }
}

/* ---- strings -------------------------------------------------------------- */

static void toml_utf8(strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        sb_addc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_addc(sb, (char)(0xC0 | (cp >> 6)));
        sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_addc(sb, (char)(0xE0 | (cp >> 12)));
        sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_addc(sb, (char)(0xF0 | (cp >> 18)));
        sb_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(sb, (char)(0x80 | (cp & 0x3F)));
    }
}

static int toml_escape(toml_parser *p, strbuf *out)
{
    int c = toml_peek(p, 0);
    p->pos++;
    switch (c) {
    case 'b': sb_addc(out, '\b'); return RW_OK;
    case 't': sb_addc(out, '\t'); return RW_OK;
    case 'n': sb_addc(out, '\n'); return RW_OK;
    case 'f': sb_addc(out, '\f'); return RW_OK;
    case 'r': sb_addc(out, '\r'); return RW_OK;
    case 'e': sb_addc(out, 0x1B); return RW_OK;
    case '"': sb_addc(out, '"'); return RW_OK;
    case '\\': sb_addc(out, '\\'); return RW_OK;
    case 'u':
    case 'U': {
        int n = c == 'u' ? 4 : 8;
        unsigned long cp = 0;
        for (int i = 0; i < n; i++) {
            int h = toml_peek(p, (size_t)i);
            if (h < 0 || !isxdigit(h))
                return toml_error(p, "\\%c needs %d hex digits", c, n);
            cp = cp * 16 + (unsigned long)(isdigit(h) ? h - '0' : tolower(h) - 'a' + 10);
        }
        p->pos += (size_t)n;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return toml_error(p, "\\%c escape is not a Unicode scalar value", c);
        toml_utf8(out, cp);
        return RW_OK;
    }
    default:
        if (c < 0 || c == '\n')
            return toml_error(p, "unterminated string");
        return toml_error(p, "invalid escape '\\%c' in a string; write '\\\\' for a backslash",
                          c);
    }
}

static int toml_control_char(toml_parser *p, int c)
{
    return toml_error(p, "control character 0x%02X in a string; use an escape such as \\t", c);
}

/* "basic" or 'literal' single-line string; the opening quote is current. */
static int toml_string_line(toml_parser *p, char quote, strbuf *out)
{
    p->pos++;
    for (;;) {
        int c = toml_peek(p, 0);
        if (c < 0 || c == '\n' || (c == '\r' && toml_peek(p, 1) == '\n'))
            return toml_error(p, "unterminated string: the closing %c is missing on this line",
                              quote);
        p->pos++;
        if (c == quote)
            return RW_OK;
        if (c == '\\' && quote == '"') {
            if (toml_escape(p, out) != RW_OK)
                return p->e->code;
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return toml_control_char(p, c);
        sb_addc(out, (char)c);
    }
}

/* """multi-line""" or '''multi-line'''; the opening delimiter is current. */
static int toml_string_multi(toml_parser *p, char quote, strbuf *out)
{
    int start_line = p->line;
    p->pos += 3;
    toml_newline(p); /* a newline right after the delimiter is trimmed */
    for (;;) {
        int c = toml_peek(p, 0);
        if (c < 0) {
            p->line = start_line;
            return toml_error(p, "unterminated multi-line string (started here)");
        }
        if (c == quote && toml_peek(p, 1) == quote && toml_peek(p, 2) == quote) {
            /* up to two more quotes belong to the content */
            size_t extra = 0;
            while (extra < 2 && toml_peek(p, 3 + extra) == quote)
                extra++;
            for (size_t i = 0; i < extra; i++)
                sb_addc(out, quote);
            p->pos += 3 + extra;
            return RW_OK;
        }
        if (toml_newline(p)) {
            sb_addc(out, '\n');
            continue;
        }
        p->pos++;
        if (c == '\\' && quote == '"') {
            /* line-ending backslash: drop the newline and the whitespace after it */
            size_t save = p->pos;
            toml_skip_ws(p);
            if (toml_peek(p, 0) == '\n' || (toml_peek(p, 0) == '\r' && toml_peek(p, 1) == '\n')) {
                while (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t' || toml_newline(p))
                    if (toml_peek(p, 0) == ' ' || toml_peek(p, 0) == '\t')
                        p->pos++;
                continue;
            }
            p->pos = save;
            if (toml_escape(p, out) != RW_OK)
                return p->e->code;
            continue;
        }
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return toml_control_char(p, c);
        sb_addc(out, (char)c);
    }
}

/* ---- keys ----------------------------------------------------------------- */

static bool toml_bare_char(int c)
{
    return c >= 0 && (isalnum(c) || c == '_' || c == '-');
}

static int toml_key_segment(toml_parser *p, strbuf *out)
{
    int c = toml_peek(p, 0);
    if (c == '"' || c == '\'')
        return toml_string_line(p, (char)c, out);
    if (!toml_bare_char(c)) {
        if (c < 0 || c == '\n' || c == '\r' || c == '=')
            return toml_error(p, "a key is missing");
        return toml_error(p, "invalid character '%c' in a key; quote the key (\"...\")", c);
    }
    while (toml_bare_char(toml_peek(p, 0)))
        sb_addc(out, p->s[p->pos++]);
    return RW_OK;
}

/* key or a.b."c d": the segments go to out. */
static int toml_key(toml_parser *p, strlist *out)
{
    for (;;) {
        toml_skip_ws(p);
        strbuf seg = STRBUF_INIT;
        if (toml_key_segment(p, &seg) != RW_OK) {
            sb_free(&seg);
            return p->e->code;
        }
        strlist_push_owned(out, sb_detach(&seg));
        toml_skip_ws(p);
        if (toml_peek(p, 0) != '.')
            return RW_OK;
        p->pos++;
    }
}

static void toml_join_key(const strlist *k, size_t n, strbuf *out)
{
    for (size_t i = 0; i < n; i++)
        sb_addf(out, "%s%s", i ? "." : "", k->items[i]);
}

/* ---- values --------------------------------------------------------------- */

static int toml_value_parse(toml_parser *p, toml_value **out);

static bool toml_valid_decimal(const char *s)
{
    if (*s == '+' || *s == '-')
        s++;
    if (!isdigit((unsigned char)*s))
        return false;
    if (s[0] == '0' && s[1])
        return false; /* leading zeros */
    for (; *s; s++) {
        if (*s == '_') {
            if (!isdigit((unsigned char)s[-1]) || !isdigit((unsigned char)s[1]))
                return false;
        } else if (!isdigit((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

static bool toml_valid_prefixed(const char *s, int base)
{
    if (!*s)
        return false;
    for (const char *q = s; *q; q++) {
        if (*q == '_') {
            if (q == s || !isalnum((unsigned char)q[1]))
                return false;
            continue;
        }
        int d = isdigit((unsigned char)*q) ? *q - '0'
                : isxdigit((unsigned char)*q) ? tolower((unsigned char)*q) - 'a' + 10
                                              : 99;
        if (d >= base)
            return false;
    }
    return true;
}

static char *toml_strip_underscores(const char *s)
{
    char *t = xstrdup(s), *w = t;
    for (const char *r = s; *r; r++)
        if (*r != '_')
            *w++ = *r;
    *w = '\0';
    return t;
}

static bool toml_valid_float(const char *tok)
{
    const char *s = tok;
    if (*s == '+' || *s == '-')
        s++;
    if (strcmp(s, "inf") == 0 || strcmp(s, "nan") == 0)
        return true;
    char *clean = toml_strip_underscores(tok);
    char *end = NULL;
    errno = 0;
    strtod(clean, &end);
    bool ok = end && *end == '\0' && errno == 0 && strpbrk(tok, ".eE") &&
              isdigit((unsigned char)s[0]) && !strstr(tok, "._") && !strstr(tok, "_.") &&
              !(s[0] == '0' && isdigit((unsigned char)s[1]));
    const char *dot = strchr(tok, '.');
    if (dot && !isdigit((unsigned char)dot[1]))
        ok = false;
    free(clean);
    return ok;
}

/* Integers, floats, booleans; dates are refused by name. */
static int toml_scalar(toml_parser *p, toml_value **out)
{
    size_t start = p->pos;
    while (p->pos < p->len) {
        int c = (unsigned char)p->s[p->pos];
        if (!(isalnum(c) || c == '_' || c == '+' || c == '-' || c == '.' || c == ':'))
            break;
        p->pos++;
    }
    char *tok = xstrndup(p->s + start, p->pos - start);
    toml_value *v = NULL;
    if (!*tok) {
        int c = toml_peek(p, 0);
        free(tok);
        if (c < 0 || c == '\n' || c == '\r' || c == '#')
            return toml_error(p, "a value is missing after '='");
        return toml_error(p, "invalid value starting with '%c'; strings need quotes", c);
    }
    if (strcmp(tok, "true") == 0 || strcmp(tok, "false") == 0) {
        v = toml_new(TOML_BOOL, p->line);
        v->boolean = tok[0] == 't';
    } else if (strlen(tok) >= 5 && isdigit((unsigned char)tok[0]) &&
               (tok[4] == '-' || tok[2] == ':') && isdigit((unsigned char)tok[1])) {
        int rc = toml_error(p, "dates and times ('%s') are not supported here; quote the value",
                            tok);
        free(tok);
        return rc;
    } else if (tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'o' || tok[1] == 'b')) {
        int base = tok[1] == 'x' ? 16 : tok[1] == 'o' ? 8 : 2;
        if (!toml_valid_prefixed(tok + 2, base)) {
            int rc = toml_error(p, "invalid number '%s'", tok);
            free(tok);
            return rc;
        }
        char *clean = toml_strip_underscores(tok + 2);
        v = toml_new(TOML_INTEGER, p->line);
        v->integer = strtoll(clean, NULL, base);
        free(clean);
        free(tok);
        tok = xasprintf("%lld", v->integer);
    } else if (toml_valid_decimal(tok)) {
        char *clean = toml_strip_underscores(tok);
        errno = 0;
        long long n = strtoll(clean, NULL, 10);
        bool overflow = errno == ERANGE;
        free(clean);
        if (overflow) {
            int rc = toml_error(p, "integer '%s' is out of range", tok);
            free(tok);
            return rc;
        }
        v = toml_new(TOML_INTEGER, p->line);
        v->integer = n;
        free(tok);
        tok = xasprintf("%lld", n);
    } else if (toml_valid_float(tok)) {
        v = toml_new(TOML_FLOAT, p->line);
        char *clean = toml_strip_underscores(tok);
        free(tok);
        tok = clean;
    } else {
        int rc = toml_error(p, "invalid value '%s'; strings need quotes (\"%s\")", tok, tok);
        free(tok);
        return rc;
    }
    v->text = tok;
    *out = v;
    return RW_OK;
}

static int toml_array(toml_parser *p, toml_value **out)
{
    toml_value *arr = toml_new(TOML_ARRAY, p->line);
    int start_line = p->line;
    p->pos++;
    for (;;) {
        toml_skip_ws_nl(p);
        if (toml_peek(p, 0) == ']') {
            p->pos++;
            break;
        }
        if (toml_peek(p, 0) < 0) {
            p->line = start_line;
            toml_free(arr);
            return toml_error(p, "unterminated array (the closing ] is missing)");
        }
        toml_value *item = NULL;
        if (toml_value_parse(p, &item) != RW_OK) {
            toml_free(arr);
            return p->e->code;
        }
        toml_push(arr, NULL, item);
        toml_skip_ws_nl(p);
        if (toml_peek(p, 0) == ',') {
            p->pos++;
        } else if (toml_peek(p, 0) != ']') {
            toml_free(arr);
            if (toml_peek(p, 0) < 0) {
                p->line = start_line;
                return toml_error(p, "unterminated array (the closing ] is missing)");
            }
            return toml_error(p, "expected ',' or ']' in an array, found '%c'", p->s[p->pos]);
        }
    }
    *out = arr;
    return RW_OK;
}

static int toml_assign(toml_parser *p, toml_value *table, const strlist *key, toml_value *v);

static int toml_inline_table(toml_parser *p, toml_value **out)
{
    toml_value *t = toml_new(TOML_TABLE, p->line);
    p->pos++;
    toml_skip_ws(p);
    if (toml_peek(p, 0) == '}') {
        p->pos++;
        t->sealed = true;
        *out = t;
        return RW_OK;
    }
    for (;;) {
        int c0 = toml_peek(p, 0);
        if (c0 == '\n' || c0 == '\r' || c0 < 0) {
            toml_free(t);
            return toml_error(p, "an inline table must end with '}' on the same line");
        }
        strlist key = {0};
        int rc = toml_key(p, &key);
        toml_skip_ws(p);
        if (rc == RW_OK && toml_peek(p, 0) != '=')
            rc = toml_error(p, "expected '=' after the key in an inline table");
        toml_value *v = NULL;
        if (rc == RW_OK) {
            p->pos++;
            toml_skip_ws(p);
            rc = toml_value_parse(p, &v);
        }
        if (rc == RW_OK)
            rc = toml_assign(p, t, &key, v);
        strlist_free(&key);
        if (rc != RW_OK) {
            toml_free(t);
            return rc;
        }
        toml_skip_ws(p);
        int c = toml_peek(p, 0);
        p->pos++;
        if (c == '}')
            break;
        if (c != ',') {
            toml_free(t);
            p->pos--;
            if (c == '\n' || c == '\r' || c < 0)
                return toml_error(p, "an inline table must end with '}' on the same line");
            return toml_error(p, "expected ',' or '}' in an inline table, found '%c'", c);
        }
        toml_skip_ws(p);
    }
    t->sealed = true;
    *out = t;
    return RW_OK;
}

static int toml_value_parse(toml_parser *p, toml_value **out)
{
    int c = toml_peek(p, 0);
    if (c == '"' || c == '\'') {
        toml_value *v = toml_new(TOML_STRING, p->line);
        strbuf sb = STRBUF_INIT;
        char q = (char)c;
        bool multi = toml_peek(p, 1) == c && toml_peek(p, 2) == c;
        int rc = multi ? toml_string_multi(p, q, &sb) : toml_string_line(p, q, &sb);
        v->text = sb_detach(&sb);
        if (rc != RW_OK) {
            toml_free(v);
            return rc;
        }
        *out = v;
        return RW_OK;
    }
    if (c == '[')
        return toml_array(p, out);
    if (c == '{')
        return toml_inline_table(p, out);
    return toml_scalar(p, out);
}

/* ---- tables --------------------------------------------------------------- */

/* The table child key of t, created (implicitly) when missing. */
static int toml_descend(toml_parser *p, toml_value *t, const char *key, const strlist *path,
                        size_t depth, toml_value **out)
{
    for (size_t i = 0; i < t->len; i++) {
        if (strcmp(t->keys[i], key) != 0)
            continue;
        toml_value *c = t->items[i];
        if (c->type != TOML_TABLE || c->sealed) {
            strbuf sb = STRBUF_INIT;
            toml_join_key(path, depth + 1, &sb);
            int rc = toml_error(p, "'%s' is already defined (line %d) as %s and cannot be "
                                   "extended",
                                sb_str(&sb), c->line,
                                c->type == TOML_TABLE ? "an inline table"
                                                      : toml_type_name(c->type));
            sb_free(&sb);
            return rc;
        }
        *out = c;
        return RW_OK;
    }
    toml_value *c = toml_new(TOML_TABLE, p->line);
    toml_push(t, xstrdup(key), c);
    *out = c;
    return RW_OK;
}

/* Sets a (possibly dotted) key in table; duplicates are errors. */
static int toml_assign(toml_parser *p, toml_value *table, const strlist *key, toml_value *v)
{
    toml_value *t = table;
    for (size_t i = 0; i + 1 < key->len; i++) {
        if (toml_descend(p, t, key->items[i], key, i, &t) != RW_OK) {
            toml_free(v);
            return p->e->code;
        }
        t->explicit_header = true; /* defined by a dotted key: no [header] for it later */
    }
    const char *last = key->items[key->len - 1];
    const toml_value *dup = toml_table_get(t, last);
    if (dup) {
        strbuf sb = STRBUF_INIT;
        toml_join_key(key, key->len, &sb);
        int rc = toml_error(p, "duplicate key '%s' (first defined at line %d)", sb_str(&sb),
                            dup->line);
        sb_free(&sb);
        toml_free(v);
        return rc;
    }
    toml_push(t, xstrdup(last), v);
    return RW_OK;
}

/* [a.b.c]: returns the table that following key/value lines go into. */
static int toml_header(toml_parser *p, toml_value *root, toml_value **current)
{
    if (toml_peek(p, 1) == '[')
        return toml_error(p, "arrays of tables ([[...]]) are not supported in flyway.toml");
    p->pos++;
    strlist key = {0};
    int rc = toml_key(p, &key);
    if (rc == RW_OK && toml_peek(p, 0) != ']')
        rc = toml_error(p, "expected ']' to close the table header");
    toml_value *t = root;
    for (size_t i = 0; rc == RW_OK && i < key.len; i++)
        rc = toml_descend(p, t, key.items[i], &key, i, &t);
    if (rc == RW_OK && t->explicit_header) {
        strbuf sb = STRBUF_INIT;
        toml_join_key(&key, key.len, &sb);
        rc = toml_error(p, "table [%s] is defined twice (first at line %d)", sb_str(&sb),
                        t->line);
        sb_free(&sb);
    }
    strlist_free(&key);
    if (rc != RW_OK)
        return rc;
    t->explicit_header = true;
    t->line = p->line;
    p->pos++;
    *current = t;
    return toml_end_of_line(p);
}

int toml_parse(const char *text, size_t len, const char *origin, toml_value **out, rw_err *e)
{
    toml_parser p = {.s = text, .len = len, .line = 1, .origin = origin, .e = e};
    toml_value *root = toml_new(TOML_TABLE, 1);
    toml_value *current = root;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    size_t bad = checksum_utf8_invalid_offset(text, len);
    int rc = RW_OK;
    if (bad != (size_t)-1) {
        for (size_t i = 0; i < bad; i++)
            if (text[i] == '\n')
                p.line++;
        rc = toml_error(&p, "the file is not valid UTF-8");
    }
    while (rc == RW_OK) {
        toml_skip_ws(&p);
        toml_skip_comment(&p);
        if (p.pos >= p.len)
            break;
        if (toml_newline(&p))
            continue;
        if (toml_peek(&p, 0) == '[') {
            rc = toml_header(&p, root, &current);
            continue;
        }
        strlist key = {0};
        rc = toml_key(&p, &key);
        int c = toml_peek(&p, 0);
        if (rc == RW_OK && c != '=' && c > ' ' && c != '#')
            rc = toml_error(&p, "invalid character '%c' in a key; quote the key (\"...\")", c);
        else if (rc == RW_OK && c != '=')
            rc = toml_error(&p, "expected '=' after the key '%s'", key.items[key.len - 1]);
        toml_value *v = NULL;
        if (rc == RW_OK) {
            p.pos++;
            toml_skip_ws(&p);
            rc = toml_value_parse(&p, &v);
        }
        if (rc == RW_OK)
            rc = toml_assign(&p, current, &key, v);
        strlist_free(&key);
        if (rc == RW_OK)
            rc = toml_end_of_line(&p);
    }
    if (rc != RW_OK) {
        toml_free(root);
        return rc;
    }
    *out = root;
    return RW_OK;
}
