/*
 * migrate.h - the engine's state-changing operations: migrate, baseline,
 * repair and clean, each over an open session.
 */
#ifndef RUNWAY_MIGRATE_H
#define RUNWAY_MIGRATE_H

#include "core/session.h"

typedef struct migrate_applied {
    const rw_migration *mig;
    int execution_time;       /* ms */
} migrate_applied;

typedef struct migrate_result {
    char *initial_version;    /* NULL: empty schema */
    char *target_version;     /* version reached, NULL if none */
    migrate_applied *applied;
    size_t napplied;
    const rw_migration *failed;
    bool stopped_by_deadline;
    size_t pending_left;      /* not applied because of the deadline */
    bool baselined;
} migrate_result;

/* Applies pending migrations; deadline_ms (rw_now_ms clock, 0 = none) stops before a new one. */
int migrate_run(rw_session *s, int64_t deadline_ms, migrate_result *r, rw_err *e);
void migrate_result_free(migrate_result *r);

/* Validates the plan with ignoreMigrationPatterns (plus extra patterns, e.g. "*:pending"). */
int migrate_validate(rw_session *s, const char *extra_ignore, plan_problems *out, rw_err *e);
/* Formats problems as Flyway's "Validate failed: ..." error. */
int migrate_validate_error(const plan_problems *pp, rw_err *e);

/* Creates the history table with the baseline row. */
int baseline_run(rw_session *s, rw_err *e);

typedef struct repair_item {
    char *version;            /* NULL for repeatables */
    char *description;
    char *path;               /* local file, or NULL */
} repair_item;

typedef struct repair_result {
    strlist actions;          /* "Aligned applied migration checksums", ... */
    repair_item *removed;     /* failed rows deleted */
    size_t nremoved;
    repair_item *deleted;     /* missing migrations marked deleted */
    size_t ndeleted;
    repair_item *aligned;     /* rows whose checksum/description/type was updated */
    size_t naligned;
} repair_result;
int repair_run(rw_session *s, repair_result *r, rw_err *e);
void repair_result_free(repair_result *r);

#endif
