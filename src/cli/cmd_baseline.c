/*
 * cmd_baseline.c - runway baseline: starts the history of an existing database.
 */
#include "cli/cmd.h"
#include "core/migrate.h"
#include "core/report.h"

int cmd_baseline(rw_run *r)
{
    rw_session s;
    int rc = cmd_open(r, &s);
    if (rc == RW_OK)
        rc = session_callbacks(&s, "beforeBaseline", true, &r->err);
    if (rc == RW_OK)
        rc = baseline_run(&s, &r->err);
    json_t *o = report_new("baseline", s.db.conn ? &s : NULL);
    json_object_set_new(o, "successfullyBaselined", json_boolean(rc == RW_OK));
    json_object_set_new(o, "baselineVersion", json_string(config_get(r->cfg, "baselineVersion")));
    r->report = o;
    rc = cmd_finish_callbacks(r, &s, "Baseline", rc);
    session_close(&s);
    return rc;
}
