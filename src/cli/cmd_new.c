/*
 * cmd_new.c - runway new DESCRIPTION: creates the next versioned
 * migration file in the first location.  Offline: only the files count.
 */
#include <stdio.h>

#include "cli/cmd.h"
#include "core/log.h"
#include "core/newfile.h"
#include "core/report.h"

int cmd_new(rw_run *r)
{
    const char *description = config_get(r->cfg, "newDescription");
    if (!description || !*description)
        return rw_fail(&r->err, RW_ERR_CONFIGURATION,
                       "runway new needs a description, e.g. runway new add users table");
    rw_resources res;
    int rc = scan_resources(r->cfg, &res, &r->err);
    if (rc != RW_OK)
        return rc;
    newfile_result nf;
    rc = newfile_create(r->cfg, &res, description, &nf, &r->err);
    if (rc == RW_OK) {
        json_t *o = report_new("new", NULL);
        json_object_set_new(o, "version", json_string(nf.version));
        json_object_set_new(o, "filepath", json_string(nf.path));
        r->report = o;
        if (r->out)
            fprintf(r->out, "%s\n", nf.path);
        /* The file name writes 1_12_32; the version is 1.12.32, as info shows it. */
        char *shown = xstrdup(nf.version);
        for (char *p = shown; *p; p++)
            if (*p == '_')
                *p = '.';
        log_info("Created migration version %s", shown);
        free(shown);
    }
    newfile_result_free(&nf);
    scan_resources_free(&res);
    return rc;
}
