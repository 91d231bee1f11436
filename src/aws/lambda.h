/*
 * lambda.h - the Lambda custom runtime's pieces, exposed for tests: how an
 * event becomes a command with overrides, and the CloudFormation response.
 */
#ifndef RUNWAY_AWS_LAMBDA_H
#define RUNWAY_AWS_LAMBDA_H

#include <jansson.h>

#include "core/config.h"

/* Milliseconds kept in reserve before Lambda-Runtime-Deadline-Ms: no migration starts later. */
#define AWS_LAMBDA_SAFETY_MARGIN_MS 10000

/*
 * Applies an event's overrides (target, placeholders, outOfOrder,
 * baselineOnMigrate, baselineVersion, sfnTaskToken) to cfg with source
 * CFG_SRC_EVENT.  Keys in ignore are skipped; any other key is an error
 * naming it.  Values may be strings, numbers or booleans.
 */
int aws_lambda_apply_overrides(rw_config *cfg, json_t *event, const char *const *ignore,
                               bool ignore_unknown, rw_err *e);

/* True for a CloudFormation custom resource request (RequestType + StackId + RequestId). */
bool aws_lambda_is_cfn_event(json_t *event);

/*
 * The custom resource response body (at most 4096 bytes: Reason is cut to
 * fit).  The PhysicalResourceId is the event's own, or "runway-<LogicalResourceId>".
 */
char *aws_lambda_cfn_response(json_t *event, bool success, const char *reason, json_t *data);

#endif
