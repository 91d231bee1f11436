/*
 * credentials.c - the credential chain of the AWS SDKs: environment keys,
 * web identity, the shared files' profile, the container endpoint, then
 * IMDSv2.  The first source that is configured answers; one that is
 * configured but fails is an error, not a reason to try the next (a job
 * must not run as another identity than the one it was given).
 * Credentials from any source but the environment are cached for the
 * process until 5 minutes before they expire.
 */
#include "aws/credentials.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "aws/http.h"
#include "core/log.h"

#define ECS_CREDENTIALS_HOST "http://169.254.170.2"
#define CONTAINER_ATTEMPTS 3
/* The SDKs refresh temporary credentials this long before they expire. */
#define REFRESH_MARGIN_S 300

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

void aws_credentials_copy(aws_credentials *dst, const aws_credentials *src)
{
    dst->access_key_id = src->access_key_id ? xstrdup(src->access_key_id) : NULL;
    dst->secret_access_key = src->secret_access_key ? xstrdup(src->secret_access_key) : NULL;
    dst->session_token = src->session_token ? xstrdup(src->session_token) : NULL;
    dst->expiration = src->expiration;
}

int aws_credentials_parse_json(const char *json, size_t len, const char *source,
                               aws_credentials *creds, rw_err *e)
{
    json_t *root = json_loadb(json, len, 0, NULL);
    const char *code = json_string_value(json_object_get(root, "Code"));
    const char *akid = json_string_value(json_object_get(root, "AccessKeyId"));
    const char *secret = json_string_value(json_object_get(root, "SecretAccessKey"));
    const char *token = json_string_value(json_object_get(root, "Token"));
    const char *expiration = json_string_value(json_object_get(root, "Expiration"));
    time_t expires = expiration ? aws_parse_iso8601(expiration) : 0;
    int ret = RW_OK;
    if (code && strcmp(code, "Success") != 0) {
        ret = rw_fail(e, RW_ERR_AWS, "%s answered Code %.100s", source, code);
    } else if (!akid || !secret || !*akid || !*secret) {
        ret = rw_fail(e, RW_ERR_AWS, "%s returned no AccessKeyId/SecretAccessKey", source);
    } else if (expires == -1) {
        ret = rw_fail(e, RW_ERR_AWS, "%s returned an unreadable Expiration '%.40s'", source,
                      expiration);
    } else {
        creds->access_key_id = xstrdup(akid);
        creds->secret_access_key = xstrdup(secret);
        creds->session_token = token && *token ? xstrdup(token) : NULL;
        creds->expiration = expires;
    }
    json_decref(root);
    return ret;
}

int aws_credentials_parse_container(const char *json, size_t len, aws_credentials *creds,
                                    rw_err *e)
{
    return aws_credentials_parse_json(json, len, "the container credentials endpoint", creds, e);
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
        if (resp.body.buf) OPENSSL_cleanse(resp.body.buf, resp.body.len);
        aws_http_response_free(&resp);
        if (ret == RW_OK || client_error) break;
        if (attempt < CONTAINER_ATTEMPTS) aws_http_sleep_ms(1000);
    }
    for (size_t i = 0; i < headers.len; i++)
        OPENSSL_cleanse(headers.items[i], strlen(headers.items[i]));
    strlist_free(&headers);
    return ret;
}

bool aws_container_configured(void)
{
    return env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
           env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
}

int aws_container_credentials(aws_credentials *creds, rw_err *e)
{
    const char *relative = env_nonempty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
    if (relative) {
        char *url = xasprintf("%s%s", ECS_CREDENTIALS_HOST, relative);
        int ret = container_fetch(url, NULL, creds, e);
        free(url);
        return ret;
    }
    const char *full = env_nonempty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    if (!full)
        return rw_fail(e, RW_ERR_CONFIGURATION, "no AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or "
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI is set");
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

/* AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); false when not both set. */
static bool env_credentials(aws_credentials *creds)
{
    const char *akid = env_nonempty("AWS_ACCESS_KEY_ID");
    const char *secret = env_nonempty("AWS_SECRET_ACCESS_KEY");
    if (!akid || !secret) return false;
    const char *token = env_nonempty("AWS_SESSION_TOKEN");
    creds->access_key_id = xstrdup(akid);
    creds->secret_access_key = xstrdup(secret);
    creds->session_token = token ? xstrdup(token) : NULL;
    creds->expiration = 0;
    return true;
}

/* ---- region ---------------------------------------------------------------- */

/*
 * The region runway was last told to work in (awsRegion included), kept so
 * that STS, which the chain calls without a configuration at hand, goes to
 * the same regional endpoint.
 */
static pthread_mutex_t region_lock = PTHREAD_MUTEX_INITIALIZER;
static char known_region[64];

static char *profile_region(void)
{
    aws_shared_files files = {0};
    rw_err ignored;
    rw_err_clear(&ignored);
    char *region = NULL;
    if (aws_shared_files_load(&files, &ignored) == RW_OK) {
        const char *v = aws_profile_get(&files, aws_profile_name(NULL), "region");
        if (v && *v) region = xstrdup(v);
    }
    aws_shared_files_free(&files);
    return region;
}

char *aws_region_from(const rw_config *cfg, rw_err *e)
{
    const char *configured = cfg ? config_get(cfg, "awsRegion") : NULL;
    char *region = NULL;
    if (configured && *configured) region = xstrdup(configured);
    if (!region && env_nonempty("AWS_REGION")) region = xstrdup(env_nonempty("AWS_REGION"));
    if (!region && env_nonempty("AWS_DEFAULT_REGION"))
        region = xstrdup(env_nonempty("AWS_DEFAULT_REGION"));
    if (!region) region = profile_region();
    if (!region) {
        rw_fail(e, RW_ERR_CONFIGURATION,
                "no AWS region: set awsRegion (RUNWAY_AWS_REGION) or AWS_REGION");
        return NULL;
    }
    pthread_mutex_lock(&region_lock);
    snprintf(known_region, sizeof known_region, "%s", region);
    pthread_mutex_unlock(&region_lock);
    return region;
}

char *aws_sts_region(const char *profile_region_value)
{
    const char *env = env_nonempty("AWS_REGION");
    if (!env) env = env_nonempty("AWS_DEFAULT_REGION");
    if (env) return xstrdup(env);
    if (profile_region_value && *profile_region_value) return xstrdup(profile_region_value);
    pthread_mutex_lock(&region_lock);
    char *known = known_region[0] ? xstrdup(known_region) : NULL;
    pthread_mutex_unlock(&region_lock);
    return known;
}

/* ---- the chain ------------------------------------------------------------- */

/* AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN: EKS IRSA, GitHub Actions / GitLab OIDC. */
static int web_identity_from_env(aws_credentials *creds, rw_err *e)
{
    char *region = aws_sts_region(NULL);
    int ret = aws_sts_assume_role_with_web_identity(
        region, env_nonempty("AWS_ROLE_ARN"), env_nonempty("AWS_ROLE_SESSION_NAME"),
        env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE"), creds, e);
    free(region);
    return ret;
}

/* The profile's credentials; *found false when it has none (the chain goes on). */
static int profile_credentials(aws_credentials *creds, bool *found, char *source, size_t n,
                               rw_err *e)
{
    bool explicit_name = false;
    const char *name = aws_profile_name(&explicit_name);
    aws_shared_files files = {0};
    int ret = aws_shared_files_load(&files, e);
    *found = false;
    if (ret == RW_OK && explicit_name && !aws_profile_exists(&files, name))
        ret = rw_fail(e, RW_ERR_CONFIGURATION,
                      "AWS_PROFILE=%s: no such profile in the AWS config or credentials file",
                      name);
    if (ret == RW_OK) ret = aws_profile_credentials(&files, name, creds, found, e);
    snprintf(source, n, "profile %s", name);
    aws_shared_files_free(&files);
    return ret;
}

/*
 * Walks the chain from web identity on (the environment's keys are read
 * on every call, outside the cache).  source names where the answer came
 * from, for messages.
 */
static int chain_resolve(aws_credentials *creds, char *source, size_t n, rw_err *e)
{
    if (env_nonempty("AWS_WEB_IDENTITY_TOKEN_FILE") && env_nonempty("AWS_ROLE_ARN")) {
        snprintf(source, n, "web identity (%s)", env_nonempty("AWS_ROLE_ARN"));
        return web_identity_from_env(creds, e);
    }
    bool found = false;
    int ret = profile_credentials(creds, &found, source, n, e);
    if (ret != RW_OK || found) return ret;
    if (aws_container_configured()) {
        snprintf(source, n, "the container credentials endpoint");
        return aws_container_credentials(creds, e);
    }
    if (aws_imds_disabled())
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                       "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or a profile (AWS_PROFILE), "
                       "or run where ECS, EKS or Lambda provide them (instance metadata is off: "
                       "AWS_EC2_METADATA_DISABLED)");
    snprintf(source, n, "the EC2 instance metadata service");
    ret = aws_imds_credentials(creds, e);
    if (ret != RW_OK)
        rw_err_prefix(e, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                      "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or a profile (AWS_PROFILE), "
                      "or run where ECS, EKS, Lambda or EC2 provide them; EC2 instance metadata: ");
    return ret;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static aws_credentials cache;

static bool cache_fresh(time_t now)
{
    return cache.access_key_id &&
           (cache.expiration == 0 || now < cache.expiration - REFRESH_MARGIN_S);
}

/*
 * Fetches new credentials into the cache.  When that fails while the
 * cached ones still work (refreshing 5 minutes early leaves that margin),
 * the run goes on with them: a brief STS or IMDS outage must not fail a
 * migration that is under way.
 */
static int cache_refresh(time_t now, rw_err *e)
{
    aws_credentials fresh = {0};
    char source[256];
    rw_err why;
    rw_err_clear(&why);
    int ret = chain_resolve(&fresh, source, sizeof source, &why);
    if (ret == RW_OK) {
        log_debug("AWS credentials %s %s", cache.access_key_id ? "refreshed from" : "from", source);
        aws_credentials_free(&cache);
        cache = fresh;
        return RW_OK;
    }
    aws_credentials_free(&fresh);
    if (cache.access_key_id && now < cache.expiration) {
        log_warn("refreshing the AWS credentials failed (%s); the current ones work until they "
                 "expire in %lld s", why.msg, (long long)(cache.expiration - now));
        return RW_OK;
    }
    if (strncmp(why.msg, "no AWS credentials", 18) != 0) rw_err_prefix(&why, "AWS credentials: ");
    *e = why;
    return e->code;
}

int aws_credentials_load(aws_credentials *creds, rw_err *e)
{
    memset(creds, 0, sizeof *creds);
    if (env_credentials(creds)) return RW_OK;
    pthread_mutex_lock(&cache_lock);
    time_t now = aws_clock_now();
    int ret = cache_fresh(now) ? RW_OK : cache_refresh(now, e);
    if (ret == RW_OK) aws_credentials_copy(creds, &cache);
    pthread_mutex_unlock(&cache_lock);
    return ret;
}

void aws_credentials_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    aws_credentials_free(&cache);
    pthread_mutex_unlock(&cache_lock);
}

bool aws_env_credentials(aws_credentials *creds)
{
    memset(creds, 0, sizeof *creds);
    return env_credentials(creds);
}
