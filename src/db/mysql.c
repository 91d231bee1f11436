/*
 * mysql.c - MySQL and MariaDB driver on MariaDB Connector/C (libmariadb).
 *
 * URLs: jdbc:mysql://host[:port][/db][?k=v&...], jdbc:mariadb://..., and
 * mysql://[user[:password]@]host[:port][/db][?k=v&...] (mariadb:// too).
 * Statements go over the text protocol, a migration's together as one
 * multi-statement query (my_run_steps); a DELIMITER block that is not
 * one statement goes alone, with multi-statements off.  '?' parameters are
 * escaped by the client library for the connection's character set
 * (utf8mb4).  MySQL cannot roll DDL back, so the driver says
 * ddl_transactions=false and the engine records a failed migration as
 * Flyway does.  The cross-process lock is Flyway's named lock,
 * so runway and Flyway exclude each other.
 */
#include "db/db.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <mysql.h>

#include "core/lazylib.h"
#include "core/log.h"

#define MYSQL_DEFAULT_PORT 3306
#define MYSQL_DEFAULT_CONNECT_TIMEOUT_S 30

struct db_conn {
    MYSQL *m;
    bool mariadb;
    char *home_db;      /* Flyway's default schema: migrations run with it selected, or NULL */
    long lock_attempts; /* GET_LOCK rounds before giving up; -1: forever (Flyway's way) */
    bool charset_dirty; /* a script statement may have changed the connection charset */
    bool db_dirty;      /* home_db may not be the selected database (USE, DROP, not yet made) */
    bool multi;         /* multi-statement queries are on (see my_set_multi) */
    char *id_db;        /* DATABASE() and the user, read together (see my_identity) */
    char *id_user;
    bool id_valid;      /* no statement ran and no database was selected since */
};

/* TLS modes, from weakest to strictest (Connector/J's sslMode names). */
typedef enum {
    MY_TLS_DISABLED,
    MY_TLS_PREFERRED,
    MY_TLS_REQUIRED,
    MY_TLS_VERIFY_CA,
    MY_TLS_VERIFY_IDENTITY,
} my_tls_mode;

/* Everything a connection needs, gathered from the URL, its parameters and the config. */
typedef struct my_target {
    strlist hosts;          /* host or host:port entries, tried in order */
    char *database;
    char *user;
    char *password;
    char *socket;
    char *ssl_ca;
    char *ssl_cert;
    char *ssl_key;
    my_tls_mode tls;
    bool tls_set;
    unsigned connect_timeout_s;
    unsigned read_timeout_s;
    unsigned write_timeout_s;
} my_target;

static void my_target_free(my_target *t)
{
    strlist_free(&t->hosts);
    free(t->database);
    free(t->user);
    free(t->password);
    free(t->socket);
    free(t->ssl_ca);
    free(t->ssl_cert);
    free(t->ssl_key);
    memset(t, 0, sizeof *t);
}

static const char *const my_url_prefixes[] = {"jdbc:mysql://", "jdbc:mariadb://", "mysql://",
                                              "mariadb://", NULL};

static bool my_handles_url(const char *url)
{
    for (const char *const *p = my_url_prefixes; *p; p++)
        if (rw_starts_with(url, *p))
            return true;
    return false;
}

/* ---------------------------------------------------------------- URL parsing */

static int my_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes %XX escapes (and '+' as a blank in query values). */
static char *my_percent_decode(const char *s, size_t n, bool plus_is_space)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && my_hex(s[i + 1]) >= 0 && my_hex(s[i + 2]) >= 0) {
            sb_addc(&sb, (char)(my_hex(s[i + 1]) * 16 + my_hex(s[i + 2])));
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            sb_addc(&sb, ' ');
        } else {
            sb_addc(&sb, s[i]);
        }
    }
    return sb_detach(&sb);
}

static void my_set(char **dst, char *value)
{
    free(*dst);
    *dst = value;
}

/* Parses a non-negative number of seconds; ms_input converts JDBC milliseconds. */
static int my_parse_seconds(const char *key, const char *value, bool ms_input, unsigned *out,
                            rw_err *e)
{
    char *end;
    errno = 0;
    long v = strtol(value, &end, 10);
    if (errno || end == value || *end || v < 0)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid value '%s' for %s: expected a whole number of %s", value, key,
                       ms_input ? "milliseconds" : "seconds");
    if (ms_input)
        v = (v + 999) / 1000;
    *out = v > INT_MAX ? INT_MAX : (unsigned)v;
    return RW_OK;
}

static int my_parse_bool(const char *key, const char *value, bool *out, rw_err *e)
{
    if (rw_parse_bool(value, out) != 0)
        return rw_fail(e, RW_ERR_CONFIGURATION, "Invalid value '%s' for %s: expected true or false",
                       value, key);
    return RW_OK;
}

/* Maps Connector/J (DISABLED...VERIFY_IDENTITY) and MariaDB Connector/J (disable, trust, verify-ca, verify-full) names. */
static int my_parse_ssl_mode(const char *value, my_tls_mode *out, rw_err *e)
{
    static const struct {
        const char *name;
        my_tls_mode mode;
    } modes[] = {
        {"DISABLED", MY_TLS_DISABLED},       {"DISABLE", MY_TLS_DISABLED},
        {"PREFERRED", MY_TLS_PREFERRED},     {"REQUIRED", MY_TLS_REQUIRED},
        {"TRUST", MY_TLS_REQUIRED},          {"VERIFY_CA", MY_TLS_VERIFY_CA},
        {"VERIFY-CA", MY_TLS_VERIFY_CA},     {"VERIFY_IDENTITY", MY_TLS_VERIFY_IDENTITY},
        {"VERIFY-FULL", MY_TLS_VERIFY_IDENTITY},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (rw_str_ieq(value, modes[i].name)) {
            *out = modes[i].mode;
            return RW_OK;
        }
    return rw_fail(e, RW_ERR_CONFIGURATION,
                   "Invalid sslMode '%s': use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                   "VERIFY_IDENTITY",
                   value);
}

/*
 * Applies one connection property (a URL query parameter or a
 * jdbcProperties.* key).  Properties of Java drivers that have no meaning
 * here are accepted and ignored, so pasted JDBC URLs keep working.
 */
static int my_apply_property(my_target *t, const char *key, const char *value, rw_err *e)
{
    bool b;
    if (rw_str_ieq(key, "user"))
        my_set(&t->user, xstrdup(value));
    else if (rw_str_ieq(key, "password"))
        my_set(&t->password, xstrdup(value));
    else if (rw_str_ieq(key, "sslMode")) {
        if (my_parse_ssl_mode(value, &t->tls, e) != RW_OK)
            return e->code;
        t->tls_set = true;
    } else if (rw_str_ieq(key, "useSSL") || rw_str_ieq(key, "useSsl") || rw_str_ieq(key, "ssl")) {
        if (my_parse_bool(key, value, &b, e) != RW_OK)
            return e->code;
        if (!b || !t->tls_set || t->tls == MY_TLS_DISABLED)
            t->tls = b ? MY_TLS_PREFERRED : MY_TLS_DISABLED;
        t->tls_set = true;
    } else if (rw_str_ieq(key, "requireSSL")) {
        if (my_parse_bool(key, value, &b, e) != RW_OK)
            return e->code;
        if (b && t->tls < MY_TLS_REQUIRED) {
            t->tls = MY_TLS_REQUIRED;
            t->tls_set = true;
        }
    } else if (rw_str_ieq(key, "verifyServerCertificate")) {
        if (my_parse_bool(key, value, &b, e) != RW_OK)
            return e->code;
        if (b && t->tls < MY_TLS_VERIFY_CA) {
            t->tls = MY_TLS_VERIFY_CA;
            t->tls_set = true;
        }
    } else if (rw_str_ieq(key, "serverSslCert") || rw_str_ieq(key, "sslCa") ||
               rw_str_ieq(key, "sslrootcert")) {
        my_set(&t->ssl_ca, xstrdup(rw_starts_with(value, "file:") ? value + 5 : value));
    } else if (rw_str_ieq(key, "sslCert")) {
        my_set(&t->ssl_cert, xstrdup(value));
    } else if (rw_str_ieq(key, "sslKey")) {
        my_set(&t->ssl_key, xstrdup(value));
    } else if (rw_str_ieq(key, "localSocket") || rw_str_ieq(key, "socket")) {
        my_set(&t->socket, xstrdup(value));
    } else if (rw_str_ieq(key, "connectTimeout")) {
        return my_parse_seconds(key, value, true, &t->connect_timeout_s, e);
    } else if (rw_str_ieq(key, "socketTimeout")) {
        if (my_parse_seconds(key, value, true, &t->read_timeout_s, e) != RW_OK)
            return e->code;
        t->write_timeout_s = t->read_timeout_s;
    } else {
        /* allowPublicKeyRetrieval, characterEncoding, serverTimezone, permitMysqlScheme, ... */
        log_debug("MySQL connection property %s is not used by runway", key);
    }
    return RW_OK;
}

/* Parses "k=v&k2=v2" (values percent-decoded) into t. */
static int my_parse_query(my_target *t, const char *q, rw_err *e)
{
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        if (n > 0) {
            char *key = my_percent_decode(q, eq ? (size_t)(eq - q) : n, false);
            char *value = eq ? my_percent_decode(eq + 1, n - (size_t)(eq - q) - 1, true)
                             : xstrdup("true");
            int rc = my_apply_property(t, key, value, e);
            free(key);
            free(value);
            if (rc != RW_OK)
                return rc;
        }
        q += n + (amp ? 1 : 0);
    }
    return RW_OK;
}

/*
 * Splits url (one of my_url_prefixes) into hosts, database, credentials and
 * parameters.  The authority may carry user[:password]@ and a comma-separated
 * host list (Connector/J failover form); IPv6 hosts are written [::1]:3306.
 */
static int my_parse_url(const char *url, my_target *t, rw_err *e)
{
    const char *p = strstr(url, "://") + 3;
    const char *auth_end = p + strcspn(p, "/?");
    const char *at = NULL;
    for (const char *q = p; q < auth_end; q++)
        if (*q == '@')
            at = q;
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        my_set(&t->user, my_percent_decode(p, colon ? (size_t)(colon - p) : (size_t)(at - p), false));
        if (colon)
            my_set(&t->password, my_percent_decode(colon + 1, (size_t)(at - colon - 1), false));
        p = at + 1;
    }
    char *hosts = xstrndup(p, (size_t)(auth_end - p));
    strlist_split(&t->hosts, hosts, ',');
    free(hosts);

    p = auth_end;
    if (*p == '/') {
        p++;
        size_t n = strcspn(p, "?");
        if (n > 0)
            my_set(&t->database, my_percent_decode(p, n, false));
        p += n;
    }
    if (*p == '?')
        return my_parse_query(t, p + 1, e);
    return RW_OK;
}

/* Splits "host", "host:port" or "[v6]:port"; host is malloc'd. */
static int my_split_host(const char *entry, char **host, unsigned *port, rw_err *e)
{
    const char *colon;
    *port = MYSQL_DEFAULT_PORT;
    if (entry[0] == '[') {
        const char *close = strchr(entry, ']');
        if (!close)
            return rw_fail(e, RW_ERR_CONFIGURATION, "Invalid host '%s' in the MySQL URL", entry);
        *host = xstrndup(entry + 1, (size_t)(close - entry - 1));
        colon = close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = strrchr(entry, ':');
        *host = colon ? xstrndup(entry, (size_t)(colon - entry)) : xstrdup(entry);
    }
    if (colon) {
        char *end;
        long v = strtol(colon + 1, &end, 10);
        if (*end || v <= 0 || v > 65535) {
            free(*host);
            *host = NULL;
            return rw_fail(e, RW_ERR_CONFIGURATION, "Invalid port in '%s' in the MySQL URL",
                           entry);
        }
        *port = (unsigned)v;
    }
    return RW_OK;
}

typedef struct my_prop_ctx {
    my_target *t;
    rw_err *e;
    int rc;
} my_prop_ctx;

static void my_apply_jdbc_property(void *ud, const char *key, const char *value)
{
    my_prop_ctx *ctx = ud;
    if (ctx->rc == RW_OK)
        ctx->rc = my_apply_property(ctx->t, key + strlen("jdbcProperties."), value, ctx->e);
}

/* Builds the connection target: URL first, then jdbcProperties.*, then user/password keys. */
static int my_target_from_config(const rw_config *cfg, my_target *t, rw_err *e)
{
    memset(t, 0, sizeof *t);
    t->tls = MY_TLS_PREFERRED;
    t->connect_timeout_s = MYSQL_DEFAULT_CONNECT_TIMEOUT_S;
    if (my_parse_url(config_get(cfg, "url"), t, e) != RW_OK)
        return e->code;
    my_prop_ctx ctx = {t, e, RW_OK};
    config_each_prefix(cfg, "jdbcProperties.", my_apply_jdbc_property, &ctx);
    if (ctx.rc != RW_OK)
        return ctx.rc;
    const char *user = config_get(cfg, "user");
    const char *password = config_get(cfg, "password");
    if (user && *user)
        my_set(&t->user, xstrdup(user));
    if (password && *password)
        my_set(&t->password, xstrdup(password));
    if (t->hosts.len == 0 && !t->socket)
        strlist_push(&t->hosts, "localhost");
    return RW_OK;
}

/* ---------------------------------------------------------------- errors */

/* Fills e from the connection's last error (message, SQLSTATE, vendor code). */
static int my_fail_from(MYSQL *m, rw_code code, rw_err *e)
{
    rw_fail(e, code, "%s", mysql_error(m));
    snprintf(e->sqlstate, sizeof e->sqlstate, "%s", mysql_sqlstate(m));
    e->sql_errcode = (int)mysql_errno(m);
    return code;
}

/* ---------------------------------------------------------------- connecting */

/*
 * Asks for TLS unless disabled.  libmariadb falls back to a plain connection
 * when the server has no TLS and certificates are not verified, so
 * REQUIRED is checked after connecting (my_check_tls).
 */
static void my_apply_tls(MYSQL *m, const my_target *t)
{
    if (t->tls == MY_TLS_DISABLED)
        return;
    mysql_ssl_set(m, t->ssl_key, t->ssl_cert, t->ssl_ca, NULL, NULL);
    my_bool verify = t->tls >= MY_TLS_VERIFY_CA;
    mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    /* Refuse a server without TLS before the password (an IAM token, say) is sent. */
    my_bool enforce = t->tls >= MY_TLS_REQUIRED;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &enforce);
}

static int my_check_tls(MYSQL *m, const my_target *t, rw_err *e)
{
    if (t->tls >= MY_TLS_REQUIRED && !mysql_get_ssl_cipher(m))
        return rw_fail(e, RW_ERR_DB_CONNECTION,
                       "the server does not support TLS but sslMode requires it (use "
                       "sslMode=PREFERRED or DISABLED, or enable TLS on the server)");
    return RW_OK;
}

/*
 * libmariadb loads the authentication plugins a MySQL 8 (caching_sha2_password)
 * or MariaDB ed25519 login needs from the folder it was built with, which
 * only a Debian install has.  The Lambda zip carries them in lib/plugin
 * beside bootstrap: point libmariadb there when that folder exists, unless
 * MARIADB_PLUGIN_DIR (which libmariadb reads itself) says otherwise.
 */
static void my_set_plugin_dir(MYSQL *m)
{
    const char *env = getenv("MARIADB_PLUGIN_DIR");
    if (env && *env)
        return;
    char dir[PATH_MAX];
    if (!rw_executable_dir(dir, sizeof dir - sizeof "/lib/plugin"))
        return;
    strcat(dir, "/lib/plugin");
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        mysql_optionsv(m, MYSQL_PLUGIN_DIR, dir);
}

/* One connection attempt to one host; on failure fills e and returns NULL. */
static MYSQL *my_connect_once(const my_target *t, const char *host_entry, rw_err *e)
{
    MYSQL *m = mysql_init(NULL);
    if (!m) {
        rw_fail(e, RW_ERR_DB_CONNECTION, "%s",
                lazy_failure() ? lazy_failure() : "Out of memory creating a MySQL connection");
        return NULL;
    }
    unsigned timeout = t->connect_timeout_s;
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (t->read_timeout_s)
        mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &t->read_timeout_s);
    if (t->write_timeout_s)
        mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &t->write_timeout_s);
    my_bool off = 0;
    mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &off);
    /* Like JDBC, a host name always means TCP; a socket is used only when asked for. */
    enum mysql_protocol_type proto = t->socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
    mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &proto);
    my_set_plugin_dir(m);
    my_apply_tls(m, t);

    char *host = NULL;
    unsigned port = MYSQL_DEFAULT_PORT;
    if (host_entry && my_split_host(host_entry, &host, &port, e) != RW_OK) {
        mysql_close(m);
        return NULL;
    }
    MYSQL *ok = mysql_real_connect(m, t->socket ? "localhost" : host, t->user ? t->user : "",
                                   t->password, t->database, port, t->socket,
                                   CLIENT_MULTI_RESULTS | CLIENT_MULTI_STATEMENTS);
    free(host);
    if (!ok) {
        my_fail_from(m, RW_ERR_DB_CONNECTION, e);
        mysql_close(m);
        return NULL;
    }
    if (my_check_tls(m, t, e) != RW_OK) {
        mysql_close(m);
        return NULL;
    }
    return m;
}

int db_mysql_describe_url(const rw_config *cfg, strbuf *out, rw_err *e)
{
    if (!my_handles_url(config_get(cfg, "url")))
        return rw_fail(e, RW_ERR_CONFIGURATION, "Not a MySQL URL");
    my_target t;
    int rc = my_target_from_config(cfg, &t, e);
    for (size_t i = 0; rc == RW_OK && i < t.hosts.len; i++) {
        char *host = NULL;
        unsigned port;
        rc = my_split_host(t.hosts.items[i], &host, &port, e);
        if (rc == RW_OK)
            sb_addf(out, "host=%s\nport=%u\n", host, port);
        free(host);
    }
    if (rc == RW_OK) {
        sb_addf(out, "database=%s\nuser=%s\npassword=%s\nsocket=%s\ntls=%d\n",
                t.database ? t.database : "", t.user ? t.user : "",
                t.password ? t.password : "", t.socket ? t.socket : "", (int)t.tls);
        sb_addf(out, "connectTimeout=%u\nreadTimeout=%u\nwriteTimeout=%u\n",
                t.connect_timeout_s, t.read_timeout_s, t.write_timeout_s);
    }
    my_target_free(&t);
    return rc;
}

/*
 * Tries every host in turn; when all fail, retries connectRetries times,
 * waiting 1, 2, 4, ... seconds, at most connectRetriesInterval (Flyway's
 * back-off).
 */
static MYSQL *my_connect_with_retries(const rw_config *cfg, const my_target *t, rw_err *e)
{
    const char *retries_s = config_get(cfg, "connectRetries");
    const char *interval_s = config_get(cfg, "connectRetriesInterval");
    long retries = retries_s ? strtol(retries_s, NULL, 10) : 0;
    long max_interval = interval_s ? strtol(interval_s, NULL, 10) : 120;
    if (max_interval < 1)
        max_interval = 1;
    long wait = 1;
    for (long attempt = 0;; attempt++) {
        size_t n = t->hosts.len ? t->hosts.len : 1;
        for (size_t i = 0; i < n; i++) {
            MYSQL *m = my_connect_once(t, t->hosts.len ? t->hosts.items[i] : NULL, e);
            if (m)
                return m;
            if (e->code == RW_ERR_CONFIGURATION)
                return NULL;
        }
        if (attempt >= retries)
            return NULL;
        log_warn("Connection error: %s (retrying in %ld sec, attempt %ld of %ld)", e->msg, wait,
                 attempt + 1, retries);
        if (db_connect_wait_ms(wait * 1000, e->msg, e) != RW_OK)
            return NULL;
        wait = wait * 2 > max_interval ? max_interval : wait * 2;
    }
}

/* Runs sql and throws away any result sets (including those of CALL). */
static int my_run(db_conn *c, const char *sql, size_t len, rw_err *e)
{
    if (mysql_real_query(c->m, sql, (unsigned long)len) != 0)
        return my_fail_from(c->m, RW_ERR_SQL, e);
    for (;;) {
        MYSQL_RES *res = mysql_store_result(c->m);
        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(c->m) != 0)
            return my_fail_from(c->m, RW_ERR_SQL, e);
        int more = mysql_next_result(c->m);
        if (more > 0)
            return my_fail_from(c->m, RW_ERR_SQL, e);
        if (more < 0)
            return RW_OK;
    }
}

static void my_close_conn(db_conn *c)
{
    if (!c)
        return;
    if (c->m)
        mysql_close(c->m);
    free(c->home_db);
    free(c->id_db);
    free(c->id_user);
    free(c);
}

/*
 * The database migrations run in, as Flyway picks its default schema:
 * defaultSchema, else the first of schemas, else the URL's database.
 */
static char *my_home_database(const rw_config *cfg, const char *url_db)
{
    const char *ds = config_get(cfg, "defaultSchema");
    if (ds && *ds)
        return xstrdup(ds);
    strlist schemas = {0};
    config_get_list(cfg, "schemas", &schemas);
    char *home = schemas.len > 0 ? xstrdup(schemas.items[0]) : url_db ? xstrdup(url_db) : NULL;
    strlist_free(&schemas);
    return home;
}

static int my_connect(const rw_config *cfg, db_conn **out, rw_err *e)
{
    *out = NULL;
    my_target t;
    if (my_target_from_config(cfg, &t, e) != RW_OK) {
        my_target_free(&t);
        return e->code;
    }
    MYSQL *m = my_connect_with_retries(cfg, &t, e);
    if (!m) {
        if (e->code == RW_ERR_DB_CONNECTION) {
            char *safe = config_redact_url(config_get(cfg, "url"));
            rw_err_prefix(e, "Unable to obtain connection from database (%s) for user '%s': ", safe,
                          t.user ? t.user : "");
            free(safe);
        }
        my_target_free(&t);
        return e->code;
    }
    db_conn *c = xcalloc(1, sizeof *c);
    c->m = m;
    c->mariadb = strstr(mysql_get_server_info(m), "MariaDB") != NULL;
    c->multi = true; /* CLIENT_MULTI_STATEMENTS */
    c->home_db = my_home_database(cfg, t.database);
    /* It may not exist yet: begin() tries again. */
    c->db_dirty = c->home_db && mysql_select_db(c->m, c->home_db) != 0;
    /* Flyway waits for the MySQL lock forever; an explicit lockRetryCount bounds the wait. */
    const char *retries = config_is_set(cfg, "lockRetryCount") ? config_get(cfg, "lockRetryCount")
                                                                : NULL;
    c->lock_attempts = retries ? strtol(retries, NULL, 10) : -1;
    my_target_free(&t);

    const char *init_sql = config_get(cfg, "initSql");
    if (init_sql && *init_sql && my_run(c, init_sql, strlen(init_sql), e) != RW_OK) {
        rw_err_prefix(e, "initSql failed: ");
        my_close_conn(c);
        return e->code;
    }
    *out = c;
    return RW_OK;
}

/* ---------------------------------------------------------------- queries */

/* True when sql might change the connection character set (SET NAMES, SET CHARACTER SET, ...). */
static bool my_may_change_charset(const char *sql)
{
    return strcasestr(sql, "NAMES") || strcasestr(sql, "CHARACTER") ||
           strcasestr(sql, "CHARSET") || strcasestr(sql, "character_set_");
}

/*
 * A script's SET NAMES latin1 applies to the rest of that script, as with
 * the mysql client, but not to runway's own history queries nor to the next
 * script: those get utf8mb4 back first.
 */
static int my_restore_charset(db_conn *c, rw_err *e)
{
    if (!c->charset_dirty)
        return RW_OK;
    c->charset_dirty = false;
    if (mysql_set_character_set(c->m, "utf8mb4") != 0)
        return my_fail_from(c->m, RW_ERR_SQL, e);
    return RW_OK;
}

/* Appends s as a quoted SQL string literal, escaped for the connection's charset. */
static void my_add_literal(db_conn *c, strbuf *sb, const char *s)
{
    size_t n = strlen(s);
    sb_grow(sb, 2 * n + 3);
    sb->buf[sb->len++] = '\'';
    sb->len += mysql_real_escape_string(c->m, sb->buf + sb->len, s, (unsigned long)n);
    sb->buf[sb->len++] = '\'';
    sb->buf[sb->len] = '\0';
}

/*
 * Replaces each '?' outside quotes and comments with its escaped parameter;
 * the engine's queries are simple, so quotes and backticks are all that can
 * hide a '?'.
 */
static int my_bind(db_conn *c, const char *sql, const char *const *params, int nparams,
                   strbuf *out, rw_err *e)
{
    int used = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == '\\' && quote != '`' && p[1]) {
                sb_add(out, p, 2);
                p++;
                continue;
            }
            if (*p == quote)
                quote = 0;
            sb_addc(out, *p);
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
            sb_addc(out, *p);
        } else if (*p == '?') {
            if (used >= nparams)
                return rw_fail(e, RW_ERROR, "Query has more '?' than the %d parameters given: %s",
                               nparams, sql);
            if (params[used])
                my_add_literal(c, out, params[used]);
            else
                sb_adds(out, "NULL");
            used++;
        } else {
            sb_addc(out, *p);
        }
    }
    if (used != nparams)
        return rw_fail(e, RW_ERROR, "Query has %d '?' but %d parameters were given: %s", used,
                       nparams, sql);
    return RW_OK;
}

/*
 * Sends sql and hands every row of every result set to fn.  Rows are read
 * unbuffered, one at a time, so a long history is not held twice (once by
 * the client library, once by the caller).
 */
static int my_query_rows(db_conn *c, const char *sql, size_t len, db_row_fn fn, void *ud, rw_err *e)
{
    if (mysql_real_query(c->m, sql, (unsigned long)len) != 0)
        return my_fail_from(c->m, RW_ERR_SQL, e);
    int rc = RW_OK;
    for (;;) {
        MYSQL_RES *res = mysql_use_result(c->m);
        if (res) {
            int ncols = (int)mysql_num_fields(res);
            MYSQL_ROW row;
            while (rc == RW_OK && (row = mysql_fetch_row(res)) != NULL)
                if (fn && fn(ud, ncols, (const char *const *)row, e) != 0)
                    rc = e->code != RW_OK ? e->code : RW_ERROR;
            /* A NULL row is the end, or a read error the connection reports. */
            if (rc == RW_OK && mysql_errno(c->m) != 0)
                rc = my_fail_from(c->m, RW_ERR_SQL, e);
            mysql_free_result(res); /* reads and drops any rows left */
        } else if (mysql_field_count(c->m) != 0) {
            return my_fail_from(c->m, RW_ERR_SQL, e);
        }
        int more = mysql_next_result(c->m);
        if (more > 0)
            return rc != RW_OK ? rc : my_fail_from(c->m, RW_ERR_SQL, e);
        if (more < 0)
            return rc;
    }
}

static int my_query(db_conn *c, const char *sql, const char *const *params, int nparams,
                       db_row_fn fn, void *ud, rw_err *e)
{
    if (my_restore_charset(c, e) != RW_OK)
        return e->code;
    strbuf bound = STRBUF_INIT;
    int rc = my_bind(c, sql, params, nparams, &bound, e);
    if (rc == RW_OK)
        rc = my_query_rows(c, bound.buf ? bound.buf : "", bound.len, fn, ud, e);
    sb_free(&bound);
    return rc;
}

/* Row callback storing the first column of the first row (NULL stays empty). */
static int my_first_value(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    strbuf *out = ud;
    if (ncols > 0 && vals[0] && out->len == 0)
        sb_adds(out, vals[0]);
    return 0;
}

static int my_scalar(db_conn *c, const char *sql, const char *const *params, int nparams,
                     strbuf *out, rw_err *e)
{
    sb_reset(out);
    return my_query(c, sql, params, nparams, my_first_value, out, e);
}

/*
 * Whether a statement can change or remove the selected database: USE, or
 * anything naming a DATABASE or SCHEMA (DROP DATABASE, ...).  USE is not
 * allowed inside stored programs or prepared statements, so the text of
 * the script is enough.  A false alarm costs one round trip.
 */
static bool my_may_change_database(const char *sql)
{
    return (strncasecmp(sql, "USE", 3) == 0 && (sql[3] == '\0' || isspace((unsigned char)sql[3]) ||
                                                sql[3] == '`')) ||
           strcasestr(sql, "DATABASE") || strcasestr(sql, "SCHEMA");
}

/*
 * Turns multi-statement queries on or off, a round trip when it changes.
 * A statement holding a ';' (a DELIMITER block) runs with them off: the
 * server then rejects a block of two statements as the one statement it
 * was sent as, instead of running both.  Batches need them on.
 */
static int my_set_multi(db_conn *c, bool on, rw_err *e)
{
    if (c->multi == on)
        return RW_OK;
    if (mysql_set_server_option(c->m, on ? MYSQL_OPTION_MULTI_STATEMENTS_ON
                                         : MYSQL_OPTION_MULTI_STATEMENTS_OFF) != 0)
        return my_fail_from(c->m, RW_ERR_SQL, e);
    c->multi = on;
    return RW_OK;
}

/*
 * Whether a statement must be sent with multi-statement queries off: one
 * holding a ';' that is not one statement to the server (a DELIMITER block
 * of two statements), which Flyway's driver has the server reject.
 */
static bool my_needs_multi_off(const sql_statement *st)
{
    return memchr(st->sql, ';', st->len) && !sql_mysql_is_one_statement(st->sql, st->len);
}

static int my_exec(db_conn *c, const sql_statement *st, rw_err *e)
{
    c->id_valid = false;
    if (my_may_change_charset(st->sql))
        c->charset_dirty = true;
    if (my_may_change_database(st->sql))
        c->db_dirty = true;
    if (my_needs_multi_off(st) && my_set_multi(c, false, e) != RW_OK)
        return e->code;
    return my_run(c, st->sql, st->len, e);
}

/*
 * Flyway selects its default schema (setCatalog) before each migration, so
 * unqualified names land there and a `USE other` in one script does not
 * leak into the next.
 */
static int my_begin(db_conn *c, rw_err *e)
{
    if (my_restore_charset(c, e) != RW_OK)
        return e->code;
    /* Only when a script may have moved away from it (or dropped it): a round trip each. */
    if (c->home_db && c->db_dirty) {
        c->db_dirty = mysql_select_db(c->m, c->home_db) != 0;
        c->id_valid = false;
    }
    return my_run(c, "START TRANSACTION", strlen("START TRANSACTION"), e);
}

/*
 * A script may have run SET autocommit=0; the next step must not inherit
 * it.  The server reports the mode with every reply, so switching it back
 * costs a round trip only when it is off.
 */
static int my_finish(db_conn *c, const char *sql, rw_err *e)
{
    int rc = my_run(c, sql, strlen(sql), e);
    if (rc == RW_OK && !(c->m->server_status & SERVER_STATUS_AUTOCOMMIT) &&
        mysql_autocommit(c->m, 1) != 0)
        rc = my_fail_from(c->m, RW_ERR_SQL, e);
    return rc;
}

static int my_commit(db_conn *c, rw_err *e) { return my_finish(c, "COMMIT", e); }

static int my_rollback(db_conn *c, rw_err *e) { return my_finish(c, "ROLLBACK", e); }

/* ---------------------------------------------------------------- batches */

/* One step through the single calls, as db_run_steps() runs it without a batch. */
static int my_run_step(db_conn *c, const db_step *step, rw_err *e)
{
    switch (step->kind) {
    case DB_STEP_BEGIN:
        return my_begin(c, e);
    case DB_STEP_COMMIT:
        return my_commit(c, e);
    case DB_STEP_SCRIPT:
        return my_exec(c, step->st, e);
    case DB_STEP_SQL:
        return my_query(c, step->sql, step->params, step->nparams, NULL, NULL, e);
    }
    return rw_fail(e, RW_ERROR, "unknown batch step %d", (int)step->kind);
}

/* Whether sql starts with word (after blanks and comments), as a whole word. */
static bool my_starts_with_word(const char *sql, const char *word)
{
    for (;;) {
        while (isspace((unsigned char)*sql))
            sql++;
        if (sql[0] == '#' || (sql[0] == '-' && sql[1] == '-' && isspace((unsigned char)sql[2])))
            sql += strcspn(sql, "\n");
        else if (sql[0] == '/' && sql[1] == '*' && sql[2] != '!' && strstr(sql + 2, "*/"))
            sql = strstr(sql + 2, "*/") + 2;
        else
            break;
    }
    size_t n = strlen(word);
    return strncasecmp(sql, word, n) == 0 && !isalnum((unsigned char)sql[n]) && sql[n] != '_';
}

/*
 * Whether a statement must go alone: one that needs multi-statements off
 * (above), and CALL or EXECUTE, which may answer with any number of
 * results, so that the results of a batch could no longer be matched to
 * its statements.  A stored program whose ';' are inside its body is one
 * statement to the server and may share a batch.
 */
static bool my_step_runs_alone(const db_step *step)
{
    if (step->kind != DB_STEP_SCRIPT)
        return false;
    const sql_statement *st = step->st;
    return !st->transactional || my_needs_multi_off(st) ||
           my_starts_with_word(st->sql, "CALL") || my_starts_with_word(st->sql, "EXECUTE");
}

/*
 * Where the next batch ends: before a step that must run alone, and before
 * a step that needs the connection put back first (utf8mb4 for runway's
 * own SQL, the home database and utf8mb4 for BEGIN) once an earlier
 * statement may have changed it.
 */
static size_t my_batch_end(const db_conn *c, const db_step *steps, size_t from, size_t n)
{
    bool charset = c->charset_dirty, db = c->db_dirty;
    size_t i = from;
    for (; i < n && !my_step_runs_alone(&steps[i]); i++) {
        bool needs_restore = steps[i].kind == DB_STEP_SQL    ? charset
                             : steps[i].kind == DB_STEP_BEGIN ? charset || (db && c->home_db)
                                                              : false;
        if (needs_restore && i > from)
            break;
        if (steps[i].kind == DB_STEP_SCRIPT) {
            charset |= my_may_change_charset(steps[i].st->sql);
            db |= my_may_change_database(steps[i].st->sql);
        }
    }
    return i;
}

/* Appends one step's SQL to a multi-statement query. */
static int my_add_step(db_conn *c, const db_step *step, strbuf *q, rw_err *e)
{
    if (q->len)
        sb_adds(q, "\n;"); /* on a line of its own: the statement may end in a -- comment */
    switch (step->kind) {
    case DB_STEP_BEGIN:
        sb_adds(q, "START TRANSACTION");
        return RW_OK;
    case DB_STEP_COMMIT:
        sb_adds(q, "COMMIT");
        return RW_OK;
    case DB_STEP_SCRIPT:
        c->id_valid = false;
        if (my_may_change_charset(step->st->sql))
            c->charset_dirty = true;
        if (my_may_change_database(step->st->sql))
            c->db_dirty = true;
        sb_add(q, step->st->sql, step->st->len);
        return RW_OK;
    case DB_STEP_SQL:
        return my_bind(c, step->sql, step->params, step->nparams, q, e);
    }
    return rw_fail(e, RW_ERROR, "unknown batch step %d", (int)step->kind);
}

/*
 * Sends steps as one multi-statement query: one round trip.  The server
 * answers each statement with one result and stops at the first error,
 * which mysql_next_result() reports in place of that statement's result,
 * so the failing step is known exactly.
 */
static int my_batch(db_conn *c, const db_step *steps, size_t n, size_t *done, rw_err *e)
{
    *done = 0;
    if (steps[0].kind == DB_STEP_BEGIN && c->home_db && c->db_dirty) {
        c->db_dirty = mysql_select_db(c->m, c->home_db) != 0;
        c->id_valid = false;
    }
    if ((steps[0].kind == DB_STEP_BEGIN || steps[0].kind == DB_STEP_SQL) &&
        my_restore_charset(c, e) != RW_OK)
        return e->code;
    if (my_set_multi(c, true, e) != RW_OK)
        return e->code;
    strbuf q = STRBUF_INIT;
    int rc = RW_OK;
    for (size_t i = 0; i < n && rc == RW_OK; i++)
        rc = my_add_step(c, &steps[i], &q, e);
    if (rc == RW_OK && mysql_real_query(c->m, sb_str(&q), (unsigned long)q.len) != 0)
        rc = my_fail_from(c->m, RW_ERR_SQL, e);
    sb_free(&q);
    for (size_t i = 0; rc == RW_OK; i++) {
        MYSQL_RES *res = mysql_store_result(c->m);
        if (res)
            mysql_free_result(res);
        else if (mysql_field_count(c->m) != 0)
            rc = my_fail_from(c->m, RW_ERR_SQL, e);
        if (rc != RW_OK)
            break;
        *done = i + 1 < n ? i + 1 : n;
        int more = mysql_next_result(c->m);
        if (more > 0)
            rc = my_fail_from(c->m, RW_ERR_SQL, e);
        if (more != 0)
            break;
    }
    /* A COMMIT that ran: a script's SET autocommit=0 must not outlive it (see my_finish). */
    bool committed = false;
    for (size_t i = 0; i < *done; i++)
        committed |= steps[i].kind == DB_STEP_COMMIT;
    if (rc == RW_OK && committed && !(c->m->server_status & SERVER_STATUS_AUTOCOMMIT) &&
        mysql_autocommit(c->m, 1) != 0)
        rc = my_fail_from(c->m, RW_ERR_SQL, e);
    if (rc == RW_OK && *done < n)
        rc = rw_fail(e, RW_ERR_SQL, "MySQL answered %zu of %zu statements sent together", *done, n);
    return rc;
}

/*
 * A migration's BEGIN, first history row and statements, or its history
 * update and COMMIT, as one multi-statement query: one round trip where
 * one statement at a time took one each.  Steps that must run alone run
 * between batches, one at a time.
 */
static int my_run_steps(db_conn *c, const db_step *steps, size_t n, size_t *done, rw_err *e)
{
    *done = 0;
    size_t i = 0;
    while (i < n) {
        size_t end = my_batch_end(c, steps, i, n);
        if (end <= i + 1) {
            int rc = my_run_step(c, &steps[i], e);
            if (rc != RW_OK)
                return rc;
            *done = ++i;
            continue;
        }
        size_t ran = 0;
        int rc = my_batch(c, steps + i, end - i, &ran, e);
        *done = i + ran;
        if (rc != RW_OK)
            return rc;
        i = end;
    }
    return RW_OK;
}

/* ---------------------------------------------------------------- metadata */

static int my_server_version(db_conn *c, strbuf *out, rw_err *e)
{
    (void)e;
    const char *info = mysql_get_server_info(c->m);
    /* MariaDB 10 may announce itself as "5.5.5-10.11.6-MariaDB" to old clients. */
    if (rw_starts_with(info, "5.5.5-"))
        info += 6;
    /* Flyway prints major.minor: "MariaDB 10.11", "MySQL 8.0". */
    size_t n = strspn(info, "0123456789.");
    const char *dot = memchr(info, '.', n);
    const char *dot2 = dot ? memchr(dot + 1, '.', n - (size_t)(dot + 1 - info)) : NULL;
    if (dot2)
        n = (size_t)(dot2 - info);
    sb_reset(out);
    sb_addf(out, "%s %.*s", c->mariadb ? "MariaDB" : "MySQL", (int)n, info);
    return RW_OK;
}

/* Row callback keeping DATABASE() and the user (NULL as empty). */
static int my_identity_row(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    db_conn *c = ud;
    if (ncols < 2)
        return 0;
    free(c->id_db);
    free(c->id_user);
    c->id_db = xstrdup(vals[0] ? vals[0] : "");
    c->id_user = xstrdup(vals[1] ? vals[1] : "");
    c->id_valid = true;
    return 0;
}

/*
 * A session asks for the schema, the user and the database right after
 * connecting: one query answers all three, until a statement runs or
 * another database is selected.
 */
static int my_identity(db_conn *c, rw_err *e)
{
    if (c->id_valid)
        return RW_OK;
    int rc = my_query(c, "SELECT DATABASE(), SUBSTRING_INDEX(USER(),'@',1)", NULL, 0,
                      my_identity_row, c, e);
    if (rc == RW_OK && !c->id_valid)
        rc = rw_fail(e, RW_ERR_SQL, "MySQL returned no row for SELECT DATABASE(), USER()");
    return rc;
}

static int my_current_schema(db_conn *c, strbuf *out, rw_err *e)
{
    int rc = my_identity(c, e);
    if (rc == RW_OK) {
        sb_reset(out);
        sb_adds(out, c->id_db);
    }
    return rc;
}

static int my_current_user(db_conn *c, strbuf *out, rw_err *e)
{
    int rc = my_identity(c, e);
    if (rc == RW_OK) {
        sb_reset(out);
        sb_adds(out, c->id_user);
    }
    return rc;
}

static int my_database_name(db_conn *c, strbuf *out, rw_err *e)
{
    return my_current_schema(c, out, e);
}

static void my_quote_ident(strbuf *out, const char *ident)
{
    sb_addc(out, '`');
    for (const char *p = ident; *p; p++) {
        if (*p == '`')
            sb_addc(out, '`');
        sb_addc(out, *p);
    }
    sb_addc(out, '`');
}

static void my_qualified(strbuf *out, const char *schema, const char *table)
{
    my_quote_ident(out, schema);
    sb_addc(out, '.');
    my_quote_ident(out, table);
}

/* ---------------------------------------------------------------- locking */


/* Flyway's lock name: "Flyway-" + hashCode of `schema`.`table`. */
static char *my_lock_name(const char *schema, const char *table)
{
    strbuf q = STRBUF_INIT;
    my_qualified(&q, schema, table);
    char *name = xasprintf("Flyway-%d", (int)rw_java_string_hash(sb_str(&q)));
    sb_free(&q);
    return name;
}

/*
 * Waits for the named lock as Flyway does: GET_LOCK with a 10 s timeout,
 * again and again, with no limit unless lockRetryCount was set.  The server
 * releases the lock when the session ends, so a crashed run never blocks
 * the next one.
 */
static int my_lock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    char *name = my_lock_name(schema, table);
    const char *params[] = {name};
    strbuf got = STRBUF_INIT;
    int rc;
    int64_t started = rw_now_ms();
    for (long attempt = 1;; attempt++) {
        rc = my_scalar(c, "SELECT GET_LOCK(?,10)", params, 1, &got, e);   /* Flyway's 10 s */
        if (rc == RW_OK && strcmp(sb_str(&got), "1") == 0)
            break;
        /* A stop cancels the waiting GET_LOCK (KILL QUERY): the stop is the reason. */
        if (db_lock_wait_ms(0, e) != RW_OK) {
            rc = e->code;
            break;
        }
        if (rc != RW_OK)
            break;
        if (got.len == 0) {
            rc = rw_fail(e, RW_ERR_LOCK, "Unable to acquire the MySQL named lock %s", name);
            break;
        }
        if (c->lock_attempts >= 0 && attempt > c->lock_attempts) {
            rc = rw_fail(e, RW_ERR_LOCK,
                         "Number of retries exceeded while attempting to acquire MySQL named "
                         "lock %s. Configure the number of retries with the 'lockRetryCount' "
                         "configuration option",
                         name);
            break;
        }
        log_info("Waiting for lock %s on %s.%s (held by another migration for %ld s)", name,
                 schema, table, (long)((rw_now_ms() - started) / 1000));
        if ((rc = db_lock_wait_ms(100, e)) != RW_OK)
            break;
    }
    sb_free(&got);
    free(name);
    return rc;
}

/* Runs sql (one ? for the lock's name) for the lock on schema.table; out gets its value. */
static int my_lock_query(db_conn *c, const char *sql, const char *schema, const char *table,
                         strbuf *out, rw_err *e)
{
    char *name = my_lock_name(schema, table);
    const char *params[] = {name};
    int rc = my_scalar(c, sql, params, 1, out, e);
    free(name);
    return rc;
}

static int my_unlock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    strbuf got = STRBUF_INIT;
    int rc = my_lock_query(c, "SELECT RELEASE_LOCK(?)", schema, table, &got, e);
    sb_free(&got);
    return rc;
}

static int my_lock_is_held(db_conn *c, const char *schema, const char *table, bool *out,
                           rw_err *e)
{
    strbuf holder = STRBUF_INIT;
    int rc = my_lock_query(c, "SELECT IS_USED_LOCK(?)", schema, table, &holder, e);
    *out = rc == RW_OK && holder.len > 0;
    sb_free(&holder);
    return rc;
}

/* ---------------------------------------------------------------- schemas */

static int my_exists(db_conn *c, const char *sql, const char *const *params, int nparams,
                     bool *out, rw_err *e)
{
    strbuf v = STRBUF_INIT;
    int rc = my_scalar(c, sql, params, nparams, &v, e);
    *out = rc == RW_OK && v.len > 0 && strcmp(v.buf, "0") != 0;
    sb_free(&v);
    return rc;
}

static int my_schema_exists(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    const char *params[] = {schema};
    return my_exists(c, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME=?",
                     params, 1, out, e);
}

static int my_exec_text(db_conn *c, const char *sql, rw_err *e)
{
    return my_run(c, sql, strlen(sql), e);
}

static int my_schema_create(db_conn *c, const char *schema, rw_err *e)
{
    c->db_dirty = true; /* the home database may exist now */
    strbuf sql = STRBUF_INIT;
    sb_adds(&sql, "CREATE SCHEMA ");
    my_quote_ident(&sql, schema);
    int rc = my_exec_text(c, sb_str(&sql), e);
    sb_free(&sql);
    return rc;
}

/*
 * Empty = no table, view, sequence, routine, event or trigger (what Flyway
 * counts).  A trigger lives in its table's schema, so the tables already
 * count it; the trigger query is left out because MariaDB answers
 * information_schema.TRIGGERS filtered by TRIGGER_SCHEMA by reading the
 * triggers of every schema on the server (0.3 s next to a few thousand).
 */
static int my_schema_is_empty(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    const char *params[] = {schema, schema, schema};
    bool any = false;
    int rc = my_exists(
        c,
        "SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA=?)"
        " + (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA=?)"
        " + (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA=?)",
        params, 3, &any, e);
    *out = !any;
    return rc;
}

static int my_table_exists(db_conn *c, const char *schema, const char *table, bool *out,
                              rw_err *e)
{
    const char *params[] = {schema, table};
    return my_exists(c,
                     "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND "
                     "TABLE_NAME=?",
                     params, 2, out, e);
}

/*
 * Flyway's MySQL history table, byte for byte (MySQLDatabase.getRawCreateScript);
 * on MariaDB the primary key constraint has no name, as Flyway's MariaDB
 * support leaves it out.
 */
static void my_history_ddl(db_conn *c, const char *schema, const char *table,
                           const rw_config *cfg, strlist *stmts)
{
    strbuf q = STRBUF_INIT, sql = STRBUF_INIT;
    my_qualified(&q, schema, table);
    const char *ts = config_get(cfg, "tablespace");
    sb_addf(&sql,
            "CREATE TABLE %s (\n"
            "    `installed_rank` INT NOT NULL,\n"
            "    `version` VARCHAR(50),\n"
            "    `description` VARCHAR(200) NOT NULL,\n"
            "    `type` VARCHAR(20) NOT NULL,\n"
            "    `script` VARCHAR(1000) NOT NULL,\n"
            "    `checksum` INT,\n"
            "    `installed_by` VARCHAR(100) NOT NULL,\n"
            "    `installed_on` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
            "    `execution_time` INT NOT NULL,\n"
            "    `success` BOOL NOT NULL,\n",
            sb_str(&q));
    if (c->mariadb) {
        sb_adds(&sql, "    CONSTRAINT  PRIMARY KEY (`installed_rank`)\n");
    } else {
        sb_adds(&sql, "    CONSTRAINT ");
        strbuf pk = STRBUF_INIT;
        sb_addf(&pk, "%s_pk", table);
        my_quote_ident(&sql, sb_str(&pk));
        sb_free(&pk);
        sb_adds(&sql, " PRIMARY KEY (`installed_rank`)\n");
    }
    sb_adds(&sql, ")");
    if (ts && *ts)
        sb_addf(&sql, " TABLESPACE \"%s\"", ts);
    strlist_push_owned(stmts, sb_detach(&sql));
    strbuf idx = STRBUF_INIT;
    sb_addf(&idx, "%s_s_idx", table);
    sb_adds(&sql, "CREATE INDEX ");
    my_quote_ident(&sql, sb_str(&idx));
    sb_addf(&sql, " ON %s (`success`)", sb_str(&q));
    sb_free(&idx);
    strlist_push_owned(stmts, sb_detach(&sql));
    sb_free(&q);
}

static int my_history_create(db_conn *c, const char *schema, const char *table,
                                const rw_config *cfg, rw_err *e)
{
    strlist stmts = {0};
    my_history_ddl(c, schema, table, cfg, &stmts);
    int rc = RW_OK;
    for (size_t i = 0; i < stmts.len && rc == RW_OK; i++)
        rc = my_exec_text(c, stmts.items[i], e);
    strlist_free(&stmts);
    return rc;
}

/* The history table DDL as a script, for dry runs. */
static void my_history_create_sql(db_conn *c, const char *schema, const char *table,
                                  const rw_config *cfg, strbuf *out)
{
    strlist stmts = {0};
    my_history_ddl(c, schema, table, cfg, &stmts);
    for (size_t i = 0; i < stmts.len; i++)
        sb_addf(out, "%s;\n", stmts.items[i]);
    strlist_free(&stmts);
}

/* Row callback collecting "KIND\tname" pairs for clean. */
static int my_collect_pair(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    strlist *l = ud;
    if (ncols >= 2 && vals[0] && vals[1])
        strlist_push_owned(l, xasprintf("%s\t%s", vals[0], vals[1]));
    return 0;
}

/* Drops each collected object with "DROP <KIND> `schema`.`name`". */
static int my_drop_all(db_conn *c, const char *schema, const strlist *objects, rw_err *e)
{
    for (size_t i = 0; i < objects->len; i++) {
        const char *tab = strchr(objects->items[i], '\t');
        strbuf sql = STRBUF_INIT;
        sb_addf(&sql, "DROP %.*s IF EXISTS ", (int)(tab - objects->items[i]), objects->items[i]);
        my_qualified(&sql, schema, tab + 1);
        int rc = my_exec_text(c, sb_str(&sql), e);
        sb_free(&sql);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

/*
 * Clean: drops events, routines, triggers, views and tables (foreign key
 * checks off for the session while doing so), or the whole schema when
 * runway created it.
 */
static int my_clean_schema(db_conn *c, const char *schema, bool drop_schema, rw_err *e)
{
    if (drop_schema) {
        strbuf sql = STRBUF_INIT;
        sb_adds(&sql, "DROP SCHEMA ");
        my_quote_ident(&sql, schema);
        int rc = my_exec_text(c, sb_str(&sql), e);
        sb_free(&sql);
        return rc;
    }
    const char *params[] = {schema, schema, schema, schema, schema};
    strlist objects = {0};
    int rc = my_query(
        c,
        "SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA=?"
        " UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES"
        " WHERE ROUTINE_SCHEMA=?"
        " UNION ALL SELECT 'TRIGGER', TRIGGER_NAME FROM information_schema.TRIGGERS"
        " WHERE EVENT_OBJECT_SCHEMA=?" /* its table's schema: MariaDB looks in that one alone */
        " UNION ALL SELECT 'VIEW', TABLE_NAME FROM information_schema.TABLES"
        " WHERE TABLE_SCHEMA=? AND TABLE_TYPE='VIEW'"
        " UNION ALL SELECT 'TABLE', TABLE_NAME FROM information_schema.TABLES"
        " WHERE TABLE_SCHEMA=? AND TABLE_TYPE<>'VIEW'",
        params, 5, my_collect_pair, &objects, e);
    if (rc == RW_OK)
        rc = my_exec_text(c, "SET @runway_fk_checks = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0",
                          e);
    if (rc == RW_OK) {
        rc = my_drop_all(c, schema, &objects, e);
        rw_err keep = *e;
        int restore = my_exec_text(c, "SET FOREIGN_KEY_CHECKS = @runway_fk_checks", e);
        if (rc != RW_OK)
            *e = keep;
        else
            rc = restore;
    }
    strlist_free(&objects);
    return rc;
}

/* ---------------------------------------------------------------- cancelling */

/* MySQL cancels only from a second connection: KILL QUERY with the first one's thread id. */
struct db_cancel {
    my_target target;
    char *host_entry;       /* the host the connection reached, NULL for a socket */
    unsigned long thread_id;
};

/* Gathers the second connection's target now, on the connection's own thread. */
static db_cancel *my_cancel_prepare(db_conn *c, const rw_config *cfg)
{
    db_cancel *h = xcalloc(1, sizeof *h);
    rw_err ignored;
    if (my_target_from_config(cfg, &h->target, &ignored) != RW_OK) {
        my_target_free(&h->target);
        free(h);
        return NULL;
    }
    h->thread_id = mysql_thread_id(c->m);
    if (!h->target.socket && c->m->host)
        h->host_entry = xasprintf(strchr(c->m->host, ':') ? "[%s]:%u" : "%s:%u", c->m->host,
                                  c->m->port);
    return h;
}

static int my_cancel(db_cancel *h, rw_err *e)
{
    MYSQL *m = my_connect_once(&h->target, h->host_entry, e);
    if (!m)
        return e->code;
    char sql[64];
    snprintf(sql, sizeof sql, "KILL QUERY %lu", h->thread_id);
    int rc = mysql_real_query(m, sql, (unsigned long)strlen(sql)) == 0
                 ? RW_OK
                 : my_fail_from(m, RW_ERR_DB_CONNECTION, e);
    mysql_close(m);
    return rc;
}

static void my_cancel_free(db_cancel *h)
{
    if (!h)
        return;
    my_target_free(&h->target);
    free(h->host_entry);
    free(h);
}

const db_ops db_mysql_ops = {
    .name = "mysql",
    .product = "MySQL",
    .dialect = &sql_dialect_mysql,
    .ddl_transactions = false,
    .handles_url = my_handles_url,
    .connect = my_connect,
    .close = my_close_conn,
    .server_version = my_server_version,
    .current_schema = my_current_schema,
    .current_user = my_current_user,
    .database_name = my_database_name,
    .exec = my_exec,
    .query = my_query,
    .begin = my_begin,
    .commit = my_commit,
    .rollback = my_rollback,
    .run_steps = my_run_steps,
    .quote_ident = my_quote_ident,
    .bool_true = "1",
    .bool_false = "0",
    .lock = my_lock,
    .unlock = my_unlock,
    .lock_is_held = my_lock_is_held,
    .schema_exists = my_schema_exists,
    .list_schemas_sql = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME "
                        "LIKE ? ORDER BY 1",
    .schema_create = my_schema_create,
    .schema_is_empty = my_schema_is_empty,
    .table_exists = my_table_exists,
    .history_create = my_history_create,
    .clean_schema = my_clean_schema,
    .history_create_sql = my_history_create_sql,
    .cancel_prepare = my_cancel_prepare,
    .cancel = my_cancel,
    .cancel_free = my_cancel_free,
};
