/*
 * callbacks.h - where a finished command's report goes besides stdout: a
 * Step Functions task token, a webhook, CloudWatch Embedded Metric Format.
 * aws_report_result() in aws.h runs all that are configured.
 */
#ifndef RUNWAY_AWS_CALLBACKS_H
#define RUNWAY_AWS_CALLBACKS_H

#include <jansson.h>
#include <stdio.h>

#include "core/config.h"

/* SendTaskSuccess with the report as output, or SendTaskFailure with error and cause. */
int aws_sfn_report(const rw_config *cfg, const char *token, json_t *report, bool success,
                   rw_err *e);

/* POSTs {"command", "success", "report"} to url, retrying with backoff. */
int aws_webhook_report(const rw_config *cfg, const char *url, const char *command, json_t *report,
                       bool success, rw_err *e);

/* True when EMF lines should be written: metrics=true, or unset and running in Lambda or ECS. */
bool aws_metrics_enabled(const rw_config *cfg);

/*
 * Writes one CloudWatch Embedded Metric Format line for the command to out;
 * duration_ms is how long the command ran, its Duration metric.
 */
void aws_metrics_write(FILE *out, const char *command, json_t *report, bool success,
                       int64_t duration_ms, int64_t timestamp_ms);

/*
 * The report as compact JSON, or, when that is over max bytes, its summary
 * (operation, success, migrationsExecuted, versions, error; "truncated": true).
 */
char *aws_report_text(json_t *report, size_t max);
/*
 * The report as compact JSON when it fits in max bytes, else NULL; written
 * into a buffer that stops at max, so an oversized report is never held
 * whole as text beside its tree.
 */
char *aws_report_text_within(json_t *report, size_t max);

/* The failure's error code and message from a report (Flyway's two error shapes). */
void aws_report_error(json_t *report, const char **code, const char **message);

#endif
