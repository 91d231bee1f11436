/*
 * newfile.h - creating the next versioned migration file (runway new).
 */
#ifndef RUNWAY_NEWFILE_H
#define RUNWAY_NEWFILE_H

#include <time.h>

#include "core/scan.h"

/*
 * The version text for the next migration after highest (as written in its
 * file name, e.g. "007", "1_2_9", "20240101120000"; NULL when there is none).
 * scheme is "auto" (follow highest), "number" or "timestamp"; timestamps
 * are UTC yyyyMMddHHmmss from now.  Returns a malloc'd string.
 */
char *newfile_next_version(const char *highest, const char *scheme, time_t now);

/* Turns "add users table" into "add_users_table"; fails on '/' or an empty result. */
int newfile_description(const char *text, strbuf *out, rw_err *e);

typedef struct newfile_result {
    char *path;
    char *version;
} newfile_result;

/* Creates the file in the first location (the directory is created if missing). */
int newfile_create(const rw_config *cfg, const rw_resources *res, const char *description,
                   newfile_result *out, rw_err *e);
void newfile_result_free(newfile_result *r);

#endif
