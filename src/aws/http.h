/*
 * http.h - the one way the AWS layer talks HTTP: libcurl with a connect and
 * a total timeout on every request, and AWS JSON-protocol calls (Secrets
 * Manager, Step Functions) signed with our SigV4 signer.
 */
#ifndef RUNWAY_AWS_HTTP_H
#define RUNWAY_AWS_HTTP_H

#include <jansson.h>

#include "aws/endpoints.h"
#include "aws/sigv4.h"
#include "core/util.h"

typedef struct aws_http_request {
    const char *method;        /* "GET", "POST", "PUT" */
    const char *url;
    const strlist *headers;    /* "Name: value" lines; "Name:" removes a default header */
    const char *body;          /* NULL for none */
    size_t body_len;
    long connect_timeout_ms;   /* 0: 5 s */
    long timeout_ms;           /* 0: 30 s; negative: no total limit (Runtime API /next only) */
    bool ignore_proxy;         /* local endpoints (Runtime API, extension) bypass any proxy */
    bool ignore_deadline;      /* the Runtime API answer itself: not cut by aws_http_set_deadline */
} aws_http_request;

typedef struct aws_http_response {
    long status;
    strbuf body;
    strlist headers;           /* "name: value", names lower-cased */
} aws_http_response;

/*
 * Performs the request.  A transport failure (refused, timeout) returns
 * RW_ERR_HTTP naming the method and the URL without path or query; any HTTP
 * status is a success here and left to the caller.
 */
int aws_http_perform(const aws_http_request *req, aws_http_response *resp, rw_err *e);
void aws_http_response_init(aws_http_response *resp);
void aws_http_response_free(aws_http_response *resp);
/* A response header's value (name matched case-insensitively), or NULL. */
const char *aws_http_header(const aws_http_response *resp, const char *name);

/* "scheme://host[:port]" of url: safe to print (no credentials, path tokens or query). */
char *aws_http_url_origin(const char *url);

/* Sleeps ms milliseconds (retry backoff), never past the deadline below. */
void aws_http_sleep_ms(long ms);

/*
 * Every later request must end by at (rw_now_ms() clock; 0: no limit): its
 * timeouts are cut to the time left, and with none left it fails at once.
 * In Lambda this keeps the callbacks (Step Functions, webhook, CloudFormation)
 * from outliving the invocation.
 */
void aws_http_set_deadline(int64_t at);
/* Milliseconds left before that deadline; -1 when none is set. */
int64_t aws_http_time_left(void);

/* Where and as whom an AWS call is made. */
typedef struct aws_context {
    aws_credentials creds;
    char *region;
} aws_context;

/*
 * Calls an AWS JSON-protocol operation: POST / with X-Amz-Target
 * "<target_prefix>.<operation>", the input serialised compactly, signed with
 * SigV4.  On success *output is the parsed response (an empty object for an
 * empty body).  AWS errors come back as RW_ERR_AWS with the error code and
 * message; throttling, 5xx and transport errors are retried with backoff.
 */
int aws_json_call(const aws_service *svc, const aws_context *ctx, const char *operation,
                  json_t *input, json_t **output, rw_err *e);

/*
 * Calls an AWS Query-protocol operation (SNS): POST / of
 * "Action=<action>&Version=<svc->query_version>&<params>" (params already
 * form-encoded), signed with SigV4.  On success output holds the XML
 * response; AWS errors come back as RW_ERR_AWS with the <Code> and
 * <Message>; throttling, 5xx and transport errors are retried with backoff.
 */
int aws_query_call(const aws_service *svc, const aws_context *ctx, const char *action,
                   const char *params, strbuf *output, rw_err *e);

#endif
