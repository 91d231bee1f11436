/*
 * sigv4.h - AWS Signature Version 4: the canonical request, the string to
 * sign and the signing key, in the Authorization-header form (for the JSON
 * API calls runway makes) and the presigned query form (for RDS IAM
 * authentication tokens).
 */
#ifndef RUNWAY_AWS_SIGV4_H
#define RUNWAY_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "core/util.h"

/* A set of AWS credentials; session_token is NULL for long-term keys. */
typedef struct aws_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    time_t expiration;      /* when temporary credentials stop working; 0: never */
} aws_credentials;

/* The request being signed, described as it goes on the wire. */
typedef struct sigv4_request {
    const char *method;     /* "GET", "POST", ... */
    const char *host;       /* Host header value: hostname, plus ":port" when not the default */
    const char *path;       /* URI path as sent, already percent-encoded; NULL or "" means "/" */
    const char *query;      /* query string as sent, without '?'; NULL for none */
    const strlist *headers; /* further headers to sign, as "Name: value" lines; may be NULL */
    const char *body;       /* NULL for an empty body */
    size_t body_len;
} sigv4_request;

/* Where and when a signature applies. */
typedef struct sigv4_scope {
    const char *region;
    const char *service;
    time_t when;
} sigv4_scope;

/* A computed signature and the intermediate texts (kept for tests and debugging). */
typedef struct sigv4_signature {
    char amz_date[17];       /* 20150830T123600Z */
    char signature[65];      /* lower-case hex */
    char *signed_headers;    /* "host;x-amz-date" */
    char *canonical_request;
    char *string_to_sign;
    char *authorization;     /* Authorization header value (header form only) */
    char *query;             /* final query string with X-Amz-Signature (presigned form only) */
} sigv4_signature;

void sigv4_signature_free(sigv4_signature *sig);

/* Hex SHA-256 of data (out: 65 bytes). */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

/* The derived signing key for a day (yyyymmdd), region and service. */
void sigv4_signing_key(const char *secret, const char *date8, const char *region,
                       const char *service, unsigned char out[32]);

/* Percent-encodes s the SigV4 way: A-Z a-z 0-9 - _ . ~ kept, all else %XX. */
void sigv4_uri_encode(strbuf *out, const char *s, size_t len);

/*
 * Header form: signs host, every header in req->headers, x-amz-date and,
 * with a session token, x-amz-security-token.  The caller sends Host,
 * X-Amz-Date (sig->amz_date), X-Amz-Security-Token and Authorization
 * (sig->authorization) exactly as signed.
 */
void sigv4_sign_headers(const sigv4_request *req, const aws_credentials *creds,
                        const sigv4_scope *scope, sigv4_signature *sig);

/*
 * Presigned query form: adds X-Amz-Algorithm, -Credential, -Date, -Expires,
 * -Security-Token (with a session token) and -SignedHeaders=host to the
 * request's query and signs it; sig->query is the canonical query followed
 * by &X-Amz-Signature=...
 */
void sigv4_presign(const sigv4_request *req, const aws_credentials *creds,
                   const sigv4_scope *scope, int expires_seconds, sigv4_signature *sig);

/*
 * An RDS IAM authentication token for user at host:port: a presigned
 * "connect" request for service rds-db, valid 15 minutes, returned without
 * a scheme ("host:port/?Action=connect&...").  It is used as the password.
 */
char *sigv4_rds_auth_token(const char *host, int port, const char *user,
                           const aws_credentials *creds, const char *region, time_t when);

#endif
