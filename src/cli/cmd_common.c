/*
 * cmd_common.c - set-up shared by the database commands.
 */
#include <stdio.h>

#include "cli/cmd.h"
#include "core/log.h"

int cmd_open(rw_run *r, rw_session *s)
{
    return session_open(s, r->cfg, &r->err);
}

int cmd_finish_callbacks(rw_run *r, rw_session *s, const char *event, int rc)
{
    if (!s->db.conn)
        return rc;
    char name[64];
    snprintf(name, sizeof name, "after%s%s", event, rc == RW_OK ? "" : "Error");
    rw_err ce;
    rw_err_clear(&ce);
    int crc = session_callbacks(s, name, true, rc == RW_OK ? &r->err : &ce);
    if (rc != RW_OK && crc != RW_OK)
        log_error("%s", ce.msg);
    return rc != RW_OK ? rc : crc;
}
