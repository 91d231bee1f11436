/*
 * placeholder.c - ${name} replacement.  Like Flyway it runs over the whole
 * text before parsing (so also inside strings and comments), looks names up
 * case-insensitively and refuses to run a script with an undefined one.
 */
#include "core/placeholder.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *placeholder_lower(const char *s, size_t n)
{
    char *p = xstrndup(s, n);
    for (char *q = p; *q; q++)
        *q = (char)tolower((unsigned char)*q);
    return p;
}

static void placeholders_collect(void *ud, const char *key, const char *value)
{
    placeholders_set(ud, key + strlen("placeholders."), value);
}

void placeholders_init(rw_placeholders *p, const rw_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->prefix = xstrdup(config_get(cfg, "placeholderPrefix"));
    p->suffix = xstrdup(config_get(cfg, "placeholderSuffix"));
    p->separator = xstrdup(config_get(cfg, "placeholderSeparator"));
    p->enabled = config_get_bool(cfg, "placeholderReplacement");
    config_each_prefix(cfg, "placeholders.", placeholders_collect, p);
}

void placeholders_free(rw_placeholders *p)
{
    strlist_free(&p->names);
    strlist_free(&p->values);
    free(p->prefix);
    free(p->suffix);
    free(p->separator);
    memset(p, 0, sizeof *p);
}

void placeholders_set(rw_placeholders *p, const char *name, const char *value)
{
    char *lname = placeholder_lower(name, strlen(name));
    for (size_t i = 0; i < p->names.len; i++) {
        if (strcmp(p->names.items[i], lname) == 0) {
            free(p->values.items[i]);
            p->values.items[i] = xstrdup(value ? value : "");
            free(lname);
            return;
        }
    }
    strlist_push_owned(&p->names, lname);
    strlist_push(&p->values, value ? value : "");
}

void placeholders_set_builtin(rw_placeholders *p, const char *name, const char *value)
{
    char *full = xasprintf("flyway%s%s", p->separator, name);
    placeholders_set(p, full, value);
    free(full);
}

static const char *placeholders_lookup(const rw_placeholders *p, const char *lname)
{
    for (size_t i = 0; i < p->names.len; i++)
        if (strcmp(p->names.items[i], lname) == 0)
            return p->values.items[i];
    return NULL;
}

/* The 1-based line of byte offset at, for error messages. */
static int placeholder_line(const char *text, size_t at)
{
    int line = 1;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + at - p))) != NULL; p++)
        line++;
    return line;
}

/* memmem for a short needle: memchr finds its first byte, which is rare in SQL. */
static const char *placeholder_find(const char *hay, size_t n, const char *needle, size_t nlen)
{
    const char *end = hay + n;
    while (hay + nlen <= end) {
        const char *c = memchr(hay, needle[0], (size_t)(end - hay) - nlen + 1);
        if (!c)
            return NULL;
        if (memcmp(c, needle, nlen) == 0)
            return c;
        hay = c + 1;
    }
    return NULL;
}

int placeholders_apply(const rw_placeholders *p, const char *text, size_t len, const char *path,
                       strbuf *out, rw_err *e)
{
    sb_reset(out);
    if (!p->enabled || !*p->prefix) {
        sb_add(out, text, len);
        return RW_OK;
    }
    const char *base = path ? strrchr(path, '/') : NULL;
    base = base ? base + 1 : (path ? path : "");
    char *fname_key = xasprintf("flyway%sfilename", p->separator);
    char *builtin_prefix = xasprintf("flyway%s", p->separator);
    size_t plen = strlen(p->prefix), slen = strlen(p->suffix);
    size_t i = 0;
    int rc = RW_OK;
    while (i < len) {
        /* Copy the text up to the next prefix in one piece: most scripts have none. */
        const char *hit = placeholder_find(text + i, len - i, p->prefix, plen);
        size_t at = hit ? (size_t)(hit - text) : len;
        sb_add(out, text + i, at - i);
        i = at;
        if (i >= len)
            break;
        /* A name runs up to the suffix on the same line. */
        size_t j = i + plen;
        while (j + slen <= len && memcmp(text + j, p->suffix, slen) != 0 && text[j] != '\n')
            j++;
        if (j + slen <= len && memcmp(text + j, p->suffix, slen) == 0 && j > i + plen) {
            char *lname = placeholder_lower(text + i + plen, j - i - plen);
            const char *v = strcmp(lname, fname_key) == 0 ? base : placeholders_lookup(p, lname);
            if (!v) {
                int line = placeholder_line(text, i);
                char *orig = xstrndup(text + i + plen, j - i - plen);
                if (rw_starts_with(lname, builtin_prefix))
                    rc = rw_fail(e, RW_ERR_PLACEHOLDER,
                                 "%s:%d: Failed to populate value for default placeholder: "
                                 "%s%s%s",
                                 path ? path : "script", line, p->prefix, orig, p->suffix);
                else
                    rc = rw_fail(e, RW_ERR_PLACEHOLDER,
                                 "%s:%d: No value provided for placeholder: %s%s%s.  Check "
                                 "your configuration!",
                                 path ? path : "script", line, p->prefix, orig, p->suffix);
                if (path)
                    snprintf(e->path, sizeof e->path, "%s", path);
                e->line = line;
                free(orig);
                free(lname);
                break;
            }
            sb_adds(out, v);
            free(lname);
            i = j + slen;
            continue;
        }
        sb_addc(out, text[i]);
        i++;
    }
    free(fname_key);
    free(builtin_prefix);
    return rc;
}
