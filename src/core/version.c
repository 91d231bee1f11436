/*
 * version.c - parsing and comparing migration versions like Flyway's
 * MigrationVersion: '_' means '.', a part ends at a '.' followed by a
 * digit, parts are arbitrary-precision integers, trailing zeros don't count.
 */
#include "core/version.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool version_is_set(const rw_version *v)
{
    return v && v->text != NULL;
}

void version_free(rw_version *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nparts; i++)
        free(v->parts[i]);
    free(v->parts);
    free(v->text);
    memset(v, 0, sizeof *v);
}

void version_copy(rw_version *dst, const rw_version *src)
{
    memset(dst, 0, sizeof *dst);
    if (!version_is_set(src))
        return;
    dst->text = xstrdup(src->text);
    dst->nparts = src->nparts;
    dst->parts = xcalloc(src->nparts ? src->nparts : 1, sizeof *dst->parts);
    for (size_t i = 0; i < src->nparts; i++)
        dst->parts[i] = xstrdup(src->parts[i]);
}

/* Appends one part, checking it is all digits and stripping leading zeros. */
static int version_add_part(rw_version *v, const char *p, size_t n, const char *orig, rw_err *e)
{
    if (n == 0)
        return rw_fail(e, RW_ERR_INVALID_NAME,
                       "Version may only contain 0..9 and . (dot). Invalid version: %s", orig);
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return rw_fail(e, RW_ERR_INVALID_NAME,
                           "Version may only contain 0..9 and . (dot). Invalid version: %s", orig);
    while (n > 1 && *p == '0') {
        p++;
        n--;
    }
    v->parts = xrealloc(v->parts, (v->nparts + 1) * sizeof *v->parts);
    v->parts[v->nparts++] = xstrndup(p, n);
    return RW_OK;
}

int version_parse(const char *text, rw_version *out, rw_err *e)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return rw_fail(e, RW_ERR_INVALID_NAME, "Empty version");
    char *norm = xstrdup(text);
    for (char *p = norm; *p; p++)
        if (*p == '_')
            *p = '.';
    /* Split on '.' only where a digit follows, as Flyway's regex \.(?=\d) does. */
    const char *start = norm;
    for (const char *p = norm;; p++) {
        if (*p == '\0' || (*p == '.' && isdigit((unsigned char)p[1]))) {
            if (version_add_part(out, start, (size_t)(p - start), text, e) != RW_OK) {
                free(norm);
                version_free(out);
                return RW_ERR_INVALID_NAME; /* e may be NULL */
            }
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    while (out->nparts > 1 && strcmp(out->parts[out->nparts - 1], "0") == 0)
        free(out->parts[--out->nparts]);
    out->text = norm;
    return RW_OK;
}

/* Compares two digit strings without leading zeros numerically. */
static int version_part_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a, b);
    return c < 0 ? -1 : c > 0;
}

int version_cmp(const rw_version *a, const rw_version *b)
{
    bool sa = version_is_set(a), sb = version_is_set(b);
    if (!sa || !sb)
        return sa - sb;
    size_t n = a->nparts > b->nparts ? a->nparts : b->nparts;
    for (size_t i = 0; i < n; i++) {
        const char *pa = i < a->nparts ? a->parts[i] : "0";
        const char *pb = i < b->nparts ? b->parts[i] : "0";
        int c = version_part_cmp(pa, pb);
        if (c)
            return c;
    }
    return 0;
}

bool version_eq(const rw_version *a, const rw_version *b)
{
    return version_cmp(a, b) == 0;
}
