/*
 * test_aws_credentials.c - the parsers of the credential chain: STS's XML,
 * the shared config and credentials files and the profiles they hold, the
 * credential endpoints' JSON, AWS's time formats and clock-skew errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "aws/credentials.h"
#include "aws/xml.h"

static int isolate_env(void **state)
{
    (void)state;
    setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config", 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", 1);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    static const char *vars[] = {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION",
                                 "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
                                 "AWS_SECRET_ACCESS_KEY", "AWS_WEB_IDENTITY_TOKEN_FILE",
                                 "AWS_ROLE_ARN"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) unsetenv(vars[i]);
    aws_clock_reset();
    return 0;
}

static aws_xml_span span_of(const char *s)
{
    aws_xml_span span = {s, strlen(s)};
    return span;
}

static void expect_child(const char *xml, const char *parent, const char *name, const char *want)
{
    char *got = aws_xml_child_text(span_of(xml), parent, name);
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_xml_element_names_match_whole_tags(void **state)
{
    (void)state;
    const char *xml = "<R><KeyIdX>no</KeyIdX><KeyId attr=\"1\">yes</KeyId></R>";
    expect_child(xml, NULL, "KeyId", "yes");
    expect_child(xml, "R", "KeyIdX", "no");
    expect_child(xml, NULL, "Key", NULL);
    expect_child("<A><Empty/><Empty>filled</Empty></A>", NULL, "Empty", "filled");
    expect_child("<A><Open>never closed</A>", NULL, "Open", NULL);
    expect_child("<A><B><C>c</C></B></A>", "B", "C", "c");
    expect_child("<A><B></B><C>c</C></A>", "B", "C", NULL);
}

static void test_xml_text_decodes_entities_and_cdata(void **state)
{
    (void)state;
    expect_child("<M>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</M>", NULL, "M",
                 "a & b <c> \"d\" 'e'");
    expect_child("<M>&#65;&#x42;&#xe9;</M>", NULL, "M", "AB\xc3\xa9");
    expect_child("<M><![CDATA[x<y&z]]>!</M>", NULL, "M", "x<y&z!");
    expect_child("<M>&bogus;</M>", NULL, "M", NULL);
    expect_child("<M>&#0;</M>", NULL, "M", NULL);
    expect_child("<M>no end &amp</M>", NULL, "M", NULL);
    expect_child("<M><b>markup</b></M>", NULL, "M", NULL);
    expect_child("<M></M>", NULL, "M", "");
}

static const char sts_answer[] =
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleWithWebIdentityResult>\n"
    "    <SubjectFromWebIdentityToken>amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A</SubjectFromWebIdentityToken>\n"
    "    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/x/app1</Arn>"
    "<AssumedRoleId>AROACLKWSDQRAOEXAMPLE:app1</AssumedRoleId></AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <SessionToken>AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE</SessionToken>\n"
    "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "      <Expiration>2014-10-24T23:00:23Z</Expiration>\n"
    "      <AccessKeyId>ASgeIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "    </Credentials>\n"
    "  </AssumeRoleWithWebIdentityResult>\n"
    "</AssumeRoleWithWebIdentityResponse>\n";

static void test_sts_answer_gives_credentials_and_expiry(void **state)
{
    (void)state;
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_sts_parse_credentials(sts_answer, strlen(sts_answer), &creds, &e), RW_OK);
    assert_string_equal(creds.access_key_id, "ASgeIAIOSFODNN7EXAMPLE");
    assert_string_equal(creds.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    assert_string_equal(creds.session_token, "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
    assert_int_equal(creds.expiration, 1414191623);
    aws_credentials_free(&creds);
}

static void test_sts_answer_without_credentials_is_an_error(void **state)
{
    (void)state;
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    const char *no_creds = "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>";
    assert_int_not_equal(aws_sts_parse_credentials(no_creds, strlen(no_creds), &creds, &e), RW_OK);
    assert_non_null(strstr(e.msg, "without <Credentials>"));
    const char *no_token = "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S"
                           "</SecretAccessKey><Expiration>2014-10-24T23:00:23Z</Expiration>"
                           "</Credentials>";
    assert_int_not_equal(aws_sts_parse_credentials(no_token, strlen(no_token), &creds, &e), RW_OK);
    assert_null(creds.access_key_id);
}

static void test_sts_error_answer_gives_code_and_message(void **state)
{
    (void)state;
    const char *xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                      "<Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                      "<Message>Token &amp; key mismatch</Message></Error>"
                      "<RequestId>c6104cbe</RequestId></ErrorResponse>";
    char *text = aws_sts_error_text(xml, strlen(xml));
    assert_string_equal(text, "InvalidIdentityToken: Token & key mismatch");
    free(text);
    assert_null(aws_sts_error_text("<html>502</html>", 16));
}

static const char credentials_file[] =
    "# a comment\n"
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key=secretdefault   \n"
    "\n"
    "[ci]\n"
    "AWS_ACCESS_KEY_ID = AKIDCI\n"
    "aws_secret_access_key = secret/ci+1 # inline\n"
    "aws_access_key_id = AKIDCI2\n"
    "[profile odd]\n"
    "aws_access_key_id = AKIDODD\n";

static const char config_file[] =
    "[default]\n"
    "region = eu-west-1\n"
    "s3 =\n"
    "  max_concurrent_requests = 20\n"
    "[profile ci]\n"
    "aws_access_key_id = AKIDCONFIG\n"
    "region = us-east-2 ; inline\n"
    "[profile   spaced  ]\n"
    "region = ap-south-1\n"
    "[sso-session corp]\n"
    "sso_region = us-east-1\n"
    "[notaprofile]\n"
    "region = nowhere\n";

static void load_both(aws_shared_files *files)
{
    memset(files, 0, sizeof *files);
    aws_shared_files_parse(files, credentials_file, false);
    files->credentials_len = files->len;
    aws_shared_files_parse(files, config_file, true);
}

static void test_shared_files_sections_keys_and_comments(void **state)
{
    (void)state;
    aws_shared_files files;
    load_both(&files);
    assert_string_equal(aws_profile_get(&files, "default", "aws_secret_access_key"), "secretdefault");
    assert_string_equal(aws_profile_get(&files, "default", "region"), "eu-west-1");
    assert_string_equal(aws_profile_get(&files, "ci", "aws_secret_access_key"), "secret/ci+1");
    assert_string_equal(aws_profile_get(&files, "ci", "region"), "us-east-2");
    assert_string_equal(aws_profile_get(&files, "spaced", "region"), "ap-south-1");
    assert_null(aws_profile_get(&files, "default", "max_concurrent_requests"));
    assert_null(aws_profile_get(&files, "corp", "sso_region"));
    assert_false(aws_profile_exists(&files, "notaprofile"));
    /* In the credentials file "[profile odd]" is a profile named "profile odd". */
    assert_true(aws_profile_exists(&files, "profile odd"));
    assert_false(aws_profile_exists(&files, "odd"));
    aws_shared_files_free(&files);
}

static void test_later_key_wins_and_credentials_file_beats_config(void **state)
{
    (void)state;
    aws_shared_files files;
    load_both(&files);
    /* Upper-case key names count too; the later line wins; the config's key loses. */
    assert_string_equal(aws_profile_get(&files, "ci", "aws_access_key_id"), "AKIDCI2");
    aws_credentials creds = {0};
    bool found = false;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(aws_profile_credentials(&files, "ci", &creds, &found, &e), RW_OK);
    assert_true(found);
    assert_string_equal(creds.access_key_id, "AKIDCI2");
    assert_null(creds.session_token);
    assert_int_equal(creds.expiration, 0);
    aws_credentials_free(&creds);
    aws_shared_files_free(&files);
}

/* Resolves profile in files parsed from the given config text; returns the error message or NULL. */
static char *profile_error(const char *config, const char *profile, bool *found)
{
    aws_shared_files files = {0};
    aws_shared_files_parse(&files, config, true);
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    int ret = aws_profile_credentials(&files, profile, &creds, found, &e);
    aws_credentials_free(&creds);
    aws_shared_files_free(&files);
    return ret == RW_OK ? NULL : strdup(e.msg);
}

static void expect_profile_error(const char *config, const char *profile, const char *want)
{
    bool found = false;
    char *msg = profile_error(config, profile, &found);
    assert_non_null(msg);
    if (!strstr(msg, want)) fail_msg("'%s' not in '%s'", want, msg);
    free(msg);
}

static void test_profiles_runway_declines_say_so(void **state)
{
    (void)state;
    expect_profile_error("[default]\ncredential_process = /bin/creds\n", "default",
                         "credential_process is not supported");
    expect_profile_error("[profile dev]\nsso_session = corp\nsso_account_id = 1\n", "dev",
                         "(SSO) profiles are not supported");
    expect_profile_error("[profile r]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = r\n"
                         "aws_access_key_id = A\naws_secret_access_key = S\nmfa_serial = arn:mfa\n",
                         "r", "mfa_serial needs a code");
}

static void test_broken_role_profiles_are_clear_errors(void **state)
{
    (void)state;
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                         "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n",
                         "a", "source_profile goes round in a circle");
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = gone\n",
                         "a", "profile a: source_profile gone does not exist");
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n", "a",
                         "role_arn needs source_profile, credential_source or web_identity_token_file");
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                         "credential_source = Environment\n[profile b]\nregion = x\n",
                         "a", "set source_profile or credential_source, not both");
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\n"
                         "credential_source = Elsewhere\n", "a", "credential_source = Elsewhere");
    expect_profile_error("[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
                         "[profile b]\nregion = x\n", "a", "source_profile b holds no credentials");
    expect_profile_error("[default]\naws_access_key_id = AKID\n", "default",
                         "set both aws_access_key_id and aws_secret_access_key");
}

static void test_profile_without_credentials_is_not_found(void **state)
{
    (void)state;
    bool found = true;
    assert_null(profile_error("[default]\nregion = eu-west-1\n", "default", &found));
    assert_false(found);
    found = true;
    assert_null(profile_error("", "default", &found));
    assert_false(found);
}

static void test_profile_name_from_the_environment(void **state)
{
    (void)state;
    bool explicit_name = true;
    assert_string_equal(aws_profile_name(&explicit_name), "default");
    assert_false(explicit_name);
    setenv("AWS_DEFAULT_PROFILE", "legacy", 1);
    assert_string_equal(aws_profile_name(&explicit_name), "legacy");
    setenv("AWS_PROFILE", "ci", 1);
    assert_string_equal(aws_profile_name(&explicit_name), "ci");
    assert_true(explicit_name);
}

static void test_region_falls_back_to_the_profile(void **state)
{
    (void)state;
    char path[] = "/tmp/runway-aws-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "[default]\nregion = eu-north-1\n[profile ci]\nregion = sa-east-1\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    setenv("AWS_CONFIG_FILE", path, 1);
    rw_err e;
    rw_err_clear(&e);
    char *r = aws_region_from(NULL, &e);
    assert_string_equal(r, "eu-north-1");
    free(r);
    setenv("AWS_PROFILE", "ci", 1);
    r = aws_region_from(NULL, &e);
    assert_string_equal(r, "sa-east-1");
    free(r);
    setenv("AWS_REGION", "us-west-1", 1);
    r = aws_region_from(NULL, &e);
    assert_string_equal(r, "us-west-1");
    free(r);
    unlink(path);
}

static void test_endpoint_json_with_expiration(void **state)
{
    (void)state;
    aws_credentials creds = {0};
    rw_err e;
    rw_err_clear(&e);
    const char *imds = "{\"Code\":\"Success\",\"Type\":\"AWS-HMAC\",\"AccessKeyId\":\"ASIAX\","
                       "\"SecretAccessKey\":\"s\",\"Token\":\"t\","
                       "\"Expiration\":\"2026-12-05T03:00:00Z\"}";
    assert_int_equal(aws_credentials_parse_json(imds, strlen(imds), "IMDS", &creds, &e), RW_OK);
    assert_int_equal(creds.expiration, 1796439600);
    aws_credentials_free(&creds);
    const char *failed = "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"AccessKeyId\":\"A\","
                         "\"SecretAccessKey\":\"s\"}";
    assert_int_not_equal(aws_credentials_parse_json(failed, strlen(failed), "IMDS", &creds, &e),
                         RW_OK);
    assert_non_null(strstr(e.msg, "IMDS answered Code AssumeRoleUnauthorizedAccess"));
    const char *bad_time = "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"Expiration\":\"soon\"}";
    assert_int_not_equal(aws_credentials_parse_json(bad_time, strlen(bad_time), "IMDS", &creds, &e),
                         RW_OK);
    assert_non_null(strstr(e.msg, "unreadable Expiration"));
}

static void test_time_formats(void **state)
{
    (void)state;
    assert_int_equal(aws_parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    assert_int_equal(aws_parse_http_date("Sat, 05 Dec 2026 03:00:00 GMT"), 1796439600);
    assert_int_equal(aws_parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), -1);
    assert_int_equal(aws_parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"), -1);
    assert_int_equal(aws_parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), -1);
    assert_int_equal(aws_parse_http_date(""), -1);
    assert_int_equal(aws_parse_iso8601("2014-10-24T23:00:23Z"), 1414191623);
    assert_int_equal(aws_parse_iso8601("2014-10-24T23:00:23.123Z"), 1414191623);
    assert_int_equal(aws_parse_iso8601("2014-10-24T23:00:23+00:00"), 1414191623);
    assert_int_equal(aws_parse_iso8601("2014-10-24T23:00:23+02:00"), -1);
    assert_int_equal(aws_parse_iso8601("2014-10-24 23:00:23Z"), -1);
    assert_int_equal(aws_parse_iso8601("2014-13-24T23:00:23Z"), -1);
    assert_int_equal(aws_parse_iso8601("2014-10-24T23:00:23Zjunk"), -1);
}

static void test_clock_skew_errors_are_recognised(void **state)
{
    (void)state;
    const char *date = "Sat, 05 Dec 2026 03:00:00 GMT";
    assert_true(aws_clock_skew_learn("RequestTimeTooSkewed", "The difference is too large", date));
    assert_true(aws_clock_skew_learn("SignatureDoesNotMatch",
                                     "Signature expired: 20261205T023000Z is now earlier than "
                                     "20261205T024500Z (20261205T030000Z - 15 min.)", date));
    assert_true(aws_clock_skew_learn("InvalidSignatureException",
                                     "Signature not yet current: 20261205T033000Z is still later "
                                     "than 20261205T031500Z (20261205T030000Z + 15 min.)", date));
    assert_false(aws_clock_skew_learn("InvalidSignatureException",
                                      "The request signature we calculated does not match", date));
    assert_false(aws_clock_skew_learn("AccessDenied", "Signature expired", date));
    assert_false(aws_clock_skew_learn("RequestTimeTooSkewed", "skewed", NULL));
    assert_false(aws_clock_skew_learn("RequestTimeTooSkewed", "skewed", "yesterday"));
}

static void test_clock_skew_moves_the_signing_clock_to_aws_time(void **state)
{
    (void)state;
    time_t local = time(NULL);
    assert_true(aws_clock_now() - local <= 1);
    char date[64];
    time_t ahead = local + 3600;
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&ahead));
    assert_true(aws_clock_skew_learn("RequestTimeTooSkewed", "", date));
    time_t now = aws_clock_now();
    assert_true(now >= ahead - 1 && now <= ahead + 2);
    aws_clock_reset();
    assert_true(aws_clock_now() - time(NULL) <= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_xml_element_names_match_whole_tags, isolate_env),
        cmocka_unit_test_setup(test_xml_text_decodes_entities_and_cdata, isolate_env),
        cmocka_unit_test_setup(test_sts_answer_gives_credentials_and_expiry, isolate_env),
        cmocka_unit_test_setup(test_sts_answer_without_credentials_is_an_error, isolate_env),
        cmocka_unit_test_setup(test_sts_error_answer_gives_code_and_message, isolate_env),
        cmocka_unit_test_setup(test_shared_files_sections_keys_and_comments, isolate_env),
        cmocka_unit_test_setup(test_later_key_wins_and_credentials_file_beats_config, isolate_env),
        cmocka_unit_test_setup(test_profiles_runway_declines_say_so, isolate_env),
        cmocka_unit_test_setup(test_broken_role_profiles_are_clear_errors, isolate_env),
        cmocka_unit_test_setup(test_profile_without_credentials_is_not_found, isolate_env),
        cmocka_unit_test_setup(test_profile_name_from_the_environment, isolate_env),
        cmocka_unit_test_setup(test_region_falls_back_to_the_profile, isolate_env),
        cmocka_unit_test_setup(test_endpoint_json_with_expiration, isolate_env),
        cmocka_unit_test_setup(test_time_formats, isolate_env),
        cmocka_unit_test_setup(test_clock_skew_errors_are_recognised, isolate_env),
        cmocka_unit_test_setup(test_clock_skew_moves_the_signing_clock_to_aws_time, isolate_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
