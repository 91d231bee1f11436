/*
 * credentials.h - AWS credentials and region from the environment the
 * process runs in: Lambda and static keys (AWS_ACCESS_KEY_ID, ...), then the
 * ECS / EKS Pod Identity / Lambda SnapStart container-credentials endpoint.
 */
#ifndef RUNWAY_AWS_CREDENTIALS_H
#define RUNWAY_AWS_CREDENTIALS_H

#include "aws/sigv4.h"
#include "core/config.h"
#include "core/util.h"

/*
 * Fills creds from, in order: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 * (+ AWS_SESSION_TOKEN); AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (against
 * 169.254.170.2); AWS_CONTAINER_CREDENTIALS_FULL_URI with the token from
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN.
 */
int aws_credentials_load(aws_credentials *creds, rw_err *e);
void aws_credentials_free(aws_credentials *creds);

/* Parses the container endpoint's JSON answer (AccessKeyId, SecretAccessKey, Token). */
int aws_credentials_parse_container(const char *json, size_t len, aws_credentials *creds,
                                    rw_err *e);

/* True when url may serve container credentials over plain HTTP (loopback or the ECS/EKS hosts). */
bool aws_credentials_full_uri_allowed(const char *url);

/* The region: awsRegion, then AWS_REGION, then AWS_DEFAULT_REGION; NULL (and e set) if none. */
char *aws_region_from(const rw_config *cfg, rw_err *e);

#endif
