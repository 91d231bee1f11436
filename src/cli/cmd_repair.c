/*
 * cmd_repair.c - runway repair: fixes the history table after a failure,
 * a deleted file or an intended edit of an applied migration.
 */
#include "cli/cmd.h"
#include "core/migrate.h"
#include "core/report.h"

static json_t *repair_items(const repair_item *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_object();
        json_object_set_new(it, "version", json_string(items[i].version ? items[i].version : ""));
        json_object_set_new(it, "description", json_string(items[i].description));
        json_object_set_new(it, "filepath", json_string(items[i].path ? items[i].path : ""));
        json_array_append_new(arr, it);
    }
    return arr;
}

int cmd_repair(rw_run *r)
{
    rw_session s;
    repair_result res = {0};
    int rc = cmd_open(r, &s);
    if (rc == RW_OK)
        rc = session_callbacks(&s, "beforeRepair", true, &r->err);
    if (rc == RW_OK)
        rc = repair_run(&s, &res, &r->err);
    json_t *o = report_new("repair", s.db.conn ? &s : NULL);
    json_t *actions = json_array();
    for (size_t i = 0; i < res.actions.len; i++)
        json_array_append_new(actions, json_string(res.actions.items[i]));
    json_object_set_new(o, "repairActions", actions);
    json_object_set_new(o, "migrationsRemoved", repair_items(res.removed, res.nremoved));
    json_object_set_new(o, "migrationsDeleted", repair_items(res.deleted, res.ndeleted));
    json_object_set_new(o, "migrationsAligned", repair_items(res.aligned, res.naligned));
    r->report = o;
    repair_result_free(&res);
    rc = cmd_finish_callbacks(r, &s, "Repair", rc);
    session_close(&s);
    return rc;
}
