/*
 * report.h - results in Flyway's shapes: the JSON objects of
 * -outputType=json and the human-readable info table.
 */
#ifndef RUNWAY_REPORT_H
#define RUNWAY_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "core/jsonw.h"
#include "core/session.h"

/* A result object with the fields every Flyway result has. */
json_t *report_new(const char *operation, const rw_session *s);
/*
 * The "schemaName" of migrate's and info's results: Flyway joins the
 * configured schemas with ", ", and gives "" when none are set (not the
 * schema the connection happens to use).
 */
json_t *report_schema_name(const rw_config *cfg);
/* {"errorCode": ..., "message": ..., ...} for an error (no secrets: messages are redacted upstream). */
json_t *report_error_object(const rw_err *e);
/* Local wall-clock timestamp like Flyway's: 2026-11-21T20:42:14.683302774 */
void report_timestamp(char *buf, size_t n);
/* "2026-11-21 20:42:14.123" -> "2026-11-21T20:42:14.123Z" */
char *report_iso_utc(const char *installed_on);
/* One migration of info's "migrations" array. */
json_t *report_info_entry(const plan_entry *en);
/* Prints the info table (Category | Version | ... | Undoable). */
void report_info_table(FILE *out, const rw_plan *plan, const bool *include);
/* An error that ends a run: {"error": {...}} on stdout with JSON output, else one ERROR line. */
void report_print_error(bool json, const rw_err *e);
/* Dumps a JSON value to out, pretty-printed, with a trailing newline. */
void report_print_json(FILE *out, json_t *v);

/*
 * A report written while it is produced.  A command builds its result
 * object's small members in memory as before; when it reaches the long
 * array (info's and migrate's "migrations"), the members so far and the
 * array go out entry by entry, and report_stream_finish() writes the
 * members added after it.  Members written out must not be set again.
 * Without a stream the array is built in memory, as the Lambda runtime,
 * Step Functions and webhooks need the document whole.
 */
typedef struct report_stream {
    jsonw w;
    bool started;      /* the object is open on the sinks */
    const json_t *obj; /* the report whose first `written` members are out */
    size_t written;
} report_stream;

/* A stream with no sinks yet (jsonw_add_sink(&rs->w, f)); pretty-printed as report_print_json. */
void report_stream_init(report_stream *rs);
/* Writes the rest of report (all of it when nothing was streamed) and a newline; false on a write error. */
bool report_stream_finish(report_stream *rs, const json_t *report);

/* The long array of a report: streamed when rs is set, else built in o. */
typedef struct report_array {
    report_stream *rs;
    json_t *obj;
    json_t *arr;
    const char *key;
} report_array;

void report_array_begin(report_array *a, report_stream *rs, json_t *o, const char *key);
/* Adds one entry (taking the reference): written and freed at once when streaming. */
void report_array_add(report_array *a, json_t *item);
void report_array_end(report_array *a);

#endif
