/*
 * cmd_check.c - runway check: the deploy gate.  Reads the history table
 * once and exits 0 when the database holds every local migration (or
 * -expectVersion), with a distinct exit code for each way it does not.
 */
#include <stdlib.h>

#include "cli/cmd.h"
#include "core/gate.h"
#include "core/report.h"

/*
 * Fills r->report for a database that gave no session: "unreachable" (no
 * answer) or "refused" (it answered and refused the login or database).
 */
static int check_no_session(rw_run *r, const char *operation, const char *status, int exit_code)
{
    json_t *o = report_new(operation, NULL);
    json_object_set_new(o, "status", json_string(status));
    json_object_set_new(o, "exitCode", json_integer(exit_code));
    r->report = o;
    r->exit_code = exit_code;
    return r->err.code;
}

int cmd_gate_open_failed(rw_run *r, const char *operation)
{
    if (db_error_is_refusal(&r->err))
        return check_no_session(r, operation, "refused", GATE_EXIT_REFUSED);
    if (r->err.code == RW_ERR_DB_CONNECTION)
        return check_no_session(r, operation, "unreachable", GATE_EXIT_UNREACHABLE);
    r->exit_code = GATE_EXIT_ERROR;
    return r->err.code ? (int)r->err.code : RW_ERROR;
}

/*
 * The gate's JSON carries every warning its text output printed: the scan's
 * (a skipped location, no migrations found) come first, as they are logged
 * first, ahead of the session's (files ignored for their names).  A pipeline
 * reading only the JSON learns why the gate saw what it saw.
 */
static void check_add_scan_warnings(json_t *report, const rw_session *s)
{
    json_t *w = json_object_get(report, "warnings");
    for (size_t i = 0; i < s->res.warnings.len; i++)
        json_array_insert_new(w, i, json_string(s->res.warnings.items[i]));
}

int cmd_gate_finish(rw_run *r, rw_session *s, const gate_result *g, const char *operation)
{
    const char *expect = config_get(r->cfg, "expectVersion");
    char *summary = gate_summary(s, g, expect);
    json_t *o = report_new(operation, s);
    check_add_scan_warnings(o, s);
    json_object_set_new(o, "schemaName", json_string(session_schema(s)));
    gate_report(o, g, expect);
    json_object_set_new(o, "message", json_string(summary));
    r->report = o;
    r->exit_code = gate_exit_code(g->status);
    int rc = RW_OK;
    if (g->status == GATE_OK) {
        if (r->out)
            fprintf(r->out, "%s\n", summary);
    } else {
        rw_code code = g->status == GATE_FAILED           ? RW_ERR_FAILED_VERSIONED
                       : g->status == GATE_DRIFT          ? RW_ERR_CHECKSUM_MISMATCH
                       : g->status == GATE_NO_MIGRATIONS ? RW_ERR_CONFIGURATION
                                                          : RW_ERR_VALIDATE;
        rc = rw_fail(&r->err, code, "%s", summary);
    }
    free(summary);
    return rc;
}

int cmd_check(rw_run *r)
{
    rw_session s;
    int rc = cmd_open(r, &s);
    if (rc != RW_OK) {
        rc = cmd_gate_open_failed(r, "check");
        session_close(&s);
        return rc;
    }
    gate_result g;
    rc = gate_evaluate(&s, config_get(r->cfg, "expectVersion"), &g, &r->err);
    if (rc == RW_OK)
        rc = cmd_gate_finish(r, &s, &g, "check");
    else
        r->exit_code = GATE_EXIT_ERROR;
    gate_result_free(&g);
    session_close(&s);
    return rc;
}
