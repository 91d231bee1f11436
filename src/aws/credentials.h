/*
 * credentials.h - AWS credentials and region, found the way the AWS SDKs
 * find them: environment keys, web identity (EKS IRSA, CI OIDC), the shared
 * config and credentials files, the ECS / EKS Pod Identity container
 * endpoint, then the EC2 instance metadata service (IMDSv2).  Temporary
 * credentials are cached for the process and refreshed before they expire.
 */
#ifndef RUNWAY_AWS_CREDENTIALS_H
#define RUNWAY_AWS_CREDENTIALS_H

#include <stdbool.h>
#include <time.h>

#include "aws/sigv4.h"
#include "core/config.h"
#include "core/util.h"

/*
 * Fills creds (a copy the caller frees) from the first source of the chain
 * that is configured; see docs/aws.md.  Every signed request asks again:
 * credentials from STS, the container endpoint or IMDS come from the cache
 * until 5 minutes before they expire.  Thread-safe (heartbeats sign from a
 * thread of their own).
 */
int aws_credentials_load(aws_credentials *creds, rw_err *e);
void aws_credentials_free(aws_credentials *creds);
void aws_credentials_copy(aws_credentials *dst, const aws_credentials *src);
/* Forgets cached credentials (tests; a new process starts empty anyway). */
void aws_credentials_cache_clear(void);

/*
 * Parses the container endpoint's or IMDS's JSON answer (AccessKeyId,
 * SecretAccessKey, Token, Expiration); source names the endpoint in messages.
 */
int aws_credentials_parse_json(const char *json, size_t len, const char *source,
                               aws_credentials *creds, rw_err *e);
/* The container endpoint's answer (aws_credentials_parse_json for that source). */
int aws_credentials_parse_container(const char *json, size_t len, aws_credentials *creds,
                                    rw_err *e);

/* True when url may serve container credentials over plain HTTP (loopback or the ECS/EKS hosts). */
bool aws_credentials_full_uri_allowed(const char *url);

/* The region: awsRegion, AWS_REGION, AWS_DEFAULT_REGION, the profile's region; NULL (e set) if none. */
char *aws_region_from(const rw_config *cfg, rw_err *e);

/* ---- the sources, one file each ------------------------------------------ */

/* AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); false when not both set. */
bool aws_env_credentials(aws_credentials *creds);

/*
 * The region STS is called in: AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region, the one aws_region_from() last found; NULL if none.
 */
char *aws_sts_region(const char *profile_region);

/* ECS / EKS Pod Identity container endpoint (credentials.c); false when not configured. */
bool aws_container_configured(void);
int aws_container_credentials(aws_credentials *creds, rw_err *e);

/* EC2 instance metadata, IMDSv2 only (credentials_imds.c). */
bool aws_imds_disabled(void);
int aws_imds_credentials(aws_credentials *creds, rw_err *e);

/*
 * STS (credentials_sts.c).  region NULL means us-east-1.  session NULL
 * makes up a "runway-<time>" session name; external_id and duration may
 * be NULL.
 */
int aws_sts_assume_role_with_web_identity(const char *region, const char *role_arn,
                                          const char *session, const char *token_file,
                                          aws_credentials *creds, rw_err *e);
int aws_sts_assume_role(const char *region, const aws_credentials *source, const char *role_arn,
                        const char *session, const char *external_id, const char *duration,
                        aws_credentials *creds, rw_err *e);
/* Reads <Credentials> out of an AssumeRole* answer. */
int aws_sts_parse_credentials(const char *xml, size_t len, aws_credentials *creds, rw_err *e);
/* "Code: Message" of an STS <ErrorResponse>, or NULL. */
char *aws_sts_error_text(const char *xml, size_t len);

/*
 * Shared config and credentials files (credentials_files.c).  A profile is
 * looked up in AWS_SHARED_CREDENTIALS_FILE (~/.aws/credentials) first, then
 * AWS_CONFIG_FILE (~/.aws/config, sections "[profile NAME]" and "[default]").
 */
typedef struct aws_ini_entry {
    char *section;   /* profile name (config's "profile " prefix removed) */
    char *key;
    char *value;
} aws_ini_entry;

typedef struct aws_shared_files {
    aws_ini_entry *items;
    size_t len, cap;
    size_t credentials_len;  /* entries [0, credentials_len) come from the credentials file */
} aws_shared_files;

/* Parses one file's text into files; is_config picks the config file's section rules. */
void aws_shared_files_parse(aws_shared_files *files, const char *text, bool is_config);
/* Reads both files (missing ones are empty); an unreadable one is an error. */
int aws_shared_files_load(aws_shared_files *files, rw_err *e);
void aws_shared_files_free(aws_shared_files *files);
/* A profile's value for key (credentials file first), or NULL. */
const char *aws_profile_get(const aws_shared_files *files, const char *profile, const char *key);
bool aws_profile_exists(const aws_shared_files *files, const char *profile);
/* AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default"; *explicit when one was set. */
const char *aws_profile_name(bool *explicit_name);

/*
 * Credentials of a profile: static keys, role_arn with source_profile,
 * credential_source or web_identity_token_file.  *found is false (and RW_OK
 * returned) when the profile holds no credentials at all.
 */
int aws_profile_credentials(const aws_shared_files *files, const char *profile,
                            aws_credentials *creds, bool *found, rw_err *e);

/* ---- clock (credentials_clock.c) ----------------------------------------- */

/* The time to sign with: the local clock, corrected once AWS has said it is off. */
time_t aws_clock_now(void);
/*
 * True when an AWS error (code and message) is a clock-skew error and the
 * answer's Date header could be read: the correction is then learnt and
 * the request may be signed again with aws_clock_now().
 */
bool aws_clock_skew_learn(const char *code, const char *message, const char *date_header);
/* Forgets the correction (tests). */
void aws_clock_reset(void);
/* RFC 1123 date ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 if malformed. */
time_t aws_parse_http_date(const char *s);
/* ISO 8601 UTC time ("2026-12-05T03:00:00Z", fraction or +00:00 allowed); -1 if malformed. */
time_t aws_parse_iso8601(const char *s);

#endif
