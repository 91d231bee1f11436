/*
 * report.h - results in Flyway's shapes: the JSON objects of
 * -outputType=json and the human-readable info table.
 */
#ifndef RUNWAY_REPORT_H
#define RUNWAY_REPORT_H

#include <jansson.h>
#include <stdio.h>

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

#endif
