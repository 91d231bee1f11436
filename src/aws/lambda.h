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
 * A statement still running this long before the deadline is cancelled and
 * rolled back, leaving time to answer CloudFormation, Step Functions, the
 * webhook and the Runtime API.
 */
#define AWS_LAMBDA_WATCHDOG_RESERVE_MS 4000
/* Every callback must be done this long before the deadline (the Runtime API answer comes last). */
#define AWS_LAMBDA_ANSWER_RESERVE_MS 500

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
