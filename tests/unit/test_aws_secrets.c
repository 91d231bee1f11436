/*
 * test_aws_secrets.c - how an RDS secret and an IAM token fill the
 * connection settings, and the CloudWatch EMF line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/callbacks.h"
#include "aws/secrets.h"

static json_t *secret(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void apply(rw_config *cfg, const char *text)
{
    json_t *s = secret(text);
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_secret_apply(cfg, s, "app/db", &e), RW_OK);
    json_decref(s);
}

static void test_secret_builds_url(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    apply(cfg, "{\"engine\":\"postgres\",\"host\":\"db.example.com\",\"port\":5433,"
               "\"dbname\":\"app\",\"username\":\"migrator\",\"password\":\"pw\",\"extra\":1}");
    assert_string_equal(config_get(cfg, "url"), "jdbc:postgresql://db.example.com:5433/app");
    assert_string_equal(config_get(cfg, "user"), "migrator");
    assert_string_equal(config_get(cfg, "password"), "pw");
    config_free(cfg);

    cfg = config_new();
    apply(cfg, "{\"engine\":\"mysql\",\"host\":\"m\",\"port\":\"3307\",\"username\":\"u\","
               "\"password\":\"p\"}");
    assert_string_equal(config_get(cfg, "url"), "jdbc:mysql://m:3307/");
    config_free(cfg);

    cfg = config_new();
    apply(cfg, "{\"engine\":\"aurora-postgresql\",\"host\":\"a\",\"username\":\"u\",\"password\":\"p\"}");
    assert_string_equal(config_get(cfg, "url"), "jdbc:postgresql://a:5432/");
    config_free(cfg);
}

static void test_secret_fills_only_unset(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    config_set_raw(cfg, "url", "jdbc:postgresql://configured:5432/x", CFG_SRC_CLI);
    config_set_raw(cfg, "user", "explicit", CFG_SRC_CLI);
    apply(cfg, "{\"engine\":\"postgres\",\"host\":\"other\",\"username\":\"u\",\"password\":\"p\"}");
    assert_string_equal(config_get(cfg, "url"), "jdbc:postgresql://configured:5432/x");
    assert_string_equal(config_get(cfg, "user"), "explicit");
    assert_string_equal(config_get(cfg, "password"), "p");
    config_free(cfg);

    /* Credentials inside the URL win too. */
    cfg = config_new();
    config_set_raw(cfg, "url", "postgres://me:secret@h/db", CFG_SRC_CLI);
    apply(cfg, "{\"username\":\"u\",\"password\":\"p\"}");
    assert_true(config_get(cfg, "user") == NULL || strcmp(config_get(cfg, "user"), "u") != 0);
    assert_true(config_get(cfg, "password") == NULL || strcmp(config_get(cfg, "password"), "p") != 0);
    config_free(cfg);

    cfg = config_new();
    config_set_raw(cfg, "url", "jdbc:mysql://h:3306/db?user=a&password=b", CFG_SRC_CLI);
    apply(cfg, "{\"username\":\"u\",\"password\":\"p\"}");
    assert_true(config_get(cfg, "password") == NULL || strcmp(config_get(cfg, "password"), "p") != 0);
    config_free(cfg);
}

static void test_secret_without_host_needs_url(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    json_t *s = secret("{\"username\":\"u\",\"password\":\"p\"}");
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(aws_secret_apply(cfg, s, "rds!db-123", &e), RW_OK);
    assert_non_null(strstr(e.msg, "rds!db-123"));
    assert_non_null(strstr(e.msg, "set url"));
    assert_null(strstr(e.msg, "\"p\""));
    json_decref(s);
    config_free(cfg);
}

static void test_url_host_port(void **state)
{
    (void)state;
    char *host;
    int port;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_db_url_host_port("jdbc:postgresql://db.x:6432/app?ssl=true", &host, &port, &e), RW_OK);
    assert_string_equal(host, "db.x");
    assert_int_equal(port, 6432);
    free(host);
    assert_int_equal(aws_db_url_host_port("jdbc:mysql://db.y/app", &host, &port, &e), RW_OK);
    assert_string_equal(host, "db.y");
    assert_int_equal(port, 3306);
    free(host);
    assert_int_equal(aws_db_url_host_port("postgres://u:p@[fd00::1]:5000/d", &host, &port, &e), RW_OK);
    assert_string_equal(host, "fd00::1");
    assert_int_equal(port, 5000);
    free(host);
    assert_int_not_equal(aws_db_url_host_port("jdbc:sqlite:a.db", &host, &port, &e), RW_OK);
    assert_non_null(strstr(e.msg, "PostgreSQL or MySQL"));
}

static void test_iam_token_as_password(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    config_set_raw(cfg, "url", "jdbc:mysql://prod-instance.us-east-1.rds.amazonaws.com:3306/app",
                   CFG_SRC_CLI);
    config_set_raw(cfg, "user", "someusername", CFG_SRC_CLI);
    aws_credentials creds = {.access_key_id = "akid", .secret_access_key = "skid"};
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_iam_apply(cfg, &creds, "us-east-1", 1478540373, &e), RW_OK);
    assert_string_equal(
        config_get(cfg, "password"),
        "prod-instance.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=someusername"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61");
    config_free(cfg);

    cfg = config_new();
    config_set_raw(cfg, "url", "jdbc:postgresql://h:5432/app", CFG_SRC_CLI);
    assert_int_not_equal(aws_iam_apply(cfg, &creds, "us-east-1", 1478540373, &e), RW_OK);
    assert_non_null(strstr(e.msg, "needs a database user"));
    config_free(cfg);
}

static void test_emf_line(void **state)
{
    (void)state;
    json_t *report = json_loads("{\"migrationsExecuted\":3,\"success\":true,\"migrations\":"
                                "[{\"executionTime\":5},{\"executionTime\":7}]}", 0, NULL);
    char buf[2048] = {0};
    FILE *f = fmemopen(buf, sizeof buf, "w");
    /* Duration is the command's run time, not a sum over the report's migrations. */
    aws_metrics_write(f, "migrate", report, true, 431, 1700000000000);
    fclose(f);
    json_t *line = json_loads(buf, 0, NULL);
    assert_non_null(line);
    assert_int_equal(json_integer_value(json_object_get(line, "MigrationsApplied")), 3);
    assert_int_equal(json_integer_value(json_object_get(line, "MigrationsFailed")), 0);
    assert_int_equal(json_integer_value(json_object_get(line, "Duration")), 431);
    assert_string_equal(json_string_value(json_object_get(line, "Command")), "migrate");
    json_t *cw = json_array_get(json_object_get(json_object_get(line, "_aws"), "CloudWatchMetrics"), 0);
    assert_string_equal(json_string_value(json_object_get(cw, "Namespace")), "Runway");
    assert_int_equal(json_array_size(json_object_get(cw, "Metrics")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(line, "_aws"), "Timestamp")),
                     1700000000000);
    assert_non_null(strchr(buf, '\n'));
    json_decref(line);
    json_decref(report);
}

static void test_report_text_within_the_limit_is_the_compact_document(void **state)
{
    (void)state;
    json_t *report = json_pack("{s:s, s:b, s:[{s:s}]}", "operation", "info", "success", 1,
                               "migrations", "description", "caf\u00e9 \"quoted\"\n");
    char *want = json_dumps(report, JSON_COMPACT);
    char *got = aws_report_text_within(report, strlen(want));
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
    assert_null(aws_report_text_within(report, strlen(want) - 1));
    assert_null(aws_report_text_within(report, 0));
    free(want);
    json_decref(report);
}

static void test_report_text_over_the_limit_is_its_summary(void **state)
{
    (void)state;
    json_t *report = json_pack("{s:s, s:i, s:[s, s, s]}", "operation", "migrate",
                               "migrationsExecuted", 3, "migrations", "a", "b", "c");
    char *text = aws_report_text(report, 20);
    json_t *summary = json_loads(text, 0, NULL);
    assert_non_null(summary);
    assert_true(json_is_true(json_object_get(summary, "truncated")));
    assert_string_equal(json_string_value(json_object_get(summary, "operation")), "migrate");
    assert_null(json_object_get(summary, "migrations"));
    json_decref(summary);
    free(text);
    json_decref(report);
}

static void test_metrics_switch(void **state)
{
    (void)state;
    unsetenv("AWS_LAMBDA_RUNTIME_API");
    unsetenv("AWS_LAMBDA_FUNCTION_NAME");
    unsetenv("ECS_CONTAINER_METADATA_URI_V4");
    unsetenv("ECS_CONTAINER_METADATA_URI");
    rw_config *cfg = config_new();
    assert_false(aws_metrics_enabled(cfg));
    setenv("ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/x", 1);
    assert_true(aws_metrics_enabled(cfg));
    config_set_raw(cfg, "metrics", "false", CFG_SRC_CLI);
    assert_false(aws_metrics_enabled(cfg));
    unsetenv("ECS_CONTAINER_METADATA_URI_V4");
    config_set_raw(cfg, "metrics", "true", CFG_SRC_CLI);
    assert_true(aws_metrics_enabled(cfg));
    config_free(cfg);
}

static void test_report_error_shapes(void **state)
{
    (void)state;
    const char *code, *msg;
    json_t *r = json_loads("{\"error\":{\"errorCode\":\"FAILED_VERSIONED_MIGRATION\","
                           "\"message\":\"Migration V2__b.sql failed\"}}", 0, NULL);
    aws_report_error(r, &code, &msg);
    assert_string_equal(code, "FAILED_VERSIONED_MIGRATION");
    assert_string_equal(msg, "Migration V2__b.sql failed");
    json_decref(r);
    r = json_loads("{\"errorDetails\":{\"errorCode\":\"VALIDATE_ERROR\",\"errorMessage\":\"bad\"}}",
                   0, NULL);
    aws_report_error(r, &code, &msg);
    assert_string_equal(code, "VALIDATE_ERROR");
    assert_string_equal(msg, "bad");
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_secret_builds_url),
        cmocka_unit_test(test_secret_fills_only_unset),
        cmocka_unit_test(test_secret_without_host_needs_url),
        cmocka_unit_test(test_url_host_port),
        cmocka_unit_test(test_iam_token_as_password),
        cmocka_unit_test(test_emf_line),
        cmocka_unit_test(test_report_text_within_the_limit_is_the_compact_document),
        cmocka_unit_test(test_report_text_over_the_limit_is_its_summary),
        cmocka_unit_test(test_metrics_switch),
        cmocka_unit_test(test_report_error_shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
