/*
 * scan.h - finding migrations and callbacks in the configured locations
 * and parsing their file names the way Flyway does.
 */
#ifndef RUNWAY_SCAN_H
#define RUNWAY_SCAN_H

#include "core/config.h"
#include "core/version.h"

typedef enum { MIG_VERSIONED, MIG_REPEATABLE, MIG_UNDO } rw_mig_type;

typedef struct rw_migration {
    rw_version version;      /* unset for repeatables */
    char *description;
    char *script;            /* relative to its location root, '/'-separated */
    char *path;              /* absolute path of the file */
    char *filename;
    rw_mig_type type;
    int32_t checksum;        /* what the history row stores */
    int32_t raw_checksum;    /* repeatables: checksum before placeholders (also accepted) */
    /* From an optional <script>.conf next to the file. */
    int8_t execute_in_transaction;   /* -1 unset, 0, 1 */
    int8_t placeholder_replacement;  /* -1 unset, 0, 1 */
    /* The strings and version live in the scan's arena (rw_resources.arena). */
    bool in_arena;
} rw_migration;

typedef struct rw_callback {
    char *event;             /* "beforeMigrate" */
    char *description;       /* may be "" */
    char *script;
    char *path;
} rw_callback;

typedef struct rw_resources {
    rw_migration *migs;      /* versioned sorted by version, then repeatables by description */
    size_t nmigs;
    rw_migration *undos;     /* U files, sorted by version */
    size_t nundos;
    rw_callback *cbs;        /* sorted by event, then description */
    size_t ncbs;
    strlist invalid_names;   /* "path: reason" for names that look like migrations but are not */
    strlist warnings;
    strlist missing;         /* migration locations that do not exist, as configured */
    strlist searched;        /* "sql (/abs/sql)": each migration location and where it was looked for */
    rw_arena arena;          /* the migrations' strings and versions */
} rw_resources;

/* Known callback event names, NULL-terminated. */
extern const char *const scan_callback_events[];

/*
 * Scans every location.  Duplicate versions and unreadable locations are
 * errors; checksums are computed for versioned files (repeatables get their
 * raw checksum; scan_repeatable_checksums() adds the placeholder one).
 */
int scan_resources(const rw_config *cfg, rw_resources *out, rw_err *e);

/*
 * scan_resources in two steps, for a caller with other work meanwhile:
 * scan_start walks the locations and returns while the files found are
 * still being read by other threads; scan_finish waits for them and
 * completes out (or fails with the first unreadable file by name).  A
 * started job must be finished; scan_start fails with nothing to finish.
 */
typedef struct scan_job scan_job;
int scan_start(const rw_config *cfg, rw_resources *out, scan_job **job, rw_err *e);
int scan_finish(scan_job *job, rw_err *e);
void scan_resources_free(rw_resources *r);

typedef enum { NAME_NOT_MIGRATION, NAME_MIGRATION, NAME_CALLBACK, NAME_INVALID } scan_name_kind;
/*
 * Parses one file name.  Fills m for migrations or event/description for
 * callbacks; for NAME_INVALID puts the reason into e->msg.
 */
scan_name_kind scan_parse_name(const rw_config *cfg, const char *filename, rw_migration *m,
                               char **event, char **description, rw_err *e);

struct rw_placeholders;
/* Recomputes repeatable checksums after placeholder replacement. */
int scan_repeatable_checksums(rw_resources *r, const struct rw_placeholders *ph, rw_err *e);

/* Reads a migration file's text after checking it is valid UTF-8. */
int scan_read_script(const char *path, strbuf *out, rw_err *e);

void migration_free(rw_migration *m);

/* A location ("filesystem:sql") as an absolute directory path (malloc'd). */
char *scan_location_path(const rw_config *cfg, const char *loc);
/*
 * What a relative location is resolved against, for messages: "the current
 * directory /srv" or "workingDirectory /app" (malloc'd).
 */
char *scan_location_base(const rw_config *cfg);

#endif
