/*
 * commands.c - the command table and the wrapper every command runs in.
 */
#include "cli/commands.h"

#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"
#include "core/report.h"
#include "core/stop.h"

static const rw_command command_list[] = {
    {"migrate", cmd_migrate, "Migrates the database to the latest version"},
    {"info", cmd_info, "Prints the details and status information about all the migrations"},
    {"validate", cmd_validate, "Validates the applied migrations against the available ones"},
    {"baseline", cmd_baseline, "Baselines an existing database at the baselineVersion"},
    {"repair", cmd_repair, "Repairs the schema history table"},
    {"clean", cmd_clean, "Drops all objects in the configured schemas (needs cleanDisabled=false)"},
    {"undo", cmd_undo, "Undoes the latest applied versioned migration (or all above -target)"},
    {"check", cmd_check, "Exits 0 when the database holds every local migration (deploy gate)"},
    {"wait", cmd_wait, "Blocks until check would pass (-timeout, -interval seconds)"},
    {"lint", cmd_lint, "Checks migration files offline: names, placeholders, parsing, risky DDL"},
    {"new", cmd_new, "Creates the next versioned migration file: runway new DESCRIPTION"},
    {"help", cmd_help, "Prints this usage information"},
    {"version", cmd_version, "Prints the runway version"},
    {NULL, NULL, NULL},
};

const rw_command *command_table(void)
{
    return command_list;
}

const rw_command *command_find(const char *name)
{
    for (const rw_command *c = command_list; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int command_execute(const rw_command *c, rw_run *r)
{
    rw_err_clear(&r->err);
    r->report = NULL;
    r->exit_code = 0;
    int rc = c->run(r);
    if (rc != 0) {
        if (!r->err.code)
            r->err.code = RW_ERROR;
        /* A cancelled query fails with the server's words; the cause is the stop. */
        if (stop_requested() && !stop_is_code(r->err.code)) {
            char msg[sizeof r->err.msg];
            snprintf(msg, sizeof msg, "%s", r->err.msg);
            stop_fail(&r->err);
            size_t n = strlen(r->err.msg);
            snprintf(r->err.msg + n, sizeof r->err.msg - n, " (%s)", msg);
        }
        if (!r->report)
            r->report = json_object();
        json_object_set_new(r->report, "error", report_error_object(&r->err));
        if (!r->exit_code)
            r->exit_code = 1;
    } else if (!r->report) {
        r->report = report_new(c->name, NULL);
    }
    return r->exit_code;
}
