/*
 * credentials_imds.c - the EC2 instance profile's credentials from the
 * instance metadata service, IMDSv2 only: a session token from
 * PUT /latest/api/token, then the role name and its credentials.  Each
 * request gets 1 s, as in the SDKs, so a job that is not on EC2 learns it
 * quickly.  IMDSv1 (no token) is never used.
 */
#include "aws/credentials.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/http.h"

#define IMDS_DEFAULT_ENDPOINT "http://169.254.169.254"
#define IMDS_IPV6_ENDPOINT "http://[fd00:ec2::254]"
#define IMDS_TIMEOUT_MS 1000
#define IMDS_TOKEN_TTL_S 21600
#define CREDENTIALS_PATH "/latest/meta-data/iam/security-credentials/"

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

bool aws_imds_disabled(void)
{
    const char *v = env_nonempty("AWS_EC2_METADATA_DISABLED");
    return v && rw_str_ieq(v, "true");
}

/* AWS_EC2_METADATA_SERVICE_ENDPOINT, else the IPv4 or (ENDPOINT_MODE=IPv6) IPv6 address. */
static char *imds_endpoint(void)
{
    const char *set = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    if (set) {
        char *url = xstrdup(set);
        size_t n = strlen(url);
        while (n > 0 && url[n - 1] == '/') url[--n] = '\0';
        return url;
    }
    const char *mode = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    return xstrdup(mode && rw_str_ieq(mode, "IPv6") ? IMDS_IPV6_ENDPOINT : IMDS_DEFAULT_ENDPOINT);
}

/* One request to IMDS; the answer's body in *body on HTTP 200, else an error naming the path. */
static int imds_request(const char *method, const char *base, const char *path,
                        const char *header, strbuf *body, rw_err *e)
{
    char *url = xasprintf("%s%s", base, path);
    strlist headers = {0};
    strlist_push(&headers, header);
    aws_http_request req = {.method = method, .url = url, .headers = &headers,
                            .connect_timeout_ms = IMDS_TIMEOUT_MS, .timeout_ms = IMDS_TIMEOUT_MS,
                            .ignore_proxy = true};
    aws_http_response resp;
    aws_http_response_init(&resp);
    int ret = aws_http_perform(&req, &resp, e);
    if (ret == RW_OK && resp.status != 200)
        ret = rw_fail(e, RW_ERR_AWS, "%s %s answered HTTP %ld%s", method, path, resp.status,
                      resp.status == 401 ? " (the session token was refused)" : "");
    if (ret == RW_OK) {
        sb_add(body, sb_str(&resp.body), resp.body.len);
    }
    if (resp.body.buf) OPENSSL_cleanse(resp.body.buf, resp.body.len);
    aws_http_response_free(&resp);
    OPENSSL_cleanse(headers.items[0], strlen(headers.items[0]));
    strlist_free(&headers);
    free(url);
    return ret;
}

int aws_imds_credentials(aws_credentials *creds, rw_err *e)
{
    char *base = imds_endpoint();
    strbuf token = STRBUF_INIT, role = STRBUF_INIT, answer = STRBUF_INIT;
    char *auth = NULL;
    char *ttl = xasprintf("X-aws-ec2-metadata-token-ttl-seconds: %d", IMDS_TOKEN_TTL_S);
    int ret = imds_request("PUT", base, "/latest/api/token", ttl, &token, e);
    if (ret == RW_OK && !*rw_trim(token.buf ? token.buf : (char *)""))
        ret = rw_fail(e, RW_ERR_AWS, "PUT /latest/api/token answered an empty token");
    if (ret == RW_OK) {
        auth = xasprintf("X-aws-ec2-metadata-token: %s", rw_trim(token.buf));
        ret = imds_request("GET", base, CREDENTIALS_PATH, auth, &role, e);
    }
    if (ret == RW_OK) {
        /* The first line is the instance profile's role. */
        char *name = role.buf ? role.buf : (char *)"";
        name[strcspn(name, "\r\n")] = '\0';
        name = rw_trim(name);
        if (!*name) {
            ret = rw_fail(e, RW_ERR_AWS, "the instance has no IAM role (no instance profile)");
        } else {
            char *path = xasprintf("%s%s", CREDENTIALS_PATH, name);
            ret = imds_request("GET", base, path, auth, &answer, e);
            free(path);
        }
    }
    if (ret == RW_OK)
        ret = aws_credentials_parse_json(sb_str(&answer), answer.len,
                                         "the EC2 instance metadata service", creds, e);
    if (answer.buf) OPENSSL_cleanse(answer.buf, answer.len);
    if (token.buf) OPENSSL_cleanse(token.buf, token.len);
    if (auth) OPENSSL_cleanse(auth, strlen(auth));
    sb_free(&answer);
    sb_free(&token);
    sb_free(&role);
    free(auth);
    free(ttl);
    free(base);
    return ret;
}
