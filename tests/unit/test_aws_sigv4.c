/*
 * test_aws_sigv4.c - the SigV4 signer against the AWS signing test suite
 * (2015-08-30 edition), the AWS documentation's signing-key example, and the
 * RDS IAM token vector published with botocore.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#include <cmocka.h>

#include "aws/sigv4.h"

#define SUITE_TIME 1440938160 /* 2015-08-30T12:36:00Z */

static aws_credentials suite_creds = {
    .access_key_id = "AKIDEXAMPLE",
    .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    .session_token = NULL,
};

static const sigv4_scope suite_scope = {"us-east-1", "service", SUITE_TIME};

static void hex32(const unsigned char *k, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[k[i] >> 4];
        out[2 * i + 1] = hex[k[i] & 15];
    }
    out[64] = '\0';
}

static void test_signing_key(void **state)
{
    (void)state;
    unsigned char key[32];
    char hex[65];
    sigv4_signing_key(suite_creds.secret_access_key, "20150830", "us-east-1", "iam", key);
    hex32(key, hex);
    assert_string_equal(hex, "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    sigv4_signing_key(suite_creds.secret_access_key, "20150830", "us-east-1", "service", key);
    hex32(key, hex);
    assert_string_equal(hex, "938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75");
}

/* Signs a request in header form and returns the signature (caller frees sig). */
static void sign(const char *method, const char *query, const strlist *headers, const char *body,
                 const aws_credentials *creds, sigv4_signature *sig)
{
    sigv4_request req = {.method = method, .host = "example.amazonaws.com", .path = "/",
                         .query = query, .headers = headers, .body = body,
                         .body_len = body ? strlen(body) : 0};
    sigv4_sign_headers(&req, creds, &suite_scope, sig);
}

static void test_get_vanilla(void **state)
{
    (void)state;
    sigv4_signature sig;
    sign("GET", NULL, NULL, NULL, &suite_creds, &sig);
    assert_string_equal(sig.canonical_request,
                        "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
                        "host;x-amz-date\n"
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(sig.string_to_sign,
                        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    assert_string_equal(sig.signature,
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_string_equal(sig.authorization,
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        "SignedHeaders=host;x-amz-date, "
                        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    sigv4_signature_free(&sig);
}

static void test_get_vanilla_with_session_token(void **state)
{
    (void)state;
    aws_credentials creds = suite_creds;
    creds.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
    sigv4_signature sig;
    sign("GET", NULL, NULL, NULL, &creds, &sig);
    assert_string_equal(sig.signed_headers, "host;x-amz-date;x-amz-security-token");
    assert_string_equal(sig.signature,
                        "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
    sigv4_signature_free(&sig);
}

static void test_post_vanilla(void **state)
{
    (void)state;
    sigv4_signature sig;
    sign("POST", NULL, NULL, NULL, &suite_creds, &sig);
    assert_string_equal(sig.signature,
                        "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
    sigv4_signature_free(&sig);
}

static void test_query_order_and_encoding(void **state)
{
    (void)state;
    static const struct {
        const char *query;
        const char *signature;
    } cases[] = {
        /* get-vanilla-query-order-key-case */
        {"Param2=value2&Param1=value1",
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"},
        /* get-vanilla-query-unreserved */
        {"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz="
         "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
         "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"},
        /* get-vanilla-utf8-query */
        {"\xe1\x88\xb4=bar", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sigv4_signature sig;
        sign("GET", cases[i].query, NULL, NULL, &suite_creds, &sig);
        assert_string_equal(sig.signature, cases[i].signature);
        sigv4_signature_free(&sig);
    }
}

static void test_header_value_trim(void **state)
{
    (void)state;
    strlist headers = {0};
    strlist_push(&headers, "My-Header1: value1");
    strlist_push(&headers, "My-Header2: \"a   b   c\"");
    sigv4_signature sig;
    sign("GET", NULL, &headers, NULL, &suite_creds, &sig);
    assert_non_null(strstr(sig.canonical_request, "my-header2:\"a b c\"\n"));
    assert_string_equal(sig.signed_headers, "host;my-header1;my-header2;x-amz-date");
    assert_string_equal(sig.signature,
                        "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    sigv4_signature_free(&sig);
    strlist_free(&headers);
}

static void test_post_form_body(void **state)
{
    (void)state;
    strlist headers = {0};
    strlist_push(&headers, "Content-Type:application/x-www-form-urlencoded");
    strlist_push(&headers, "Content-Length:13");
    strlist_push(&headers,
                 "x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
    sigv4_signature sig;
    sign("POST", NULL, &headers, "Param1=value1", &suite_creds, &sig);
    assert_string_equal(sig.signed_headers,
                        "content-length;content-type;host;x-amz-content-sha256;x-amz-date");
    assert_string_equal(sig.signature,
                        "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
    sigv4_signature_free(&sig);
    strlist_free(&headers);
}

static void test_presigned_get_vanilla(void **state)
{
    (void)state;
    sigv4_request req = {.method = "GET", .host = "example.amazonaws.com", .path = "/"};
    sigv4_signature sig;
    sigv4_presign(&req, &suite_creds, &suite_scope, 3600, &sig);
    assert_string_equal(sig.signature,
                        "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    assert_string_equal(sig.query,
                        "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
                        "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
                        "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    sigv4_signature_free(&sig);
}

/* The AWS JSON protocol requests runway sends, with temporary credentials. */
static void json_call(const char *host, const char *service, const char *content_type,
                      const char *target, const char *body, const char *want)
{
    aws_credentials creds = suite_creds;
    creds.session_token = "SESSIONTOKENEXAMPLE";
    strlist headers = {0};
    char *ct = malloc(strlen(content_type) + 16);
    char *tg = malloc(strlen(target) + 16);
    strcpy(ct, "Content-Type: ");
    strcat(ct, content_type);
    strcpy(tg, "X-Amz-Target: ");
    strcat(tg, target);
    strlist_push_owned(&headers, ct);
    strlist_push_owned(&headers, tg);
    sigv4_request req = {.method = "POST", .host = host, .path = "/", .headers = &headers,
                         .body = body, .body_len = strlen(body)};
    sigv4_scope scope = {"us-east-1", service, SUITE_TIME};
    sigv4_signature sig;
    sigv4_sign_headers(&req, &creds, &scope, &sig);
    assert_string_equal(sig.signed_headers,
                        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    assert_string_equal(sig.signature, want);
    sigv4_signature_free(&sig);
    strlist_free(&headers);
}

static void test_secrets_manager_request(void **state)
{
    (void)state;
    json_call("secretsmanager.us-east-1.amazonaws.com", "secretsmanager",
              "application/x-amz-json-1.1", "secretsmanager.GetSecretValue",
              "{\"SecretId\":\"MyTestSecret\",\"VersionStage\":\"AWSCURRENT\"}",
              "6eedb70ec135815c79e2243f20ac14e799f8fffd68e24a9fbf9d334e891e5f39");
}

static void test_step_functions_request(void **state)
{
    (void)state;
    json_call("states.us-east-1.amazonaws.com", "states", "application/x-amz-json-1.0",
              "AWSStepFunctions.SendTaskSuccess",
              "{\"taskToken\":\"TOKEN\",\"output\":\"{\\\"migrated\\\":3}\"}",
              "c57bd6b29c38f3a69d719f4e899f2992b2cf1446a72a7456489b539d90aa4dd9");
}

static void test_rds_token(void **state)
{
    (void)state;
    aws_credentials creds = {.access_key_id = "akid", .secret_access_key = "skid"};
    char *token = sigv4_rds_auth_token("prod-instance.us-east-1.rds.amazonaws.com", 3306,
                                       "someusername", &creds, "us-east-1", 1478540373);
    assert_string_equal(
        token,
        "prod-instance.us-east-1.rds.amazonaws.com:3306/?Action=connect&DBUser=someusername"
        "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=akid%2F20161107%2Fus-east-1%2Frds-db%2Faws4_request"
        "&X-Amz-Date=20161107T173933Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
        "&X-Amz-Signature=d1138cdbc0ca63eec012ec0fc6c2267e03642168f5884a7795320d4c18374c61");
    free(token);
}

static void test_rds_token_with_session_token(void **state)
{
    (void)state;
    aws_credentials creds = suite_creds;
    creds.session_token = "IQoJb3JpZ2luX2Vj/Example+Token==";
    char *token = sigv4_rds_auth_token("mydb.cluster-abc123.us-east-1.rds.amazonaws.com", 5432,
                                       "migrator", &creds, "us-east-1", SUITE_TIME);
    assert_non_null(strstr(token, "&X-Amz-Expires=900&X-Amz-Security-Token="
                                  "IQoJb3JpZ2luX2Vj%2FExample%2BToken%3D%3D&X-Amz-SignedHeaders=host&"));
    assert_non_null(strstr(token, "&X-Amz-Signature="
                                  "87b9e2b80d031cc4c12d2fa3de75f7f08119776d7ffc20d2518776113a18da8a"));
    const char *prefix = "mydb.cluster-abc123.us-east-1.rds.amazonaws.com:5432/?Action=connect&"
                         "DBUser=migrator&";
    assert_true(strncmp(token, prefix, strlen(prefix)) == 0);
    free(token);
}

/* A wrong secret must not produce the published signature (the tests above can fail). */
static void test_wrong_secret_differs(void **state)
{
    (void)state;
    aws_credentials creds = suite_creds;
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ";
    sigv4_signature sig;
    sign("GET", NULL, NULL, NULL, &creds, &sig);
    assert_string_not_equal(sig.signature,
                            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    sigv4_signature_free(&sig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signing_key),
        cmocka_unit_test(test_get_vanilla),
        cmocka_unit_test(test_get_vanilla_with_session_token),
        cmocka_unit_test(test_post_vanilla),
        cmocka_unit_test(test_query_order_and_encoding),
        cmocka_unit_test(test_header_value_trim),
        cmocka_unit_test(test_post_form_body),
        cmocka_unit_test(test_presigned_get_vanilla),
        cmocka_unit_test(test_secrets_manager_request),
        cmocka_unit_test(test_step_functions_request),
        cmocka_unit_test(test_rds_token),
        cmocka_unit_test(test_rds_token_with_session_token),
        cmocka_unit_test(test_wrong_secret_differs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
