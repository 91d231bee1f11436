/*
 * jsonw.c - JSON written as it is produced, formatted as jansson formats it.
 *
 * jansson's dump.c lays a container out as: the opening bracket; for a
 * non-empty one, a newline and (depth + 1) indents before the first member,
 * "," plus a newline and (depth + 1) indents between members, a newline and
 * depth indents before the closing bracket; an empty one is "{}" or "[]".
 * Keys are followed by ": " (":" when compact).  Everything below follows
 * from that one rule.
 */
#include "core/jsonw.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

void jsonw_init(jsonw *w, int indent)
{
    memset(w, 0, sizeof *w);
    w->indent = indent;
}

void jsonw_add_sink(jsonw *w, FILE *f)
{
    if (f && w->nsinks < JSONW_MAX_SINKS)
        w->sink[w->nsinks++] = f;
}

static void jsonw_put(jsonw *w, const char *s, size_t n)
{
    for (int i = 0; i < w->nsinks; i++)
        if (n && fwrite(s, 1, n, w->sink[i]) != n)
            w->failed = true;
}

static void jsonw_puts(jsonw *w, const char *s)
{
    jsonw_put(w, s, strlen(s));
}

/* A newline and depth levels of indent; nothing at all in compact form. */
static void jsonw_newline(jsonw *w, int depth)
{
    static const char spaces[] = "                                ";
    if (w->indent <= 0)
        return;
    jsonw_put(w, "\n", 1);
    for (size_t left = (size_t)depth * (size_t)w->indent; left > 0;) {
        size_t n = left < sizeof spaces - 1 ? left : sizeof spaces - 1;
        jsonw_put(w, spaces, n);
        left -= n;
    }
}

/* What goes before a value: nothing after a key, else the member separator. */
static void jsonw_before_value(jsonw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0)
        return;
    if (w->has_items[w->depth - 1])
        jsonw_put(w, ",", 1);
    jsonw_newline(w, w->depth);
    w->has_items[w->depth - 1] = true;
}

static void jsonw_open(jsonw *w, char bracket)
{
    jsonw_before_value(w);
    jsonw_put(w, &bracket, 1);
    if (w->depth >= JSONW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    w->has_items[w->depth++] = false;
}

static void jsonw_close(jsonw *w, char bracket)
{
    if (w->depth == 0) {
        w->failed = true;
        return;
    }
    w->depth--;
    if (w->has_items[w->depth])
        jsonw_newline(w, w->depth);
    jsonw_put(w, &bracket, 1);
}

void jsonw_begin_object(jsonw *w)
{
    jsonw_open(w, '{');
}

void jsonw_end_object(jsonw *w)
{
    jsonw_close(w, '}');
}

void jsonw_begin_array(jsonw *w)
{
    jsonw_open(w, '[');
}

void jsonw_end_array(jsonw *w)
{
    jsonw_close(w, ']');
}

/*
 * The length of the UTF-8 sequence at s (1 to 4 bytes) and its code point,
 * or 0 for an invalid one: overlong forms, surrogates and values past
 * U+10FFFF are invalid, as jansson's utf8_iterate() has them.
 */
static size_t jsonw_utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (len == 3 && v < 0x800) ||
        (len == 4 && v < 0x10000))
        return 0;
    *cp = v;
    return len;
}

bool jsonw_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        size_t len = jsonw_utf8_seq(p + i, n - i, &cp);
        if (!len)
            return false;
        i += len;
    }
    return true;
}

/*
 * jansson's escaping: backslash, quote and control characters only, the
 * named escapes where JSON has one and \u00XX (upper-case hex) for the rest;
 * "/" and non-ASCII are written as they are.  jansson never holds invalid
 * UTF-8 (json_string() refuses it); here an invalid byte becomes U+FFFD so
 * the document stays valid.
 */
static void jsonw_quoted(jsonw *w, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    jsonw_put(w, "\"", 1);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = jsonw_utf8_seq(p + i, n - i, &cp);
        const char *esc = NULL;
        char seq[8];
        if (!len) {
            esc = "\xEF\xBF\xBD";
            len = 1;
        } else if (cp == '\\') {
            esc = "\\\\";
        } else if (cp == '"') {
            esc = "\\\"";
        } else if (cp < 0x20) {
            switch (cp) {
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            case '\n': esc = "\\n"; break;
            case '\r': esc = "\\r"; break;
            case '\t': esc = "\\t"; break;
            default:
                snprintf(seq, sizeof seq, "\\u%04X", (unsigned)cp);
                esc = seq;
            }
        }
        if (esc) {
            jsonw_put(w, s + run, i - run);
            jsonw_puts(w, esc);
            run = i + len;
        }
        i += len;
    }
    jsonw_put(w, s + run, n - run);
    jsonw_put(w, "\"", 1);
}

void jsonw_key(jsonw *w, const char *key)
{
    jsonw_before_value(w);
    jsonw_quoted(w, key, strlen(key));
    jsonw_puts(w, w->indent > 0 ? ": " : ":");
    w->after_key = true;
}

void jsonw_string(jsonw *w, const char *s)
{
    jsonw_before_value(w);
    jsonw_quoted(w, s, strlen(s));
}

void jsonw_integer(jsonw *w, json_int_t v)
{
    char buf[32];
    jsonw_before_value(w);
    snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, v);
    jsonw_puts(w, buf);
}

void jsonw_bool(jsonw *w, bool v)
{
    jsonw_before_value(w);
    jsonw_puts(w, v ? "true" : "false");
}

void jsonw_null(jsonw *w)
{
    jsonw_before_value(w);
    jsonw_puts(w, "null");
}

/*
 * jansson's real: %.17g, a ".0" when that reads as an integer, and the
 * exponent without "+" or leading zeros (1e+05 -> 1e5).
 */
static void jsonw_real(jsonw *w, double v)
{
    char buf[64];
    jsonw_before_value(w);
    snprintf(buf, sizeof buf, "%.17g", v);
    char *e = strchr(buf, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start)
            memmove(start, end, strlen(end) + 1);
    } else if (!strchr(buf, '.') && !strchr(buf, 'n') && !strchr(buf, 'i')) {
        strcat(buf, ".0");
    }
    jsonw_puts(w, buf);
}

void jsonw_members_from(jsonw *w, const json_t *o, size_t index)
{
    size_t i = 0;
    for (void *it = json_object_iter((json_t *)o); it;
         it = json_object_iter_next((json_t *)o, it), i++) {
        if (i < index)
            continue;
        jsonw_before_value(w);
        jsonw_quoted(w, json_object_iter_key(it), json_object_iter_key_len(it));
        jsonw_puts(w, w->indent > 0 ? ": " : ":");
        w->after_key = true;
        jsonw_value(w, json_object_iter_value(it));
    }
}

void jsonw_value(jsonw *w, const json_t *v)
{
    if (!v) {
        jsonw_null(w);
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        jsonw_begin_object(w);
        jsonw_members_from(w, v, 0);
        jsonw_end_object(w);
        break;
    case JSON_ARRAY:
        jsonw_begin_array(w);
        for (size_t i = 0; i < json_array_size(v); i++)
            jsonw_value(w, json_array_get(v, i));
        jsonw_end_array(w);
        break;
    case JSON_STRING:
        jsonw_before_value(w);
        jsonw_quoted(w, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        jsonw_integer(w, json_integer_value(v));
        break;
    case JSON_REAL:
        jsonw_real(w, json_real_value(v));
        break;
    case JSON_TRUE:
        jsonw_bool(w, true);
        break;
    case JSON_FALSE:
        jsonw_bool(w, false);
        break;
    case JSON_NULL:
        jsonw_null(w);
        break;
    }
}
