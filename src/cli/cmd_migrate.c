/*
 * cmd_migrate.c - runway migrate: applies pending migrations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/log.h"
#include "core/migrate.h"
#include "core/progress.h"
#include "core/report.h"

static json_t *migrate_report(rw_session *s, const migrate_result *res, bool success,
                              const rw_run *r)
{
    bool summary_only = r->summary_only;
    json_t *o = report_new("migrate", s);
    json_object_set_new(o, "initialSchemaVersion",
                        res->initial_version ? json_string(res->initial_version) : json_null());
    /* After a failure Flyway has no target version to report. */
    json_object_set_new(o, "targetSchemaVersion", success && res->target_version
                                                      ? json_string(res->target_version)
                                                      : json_null());
    json_object_set_new(o, "schemaName", report_schema_name(s->cfg));
    report_array arr;
    if (!summary_only)
        report_array_begin(&arr, r->stream, o, "migrations");
    int total = 0;
    for (size_t i = 0; i < res->napplied; i++) {
        const rw_migration *m = res->applied[i].mig;
        total += res->applied[i].execution_time;
        if (summary_only)
            continue;
        json_t *it = json_object();
        json_object_set_new(it, "category", json_string(m->type == MIG_REPEATABLE ? "Repeatable"
                                                                                 : "Versioned"));
        json_object_set_new(it, "version",
                            json_string(m->type == MIG_REPEATABLE ? "" : m->version.text));
        json_object_set_new(it, "description", json_string(m->description));
        json_object_set_new(it, "type", json_string("SQL"));
        json_object_set_new(it, "filepath", json_string(m->path));
        json_object_set_new(it, "executionTime", json_integer(res->applied[i].execution_time));
        report_array_add(&arr, it);
    }
    if (!summary_only)
        report_array_end(&arr);
    json_object_set_new(o, "migrationsExecuted", json_integer((json_int_t)res->napplied));
    json_object_set_new(o, "success", json_boolean(success));
    json_object_set_new(o, "totalMigrationTime", json_integer(total));
    json_object_set_new(o, "stoppedByDeadline", json_boolean(res->stopped_by_deadline));
    json_object_set_new(o, "pendingMigrations", json_integer((json_int_t)res->pending_left));
    char ts[64];
    report_timestamp(ts, sizeof ts);
    json_object_set_new(o, "timestamp", json_string(ts));
    json_object_set_new(o, "licenseFailed", json_false());
    return o;
}

/*
 * -dryRunOutput=FILE (or -): swaps the session's driver for the recording
 * one, so that migrate runs unchanged while nothing reaches the database.
 */
static int migrate_start_dry_run(rw_run *r, rw_session *s, const char *path)
{
    if (strcmp(path, "-") == 0 && r->json)
        return rw_fail(&r->err, RW_ERR_CONFIGURATION,
                       "-dryRunOutput=- and -outputType=json would both write to stdout; write "
                       "the SQL to a file instead (-dryRunOutput=migrate.sql)");
    FILE *out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!out)
        return rw_fail(&r->err, RW_ERR_IO, "Unable to write the dry run output %s: %m", path);
    char ts[64];
    report_timestamp(ts, sizeof ts);
    char *header = xasprintf("-- runway migrate dry run against %s (schema \"%s\") at %s\n"
                             "-- Nothing below was executed.\n",
                             s->url_display, session_schema(s), ts);
    db_dryrun_wrap(&s->db, out, header);
    free(header);
    s->dry_run = true;
    progress_set_dry_run(true);
    return RW_OK;
}

int cmd_migrate(rw_run *r)
{
    rw_session s;
    int rc = cmd_open(r, &s);
    migrate_result res = {0};
    const char *dry = config_get(r->cfg, "dryRunOutput");
    bool dry_run = dry && *dry;
    if (rc == RW_OK && dry_run)
        rc = migrate_start_dry_run(r, &s, dry);
    if (rc == RW_OK) {
        rc = migrate_run(&s, r->deadline_ms, &res, &r->err);
        if (rc == RW_OK && dry_run)
            log_info("Dry run: the SQL of %zu migration%s went to %s; the database was not "
                     "changed",
                     res.napplied, res.napplied == 1 ? "" : "s",
                     strcmp(dry, "-") == 0 ? "stdout" : dry);
        r->stopped_by_deadline = res.stopped_by_deadline;
        /*
         * Flyway gives the full result only when a migration itself failed;
         * a run refused earlier (validation, a script that does not load)
         * prints the error document alone.
         */
        if (rc == RW_OK || res.failed) {
            r->report = migrate_report(&s, &res, rc == RW_OK, r);
            json_object_set_new(r->report, "dryRun", json_boolean(dry_run));
            json_object_set_new(r->report, "exception",
                                rc == RW_OK ? json_null() : json_string(r->err.msg));
        }
    }
    migrate_result_free(&res);
    session_close(&s);
    return rc;
}
