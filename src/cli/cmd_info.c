/*
 * cmd_info.c - runway info: the state of every migration.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/report.h"

/* -infoSinceVersion / -infoUntilVersion / -infoOfState filters. */
static bool *info_filter(rw_run *r, const rw_plan *p)
{
    const char *since = config_get(r->cfg, "infoSinceVersion");
    const char *until = config_get(r->cfg, "infoUntilVersion");
    const char *states = config_get(r->cfg, "infoOfState");
    if (!since && !until && !states)
        return NULL;
    rw_version vs = {0}, vu = {0};
    if (since)
        version_parse(since, &vs, NULL);
    if (until)
        version_parse(until, &vu, NULL);
    strlist st = {0};
    strlist_split(&st, states, ',');
    bool *inc = xcalloc(p->len + 1, sizeof *inc);
    for (size_t i = 0; i < p->len; i++) {
        const plan_entry *en = &p->items[i];
        const char *v = plan_entry_version(en);
        rw_version ev = {0};
        bool ok = true;
        if (v && version_parse(v, &ev, NULL) == RW_OK) {
            if (since && version_cmp(&ev, &vs) < 0)
                ok = false;
            if (until && version_cmp(&ev, &vu) > 0)
                ok = false;
        } else if (since || until) {
            ok = false;
        }
        version_free(&ev);
        if (ok && st.len) {
            ok = false;
            for (size_t k = 0; k < st.len; k++)
                if (rw_str_ieq(st.items[k], plan_state_name(en->state)))
                    ok = true;
        }
        inc[i] = ok;
    }
    version_free(&vs);
    version_free(&vu);
    strlist_free(&st);
    return inc;
}

int cmd_info(rw_run *r)
{
    rw_session s;
    int rc = cmd_open(r, &s);
    if (rc == RW_OK)
        rc = session_callbacks(&s, "beforeInfo", true, &r->err);
    if (rc == RW_OK) {
        const char *cur = plan_info_version(&s.plan);
        bool *inc = info_filter(r, &s.plan);
        json_t *o = report_new("info", &s);
        r->report = o;
        json_object_set_new(o, "schemaVersion", cur ? json_string(cur) : json_null());
        json_object_set_new(o, "schemaName", report_schema_name(s.cfg));
        if (!r->summary_only) {
            report_array arr;
            report_array_begin(&arr, r->stream, o, "migrations");
            for (size_t i = 0; i < s.plan.len; i++)
                if (!inc || inc[i])
                    report_array_add(&arr, report_info_entry(&s.plan.items[i]));
            report_array_end(&arr);
        }
        /*
         * The history table is one of its schema's tables, so where it is
         * there that schema is not empty, as Flyway counts: no need for the
         * catalog query, which on MariaDB reads every stored routine.
         */
        bool all_empty = false;
        if (!s.hist_exists && s.db.ops->schema_is_empty(s.db.conn, session_schema(&s), &all_empty,
                                                        &r->err) != RW_OK)
            all_empty = false;
        json_object_set_new(o, "allSchemasEmpty", json_boolean(all_empty));
        char ts[64];
        report_timestamp(ts, sizeof ts);
        json_object_set_new(o, "timestamp", json_string(ts));
        json_object_set_new(o, "exception", json_null());
        json_object_set_new(o, "licenseFailed", json_false());
        if (r->out) {
            fprintf(r->out, "Schema version: %s\n\n", cur ? cur : "<< Empty Schema >>");
            report_info_table(r->out, &s.plan, inc);
        }
        free(inc);
    }
    rc = cmd_finish_callbacks(r, &s, "Info", rc);
    session_close(&s);
    return rc;
}
