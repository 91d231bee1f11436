/*
 * test_aws_sns.c - the SNS message: the topic ARN's region, the summary
 * kept under the size limit, the Publish form parameters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/sns.h"

static void test_region_comes_from_the_topic_arn(void **state)
{
    (void)state;
    rw_err e;
    rw_err_clear(&e);
    char *r = aws_sns_topic_region("arn:aws:sns:eu-west-1:123456789012:deploys", &e);
    assert_string_equal(r, "eu-west-1");
    free(r);
    r = aws_sns_topic_region("arn:aws-cn:sns:cn-north-1:123456789012:deploys.fifo", &e);
    assert_string_equal(r, "cn-north-1");
    free(r);
}

static void test_an_arn_that_is_not_a_topic_is_a_configuration_error(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "deploys", "arn:aws:sqs:us-east-1:123456789012:queue", "arn:aws:sns:us-east-1:123456789012",
        "arn:aws:sns::123456789012:deploys", "arn:aws:sns:us-east-1:123456789012:a:b", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rw_err e;
        rw_err_clear(&e);
        assert_null(aws_sns_topic_region(bad[i], &e));
        assert_int_equal(e.code, RW_ERR_CONFIGURATION);
        assert_non_null(strstr(e.msg, "snsTopicArn"));
    }
}

static void test_a_failed_migrate_summary_names_code_and_versions(void **state)
{
    (void)state;
    json_t *report = json_loads(
        "{\"operation\":\"migrate\",\"database\":\"app\",\"schemaName\":\"public\","
        "\"initialSchemaVersion\":\"1\",\"targetSchemaVersion\":null,\"migrationsExecuted\":1,"
        "\"migrations\":[{\"version\":\"2\"},{\"version\":\"\"}],"
        "\"error\":{\"errorCode\":\"FAILED_VERSIONED_MIGRATION\",\"message\":\"V3 failed\"}}",
        0, NULL);
    char *text = aws_sns_message("migrate", report, false, "2026-01-31T12:00:00.000Z",
                                 AWS_SNS_MESSAGE_MAX);
    json_t *m = json_loads(text, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(m, "errorCode")),
                        "FAILED_VERSIONED_MIGRATION");
    assert_string_equal(json_string_value(json_object_get(m, "errorMessage")), "V3 failed");
    assert_string_equal(json_string_value(json_object_get(m, "schemaVersionBefore")), "1");
    assert_string_equal(json_string_value(json_object_get(m, "schemaVersionAfter")), "2");
    assert_string_equal(json_string_value(json_object_get(m, "database")), "app");
    assert_null(json_object_get(m, "migrations"));
    json_decref(m);
    free(text);
    json_decref(report);
}

static void test_a_long_list_of_failed_targets_is_cut_to_fit(void **state)
{
    (void)state;
    json_t *names = json_array();
    for (int i = 0; i < 50000; i++)
        json_array_append_new(names, json_sprintf("tenant_%06d", i));
    json_t *report = json_pack("{s:s,s:o,s:{s:s,s:s}}", "operation", "fleet",
                               "unsuccessfulTargets", names, "error", "errorCode", "ERROR",
                               "message", "50000 of 50000 targets did not succeed");
    char *text = aws_sns_message("migrate", report, false, "2026-01-31T12:00:00.000Z",
                                 AWS_SNS_MESSAGE_MAX);
    assert_true(strlen(text) <= AWS_SNS_MESSAGE_MAX);
    json_t *m = json_loads(text, 0, NULL);
    assert_true(json_is_true(json_object_get(m, "truncated")));
    assert_true(json_array_size(json_object_get(m, "unsuccessfulTargets")) > 1000);
    json_decref(m);
    free(text);
    json_decref(report);
}

static void test_publish_parameters_carry_the_attributes(void **state)
{
    (void)state;
    char *p = aws_sns_publish_params("arn:aws:sns:us-east-1:1:t", "migrate", "{\"a\":1}", false,
                                     "INTERRUPTED");
    assert_non_null(strstr(p, "TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A1%3At&Message=%7B%22a%22%3A1%7D"));
    assert_non_null(strstr(p, "MessageAttributes.entry.1.Name=command&MessageAttributes.entry.1."
                              "Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=migrate"));
    assert_non_null(strstr(p, "MessageAttributes.entry.2.Value.StringValue=false"));
    assert_non_null(strstr(p, "MessageAttributes.entry.3.Name=errorCode"));
    assert_non_null(strstr(p, "entry.3.Value.StringValue=INTERRUPTED"));
    assert_null(strstr(p, "MessageGroupId"));
    free(p);
    p = aws_sns_publish_params("arn:aws:sns:us-east-1:1:t.fifo", "info", "{}", true, NULL);
    assert_null(strstr(p, "errorCode"));
    assert_non_null(strstr(p, "&MessageGroupId=runway&MessageDeduplicationId="));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_region_comes_from_the_topic_arn),
        cmocka_unit_test(test_an_arn_that_is_not_a_topic_is_a_configuration_error),
        cmocka_unit_test(test_a_failed_migrate_summary_names_code_and_versions),
        cmocka_unit_test(test_a_long_list_of_failed_targets_is_cut_to_fit),
        cmocka_unit_test(test_publish_parameters_carry_the_attributes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
