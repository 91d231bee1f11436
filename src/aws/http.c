/*
 * http.c - libcurl requests with timeouts, and signed AWS JSON- and Query-protocol calls.
 */
#include "aws/http.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "aws/credentials.h"
#include "aws/xml.h"
#include "core/log.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 5000L
#define DEFAULT_TIMEOUT_MS 30000L
#define JSON_CALL_ATTEMPTS 3

static void http_global_init(void)
{
    static bool done = false;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = true;
    }
}

/*
 * The CA certificates to verify HTTPS with.  Debian's libcurl looks only
 * where Debian keeps them (/etc/ssl/certs/ca-certificates.crt); the Lambda
 * zip runs on Amazon Linux, which keeps them in /etc/pki/tls/certs, and
 * carries Debian's bundle in $LAMBDA_TASK_ROOT/lib.  SSL_CERT_FILE, as
 * OpenSSL reads it, wins; NULL leaves libcurl's own default.
 */
static char *http_ca_file(void)
{
    const char *env = getenv("SSL_CERT_FILE");
    if (env && *env)
        return xstrdup(env);
    if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0)
        return NULL;
    const char *task_root = getenv("LAMBDA_TASK_ROOT");
    if (task_root && *task_root) {
        char *bundled = xasprintf("%s/lib/ca-certificates.crt", task_root);
        if (access(bundled, R_OK) == 0)
            return bundled;
        free(bundled);
    }
    if (access("/etc/pki/tls/certs/ca-bundle.crt", R_OK) == 0)
        return xstrdup("/etc/pki/tls/certs/ca-bundle.crt");
    return NULL;
}

void aws_http_response_init(aws_http_response *resp)
{
    memset(resp, 0, sizeof *resp);
}

void aws_http_response_free(aws_http_response *resp)
{
    sb_free(&resp->body);
    strlist_free(&resp->headers);
    memset(resp, 0, sizeof *resp);
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    sb_add(ud, data, size * n);
    return size * n;
}

/* Keeps "name: value" header lines with the name lower-cased (status lines are skipped). */
static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    aws_http_response *resp = ud;
    size_t len = size * n;
    const char *colon = memchr(data, ':', len);
    if (!colon) {
        /* A new status line (after a redirect or 100 Continue) starts a new header set. */
        if (len > 5 && memcmp(data, "HTTP/", 5) == 0) strlist_free(&resp->headers);
        return len;
    }
    size_t name_len = (size_t)(colon - data);
    const char *v = colon + 1;
    const char *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t')) v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) end--;
    strbuf line = STRBUF_INIT;
    for (size_t i = 0; i < name_len; i++) sb_addc(&line, (char)tolower((unsigned char)data[i]));
    sb_adds(&line, ": ");
    sb_add(&line, v, (size_t)(end - v));
    strlist_push_owned(&resp->headers, sb_detach(&line));
    return len;
}

const char *aws_http_header(const aws_http_response *resp, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < resp->headers.len; i++) {
        const char *line = resp->headers.items[i];
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') return line + n + 2;
    }
    return NULL;
}

char *aws_http_url_origin(const char *url)
{
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) return xstrdup("(invalid URL)");
    const char *host = scheme_end + 3;
    size_t host_len = strcspn(host, "/?#");
    const char *at = memchr(host, '@', host_len);
    if (at) {
        host_len -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    return xasprintf("%.*s://%.*s", (int)(scheme_end - url), url, (int)host_len, host);
}

static int64_t http_deadline;

void aws_http_set_deadline(int64_t at)
{
    http_deadline = at;
}

int64_t aws_http_time_left(void)
{
    if (!http_deadline)
        return -1;
    int64_t left = http_deadline - rw_now_ms();
    return left > 0 ? left : 0;
}

void aws_http_sleep_ms(long ms)
{
    int64_t left = aws_http_time_left();
    if (left >= 0 && ms > left)
        ms = (long)left;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static void set_body(CURL *h, const aws_http_request *req)
{
    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        return;
    }
    /* POSTFIELDS also for PUT: a known length and no Expect: 100-continue round trip. */
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)req->body_len);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    if (strcmp(req->method, "POST") != 0) curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
}

int aws_http_perform(const aws_http_request *req, aws_http_response *resp, rw_err *e)
{
    http_global_init();
    CURL *h = curl_easy_init();
    if (!h) return rw_fail(e, RW_ERR_HTTP, "cannot initialise libcurl");
    struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; req->headers && i < req->headers->len; i++)
        hdrs = curl_slist_append(hdrs, req->headers->items[i]);

    long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
                                                  : DEFAULT_CONNECT_TIMEOUT_MS;
    long total_ms = req->timeout_ms == 0 ? DEFAULT_TIMEOUT_MS : req->timeout_ms;
    int64_t left = req->ignore_deadline ? -1 : aws_http_time_left();
    if (left >= 0 && left < 50) {
        char *origin = aws_http_url_origin(req->url);
        int ret = rw_fail(e, RW_ERR_TIMEOUT, "%s %s skipped: no time left before the deadline",
                          req->method, origin);
        free(origin);
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(h);
        return ret;
    }
    if (left >= 0 && (total_ms < 0 || total_ms > left))
        total_ms = (long)left;
    if (left >= 0 && connect_ms > left)
        connect_ms = (long)left;
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    if (total_ms > 0) curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "runway");
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    char *ca_file = http_ca_file();
    if (ca_file) curl_easy_setopt(h, CURLOPT_CAINFO, ca_file); /* libcurl keeps a copy */
    free(ca_file);
    if (req->ignore_proxy) curl_easy_setopt(h, CURLOPT_PROXY, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
    set_body(h, req);

    CURLcode rc = curl_easy_perform(h);
    int ret = RW_OK;
    if (rc != CURLE_OK) {
        char *origin = aws_http_url_origin(req->url);
        ret = rw_fail(e, rc == CURLE_OPERATION_TIMEDOUT ? RW_ERR_TIMEOUT : RW_ERR_HTTP,
                      "%s %s failed: %s", req->method, origin, curl_easy_strerror(rc));
        free(origin);
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return ret;
}

/* Splits an endpoint URL into the Host header value (with a non-default port) and the path. */
static int endpoint_parts(const char *url, char **host, char **path, rw_err *e)
{
    CURLU *u = curl_url();
    char *h = NULL, *port = NULL, *p = NULL, *scheme = NULL;
    int ret = RW_OK;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        ret = rw_fail(e, RW_ERR_CONFIGURATION,
                      "invalid AWS endpoint URL; check AWS_ENDPOINT_URL* (want https://host[:port])");
    } else {
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        curl_url_get(u, CURLUPART_PATH, &p, 0);
        *host = port ? xasprintf("%s:%s", h, port) : xstrdup(h);
        *path = xstrdup(p && *p ? p : "/");
    }
    curl_free(h);
    curl_free(port);
    curl_free(p);
    curl_free(scheme);
    curl_url_cleanup(u);
    return ret;
}

/* Turns an AWS JSON error body into "Code: message" (code after the last '#', before ':'). */
static void json_error_text(const aws_http_response *resp, strbuf *out)
{
    json_t *body = json_loadb(sb_str(&resp->body), resp->body.len, 0, NULL);
    const char *type = body ? json_string_value(json_object_get(body, "__type")) : NULL;
    if (!type) type = aws_http_header(resp, "x-amzn-errortype");
    const char *msg = body ? json_string_value(json_object_get(body, "message")) : NULL;
    if (!msg && body) msg = json_string_value(json_object_get(body, "Message"));
    if (type) {
        const char *hash = strrchr(type, '#');
        if (hash) type = hash + 1;
        sb_add(out, type, strcspn(type, ":"));
    } else {
        sb_addf(out, "HTTP %ld", resp->status);
    }
    if (msg) sb_addf(out, ": %s", msg);
    json_decref(body);
}

static bool json_error_retryable(const aws_http_response *resp)
{
    if (resp->status >= 500 || resp->status == 429) return true;
    return strstr(sb_str(&resp->body), "Throttling") != NULL;
}

/* True when the error text ("Code: message") says our clock is off; learns AWS's time then. */
static bool json_error_skewed(const aws_http_response *resp, const char *text)
{
    char code[64];
    size_t n = strcspn(text, ":");
    snprintf(code, sizeof code, "%.*s", (int)n, text);
    const char *message = text[n] ? text + n + 1 : "";
    return aws_clock_skew_learn(code, message, aws_http_header(resp, "date"));
}

/*
 * Signs a POST of body with SigV4 (headers holds the request's own ones),
 * adds the signing headers and sends it; headers are freed.
 */
static int signed_post(const aws_service *svc, const aws_context *ctx, const char *url,
                       const char *host, const char *path, strlist *headers, const char *body,
                       aws_http_response *resp, rw_err *e)
{
    sigv4_request sreq = {.method = "POST", .host = host, .path = path, .headers = headers,
                          .body = body, .body_len = strlen(body)};
    sigv4_scope scope = {.region = ctx->region, .service = svc->signing_name,
                         .when = aws_clock_now()};
    sigv4_signature sig;
    sigv4_sign_headers(&sreq, &ctx->creds, &scope, &sig);
    strlist_push_owned(headers, xasprintf("Host: %s", host));
    strlist_push_owned(headers, xasprintf("X-Amz-Date: %s", sig.amz_date));
    if (ctx->creds.session_token)
        strlist_push_owned(headers,
                           xasprintf("X-Amz-Security-Token: %s", ctx->creds.session_token));
    strlist_push_owned(headers, xasprintf("Authorization: %s", sig.authorization));
    sigv4_signature_free(&sig);

    aws_http_request req = {.method = "POST", .url = url, .headers = headers, .body = body,
                            .body_len = strlen(body)};
    aws_http_response_init(resp);
    int ret = aws_http_perform(&req, resp, e);
    strlist_free(headers);
    return ret;
}

/*
 * One signed attempt; *retry is set when a later attempt may succeed,
 * *skewed when AWS refused the signing time (aws_clock_now() is corrected).
 */
static int json_call_once(const aws_service *svc, const aws_context *ctx, const char *url,
                          const char *host, const char *path, const char *operation,
                          const char *body, json_t **output, bool *retry, bool *skewed, rw_err *e)
{
    strlist headers = {0};
    strlist_push_owned(&headers, xasprintf("Content-Type: application/x-amz-json-%s",
                                           svc->json_version));
    strlist_push_owned(&headers, xasprintf("X-Amz-Target: %s.%s", svc->target_prefix, operation));
    aws_http_response resp;
    int ret = signed_post(svc, ctx, url, host, path, &headers, body, &resp, e);
    *retry = ret != RW_OK;
    *skewed = false;
    if (ret == RW_OK && resp.status == 200) {
        json_error_t jerr;
        *output = resp.body.len ? json_loadb(resp.body.buf, resp.body.len, 0, &jerr)
                                : json_object();
        if (!*output)
            ret = rw_fail(e, RW_ERR_AWS, "%s %s returned invalid JSON: %s", svc->name, operation,
                          jerr.text);
    } else if (ret == RW_OK) {
        strbuf text = STRBUF_INIT;
        json_error_text(&resp, &text);
        *retry = json_error_retryable(&resp);
        *skewed = json_error_skewed(&resp, sb_str(&text));
        ret = rw_fail(e, RW_ERR_AWS, "%s %s failed: %s (HTTP %ld)", svc->name, operation,
                      sb_str(&text), resp.status);
        sb_free(&text);
    } else {
        rw_err_prefix(e, "%s %s: ", svc->name, operation);
    }
    aws_http_response_free(&resp);
    return ret;
}

int aws_json_call(const aws_service *svc, const aws_context *ctx, const char *operation,
                  json_t *input, json_t **output, rw_err *e)
{
    char *url = aws_endpoint_url(svc, ctx->region);
    char *host = NULL, *path = NULL;
    int ret = endpoint_parts(url, &host, &path, e);
    char *body = NULL;
    if (ret == RW_OK) {
        body = json_dumps(input, JSON_COMPACT);
        bool skew_retried = false;
        for (int attempt = 1;; attempt++) {
            bool retry = false, skewed = false;
            ret = json_call_once(svc, ctx, url, host, path, operation, body, output, &retry,
                                 &skewed, e);
            if (ret != RW_OK && skewed && !skew_retried) {
                /* Once per call: signed again at once with AWS's time, not counted as a retry. */
                log_warn("%s %s: the local clock is off; signing again with AWS's time",
                         svc->name, operation);
                skew_retried = true;
                attempt--;
                continue;
            }
            if (ret == RW_OK || !retry || attempt == JSON_CALL_ATTEMPTS) break;
            aws_http_sleep_ms(200L << attempt);
        }
    }
    free(body);
    free(host);
    free(path);
    free(url);
    return ret;
}

/* ---- Query protocol (SNS) ------------------------------------------------ */

/*
 * "Code: message" from a Query-protocol <ErrorResponse>, or the HTTP status
 * when there is none; true when it says our clock is off (AWS's time is learnt).
 */
static bool query_error_text(const aws_http_response *resp, strbuf *out)
{
    aws_xml_span body = {sb_str(&resp->body), resp->body.len};
    char *code = aws_xml_child_text(body, "Error", "Code");
    char *msg = aws_xml_child_text(body, "Error", "Message");
    if (code) sb_adds(out, code);
    else sb_addf(out, "HTTP %ld", resp->status);
    if (msg) sb_addf(out, ": %s", msg);
    bool skewed = code && aws_clock_skew_learn(code, msg ? msg : "", aws_http_header(resp, "date"));
    free(code);
    free(msg);
    return skewed;
}

static bool query_error_retryable(const aws_http_response *resp)
{
    if (resp->status >= 500 || resp->status == 429) return true;
    return strstr(sb_str(&resp->body), "<Code>Throttl") != NULL;
}

/*
 * One signed form POST; *retry is set when a later attempt may succeed,
 * *skewed when AWS refused the signing time (aws_clock_now() is corrected).
 */
static int query_call_once(const aws_service *svc, const aws_context *ctx, const char *url,
                           const char *host, const char *path, const char *action,
                           const char *body, strbuf *output, bool *retry, bool *skewed,
                           rw_err *e)
{
    strlist headers = {0};
    strlist_push(&headers, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    aws_http_response resp;
    int ret = signed_post(svc, ctx, url, host, path, &headers, body, &resp, e);
    *retry = ret != RW_OK;
    *skewed = false;
    if (ret == RW_OK && resp.status == 200) {
        sb_add(output, sb_str(&resp.body), resp.body.len);
    } else if (ret == RW_OK) {
        strbuf text = STRBUF_INIT;
        *skewed = query_error_text(&resp, &text);
        *retry = query_error_retryable(&resp);
        ret = rw_fail(e, RW_ERR_AWS, "%s %s failed: %s (HTTP %ld)", svc->name, action,
                      sb_str(&text), resp.status);
        sb_free(&text);
    } else {
        rw_err_prefix(e, "%s %s: ", svc->name, action);
    }
    aws_http_response_free(&resp);
    return ret;
}

int aws_query_call(const aws_service *svc, const aws_context *ctx, const char *action,
                   const char *params, strbuf *output, rw_err *e)
{
    char *url = aws_endpoint_url(svc, ctx->region);
    char *host = NULL, *path = NULL;
    int ret = endpoint_parts(url, &host, &path, e);
    char *body = xasprintf("Action=%s&Version=%s%s%s", action, svc->query_version,
                           params && *params ? "&" : "", params ? params : "");
    bool skew_retried = false;
    for (int attempt = 1; ret == RW_OK; attempt++) {
        bool retry = false, skewed = false;
        sb_reset(output);
        ret = query_call_once(svc, ctx, url, host, path, action, body, output, &retry, &skewed, e);
        if (ret != RW_OK && skewed && !skew_retried) {
            /* Once per call, as aws_json_call does: signed again at once with AWS's time. */
            log_warn("%s %s: the local clock is off; signing again with AWS's time", svc->name,
                     action);
            skew_retried = true;
            attempt--;
            ret = RW_OK;
            continue;
        }
        if (ret == RW_OK || !retry || attempt == JSON_CALL_ATTEMPTS) break;
        ret = RW_OK;
        aws_http_sleep_ms(200L << attempt);
    }
    free(body);
    free(host);
    free(path);
    free(url);
    return ret;
}
