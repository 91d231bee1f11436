/*
 * endpoints.h - AWS service endpoints, honouring the SDKs' own overrides
 * AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL (local fakes, VPC
 * endpoints, LocalStack), unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
 */
#ifndef RUNWAY_AWS_ENDPOINTS_H
#define RUNWAY_AWS_ENDPOINTS_H

typedef struct aws_service {
    const char *name;            /* for messages: "Secrets Manager" */
    const char *env_id;          /* AWS_ENDPOINT_URL_<env_id>, the SDKs' service id */
    const char *endpoint_prefix; /* host prefix: <prefix>.<region>.amazonaws.com */
    const char *signing_name;    /* SigV4 service name */
    const char *target_prefix;   /* X-Amz-Target prefix of the JSON protocol */
    const char *json_version;    /* "1.0" or "1.1": Content-Type application/x-amz-json-<v> */
    const char *query_version;   /* Query protocol (SNS): the API's Version parameter */
} aws_service;

extern const aws_service aws_secrets_manager;
extern const aws_service aws_step_functions;
extern const aws_service aws_sns;

/* The service's base URL for region, without a trailing slash (malloc'd). */
char *aws_endpoint_url(const aws_service *svc, const char *region);

#endif
