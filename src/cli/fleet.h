/*
 * fleet.h - runs the commands of one command line over many targets
 * (-tenantSchemas, -targets), -parallel at a time, in worker processes.
 */
#ifndef RUNWAY_CLI_FLEET_H
#define RUNWAY_CLI_FLEET_H

#include <jansson.h>

#include "core/config.h"
#include "core/fleet.h"
#include "core/util.h"

typedef struct fleet_counts {
    size_t succeeded, failed, not_run;
} fleet_counts;

/* Called once per target as it finishes, in this process, with the counts so far. */
typedef void (*fleet_entry_fn)(void *ud, json_t *entry, const fleet_counts *counts);

/* -parallel in range and every command one that runs per target. */
int fleet_validate_settings(const rw_config *cfg, const strlist *commands, rw_err *e);

/*
 * Runs commands on every target, -parallel at once, in forked workers that
 * each take one target after another (the caller has scanned and shared
 * the scan, session_share_scan).  Stops starting targets after a failure
 * with -failFast, or on SIGINT, SIGTERM or SIGHUP, which it forwards to the
 * workers; targets never started
 * are reported with state "notRun".  Returns the signal that stopped it, 0
 * when none did.
 */
int fleet_run_targets(rw_config *cfg, const strlist *commands, fleet_targets *targets,
                      int64_t deadline_ms, fleet_entry_fn on_entry, void *ud,
                      fleet_counts *counts);
/* {"targets": N, "succeeded": ..., "failed": ..., "notRun": ..., "executionTimeMs": ms} */
json_t *fleet_summary(const fleet_counts *c, int64_t ms);

/* Returns the process exit code (FLEET_EXIT_* in core/fleet.h, or 130/143 when interrupted). */
int fleet_main(rw_config *cfg, const strlist *commands, bool json, char *const *envp);

/* The batch of targets a Lambda event carries ("targets", or a Distributed Map's "Items"), or NULL. */
json_t *fleet_event_batch(json_t *event);

#include "cli/commands.h"
/*
 * Runs command over a Lambda event's batch and fills r as command_execute
 * does: the report lists every target, and the run fails when any did.
 */
int fleet_execute_batch(rw_run *r, const char *command, json_t *items);

#endif
