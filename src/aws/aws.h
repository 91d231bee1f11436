/*
 * aws.h - what the rest of runway asks of the AWS layer: credentials before
 * connecting, result callbacks after a command, and the Lambda runtime.
 */
#ifndef RUNWAY_AWS_H
#define RUNWAY_AWS_H

#include <jansson.h>

#include "core/config.h"

/*
 * Fills connection settings from AWS before the database is opened:
 * Secrets Manager (awsSecretId) and RDS IAM auth tokens (awsIamAuth).
 * A no-op when neither is configured.
 */
int aws_prepare_config(rw_config *cfg, rw_err *e);

/*
 * Delivers a finished command's report to the configured destinations
 * (Step Functions task token, webhook, CloudWatch EMF).  A no-op when none is
 * configured.  Failures are returned but the command's own result stands.
 */
int aws_report_result(const rw_config *cfg, const char *command, json_t *report, bool success,
                      rw_err *e);

/* True when runway should act as a Lambda custom runtime (AWS_LAMBDA_RUNTIME_API set). */
bool aws_lambda_requested(char *const *envp);
/* The Lambda runtime loop; returns the process exit code. */
int aws_lambda_main(int argc, char **argv, char *const *envp);

#endif
