/*
 * cmd_help.c - runway help and runway version.
 */
#include <stdio.h>
#include <string.h>

#include "build_info.h"
#include "cli/cmd.h"
#include "core/report.h"

int cmd_help(rw_run *r)
{
    FILE *out = r->out ? r->out : stdout;
    if (r->json) {
        r->report = report_new("help", NULL);
        return 0;
    }
    fprintf(out,
            "Usage: runway [options] command [command ...]\n\n"
            "Database migrations for delivery pipelines, compatible with Flyway's files,\n"
            "schema history table, flyway.conf and FLYWAY_* variables.\n\nCommands\n");
    for (const rw_command *c = command_table(); c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    /* Not in the table: main() hands it to the Lambda runtime before any command runs. */
    fprintf(out, "  %-10s %s\n", "lambda",
            "Runs as an AWS Lambda custom runtime (also when AWS_LAMBDA_RUNTIME_API is set)");
    fprintf(out,
            "\nOptions (-key=value, FLYWAY_KEY / RUNWAY_KEY env vars, flyway.key / runway.key in "
            "flyway.conf)\n");
    for (const config_key *k = config_known_keys(); k->name; k++) {
        if (k->help && strcmp(k->help, "ignored") == 0)
            continue;
        fprintf(out, "  %-30s %s%s%s%s\n", k->name, k->help ? k->help : "",
                k->default_value ? " [" : "", k->default_value ? k->default_value : "",
                k->default_value ? "]" : "");
    }
    fprintf(out,
            "\nFlags\n"
            "  -X                             print debug output\n"
            "  -q                             print only results and errors\n"
            "  -outputType=json               print results as JSON\n"
            "  --version                      print the version\n"
            "\nExit status: 0 on success, 1 on any failure. check and wait: 2 pending, 3 failed\n"
            "migration, 4 checksum drift, 5 database unreachable, 6 wait timed out, 7 no\n"
            "migrations found, 8 login or database refused.\n");
    r->report = report_new("help", NULL);
    return 0;
}

int cmd_version(rw_run *r)
{
    json_t *o = report_new("version", NULL);
    r->report = o;
    if (r->out && !r->json)
        fprintf(r->out, "runway %s (Flyway %s compatible)\n", RUNWAY_VERSION,
                RUNWAY_FLYWAY_COMPAT);
    return 0;
}
