/*
 * callbacks.c - delivers a command's JSON report to Step Functions, SNS, a
 * webhook and CloudWatch metrics.  A delivery failure is reported but never
 * changes the command's own result.
 */
#include "aws/callbacks.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "aws/aws.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sns.h"
#include "core/jsonw.h"
#include "core/log.h"

#define SFN_OUTPUT_MAX 262144
#define SFN_ERROR_MAX 256
#define SFN_CAUSE_MAX 32768
#define WEBHOOK_DEFAULT_TIMEOUT_S 10
#define WEBHOOK_DEFAULT_RETRIES 3
#define WEBHOOK_BACKOFF_MS 500L
#define WEBHOOK_BACKOFF_MAX_MS 8000L

void aws_report_error(json_t *report, const char **code, const char **message)
{
    json_t *err = json_object_get(report, "error");
    *code = json_string_value(json_object_get(err, "errorCode"));
    *message = json_string_value(json_object_get(err, "message"));
    if (!err) {
        err = json_object_get(report, "errorDetails");
        *code = json_string_value(json_object_get(err, "errorCode"));
        *message = json_string_value(json_object_get(err, "errorMessage"));
    }
    if (!*code) *code = "ERROR";
    if (!*message) *message = json_string_value(json_object_get(report, "exception"));
    if (!*message) *message = "runway failed";
}

/* Replaces every occurrence of secret in msg (an AWS error may echo a token) with "***". */
static void redact_in_place(char *msg, const char *secret)
{
    size_t n = strlen(secret);
    char *hit;
    if (n < 3) return; /* real tokens are long; this keeps the text from growing */
    while ((hit = strstr(msg, secret)) != NULL) {
        memmove(hit + 3, hit + n, strlen(hit + n) + 1);
        memcpy(hit, "***", 3);
    }
}

/* Text cut to at most max bytes without splitting a UTF-8 sequence. */
static char *truncate_utf8(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return xstrdup(s);
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return xstrndup(s, max);
}

char *aws_report_text_within(json_t *report, size_t max)
{
    if (max == 0) return NULL;
    /* Unbuffered, so the write that crosses max fails at once; the pages past what was written stay untouched. */
    char *buf = xmalloc(max + 2);
    FILE *f = fmemopen(buf, max + 2, "w");
    if (!f) {
        free(buf);
        return NULL;
    }
    setvbuf(f, NULL, _IONBF, 0);
    jsonw w;
    jsonw_init(&w, 0);
    jsonw_add_sink(&w, f);
    jsonw_value(&w, report);
    long len = ftell(f);
    fclose(f);
    if (w.failed || len < 0 || (size_t)len > max) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return xrealloc(buf, (size_t)len + 1);
}

char *aws_report_text(json_t *report, size_t max)
{
    char *text = aws_report_text_within(report, max);
    if (text) return text;
    static const char *const kept[] = {"operation", "success", "migrationsExecuted",
                                       "schemaVersion", "initialSchemaVersion",
                                       "targetSchemaVersion", "error"};
    json_t *summary = json_object();
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        json_t *v = json_object_get(report, kept[i]);
        if (v) json_object_set(summary, kept[i], v);
    }
    json_object_set_new(summary, "truncated", json_true());
    text = json_dumps(summary, JSON_COMPACT);
    json_decref(summary);
    return text;
}

/* The SendTaskSuccess output: the report, or a summary when it is over the 256 KiB limit. */
static char *sfn_output(json_t *report)
{
    return aws_report_text(report, SFN_OUTPUT_MAX);
}

int aws_sfn_report(const rw_config *cfg, const char *token, json_t *report, bool success,
                   rw_err *e)
{
    aws_context ctx = {0};
    ctx.region = aws_region_from(cfg, e);
    if (!ctx.region || aws_credentials_load(&ctx.creds, e) != RW_OK) {
        free(ctx.region);
        rw_err_prefix(e, "Step Functions callback: ");
        return e->code;
    }
    json_t *input;
    const char *operation;
    if (success) {
        char *output = sfn_output(report);
        input = json_pack("{s:s,s:s}", "taskToken", token, "output", output);
        free(output);
        operation = "SendTaskSuccess";
    } else {
        const char *code, *message;
        aws_report_error(report, &code, &message);
        char *error = truncate_utf8(code, SFN_ERROR_MAX);
        char *cause = truncate_utf8(message, SFN_CAUSE_MAX);
        input = json_pack("{s:s,s:s,s:s}", "taskToken", token, "error", error, "cause", cause);
        free(error);
        free(cause);
        operation = "SendTaskFailure";
    }
    json_t *output = NULL;
    int ret = aws_json_call(&aws_step_functions, &ctx, operation, input, &output, e);
    if (ret != RW_OK) redact_in_place(e->msg, token);
    if (ret == RW_OK) log_info("Step Functions task token answered with %s", operation);
    json_decref(input);
    json_decref(output);
    aws_credentials_free(&ctx.creds);
    free(ctx.region);
    return ret;
}

/* ---- heartbeats ---------------------------------------------------------- */

struct aws_heartbeat {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* signalled by aws_heartbeat_stop */
    bool stopping;
    long interval_ms;
    char *token;              /* copies: the thread never reads the configuration */
    char *region;
};

/* One SendTaskHeartbeat; false when Step Functions says the task is over (no more). */
static bool heartbeat_send(const aws_heartbeat *hb)
{
    rw_err e;
    rw_err_clear(&e);
    aws_context ctx = {0};
    ctx.region = hb->region;
    int ret = aws_credentials_load(&ctx.creds, &e);
    json_t *input = json_pack("{s:s}", "taskToken", hb->token);
    json_t *output = NULL;
    if (ret == RW_OK)
        ret = aws_json_call(&aws_step_functions, &ctx, "SendTaskHeartbeat", input, &output, &e);
    bool more = true;
    if (ret != RW_OK) {
        redact_in_place(e.msg, hb->token);
        more = strstr(e.msg, "TaskTimedOut") == NULL && strstr(e.msg, "InvalidToken") == NULL;
        log_warn("Step Functions heartbeat: %s%s", e.msg, more ? "" : "; no more heartbeats");
    } else {
        log_debug("Step Functions heartbeat sent");
    }
    json_decref(input);
    json_decref(output);
    aws_credentials_free(&ctx.creds);
    return more;
}

/* The deadline interval_ms from now, on the clock the condition variable waits with. */
static struct timespec heartbeat_next(long interval_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += interval_ms / 1000;
    ts.tv_nsec += (interval_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

static void *heartbeat_main(void *arg)
{
    aws_heartbeat *hb = arg;
    pthread_mutex_lock(&hb->lock);
    bool more = true;
    while (!hb->stopping && more) {
        struct timespec at = heartbeat_next(hb->interval_ms);
        int rc = 0;
        while (!hb->stopping && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&hb->wake, &hb->lock, &at);
        if (hb->stopping)
            break;
        pthread_mutex_unlock(&hb->lock);
        more = heartbeat_send(hb);
        pthread_mutex_lock(&hb->lock);
    }
    pthread_mutex_unlock(&hb->lock);
    return NULL;
}

int aws_heartbeat_start(const rw_config *cfg, aws_heartbeat **out, rw_err *e)
{
    *out = NULL;
    const char *token = config_get(cfg, "sfnTaskToken");
    const char *every = config_get(cfg, "sfnHeartbeatSeconds");
    if (!token || !*token || !every || !*every) return RW_OK;
    char *end;
    double seconds = strtod(every, &end);
    if (*end || end == every || !(seconds >= 0) || seconds > 86400)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "sfnHeartbeatSeconds: '%s' is not a number of seconds (use e.g. 60; 0 "
                       "turns heartbeats off)", every);
    if (seconds == 0) return RW_OK;
    char *region = aws_region_from(cfg, e);
    if (!region) return e->code;
    aws_heartbeat *hb = xcalloc(1, sizeof *hb);
    hb->interval_ms = (long)(seconds * 1000);
    if (hb->interval_ms < 100) hb->interval_ms = 100;
    hb->token = xstrdup(token);
    hb->region = region;
    pthread_mutex_init(&hb->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&hb->wake, &attr);
    pthread_condattr_destroy(&attr);
    /* The first one here: it loads libcurl and libcrypto before a second thread uses them. */
    if (!heartbeat_send(hb) || pthread_create(&hb->thread, NULL, heartbeat_main, hb) != 0) {
        hb->stopping = true;
        aws_heartbeat_stop(hb);
        return RW_OK;
    }
    *out = hb;
    return RW_OK;
}

void aws_heartbeat_stop(aws_heartbeat *hb)
{
    if (!hb) return;
    pthread_mutex_lock(&hb->lock);
    bool running = !hb->stopping;
    hb->stopping = true;
    pthread_cond_signal(&hb->wake);
    pthread_mutex_unlock(&hb->lock);
    if (running) pthread_join(hb->thread, NULL);
    pthread_cond_destroy(&hb->wake);
    pthread_mutex_destroy(&hb->lock);
    free(hb->token);
    free(hb->region);
    free(hb);
}

static long cfg_long_or(const rw_config *cfg, const char *key, long fallback)
{
    const char *v = config_get(cfg, key);
    if (!v || !*v) return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    return *end || n < 0 ? fallback : n;
}

static bool webhook_retryable(long status)
{
    return status == 408 || status == 429 || status >= 500;
}

int aws_webhook_report(const rw_config *cfg, const char *url, const char *command, json_t *report,
                       bool success, rw_err *e)
{
    long timeout_s = cfg_long_or(cfg, "webhookTimeout", WEBHOOK_DEFAULT_TIMEOUT_S);
    long retries = cfg_long_or(cfg, "webhookRetries", WEBHOOK_DEFAULT_RETRIES);
    if (timeout_s == 0) timeout_s = WEBHOOK_DEFAULT_TIMEOUT_S;
    json_t *envelope = json_pack("{s:s,s:b,s:O}", "command", command, "success", success,
                                 "report", report ? report : json_null());
    char *body = json_dumps(envelope, JSON_COMPACT);
    json_decref(envelope);
    char *origin = aws_http_url_origin(url);
    strlist headers = {0};
    strlist_push(&headers, "Content-Type: application/json");

    int ret = RW_ERROR;
    long backoff = WEBHOOK_BACKOFF_MS;
    for (long attempt = 0; attempt <= retries; attempt++) {
        if (attempt > 0) {
            log_warn("webhook %s: %s; retrying in %ld ms", origin, e->msg, backoff);
            aws_http_sleep_ms(backoff);
            backoff = backoff * 2 > WEBHOOK_BACKOFF_MAX_MS ? WEBHOOK_BACKOFF_MAX_MS : backoff * 2;
        }
        aws_http_request req = {.method = "POST", .url = url, .headers = &headers, .body = body,
                                .body_len = strlen(body),
                                .connect_timeout_ms = timeout_s * 1000 < 5000 ? timeout_s * 1000 : 5000,
                                .timeout_ms = timeout_s * 1000};
        aws_http_response resp;
        aws_http_response_init(&resp);
        ret = aws_http_perform(&req, &resp, e);
        long status = resp.status;
        aws_http_response_free(&resp);
        if (ret == RW_OK && status >= 200 && status < 300) break;
        if (ret == RW_OK) {
            ret = rw_fail(e, RW_ERR_HTTP, "webhook %s answered HTTP %ld", origin, status);
            if (!webhook_retryable(status)) break;
        }
        if (aws_http_time_left() == 0) break; /* the Lambda deadline: no retry can finish */
    }
    if (ret == RW_OK) log_info("report delivered to webhook %s", origin);
    strlist_free(&headers);
    free(origin);
    free(body);
    return ret;
}

static bool running_in_aws(void)
{
    static const char *vars[] = {"AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME",
                                 "ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return true;
    }
    return false;
}

bool aws_metrics_enabled(const rw_config *cfg)
{
    const char *v = config_get(cfg, "metrics");
    bool on = false;
    if (v && *v && rw_parse_bool(v, &on) == 0) return on;
    return running_in_aws();
}

void aws_metrics_write(FILE *out, const char *command, json_t *report, bool success,
                       int64_t duration_ms, int64_t timestamp_ms)
{
    json_int_t applied = json_integer_value(json_object_get(report, "migrationsExecuted"));
    json_t *line = json_pack(
        "{s:{s:I,s:[{s:s,s:[[s]],s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}]},s:s,s:I,s:I,s:I}",
        "_aws", "Timestamp", (json_int_t)timestamp_ms, "CloudWatchMetrics", "Namespace", "Runway",
        "Dimensions", "Command", "Metrics", "Name", "MigrationsApplied", "Unit", "Count", "Name",
        "MigrationsFailed", "Unit", "Count", "Name", "Duration", "Unit", "Milliseconds", "Command",
        command, "MigrationsApplied", applied, "MigrationsFailed", (json_int_t)(success ? 0 : 1),
        "Duration", (json_int_t)duration_ms);
    char *text = json_dumps(line, JSON_COMPACT);
    fprintf(out, "%s\n", text);
    fflush(out);
    free(text);
    json_decref(line);
}

static int64_t wall_clock_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

int aws_report_check(const rw_config *cfg, rw_err *e)
{
    const char *topic = config_get(cfg, "snsTopicArn");
    if (!topic || !*topic) return RW_OK;
    char *region = aws_sns_topic_region(topic, e);
    free(region);
    return region ? RW_OK : e->code;
}

/*
 * Each destination logs its own failure here.  Only SNS's is returned: the
 * deploy that listens on the topic has no timeout of its own, so a result
 * that did not reach it must show in the exit code (see docs/aws.md).
 * SNS goes before the webhook, whose retries may use up a Lambda's time.
 */
int aws_report_result(const rw_config *cfg, const char *command, json_t *report, bool success,
                      int64_t duration_ms, rw_err *e)
{
    int ret = RW_OK;
    rw_err one;
    const char *token = config_get(cfg, "sfnTaskToken");
    if (token && *token) {
        rw_err_clear(&one);
        if (aws_sfn_report(cfg, token, report, success, &one) != RW_OK)
            log_error("%s", one.msg);
    }
    const char *topic = config_get(cfg, "snsTopicArn");
    if (topic && *topic) {
        rw_err_clear(e);
        ret = aws_sns_report(topic, command, report, success, e);
        if (ret != RW_OK)
            log_warn("SNS: the %s result was not published to %s: %s", command, topic, e->msg);
    }
    const char *url = config_get(cfg, "webhookUrl");
    if (url && *url) {
        rw_err_clear(&one);
        if (aws_webhook_report(cfg, url, command, report, success, &one) != RW_OK)
            log_error("%s", one.msg);
    }
    /* With -outputType=json stdout holds the one JSON document; the metric line goes to stderr. */
    const char *ot = config_get(cfg, "outputType");
    FILE *out = ot && rw_str_ieq(ot, "json") ? stderr : stdout;
    if (aws_metrics_enabled(cfg))
        aws_metrics_write(out, command, report, success, duration_ms, wall_clock_ms());
    return ret;
}
