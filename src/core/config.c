/*
 * config.c - one store for every setting, filled from config files, the
 * environment and the command line in Flyway's order of precedence.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/version.h"

#define F CFG_NS_FLYWAY
#define R CFG_NS_RUNWAY

static const config_key known_keys[] = {
    /* Connection */
    {"url", F, NULL, "database URL: jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB, jdbc:mysql://HOST/DB"},
    {"user", F, NULL, "database user"},
    {"password", F, NULL, "database password"},
    {"driver", F, NULL, "ignored (drivers are built in)"},
    {"connectRetries", F, "0", "connection attempts after the first fails"},
    {"connectRetriesInterval", F, "120", "maximum seconds between connection attempts"},
    {"initSql", F, NULL, "SQL run on every new connection"},
    {"jdbcProperties.", F, NULL, "driver properties"},
    /* Schemas and history */
    {"schemas", F, NULL, "schemas managed (comma-separated)"},
    {"defaultSchema", F, NULL, "schema of the history table"},
    {"createSchemas", F, "true", "create missing schemas"},
    {"table", F, "flyway_schema_history", "history table name"},
    {"tablespace", F, NULL, "tablespace of the history table"},
    {"installedBy", F, NULL, "installed_by value (default: database user)"},
    /* Resources */
    {"locations", F, "filesystem:sql", "where migrations are (comma-separated)"},
    {"callbackLocations", F, NULL, "extra locations for callbacks"},
    {"failOnMissingLocations", F, "false", "fail when a location does not exist"},
    {"encoding", F, "UTF-8", "encoding of migration files"},
    {"detectEncoding", F, "false", "detect file encodings"},
    {"sqlMigrationPrefix", F, "V", "versioned migration prefix"},
    {"repeatableSqlMigrationPrefix", F, "R", "repeatable migration prefix"},
    {"undoSqlMigrationPrefix", F, "U", "undo migration prefix"},
    {"baselineMigrationPrefix", F, "B", "baseline migration prefix"},
    {"sqlMigrationSeparator", F, "__", "separator between version and description"},
    {"sqlMigrationSuffixes", F, ".sql", "migration file suffixes (comma-separated)"},
    {"validateMigrationNaming", F, "false", "fail on files with invalid names"},
    /* Placeholders */
    {"placeholders.", F, NULL, "placeholder values"},
    {"placeholderPrefix", F, "${", "placeholder prefix"},
    {"placeholderSuffix", F, "}", "placeholder suffix"},
    {"placeholderSeparator", F, ":", "separator in built-in placeholders (flyway:user)"},
    {"placeholderReplacement", F, "true", "replace placeholders"},
    {"scriptPlaceholderPrefix", F, "FP__", "script placeholder prefix"},
    {"scriptPlaceholderSuffix", F, "__", "script placeholder suffix"},
    /* Behaviour */
    {"baselineVersion", F, "1", "version of the baseline"},
    {"baselineDescription", F, "<< Flyway Baseline >>", "description of the baseline"},
    {"baselineOnMigrate", F, "false", "baseline a non-empty schema without history"},
    {"validateOnMigrate", F, "true", "validate before migrating"},
    {"ignoreMigrationPatterns", F, "*:future", "validation states to ignore (type:state,...)"},
    {"outOfOrder", F, "false", "apply versions lower than the current one"},
    {"target", F, "latest", "version to migrate to (latest, current, next, or a version)"},
    {"mixed", F, "false", "allow transactional and non-transactional statements in one migration"},
    {"group", F, "false", "apply all pending migrations in one transaction"},
    {"executeInTransaction", F, "true", "run migrations in transactions"},
    {"cleanDisabled", F, "true", "refuse to run clean"},
    {"cleanOnValidationError", F, "false", "clean when validation fails"},
    {"lockRetryCount", F, "50", "attempts to take the migration lock (-1: forever)"},
    {"skipExecutingMigrations", F, "false", "record migrations without running them"},
    {"skipDefaultCallbacks", F, "false", "ignore callbacks found in locations"},
    {"skipDefaultResolvers", F, "false", "ignored"},
    {"outputQueryResults", F, "true", "print result sets of SELECT statements"},
    {"postgresql.transactional.lock", F, "true", "accepted for compatibility; see docs/postgresql.md"},
    {"cherryPick", F, NULL, "migrations to apply (comma-separated versions/descriptions)"},
    {"dryRunOutput", F, NULL, "write the SQL migrate would run to FILE (- for stdout)"},
    {"errorOverrides", F, NULL, "ignored"},
    {"stream", F, "false", "ignored"},
    {"batch", F, "false", "ignored"},
    {"jarDirs", F, NULL, "ignored"},
    {"callbacks", F, NULL, "ignored (Java callbacks)"},
    {"resolvers", F, NULL, "ignored"},
    {"licenseKey", F, NULL, "ignored"},
    {"kerberosConfigFile", F, NULL, "ignored"},
    {"loggers", F, NULL, "ignored"},
    {"reportEnabled", F, "false", "ignored"},
    {"reportFilename", F, NULL, "ignored"},
    {"environment", F, "default", "environment of flyway.toml to use"},
    {"environments.", F, NULL, "environment settings"},
    /* Command line */
    {"configFiles", F, NULL, "config files to load instead of the default ones"},
    {"configFileEncoding", F, "UTF-8", "encoding of config files"},
    {"workingDirectory", F, NULL, "directory relative locations start from"},
    {"outputType", F, NULL, "json for machine-readable output"},
    {"outputFile", F, NULL, "also write the output to FILE"},
    {"color", F, "auto", "always, never or auto"},
    {"infoSinceVersion", F, NULL, "info: only from this version"},
    {"infoUntilVersion", F, NULL, "info: only up to this version"},
    {"infoOfState", F, NULL, "info: only these states"},
    /* runway's own settings */
    {"lockTimeout", R, NULL, "PostgreSQL/MySQL lock wait limit per migration statement (e.g. 5s)"},
    {"statementTimeout", R, NULL, "statement time limit during migrations (e.g. 15min)"},
    {"awsSecretId", R, NULL, "Secrets Manager secret holding the database credentials"},
    {"awsSecretVersionStage", R, NULL, "version stage of awsSecretId to read (default AWSCURRENT)"},
    {"awsSecretVersionId", R, NULL, "version id of awsSecretId to read"},
    {"awsIamAuth", R, "false", "connect with an RDS IAM authentication token"},
    {"awsRegion", R, NULL, "AWS region (default: AWS_REGION)"},
    {"sfnTaskToken", R, NULL, "Step Functions task token to report the result to"},
    {"sfnHeartbeatSeconds", R, NULL, "SendTaskHeartbeat every N seconds while a command with a task token runs"},
    {"snsTopicArn", R, NULL, "SNS topic each command's result is published to"},
    {"webhookUrl", R, NULL, "URL the JSON report is POSTed to"},
    {"webhookTimeout", R, "10", "webhook timeout in seconds"},
    {"webhookRetries", R, "3", "webhook retries"},
    {"metrics", R, "auto", "CloudWatch EMF metrics: auto, true, false"},
    {"expectVersion", R, NULL, "check/wait: the version the database must be at"},
    {"timeout", R, "300", "wait: seconds to wait"},
    {"interval", R, "2", "wait: seconds between checks"},
    {"quiet", R, "false", "print only results and errors"},
    {"dialect", R, NULL, "lint: postgresql, mysql or sqlite (default: from the url)"},
    {"lintFormat", R, "text", "lint: text, json, sarif, junit, gitlab or github"},
    {"lintIgnore", R, NULL, "lint: rule ids to skip (comma-separated)"},
    {"lintEnable", R, NULL, "lint: opt-in rule ids to turn on (comma-separated), or style for all"},
    {"lintVerbose", R, "false", "lint: also list the statements no rule classifies"},
    {"lintSince", R, NULL, "lint: migrations above this version deploy together (their new tables are empty)"},
    {"lintFailOn", R, "error", "lint: exit non-zero on findings of this severity or worse (error, warning)"},
    {"newVersionScheme", R, "auto", "new: auto (follow the existing files), number or timestamp"},
    {"tenantSchemas", R, NULL, "run over these schemas of one server (names, or LIKE patterns: tenant_%)"},
    {"targets", R, NULL, "run over the databases listed in FILE (URL [key=value ...] per line)"},
    {"parallel", R, "4", "targets run at once (-tenantSchemas, -targets)"},
    {"failFast", R, "false", "stop starting targets after the first one fails"},
    {"shard", R, NULL, "i/n: run only the targets of shard i of n (default: CI_NODE_INDEX/CI_NODE_TOTAL)"},
    {"shardCount", R, NULL, "shards in all, with a Kubernetes Indexed Job's JOB_COMPLETION_INDEX"},
    {NULL, 0, NULL, NULL},
};

#undef F
#undef R

typedef struct config_entry {
    char *key;
    char *value;
    config_source src;
} config_entry;

struct rw_config {
    config_entry *entries;
    size_t len;
    size_t cap;
};

const config_key *config_known_keys(void)
{
    return known_keys;
}

/* Matches exactly, or a prefix entry ("placeholders.") with something after it. */
const config_key *config_find_key(const char *name)
{
    for (const config_key *k = known_keys; k->name; k++) {
        size_t n = strlen(k->name);
        if (k->name[n - 1] == '.') {
            if (strncmp(name, k->name, n) == 0 && name[n])
                return k;
        } else if (strcmp(name, k->name) == 0) {
            return k;
        }
    }
    return NULL;
}

/* Finds a known key ignoring case, for keys written in a different case. */
static const config_key *config_find_key_ci(const char *name)
{
    for (const config_key *k = known_keys; k->name; k++)
        if (strcasecmp(name, k->name) == 0)
            return k;
    return NULL;
}

rw_config *config_new(void)
{
    return xcalloc(1, sizeof(rw_config));
}

void config_free(rw_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->len; i++) {
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
    }
    free(cfg->entries);
    free(cfg);
}

rw_config *config_copy(const rw_config *cfg)
{
    rw_config *c = config_new();
    c->cap = c->len = cfg->len;
    c->entries = cfg->len ? xcalloc(cfg->len, sizeof *c->entries) : NULL;
    for (size_t i = 0; i < cfg->len; i++) {
        c->entries[i].key = xstrdup(cfg->entries[i].key);
        c->entries[i].value = xstrdup(cfg->entries[i].value);
        c->entries[i].src = cfg->entries[i].src;
    }
    return c;
}

static config_entry *config_entry_find(const rw_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->len; i++)
        if (strcmp(cfg->entries[i].key, key) == 0)
            return &cfg->entries[i];
    return NULL;
}

void config_set_raw(rw_config *cfg, const char *key, const char *value, config_source src)
{
    config_entry *en = config_entry_find(cfg, key);
    if (en) {
        if (en->src > src)
            return; /* a higher-precedence source already set it */
        free(en->value);
        en->value = xstrdup(value);
        en->src = src;
        return;
    }
    if (cfg->len == cfg->cap) {
        cfg->cap = cfg->cap ? cfg->cap * 2 : 32;
        cfg->entries = xrealloc(cfg->entries, cfg->cap * sizeof *cfg->entries);
    }
    cfg->entries[cfg->len].key = xstrdup(key);
    cfg->entries[cfg->len].value = xstrdup(value);
    cfg->entries[cfg->len].src = src;
    cfg->len++;
}

/* The table entry spelled exactly name, prefix entries ("placeholders.") included. */
static const config_key *config_key_named(const char *name)
{
    for (const config_key *k = known_keys; k->name; k++)
        if (strcmp(k->name, name) == 0)
            return k;
    return NULL;
}

/* The known key closest to name, for "did you mean" hints. */
static const char *config_closest_key(const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (const config_key *k = known_keys; k->name; k++) {
        size_t d = rw_edit_distance(name, k->name);
        if (d < best_d) {
            best_d = d;
            best = k->name;
        }
    }
    if (best && best_d <= (strlen(name) + 2) / 2)
        return best;
    return NULL;
}

static const char *config_ns_prefix(config_namespace ns)
{
    return ns == CFG_NS_RUNWAY ? "runway." : "flyway.";
}

static int config_check_value(const config_key *k, const char *value, const char *origin,
                              rw_err *e);

int config_set(rw_config *cfg, const char *key, const char *value, config_source src,
               const char *origin, rw_err *e)
{
    const config_key *k = config_find_key(key);
    if (!k) {
        const config_key *ci = config_find_key_ci(key);
        if (ci) {
            k = ci;
            key = ci->name;
        }
    }
    if (!k) {
        const char *near = config_closest_key(key);
        if (near) {
            const config_key *nk = config_key_named(near);
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "%s: unknown configuration property '%s'. Did you mean '%s' (%s%s)?",
                           origin, key, near, config_ns_prefix(nk->ns), near);
        }
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "%s: unknown configuration property '%s'. Run 'runway help' for the list "
                       "of settings.",
                       origin, key);
    }
    if (config_check_value(k, value, origin, e) != RW_OK)
        return e->code;
    if (k->name[strlen(k->name) - 1] == '.' && strcmp(k->name, "placeholders.") == 0) {
        /* Placeholder names are case-insensitive; store them lower-cased. */
        char *lk = xstrdup(key);
        for (char *p = lk + strlen(k->name); *p; p++)
            *p = (char)tolower((unsigned char)*p);
        config_set_raw(cfg, lk, value, src);
        free(lk);
        return RW_OK;
    }
    config_set_raw(cfg, key, value, src);
    return RW_OK;
}

const char *config_get(const rw_config *cfg, const char *key)
{
    config_entry *en = cfg ? config_entry_find(cfg, key) : NULL;
    if (en)
        return en->value;
    const config_key *k = config_find_key(key);
    return k ? k->default_value : NULL;
}

bool config_is_set(const rw_config *cfg, const char *key)
{
    return config_entry_find(cfg, key) != NULL;
}

bool config_get_bool(const rw_config *cfg, const char *key)
{
    const char *v = config_get(cfg, key);
    bool b = false;
    if (v && rw_parse_bool(v, &b) != 0)
        return false;
    return b;
}

long config_get_long(const rw_config *cfg, const char *key)
{
    const char *v = config_get(cfg, key);
    return v ? strtol(v, NULL, 10) : 0;
}

void config_get_list(const rw_config *cfg, const char *key, strlist *out)
{
    strlist_split(out, config_get(cfg, key), ',');
}

void config_each_prefix(const rw_config *cfg, const char *prefix, config_each_fn fn, void *ud)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < cfg->len; i++)
        if (strncmp(cfg->entries[i].key, prefix, n) == 0)
            fn(ud, cfg->entries[i].key, cfg->entries[i].value);
}

/*
 * The kinds of value a setting may hold, beyond free text.  Each is checked
 * where the value comes in, so the error can name its origin (file and
 * line, environment variable, argument) instead of surfacing, or being
 * silently read as 0, much later.
 */
typedef enum {
    CFG_INT,         /* whole number in [min, max] */
    CFG_SECONDS,     /* wait's durations: 30, 0.5, 500ms, 2m */
    CFG_DB_DURATION, /* a database time setting: 5000 (ms), 5s, 1.5min, 100ms, 1h */
    CFG_ENUM,        /* one of the comma-separated words, any case */
    CFG_VERSION,     /* a migration version */
    CFG_TARGET,      /* latest, current, next, or a version (with Flyway's optional '?') */
} config_kind;

typedef struct config_check {
    const char *name;
    config_kind kind;
    long min, max;
    const char *words;
} config_check;

/* lintFormat is left to lint, whose list of output formats grows with it. */
static const config_check value_checks[] = {
    {"connectRetries", CFG_INT, 0, INT_MAX, NULL},
    {"connectRetriesInterval", CFG_INT, 1, INT_MAX, NULL},
    {"lockRetryCount", CFG_INT, -1, INT_MAX, NULL},
    {"webhookTimeout", CFG_INT, 1, 3600, NULL},
    {"webhookRetries", CFG_INT, 0, 100, NULL},
    {"timeout", CFG_SECONDS, 0, 0, NULL},
    {"interval", CFG_SECONDS, 0, 0, NULL},
    {"lockTimeout", CFG_DB_DURATION, 0, 0, NULL},
    {"statementTimeout", CFG_DB_DURATION, 0, 0, NULL},
    {"color", CFG_ENUM, 0, 0, "always,never,auto"},
    {"metrics", CFG_ENUM, 0, 0, "auto,true,false"},
    {"outputType", CFG_ENUM, 0, 0, "json"},
    {"lintFailOn", CFG_ENUM, 0, 0, "error,warning"},
    {"newVersionScheme", CFG_ENUM, 0, 0, "auto,number,timestamp"},
    {"dialect", CFG_ENUM, 0, 0, "postgresql,postgres,pg,mysql,mariadb,sqlite"},
    {"baselineVersion", CFG_VERSION, 0, 0, NULL},
    {"infoSinceVersion", CFG_VERSION, 0, 0, NULL},
    {"infoUntilVersion", CFG_VERSION, 0, 0, NULL},
    {"lintSince", CFG_VERSION, 0, 0, NULL},
    {"expectVersion", CFG_TARGET, 0, 0, NULL},
    {"target", CFG_TARGET, 0, 0, NULL},
    {NULL, 0, 0, 0, NULL},
};

static bool config_is_int(const char *v, long min, long max)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(v, &end, 10);
    return *v && !isspace((unsigned char)*v) && end && *end == '\0' && errno == 0 && n >= min &&
           n <= max;
}

/* A non-negative decimal number followed by one of the units (or none when "" is among them). */
static bool config_is_duration(const char *v, const char *const *units)
{
    char *end = NULL;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || !isdigit((unsigned char)*v) || end == v || errno || d < 0)
        return false;
    while (*end == ' ')
        end++;
    for (; *units; units++)
        if (rw_str_ieq(end, *units))
            return true;
    return false;
}

static bool config_is_word(const char *v, const char *words)
{
    size_t n = strlen(v);
    for (const char *p = words; *p;) {
        size_t w = strcspn(p, ",");
        if (w == n && strncasecmp(p, v, n) == 0)
            return true;
        p += w + (p[w] == ',');
    }
    return false;
}

static bool config_is_version(const char *v)
{
    rw_version ver;
    rw_err ve;
    if (!*v || version_parse(v, &ver, &ve) != RW_OK)
        return false;
    version_free(&ver);
    return true;
}

static bool config_is_target(const char *v)
{
    if (rw_str_ieq(v, "latest") || rw_str_ieq(v, "current") || rw_str_ieq(v, "next"))
        return true;
    size_t n = strlen(v);
    if (n > 1 && v[n - 1] == '?') {
        char *t = xstrndup(v, n - 1);
        bool ok = config_is_version(t);
        free(t);
        return ok;
    }
    return config_is_version(v);
}

/* "a,b,c" as "a, b or c", for messages. */
static void config_words_text(const char *words, strbuf *out)
{
    size_t n = 0;
    for (const char *p = words; *p; p++)
        n += *p == ',';
    size_t i = 0;
    for (const char *p = words; *p; p++) {
        if (*p != ',') {
            sb_addc(out, *p);
            continue;
        }
        sb_adds(out, ++i == n ? " or " : ", ");
    }
}

/* What a value of the check's kind looks like, for the message refusing one. */
static void config_expected_text(const config_check *c, strbuf *out)
{
    switch (c->kind) {
    case CFG_INT:
        if (c->max == INT_MAX)
            sb_addf(out, "a whole number of at least %ld", c->min);
        else
            sb_addf(out, "a whole number from %ld to %ld", c->min, c->max);
        break;
    case CFG_SECONDS:
        sb_adds(out, "seconds such as 30, 0.5, 500ms or 2m");
        break;
    case CFG_DB_DURATION:
        sb_adds(out, "a time such as 5s, 500ms, 15min or 1h (a bare number is milliseconds)");
        break;
    case CFG_ENUM:
        config_words_text(c->words, out);
        break;
    case CFG_VERSION:
        sb_adds(out, "a version such as 1, 2.1 or 20240101.1");
        break;
    case CFG_TARGET:
        sb_adds(out, "latest, current, next or a version such as 2.1");
        break;
    }
}

/* Checks value against the check's kind; on failure says what was expected. */
static int config_check_kind(const config_check *c, const char *value, const char *origin,
                             rw_err *e)
{
    static const char *const wait_units[] = {"", "s", "ms", "m", NULL};
    static const char *const db_units[] = {"", "us", "ms", "s", "min", "h", "d", NULL};
    bool ok = false;
    switch (c->kind) {
    case CFG_INT: ok = config_is_int(value, c->min, c->max); break;
    case CFG_SECONDS: ok = config_is_duration(value, wait_units); break;
    case CFG_DB_DURATION: ok = config_is_duration(value, db_units); break;
    case CFG_ENUM: ok = !*value || config_is_word(value, c->words); break; /* empty: the default */
    case CFG_VERSION: ok = config_is_version(value); break;
    case CFG_TARGET: ok = !*value || config_is_target(value); break;
    }
    if (ok)
        return RW_OK;
    strbuf want = STRBUF_INIT;
    config_expected_text(c, &want);
    rw_fail(e, RW_ERR_CONFIGURATION, "%s: Invalid %s '%s': use %s", origin, c->name, value,
            sb_str(&want));
    sb_free(&want);
    return e->code;
}

/* Values of boolean, numeric and enumerated keys are checked once, with a clear message. */
static int config_check_value(const config_key *k, const char *value, const char *origin,
                              rw_err *e)
{
    const char *d = k->default_value;
    bool b;
    if (d && (strcmp(d, "true") == 0 || strcmp(d, "false") == 0) && rw_parse_bool(value, &b) != 0)
        return rw_fail(e, RW_ERR_CONFIGURATION, "%s: '%s' must be true or false, not '%s'",
                       origin, k->name, value);
    for (const config_check *c = value_checks; c->name; c++)
        if (strcmp(c->name, k->name) == 0)
            return config_check_kind(c, value, origin, e);
    return RW_OK;
}

/* ---- Java properties ---------------------------------------------------- */

/* Expands ${VAR} from the environment, as Flyway does in .conf files. */
static void config_expand_env(const char *in, strbuf *out)
{
    const char *p = in;
    while (*p) {
        if (p[0] == '$' && p[1] == '{') {
            const char *q = p + 2;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            if (*q == '}' && q > p + 2) {
                char *name = xstrndup(p + 2, (size_t)(q - p - 2));
                const char *v = getenv(name);
                free(name);
                sb_adds(out, v ? v : "");
                p = q + 1;
                continue;
            }
        }
        sb_addc(out, *p++);
    }
}

/* Decodes one logical line's escapes (\t, \n, \uXXXX, \x -> x) into out. */
static void properties_unescape(const char *s, size_t n, strbuf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 >= n) {
            sb_addc(out, s[i]);
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 't': sb_addc(out, '\t'); break;
        case 'n': sb_addc(out, '\n'); break;
        case 'r': sb_addc(out, '\r'); break;
        case 'f': sb_addc(out, '\f'); break;
        case 'u':
            if (i + 4 < n) {
                unsigned cp = 0;
                int ok = 1;
                for (int k = 1; k <= 4; k++) {
                    if (i + (size_t)k >= n || !isxdigit((unsigned char)s[i + (size_t)k])) {
                        ok = 0;
                        break;
                    }
                    char h = s[i + (size_t)k];
                    cp = cp * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower((unsigned char)h) - 'a' + 10));
                }
                if (ok) {
                    i += 4;
                    if (cp < 0x80) {
                        sb_addc(out, (char)cp);
                    } else if (cp < 0x800) {
                        sb_addc(out, (char)(0xC0 | (cp >> 6)));
                        sb_addc(out, (char)(0x80 | (cp & 0x3F)));
                    } else {
                        sb_addc(out, (char)(0xE0 | (cp >> 12)));
                        sb_addc(out, (char)(0x80 | ((cp >> 6) & 0x3F)));
                        sb_addc(out, (char)(0x80 | (cp & 0x3F)));
                    }
                    break;
                }
            }
            sb_addc(out, 'u');
            break;
        default: sb_addc(out, c); break;
        }
    }
}

/* Sets one key from a config file, mapping flyway.X / runway.X to X. */
static int config_set_from_file(rw_config *cfg, const char *key, const char *value,
                                const char *origin, config_source src, rw_err *e)
{
    config_namespace ns;
    const char *name;
    if (rw_starts_with(key, "flyway.")) {
        ns = CFG_NS_FLYWAY;
        name = key + 7;
    } else if (rw_starts_with(key, "runway.")) {
        ns = CFG_NS_RUNWAY;
        name = key + 7;
    } else {
        log_debug("%s: ignoring '%s' (not a flyway. or runway. setting)", origin, key);
        return RW_OK;
    }
    const config_key *k = config_find_key(name);
    if (k && k->ns != ns) {
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "%s: '%s' is not a %s setting; write it as %s%s", origin, key,
                       ns == CFG_NS_FLYWAY ? "Flyway" : "runway", config_ns_prefix(k->ns), name);
    }
    if (!k) {
        const char *near = config_closest_key(name);
        if (near) {
            const config_key *nk = config_key_named(near);
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "%s: unknown configuration property '%s'. Did you mean '%s%s'?", origin,
                           key, config_ns_prefix(nk->ns), near);
        }
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "%s: unknown configuration property '%s'. Run 'runway help' for the list "
                       "of settings.",
                       origin, key);
    }
    return config_set(cfg, name, value, src, origin, e);
}

int config_load_properties(rw_config *cfg, const char *text, size_t len, const char *origin,
                           config_source src, rw_err *e)
{
    size_t i = 0;
    int lineno = 0;
    strbuf logical = STRBUF_INIT, key = STRBUF_INIT, val = STRBUF_INIT, expanded = STRBUF_INIT;
    int rc = RW_OK;
    while (i < len && rc == RW_OK) {
        lineno++;
        int start_line = lineno;
        sb_reset(&logical);
        bool first = true;
        /* Gather one logical line, following backslash continuations. */
        for (;;) {
            size_t s = i;
            while (i < len && text[i] != '\n' && text[i] != '\r')
                i++;
            const char *line = text + s;
            size_t n = i - s;
            if (i < len && text[i] == '\r') {
                i++;
                if (i < len && text[i] == '\n')
                    i++;
            } else if (i < len && text[i] == '\n') {
                i++;
            }
            if (!first) {
                while (n > 0 && (*line == ' ' || *line == '\t' || *line == '\f')) {
                    line++;
                    n--;
                }
            }
            size_t bs = 0;
            while (bs < n && line[n - 1 - bs] == '\\')
                bs++;
            bool cont = (bs % 2) == 1;
            sb_add(&logical, line, cont ? n - 1 : n);
            first = false;
            if (!cont || i >= len)
                break;
            lineno++;
        }
        const char *l = sb_str(&logical);
        if (memchr(l, '\0', logical.len)) {
            /* Read as C strings, the key and value would end at it unseen. */
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "%s:%d: NUL byte in the config file: remove it (save the file as "
                         "UTF-8 text)",
                         origin, start_line);
            break;
        }
        while (*l == ' ' || *l == '\t' || *l == '\f')
            l++;
        if (*l == '\0' || *l == '#' || *l == '!')
            continue;
        /* Key ends at an unescaped '=', ':' or whitespace. */
        const char *p = l;
        while (*p && *p != '=' && *p != ':' && *p != ' ' && *p != '\t' && *p != '\f') {
            if (*p == '\\' && p[1])
                p++;
            p++;
        }
        sb_reset(&key);
        properties_unescape(l, (size_t)(p - l), &key);
        while (*p == ' ' || *p == '\t' || *p == '\f')
            p++;
        if (*p == '=' || *p == ':')
            p++;
        while (*p == ' ' || *p == '\t' || *p == '\f')
            p++;
        sb_reset(&val);
        properties_unescape(p, strlen(p), &val);
        sb_reset(&expanded);
        config_expand_env(sb_str(&val), &expanded);
        char where[1200];
        snprintf(where, sizeof where, "%s:%d", origin, start_line);
        rc = config_set_from_file(cfg, sb_str(&key), sb_str(&expanded), where, src, e);
    }
    sb_free(&logical);
    sb_free(&key);
    sb_free(&val);
    sb_free(&expanded);
    return rc;
}

int config_load_file(rw_config *cfg, const char *path, rw_err *e)
{
    strbuf sb = STRBUF_INIT;
    int rc = rw_read_file(path, &sb, e);
    if (rc == RW_OK) {
        log_debug("Loading config file %s", path);
        rc = config_load_properties(cfg, sb.buf, sb.len, path, CFG_SRC_FILE, e);
    } else {
        e->code = RW_ERR_CONFIGURATION;
        rw_err_prefix(e, "Unable to load config file: ");
        rc = e->code;
    }
    sb_free(&sb);
    return rc;
}

/* ---- Environment -------------------------------------------------------- */

void config_key_to_env(const char *key, strbuf *out)
{
    for (const char *p = key; *p; p++) {
        if (*p == '.') {
            sb_addc(out, '_');
        } else if (isupper((unsigned char)*p)) {
            sb_addc(out, '_');
            sb_addc(out, *p);
        } else {
            sb_addc(out, (char)toupper((unsigned char)*p));
        }
    }
}

/* Maps the part after FLYWAY_ / RUNWAY_ to a known key of that namespace. */
static const config_key *config_key_from_env(const char *suffix, config_namespace ns)
{
    strbuf sb = STRBUF_INIT;
    const config_key *found = NULL;
    for (const config_key *k = known_keys; k->name && !found; k++) {
        if (k->ns != ns || k->name[strlen(k->name) - 1] == '.')
            continue;
        sb_reset(&sb);
        config_key_to_env(k->name, &sb);
        if (strcmp(sb_str(&sb), suffix) == 0)
            found = k;
    }
    sb_free(&sb);
    return found;
}

int config_load_env(rw_config *cfg, char *const *envp, rw_err *e)
{
    if (!envp)
        return RW_OK;
    for (char *const *ep = envp; *ep; ep++) {
        const char *eq = strchr(*ep, '=');
        if (!eq)
            continue;
        char *name = xstrndup(*ep, (size_t)(eq - *ep));
        const char *value = eq + 1;
        int rc = RW_OK;
        config_namespace ns;
        const char *suffix = NULL;
        if (rw_starts_with(name, "FLYWAY_")) {
            ns = CFG_NS_FLYWAY;
            suffix = name + 7;
        } else if (rw_starts_with(name, "RUNWAY_")) {
            ns = CFG_NS_RUNWAY;
            suffix = name + 7;
        }
        if (suffix) {
            char origin[300];
            snprintf(origin, sizeof origin, "environment variable %s", name);
            if (ns == CFG_NS_FLYWAY && rw_starts_with(suffix, "PLACEHOLDERS_") && suffix[13]) {
                char *key = xasprintf("placeholders.%s", suffix + 13);
                rc = config_set(cfg, key, value, CFG_SRC_ENV, origin, e);
                free(key);
            } else if (ns == CFG_NS_FLYWAY && rw_starts_with(suffix, "JDBC_PROPERTIES_") &&
                       suffix[16]) {
                char *key = xasprintf("jdbcProperties.%s", suffix + 16);
                rc = config_set(cfg, key, value, CFG_SRC_ENV, origin, e);
                free(key);
            } else {
                const config_key *k = config_key_from_env(suffix, ns);
                if (k) {
                    rc = config_set(cfg, k->name, value, CFG_SRC_ENV, origin, e);
                } else {
                    log_debug("ignoring environment variable %s (no such setting)", name);
                }
            }
        }
        free(name);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

/* ---- Command line and default files ------------------------------------- */

/* Parses one -key=value (or --key=value) argument. */
static int config_set_arg(rw_config *cfg, const char *arg, rw_err *e)
{
    const char *a = arg + 1;
    if (*a == '-')
        a++;
    const char *eq = strchr(a, '=');
    char *key = eq ? xstrndup(a, (size_t)(eq - a)) : xstrdup(a);
    const char *value = eq ? eq + 1 : "true";
    /* The key only: the value may be a password. */
    char *origin = xasprintf("command line argument -%s", key);
    int rc = config_set(cfg, key, value, CFG_SRC_CLI, origin, e);
    free(origin);
    free(key);
    return rc;
}

char *config_install_dir_of(const char *exe_path)
{
    const char *slash = strrchr(exe_path, '/');
    if (!slash)
        return xstrdup(".");
    size_t len = (size_t)(slash - exe_path);
    if (len >= 4 && memcmp(slash - 4, "/bin", 4) == 0)
        len -= 4;
    return len ? xstrndup(exe_path, len) : xstrdup("/");
}

/*
 * Flyway's installDir, whose conf/ holds the lowest-precedence config file.
 * Flyway's launcher sits in its install folder (/flyway/flyway), and so
 * does runway in the image (/flyway/runway, so /flyway/conf); an installed
 * runway sits in PREFIX/bin, and its conf/ belongs beside bin/, not in it.
 */
static char *config_install_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    return config_install_dir_of(buf);
}

static bool config_file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* Adds dir/name to files when it exists and is not listed yet. */
static void config_add_if_exists(strlist *files, const char *dir, const char *name)
{
    char *p = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
    if (config_file_exists(p) && !strlist_contains(files, p))
        strlist_push(files, p);
    free(p);
}

/*
 * Flyway's default config files, lowest precedence first: installDir/conf,
 * ~, ., workingDirectory.  flyway.toml (+ flyway.user.toml) files win:
 * when any exists, flyway.conf files are ignored.
 */
static void config_default_files(const char *working_dir, strlist *files, bool *toml)
{
    char *install = config_install_dir();
    char *conf_dir = install ? xasprintf("%s/conf", install) : NULL;
    const char *home = getenv("HOME");
    const char *dirs[] = {conf_dir, home && *home ? home : NULL, ".", working_dir};
    for (int pass = 0; pass < 2; pass++) {
        *toml = pass == 0;
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
            if (!dirs[i])
                continue;
            const char *dir = strcmp(dirs[i], ".") == 0 ? NULL : dirs[i];
            if (*toml) {
                config_add_if_exists(files, dir, "flyway.toml");
                config_add_if_exists(files, dir, "flyway.user.toml");
            } else {
                config_add_if_exists(files, dir, "flyway.conf");
            }
        }
        if (files->len)
            break;
    }
    if (*toml && files->len)
        log_debug("flyway.toml found: any flyway.conf is ignored");
    free(conf_dir);
    free(install);
}

/* -configFiles: all TOML or all Java properties, as Flyway requires. */
static int config_classify_files(const strlist *files, bool *toml, rw_err *e)
{
    size_t ntoml = 0;
    for (size_t i = 0; i < files->len; i++)
        if (rw_ends_with_ci(files->items[i], ".toml"))
            ntoml++;
    *toml = ntoml > 0;
    if (ntoml && ntoml != files->len)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "-configFiles mixes .toml and .conf files; use one format (Flyway does "
                       "not load both)");
    return RW_OK;
}

/* Finds -name=value among args, or NAME in the environment. */
static const char *config_early_value(int argc, char **argv, char *const *envp, const char *name,
                                      const char *env_name)
{
    size_t n = strlen(name);
    const char *found = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-')
            continue;
        a += (a[1] == '-') ? 2 : 1;
        if (strncmp(a, name, n) == 0 && a[n] == '=')
            found = a + n + 1;
    }
    if (found)
        return found;
    size_t en = strlen(env_name);
    for (char *const *ep = envp; ep && *ep; ep++)
        if (strncmp(*ep, env_name, en) == 0 && (*ep)[en] == '=')
            return *ep + en + 1;
    return NULL;
}

/* -environments.NAME.key=value arguments apply when NAME is the selected environment. */
typedef struct config_env_copy {
    rw_config *cfg;
    size_t prefix_len;
    strlist keys, values;
} config_env_copy;

static void config_collect_env_key(void *ud, const char *key, const char *value)
{
    config_env_copy *c = ud;
    strlist_push(&c->keys, key + c->prefix_len);
    strlist_push(&c->values, value);
}

static int config_apply_environment_args(rw_config *cfg, rw_err *e)
{
    char *prefix = xasprintf("environments.%s.", config_get(cfg, "environment"));
    config_env_copy c = {.cfg = cfg, .prefix_len = strlen(prefix)};
    config_each_prefix(cfg, prefix, config_collect_env_key, &c);
    int rc = RW_OK;
    for (size_t i = 0; i < c.keys.len && rc == RW_OK; i++) {
        const char *key = c.keys.items[i];
        if (rw_starts_with(key, "flyway."))
            key += 7;
        rc = config_set(cfg, key, c.values.items[i], CFG_SRC_CLI, "command line", e);
    }
    strlist_free(&c.keys);
    strlist_free(&c.values);
    free(prefix);
    return rc;
}

/* Loads the config files: Java properties, or flyway.toml with its environments. */
static int config_load_files(rw_config *cfg, const strlist *list, bool toml,
                             const char *working_dir, bool explicit_files, const char *environment,
                             rw_err *e)
{
    strlist paths = {0};
    for (size_t i = 0; i < list->len; i++) {
        char *p = NULL;
        if (working_dir && list->items[i][0] != '/' && explicit_files)
            p = xasprintf("%s/%s", working_dir, list->items[i]);
        strlist_push(&paths, p && config_file_exists(p) ? p : list->items[i]);
        free(p);
    }
    int rc = RW_OK;
    if (toml)
        rc = config_load_toml(cfg, &paths, environment, e);
    for (size_t i = 0; !toml && i < paths.len && rc == RW_OK; i++)
        rc = config_load_file(cfg, paths.items[i], e);
    strlist_free(&paths);
    return rc;
}

int config_load_all(rw_config *cfg, int argc, char **argv, char *const *envp, strlist *commands,
                    rw_err *e)
{
    const char *working_dir = config_early_value(argc, argv, envp, "workingDirectory",
                                                 "FLYWAY_WORKING_DIRECTORY");
    const char *files = config_early_value(argc, argv, envp, "configFiles", "FLYWAY_CONFIG_FILES");
    /* Flyway reads the environment name from lower-case flyway_environment. */
    const char *environment = config_early_value(argc, argv, envp, "environment",
                                                 "flyway_environment");
    if (!environment)
        environment = config_early_value(argc, argv, envp, "environment", "FLYWAY_ENVIRONMENT");
    strlist list = {0};
    bool toml = false;
    int rc = RW_OK;
    if (files) {
        strlist_split(&list, files, ',');
        rc = config_classify_files(&list, &toml, e);
    } else {
        config_default_files(working_dir, &list, &toml);
    }
    if (rc == RW_OK)
        rc = config_load_files(cfg, &list, toml, working_dir, files != NULL, environment, e);
    strlist_free(&list);
    if (rc == RW_OK)
        rc = config_load_env(cfg, envp, e);
    for (int i = 1; i < argc && rc == RW_OK; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (strcmp(a, "-X") == 0)
                config_set_raw(cfg, "logLevel", "debug", CFG_SRC_CLI);
            else if (strcmp(a, "-q") == 0)
                config_set_raw(cfg, "quiet", "true", CFG_SRC_CLI);
            else if (strcmp(a, "-?") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
                strlist_push(commands, "help");
            else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0)
                strlist_push(commands, "version");
            else if (strchr(a, '=') || (a[1] == '-' && a[2]))
                rc = config_set_arg(cfg, a, e);
            else if (strcmp(a, "-json") == 0)
                config_set_raw(cfg, "outputType", "json", CFG_SRC_CLI);
            else
                rc = config_set_arg(cfg, a, e);
        } else {
            strlist_push(commands, a);
        }
    }
    if (rc == RW_OK)
        rc = config_apply_environment_args(cfg, e);
    return rc;
}

/* ---- Redaction ----------------------------------------------------------- */

char *config_redact_url(const char *url)
{
    if (!url)
        return xstrdup("");
    strbuf sb = STRBUF_INIT;
    const char *scheme = strstr(url, "://");
    const char *p = url;
    if (scheme) {
        const char *host_start = scheme + 3;
        const char *at = NULL;
        for (const char *q = host_start; *q && *q != '/' && *q != '?'; q++)
            if (*q == '@')
                at = q;
        if (at) {
            const char *colon = memchr(host_start, ':', (size_t)(at - host_start));
            if (colon) {
                sb_add(&sb, url, (size_t)(colon - url) + 1);
                sb_adds(&sb, "***");
                p = at;
            }
        }
    }
    /* Query or property values named like a secret are masked. */
    while (*p) {
        bool at_param = (p > url && (p[-1] == '?' || p[-1] == '&' || p[-1] == ';'));
        if (at_param) {
            const char *eq = strchr(p, '=');
            const char *end = p + strcspn(p, "&;");
            if (eq && eq < end) {
                size_t kn = (size_t)(eq - p);
                char *k = xstrndup(p, kn);
                bool secret = strcasestr(k, "password") || strcasestr(k, "secret") ||
                              strcasestr(k, "token") || strcasecmp(k, "pwd") == 0;
                free(k);
                if (secret) {
                    sb_add(&sb, p, kn + 1);
                    sb_adds(&sb, "***");
                    p = end;
                    continue;
                }
            }
        }
        sb_addc(&sb, *p++);
    }
    return sb_detach(&sb);
}
