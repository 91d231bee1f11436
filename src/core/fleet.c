/*
 * fleet.c - which targets a run over many databases or tenant schemas
 * covers: the targets file, the -tenantSchemas list and its patterns, and
 * the shard of the list this process takes.
 */
#include "core/fleet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void fleet_targets_free(fleet_targets *t)
{
    for (size_t i = 0; i < t->len; i++) {
        free(t->items[i].name);
        free(t->items[i].schema);
        free(t->items[i].url);
        strlist_free(&t->items[i].settings);
    }
    free(t->items);
    memset(t, 0, sizeof *t);
}

bool fleet_requested(const rw_config *cfg)
{
    const char *schemas = config_get(cfg, "tenantSchemas");
    const char *targets = config_get(cfg, "targets");
    return (schemas && *schemas) || (targets && *targets);
}

static fleet_target *fleet_push(fleet_targets *t)
{
    if (t->len == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    fleet_target *it = &t->items[t->len++];
    memset(it, 0, sizeof *it);
    return it;
}

void fleet_add_schema(fleet_targets *t, const char *schema)
{
    fleet_target *it = fleet_push(t);
    it->name = xstrdup(schema);
    it->schema = xstrdup(schema);
}

void fleet_split_schemas(const char *value, fleet_targets *out, strlist *patterns)
{
    strlist items = {0};
    strlist_split(&items, value ? value : "", ',');
    for (size_t i = 0; i < items.len; i++) {
        if (strchr(items.items[i], '%'))
            strlist_push(patterns, items.items[i]);
        else
            fleet_add_schema(out, items.items[i]);
    }
    strlist_free(&items);
}

/* The words of one line, split at blanks; key=value words are settings. */
static int fleet_parse_line(char *line, const char *origin, int lineno, fleet_targets *out,
                            rw_err *e)
{
    char *save = NULL;
    char *url = strtok_r(line, " \t", &save);
    if (!url || *url == '#')
        return RW_OK;
    if (!strstr(url, ":") || strchr(url, '=') == url)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "%s:%d: a target line starts with a database URL (jdbc:postgresql://host/db "
                       "[key=value ...]), not '%s'",
                       origin, lineno, url);
    fleet_target *it = fleet_push(out);
    it->url = xstrdup(url);
    char *name = NULL;
    for (char *w = strtok_r(NULL, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(w, '=');
        if (!eq || eq == w)
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "%s:%d: '%s' is not a key=value setting; write settings after the URL "
                           "as key=value (placeholders.tenant=acme, user=app, awsSecretId=...)",
                           origin, lineno, w);
        if (strncmp(w, "name=", 5) == 0) {
            free(name);
            name = xstrdup(eq + 1);
            continue;
        }
        const char *key = w;
        if (rw_starts_with(key, "flyway.") || rw_starts_with(key, "runway."))
            key += 7;
        strbuf kv = STRBUF_INIT;
        sb_add(&kv, key, (size_t)(eq - key));
        char *k = xstrdup(sb_str(&kv));
        sb_free(&kv);
        if (!config_find_key(k)) {
            rw_fail(e, RW_ERR_CONFIGURATION,
                    "%s:%d: unknown setting '%s'. Run 'runway help' for the list of settings",
                    origin, lineno, k);
            free(k);
            free(name);
            return e->code;
        }
        free(k);
        strlist_push(&it->settings, key);
    }
    it->name = name ? name : config_redact_url(url);
    return RW_OK;
}

int fleet_parse_targets(const char *text, const char *origin, fleet_targets *out, rw_err *e)
{
    char *copy = xstrdup(text);
    int lineno = 0, rc = RW_OK;
    for (char *line = copy, *next; line && rc == RW_OK; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[n - 1] = '\0';
        rc = fleet_parse_line(line, origin, lineno, out, e);
    }
    free(copy);
    return rc;
}

/* "key=value" for one setting of an event item; errors name the item. */
static int fleet_item_setting(fleet_target *it, size_t index, const char *key, json_t *v,
                              rw_err *e)
{
    char buf[64];
    const char *text = NULL;
    if (json_is_string(v)) {
        text = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        text = buf;
    } else if (json_is_boolean(v)) {
        text = json_is_true(v) ? "true" : "false";
    }
    if (!text)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event target %zu: '%s' must be a string, number or boolean", index, key);
    if (!config_find_key(key))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event target %zu: unknown setting '%s'. Run 'runway help' for the list "
                       "of settings",
                       index, key);
    strlist_push_owned(&it->settings, xasprintf("%s=%s", key, text));
    return RW_OK;
}

/*
 * An event may choose which tenant or which secret, never other settings:
 * the function's own configuration decides the rest, as for single events.
 */
static int fleet_item(json_t *item, size_t index, fleet_targets *out, rw_err *e)
{
    if (json_is_string(item)) {
        fleet_add_schema(out, json_string_value(item));
        return RW_OK;
    }
    const char *schema = json_string_value(json_object_get(item, "schema"));
    const char *secret = json_string_value(json_object_get(item, "awsSecretId"));
    const char *name = json_string_value(json_object_get(item, "name"));
    if (!json_is_object(item) || (!schema && !secret))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event target %zu must be a schema name or an object with \"schema\" "
                       "or \"awsSecretId\"",
                       index);
    fleet_target *it = fleet_push(out);
    it->schema = schema ? xstrdup(schema) : NULL;
    it->name = xstrdup(name ? name : schema ? schema : secret);
    const char *key;
    json_t *v;
    json_object_foreach(item, key, v) {
        int rc = RW_OK;
        if (!strcmp(key, "schema") || !strcmp(key, "name"))
            continue;
        if (strcmp(key, "awsSecretId") == 0) {
            rc = fleet_item_setting(it, index, key, v, e);
        } else if (strcmp(key, "placeholders") == 0 && json_is_object(v)) {
            const char *pk;
            json_t *pv;
            json_object_foreach(v, pk, pv) {
                char *full = xasprintf("placeholders.%s", pk);
                rc = fleet_item_setting(it, index, full, pv, e);
                free(full);
                if (rc != RW_OK)
                    break;
            }
        } else {
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "event target %zu: '%s' is not allowed; a target in an event may set "
                         "schema, name, awsSecretId and placeholders",
                         index, key);
        }
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

int fleet_targets_from_json(json_t *items, fleet_targets *out, rw_err *e)
{
    if (!json_is_array(items))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event key 'targets' (or 'Items') must be an array of targets");
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        if (fleet_item(item, i, out, e) != RW_OK)
            return e->code;
    }
    return RW_OK;
}

/* Parses "i/n" with 1 <= i <= n. */
static bool fleet_parse_shard(const char *s, fleet_shard *out)
{
    char *end;
    errno = 0;
    unsigned long i = strtoul(s, &end, 10);
    if (end == s || *end != '/' || errno)
        return false;
    const char *t = end + 1;
    unsigned long n = strtoul(t, &end, 10);
    if (end == t || *end || errno || n == 0 || n > 100000 || i < 1 || i > n)
        return false;
    out->index = (unsigned)i;
    out->total = (unsigned)n;
    return true;
}

static const char *fleet_env(char *const *envp, const char *name)
{
    size_t n = strlen(name);
    for (char *const *p = envp; p && *p; p++)
        if (strncmp(*p, name, n) == 0 && (*p)[n] == '=')
            return *p + n + 1;
    return NULL;
}

int fleet_shard_from(const rw_config *cfg, char *const *envp, fleet_shard *out, rw_err *e)
{
    out->index = out->total = 0;
    const char *shard = config_get(cfg, "shard");
    if (shard && *shard) {
        if (!fleet_parse_shard(shard, out))
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "Invalid value for shard: '%s'. Write i/n with 1 <= i <= n, e.g. "
                           "-shard=2/4",
                           shard);
        return RW_OK;
    }
    const char *gl_index = fleet_env(envp, "CI_NODE_INDEX");
    const char *gl_total = fleet_env(envp, "CI_NODE_TOTAL");
    if (gl_index && gl_total && *gl_index && *gl_total) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s/%s", gl_index, gl_total);
        if (!fleet_parse_shard(buf, out))
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "Invalid shard from CI_NODE_INDEX=%s and CI_NODE_TOTAL=%s", gl_index,
                           gl_total);
        return RW_OK;
    }
    const char *k8s = fleet_env(envp, "JOB_COMPLETION_INDEX");
    const char *count = config_get(cfg, "shardCount");
    if (k8s && *k8s && count && *count) {
        char *end;
        unsigned long idx = strtoul(k8s, &end, 10);
        char buf[64];
        snprintf(buf, sizeof buf, "%lu/%s", idx + 1, count);
        if (end == k8s || *end || !fleet_parse_shard(buf, out))
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "Invalid shard from JOB_COMPLETION_INDEX=%s and shardCount=%s: the "
                           "index must be below shardCount",
                           k8s, count);
    }
    return RW_OK;
}

/* FNV-1a: stable across machines and releases, unlike a seeded hash. */
unsigned fleet_shard_of(const char *name, unsigned total)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return total ? (unsigned)(h % total) + 1 : 1;
}

static int fleet_cmp_name(const void *a, const void *b)
{
    return strcmp(((const fleet_target *)a)->name, ((const fleet_target *)b)->name);
}

static void fleet_target_free(fleet_target *t)
{
    free(t->name);
    free(t->schema);
    free(t->url);
    strlist_free(&t->settings);
}

void fleet_apply_shard(fleet_targets *t, fleet_shard shard)
{
    if (t->len > 1)
        qsort(t->items, t->len, sizeof *t->items, fleet_cmp_name);
    size_t kept = 0;
    for (size_t i = 0; i < t->len; i++) {
        fleet_target *it = &t->items[i];
        bool dup = kept && strcmp(t->items[kept - 1].name, it->name) == 0;
        bool mine = !shard.total || fleet_shard_of(it->name, shard.total) == shard.index;
        if (dup || !mine) {
            fleet_target_free(it);
            continue;
        }
        t->items[kept++] = *it;
    }
    t->len = kept;
}
