/*
 * secrets.c - fills the connection settings from Secrets Manager and RDS
 * IAM authentication before the database is opened.
 */
#include "aws/secrets.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "aws/aws.h"
#include "aws/credentials.h"
#include "aws/http.h"
#include "core/log.h"

#define EXTENSION_DEFAULT_PORT "2773"

/*
 * Where the credentials of this configuration came from, kept beside the
 * settings so a refused login can be retried with a fresh secret: the
 * source ("extension" or "api") and the settings the secret filled.
 */
#define SECRET_SOURCE_KEY "_aws.secretSource"
#define SECRET_FILLED_KEY "_aws.secretFilled"

static const char *env_nonempty(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static bool cfg_unset(const rw_config *cfg, const char *key)
{
    const char *v = config_get(cfg, key);
    return !v || !*v;
}

/* A URL scheme runway knows, and what an RDS secret's "engine" maps to. */
typedef struct db_kind {
    const char *engine_prefix; /* matches "postgres", "aurora-postgresql", ... */
    const char *jdbc;          /* URL prefix to build */
    int default_port;
} db_kind;

static const db_kind kinds[] = {
    {"postgres", "jdbc:postgresql://", 5432},
    {"aurora-postgresql", "jdbc:postgresql://", 5432},
    {"mariadb", "jdbc:mariadb://", 3306},
    {"mysql", "jdbc:mysql://", 3306},
    {"aurora-mysql", "jdbc:mysql://", 3306},
    {"aurora", "jdbc:mysql://", 3306},
};

static const db_kind *kind_for_engine(const char *engine)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (rw_str_ieq(engine, kinds[i].engine_prefix)) return &kinds[i];
    return NULL;
}

/* A JSON string or number as text (secrets store port either way). */
static char *json_text(json_t *v)
{
    if (json_is_string(v)) return xstrdup(json_string_value(v));
    if (json_is_integer(v)) return xasprintf("%lld", (long long)json_integer_value(v));
    return NULL;
}

static const char *secret_str(json_t *secret, const char *key)
{
    const char *v = json_string_value(json_object_get(secret, key));
    return v && *v ? v : NULL;
}

/* Builds a URL from engine/host/port/dbname; sqlite + dbname (a file) is accepted for local use. */
static int secret_build_url(json_t *secret, const char *secret_id, char **url, rw_err *e)
{
    const char *engine = secret_str(secret, "engine");
    const char *host = secret_str(secret, "host");
    const char *dbname = secret_str(secret, "dbname");
    if (engine && rw_str_ieq(engine, "sqlite") && dbname) {
        *url = xasprintf("jdbc:sqlite:%s", dbname);
        return RW_OK;
    }
    const db_kind *kind = engine ? kind_for_engine(engine) : NULL;
    if (!host || !kind)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "no url is configured and secret %s has no %s; set url (FLYWAY_URL) or "
                       "store engine and host in the secret",
                       secret_id, !host ? "host" : "engine runway supports (postgres, mysql, mariadb)");
    char *port = json_text(json_object_get(secret, "port"));
    bool ipv6 = strchr(host, ':') != NULL;
    *url = xasprintf("%s%s%s%s:%s/%s", kind->jdbc, ipv6 ? "[" : "", host, ipv6 ? "]" : "",
                     port ? port : (kind->default_port == 5432 ? "5432" : "3306"),
                     dbname ? dbname : "");
    free(port);
    return RW_OK;
}

/* True when the URL itself carries the named credential (user=..., password=..., user:pw@). */
static bool url_has(const char *url, const char *param)
{
    char *needle = xasprintf("%s=", param);
    const char *q = strchr(url, '?');
    bool found = false;
    for (const char *p = q; p && !found; p = strpbrk(p + 1, "&;")) {
        if (strncasecmp(p + 1, needle, strlen(needle)) == 0) found = true;
    }
    free(needle);
    if (found) return true;
    const char *auth = strstr(url, "://");
    if (!auth) return false;
    auth += 3;
    size_t len = strcspn(auth, "/?");
    const char *at = memchr(auth, '@', len);
    if (!at) return false;
    if (strcmp(param, "user") == 0) return at > auth;
    return memchr(auth, ':', (size_t)(at - auth)) != NULL;
}

/*
 * Fills url, user and password from the secret: those the configuration
 * leaves unset, or, with only set (a later, fresher copy of the secret),
 * exactly those an earlier copy filled.  filled gets the names it set.
 */
static int secret_fill(rw_config *cfg, json_t *secret, const char *secret_id, const char *only,
                       strbuf *filled, rw_err *e)
{
    bool refill = only != NULL;
    if (refill ? strstr(only, "url") != NULL : cfg_unset(cfg, "url")) {
        char *url = NULL;
        if (secret_build_url(secret, secret_id, &url, e) != RW_OK) return e->code;
        config_set_raw(cfg, "url", url, CFG_SRC_ENV);
        sb_adds(filled, "url,");
        free(url);
    }
    const char *url = config_get(cfg, "url");
    const char *user = secret_str(secret, "username");
    const char *password = secret_str(secret, "password");
    if (user && (refill ? strstr(only, "user,") != NULL
                        : cfg_unset(cfg, "user") && !url_has(url, "user"))) {
        config_set_raw(cfg, "user", user, CFG_SRC_ENV);
        sb_adds(filled, "user,");
    }
    if (password && (refill ? strstr(only, "password,") != NULL
                            : cfg_unset(cfg, "password") && !url_has(url, "password"))) {
        config_set_raw(cfg, "password", password, CFG_SRC_ENV);
        sb_adds(filled, "password,");
    }
    return RW_OK;
}

int aws_secret_apply(rw_config *cfg, json_t *secret, const char *secret_id, rw_err *e)
{
    strbuf filled = STRBUF_INIT;
    int ret = secret_fill(cfg, secret, secret_id, NULL, &filled, e);
    if (ret == RW_OK) config_set_raw(cfg, SECRET_FILLED_KEY, sb_str(&filled), CFG_SRC_CLI);
    sb_free(&filled);
    return ret;
}

static int secret_parse(const char *body, size_t len, const char *secret_id, json_t **secret,
                        rw_err *e)
{
    json_t *resp = json_loadb(body, len, 0, NULL);
    const char *text = json_string_value(json_object_get(resp, "SecretString"));
    int ret = RW_OK;
    if (!text) {
        ret = rw_fail(e, RW_ERR_AWS, "secret %s has no SecretString (binary secrets are not "
                      "supported)", secret_id);
    } else {
        *secret = json_loads(text, 0, NULL);
        if (!json_is_object(*secret)) {
            json_decref(*secret);
            *secret = NULL;
            ret = rw_fail(e, RW_ERR_AWS, "secret %s is not a JSON object; store the database "
                          "credentials as {\"username\": ..., \"password\": ...}", secret_id);
        }
    }
    json_decref(resp);
    return ret;
}

/* True when the Parameters and Secrets Lambda Extension may be running next to us. */
static bool extension_possible(void)
{
    bool lambda = env_nonempty("AWS_LAMBDA_RUNTIME_API") || env_nonempty("AWS_LAMBDA_FUNCTION_NAME");
    return lambda && env_nonempty("AWS_SESSION_TOKEN");
}

/*
 * Asks the extension on localhost.  Returns RW_OK with *secret set, or an
 * error; *unreachable is set when nothing listens there (use the API).
 */
/* "&name=value" for a set version setting, value URL-encoded. */
static void secret_version_param(strbuf *url, const rw_config *cfg, const char *key,
                                 const char *name)
{
    const char *v = config_get(cfg, key);
    if (!v || !*v) return;
    sb_addf(url, "&%s=", name);
    sigv4_uri_encode(url, v, strlen(v));
}

static int secret_from_extension(const rw_config *cfg, const char *secret_id, json_t **secret,
                                 bool *unreachable, rw_err *e)
{
    const char *port = env_nonempty("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT");
    strbuf url = STRBUF_INIT;
    sb_addf(&url, "http://127.0.0.1:%s/secretsmanager/get?secretId=",
            port ? port : EXTENSION_DEFAULT_PORT);
    sigv4_uri_encode(&url, secret_id, strlen(secret_id));
    secret_version_param(&url, cfg, "awsSecretVersionStage", "versionStage");
    secret_version_param(&url, cfg, "awsSecretVersionId", "versionId");
    strlist headers = {0};
    strlist_push_owned(&headers, xasprintf("X-Aws-Parameters-Secrets-Token: %s",
                                           getenv("AWS_SESSION_TOKEN")));
    aws_http_request req = {.method = "GET", .url = sb_str(&url), .headers = &headers,
                            .connect_timeout_ms = 500, .timeout_ms = 10000, .ignore_proxy = true};
    aws_http_response resp;
    aws_http_response_init(&resp);
    int ret = aws_http_perform(&req, &resp, e);
    *unreachable = ret != RW_OK;
    if (ret == RW_OK && resp.status != 200)
        ret = rw_fail(e, RW_ERR_AWS, "the Parameters and Secrets extension could not get secret "
                      "%s (HTTP %ld)", secret_id, resp.status);
    else if (ret == RW_OK)
        ret = secret_parse(resp.body.buf, resp.body.len, secret_id, secret, e);
    for (size_t i = 0; i < headers.len; i++)
        OPENSSL_cleanse(headers.items[i], strlen(headers.items[i]));
    strlist_free(&headers);
    if (resp.body.buf) OPENSSL_cleanse(resp.body.buf, resp.body.len);
    aws_http_response_free(&resp);
    sb_free(&url);
    return ret;
}

static int secret_from_api(const rw_config *cfg, const char *secret_id, json_t **secret, rw_err *e)
{
    aws_context ctx = {0};
    ctx.region = aws_region_from(cfg, e);
    if (!ctx.region || aws_credentials_load(&ctx.creds, e) != RW_OK) {
        free(ctx.region);
        return e->code;
    }
    json_t *input = json_pack("{s:s}", "SecretId", secret_id);
    const char *stage = config_get(cfg, "awsSecretVersionStage");
    const char *version = config_get(cfg, "awsSecretVersionId");
    if (stage && *stage) json_object_set_new(input, "VersionStage", json_string(stage));
    if (version && *version) json_object_set_new(input, "VersionId", json_string(version));
    json_t *output = NULL;
    int ret = aws_json_call(&aws_secrets_manager, &ctx, "GetSecretValue", input, &output, e);
    if (ret != RW_OK) rw_err_prefix(e, "secret %s: ", secret_id);
    if (ret == RW_OK) {
        char *text = json_dumps(output, JSON_COMPACT);
        ret = secret_parse(text, strlen(text), secret_id, secret, e);
        OPENSSL_cleanse(text, strlen(text));
        free(text);
    }
    json_decref(input);
    json_decref(output);
    aws_credentials_free(&ctx.creds);
    free(ctx.region);
    return ret;
}

/* As aws_secret_fetch; *from_extension tells which source answered. */
static int secret_fetch(const rw_config *cfg, const char *secret_id, json_t **secret,
                        bool *from_extension, rw_err *e)
{
    *secret = NULL;
    *from_extension = false;
    if (extension_possible()) {
        bool unreachable = false;
        rw_err ext_err;
        rw_err_clear(&ext_err);
        if (secret_from_extension(cfg, secret_id, secret, &unreachable, &ext_err) == RW_OK) {
            log_debug("secret %s read through the Parameters and Secrets extension", secret_id);
            *from_extension = true;
            return RW_OK;
        }
        if (!unreachable) {
            *e = ext_err;
            return e->code;
        }
        log_debug("no Parameters and Secrets extension; calling Secrets Manager");
    }
    return secret_from_api(cfg, secret_id, secret, e);
}

int aws_secret_fetch(const rw_config *cfg, const char *secret_id, json_t **secret, rw_err *e)
{
    bool from_extension;
    return secret_fetch(cfg, secret_id, secret, &from_extension, e);
}

/* PostgreSQL's invalid_password (28P01) or MySQL's ER_ACCESS_DENIED_ERROR (1045). */
static bool login_refused(const rw_err *login)
{
    return strcmp(login->sqlstate, "28P01") == 0 || login->sql_errcode == 1045;
}

bool aws_secret_refresh_after_refusal(rw_config *cfg, const rw_err *login)
{
    const char *source = config_get(cfg, SECRET_SOURCE_KEY);
    const char *filled = config_get(cfg, SECRET_FILLED_KEY);
    /* A password from the configuration or an IAM token is not the extension's to fix. */
    if (!login_refused(login) || !source || strcmp(source, "extension") != 0 ||
        !filled || !strstr(filled, "password,") || config_get_bool(cfg, "awsIamAuth"))
        return false;
    /* Once only: whatever happens next, the secret no longer comes from the extension. */
    config_set_raw(cfg, SECRET_SOURCE_KEY, "api", CFG_SRC_CLI);
    char *id = xstrdup(config_get(cfg, "awsSecretId"));
    char *only = xstrdup(filled);
    log_warn("the database refused the credentials of secret %s from the Parameters and Secrets "
             "extension, which may still hold them from before a rotation; reading the secret "
             "from Secrets Manager and logging in once more", id);
    json_t *secret = NULL;
    rw_err e;
    rw_err_clear(&e);
    strbuf refilled = STRBUF_INIT;
    int ret = secret_from_api(cfg, id, &secret, &e);
    if (ret == RW_OK) ret = secret_fill(cfg, secret, id, only, &refilled, &e);
    if (ret != RW_OK) log_warn("%s", e.msg);
    json_decref(secret);
    sb_free(&refilled);
    free(only);
    free(id);
    return ret == RW_OK;
}

int aws_db_url_host_port(const char *url, char **host, int *port, rw_err *e)
{
    static const struct {
        const char *prefix;
        int port;
    } schemes[] = {
        {"jdbc:postgresql://", 5432}, {"postgresql://", 5432}, {"postgres://", 5432},
        {"jdbc:mysql://", 3306},      {"jdbc:mariadb://", 3306}, {"mysql://", 3306},
        {"mariadb://", 3306},
    };
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (!rw_starts_with(url, schemes[i].prefix)) continue;
        const char *p = url + strlen(schemes[i].prefix);
        size_t len = strcspn(p, "/?");
        const char *at = memchr(p, '@', len);
        if (at) {
            len -= (size_t)(at + 1 - p);
            p = at + 1;
        }
        const char *host_end;
        if (*p == '[') {
            host_end = memchr(p, ']', len);
            if (!host_end) break;
            *host = xstrndup(p + 1, (size_t)(host_end - p - 1));
            host_end++;
        } else {
            host_end = p;
            while (host_end < p + len && *host_end != ':') host_end++;
            *host = xstrndup(p, (size_t)(host_end - p));
        }
        *port = schemes[i].port;
        if (host_end < p + len && *host_end == ':') *port = atoi(host_end + 1);
        if (!**host || *port <= 0) {
            free(*host);
            break;
        }
        return RW_OK;
    }
    return rw_fail(e, RW_ERR_CONFIGURATION,
                   "awsIamAuth needs a PostgreSQL or MySQL url with a host "
                   "(jdbc:postgresql://host:port/db or jdbc:mysql://host:port/db)");
}

/* The user from config or, failing that, from the URL (user=... or user@). */
static char *iam_user(const rw_config *cfg, const char *url)
{
    const char *user = config_get(cfg, "user");
    if (user && *user) return xstrdup(user);
    const char *q = strchr(url, '?');
    for (const char *p = q; p; p = strpbrk(p + 1, "&;")) {
        if (strncasecmp(p + 1, "user=", 5) == 0) return xstrndup(p + 6, strcspn(p + 6, "&;"));
    }
    const char *auth = strstr(url, "://");
    if (!auth) return NULL;
    auth += 3;
    size_t len = strcspn(auth, "/?");
    const char *at = memchr(auth, '@', len);
    return at ? xstrndup(auth, strcspn(auth, ":@")) : NULL;
}

typedef struct prop_find {
    const char *name;
    char *value;
} prop_find;

static void prop_find_in_config(void *ud, const char *key, const char *value)
{
    prop_find *f = ud;
    if (!f->value && rw_str_ieq(key + strlen("jdbcProperties."), f->name))
        f->value = xstrdup(value ? value : "");
}

/* A connection property from jdbcProperties.<name> or the URL's query (names ignore case). */
static char *db_property(const rw_config *cfg, const char *url, const char *name)
{
    prop_find f = {name, NULL};
    config_each_prefix(cfg, "jdbcProperties.", prop_find_in_config, &f);
    if (f.value) return f.value;
    size_t n = strlen(name);
    for (const char *p = strchr(url, '?'); p; p = strpbrk(p + 1, "&;")) {
        const char *k = p + 1;
        if (strncasecmp(k, name, n) != 0) continue;
        if (k[n] == '=') return xstrndup(k + n + 1, strcspn(k + n + 1, "&;"));
        if (!k[n] || k[n] == '&' || k[n] == ';') return xstrdup(""); /* "?ssl" alone */
    }
    return NULL;
}

static bool in_ci(const char *v, const char *const *list)
{
    for (; *list; list++)
        if (rw_str_ieq(v, *list)) return true;
    return false;
}

/*
 * An IAM token is a password good for 15 minutes: it must only travel over
 * TLS.  A URL that leaves TLS optional gets the required mode (verify-full /
 * VERIFY_IDENTITY when a CA bundle is given); one that turns it off is an error.
 */
static int iam_require_tls(rw_config *cfg, const char *url, rw_err *e)
{
    bool pg = rw_starts_with(url, "jdbc:postgresql:") || rw_starts_with(url, "postgres");
    const char *key = pg ? "sslmode" : "sslMode";
    static const char *const pg_weak[] = {"disable", "allow", "prefer", NULL};
    static const char *const my_weak[] = {"DISABLED", "PREFERRED", "disable", NULL};
    char *mode = db_property(cfg, url, key);
    char *ssl = db_property(cfg, url, pg ? "ssl" : "useSSL");
    char *ca = db_property(cfg, url, pg ? "sslrootcert" : "serverSslCert");
    if (!ca && !pg) ca = db_property(cfg, url, "sslCa");
    int ret = RW_OK;
    if (mode && in_ci(mode, pg ? pg_weak : my_weak)) {
        ret = rw_fail(e, RW_ERR_CONFIGURATION,
                      "awsIamAuth: %s=%s would let the IAM token travel unencrypted; use %s "
                      "(with %s=<RDS CA bundle>) or drop %s",
                      key, mode, pg ? "sslmode=verify-full" : "sslMode=VERIFY_IDENTITY",
                      pg ? "sslrootcert" : "serverSslCert", key);
    } else if (!mode && ssl && rw_str_ieq(ssl, "false")) {
        ret = rw_fail(e, RW_ERR_CONFIGURATION,
                      "awsIamAuth: %s=false would send the IAM token unencrypted; RDS requires "
                      "TLS for IAM logins", pg ? "ssl" : "useSSL");
    } else if (!mode && !(pg && ssl)) {
        const char *want = pg ? (ca ? "verify-full" : "require") : (ca ? "VERIFY_IDENTITY" : "REQUIRED");
        char *prop = xasprintf("jdbcProperties.%s", key);
        config_set_raw(cfg, prop, want, CFG_SRC_ENV);
        log_debug("awsIamAuth: connecting with %s=%s", key, want);
        free(prop);
    }
    free(mode);
    free(ssl);
    free(ca);
    return ret;
}

int aws_iam_apply(rw_config *cfg, const aws_credentials *creds, const char *region, time_t when,
                  rw_err *e)
{
    const char *url = config_get(cfg, "url");
    if (!url || !*url)
        return rw_fail(e, RW_ERR_CONFIGURATION, "awsIamAuth needs a url (or awsSecretId with host)");
    char *host = NULL;
    int port = 0;
    if (aws_db_url_host_port(url, &host, &port, e) != RW_OK) return e->code;
    if (iam_require_tls(cfg, url, e) != RW_OK) {
        free(host);
        return e->code;
    }
    char *user = iam_user(cfg, url);
    if (!user) {
        free(host);
        return rw_fail(e, RW_ERR_CONFIGURATION, "awsIamAuth needs a database user: set user "
                       "(FLYWAY_USER) to the IAM-enabled database user");
    }
    char *token = sigv4_rds_auth_token(host, port, user, creds, region, when);
    config_set_raw(cfg, "password", token, CFG_SRC_ENV);
    log_debug("connecting as %s to %s:%d with an RDS IAM authentication token", user, host, port);
    OPENSSL_cleanse(token, strlen(token));
    free(token);
    free(user);
    free(host);
    return RW_OK;
}

static int iam_prepare(rw_config *cfg, rw_err *e)
{
    char *region = aws_region_from(cfg, e);
    if (!region) return e->code;
    aws_credentials creds;
    int ret = aws_credentials_load(&creds, e);
    if (ret == RW_OK) {
        ret = aws_iam_apply(cfg, &creds, region, aws_clock_now(), e);
        aws_credentials_free(&creds);
    }
    free(region);
    return ret;
}

int aws_prepare_config(rw_config *cfg, rw_err *e)
{
    const char *secret_id = config_get(cfg, "awsSecretId");
    if (secret_id && *secret_id) {
        json_t *secret = NULL;
        char *id = xstrdup(secret_id);
        bool from_extension = false;
        int ret = secret_fetch(cfg, id, &secret, &from_extension, e);
        if (ret == RW_OK) ret = aws_secret_apply(cfg, secret, id, e);
        if (ret == RW_OK)
            config_set_raw(cfg, SECRET_SOURCE_KEY, from_extension ? "extension" : "api",
                           CFG_SRC_CLI);
        json_decref(secret);
        free(id);
        if (ret != RW_OK) return ret;
    }
    if (config_get_bool(cfg, "awsIamAuth")) return iam_prepare(cfg, e);
    return RW_OK;
}
