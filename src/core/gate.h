/*
 * gate.h - the deploy gate: does the database hold every local migration,
 * applied successfully and with matching checksums?  check answers once,
 * wait keeps asking.  Both exit with the codes below so that a pipeline
 * can tell "not yet" from "broken".
 */
#ifndef RUNWAY_GATE_H
#define RUNWAY_GATE_H

#include <jansson.h>

#include "core/session.h"

/* Process exit codes of check and wait (documented in docs/deploy-gate.md). */
enum {
    GATE_EXIT_OK = 0,
    GATE_EXIT_ERROR = 1,        /* configuration, scanning, anything else */
    GATE_EXIT_PENDING = 2,      /* migrations not applied yet / below expectVersion */
    GATE_EXIT_FAILED = 3,       /* a failed migration is recorded */
    GATE_EXIT_DRIFT = 4,        /* an applied migration's checksum differs from its file */
    GATE_EXIT_UNREACHABLE = 5,  /* the database did not accept a connection */
    GATE_EXIT_TIMEOUT = 6,      /* wait: the state was not reached in time */
    GATE_EXIT_NO_MIGRATIONS = 7, /* a location is missing or no location holds a migration */
    GATE_EXIT_REFUSED = 8,      /* the database refused the login or does not exist */
};

typedef enum { GATE_OK, GATE_PENDING, GATE_FAILED, GATE_DRIFT, GATE_NO_MIGRATIONS } gate_status;

typedef struct gate_result {
    gate_status status;
    const char *schema_version;      /* points into the session, NULL for an empty schema */
    const plan_entry **pending;      /* local migrations the database does not hold */
    size_t npending;
    const plan_entry **failed;       /* rows with success = false */
    size_t nfailed;
    const plan_entry **drift;        /* applied versioned rows whose checksum differs */
    size_t ndrift;
    bool below_expected;             /* schema version lower than expectVersion */
    bool migration_running;          /* failed rows belong to a migration running now */
} gate_result;

/*
 * Evaluates an open session.  expect_version (NULL: every local
 * migration) limits the check to versioned migrations up to that version.
 */
int gate_evaluate(const rw_session *s, const char *expect_version, gate_result *out, rw_err *e);
void gate_result_free(gate_result *g);

/* The exit code for a status. */
int gate_exit_code(gate_status st);
const char *gate_status_name(gate_status st);
/* One line saying what is wrong (or that all is well), for people and for error messages. */
char *gate_summary(const rw_session *s, const gate_result *g, const char *expect_version);
/* Adds "status", "schemaVersion", "pending", "failed", "drift" to a JSON report. */
void gate_report(json_t *o, const gate_result *g, const char *expect_version);

#endif
