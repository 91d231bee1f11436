/*
 * xml.c - element lookup and character-data decoding for the few XML
 * answers runway reads (STS credentials and error codes).
 */
#include "aws/xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* Where the next "<name" that is a whole tag name (not "<nameX") starts, or NULL. */
static const char *find_open_tag(const char *p, const char *end, const char *name, size_t n)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || (size_t)(end - lt) < n + 2) return NULL;
        if (memcmp(lt + 1, name, n) == 0) {
            char c = lt[1 + n];
            if (c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/') return lt;
        }
        p = lt + 1;
    }
    return NULL;
}

/* The first "</name>" at or after p, or NULL. */
static const char *find_close_tag(const char *p, const char *end, const char *name, size_t n)
{
    while (p < end) {
        const char *lt = memchr(p, '<', (size_t)(end - p));
        if (!lt || (size_t)(end - lt) < n + 3) return NULL;
        if (lt[1] == '/' && memcmp(lt + 2, name, n) == 0 && lt[2 + n] == '>') return lt;
        p = lt + 1;
    }
    return NULL;
}

bool aws_xml_find(aws_xml_span in, const char *name, aws_xml_span *out)
{
    size_t n = strlen(name);
    const char *end = in.at + in.len;
    const char *p = in.at;
    const char *open;
    while ((open = find_open_tag(p, end, name, n)) != NULL) {
        const char *gt = memchr(open, '>', (size_t)(end - open));
        if (!gt) return false;
        p = gt + 1;
        if (gt[-1] == '/') continue; /* <Name/>: empty, keep looking for a filled one */
        const char *close = find_close_tag(p, end, name, n);
        if (!close) return false;
        out->at = p;
        out->len = (size_t)(close - p);
        return true;
    }
    return false;
}

/* Appends code point cp as UTF-8; false for values XML does not allow. */
static bool add_utf8(strbuf *sb, unsigned long cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
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
    return true;
}

/* Decodes the entity whose text (between '&' and ';') is ent; false if unknown. */
static bool add_entity(strbuf *sb, const char *ent, size_t n)
{
    static const struct { const char *name; char c; } named[] = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        if (strlen(named[i].name) == n && memcmp(ent, named[i].name, n) == 0) {
            sb_addc(sb, named[i].c);
            return true;
        }
    }
    if (n < 2 || n > 10 || ent[0] != '#') return false;
    bool hex = ent[1] == 'x';
    const char *digits = ent + (hex ? 2 : 1);
    size_t nd = n - (size_t)(digits - ent);
    if (nd == 0) return false;
    unsigned long cp = 0;
    for (size_t i = 0; i < nd; i++) {
        char c = digits[i];
        int v = c >= '0' && c <= '9' ? c - '0'
              : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) return false;
        cp = cp * (hex ? 16 : 10) + (unsigned long)v;
    }
    return add_utf8(sb, cp);
}

char *aws_xml_text(aws_xml_span span)
{
    strbuf sb = STRBUF_INIT;
    const char *p = span.at, *end = span.at + span.len;
    while (p < end) {
        if (*p == '<') {
            /* Character data only: a CDATA section is copied as is, any other markup is an error. */
            static const char cdata[] = "<![CDATA[";
            const char *close = NULL;
            if ((size_t)(end - p) >= sizeof cdata - 1 && memcmp(p, cdata, sizeof cdata - 1) == 0)
                close = memmem(p, (size_t)(end - p), "]]>", 3);
            if (!close) goto bad;
            sb_add(&sb, p + sizeof cdata - 1, (size_t)(close - p - (sizeof cdata - 1)));
            p = close + 3;
        } else if (*p == '&') {
            const char *semi = memchr(p, ';', (size_t)(end - p));
            if (!semi || !add_entity(&sb, p + 1, (size_t)(semi - p - 1))) goto bad;
            p = semi + 1;
        } else {
            sb_addc(&sb, *p++);
        }
    }
    return sb_detach(&sb);
bad:
    sb_free(&sb);
    return NULL;
}

char *aws_xml_child_text(aws_xml_span in, const char *parent, const char *name)
{
    aws_xml_span outer = in, inner;
    if (parent && !aws_xml_find(in, parent, &outer)) return NULL;
    if (!aws_xml_find(outer, name, &inner)) return NULL;
    return aws_xml_text(inner);
}
