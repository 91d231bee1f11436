/*
 * credentials_sts.c - temporary credentials from STS: AssumeRoleWithWebIdentity
 * (an unsigned call carrying an OIDC token: EKS IRSA, GitHub Actions, GitLab)
 * and AssumeRole (signed with a profile's source credentials).  STS speaks
 * the Query protocol: a form-encoded POST, an XML answer.
 */
#include "aws/credentials.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "aws/endpoints.h"
#include "aws/http.h"
#include "aws/xml.h"
#include "core/log.h"

#define STS_API_VERSION "2011-06-15"
#define STS_ATTEMPTS 3
#define STS_DEFAULT_REGION "us-east-1"
#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

static const aws_service sts_service = {
    .name = "STS", .env_id = "STS", .endpoint_prefix = "sts", .signing_name = "sts",
};

/* Wipes and frees a buffer that held a token or keys. */
static void sb_free_secret(strbuf *sb)
{
    if (sb->buf) OPENSSL_cleanse(sb->buf, sb->len);
    sb_free(sb);
}

static void form_add(strbuf *form, const char *name, const char *value)
{
    if (!value) return;
    sb_addf(form, "%s%s=", form->len ? "&" : "", name);
    sigv4_uri_encode(form, value, strlen(value));
}

int aws_sts_parse_credentials(const char *xml, size_t len, aws_credentials *creds, rw_err *e)
{
    aws_xml_span doc = {xml, len}, c;
    if (!aws_xml_find(doc, "Credentials", &c))
        return rw_fail(e, RW_ERR_AWS, "STS answered without <Credentials>");
    char *akid = aws_xml_child_text(c, NULL, "AccessKeyId");
    char *secret = aws_xml_child_text(c, NULL, "SecretAccessKey");
    char *token = aws_xml_child_text(c, NULL, "SessionToken");
    char *expiration = aws_xml_child_text(c, NULL, "Expiration");
    time_t expires = expiration ? aws_parse_iso8601(expiration) : -1;
    int ret = RW_OK;
    if (!akid || !secret || !token || !*akid || !*secret || !*token) {
        ret = rw_fail(e, RW_ERR_AWS, "STS answered without AccessKeyId, SecretAccessKey or "
                      "SessionToken");
    } else if (expires == -1) {
        ret = rw_fail(e, RW_ERR_AWS, "STS answered without a readable Expiration");
    } else {
        creds->access_key_id = akid;
        creds->secret_access_key = secret;
        creds->session_token = token;
        creds->expiration = expires;
        akid = secret = token = NULL;
    }
    free(akid);
    if (secret) OPENSSL_cleanse(secret, strlen(secret));
    free(secret);
    if (token) OPENSSL_cleanse(token, strlen(token));
    free(token);
    free(expiration);
    return ret;
}

char *aws_sts_error_text(const char *xml, size_t len)
{
    aws_xml_span doc = {xml, len};
    char *code = aws_xml_child_text(doc, "Error", "Code");
    if (!code) return NULL;
    char *message = aws_xml_child_text(doc, "Error", "Message");
    char *text = message && *message ? xasprintf("%s: %s", code, message) : xstrdup(code);
    free(code);
    free(message);
    return text;
}

/* Replaces every occurrence of secret (at least 8 bytes) in msg with "***". */
static void redact(char *msg, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    char *hit;
    if (n < 8) return;
    while ((hit = strstr(msg, secret)) != NULL) {
        memmove(hit + 3, hit + n, strlen(hit + n) + 1);
        memcpy(hit, "***", 3);
    }
}

/* True for answers a later attempt may turn into credentials. */
static bool sts_retryable(long status, const char *error_text)
{
    if (status >= 500 || status == 429) return true;
    return error_text && (rw_starts_with(error_text, "Throttling") ||
                          rw_starts_with(error_text, "IDPCommunicationError"));
}

/* The error code (before ':') of an "Code: message" text; into a fixed buffer. */
static void error_parts(const char *text, char *code, size_t n, const char **message)
{
    size_t len = strcspn(text, ":");
    snprintf(code, n, "%.*s", (int)len, text);
    *message = text[len] ? text + len + 1 : "";
    while (**message == ' ') (*message)++;
}

/* What one STS request is: its action, form body and, for AssumeRole, who signs it. */
typedef struct sts_call {
    const char *action;
    const char *region;
    const char *body;
    const aws_credentials *signer; /* NULL: unsigned (AssumeRoleWithWebIdentity) */
    const char *secret;            /* a value messages must never show (the web identity token) */
} sts_call;

/* Headers for one attempt: the form type, plus the SigV4 set when signed. */
static int sts_headers(const sts_call *call, const char *url, strlist *headers, rw_err *e)
{
    strlist_push(headers, "Content-Type: " FORM_CONTENT_TYPE);
    strlist_push(headers, "Accept: text/xml");
    if (!call->signer) return RW_OK;
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *path = NULL;
    int ret = RW_OK;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        ret = rw_fail(e, RW_ERR_CONFIGURATION, "invalid STS endpoint URL; check "
                      "AWS_ENDPOINT_URL_STS (want https://host[:port])");
    } else {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        char *host_header = port ? xasprintf("%s:%s", host, port) : xstrdup(host);
        strlist signed_headers = {0};
        strlist_push(&signed_headers, "Content-Type: " FORM_CONTENT_TYPE);
        sigv4_request sreq = {.method = "POST", .host = host_header,
                              .path = path && *path ? path : "/", .headers = &signed_headers,
                              .body = call->body, .body_len = strlen(call->body)};
        sigv4_scope scope = {.region = call->region, .service = "sts", .when = aws_clock_now()};
        sigv4_signature sig;
        sigv4_sign_headers(&sreq, call->signer, &scope, &sig);
        strlist_push_owned(headers, xasprintf("Host: %s", host_header));
        strlist_push_owned(headers, xasprintf("X-Amz-Date: %s", sig.amz_date));
        if (call->signer->session_token)
            strlist_push_owned(headers, xasprintf("X-Amz-Security-Token: %s",
                                                  call->signer->session_token));
        strlist_push_owned(headers, xasprintf("Authorization: %s", sig.authorization));
        sigv4_signature_free(&sig);
        strlist_free(&signed_headers);
        free(host_header);
    }
    curl_free(host);
    curl_free(port);
    curl_free(path);
    curl_url_cleanup(u);
    return ret;
}

/*
 * One attempt.  *retry is set when another may succeed; *skewed when AWS
 * said our clock is off (the correction is then learnt).
 */
static int sts_attempt(const sts_call *call, const char *url, aws_credentials *creds,
                       bool *retry, bool *skewed, rw_err *e)
{
    strlist headers = {0};
    int ret = sts_headers(call, url, &headers, e);
    *retry = *skewed = false;
    if (ret != RW_OK) {
        strlist_free(&headers);
        return ret;
    }
    aws_http_request req = {.method = "POST", .url = url, .headers = &headers,
                            .body = call->body, .body_len = strlen(call->body),
                            .connect_timeout_ms = 5000, .timeout_ms = 10000};
    aws_http_response resp;
    aws_http_response_init(&resp);
    ret = aws_http_perform(&req, &resp, e);
    for (size_t i = 0; i < headers.len; i++)
        OPENSSL_cleanse(headers.items[i], strlen(headers.items[i]));
    strlist_free(&headers);
    if (ret != RW_OK) {
        *retry = true;
        rw_err_prefix(e, "STS %s: ", call->action);
    } else if (resp.status == 200) {
        ret = aws_sts_parse_credentials(sb_str(&resp.body), resp.body.len, creds, e);
    } else {
        char *text = aws_sts_error_text(sb_str(&resp.body), resp.body.len);
        char code[64];
        const char *message = "";
        if (text) error_parts(text, code, sizeof code, &message);
        *retry = sts_retryable(resp.status, text);
        *skewed = text && call->signer &&
                  aws_clock_skew_learn(code, message, aws_http_header(&resp, "date"));
        ret = rw_fail(e, RW_ERR_AWS, "STS %s failed: %s (HTTP %ld)", call->action,
                      text ? text : "no error code", resp.status);
        free(text);
    }
    sb_free_secret(&resp.body);
    aws_http_response_free(&resp);
    return ret;
}

/* Sends the call with the SDKs' retries, and one more after a clock-skew correction. */
static int sts_perform(const sts_call *call, aws_credentials *creds, rw_err *e)
{
    char *url = aws_endpoint_url(&sts_service, call->region);
    char *origin = aws_http_url_origin(url);
    log_debug("STS %s at %s", call->action, origin);
    int ret = RW_ERROR;
    bool skew_retried = false;
    for (int attempt = 1; attempt <= STS_ATTEMPTS; attempt++) {
        bool retry = false, skewed = false;
        ret = sts_attempt(call, url, creds, &retry, &skewed, e);
        if (ret == RW_OK) break;
        if (skewed && !skew_retried) {
            log_warn("STS %s: the local clock is off; signing again with AWS's time", call->action);
            skew_retried = true;
            attempt--;
            continue;
        }
        if (!retry || attempt == STS_ATTEMPTS) break;
        aws_http_sleep_ms(200L << attempt);
    }
    if (ret != RW_OK) redact(e->msg, call->secret);
    free(origin);
    free(url);
    return ret;
}

/* The session name given, else "runway-<ms since the epoch>" (STS wants 2-64 of [\w+=,.@-]). */
static char *session_name(const char *given)
{
    if (given && *given) return xstrdup(given);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return xasprintf("runway-%lld%03ld", (long long)tv.tv_sec, (long)(tv.tv_usec / 1000));
}

int aws_sts_assume_role_with_web_identity(const char *region, const char *role_arn,
                                          const char *session, const char *token_file,
                                          aws_credentials *creds, rw_err *e)
{
    strbuf token = STRBUF_INIT;
    /* Read on every call: Kubernetes and CI runners rotate the file. */
    if (rw_read_file(token_file, &token, e) != RW_OK) {
        rw_err_prefix(e, "web identity token file: ");
        return e->code;
    }
    char *trimmed = rw_trim(token.buf ? token.buf : (char *)"");
    if (!*trimmed) {
        sb_free_secret(&token);
        return rw_fail(e, RW_ERR_CONFIGURATION, "web identity token file %s is empty", token_file);
    }
    char *name = session_name(session);
    strbuf form = STRBUF_INIT;
    form_add(&form, "Action", "AssumeRoleWithWebIdentity");
    form_add(&form, "Version", STS_API_VERSION);
    form_add(&form, "RoleArn", role_arn);
    form_add(&form, "RoleSessionName", name);
    form_add(&form, "WebIdentityToken", trimmed);
    sts_call call = {.action = "AssumeRoleWithWebIdentity",
                     .region = region ? region : STS_DEFAULT_REGION, .body = sb_str(&form),
                     .secret = trimmed};
    int ret = sts_perform(&call, creds, e);
    if (ret == RW_OK) log_debug("assumed %s with a web identity token", role_arn);
    sb_free_secret(&form);
    sb_free_secret(&token);
    free(name);
    return ret;
}

int aws_sts_assume_role(const char *region, const aws_credentials *source, const char *role_arn,
                        const char *session, const char *external_id, const char *duration,
                        aws_credentials *creds, rw_err *e)
{
    char *name = session_name(session);
    strbuf form = STRBUF_INIT;
    form_add(&form, "Action", "AssumeRole");
    form_add(&form, "Version", STS_API_VERSION);
    form_add(&form, "RoleArn", role_arn);
    form_add(&form, "RoleSessionName", name);
    form_add(&form, "ExternalId", external_id);
    form_add(&form, "DurationSeconds", duration);
    sts_call call = {.action = "AssumeRole", .region = region ? region : STS_DEFAULT_REGION,
                     .body = sb_str(&form), .signer = source};
    int ret = sts_perform(&call, creds, e);
    if (ret == RW_OK) log_debug("assumed %s", role_arn);
    sb_free(&form);
    free(name);
    return ret;
}
