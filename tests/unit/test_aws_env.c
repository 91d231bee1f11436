/*
 * test_aws_env.c - endpoint overrides, static credentials from the
 * environment, the container endpoint's URL rules and answer parsing, and
 * URL redaction for messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "aws/http.h"

static int clear_env(void **state)
{
    (void)state;
    static const char *vars[] = {
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL_SFN",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_REGION", "AWS_DEFAULT_REGION",
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) unsetenv(vars[i]);
    /* Never this machine's profiles or instance metadata. */
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_PROFILE");
    unsetenv("AWS_WEB_IDENTITY_TOKEN_FILE");
    unsetenv("AWS_ROLE_ARN");
    aws_credentials_cache_clear();
    return 0;
}

static void expect_endpoint(const aws_service *svc, const char *region, const char *want)
{
    char *url = aws_endpoint_url(svc, region);
    assert_string_equal(url, want);
    free(url);
}

static void test_endpoint_defaults(void **state)
{
    (void)state;
    expect_endpoint(&aws_secrets_manager, "eu-west-1",
                    "https://secretsmanager.eu-west-1.amazonaws.com");
    expect_endpoint(&aws_step_functions, "us-east-2", "https://states.us-east-2.amazonaws.com");
    expect_endpoint(&aws_step_functions, "cn-north-1", "https://states.cn-north-1.amazonaws.com.cn");
}

static void test_endpoint_overrides(void **state)
{
    (void)state;
    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/", 1);
    expect_endpoint(&aws_step_functions, "us-east-1", "http://127.0.0.1:4566");
    setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "https://vpce-1.secretsmanager.example", 1);
    expect_endpoint(&aws_secrets_manager, "us-east-1", "https://vpce-1.secretsmanager.example");
    expect_endpoint(&aws_step_functions, "us-east-1", "http://127.0.0.1:4566");
    setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:9999", 1);
    expect_endpoint(&aws_step_functions, "us-east-1", "http://127.0.0.1:9999");
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    expect_endpoint(&aws_step_functions, "us-east-1", "https://states.us-east-1.amazonaws.com");
}

static void test_static_credentials(void **state)
{
    (void)state;
    aws_credentials creds;
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(aws_credentials_load(&creds, &e), RW_OK);
    assert_non_null(strstr(e.msg, "no AWS credentials"));
    setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
    assert_int_equal(aws_credentials_load(&creds, &e), RW_OK);
    assert_string_equal(creds.access_key_id, "AKIDEXAMPLE");
    assert_null(creds.session_token);
    aws_credentials_free(&creds);
    setenv("AWS_SESSION_TOKEN", "tok", 1);
    assert_int_equal(aws_credentials_load(&creds, &e), RW_OK);
    assert_string_equal(creds.session_token, "tok");
    aws_credentials_free(&creds);
}

static void test_full_uri_rules(void **state)
{
    (void)state;
    assert_true(aws_credentials_full_uri_allowed("http://127.0.0.1:8080/creds"));
    assert_true(aws_credentials_full_uri_allowed("http://169.254.170.23/v1/credentials"));
    assert_true(aws_credentials_full_uri_allowed("http://[fd00:ec2::23]/v1/credentials"));
    assert_true(aws_credentials_full_uri_allowed("https://creds.example.com/x"));
    assert_false(aws_credentials_full_uri_allowed("http://creds.example.com/x"));
    assert_false(aws_credentials_full_uri_allowed("http://169.254.170.2.evil.com/"));
    assert_false(aws_credentials_full_uri_allowed("file:///etc/passwd"));

    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    aws_credentials creds;
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(aws_credentials_load(&creds, &e), RW_OK);
    assert_non_null(strstr(e.msg, "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https"));
}

static void test_container_answer(void **state)
{
    (void)state;
    const char *json = "{\"AccessKeyId\":\"ASIA1\",\"Expiration\":\"2016-02-25T06:03:31Z\","
                       "\"RoleArn\":\"arn:aws:iam::1:role/x\",\"SecretAccessKey\":\"s\",\"Token\":\"t\"}";
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_credentials_parse_container(json, strlen(json), &creds, &e), RW_OK);
    assert_string_equal(creds.access_key_id, "ASIA1");
    assert_string_equal(creds.secret_access_key, "s");
    assert_string_equal(creds.session_token, "t");
    aws_credentials_free(&creds);
    assert_int_not_equal(aws_credentials_parse_container("{}", 2, &creds, &e), RW_OK);
}

static void test_url_origin(void **state)
{
    (void)state;
    char *o = aws_http_url_origin("https://user:pw@hooks.example.com:8443/services/T0/B0/SECRET?x=1");
    assert_string_equal(o, "https://hooks.example.com:8443");
    free(o);
    o = aws_http_url_origin("http://127.0.0.1:9/cfn?X-Amz-Signature=abc");
    assert_string_equal(o, "http://127.0.0.1:9");
    free(o);
}

static void test_region(void **state)
{
    (void)state;
    rw_err e;
    rw_err_clear(&e);
    assert_null(aws_region_from(NULL, &e));
    assert_non_null(strstr(e.msg, "no AWS region"));
    setenv("AWS_DEFAULT_REGION", "eu-central-1", 1);
    char *r = aws_region_from(NULL, &e);
    assert_string_equal(r, "eu-central-1");
    free(r);
    setenv("AWS_REGION", "us-west-2", 1);
    r = aws_region_from(NULL, &e);
    assert_string_equal(r, "us-west-2");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_endpoint_defaults, clear_env),
        cmocka_unit_test_setup(test_endpoint_overrides, clear_env),
        cmocka_unit_test_setup(test_static_credentials, clear_env),
        cmocka_unit_test_setup(test_full_uri_rules, clear_env),
        cmocka_unit_test_setup(test_container_answer, clear_env),
        cmocka_unit_test_setup(test_url_origin, clear_env),
        cmocka_unit_test_setup(test_region, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
