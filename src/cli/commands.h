/*
 * commands.h - the command table.  Each command lives in its own file
 * (src/cli/cmd_*.c), reads the merged configuration and produces a JSON
 * result, plus human output when out is set.  The command line, the Lambda
 * runtime and tests all run commands through command_execute().
 */
#ifndef RUNWAY_COMMANDS_H
#define RUNWAY_COMMANDS_H

#include <jansson.h>
#include <stdio.h>

#include "core/config.h"
#include "core/util.h"

struct report_stream;

typedef struct rw_run {
    rw_config *cfg;
    bool json;             /* -outputType=json: human output is suppressed */
    FILE *out;             /* where human results go (tables); NULL for none */
    json_t *report;        /* the command's result object, set by command_execute */
    rw_err err;            /* why the command failed */
    int64_t deadline_ms;   /* rw_now_ms() value after which no migration starts; 0 = none */
    bool stopped_by_deadline; /* set by migrate when it left migrations pending */
    int exit_code;         /* 0 success, 1 failure; commands may use others (check) */
    bool summary_only;     /* nobody reads per-migration details: leave them out of report */
    struct report_stream *stream; /* when set, report's long array is written as produced */
} rw_run;

typedef struct rw_command {
    const char *name;
    int (*run)(rw_run *r);  /* returns 0 on success; fills r->report and r->err */
    const char *summary;
} rw_command;

const rw_command *command_find(const char *name);
/* The table, terminated by an entry with name NULL. */
const rw_command *command_table(void);

/*
 * Runs c.  Afterwards r->report holds the result (on failure, the error
 * shape Flyway prints) and r->exit_code the process exit code.
 */
int command_execute(const rw_command *c, rw_run *r);

#endif
