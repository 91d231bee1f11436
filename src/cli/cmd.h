/*
 * cmd.h - one function per command, each in src/cli/cmd_<name>.c.
 */
#ifndef RUNWAY_CMD_H
#define RUNWAY_CMD_H

#include "cli/commands.h"
#include "core/session.h"

int cmd_migrate(rw_run *r);
int cmd_info(rw_run *r);
int cmd_validate(rw_run *r);
int cmd_baseline(rw_run *r);
int cmd_repair(rw_run *r);
int cmd_clean(rw_run *r);
int cmd_help(rw_run *r);
int cmd_version(rw_run *r);
int cmd_check(rw_run *r);
int cmd_wait(rw_run *r);
int cmd_undo(rw_run *r);
int cmd_new(rw_run *r);
int cmd_lint(rw_run *r);

/*
 * Opens the session, running the before<Event> callbacks; on failure fills
 * r->err and returns non-zero.
 */
int cmd_open(rw_run *r, rw_session *s);
/* Runs after<Event> or after<Event>Error callbacks depending on rc; returns rc. */
int cmd_finish_callbacks(rw_run *r, rw_session *s, const char *event, int rc);

struct gate_result;
/* check/wait: sets the exit code after session_open failed (unreachable or other error). */
int cmd_gate_open_failed(rw_run *r, const char *operation);
/* check/wait: reports an evaluated gate, sets the exit code and, unless OK, r->err. */
int cmd_gate_finish(rw_run *r, rw_session *s, const struct gate_result *g, const char *operation);

#endif
