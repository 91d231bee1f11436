/*
 * plan.h - what Flyway calls the migration info service: the local files
 * and the history rows merged into one ordered list with a state for each
 * (Pending, Success, Failed, Missing, Outdated, ...).  migrate, info,
 * validate, repair and check all read it.
 */
#ifndef RUNWAY_PLAN_H
#define RUNWAY_PLAN_H

#include "core/history.h"
#include "core/scan.h"

typedef enum {
    ST_PENDING,
    ST_ABOVE_TARGET,
    ST_BELOW_BASELINE,
    ST_BASELINE_IGNORED,
    ST_BASELINE,
    ST_IGNORED,
    ST_MISSING_SUCCESS,
    ST_MISSING_FAILED,
    ST_SUCCESS,
    ST_UNDONE,
    ST_AVAILABLE,
    ST_FAILED,
    ST_OUT_OF_ORDER,
    ST_FUTURE_SUCCESS,
    ST_FUTURE_FAILED,
    ST_OUTDATED,
    ST_SUPERSEDED,
    ST_DELETED,
} rw_state;

typedef struct plan_entry {
    const rw_migration *mig;        /* the local file, or NULL */
    const rw_history_row *row;      /* the history row, or NULL */
    const rw_migration *undo;       /* matching U file, or NULL */
    rw_state state;
} plan_entry;

typedef struct rw_plan {
    plan_entry *items;
    size_t len;
    size_t cap;
    rw_version baseline;       /* version of a BASELINE row, if any */
    rw_version last_applied;   /* highest applied version */
    rw_version last_resolved;  /* highest local version */
    rw_version target;         /* unset = latest */
    bool target_next;
    bool target_optional;      /* "2?" - no error if the target does not exist */
} rw_plan;

/* Parsed ignoreMigrationPatterns: which (type, state) pairs validate ignores. */
typedef struct plan_ignore {
    bool versioned[4];   /* index: 0 missing, 1 pending, 2 ignored, 3 future */
    bool repeatable[4];
} plan_ignore;

typedef struct plan_problem {
    const plan_entry *entry;
    rw_code code;
    char *message;
} plan_problem;

typedef struct plan_problems {
    plan_problem *items;
    size_t len;
} plan_problems;

/*
 * Builds the plan.  target is "latest", "current", "next", a version, or a
 * version followed by '?'.
 */
int plan_build(const rw_resources *res, const rw_history *hist, const char *target,
               bool out_of_order, rw_plan *out, rw_err *e);
void plan_free(rw_plan *p);

const char *plan_state_name(rw_state s);
/* "Versioned", "Repeatable", "Baseline", "Undo" or "" */
const char *plan_entry_category(const plan_entry *en);
const char *plan_entry_version(const plan_entry *en);
const char *plan_entry_description(const plan_entry *en);
const char *plan_entry_type(const plan_entry *en);
bool plan_state_is_failed(rw_state s);
bool plan_state_is_applied(rw_state s);
/* The version shown as "Schema version" (highest successful versioned row), or NULL. */
const char *plan_current_version(const rw_plan *p, const rw_history *h);
/* The version info shows as "Schema version": a failed row counts, as in Flyway. */
const char *plan_info_version(const rw_plan *p);

int plan_parse_ignore(const char *patterns, plan_ignore *out, rw_err *e);
/* Validates every entry as Flyway does; problems are appended to out. */
void plan_validate(const rw_plan *p, const plan_ignore *ign, plan_problems *out);
void plan_problems_free(plan_problems *pp);

/* True when the entry is something migrate would apply now. */
bool plan_entry_is_pending(const plan_entry *en);

#endif
