/*
 * cmd_undo.c - runway undo: reverts the latest applied versioned migration
 * (or all above -target) with its U file.
 */
#include <stdlib.h>

#include "cli/cmd.h"
#include "core/report.h"
#include "core/undo.h"

static json_t *undo_report(rw_session *s, const undo_result *res, bool success)
{
    json_t *o = report_new("undo", s);
    json_object_set_new(o, "initialSchemaVersion",
                        res->initial_version ? json_string(res->initial_version) : json_null());
    json_object_set_new(o, "targetSchemaVersion",
                        res->target_version ? json_string(res->target_version) : json_null());
    json_object_set_new(o, "schemaName", json_string(session_schema(s)));
    json_t *arr = json_array();
    for (size_t i = 0; i < res->ndone; i++) {
        const rw_migration *u = res->done[i].undo;
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}", "category", "Undo",
                                             "version", u->version.text, "description",
                                             u->description, "type", "UNDO_SQL", "filepath",
                                             u->path, "executionTime",
                                             res->done[i].execution_time));
    }
    json_object_set_new(o, "undoneMigrations", arr);
    json_object_set_new(o, "migrationsUndone", json_integer((json_int_t)res->ndone));
    json_object_set_new(o, "success", json_boolean(success));
    return o;
}

int cmd_undo(rw_run *r)
{
    rw_session s;
    int rc = cmd_open(r, &s);
    undo_result res = {0};
    if (rc == RW_OK) {
        const char *target = config_is_set(r->cfg, "target") ? config_get(r->cfg, "target") : NULL;
        rc = undo_run(&s, target, &res, &r->err);
        r->report = undo_report(&s, &res, rc == RW_OK);
    }
    undo_result_free(&res);
    session_close(&s);
    return rc;
}
