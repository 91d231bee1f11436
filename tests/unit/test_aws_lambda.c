/*
 * test_aws_lambda.c - how a Lambda event's overrides reach the
 * configuration, and the CloudFormation response body's limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/lambda.h"

static int apply(rw_config *cfg, const char *event_text, bool ignore_unknown, rw_err *e)
{
    static const char *const ignore[] = {"command", NULL};
    json_t *event = json_loads(event_text, 0, NULL);
    assert_non_null(event);
    rw_err_clear(e);
    int ret = aws_lambda_apply_overrides(cfg, event, ignore, ignore_unknown, e);
    json_decref(event);
    return ret;
}

static void test_overrides(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    rw_err e;
    assert_int_equal(apply(cfg, "{\"command\":\"migrate\",\"target\":5,\"outOfOrder\":true,"
                                "\"placeholders\":{\"env\":\"prod\",\"n\":3},\"baselineVersion\":\"0\"}",
                           false, &e),
                     RW_OK);
    assert_string_equal(config_get(cfg, "target"), "5");
    assert_string_equal(config_get(cfg, "outOfOrder"), "true");
    assert_string_equal(config_get(cfg, "placeholders.env"), "prod");
    assert_string_equal(config_get(cfg, "placeholders.n"), "3");
    assert_string_equal(config_get(cfg, "baselineVersion"), "0");
    config_free(cfg);
}

static void test_overrides_refused(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    rw_err e;
    assert_int_not_equal(apply(cfg, "{\"cleanDisabled\":false}", false, &e), RW_OK);
    assert_non_null(strstr(e.msg, "'cleanDisabled' is not allowed"));
    assert_string_equal(config_get(cfg, "cleanDisabled"), "true");
    assert_int_not_equal(apply(cfg, "{\"placeholders\":[1]}", false, &e), RW_OK);
    assert_int_not_equal(apply(cfg, "{\"target\":{\"a\":1}}", false, &e), RW_OK);
    /* Custom resource properties: unknown keys (ServiceToken, a bundle hash) are skipped. */
    assert_int_equal(apply(cfg, "{\"Bundle\":\"abc\",\"cleanDisabled\":\"false\"}", true, &e), RW_OK);
    assert_string_equal(config_get(cfg, "cleanDisabled"), "true");
    config_free(cfg);
}

static json_t *cfn_event(const char *extra)
{
    char *text = xasprintf("{\"RequestType\":\"Create\",\"ResponseURL\":\"https://x\","
                           "\"StackId\":\"arn:aws:cloudformation:us-east-1:1:stack/s/1\","
                           "\"RequestId\":\"r1\",\"LogicalResourceId\":\"Db\"%s}", extra);
    json_t *event = json_loads(text, 0, NULL);
    free(text);
    assert_non_null(event);
    return event;
}

static void test_cfn_detection_and_ids(void **state)
{
    (void)state;
    json_t *event = cfn_event("");
    assert_true(aws_lambda_is_cfn_event(event));
    char *body = aws_lambda_cfn_response(event, true, NULL, NULL);
    json_t *doc = json_loads(body, 0, NULL);
    assert_string_equal(json_string_value(json_object_get(doc, "PhysicalResourceId")), "runway-Db");
    assert_string_equal(json_string_value(json_object_get(doc, "Status")), "SUCCESS");
    assert_string_equal(json_string_value(json_object_get(doc, "RequestId")), "r1");
    assert_null(json_object_get(doc, "Reason"));
    json_decref(doc);
    free(body);
    json_decref(event);

    event = cfn_event(",\"PhysicalResourceId\":\"kept-id\"");
    body = aws_lambda_cfn_response(event, true, NULL, NULL);
    assert_non_null(strstr(body, "\"PhysicalResourceId\":\"kept-id\""));
    free(body);
    json_decref(event);

    json_t *plain = json_loads("{\"command\":\"migrate\"}", 0, NULL);
    assert_false(aws_lambda_is_cfn_event(plain));
    json_decref(plain);
}

static void test_cfn_reason_fits(void **state)
{
    (void)state;
    json_t *event = cfn_event("");
    /* 6000 bytes of text that JSON escaping makes longer, with multi-byte characters. */
    strbuf reason = STRBUF_INIT;
    for (int i = 0; i < 1000; i++) sb_adds(&reason, "\"\xc3\xa9\n\t");
    char *body = aws_lambda_cfn_response(event, false, sb_str(&reason), NULL);
    assert_true(strlen(body) <= 4096);
    json_t *doc = json_loads(body, 0, NULL);
    assert_non_null(doc); /* still valid JSON (and UTF-8) */
    assert_string_equal(json_string_value(json_object_get(doc, "Status")), "FAILED");
    assert_true(strlen(json_string_value(json_object_get(doc, "Reason"))) > 1000);
    json_decref(doc);
    free(body);
    sb_free(&reason);
    json_decref(event);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_overrides_refused),
        cmocka_unit_test(test_cfn_detection_and_ids),
        cmocka_unit_test(test_cfn_reason_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
