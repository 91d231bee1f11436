/*
 * cmd_validate.c - runway validate: local files against applied rows.
 * Unlike Flyway's JSON mode, a failed validation always exits non-zero.
 */
#include "cli/cmd.h"
#include "core/log.h"
#include "core/migrate.h"
#include "core/report.h"

int cmd_validate(rw_run *r)
{
    rw_session s;
    int64_t t0 = rw_now_ms();
    int rc = cmd_open(r, &s);
    if (rc == RW_OK)
        rc = session_callbacks(&s, "beforeValidate", true, &r->err);
    if (rc != RW_OK) {
        session_close(&s);
        return rc;
    }
    plan_problems pp = {0};
    rc = migrate_validate(&s, NULL, &pp, &r->err);
    json_t *o = report_new("validate", &s);
    json_t *invalid = json_array();
    for (size_t i = 0; i < pp.len; i++) {
        const plan_entry *en = pp.items[i].entry;
        const char *v = plan_entry_version(en);
        json_t *it = json_object();
        json_object_set_new(it, "version", json_string(v ? v : ""));
        json_object_set_new(it, "description", json_string(plan_entry_description(en)));
        json_object_set_new(it, "filepath", json_string(en->mig ? en->mig->path : ""));
        json_t *det = json_object();
        json_object_set_new(det, "errorCode", json_string(rw_code_name(pp.items[i].code)));
        json_object_set_new(det, "errorMessage", json_string(pp.items[i].message));
        json_object_set_new(it, "errorDetails", det);
        json_array_append_new(invalid, it);
    }
    if (rc == RW_OK && pp.len) {
        json_t *det = json_object();
        json_object_set_new(det, "errorCode", json_string("VALIDATE_ERROR"));
        json_object_set_new(det, "errorMessage", json_string("Migrations have failed validation"));
        json_object_set_new(o, "errorDetails", det);
        rc = migrate_validate_error(&pp, &r->err);
    } else {
        json_object_set_new(o, "errorDetails", json_null());
    }
    json_object_set_new(o, "invalidMigrations", invalid);
    json_object_set_new(o, "validationSuccessful", json_boolean(rc == RW_OK));
    json_object_set_new(o, "validateCount", json_integer(rc == RW_OK ? (json_int_t)s.plan.len : 0));
    r->report = o;
    if (rc == RW_OK)
        log_info("Successfully validated %zu migration%s (execution time %s)", s.plan.len,
                 s.plan.len == 1 ? "" : "s",
                 log_duration(rw_now_ms() - t0, (char[32]){0}, 32));
    plan_problems_free(&pp);
    rc = cmd_finish_callbacks(r, &s, "Validate", rc);
    session_close(&s);
    return rc;
}
