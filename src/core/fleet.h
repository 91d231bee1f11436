/*
 * fleet.h - one command over many targets: the tenant schemas of one
 * server, or a list of databases.  This module settles which targets a run
 * covers (the list, the catalog pattern, the shard); src/cli/fleet.c runs
 * the command on each of them.
 */
#ifndef RUNWAY_FLEET_H
#define RUNWAY_FLEET_H

#include "core/config.h"
#include "core/util.h"

/* Exit codes of a run over several targets (documented in docs/fleets.md). */
enum {
    FLEET_EXIT_OK = 0,          /* every target succeeded */
    FLEET_EXIT_SOME_FAILED = 1, /* at least one target failed (check: is not up to date) */
    FLEET_EXIT_NOT_STARTED = 10 /* no target ran: configuration, catalog or scan error */
};

typedef struct fleet_target {
    char *name;       /* what reports call it: the schema, or the URL without password */
    char *schema;     /* tenant schema (defaultSchema and schemas), or NULL */
    char *url;        /* database URL, or NULL for the configured one */
    strlist settings; /* per-target "key=value" settings from the targets file */
} fleet_target;

typedef struct fleet_targets {
    fleet_target *items;
    size_t len;
    size_t cap;
} fleet_targets;

void fleet_targets_free(fleet_targets *t);

/* True when the configuration asks for a run over several targets. */
bool fleet_requested(const rw_config *cfg);

/*
 * Parses a targets file: one database per line, "URL [key=value ...]";
 * blank lines and lines starting with '#' are skipped.  Errors name the
 * file and line.
 */
int fleet_parse_targets(const char *text, const char *origin, fleet_targets *out, rw_err *e);

/*
 * Reads a Lambda event's batch of targets (the Items a Step Functions
 * Distributed Map hands each invocation): each item is a schema name, or an
 * object with "schema" or "url", optional "name", "placeholders" (an object)
 * and other settings as strings, numbers or booleans.
 */
struct json_t;
int fleet_targets_from_json(struct json_t *items, fleet_targets *out, rw_err *e);

/*
 * Splits -tenantSchemas into exact names and LIKE patterns (entries holding
 * '%').  Exact names become targets at once; patterns are left in patterns
 * for the caller to expand against the catalog.
 */
void fleet_split_schemas(const char *value, fleet_targets *out, strlist *patterns);
void fleet_add_schema(fleet_targets *t, const char *schema);

/* The shard this run covers: index in 1..total; total 0 means all. */
typedef struct fleet_shard {
    unsigned index;
    unsigned total;
} fleet_shard;

/*
 * Reads the shard from -shard=i/n, else from GitLab's CI_NODE_INDEX and
 * CI_NODE_TOTAL, else from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX
 * (0-based) with -shardCount.  Errors name the setting.
 */
int fleet_shard_from(const rw_config *cfg, char *const *envp, fleet_shard *out, rw_err *e);
/* Which shard (1..total) a target belongs to: a hash of its name, so list order does not matter. */
unsigned fleet_shard_of(const char *name, unsigned total);
/* Keeps only the targets of shard; sorts and drops duplicates first. */
void fleet_apply_shard(fleet_targets *t, fleet_shard shard);

#endif
