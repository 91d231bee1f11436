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
    if (!v->in_arena)
        free(v->parts); /* one block: the part pointers, the parts and the text */
    memset(v, 0, sizeof *v);
}

void version_copy(rw_version *dst, const rw_version *src)
{
    memset(dst, 0, sizeof *dst);
    if (version_is_set(src))
        version_parse(src->text, dst, NULL);
}

/* Checks one part is all digits; returns its start after leading zeros. */
static int version_check_part(const char *p, size_t n, const char *orig, size_t *skip, rw_err *e)
{
    if (n == 0)
        return rw_fail(e, RW_ERR_INVALID_NAME,
                       "Version may only contain 0..9 and . (dot). Invalid version: %s", orig);
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return rw_fail(e, RW_ERR_INVALID_NAME,
                           "Version may only contain 0..9 and . (dot). Invalid version: %s", orig);
    size_t z = 0;
    while (n - z > 1 && p[z] == '0')
        z++;
    *skip = z;
    return RW_OK;
}

/*
 * A version is one allocation (part pointers, then the parts, then the
 * text): runway holds two versions per migration, one for the file and one
 * for its history row, so ten thousand migrations made 60,000 small
 * allocations before.
 */
int version_parse(const char *text, rw_version *out, rw_err *e)
{
    return version_parse_in(text, out, NULL, e);
}

int version_parse_in(const char *text, rw_version *out, rw_arena *arena, rw_err *e)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return rw_fail(e, RW_ERR_INVALID_NAME, "Empty version");
    size_t tlen = strlen(text);
    /* Split on '.' or '_' only where a digit follows, as Flyway's regex \.(?=\d) does. */
    size_t nparts = 1;
    for (size_t i = 0; i + 1 < tlen; i++)
        if ((text[i] == '.' || text[i] == '_') && isdigit((unsigned char)text[i + 1]))
            nparts++;
    /*
     * A one-part version ("42", "20240101120000", the usual case) is its
     * own digit string once leading zeros are skipped: no copy for it.
     */
    bool one_part = nparts == 1;
    size_t size = nparts * sizeof(char *) + (one_part ? 1 : 2) * (tlen + 1);
    char **parts = arena ? arena_alloc(arena, size) : xmalloc(size);
    char *digits = (char *)(parts + nparts), *norm = one_part ? digits : digits + tlen + 1;
    for (size_t i = 0; i <= tlen; i++)
        norm[i] = text[i] == '_' ? '.' : text[i];
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= tlen; i++) {
        if (i < tlen && !(norm[i] == '.' && isdigit((unsigned char)norm[i + 1])))
            continue;
        size_t skip = 0;
        if (version_check_part(norm + start, i - start, text, &skip, e) != RW_OK) {
            if (!arena)
                free(parts);
            return e ? e->code : RW_ERR_INVALID_NAME;
        }
        if (one_part) {
            parts[k++] = norm + skip;
            break;
        }
        size_t n = i - start - skip;
        memcpy(digits, norm + start + skip, n);
        digits[n] = '\0';
        parts[k++] = digits;
        digits += n + 1;
        start = i + 1;
    }
    while (k > 1 && strcmp(parts[k - 1], "0") == 0)
        k--;
    out->parts = parts;
    out->nparts = (uint32_t)k;
    out->text = norm;
    out->in_arena = arena != NULL;
    return RW_OK;
}

/*
 * Compares two digit strings without leading zeros numerically in one
 * pass: the longer one is larger, else the first differing digit decides.
 */
static int version_part_cmp(const char *a, const char *b)
{
    int first = 0;
    for (size_t i = 0;; i++) {
        char ca = a[i], cb = b[i];
        if (!ca || !cb)
            return ca ? 1 : cb ? -1 : first;
        if (!first && ca != cb)
            first = ca < cb ? -1 : 1;
    }
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
