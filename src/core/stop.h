/*
 * stop.h - stopping a command early and cleanly.  SIGTERM, SIGINT and SIGHUP
 * (an ECS stop, a Spot interruption, a cancelled CI job, Ctrl-C) and a
 * deadline (Lambda's, less a reserve) both cancel the running statement,
 * so the migration rolls back, the lock is released and whoever waits on
 * the result still gets an answer.  A second signal exits at once.
 *
 * The signal handler only writes the signal number to a pipe; a watcher
 * thread reads it (or times out at the deadline) and cancels the statement
 * through the driver.  The command itself notices at the next statement
 * or migration boundary (stop_requested()) and fails with INTERRUPTED or
 * DEADLINE_REACHED.
 */
#ifndef RUNWAY_STOP_H
#define RUNWAY_STOP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/util.h"
#include "db/db.h"

typedef enum { STOP_NONE = 0, STOP_SIGNAL, STOP_DEADLINE } stop_cause;

/* Installs the signal handlers and starts the watcher; once per process. */
int stop_init(rw_err *e);

/*
 * While not busy (the Lambda runtime waiting for its next event), a signal
 * ends the process at once: nobody is waiting on an answer.
 */
void stop_set_busy(bool busy);

/*
 * Cancels the running statement when rw_now_ms() reaches at (0: no
 * deadline); what names the deadline in messages ("the Lambda deadline").
 * Re-arming clears an earlier deadline stop, never a signal.
 */
void stop_arm_deadline(int64_t at, const char *what);

/* The connection the watcher cancels; the session registers it while open. */
void stop_watch(rw_db *db, const rw_config *cfg);
void stop_unwatch(rw_db *db);

/* Around fork(): the child gets no lock the watcher thread held (see stop.c). */
void stop_before_fork(void);
void stop_after_fork(void);

bool stop_requested(void);
stop_cause stop_get_cause(void);
/* The signal received (SIGTERM, ...), or 0. */
int stop_signal(void);
/* 128 + the signal, the shell's convention (130 for SIGINT, 143 for SIGTERM), or 0. */
int stop_exit_code(void);

/* Fills e with RW_ERR_INTERRUPTED ("interrupted by SIGTERM") or RW_ERR_DEADLINE. */
int stop_fail(rw_err *e);
/* RW_ERR_INTERRUPTED, RW_ERR_DEADLINE, or RW_OK when no stop was asked for. */
rw_code stop_code(void);
/* True for the two codes a stop produces. */
bool stop_is_code(rw_code code);

#endif
