/*
 * newfile.c - picking the next version the way the project already numbers
 * its files: V8 after V7, V008 after V007, V1_2_10 after V1_2_9, and a
 * fresh timestamp after a timestamp.
 */
#include "core/newfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool newfile_all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return n > 0;
}

/* 12 or 14 digits starting with 19 or 20: yyyyMMddHHmm[ss]. */
static bool newfile_is_timestamp(const char *v)
{
    size_t n = strlen(v);
    return (n == 12 || n == 14) && newfile_all_digits(v, n) &&
           (strncmp(v, "19", 2) == 0 || strncmp(v, "20", 2) == 0);
}

/* Adds one to a digit string in place of the same width (grows on overflow). */
static char *newfile_increment(const char *digits, size_t n)
{
    char *s = xmalloc(n + 2);
    memcpy(s + 1, digits, n);
    s[0] = '0';
    s[n + 1] = '\0';
    size_t i = n + 1;
    while (i-- > 0) {
        if (s[i] == '9') {
            s[i] = '0';
        } else {
            s[i]++;
            break;
        }
    }
    if (s[0] == '0')
        memmove(s, s + 1, n + 1);
    return s;
}

static char *newfile_timestamp(const char *highest, time_t now, size_t width)
{
    struct tm tm;
    gmtime_r(&now, &tm);
    char buf[32];
    strftime(buf, sizeof buf, width == 12 ? "%Y%m%d%H%M" : "%Y%m%d%H%M%S", &tm);
    /* Two files in the same second (or a clock behind the last file) still sort after. */
    if (highest && newfile_is_timestamp(highest) && strlen(highest) == strlen(buf) &&
        strcmp(buf, highest) <= 0)
        return newfile_increment(highest, strlen(highest));
    return xstrdup(buf);
}

char *newfile_next_version(const char *highest, const char *scheme, time_t now)
{
    bool want_ts = scheme && rw_str_ieq(scheme, "timestamp");
    bool want_num = scheme && rw_str_ieq(scheme, "number");
    if (want_ts || (!want_num && highest && newfile_is_timestamp(highest)))
        return newfile_timestamp(highest, now,
                                 highest && newfile_is_timestamp(highest) ? strlen(highest) : 14);
    if (!highest || !*highest)
        return xstrdup("1");
    /* Increment the last run of digits, keeping its width and the separators before it. */
    size_t n = strlen(highest), end = n;
    while (end > 0 && !isdigit((unsigned char)highest[end - 1]))
        end--;
    size_t start = end;
    while (start > 0 && isdigit((unsigned char)highest[start - 1]))
        start--;
    if (start == end)
        return xasprintf("%s.1", highest);
    char *inc = newfile_increment(highest + start, end - start);
    char *out = xasprintf("%.*s%s", (int)start, highest, inc);
    free(inc);
    return out;
}

int newfile_description(const char *text, strbuf *out, rw_err *e)
{
    bool pending_sep = false;
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '\\')
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "Invalid description '%s': it becomes a file name and cannot contain "
                           "'/'", text);
        if (isspace(c) || c == '_') {
            pending_sep = out->len > 0;
            continue;
        }
        if (pending_sep)
            sb_addc(out, '_');
        pending_sep = false;
        sb_addc(out, (char)c);
    }
    if (out->len == 0)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "runway new needs a description, e.g. runway new add users table");
    return RW_OK;
}

/* The version as written in the file name: between the prefix and the separator. */
static char *newfile_raw_version(const rw_config *cfg, const rw_migration *m)
{
    const char *prefix = config_get(cfg, "sqlMigrationPrefix");
    const char *sep = config_get(cfg, "sqlMigrationSeparator");
    const char *v = m->filename + strlen(prefix);
    const char *s = *sep ? strstr(v, sep) : NULL;
    if (!s) {
        const char *dot = strrchr(v, '.');
        s = dot ? dot : v + strlen(v);
    }
    return xstrndup(v, (size_t)(s - v));
}

static int newfile_mkdirs(const char *dir, rw_err *e)
{
    char *p = xstrdup(dir);
    for (char *q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            rw_fail(e, RW_ERR_IO, "Unable to create directory %s: %s", p, strerror(errno));
            free(p);
            return e->code;
        }
        *q = '/';
    }
    int rc = RW_OK;
    if (mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = rw_fail(e, RW_ERR_IO, "Unable to create directory %s: %s", p, strerror(errno));
    free(p);
    return rc;
}

int newfile_create(const rw_config *cfg, const rw_resources *res, const char *description,
                   newfile_result *out, rw_err *e)
{
    memset(out, 0, sizeof *out);
    strbuf desc = STRBUF_INIT;
    if (newfile_description(description, &desc, e) != RW_OK) {
        sb_free(&desc);
        return e->code;
    }
    const rw_migration *highest = NULL;
    for (size_t i = 0; i < res->nmigs; i++)
        if (res->migs[i].type == MIG_VERSIONED)
            highest = &res->migs[i];
    char *raw = highest ? newfile_raw_version(cfg, highest) : NULL;
    const char *scheme = config_get(cfg, "newVersionScheme");
    if (scheme && !rw_str_ieq(scheme, "auto") && !rw_str_ieq(scheme, "number") &&
        !rw_str_ieq(scheme, "timestamp")) {
        free(raw);
        sb_free(&desc);
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid newVersionScheme '%s': use auto, number or timestamp", scheme);
    }
    out->version = newfile_next_version(raw, scheme, time(NULL));
    free(raw);
    strlist locs = {0};
    config_get_list(cfg, "locations", &locs);
    char *dir = scan_location_path(cfg, locs.len ? locs.items[0] : "filesystem:sql");
    strlist_free(&locs);
    strlist suffixes = {0};
    config_get_list(cfg, "sqlMigrationSuffixes", &suffixes);
    out->path = xasprintf("%s/%s%s%s%s%s", dir, config_get(cfg, "sqlMigrationPrefix"), out->version,
                          config_get(cfg, "sqlMigrationSeparator"), sb_str(&desc),
                          suffixes.len ? suffixes.items[0] : ".sql");
    strlist_free(&suffixes);
    int rc = newfile_mkdirs(dir, e);
    free(dir);
    if (rc == RW_OK) {
        int fd = open(out->path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0) {
            rc = rw_fail(e, RW_ERR_IO, "Unable to create %s: %s", out->path, strerror(errno));
        } else {
            FILE *f = fdopen(fd, "w");
            fprintf(f, "-- %s\n", description);
            if (fclose(f) != 0)
                rc = rw_fail(e, RW_ERR_IO, "Unable to write %s: %s", out->path, strerror(errno));
        }
    }
    sb_free(&desc);
    return rc;
}

void newfile_result_free(newfile_result *r)
{
    free(r->path);
    free(r->version);
    memset(r, 0, sizeof *r);
}
