/*
 * sns.c - the result as one SNS message: the channel many teams use between
 * a migration task and the deploy that waits on it.  See sns.h.
 */
#include "aws/sns.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "aws/callbacks.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "aws/sigv4.h"
#include "aws/xml.h"
#include "core/log.h"
#include "build_info.h"

#define SNS_ERROR_MESSAGE_MAX 4096

char *aws_sns_topic_region(const char *arn, rw_err *e)
{
    /* arn : partition : sns : region : account : topic */
    const char *part[6];
    size_t len[6];
    const char *p = arn ? arn : "";
    size_t n = 0;
    for (; n < 6; n++) {
        part[n] = p;
        len[n] = n == 5 ? strlen(p) : strcspn(p, ":");
        if (n < 5 && p[len[n]] != ':') break;
        p += len[n] + 1;
    }
    if (n < 6 || len[0] != 3 || strncmp(part[0], "arn", 3) != 0 || len[2] != 3 ||
        strncmp(part[2], "sns", 3) != 0 || len[1] == 0 || len[3] == 0 || len[4] == 0 ||
        len[5] == 0 || strchr(part[5], ':')) {
        rw_fail(e, RW_ERR_CONFIGURATION,
                "snsTopicArn: '%s' is not an SNS topic ARN; use "
                "arn:aws:sns:REGION:ACCOUNT_ID:TOPIC_NAME",
                arn ? arn : "");
        return NULL;
    }
    return xstrndup(part[3], len[3]);
}

/* Copies report[from] to summary[to] when the report has a value there. */
static void sns_copy(json_t *summary, const char *to, json_t *report, const char *from)
{
    json_t *v = json_object_get(report, from);
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) return;
    json_object_set(summary, to, v);
}

/* The error message cut to a size that leaves the rest of the summary room. */
static char *sns_error_message(const char *msg)
{
    size_t n = strlen(msg);
    if (n <= SNS_ERROR_MESSAGE_MAX) return xstrdup(msg);
    n = SNS_ERROR_MESSAGE_MAX;
    while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80) n--;
    return xstrndup(msg, n);
}

/*
 * After a failed migrate Flyway reports no target version, yet the schema
 * may have moved: the last versioned migration applied, else where it began.
 */
static void sns_version_after_failure(json_t *summary, json_t *report)
{
    if (json_object_get(summary, "schemaVersionAfter") ||
        !json_object_get(report, "initialSchemaVersion"))
        return;
    json_t *migrations = json_object_get(report, "migrations");
    for (size_t i = json_array_size(migrations); i > 0; i--) {
        const char *v = json_string_value(json_object_get(json_array_get(migrations, i - 1), "version"));
        if (v && *v) {
            json_object_set_new(summary, "schemaVersionAfter", json_string(v));
            return;
        }
    }
    /* A streamed report keeps no per-migration list: the version is known only if none ran. */
    if (json_integer_value(json_object_get(report, "migrationsExecuted")) == 0)
        sns_copy(summary, "schemaVersionAfter", report, "initialSchemaVersion");
}

static json_t *sns_summary(const char *command, json_t *report, bool success,
                           const char *timestamp)
{
    json_t *s = json_pack("{s:s,s:b}", "command", command, "success", success);
    if (!success) {
        const char *code, *message;
        aws_report_error(report, &code, &message);
        char *cut = sns_error_message(message);
        json_object_set_new(s, "errorCode", json_string(code));
        json_object_set_new(s, "errorMessage", json_string(cut));
        free(cut);
    }
    sns_copy(s, "database", report, "database");
    sns_copy(s, "schemaName", report, "schemaName");
    sns_copy(s, "schemaVersionBefore", report, "initialSchemaVersion");
    sns_copy(s, "schemaVersionAfter", report, "schemaVersion");
    sns_copy(s, "schemaVersionAfter", report, "targetSchemaVersion");
    if (!success) sns_version_after_failure(s, report);
    sns_copy(s, "migrationsExecuted", report, "migrationsExecuted");
    sns_copy(s, "pendingMigrations", report, "pendingMigrations");
    sns_copy(s, "executionTimeMs", report, "totalMigrationTime");
    sns_copy(s, "status", report, "status");
    sns_copy(s, "summary", report, "summary");
    sns_copy(s, "unsuccessfulTargets", report, "unsuccessfulTargets");
    json_object_set_new(s, "timestamp", json_string(timestamp));
    json_object_set_new(s, "runwayVersion", json_string(RUNWAY_VERSION));
    return s;
}

char *aws_sns_message(const char *command, json_t *report, bool success, const char *timestamp,
                      size_t max)
{
    json_t *s = sns_summary(command, report, success, timestamp);
    char *text = json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER);
    /* Only a fleet's list of failed targets can grow without bound: halve it until it fits. */
    json_t *names = json_object_get(s, "unsuccessfulTargets");
    while (strlen(text) > max && json_array_size(names) > 0) {
        json_t *kept = json_array();
        for (size_t i = 0; i < json_array_size(names) / 2; i++)
            json_array_append(kept, json_array_get(names, i));
        json_object_set_new(s, "unsuccessfulTargets", kept);
        json_object_set_new(s, "truncated", json_true());
        names = kept;
        free(text);
        text = json_dumps(s, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    json_decref(s);
    return text;
}

/* "&name=value" with value form-encoded. */
static void sns_param(strbuf *sb, const char *name, const char *value)
{
    sb_addf(sb, "%s%s=", sb->len ? "&" : "", name);
    sigv4_uri_encode(sb, value, strlen(value));
}

static void sns_attribute(strbuf *sb, int n, const char *name, const char *value)
{
    char key[64];
    snprintf(key, sizeof key, "MessageAttributes.entry.%d.Name", n);
    sns_param(sb, key, name);
    snprintf(key, sizeof key, "MessageAttributes.entry.%d.Value.DataType", n);
    sns_param(sb, key, "String");
    snprintf(key, sizeof key, "MessageAttributes.entry.%d.Value.StringValue", n);
    sns_param(sb, key, value);
}

static bool sns_is_fifo(const char *arn)
{
    size_t n = strlen(arn);
    return n > 5 && strcmp(arn + n - 5, ".fifo") == 0;
}

char *aws_sns_publish_params(const char *topic_arn, const char *command, const char *message,
                             bool success, const char *error_code)
{
    strbuf sb = STRBUF_INIT;
    sns_param(&sb, "TopicArn", topic_arn);
    sns_param(&sb, "Message", message);
    /* Email subscribers see the subject; it must be one line under 100 characters. */
    char subject[100];
    snprintf(subject, sizeof subject, "runway %.20s %s%.40s", command,
             success ? "succeeded" : "failed: ", success ? "" : error_code);
    sns_param(&sb, "Subject", subject);
    sns_attribute(&sb, 1, "command", command);
    sns_attribute(&sb, 2, "success", success ? "true" : "false");
    if (!success) sns_attribute(&sb, 3, "errorCode", error_code);
    if (sns_is_fifo(topic_arn)) {
        /* FIFO topics need a group; the message (with its timestamp) names itself for dedup. */
        char hash[65];
        sigv4_sha256_hex(message, strlen(message), hash);
        sns_param(&sb, "MessageGroupId", "runway");
        sns_param(&sb, "MessageDeduplicationId", hash);
    }
    return sb_detach(&sb);
}

/* Now, in UTC with milliseconds: 2026-01-31T12:00:00.123Z. */
static void sns_timestamp(char *buf, size_t n)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%03dZ", base, (int)(tv.tv_usec / 1000) % 1000);
}

int aws_sns_report(const char *topic_arn, const char *command, json_t *report, bool success,
                   rw_err *e)
{
    aws_context ctx = {0};
    ctx.region = aws_sns_topic_region(topic_arn, e);
    if (!ctx.region || aws_credentials_load(&ctx.creds, e) != RW_OK) {
        free(ctx.region);
        return e->code;
    }
    char ts[64];
    sns_timestamp(ts, sizeof ts);
    const char *code = NULL, *unused;
    if (!success) aws_report_error(report, &code, &unused);
    char *message = aws_sns_message(command, report, success, ts, AWS_SNS_MESSAGE_MAX);
    char *params = aws_sns_publish_params(topic_arn, command, message, success, code);
    strbuf out = STRBUF_INIT;
    int ret = aws_query_call(&aws_sns, &ctx, "Publish", params, &out, e);
    if (ret == RW_OK) {
        aws_xml_span xml = {sb_str(&out), out.len};
        char *id = aws_xml_child_text(xml, "PublishResult", "MessageId");
        log_info("%s result published to SNS topic %s (message %s)", command, topic_arn,
                 id ? id : "?");
        free(id);
    }
    sb_free(&out);
    free(params);
    free(message);
    aws_credentials_free(&ctx.creds);
    free(ctx.region);
    return ret;
}
