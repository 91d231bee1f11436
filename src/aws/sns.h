/*
 * sns.h - publishes a finished command's result to an SNS topic
 * (snsTopicArn): a compact JSON summary as the message, with the command,
 * success and error code as message attributes subscriptions can filter on.
 * aws_report_result() in aws.h calls it; the pieces are here for tests.
 */
#ifndef RUNWAY_AWS_SNS_H
#define RUNWAY_AWS_SNS_H

#include <jansson.h>
#include <stddef.h>

#include "core/util.h"

/* SNS takes at most 256 KiB of message and attributes together; this leaves room for the latter. */
#define AWS_SNS_MESSAGE_MAX (256 * 1024 - 4096)

/*
 * The region of a topic ARN (arn:PARTITION:sns:REGION:ACCOUNT:TOPIC), or
 * NULL with a configuration error naming snsTopicArn.
 */
char *aws_sns_topic_region(const char *arn, rw_err *e);

/*
 * The message: command, success, errorCode and errorMessage on failure,
 * database, schema, versions before and after, migrations applied, a
 * fleet's summary, the time; at most max bytes (a fleet's list of failed
 * targets is cut to fit, with "truncated": true).
 */
char *aws_sns_message(const char *command, json_t *report, bool success, const char *timestamp,
                      size_t max);

/* The form parameters of the Publish call (message, attributes, FIFO group). */
char *aws_sns_publish_params(const char *topic_arn, const char *command, const char *message,
                             bool success, const char *error_code);

/* Publishes the result of command to topic_arn. */
int aws_sns_report(const char *topic_arn, const char *command, json_t *report, bool success,
                   rw_err *e);

#endif
