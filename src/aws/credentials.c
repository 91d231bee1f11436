/*
 * credentials.c - the credential chain of the AWS SDKs, cut down to what a
 * migration job runs on: environment keys, then the container endpoint.
 */
#include "aws/credentials.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/http.h"

#define ECS_CREDENTIALS_HOST "http://169.254.170.2"
#define CONTAINER_ATTEMPTS 3

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void free_secret(char *s)
{
    if (s) OPENSSL_cleanse(s, strlen(s));
    free(s);
}

void aws_credentials_free(aws_credentials *creds)
{
    free(creds->access_key_id);
    free_secret(creds->secret_access_key);
    free_secret(creds->session_token);
    memset(creds, 0, sizeof *creds);
}

int aws_credentials_parse_container(const char *json, size_t len, aws_credentials *creds,
                                    rw_err *e)
{
    json_t *root = json_loadb(json, len, 0, NULL);
    const char *akid = json_string_value(json_object_get(root, "AccessKeyId"));
    const char *secret = json_string_value(json_object_get(root, "SecretAccessKey"));
    const char *token = json_string_value(json_object_get(root, "Token"));
    int ret = RW_OK;
    if (!akid || !secret || !*akid || !*secret) {
        ret = rw_fail(e, RW_ERR_AWS,
                      "the container credentials endpoint returned no AccessKeyId/SecretAccessKey");
    } else {
        creds->access_key_id = xstrdup(akid);
        creds->secret_access_key = xstrdup(secret);
        creds->session_token = token && *token ? xstrdup(token) : NULL;
    }
    json_decref(root);
    return ret;
}

/* Host part of an http(s) URL, without brackets or port, lower-case not required. */
static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p) return xstrdup("");
    p += 3;
    if (*p == '[') {
        const char *end = strchr(p, ']');
        return end ? xstrndup(p + 1, (size_t)(end - p - 1)) : xstrdup("");
    }
    return xstrndup(p, strcspn(p, ":/?#"));
}

bool aws_credentials_full_uri_allowed(const char *url)
{
    if (rw_starts_with(url, "https://")) return true;
    if (!rw_starts_with(url, "http://")) return false;
    char *host = url_host(url);
    bool ok = strcmp(host, "localhost") == 0 || rw_starts_with(host, "127.") ||
              strcmp(host, "::1") == 0 || strcmp(host, "169.254.170.2") == 0 ||
              strcmp(host, "169.254.170.23") == 0 || rw_str_ieq(host, "fd00:ec2::23");
    free(host);
    return ok;
}

/* The Authorization value for the full-URI endpoint, from the token file or variable. */
static int container_auth_token(char **token, rw_err *e)
{
    *token = NULL;
    const char *file = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    if (file) {
        strbuf sb = STRBUF_INIT;
        if (rw_read_file(file, &sb, e) != RW_OK) {
            rw_err_prefix(e, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: ");
            return e->code;
        }
        *token = sb_detach(&sb);
        rw_trim(*token);
        return RW_OK;
    }
    const char *value = env_nonempty("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    if (value) *token = xstrdup(value);
    return RW_OK;
}

/* GETs the credentials JSON, retrying like the SDKs (3 attempts, 1 s apart, 2 s each). */
static int container_fetch(const char *url, const char *token, aws_credentials *creds, rw_err *e)
{
    strlist headers = {0};
    strlist_push(&headers, "Accept: application/json");
    if (token) strlist_push_owned(&headers, xasprintf("Authorization: %s", token));
    int ret = RW_ERROR;
    for (int attempt = 1; attempt <= CONTAINER_ATTEMPTS; attempt++) {
        aws_http_request req = {.method = "GET", .url = url, .headers = &headers,
                                .connect_timeout_ms = 1000, .timeout_ms = 2000,
                                .ignore_proxy = true};
        aws_http_response resp;
        aws_http_response_init(&resp);
        ret = aws_http_perform(&req, &resp, e);
        if (ret == RW_OK && resp.status != 200)
            ret = rw_fail(e, RW_ERR_AWS, "the container credentials endpoint answered HTTP %ld",
                          resp.status);
        if (ret == RW_OK) ret = aws_credentials_parse_container(resp.body.buf, resp.body.len,
                                                                creds, e);
        bool client_error = resp.status >= 400 && resp.status < 500;
        aws_http_response_free(&resp);
        if (ret == RW_OK || client_error) break;
        if (attempt < CONTAINER_ATTEMPTS) aws_http_sleep_ms(1000);
    }
    for (size_t i = 0; i < headers.len; i++)
        OPENSSL_cleanse(headers.items[i], strlen(headers.items[i]));
    strlist_free(&headers);
    return ret;
}

static int credentials_from_container(aws_credentials *creds, rw_err *e)
{
    const char *relative = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (relative) {
        char *url = xasprintf("%s%s", ECS_CREDENTIALS_HOST, relative);
        int ret = container_fetch(url, NULL, creds, e);
        free(url);
        return ret;
    }
    const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!aws_credentials_full_uri_allowed(full))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on a loopback "
                       "address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23");
    char *token = NULL;
    int ret = container_auth_token(&token, e);
    if (ret == RW_OK) ret = container_fetch(full, token, creds, e);
    free_secret(token);
    return ret;
}

int aws_credentials_load(aws_credentials *creds, rw_err *e)
{
    memset(creds, 0, sizeof *creds);
    const char *akid = env_nonempty("AWS_ACCESS_KEY_ID");
    const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
    if (akid && secret) {
        const char *token = env_nonempty("AWS_SESSION_TOKEN");
        creds->access_key_id = xstrdup(akid);
        creds->secret_access_key = xstrdup(secret);
        creds->session_token = token ? xstrdup(token) : NULL;
        return RW_OK;
    }
    if (env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
        env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        int ret = credentials_from_container(creds, e);
        if (ret != RW_OK) rw_err_prefix(e, "AWS credentials: ");
        return ret;
    }
    return rw_fail(e, RW_ERR_CONFIGURATION,
                   "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run "
                   "where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI is provided (ECS, Lambda)");
}

char *aws_region_from(const rw_config *cfg, rw_err *e)
{
    const char *region = cfg ? config_get(cfg, "awsRegion") : NULL;
    if (!region || !*region) region = env_nonempty("AWS_REGION");
    if (!region) region = env_nonempty("AWS_DEFAULT_REGION");
    if (!region) {
        rw_fail(e, RW_ERR_CONFIGURATION,
                "no AWS region: set awsRegion (RUNWAY_AWS_REGION) or AWS_REGION");
        return NULL;
    }
    return xstrdup(region);
}
