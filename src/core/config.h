/*
 * config.h - the merged configuration.  Flyway's keys (flyway.conf,
 * FLYWAY_* env vars, -key=value) and runway's own keys (runway.* in files,
 * RUNWAY_* env vars, -key=value) land in one store keyed by the setting's
 * camelCase name; later sources override earlier ones (CLI > env > files).
 */
#ifndef RUNWAY_CONFIG_H
#define RUNWAY_CONFIG_H

#include "core/util.h"

typedef enum {
    CFG_SRC_DEFAULT = 0,
    CFG_SRC_FILE,
    CFG_SRC_ENV,
    CFG_SRC_EVENT,  /* a Lambda event's overrides */
    CFG_SRC_CLI,
} config_source;

typedef enum { CFG_NS_FLYWAY, CFG_NS_RUNWAY } config_namespace;

typedef struct config_key {
    const char *name;          /* camelCase, or a prefix ending in '.' */
    config_namespace ns;
    const char *default_value; /* NULL: unset */
    const char *help;
} config_key;

typedef struct rw_config rw_config;

rw_config *config_new(void);
void config_free(rw_config *cfg);
/* A copy of every setting with its source: one target's settings go on a copy of the run's. */
rw_config *config_copy(const rw_config *cfg);

/* The table of known keys, terminated by a {NULL} entry. */
const config_key *config_known_keys(void);
/* Looks a key up ("placeholders.x" matches the "placeholders." prefix). */
const config_key *config_find_key(const char *name);

/*
 * Sets key to value.  An unknown key is an error naming it (and origin, a
 * file:line or "command line") and suggesting the closest known key.
 */
int config_set(rw_config *cfg, const char *key, const char *value, config_source src,
               const char *origin, rw_err *e);
/* Sets without validating the key name (for internal use and tests). */
void config_set_raw(rw_config *cfg, const char *key, const char *value, config_source src);

/* Value or the key's default; NULL when neither exists. */
const char *config_get(const rw_config *cfg, const char *key);
bool config_is_set(const rw_config *cfg, const char *key);
bool config_get_bool(const rw_config *cfg, const char *key);
long config_get_long(const rw_config *cfg, const char *key);
/* Comma-separated list value. */
void config_get_list(const rw_config *cfg, const char *key, strlist *out);

/* Every key that starts with prefix (e.g. "placeholders."), in insertion order. */
typedef void (*config_each_fn)(void *ud, const char *key, const char *value);
void config_each_prefix(const rw_config *cfg, const char *prefix, config_each_fn fn, void *ud);

/* Parses Java-properties text (flyway.conf) into cfg; origin names the file. */
int config_load_properties(rw_config *cfg, const char *text, size_t len, const char *origin,
                           config_source src, rw_err *e);
int config_load_file(rw_config *cfg, const char *path, rw_err *e);
/* Reads FLYWAY_* and RUNWAY_* variables from envp. */
int config_load_env(rw_config *cfg, char *const *envp, rw_err *e);

/*
 * Loads flyway.toml files (in order, later wins): [flyway] and [runway]
 * of every file, then the keys of the selected environment (environment,
 * or the configured "environment" setting when NULL).
 */
int config_load_toml(rw_config *cfg, const strlist *files, const char *environment, rw_err *e);

/*
 * Loads the whole configuration the way the command line does: default
 * config files, -configFiles, env, then CLI args.  Non-option arguments
 * (commands) are appended to commands.
 */
int config_load_all(rw_config *cfg, int argc, char **argv, char *const *envp, strlist *commands,
                    rw_err *e);

/* Flyway's camelCase -> UPPER_SNAKE rule ("connectRetriesInterval" -> "CONNECT_RETRIES_INTERVAL"). */
void config_key_to_env(const char *key, strbuf *out);

/*
 * The install folder for the executable at exe_path: the folder above bin/
 * when the executable sits in a bin/ folder, its own folder otherwise.
 */
char *config_install_dir_of(const char *exe_path);

/* Returns a copy of url with any password (user:pw@, password=...) replaced by "***". */
char *config_redact_url(const char *url);

#endif
