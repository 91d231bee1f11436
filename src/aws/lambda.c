/*
 * lambda.c - runway as a Lambda custom runtime.  It loops on the Runtime
 * API's /next, runs the command an event asks for in-process, and answers
 * /response or /error; CloudFormation custom resource events get their
 * response PUT to the presigned ResponseURL, then a Runtime success so Lambda
 * never retries (and re-runs) them.
 */
#include "aws/lambda.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "aws/aws.h"
#include "aws/callbacks.h"
#include "aws/http.h"
#include "cli/commands.h"
#include "cli/fleet.h"
#include "core/log.h"
#include "core/report.h"
#include "core/stop.h"

#define CFN_BODY_MAX 4096
#define CFN_PUT_ATTEMPTS 5
#define NEXT_FAILURES_MAX 3
#define LAMBDA_RESULT_MAX (6 * 1024 * 1024)

typedef struct runtime {
    char *base;        /* http://host:port/2018-06-01/runtime */
    int argc;
    char **argv;
    char *const *envp;
} runtime;

typedef struct invocation {
    char *request_id;
    int64_t deadline_epoch_ms;  /* 0: none */
    strbuf body;
} invocation;

/* What running one command produced. */
typedef struct command_result {
    json_t *report;            /* owned */
    rw_config *cfg;            /* owned: where the result is reported (task token, webhook) */
    const char *name;          /* the command */
    bool success;
    bool stopped_by_deadline;
    int64_t duration_ms;       /* how long the command ran */
    rw_err err;
} command_result;

static const char *const override_keys[][2] = {
    {"target", "target"},
    {"outOfOrder", "outOfOrder"},
    {"baselineOnMigrate", "baselineOnMigrate"},
    {"baselineVersion", "baselineVersion"},
    {"sfnTaskToken", "sfnTaskToken"},
};

static int64_t wall_clock_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

bool aws_lambda_requested(char *const *envp)
{
    for (char *const *p = envp; p && *p; p++)
        if (rw_starts_with(*p, "AWS_LAMBDA_RUNTIME_API=") && (*p)[23]) return true;
    return false;
}

/* A scalar JSON value as config text; NULL for objects, arrays and null. */
static char *override_text(json_t *v)
{
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) return xasprintf("%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return xasprintf("%g", json_real_value(v));
    if (json_is_boolean(v)) return xstrdup(json_is_true(v) ? "true" : "false");
    return NULL;
}

static int override_set(rw_config *cfg, const char *event_key, const char *config_key, json_t *v,
                        rw_err *e)
{
    char *text = override_text(v);
    if (!text)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event key '%s' must be a string, number or boolean", event_key);
    int ret = config_set(cfg, config_key, text, CFG_SRC_EVENT, "event", e);
    free(text);
    return ret;
}

static int event_placeholders_set(rw_config *cfg, json_t *obj, rw_err *e)
{
    if (!json_is_object(obj))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "event key 'placeholders' must be an object of name: value pairs");
    const char *name;
    json_t *v;
    json_object_foreach(obj, name, v) {
        char *key = xasprintf("placeholders.%s", name);
        int ret = override_set(cfg, key, key, v, e);
        free(key);
        if (ret != RW_OK) return ret;
    }
    return RW_OK;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0) return true;
    return false;
}

int aws_lambda_apply_overrides(rw_config *cfg, json_t *event, const char *const *ignore,
                               bool ignore_unknown, rw_err *e)
{
    const char *key;
    json_t *v;
    json_object_foreach(event, key, v) {
        if (in_list(ignore, key)) continue;
        if (strcmp(key, "placeholders") == 0) {
            if (event_placeholders_set(cfg, v, e) != RW_OK) return e->code;
            continue;
        }
        const char *config_key = NULL;
        for (size_t i = 0; i < sizeof override_keys / sizeof override_keys[0]; i++)
            if (strcmp(key, override_keys[i][0]) == 0) config_key = override_keys[i][1];
        if (!config_key) {
            if (ignore_unknown) continue;
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "event key '%s' is not allowed; an event may set command, target, "
                           "placeholders, outOfOrder, baselineOnMigrate, baselineVersion and "
                           "sfnTaskToken (everything else comes from the function's configuration)",
                           key);
        }
        if (override_set(cfg, key, config_key, v, e) != RW_OK) return e->code;
    }
    return RW_OK;
}

/* Lambda's deadline less reserve, as an rw_now_ms() value (never 0, which means none). */
static int64_t deadline_minus(const invocation *inv, int64_t reserve_ms)
{
    if (inv->deadline_epoch_ms <= 0) return 0;
    int64_t left = inv->deadline_epoch_ms - wall_clock_ms() - reserve_ms;
    int64_t deadline = rw_now_ms() + left;
    return deadline > 0 ? deadline : 1;
}

/* No migration starts within the safety margin. */
static int64_t command_deadline(const invocation *inv)
{
    return deadline_minus(inv, AWS_LAMBDA_SAFETY_MARGIN_MS);
}

/*
 * Arms the watchdog (cancel the running statement) and caps every callback
 * for this invocation; an invocation without a deadline gets neither.
 */
static void invocation_limits_set(const invocation *inv)
{
    stop_arm_deadline(deadline_minus(inv, AWS_LAMBDA_WATCHDOG_RESERVE_MS), "the Lambda deadline");
    aws_http_set_deadline(deadline_minus(inv, AWS_LAMBDA_ANSWER_RESERVE_MS));
}

static void invocation_limits_clear(void)
{
    stop_arm_deadline(0, NULL);
    aws_http_set_deadline(0);
}

/*
 * Builds the configuration (files and env as the command line would, then
 * the event's overrides) and runs the command in-process.
 */
static void command_run(const runtime *rt, const invocation *inv, const char *name,
                        json_t *overrides, const char *const *ignore, bool ignore_unknown,
                        command_result *res)
{
    memset(res, 0, sizeof *res);
    rw_err_clear(&res->err);
    rw_config *cfg = config_new();
    res->cfg = cfg;
    res->name = name;
    strlist commands = {0};
    const rw_command *cmd = NULL;
    rw_err *e = &res->err;
    if (config_load_all(cfg, rt->argc, rt->argv, rt->envp, &commands, e) == RW_OK &&
        aws_lambda_apply_overrides(cfg, overrides, ignore, ignore_unknown, e) == RW_OK) {
        cmd = command_find(name);
        if (!cmd) rw_fail(e, RW_ERR_CONFIGURATION, "unknown command '%s' in the event", name);
    }
    aws_heartbeat *hb = NULL;
    if (cmd && (aws_report_check(cfg, e) != RW_OK || aws_heartbeat_start(cfg, &hb, e) != RW_OK))
        cmd = NULL;
    if (cmd) {
        rw_run r = {.cfg = cfg, .json = true, .out = NULL, .deadline_ms = command_deadline(inv)};
        rw_err_clear(&r.err);
        json_t *batch = fleet_event_batch(overrides);
        int64_t started = rw_now_ms();
        if (batch)
            fleet_execute_batch(&r, name, batch);
        else
            command_execute(cmd, &r);
        res->duration_ms = rw_now_ms() - started;
        aws_heartbeat_stop(hb);
        res->report = r.report;
        res->stopped_by_deadline = r.stopped_by_deadline || r.err.code == RW_ERR_DEADLINE;
        res->success = r.exit_code == 0 && !res->stopped_by_deadline;
        res->err = r.err;
        if (!res->report) res->report = json_object();
        if (r.stopped_by_deadline) {
            json_object_set_new(res->report, "stoppedByDeadline", json_true());
            rw_fail(e, RW_ERR_DEADLINE,
                    "stopped before the Lambda deadline with migrations still pending; invoke "
                    "again to continue");
            json_object_set_new(res->report, "error", report_error_object(e));
        }
    } else {
        res->report = json_pack("{s:{s:s,s:s}}", "error", "errorCode", rw_code_name(e->code),
                                "message", e->msg);
    }
    strlist_free(&commands);
}

/*
 * Sends the result to the task token, webhook and metrics; after the
 * CloudFormation response, which matters most when time runs short.
 */
static void command_report(command_result *res)
{
    if (!res->cfg || !res->name) return;
    rw_err report_err;
    rw_err_clear(&report_err);
    aws_report_result(res->cfg, res->name, res->report, res->success, res->duration_ms,
                      &report_err);
}

static void command_result_free(command_result *res)
{
    json_decref(res->report);
    res->report = NULL;
    config_free(res->cfg);
    res->cfg = NULL;
}

/* The Lambda-Runtime-Function-Error-Type for a failed command. */
static const char *result_error_type(const char *code)
{
    if (strcmp(code, "DEADLINE_REACHED") == 0) return "Function.DeadlineReached";
    if (strcmp(code, "INTERRUPTED") == 0) return "Function.Interrupted";
    return "Function.CommandFailed";
}

/* The failure message for a result: the deadline note, else the report's error. */
static const char *result_message(const command_result *res, const char **code)
{
    const char *msg;
    aws_report_error(res->report, code, &msg);
    if (res->stopped_by_deadline) {
        *code = "DEADLINE_REACHED";
        if (!res->err.msg[0]) return msg;
        return res->err.msg;
    }
    if (res->err.msg[0] && strcmp(msg, "runway failed") == 0) msg = res->err.msg;
    return msg;
}

/* ---- Runtime API ------------------------------------------------------- */

static int runtime_post(const runtime *rt, const char *path, const char *error_type,
                        const char *body, rw_err *e)
{
    char *url = xasprintf("%s%s", rt->base, path);
    strlist headers = {0};
    strlist_push(&headers, "Content-Type: application/json");
    if (error_type) strlist_push_owned(&headers,
                                       xasprintf("Lambda-Runtime-Function-Error-Type: %s", error_type));
    aws_http_request req = {.method = "POST", .url = url, .headers = &headers, .body = body,
                            .body_len = strlen(body), .connect_timeout_ms = 2000,
                            .ignore_proxy = true, .ignore_deadline = true};
    aws_http_response resp;
    aws_http_response_init(&resp);
    int ret = aws_http_perform(&req, &resp, e);
    if (ret == RW_OK && resp.status != 202)
        ret = rw_fail(e, RW_ERR_HTTP, "the Runtime API answered HTTP %ld to %s: %s", resp.status,
                      path, sb_str(&resp.body));
    aws_http_response_free(&resp);
    strlist_free(&headers);
    free(url);
    return ret;
}

static int runtime_respond(const runtime *rt, const invocation *inv, json_t *result, rw_err *e)
{
    char *path = xasprintf("/invocation/%s/response", inv->request_id);
    /* Lambda refuses a larger result (413) and the answer would be lost. */
    char *body = aws_report_text_within(result, LAMBDA_RESULT_MAX);
    if (!body) {
        log_warn("the result is over Lambda's 6 MB limit: returning its summary instead");
        body = aws_report_text(result, 0);
    }
    int ret = runtime_post(rt, path, NULL, body, e);
    free(body);
    free(path);
    return ret;
}

/* Lambda's error shape; error_type is the header value (Function.X), code goes in the body. */
static int runtime_fail(const runtime *rt, const char *path, const char *error_type,
                        const char *code, const char *message, rw_err *e)
{
    json_t *err = json_pack("{s:s,s:s,s:[]}", "errorMessage", message, "errorType", code,
                            "stackTrace");
    char *body = json_dumps(err, JSON_COMPACT);
    int ret = runtime_post(rt, path, error_type, body, e);
    free(body);
    json_decref(err);
    return ret;
}

static int runtime_invocation_error(const runtime *rt, const invocation *inv,
                                    const char *error_type, const char *code, const char *message,
                                    rw_err *e)
{
    char *path = xasprintf("/invocation/%s/error", inv->request_id);
    int ret = runtime_fail(rt, path, error_type, code, message, e);
    free(path);
    return ret;
}

static void invocation_free(invocation *inv)
{
    free(inv->request_id);
    sb_free(&inv->body);
    memset(inv, 0, sizeof *inv);
}

/*
 * Waits for the next event.  No total timeout here, as the Lambda docs ask:
 * the process may be frozen between invocations.  *fatal is set when the
 * Runtime API says the runtime must exit (HTTP 500).
 */
static int runtime_next(const runtime *rt, invocation *inv, bool *fatal, rw_err *e)
{
    memset(inv, 0, sizeof *inv);
    *fatal = false;
    char *url = xasprintf("%s/invocation/next", rt->base);
    aws_http_request req = {.method = "GET", .url = url, .connect_timeout_ms = 2000,
                            .timeout_ms = -1, .ignore_proxy = true};
    aws_http_response resp;
    aws_http_response_init(&resp);
    int ret = aws_http_perform(&req, &resp, e);
    free(url);
    const char *id = aws_http_header(&resp, "lambda-runtime-aws-request-id");
    if (ret == RW_OK && resp.status != 200) {
        *fatal = resp.status >= 500;
        ret = rw_fail(e, RW_ERR_HTTP, "the Runtime API answered HTTP %ld to /next", resp.status);
    } else if (ret == RW_OK && (!id || !*id)) {
        ret = rw_fail(e, RW_ERR_HTTP, "the Runtime API sent an event without a request id");
    }
    if (ret == RW_OK) {
        inv->request_id = xstrdup(id);
        const char *deadline = aws_http_header(&resp, "lambda-runtime-deadline-ms");
        inv->deadline_epoch_ms = deadline ? strtoll(deadline, NULL, 10) : 0;
        const char *trace = aws_http_header(&resp, "lambda-runtime-trace-id");
        if (trace) setenv("_X_AMZN_TRACE_ID", trace, 1);
        else unsetenv("_X_AMZN_TRACE_ID");
        inv->body = resp.body;
        sb_init(&resp.body);
    }
    aws_http_response_free(&resp);
    return ret;
}

/* ---- Plain events ------------------------------------------------------ */

static int handle_plain(const runtime *rt, const invocation *inv, json_t *event, rw_err *e)
{
    json_t *command = json_object_get(event, "command");
    if (command && !json_is_string(command))
        return runtime_invocation_error(rt, inv, "Function.InvalidEvent", "InvalidEvent",
                                        "event key 'command' must be a string", e);
    const char *name = command ? json_string_value(command) : "migrate";
    static const char *const ignore[] = {"command", "targets", "Items", "BatchInput", NULL};
    command_result res;
    command_run(rt, inv, name, event, ignore, false, &res);
    command_report(&res);
    int ret;
    if (res.success) {
        ret = runtime_respond(rt, inv, res.report, e);
    } else {
        const char *code;
        const char *msg = result_message(&res, &code);
        ret = runtime_invocation_error(rt, inv, result_error_type(code), code, msg, e);
    }
    log_info("%s %s", name, res.success ? "succeeded" : "failed");
    command_result_free(&res);
    return ret;
}

/* ---- CloudFormation custom resources ---------------------------------- */

bool aws_lambda_is_cfn_event(json_t *event)
{
    return json_is_string(json_object_get(event, "RequestType")) &&
           json_is_string(json_object_get(event, "StackId")) &&
           json_is_string(json_object_get(event, "RequestId"));
}

static char *cfn_physical_id(json_t *event)
{
    const char *id = json_string_value(json_object_get(event, "PhysicalResourceId"));
    if (id && *id) return xstrdup(id);
    const char *logical = json_string_value(json_object_get(event, "LogicalResourceId"));
    return xasprintf("runway-%s", logical && *logical ? logical : "migrations");
}

static char *cfn_body(json_t *event, bool success, const char *reason, json_t *data)
{
    char *physical = cfn_physical_id(event);
    json_t *doc = json_pack("{s:s,s:s,s:O?,s:O?,s:O?,s:b,s:o}", "Status",
                            success ? "SUCCESS" : "FAILED", "PhysicalResourceId", physical,
                            "StackId", json_object_get(event, "StackId"), "RequestId",
                            json_object_get(event, "RequestId"), "LogicalResourceId",
                            json_object_get(event, "LogicalResourceId"), "NoEcho", 0, "Data",
                            data ? json_incref(data) : json_object());
    if (reason) json_object_set_new(doc, "Reason", json_string(reason));
    char *text = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    free(physical);
    return text;
}

/* reason cut to at most n bytes, never inside a UTF-8 sequence. */
static char *utf8_prefix(const char *reason, size_t n)
{
    while (n > 0 && ((unsigned char)reason[n] & 0xC0) == 0x80) n--;
    return xstrndup(reason, n);
}

/* The body with the longest prefix of reason that fits in 4096 bytes (binary search). */
char *aws_lambda_cfn_response(json_t *event, bool success, const char *reason, json_t *data)
{
    char *body = cfn_body(event, success, reason, data);
    if (!reason || strlen(body) <= CFN_BODY_MAX) return body;
    free(body);
    size_t lo = 0, hi = strlen(reason);
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        char *cut = utf8_prefix(reason, mid);
        char *try = cfn_body(event, success, cut, data);
        bool fits = strlen(try) <= CFN_BODY_MAX;
        free(try);
        free(cut);
        if (fits) lo = mid;
        else hi = mid - 1;
    }
    char *cut = utf8_prefix(reason, lo);
    body = cfn_body(event, success, cut, data);
    free(cut);
    return body;
}

/* PUTs the response to the presigned URL: no Content-Type (it would break SigV2 URLs), retried. */
static int cfn_put(const char *url, const char *body, const invocation *inv, rw_err *e)
{
    strlist headers = {0};
    strlist_push(&headers, "Content-Type:");
    int ret = RW_ERROR;
    char *origin = aws_http_url_origin(url);
    for (int attempt = 1; attempt <= CFN_PUT_ATTEMPTS; attempt++) {
        if (attempt > 1) {
            log_warn("CloudFormation response to %s: %s; retrying", origin, e->msg);
            aws_http_sleep_ms(1000);
        }
        aws_http_request req = {.method = "PUT", .url = url, .headers = &headers, .body = body,
                                .body_len = strlen(body), .timeout_ms = 10000};
        aws_http_response resp;
        aws_http_response_init(&resp);
        ret = aws_http_perform(&req, &resp, e);
        if (ret == RW_OK && (resp.status < 200 || resp.status >= 300))
            ret = rw_fail(e, RW_ERR_HTTP, "CloudFormation response to %s: HTTP %ld", origin,
                          resp.status);
        aws_http_response_free(&resp);
        if (ret == RW_OK) break;
        if (inv->deadline_epoch_ms && wall_clock_ms() + 2000 > inv->deadline_epoch_ms) break;
    }
    free(origin);
    strlist_free(&headers);
    return ret;
}

static json_t *cfn_data(const command_result *res)
{
    json_t *data = json_object();
    json_int_t n = json_integer_value(json_object_get(res->report, "migrationsExecuted"));
    json_object_set_new(data, "MigrationsExecuted", json_sprintf("%lld", (long long)n));
    const char *version = json_string_value(json_object_get(res->report, "targetSchemaVersion"));
    if (!version) version = json_string_value(json_object_get(res->report, "initialSchemaVersion"));
    json_object_set_new(data, "SchemaVersion", json_string(version ? version : ""));
    return data;
}

static int handle_cfn(const runtime *rt, const invocation *inv, json_t *event, rw_err *e)
{
    const char *type = json_string_value(json_object_get(event, "RequestType"));
    const char *response_url = json_string_value(json_object_get(event, "ResponseURL"));
    bool put = response_url && (rw_starts_with(response_url, "https://") ||
                                rw_starts_with(response_url, "http://"));
    command_result res;
    memset(&res, 0, sizeof res);
    rw_err_clear(&res.err);
    if (strcmp(type, "Create") == 0 || strcmp(type, "Update") == 0) {
        json_t *props = json_object_get(event, "ResourceProperties");
        json_t *command = json_object_get(props, "command");
        const char *name = json_is_string(command) ? json_string_value(command) : "migrate";
        static const char *const ignore[] = {"command", "ServiceToken", NULL};
        log_info("CloudFormation %s: running %s", type, name);
        command_run(rt, inv, name, json_is_object(props) ? props : NULL, ignore, true, &res);
    } else if (strcmp(type, "Delete") == 0) {
        log_info("CloudFormation Delete: nothing to do (migrations are never undone)");
        res.success = true;
        res.report = json_object();
    } else {
        rw_fail(&res.err, RW_ERR_CONFIGURATION, "unknown RequestType '%s'", type);
        res.report = json_object();
    }

    const char *code = NULL;
    const char *message = res.success ? NULL : result_message(&res, &code);
    /* The Reason starts with the error code, the one a stack's events can be searched for. */
    char *reason = res.success ? NULL : xasprintf("%s: %s", code ? code : "ERROR", message);
    json_t *data = res.success && strcmp(type, "Delete") != 0 ? cfn_data(&res) : json_object();
    int ret;
    if (put) {
        char *body = aws_lambda_cfn_response(event, res.success, reason, data);
        rw_err put_err;
        rw_err_clear(&put_err);
        int put_ret = cfn_put(response_url, body, inv, &put_err);
        command_report(&res);
        if (put_ret == RW_OK) {
            log_info("CloudFormation response sent: %s", res.success ? "SUCCESS" : "FAILED");
            json_t *ack = json_pack("{s:s}", "Status", res.success ? "SUCCESS" : "FAILED");
            ret = runtime_respond(rt, inv, ack, e);
            json_decref(ack);
        } else {
            log_error("%s", put_err.msg);
            ret = runtime_invocation_error(rt, inv, "Function.ResponseNotDelivered",
                                           "ResponseNotDelivered", put_err.msg, e);
        }
        free(body);
    } else if (res.success) {
        command_report(&res);
        /* The CDK Provider framework invokes synchronously and reads the returned object. */
        char *physical = cfn_physical_id(event);
        json_t *out = json_pack("{s:s,s:O}", "PhysicalResourceId", physical, "Data", data);
        ret = runtime_respond(rt, inv, out, e);
        json_decref(out);
        free(physical);
    } else {
        command_report(&res);
        ret = runtime_invocation_error(rt, inv, result_error_type(code ? code : "ERROR"),
                                       code ? code : "ERROR", message, e);
    }
    free(reason);
    json_decref(data);
    command_result_free(&res);
    return ret;
}

/* ---- The loop ---------------------------------------------------------- */

static int handle_invocation(const runtime *rt, const invocation *inv, rw_err *e)
{
    json_error_t jerr;
    json_t *event = json_loadb(inv->body.buf ? inv->body.buf : "", inv->body.len, 0, &jerr);
    int ret;
    if (!json_is_object(event)) {
        char *msg = xasprintf("the event must be a JSON object (%s)",
                              event ? "got another JSON value" : jerr.text);
        ret = runtime_invocation_error(rt, inv, "Function.InvalidEvent", "InvalidEvent", msg, e);
        free(msg);
    } else if (aws_lambda_is_cfn_event(event)) {
        ret = handle_cfn(rt, inv, event, e);
    } else {
        ret = handle_plain(rt, inv, event, e);
    }
    json_decref(event);
    return ret;
}

/*
 * Checks the function's own configuration once, so a broken one is an init
 * error, and takes the log level from it.
 */
static int runtime_init(runtime *rt, rw_err *e)
{
    rw_config *cfg = config_new();
    strlist commands = {0};
    int ret = config_load_all(cfg, rt->argc, rt->argv, rt->envp, &commands, e);
    const char *level = config_get(cfg, "logLevel");
    if (ret == RW_OK && level && strcmp(level, "debug") == 0)
        log_set_level(LOG_DEBUG);
    else if (ret == RW_OK && config_get_bool(cfg, "quiet"))
        log_set_level(LOG_WARN);
    strlist_free(&commands);
    config_free(cfg);
    return ret;
}

int aws_lambda_main(int argc, char **argv, char *const *envp)
{
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fputs("runway: AWS_LAMBDA_RUNTIME_API is not set; the lambda command runs inside AWS "
              "Lambda (or a Runtime API emulator)\n", stderr);
        return 1;
    }
    runtime rt = {.base = xasprintf("http://%s/2018-06-01/runtime", api), .argc = argc,
                  .argv = argv, .envp = envp};
    rw_err e;
    rw_err_clear(&e);
    if (runtime_init(&rt, &e) != RW_OK) {
        log_error("%s", e.msg);
        rw_err post_err;
        rw_err_clear(&post_err);
        runtime_fail(&rt, "/init/error", "Runtime.ConfigInvalid", rw_code_name(e.code), e.msg,
                     &post_err);
        free(rt.base);
        return 1;
    }
    int failures = 0;
    int exit_code = 0;
    for (;;) {
        invocation inv;
        bool fatal = false;
        rw_err_clear(&e);
        stop_set_busy(false); /* a signal while waiting for an event ends the runtime at once */
        int next = runtime_next(&rt, &inv, &fatal, &e);
        stop_set_busy(true);
        if (next != RW_OK) {
            log_error("%s", e.msg);
            if (fatal || ++failures >= NEXT_FAILURES_MAX) {
                exit_code = fatal ? 0 : 1;
                break;
            }
            aws_http_sleep_ms(100);
            continue;
        }
        failures = 0;
        invocation_limits_set(&inv);
        int ret = handle_invocation(&rt, &inv, &e);
        invocation_limits_clear();
        invocation_free(&inv);
        if (stop_signal()) {
            /* Answered as INTERRUPTED; the process was asked to end. */
            exit_code = stop_exit_code();
            break;
        }
        if (ret != RW_OK) {
            /* Lambda restarts a runtime that exits; a lost answer is better retried fresh. */
            log_error("%s", e.msg);
            exit_code = 1;
            break;
        }
    }
    free(rt.base);
    return exit_code;
}
