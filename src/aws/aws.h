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
 * After a login the database refused (PostgreSQL 28P01, MySQL 1045) with
 * credentials the Parameters and Secrets Lambda extension served, which it
 * caches for up to 5 minutes across a rotation: reads the secret once
 * straight from Secrets Manager and sets them again.  True when the caller
 * should try the login once more; false (nothing changed) otherwise.
 */
bool aws_secret_refresh_after_refusal(rw_config *cfg, const rw_err *login);

/*
 * Delivers a finished command's report to the configured destinations
 * (Step Functions task token, SNS topic, webhook, CloudWatch EMF).  A no-op
 * when none is configured.  Each failed delivery is logged here; only a
 * failed SNS publish is returned (e filled), so the caller can show it in the
 * exit code.  The command's own result stands either way.  duration_ms is
 * how long the command ran (the metrics' Duration).
 */
int aws_report_result(const rw_config *cfg, const char *command, json_t *report, bool success,
                      int64_t duration_ms, rw_err *e);

/* Exit code of a command that succeeded but whose result could not be published to SNS. */
#define AWS_EXIT_NOT_PUBLISHED 9

/*
 * Checks the destinations' settings (snsTopicArn) before a command runs, so
 * a typo fails before the database is touched.
 */
int aws_report_check(const rw_config *cfg, rw_err *e);

/*
 * SendTaskHeartbeat every sfnHeartbeatSeconds while a command with a task
 * token runs, so a state machine can use HeartbeatSeconds on long
 * migrations.  The first heartbeat is sent at once, on the caller's thread;
 * the rest from a thread of their own.  *out stays NULL when there is no
 * token or no interval; an invalid interval is a configuration error.
 */
typedef struct aws_heartbeat aws_heartbeat;
int aws_heartbeat_start(const rw_config *cfg, aws_heartbeat **out, rw_err *e);
/* Stops the heartbeats (waiting for one in flight); NULL is a no-op. */
void aws_heartbeat_stop(aws_heartbeat *hb);

/* True when runway should act as a Lambda custom runtime (AWS_LAMBDA_RUNTIME_API set). */
bool aws_lambda_requested(char *const *envp);
/* The Lambda runtime loop; returns the process exit code. */
int aws_lambda_main(int argc, char **argv, char *const *envp);

#endif
