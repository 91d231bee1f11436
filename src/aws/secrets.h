/*
 * secrets.h - database settings from AWS: a Secrets Manager secret
 * (awsSecretId) and RDS IAM authentication tokens (awsIamAuth).  The public
 * entry point is aws_prepare_config() in aws.h; the pieces are here for tests.
 */
#ifndef RUNWAY_AWS_SECRETS_H
#define RUNWAY_AWS_SECRETS_H

#include <jansson.h>
#include <time.h>

#include "aws/sigv4.h"
#include "core/config.h"

/*
 * Fills url, user and password from an RDS-style secret (engine, host, port,
 * dbname, username, password) where the configuration leaves them unset.
 * A url is built only when none is configured.
 */
int aws_secret_apply(rw_config *cfg, json_t *secret, const char *secret_id, rw_err *e);

/* Fetches the secret's SecretString, parsed as a JSON object (extension first, then the API). */
int aws_secret_fetch(const rw_config *cfg, const char *secret_id, json_t **secret, rw_err *e);

/* Sets password to an RDS IAM authentication token for the configured url and user. */
int aws_iam_apply(rw_config *cfg, const aws_credentials *creds, const char *region, time_t when,
                  rw_err *e);

/* Host and port of a PostgreSQL or MySQL URL (jdbc:postgresql://, postgres://, jdbc:mysql://, ...). */
int aws_db_url_host_port(const char *url, char **host, int *port, rw_err *e);

#endif
