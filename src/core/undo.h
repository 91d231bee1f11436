/*
 * undo.h - Flyway Teams' undo: runs the U<version>__*.sql file of the most
 * recently applied versioned migration (or of every one above -target) and
 * records an UNDO_SQL row, after which info shows the migration as Undone
 * and migrate applies it again.
 */
#ifndef RUNWAY_UNDO_H
#define RUNWAY_UNDO_H

#include "core/session.h"

typedef struct undo_done {
    const rw_migration *undo;     /* the U file that ran */
    int execution_time;           /* ms */
} undo_done;

typedef struct undo_result {
    char *initial_version;
    char *target_version;         /* schema version afterwards, NULL if empty */
    undo_done *done;
    size_t ndone;
} undo_result;

/*
 * Undoes the latest applied versioned migration, or with target (a
 * version) every applied versioned migration above it, newest first.
 * Every one of them needs its U file; nothing runs when one is missing.
 */
int undo_run(rw_session *s, const char *target, undo_result *r, rw_err *e);
void undo_result_free(undo_result *r);

#endif
