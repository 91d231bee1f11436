/*
 * config_toml.c - flyway.toml (Flyway 10's configuration format) into the
 * configuration store.  [flyway] holds Flyway's settings, [runway] runway's
 * own; [environments.NAME] holds connection settings (url, user, ...) and an
 * optional [environments.NAME.flyway] table overriding [flyway] for that
 * environment.  Only the selected environment is applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "core/toml.h"

typedef struct toml_doc {
    char *path;
    toml_value *root;
} toml_doc;

/* Expands ${env.NAME} (Flyway's environment resolver); other ${...} stay as written. */
static void config_toml_resolve(const char *in, strbuf *out)
{
    const char *p = in;
    while (*p) {
        if (rw_starts_with(p, "${env.")) {
            const char *end = strchr(p, '}');
            if (end) {
                char *name = xstrndup(p + 6, (size_t)(end - p - 6));
                const char *v = getenv(name);
                if (!v)
                    log_debug("environment variable %s is not set; using an empty value", name);
                sb_adds(out, v ? v : "");
                free(name);
                p = end + 1;
                continue;
            }
        }
        sb_addc(out, *p++);
    }
}

/* Sets one flattened setting, checking it belongs to the table's namespace. */
static int config_toml_set(rw_config *cfg, config_namespace ns, const char *name,
                           const toml_value *v, const char *path, rw_err *e)
{
    char origin[1200];
    snprintf(origin, sizeof origin, "%s:%d", path, v->line);
    const config_key *k = config_find_key(name);
    if (k && k->ns != ns)
        return rw_fail(e, RW_ERR_CONFIGURATION, "%s: '%s' is a %s setting; put it under [%s]",
                       origin, name, k->ns == CFG_NS_RUNWAY ? "runway" : "Flyway",
                       k->ns == CFG_NS_RUNWAY ? "runway" : "flyway");
    strbuf raw = STRBUF_INIT, val = STRBUF_INIT;
    if (!toml_to_string(v, &raw)) {
        sb_free(&raw);
        return rw_fail(e, RW_ERR_CONFIGURATION, "%s: '%s' must be a value, not a table", origin,
                       name);
    }
    config_toml_resolve(sb_str(&raw), &val);
    int rc = RW_OK;
    const char *d = k ? k->default_value : NULL;
    bool b;
    if (d && (strcmp(d, "true") == 0 || strcmp(d, "false") == 0) &&
        rw_parse_bool(sb_str(&val), &b) != 0)
        rc = rw_fail(e, RW_ERR_CONFIGURATION, "%s: '%s' must be true or false, not '%s'", origin,
                     name, sb_str(&val));
    if (rc == RW_OK)
        rc = config_set(cfg, name, sb_str(&val), CFG_SRC_FILE, origin, e);
    sb_free(&raw);
    sb_free(&val);
    return rc;
}

/* Applies a table's keys, sub-tables becoming dotted names (placeholders.x). */
static int config_toml_table(rw_config *cfg, config_namespace ns, const char *prefix,
                             const toml_value *t, const char *path, rw_err *e)
{
    for (size_t i = 0; i < t->len; i++) {
        char *name = xasprintf("%s%s", prefix, t->keys[i]);
        const toml_value *v = t->items[i];
        int rc;
        if (v->type == TOML_TABLE) {
            char *sub = xasprintf("%s.", name);
            rc = config_toml_table(cfg, ns, sub, v, path, e);
            free(sub);
        } else {
            rc = config_toml_set(cfg, ns, name, v, path, e);
        }
        free(name);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

/* An environment: connection settings, plus its flyway sub-table. */
static int config_toml_environment(rw_config *cfg, const toml_value *env, const char *path,
                                   rw_err *e)
{
    for (size_t i = 0; i < env->len; i++) {
        const char *key = env->keys[i];
        const toml_value *v = env->items[i];
        int rc;
        if (strcmp(key, "flyway") == 0 && v->type == TOML_TABLE)
            rc = config_toml_table(cfg, CFG_NS_FLYWAY, "", v, path, e);
        else if (strcmp(key, "runway") == 0 && v->type == TOML_TABLE)
            rc = config_toml_table(cfg, CFG_NS_RUNWAY, "", v, path, e);
        else if (strcmp(key, "resolvers") == 0 || strcmp(key, "provisioner") == 0 ||
                 strcmp(key, "token") == 0)
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "%s:%d: environment setting '%s' (Flyway resolvers/provisioners) is not "
                         "supported; set the value directly or with ${env.NAME}",
                         path, v->line, key);
        else if (v->type == TOML_TABLE) {
            char *prefix = xasprintf("%s.", key);
            rc = config_toml_table(cfg, CFG_NS_FLYWAY, prefix, v, path, e);
            free(prefix);
        } else {
            rc = config_toml_set(cfg, CFG_NS_FLYWAY, key, v, path, e);
        }
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

static int config_toml_read(const char *path, toml_value **root, rw_err *e)
{
    strbuf sb = STRBUF_INIT;
    int rc = rw_read_file(path, &sb, e);
    if (rc != RW_OK) {
        e->code = RW_ERR_CONFIGURATION;
        rw_err_prefix(e, "Unable to load config file: ");
    } else {
        log_debug("Loading config file %s", path);
        rc = toml_parse(sb_str(&sb), sb.len, path, root, e);
    }
    sb_free(&sb);
    return rc;
}

/* Top-level tables other tools keep in flyway.toml are left alone. */
static int config_toml_top(rw_config *cfg, const toml_doc *d, rw_err *e)
{
    const toml_value *root = d->root;
    for (size_t i = 0; i < root->len; i++) {
        const char *key = root->keys[i];
        const toml_value *v = root->items[i];
        int rc = RW_OK;
        if (strcmp(key, "flyway") == 0 || strcmp(key, "runway") == 0) {
            if (v->type != TOML_TABLE)
                return rw_fail(e, RW_ERR_CONFIGURATION, "%s:%d: '%s' must be a table ([%s])",
                               d->path, v->line, key, key);
            rc = config_toml_table(cfg, key[0] == 'f' ? CFG_NS_FLYWAY : CFG_NS_RUNWAY, "", v,
                                   d->path, e);
        } else if (strcmp(key, "environments") != 0) {
            log_debug("%s: ignoring [%s] (not a Flyway or runway table)", d->path, key);
        }
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

int config_load_toml(rw_config *cfg, const strlist *files, const char *environment, rw_err *e)
{
    toml_doc *docs = xcalloc(files->len + 1, sizeof *docs);
    int rc = RW_OK;
    for (size_t i = 0; i < files->len && rc == RW_OK; i++) {
        docs[i].path = files->items[i];
        rc = config_toml_read(files->items[i], &docs[i].root, e);
    }
    /* [flyway] of every file first, so any environment overrides all of them. */
    for (size_t i = 0; i < files->len && rc == RW_OK; i++)
        rc = config_toml_top(cfg, &docs[i], e);
    const char *env = environment ? environment : config_get(cfg, "environment");
    bool found = false;
    strlist defined = {0};
    for (size_t i = 0; i < files->len && rc == RW_OK; i++) {
        const toml_value *envs = toml_table_get(docs[i].root, "environments");
        for (size_t k = 0; envs && envs->type == TOML_TABLE && k < envs->len && rc == RW_OK;
             k++) {
            if (!strlist_contains(&defined, envs->keys[k]))
                strlist_push(&defined, envs->keys[k]);
            if (strcmp(envs->keys[k], env) != 0)
                continue;
            found = true;
            if (envs->items[k]->type != TOML_TABLE)
                rc = rw_fail(e, RW_ERR_CONFIGURATION,
                             "%s:%d: environments.%s must be a table ([environments.%s])",
                             docs[i].path, envs->items[k]->line, env, env);
            else
                rc = config_toml_environment(cfg, envs->items[k], docs[i].path, e);
        }
    }
    if (rc == RW_OK && !found && strcmp(env, "default") != 0) {
        strbuf names = STRBUF_INIT;
        for (size_t i = 0; i < defined.len; i++)
            sb_addf(&names, "%s%s", i ? ", " : "", defined.items[i]);
        rc = rw_fail(e, RW_ERR_CONFIGURATION,
                     "Environment '%s' is not defined in %s (defined: %s). Add "
                     "[environments.%s] or choose a defined one with -environment=NAME.",
                     env, files->len == 1 ? files->items[0] : "the TOML config files",
                     names.len ? names.buf : "none", env);
        sb_free(&names);
    }
    if (rc == RW_OK)
        config_set_raw(cfg, "environment", env, CFG_SRC_FILE);
    strlist_free(&defined);
    for (size_t i = 0; i < files->len; i++)
        toml_free(docs[i].root);
    free(docs);
    return rc;
}
