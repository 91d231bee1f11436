/*
 * cmd_clean.c - runway clean: drops every object in the managed schemas.
 * Refused unless cleanDisabled=false, as in Flyway 9+.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/log.h"
#include "core/report.h"

/*
 * True when the history's SCHEMA marker row lists schema, i.e. runway or
 * Flyway created it: such schemas are dropped rather than emptied.
 */
static bool clean_schema_was_created(const rw_session *s, const char *schema)
{
    for (size_t i = 0; i < s->hist.len; i++) {
        const rw_history_row *row = &s->hist.rows[i];
        if (strcmp(row->type, "SCHEMA") != 0)
            continue;
        strlist names = {0};
        strlist_split(&names, row->script, ',');
        bool found = false;
        for (size_t k = 0; k < names.len && !found; k++) {
            char *n = names.items[k];
            size_t len = strlen(n);
            if (len >= 2 && (n[0] == '"' || n[0] == '`') && n[len - 1] == n[0]) {
                n[len - 1] = '\0';
                n++;
            }
            found = strcmp(n, schema) == 0;
        }
        strlist_free(&names);
        if (found)
            return true;
    }
    return false;
}

int cmd_clean(rw_run *r)
{
    if (config_get_bool(r->cfg, "cleanDisabled"))
        return rw_fail(&r->err, RW_ERR_CLEAN_DISABLED,
                       "Unable to execute clean as it has been disabled with the "
                       "'flyway.cleanDisabled' property. Set cleanDisabled=false to allow it.");
    rw_session s;
    int rc = cmd_open(r, &s);
    json_t *cleaned = json_array(), *dropped = json_array();
    if (rc == RW_OK)
        rc = session_callbacks(&s, "beforeClean", true, &r->err);
    size_t n = s.schemas.len ? s.schemas.len : 1;
    for (size_t i = 0; i < n && rc == RW_OK; i++) {
        const char *schema = s.schemas.len ? s.schemas.items[i] : s.default_schema;
        bool exists = true;
        rc = s.db.ops->schema_exists(s.db.conn, schema, &exists, &r->err);
        if (rc != RW_OK || !exists)
            continue;
        bool drop = clean_schema_was_created(&s, schema);
        rc = s.db.ops->clean_schema(s.db.conn, schema, drop, &r->err);
        if (rc == RW_OK) {
            char *quoted = session_quote(&s, schema);
            log_info("Successfully %s schema %s", drop ? "dropped" : "cleaned", quoted);
            free(quoted);
            json_array_append_new(drop ? dropped : cleaned, json_string(schema));
        }
    }
    json_t *o = report_new("clean", s.db.conn ? &s : NULL);
    json_object_set_new(o, "schemasCleaned", cleaned);
    json_object_set_new(o, "schemasDropped", dropped);
    r->report = o;
    rc = cmd_finish_callbacks(r, &s, "Clean", rc);
    session_close(&s);
    return rc;
}
