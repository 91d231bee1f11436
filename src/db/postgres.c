/*
 * postgres.c - the PostgreSQL driver, on libpq.
 *
 * Connection settings come from the URL users paste from Flyway configs
 * (jdbc:postgresql://..., postgres://...) plus the user/password keys;
 * only what was given is passed to libpq, so PG* variables, ~/.pgpass and
 * libpq's SSL defaults keep working.
 *
 * Locking uses Flyway's advisory lock key as a session-level lock that is
 * polled with pg_try_advisory_lock outside any transaction (see
 * docs/postgresql.md for why that cannot deadlock against CREATE INDEX
 * CONCURRENTLY and how it is released when a process dies).
 */
#include "db/db.h"

#include <ctype.h>
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/lazylib.h"
#include "core/log.h"

/* Flyway's LOCK_MAGIC_NUM: "Flyway" in ASCII. */
#define PG_LOCK_MAGIC 77431708279161LL

struct db_conn {
    PGconn *pg;
    long lock_retry_count;        /* -1: wait forever */
    char *lock_timeout;           /* runway lockTimeout, NULL when unset */
    char *statement_timeout;      /* runway statementTimeout, NULL when unset */
    char *original_role;          /* current_user once connected */
    char *original_search_path;   /* search_path once connected */
    bool ran_script;              /* a migration statement ran since the last restore */
    bool quiet_notices;           /* while cleaning: "drop cascades to ..." is noise */
    bool pooled;                  /* connected through a pooler (see pg_check_pooler) */
    long server_pid;              /* pg_backend_pid() once connected: the home server process */
    char *connect_schema;         /* current_schema once set up, until asked for once */
    char *database;               /* current_database() */
    int lock_depth;               /* behind a pooler: advisory locks taken and not released */
    char *current_schema;         /* the URL's currentSchema, set again by a rebind */
};

/* ---------------------------------------------------------------- helpers */

static void pg_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Parses a whole decimal number; false when s is not one. */
static bool pg_parse_long(const char *s, long *out)
{
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    while (*end && isspace((unsigned char)*end))
        end++;
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

/* A config value, or NULL when unset or empty. */
static const char *pg_cfg(const rw_config *cfg, const char *key)
{
    const char *v = cfg ? config_get(cfg, key) : NULL;
    return v && *v ? v : NULL;
}

static int pg_cfg_long(const rw_config *cfg, const char *key, long dflt, long *out, rw_err *e)
{
    const char *v = pg_cfg(cfg, key);
    *out = dflt;
    if (v && !pg_parse_long(v, out))
        return rw_fail(e, RW_ERR_CONFIGURATION, "Invalid value for %s: '%s' (expected a number)",
                       key, v);
    return RW_OK;
}

static void pg_quote_ident(strbuf *out, const char *ident)
{
    sb_addc(out, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            sb_addc(out, '"');
        sb_addc(out, *p);
    }
    sb_addc(out, '"');
}

/*
 * Copies a libpq message into dst as one line: trailing newlines dropped,
 * inner line breaks (and the tabs indenting continuation lines) as spaces.
 */
static void pg_copy_trimmed(char *dst, size_t size, const char *msg)
{
    size_t n = 0;
    for (const char *p = msg ? msg : ""; *p && n + 1 < size; p++) {
        if (*p == '\n' || *p == '\r') {
            while (p[1] == '\t' || p[1] == '\n' || p[1] == '\r')
                p++;
            dst[n++] = ' ';
        } else {
            dst[n++] = *p;
        }
    }
    while (n > 0 && dst[n - 1] == ' ')
        n--;
    dst[n] = '\0';
}

/*
 * Fills e from a failed result: SQLSTATE, the server's primary message,
 * detail and hint (or the connection's message when there is no result).
 */
static int pg_fail_result(db_conn *c, PGresult *res, rw_err *e)
{
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
    rw_fail(e, RW_ERR_SQL, "%s", "");
    pg_copy_trimmed(e->msg, sizeof e->msg, primary ? primary : PQerrorMessage(c->pg));
    if (!e->msg[0])
        snprintf(e->msg, sizeof e->msg, "%s", "PostgreSQL reported an error without a message");
    pg_copy_trimmed(e->sqlstate, sizeof e->sqlstate, state);
    pg_copy_trimmed(e->detail, sizeof e->detail, detail);
    pg_copy_trimmed(e->hint, sizeof e->hint, hint);
    e->sql_errcode = 0;
    return e->code;
}

static bool pg_result_ok(PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
}

/* Runs a statement with no parameters and no rows of interest. */
static int pg_run(db_conn *c, const char *sql, rw_err *e)
{
    PGresult *res = PQexec(c->pg, sql);
    int rc = pg_result_ok(res) ? RW_OK : pg_fail_result(c, res, e);
    PQclear(res);
    return rc;
}

/* Runs a query expected to return one value; out gets "" for NULL. */
static int pg_query_value(db_conn *c, const char *sql, const char *param, strbuf *out, rw_err *e)
{
    const char *params[1] = {param};
    PGresult *res = PQexecParams(c->pg, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail_result(c, res, e);
        PQclear(res);
        return rc;
    }
    sb_reset(out);
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        sb_adds(out, PQgetvalue(res, 0, 0));
    PQclear(res);
    return RW_OK;
}

static int pg_query_bool(db_conn *c, const char *sql, const char *const *params, int nparams,
                         bool *out, rw_err *e)
{
    PGresult *res = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail_result(c, res, e);
        PQclear(res);
        return rc;
    }
    *out = PQntuples(res) > 0 && strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return RW_OK;
}

/* ------------------------------------------------------ connection setup */

/* libpq keyword/value pairs, built from only what the user gave. */
typedef struct pg_params {
    strlist keys;
    strlist vals;
    char *current_schema;         /* JDBC currentSchema= (a search_path) */
    bool ssl_requested;           /* JDBC ssl=true */
    bool ssl_nonvalidating;       /* JDBC sslfactory=...NonValidatingFactory */
} pg_params;

static void pg_params_free(pg_params *p)
{
    strlist_free(&p->keys);
    strlist_free(&p->vals);
    free(p->current_schema);
    memset(p, 0, sizeof *p);
}

static const char *pg_param_get(const pg_params *p, const char *key)
{
    for (size_t i = 0; i < p->keys.len; i++)
        if (strcmp(p->keys.items[i], key) == 0)
            return p->vals.items[i];
    return NULL;
}

/* Sets key, replacing an earlier value. */
static void pg_param_set(pg_params *p, const char *key, const char *val)
{
    for (size_t i = 0; i < p->keys.len; i++)
        if (strcmp(p->keys.items[i], key) == 0) {
            free(p->vals.items[i]);
            p->vals.items[i] = xstrdup(val);
            return;
        }
    strlist_push(&p->keys, key);
    strlist_push(&p->vals, val);
}

static int pg_hex(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Decodes %XX escapes (and '+' as a space, as form-encoding does). */
static char *pg_url_decode(const char *s, size_t n)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && pg_hex(s[i + 1]) >= 0 && pg_hex(s[i + 2]) >= 0) {
            sb_addc(&sb, (char)(pg_hex(s[i + 1]) * 16 + pg_hex(s[i + 2])));
            i += 2;
        } else if (s[i] == '+') {
            sb_addc(&sb, ' ');
        } else {
            sb_addc(&sb, s[i]);
        }
    }
    return sb_detach(&sb);
}

/* True when name is a connection keyword this libpq knows. */
static bool pg_is_libpq_keyword(const char *name)
{
    PQconninfoOption *opts = PQconndefaults();
    bool found = false;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        if (strcmp(o->keyword, name) == 0) {
            found = true;
            break;
        }
    PQconninfoFree(opts);
    return found;
}

/*
 * Maps one pgJDBC URL property onto libpq.  Properties with no libpq
 * meaning (prepareThreshold, reWriteBatchedInserts, ...) are ignored.
 */
static void pg_jdbc_property(pg_params *p, const char *key, const char *val)
{
    static const struct {
        const char *jdbc;
        const char *libpq;
    } map[] = {
        {"user", "user"},
        {"password", "password"},
        {"sslmode", "sslmode"},
        {"sslrootcert", "sslrootcert"},
        {"sslcert", "sslcert"},
        {"sslkey", "sslkey"},
        {"sslpassword", "sslpassword"},
        {"ApplicationName", "application_name"},
        {"applicationName", "application_name"},
        {"connectTimeout", "connect_timeout"},
        {"loginTimeout", "connect_timeout"},
        {"options", "options"},
        {"gssEncMode", "gssencmode"},
        {"kerberosServerName", "krbsrvname"},
    };
    if (strcmp(key, "currentSchema") == 0) {
        free(p->current_schema);
        p->current_schema = xstrdup(val);
        return;
    }
    if (strcmp(key, "ssl") == 0) {
        p->ssl_requested = rw_str_ieq(val, "true") || *val == '\0';
        return;
    }
    if (strcmp(key, "sslfactory") == 0) {
        p->ssl_nonvalidating = strstr(val, "NonValidatingFactory") != NULL;
        return;
    }
    if (strcmp(key, "targetServerType") == 0) {
        if (rw_str_ieq(val, "primary") || rw_str_ieq(val, "master"))
            pg_param_set(p, "target_session_attrs", "read-write");
        else if (rw_str_ieq(val, "secondary") || rw_str_ieq(val, "slave"))
            pg_param_set(p, "target_session_attrs", "read-only");
        return;
    }
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(key, map[i].jdbc) == 0) {
            pg_param_set(p, map[i].libpq, val);
            return;
        }
    if (pg_is_libpq_keyword(key) && strcmp(key, "dbname") != 0)
        pg_param_set(p, key, val);
    else
        log_debug("Ignoring JDBC URL property %s (no libpq equivalent)", key);
}

/* Parses "k=v&k2=v2" (already after the '?'). */
static void pg_parse_query(pg_params *p, const char *q)
{
    while (*q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        if (n > 0) {
            char *key = pg_url_decode(q, eq ? (size_t)(eq - q) : n);
            char *val = eq ? pg_url_decode(eq + 1, n - (size_t)(eq + 1 - q)) : xstrdup("");
            pg_jdbc_property(p, key, val);
            free(key);
            free(val);
        }
        q += n;
        if (*q == '&')
            q++;
    }
}

/* Splits one "host", "host:port" or "[v6addr]:port" entry. */
static int pg_split_host_port(const char *h, size_t n, strlist *hosts, strlist *ports, rw_err *e)
{
    const char *port = NULL;
    size_t pn = 0;
    if (n > 0 && h[0] == '[') {
        const char *close = memchr(h, ']', n);
        if (!close)
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "Invalid PostgreSQL URL: unclosed '[' in the host list");
        if (close + 1 < h + n && close[1] == ':') {
            port = close + 2;
            pn = (size_t)(h + n - port);
        }
        strlist_push_owned(hosts, xstrndup(h + 1, (size_t)(close - h) - 1));
    } else {
        const char *colon = memchr(h, ':', n);
        if (colon) {
            port = colon + 1;
            pn = (size_t)(h + n - port);
        }
        strlist_push_owned(hosts, xstrndup(h, colon ? (size_t)(colon - h) : n));
    }
    strlist_push_owned(ports, xstrndup(port ? port : "", pn));
    return RW_OK;
}

static char *pg_join(const strlist *l, const char *empty_as)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < l->len; i++) {
        if (i)
            sb_addc(&sb, ',');
        sb_adds(&sb, *l->items[i] ? l->items[i] : empty_as);
    }
    return sb_detach(&sb);
}

/*
 * Turns "h1:p1,[::1]:p2,h3" into libpq's comma-separated host and port
 * lists; a host without a port gets 5432 when another host has one.
 */
static int pg_parse_hosts(pg_params *p, const char *s, size_t n, rw_err *e)
{
    strlist hosts = {0}, ports = {0};
    bool any_host = false, any_port = false;
    int rc = RW_OK;
    size_t i = 0;
    while (i < n && rc == RW_OK) {
        size_t j = i;
        bool in_brackets = false;
        while (j < n && (s[j] != ',' || in_brackets)) {
            if (s[j] == '[')
                in_brackets = true;
            else if (s[j] == ']')
                in_brackets = false;
            j++;
        }
        rc = pg_split_host_port(s + i, j - i, &hosts, &ports, e);
        i = j + 1;
    }
    for (size_t k = 0; k < hosts.len; k++) {
        any_host = any_host || *hosts.items[k];
        any_port = any_port || *ports.items[k];
    }
    if (rc == RW_OK && any_host) {
        char *joined = pg_join(&hosts, "localhost");
        pg_param_set(p, "host", joined);
        free(joined);
    }
    if (rc == RW_OK && any_port) {
        char *joined = pg_join(&ports, "5432");
        pg_param_set(p, "port", joined);
        free(joined);
    }
    strlist_free(&hosts);
    strlist_free(&ports);
    return rc;
}

/*
 * jdbc:postgresql://host[:port][,host2[:port2]]/[db][?props],
 * jdbc:postgresql:db[?props] and jdbc:postgresql:/[?props].
 */
static int pg_parse_jdbc_url(pg_params *p, const char *rest, rw_err *e)
{
    const char *query = strchr(rest, '?');
    size_t main_len = query ? (size_t)(query - rest) : strlen(rest);
    const char *db = rest;
    size_t db_len = main_len;
    if (main_len >= 2 && rest[0] == '/' && rest[1] == '/') {
        const char *auth = rest + 2;
        const char *slash = memchr(auth, '/', main_len - 2);
        size_t auth_len = slash ? (size_t)(slash - auth) : main_len - 2;
        int rc = pg_parse_hosts(p, auth, auth_len, e);
        if (rc != RW_OK)
            return rc;
        db = slash ? slash + 1 : rest + main_len;
        db_len = (size_t)(rest + main_len - db);
    } else if (db_len > 0 && db[0] == '/') {
        db++;
        db_len--;
    }
    if (db_len > 0) {
        char *name = pg_url_decode(db, db_len);
        pg_param_set(p, "dbname", name);
        free(name);
    }
    if (query)
        pg_parse_query(p, query + 1);
    return RW_OK;
}

/*
 * A postgres:// URI goes to libpq as is (dbname expansion), minus a
 * currentSchema parameter libpq would reject.
 */
static void pg_parse_uri(pg_params *p, const char *url)
{
    strbuf uri = STRBUF_INIT;
    const char *q = strchr(url, '?');
    if (!q) {
        pg_param_set(p, "dbname", url);
        return;
    }
    sb_add(&uri, url, (size_t)(q - url));
    char sep = '?';
    const char *item = q + 1;
    while (*item) {
        const char *amp = strchr(item, '&');
        size_t n = amp ? (size_t)(amp - item) : strlen(item);
        if (n > 14 && strncmp(item, "currentSchema=", 14) == 0) {
            free(p->current_schema);
            p->current_schema = pg_url_decode(item + 14, n - 14);
        } else if (n > 0) {
            sb_addc(&uri, sep);
            sb_add(&uri, item, n);
            sep = '&';
        }
        item += n;
        if (*item == '&')
            item++;
    }
    pg_param_set(p, "dbname", uri.buf);
    sb_free(&uri);
}

static bool pg_starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool postgres_handles_url(const char *url)
{
    return url && (pg_starts_with_ci(url, "jdbc:postgresql:") ||
                   pg_starts_with_ci(url, "postgres://") ||
                   pg_starts_with_ci(url, "postgresql://"));
}

static void pg_jdbc_config_property(void *ud, const char *key, const char *value)
{
    pg_jdbc_property(ud, key + strlen("jdbcProperties."), value ? value : "");
}

/* Builds libpq parameters from the url and the user/password keys. */
static int pg_build_params(const rw_config *cfg, pg_params *p, rw_err *e)
{
    const char *url = pg_cfg(cfg, "url");
    if (!url)
        return rw_fail(e, RW_ERR_CONFIGURATION, "No PostgreSQL url configured");
    if (pg_starts_with_ci(url, "jdbc:postgresql:")) {
        int rc = pg_parse_jdbc_url(p, url + strlen("jdbc:postgresql:"), e);
        if (rc != RW_OK)
            return rc;
    } else {
        pg_parse_uri(p, url);
    }
    /* jdbcProperties.<name> are driver properties, like URL parameters. */
    if (cfg)
        config_each_prefix(cfg, "jdbcProperties.", pg_jdbc_config_property, p);
    /* pgJDBC's ssl=true verifies the server certificate unless told not to. */
    if (p->ssl_requested && !pg_param_get(p, "sslmode"))
        pg_param_set(p, "sslmode", p->ssl_nonvalidating ? "require" : "verify-full");
    /* Explicit keys win over the URL's own user/password. */
    if (pg_cfg(cfg, "user"))
        pg_param_set(p, "user", pg_cfg(cfg, "user"));
    if (pg_cfg(cfg, "password"))
        pg_param_set(p, "password", pg_cfg(cfg, "password"));
    if (!pg_param_get(p, "connect_timeout") && !getenv("PGCONNECT_TIMEOUT"))
        pg_param_set(p, "connect_timeout", "10");
    /*
     * pgJDBC's gssEncMode defaults to "allow": plain text first, GSS
     * encryption only when the server insists.  libpq has no "allow"; its
     * default "prefer" initialises Kerberos on every connect (half a
     * megabyte, and a delay when a KDC is configured).  "disable" still
     * lets GSSAPI authenticate; only GSS-encrypted-only servers
     * (hostgssenc) need gssEncMode=prefer or require.
     */
    const char *gss = pg_param_get(p, "gssencmode");
    if ((!gss && !getenv("PGGSSENCMODE")) || (gss && rw_str_ieq(gss, "allow")))
        pg_param_set(p, "gssencmode", "disable");
    pg_param_set(p, "fallback_application_name", "runway");
    return RW_OK;
}

static PGconn *pg_connect_once(const pg_params *p)
{
    size_t n = p->keys.len;
    const char **keys = xcalloc(n + 1, sizeof *keys);
    const char **vals = xcalloc(n + 1, sizeof *vals);
    for (size_t i = 0; i < n; i++) {
        keys[i] = p->keys.items[i];
        vals[i] = p->vals.items[i];
    }
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    free(keys);
    free(vals);
    return pg;
}

/*
 * Server notices are shown as Flyway's JdbcUtils shows JDBC warnings: SQL
 * state 00000 (RAISE NOTICE, "... skipping") as plain "DB: message", any
 * other state as a warning with the state and error code.
 */
static void pg_notice(void *arg, const PGresult *res)
{
    const db_conn *c = arg;
    char msg[2048];
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    pg_copy_trimmed(msg, sizeof msg, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    if (c && c->quiet_notices)
        log_debug("DB: %s", msg);
    else if (!state || strcmp(state, "00000") == 0)
        log_info("DB: %s", msg);
    else
        log_warn("DB: %s (SQL State: %s - Error Code: 0)", msg, state);
}

/*
 * Connects, retrying connectRetries times with waits of 1, 2, 4 ...
 * seconds capped at connectRetriesInterval, as Flyway does.
 */
/*
 * libpq gives no SQLSTATE for a failed connection, only the server's
 * message.  These mean the server is up and said no to this login or
 * database, which waiting does not change: they get the SQLSTATE the server
 * used, so that db_error_is_refusal() (and wait) can tell them from a
 * server that is not reachable yet.
 */
static const char *pg_refusal_sqlstate(const char *why)
{
    static const struct {
        const char *text;
        bool unknown;            /* also needs "does not exist" after it */
        const char *sqlstate;
    } refusals[] = {
        {"password authentication failed", false, "28P01"},
        {"no password supplied", false, "28P01"},
        {"authentication failed", false, "28000"},
        {"no pg_hba.conf entry", false, "28000"},
        {"is not permitted to log in", false, "28000"},
        {"permission denied for database", false, "42501"},
        {"role \"", true, "28000"},
        {"database \"", true, "3D000"},
    };
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const char *at = strstr(why, refusals[i].text);
        if (at && (!refusals[i].unknown || strstr(at, "does not exist")))
            return refusals[i].sqlstate;
    }
    return NULL;
}

static int pg_connect_with_retries(const rw_config *cfg, const pg_params *p, PGconn **out,
                                   rw_err *e)
{
    long retries, interval;
    int rc = pg_cfg_long(cfg, "connectRetries", 0, &retries, e);
    if (rc == RW_OK)
        rc = pg_cfg_long(cfg, "connectRetriesInterval", 120, &interval, e);
    if (rc != RW_OK)
        return rc;
    long wait = 1;
    for (long attempt = 0;; attempt++) {
        PGconn *pg = pg_connect_once(p);
        if (pg && PQstatus(pg) == CONNECTION_OK) {
            *out = pg;
            return RW_OK;
        }
        char why[2048];
        pg_copy_trimmed(why, sizeof why,
                        pg ? PQerrorMessage(pg) : lazy_failure() ? lazy_failure() : "out of memory");
        char *user = xstrdup(pg && PQuser(pg) ? PQuser(pg) : "");
        PQfinish(pg);
        if (attempt >= retries) {
            char *safe = config_redact_url(pg_cfg(cfg, "url"));
            rw_fail(e, RW_ERR_DB_CONNECTION,
                    "Unable to obtain connection from database (%s) for user '%s': %s", safe, user,
                    why);
            const char *state = pg_refusal_sqlstate(why);
            if (state)
                snprintf(e->sqlstate, sizeof e->sqlstate, "%s", state);
            free(safe);
            free(user);
            return e->code;
        }
        free(user);
        long secs = interval > 0 && wait > interval ? interval : wait;
        log_warn("Connection error: %s (retrying in %ld s, attempt %ld of %ld)", why, secs,
                 attempt + 1, retries);
        if (db_connect_wait_ms(secs * 1000, why, e) != RW_OK)
            return e->code;
        if (wait < 1L << 20)
            wait *= 2;
    }
}

/* Sets a server setting for the session, naming the runway key on error. */
static int pg_set_config(db_conn *c, const char *name, const char *value, const char *key,
                         rw_err *e)
{
    const char *params[2] = {name, value};
    PGresult *res =
        PQexecParams(c->pg, "SELECT set_config($1, $2, false)", 2, NULL, params, NULL, NULL, 0);
    int rc = RW_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        pg_fail_result(c, res, e);
        char why[sizeof e->msg];
        snprintf(why, sizeof why, "%s", e->msg);
        rc = rw_fail(e, RW_ERR_CONFIGURATION, "Invalid %s '%s': %s", key, value, why);
    }
    PQclear(res);
    return rc;
}

/* lockTimeout / statementTimeout, applied for every migration when set. */
static int pg_apply_timeouts(db_conn *c, rw_err *e)
{
    int rc = RW_OK;
    if (c->lock_timeout)
        rc = pg_set_config(c, "lock_timeout", c->lock_timeout, "lockTimeout", e);
    if (rc == RW_OK && c->statement_timeout)
        rc = pg_set_config(c, "statement_timeout", c->statement_timeout, "statementTimeout", e);
    return rc;
}

/* The schema migrations go to: defaultSchema, else the first of schemas. */
static char *pg_default_schema(const rw_config *cfg)
{
    const char *d = pg_cfg(cfg, "defaultSchema");
    if (d)
        return xstrdup(d);
    const char *list = pg_cfg(cfg, "schemas");
    if (!list)
        return NULL;
    strlist l = {0};
    strlist_split(&l, list, ',');
    char *first = l.len ? xstrdup(l.items[0]) : NULL;
    strlist_free(&l);
    return first;
}

/*
 * Puts the default schema first on the search_path, keeping the rest, as
 * Flyway does, so unqualified names in migrations land in it.
 */
static int pg_set_search_path(db_conn *c, const rw_config *cfg, rw_err *e)
{
    char *schema = pg_default_schema(cfg);
    if (!schema)
        return RW_OK;
    strbuf old = STRBUF_INIT, first = STRBUF_INIT, path = STRBUF_INIT;
    int rc = pg_query_value(c, "SELECT current_setting('search_path')", NULL, &old, e);
    if (rc == RW_OK) {
        pg_quote_ident(&first, schema);
        const char *o = sb_str(&old);
        bool already = strcmp(o, schema) == 0 || strcmp(o, first.buf) == 0 ||
                       (rw_starts_with(o, schema) && o[strlen(schema)] == ',') ||
                       (rw_starts_with(o, first.buf) && o[first.len] == ',');
        if (!already) {
            sb_adds(&path, first.buf);
            if (*o)
                sb_addf(&path, ", %s", o);
            rc = pg_set_config(c, "search_path", path.buf, "defaultSchema", e);
        }
    }
    sb_free(&old);
    sb_free(&first);
    sb_free(&path);
    free(schema);
    return rc;
}

/*
 * Session settings: the server notices a vanished client during a long
 * statement (PostgreSQL 14+), so a killed runway's transaction rolls back
 * and its advisory lock goes away promptly.  Set before initSql, which may
 * choose another interval; without initSql pg_remember_state sets it in
 * its own query instead, saving a round trip.
 */
#define PG_CHECK_INTERVAL "set_config('client_connection_check_interval', '2s', false)"

static bool pg_check_interval_supported(db_conn *c)
{
    return PQserverVersion(c->pg) >= 140000;
}

static void pg_session_setup(db_conn *c)
{
    PGresult *res = PQexec(c->pg, "SELECT " PG_CHECK_INTERVAL);
    PQclear(res);
}

static char *pg_dup_value(PGresult *res, int col)
{
    return xstrdup(PQgetisnull(res, 0, col) ? "" : PQgetvalue(res, 0, col));
}

/*
 * The role and search_path a migration may change and Flyway restores,
 * the server process (see pg_check_pooler; a rebind keeps the one found
 * first), and what the session asks next (schema, database): one round
 * trip instead of five.
 */
static int pg_remember_state(db_conn *c, bool set_interval, rw_err *e)
{
    PGresult *res = PQexec(c->pg, set_interval ? "SELECT current_user, "
                                                 "current_setting('search_path'), pg_backend_pid(), "
                                                 "current_schema, current_database(), "
                                                 PG_CHECK_INTERVAL
                                               : "SELECT current_user, "
                                                 "current_setting('search_path'), pg_backend_pid(), "
                                                 "current_schema, current_database()");
    int rc = RW_OK;
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        rc = pg_fail_result(c, res, e);
    } else {
        free(c->original_role);
        free(c->original_search_path);
        free(c->connect_schema);
        free(c->database);
        c->original_role = pg_dup_value(res, 0);
        c->original_search_path = pg_dup_value(res, 1);
        if (!c->server_pid)
            c->server_pid = atol(PQgetvalue(res, 0, 2));
        c->connect_schema = pg_dup_value(res, 3);
        c->database = pg_dup_value(res, 4);
    }
    PQclear(res);
    return rc;
}

/*
 * After a migration's statements ran, puts back the role and search_path
 * they may have changed (SET ROLE, pg_dump's empty search_path), as Flyway
 * restores them before writing the history row and the next migration.
 */
static int pg_restore_state(db_conn *c, rw_err *e)
{
    if (!c->ran_script || !c->original_role)
        return RW_OK;
    if (PQtransactionStatus(c->pg) == PQTRANS_INERROR)
        return RW_OK;
    c->ran_script = false;
    PGresult *res = PQexec(c->pg, "SELECT current_user, current_setting('search_path')");
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        int rc = pg_fail_result(c, res, e);
        PQclear(res);
        return rc;
    }
    bool role_changed = strcmp(PQgetvalue(res, 0, 0), c->original_role) != 0;
    bool path_changed = strcmp(PQgetvalue(res, 0, 1), c->original_search_path) != 0;
    PQclear(res);
    int rc = RW_OK;
    if (role_changed) {
        strbuf sql = STRBUF_INIT;
        sb_adds(&sql, "SET ROLE ");
        pg_quote_ident(&sql, c->original_role);
        rc = pg_run(c, sql.buf, e);
        sb_free(&sql);
    }
    if (rc == RW_OK && path_changed)
        rc = pg_set_config(c, "search_path", c->original_search_path, "search_path", e);
    return rc;
}

/* The error for a pooler that hands this client's statements to several server connections. */
static int pg_fail_transaction_pooling(rw_err *e, const char *how)
{
    return rw_fail(e, RW_ERR_DB_CONNECTION,
                   "Connected through a connection pooler in transaction pooling mode (%s): "
                   "the migration lock (a session advisory lock) would be taken on one server "
                   "connection and released on another. Connect directly to PostgreSQL, or "
                   "through a pool in session mode (PgBouncer pool_mode=session).",
                   how);
}

/* The server process this client's statement runs on right now. */
static int pg_server_pid(db_conn *c, long *out, rw_err *e)
{
    strbuf v = STRBUF_INIT;
    int rc = pg_query_value(c, "SELECT pg_backend_pid()", NULL, &v, e);
    *out = rc == RW_OK ? atol(sb_str(&v)) : 0;
    sb_free(&v);
    return rc;
}

/*
 * Whether a second connection's first transaction runs on server process
 * pid.  It waits at most two seconds for an answer: a session pool with no
 * free server connection makes the second client queue (which also shows
 * that ours is not free), and waiting on it could deadlock concurrent runs.
 */
static bool pg_probe_shares_server(const pg_params *p, long pid)
{
    PGconn *other = pg_connect_once(p);
    bool shared = false;
    if (PQstatus(other) == CONNECTION_OK && PQsendQuery(other, "BEGIN; SELECT pg_backend_pid()")) {
        int64_t deadline = rw_now_ms() + 2000;
        bool ok = true;
        while (ok && PQisBusy(other)) {
            int64_t left = deadline - rw_now_ms();
            struct pollfd pfd = {.fd = PQsocket(other), .events = POLLIN};
            ok = left > 0 && poll(&pfd, 1, (int)left) > 0 && PQconsumeInput(other);
        }
        for (PGresult *res; ok && (res = PQgetResult(other)) != NULL; PQclear(res))
            if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
                shared = atol(PQgetvalue(res, 0, 0)) == pid;
    }
    PQfinish(other);
    return shared;
}

/*
 * Behind a pooler, the process id the connection announced (PQbackendPID,
 * from BackendKeyData) is the pooler's, not the server process's.  In
 * session pooling the client keeps one server connection, which nobody
 * else can use meanwhile; in transaction pooling the next client gets the
 * server connection this one just released (PgBouncer reuses the most
 * recent one first).  So a second connection whose first transaction runs
 * on our server process proves transaction pooling, where the session
 * lock cannot work.  Later checks (pg_begin_at_home) catch a pool
 * where another client took that server connection first.
 */
static int pg_check_pooler(db_conn *c, const pg_params *p, rw_err *e)
{
    if (c->server_pid == PQbackendPID(c->pg))
        return RW_OK;
    c->pooled = true;
    log_debug("Connected through a pooler (server process %ld)", c->server_pid);
    if (pg_probe_shares_server(p, c->server_pid))
        return pg_fail_transaction_pooling(e, "a second connection ran on the same server "
                                              "process");
    return RW_OK;
}

/*
 * Behind a pooler: opens a transaction and says whether it runs on the home
 * server process, where the lock is.  Only a transaction keeps a client on
 * one server connection in transaction pooling; off home it is rolled back.
 */
static int pg_begin_at_home(db_conn *c, bool *home, rw_err *e)
{
    long pid = 0;
    int rc = pg_run(c, "BEGIN", e);
    if (rc == RW_OK)
        rc = pg_server_pid(c, &pid, e);
    *home = rc == RW_OK && pid == c->server_pid;
    if (!*home) {
        rw_err ig;
        pg_run(c, "ROLLBACK", &ig);
    }
    return rc;
}

/*
 * Transaction pooling found while the home server connection holds the
 * lock: this client reaches it only by chance now.  Tries to land there
 * and release the lock; failing that, ends that server connection, which
 * releases it.  A lock must never stay behind in the pool, where it would
 * block every later run.
 */
static void pg_release_stranded_lock(db_conn *c)
{
    rw_err ig;
    for (int i = 0; i < 50 && c->lock_depth > 0; i++) {
        bool home = false;
        if (pg_begin_at_home(c, &home, &ig) != RW_OK)
            break;
        if (home) {
            pg_run(c, "SELECT pg_advisory_unlock_all()", &ig);
            pg_run(c, "COMMIT", &ig);
            c->lock_depth = 0;
            return;
        }
        pg_sleep_ms(20);
    }
    if (c->lock_depth == 0)
        return;
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%ld)", c->server_pid);
    if (pg_run(c, sql, &ig) == RW_OK)
        log_warn("Ended server process %ld through the pooler to release the migration lock it "
                 "held", c->server_pid);
    c->lock_depth = 0;
}

/* Behind a pooler: the transaction-pooling error, releasing a lock left on the home server. */
static int pg_fail_off_home(db_conn *c, rw_err *e)
{
    pg_release_stranded_lock(c);
    return pg_fail_transaction_pooling(e, "the server process changed between transactions");
}

/*
 * The session settings a new connection gets, in order: the server
 * settings, the URL's currentSchema, the timeouts, initSql, then the
 * default schema first on the search_path; what a migration may change is
 * remembered after them.  A rebind runs this again after DISCARD ALL.
 */
static int pg_session_state(db_conn *c, const rw_config *cfg, rw_err *e)
{
    const char *init_sql = pg_cfg(cfg, "initSql");
    bool interval = pg_check_interval_supported(c);
    if (interval && init_sql)
        pg_session_setup(c);
    int rc = RW_OK;
    if (c->current_schema) {
        rc = pg_set_config(c, "search_path", c->current_schema, "currentSchema", e);
        if (rc != RW_OK)
            return rc;
    }
    rc = pg_apply_timeouts(c, e);
    if (rc != RW_OK)
        return rc;
    if (init_sql) {
        rc = pg_run(c, init_sql, e);
        if (rc != RW_OK) {
            rw_err_prefix(e, "initSql failed: ");
            return rc;
        }
    }
    rc = pg_set_search_path(c, cfg, e);
    if (rc == RW_OK)
        rc = pg_remember_state(c, interval && !init_sql, e);
    /* A server that refuses the setting (it was only ever best effort) still connects. */
    if (rc != RW_OK && interval && !init_sql && PQtransactionStatus(c->pg) == PQTRANS_IDLE)
        rc = pg_remember_state(c, false, e);
    return rc;
}

static int pg_configure(db_conn *c, const rw_config *cfg, const pg_params *p, rw_err *e)
{
    int rc = pg_cfg_long(cfg, "lockRetryCount", 50, &c->lock_retry_count, e);
    if (rc != RW_OK)
        return rc;
    if (pg_cfg(cfg, "lockTimeout"))
        c->lock_timeout = xstrdup(pg_cfg(cfg, "lockTimeout"));
    if (pg_cfg(cfg, "statementTimeout"))
        c->statement_timeout = xstrdup(pg_cfg(cfg, "statementTimeout"));

    if (p->current_schema)
        c->current_schema = xstrdup(p->current_schema);
    rc = pg_session_state(c, cfg, e);
    if (rc == RW_OK)
        rc = pg_check_pooler(c, p, e);
    return rc;
}

static void postgres_close(db_conn *c)
{
    if (!c)
        return;
    PQfinish(c->pg);
    free(c->lock_timeout);
    free(c->statement_timeout);
    free(c->original_role);
    free(c->original_search_path);
    free(c->current_schema);
    free(c->connect_schema);
    free(c->database);
    free(c);
}

/*
 * A connection that served one tenant, readied for the next on the same
 * server (cfg differs only in its schema): DISCARD ALL drops whatever the
 * last tenant's migrations left in the session (settings, role, temporary
 * tables, prepared statements, advisory locks), then the session is set up
 * as a new connection's would be.  The pooler check stays valid: the
 * server connection is the same.  Saves the connection start and the new
 * server process warming its catalog caches, per tenant.
 */
static int postgres_rebind(db_conn *c, const rw_config *cfg, rw_err *e)
{
    if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return rw_fail(e, RW_ERR_DB_CONNECTION, "the connection is not idle");
    int rc = pg_run(c, "DISCARD ALL", e);
    if (rc != RW_OK)
        return rc;
    c->lock_depth = 0;
    c->ran_script = false;
    c->quiet_notices = false;
    free(c->original_role);
    free(c->original_search_path);
    c->original_role = c->original_search_path = NULL;
    return pg_session_state(c, cfg, e);
}

int db_postgres_describe_url(const rw_config *cfg, strbuf *out, rw_err *e)
{
    pg_params p;
    memset(&p, 0, sizeof p);
    int rc = pg_build_params(cfg, &p, e);
    for (size_t i = 0; rc == RW_OK && i < p.keys.len; i++)
        sb_addf(out, "%s=%s\n", p.keys.items[i], p.vals.items[i]);
    if (rc == RW_OK && p.current_schema)
        sb_addf(out, "currentSchema=%s\n", p.current_schema);
    pg_params_free(&p);
    return rc;
}

static int postgres_connect(const rw_config *cfg, db_conn **out, rw_err *e)
{
    *out = NULL;
    pg_params p;
    memset(&p, 0, sizeof p);
    int rc = pg_build_params(cfg, &p, e);
    PGconn *pg = NULL;
    if (rc == RW_OK)
        rc = pg_connect_with_retries(cfg, &p, &pg, e);
    if (rc != RW_OK) {
        pg_params_free(&p);
        return rc;
    }
    db_conn *c = xcalloc(1, sizeof *c);
    c->pg = pg;
    PQsetNoticeReceiver(pg, pg_notice, c);
    rc = pg_configure(c, cfg, &p, e);
    pg_params_free(&p);
    if (rc != RW_OK) {
        postgres_close(c);
        return rc;
    }
    *out = c;
    return RW_OK;
}

/* ------------------------------------------------------------ identity */

static int postgres_server_version(db_conn *c, strbuf *out, rw_err *e)
{
    (void)e;
    int v = PQserverVersion(c->pg);
    sb_reset(out);
    if (v >= 100000)
        sb_addf(out, "PostgreSQL %d.%d", v / 10000, v % 10000);
    else
        sb_addf(out, "PostgreSQL %d.%d", v / 10000, (v / 100) % 100);
    return RW_OK;
}

/*
 * The schema read while setting the session up, the first time: a session
 * asks right after connecting (or a rebind).  Later the answer can change
 * (a schema created), so later calls ask the server.
 */
static int postgres_current_schema(db_conn *c, strbuf *out, rw_err *e)
{
    if (!c->connect_schema)
        return pg_query_value(c, "SELECT current_schema", NULL, out, e);
    sb_reset(out);
    sb_adds(out, c->connect_schema);
    free(c->connect_schema);
    c->connect_schema = NULL;
    return RW_OK;
}

/* The role once set up: a script's SET ROLE is undone before runway's own queries. */
static int postgres_current_user(db_conn *c, strbuf *out, rw_err *e)
{
    if (!c->original_role)
        return pg_query_value(c, "SELECT current_user", NULL, out, e);
    sb_reset(out);
    sb_adds(out, c->original_role);
    return RW_OK;
}

static int postgres_database_name(db_conn *c, strbuf *out, rw_err *e)
{
    if (!c->database)
        return pg_query_value(c, "SELECT current_database()", NULL, out, e);
    sb_reset(out);
    sb_adds(out, c->database);
    return RW_OK;
}

/* ----------------------------------------------------------- execution */

/*
 * The script line of an error: the statement's first line plus the line
 * breaks before the server's error position (counted in characters).
 */
static int pg_error_line(const sql_statement *st, PGresult *res)
{
    const char *pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
    long chars;
    if (!pos || !pg_parse_long(pos, &chars) || chars < 1)
        return st->line;
    int line = st->line;
    long seen = 0;
    for (size_t i = 0; i < st->len && seen < chars - 1; i++) {
        unsigned char ch = (unsigned char)st->sql[i];
        if ((ch & 0xC0) != 0x80)
            seen++;
        if (ch == '\n' && seen < chars)
            line++;
    }
    return line;
}

static int pg_fail_statement(db_conn *c, const sql_statement *st, PGresult *res, rw_err *e)
{
    pg_fail_result(c, res, e);
    e->line = res ? pg_error_line(st, res) : st->line;
    snprintf(e->statement, sizeof e->statement, "%s", st->sql);
    return e->code;
}

/*
 * Sends the inline data of COPY ... FROM STDIN in chunks.  A failure to
 * send aborts the COPY; the server's verdict arrives as the next result.
 */
static void pg_copy_in(db_conn *c, const sql_statement *st)
{
    const char *data = st->copy_data ? st->copy_data : "";
    size_t left = st->copy_data ? st->copy_len : 0;
    const size_t chunk = 256 * 1024;
    while (left > 0) {
        int n = (int)(left < chunk ? left : chunk);
        if (PQputCopyData(c->pg, data, n) != 1)
            break;
        data += n;
        left -= (size_t)n;
    }
    PQputCopyEnd(c->pg, left > 0 ? "runway could not send the COPY data" : NULL);
}

/* Reads and discards COPY ... TO STDOUT output. */
static void pg_copy_out(db_conn *c)
{
    char *buf;
    while (PQgetCopyData(c->pg, &buf, 0) > 0)
        PQfreemem(buf);
}

/*
 * Whether a statement can leave the session on another role or
 * search_path (SET ROLE, SET SESSION AUTHORIZATION, set_config(), RESET,
 * DISCARD, pg_dump's search_path line, or dynamic SQL naming them).  Only
 * after such a statement does restoring cost a round trip; a false alarm
 * (a table named user_roles) costs that one query, nothing more.
 */
static bool pg_may_change_session(const char *sql)
{
    static const char *const words[] = {"role", "search_path", "authorization", "set_config",
                                        "reset", "discard"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(sql, words[i]))
            return true;
    return false;
}

static int postgres_exec(db_conn *c, const sql_statement *st, rw_err *e)
{
    if (!c->ran_script)
        c->ran_script = pg_may_change_session(st->sql);
    if (!PQsendQuery(c->pg, st->sql))
        return pg_fail_statement(c, st, NULL, e);
    int rc = RW_OK;
    PGresult *res;
    while ((res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COPY_IN) {
            pg_copy_in(c, st);
        } else if (status == PGRES_COPY_OUT) {
            pg_copy_out(c);
        } else if (!pg_result_ok(res) && rc == RW_OK) {
            rc = pg_fail_statement(c, st, res, e);
        }
        PQclear(res);
    }
    return rc;
}

/* Rewrites '?' placeholders (outside quotes) as $1, $2 ... */
static char *pg_number_placeholders(const char *sql)
{
    strbuf sb = STRBUF_INIT;
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            sb_addc(&sb, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            sb_addc(&sb, *p);
        } else if (*p == '?') {
            sb_addf(&sb, "$%d", ++n);
        } else {
            sb_addc(&sb, *p);
        }
    }
    return sb_detach(&sb);
}

/*
 * Rows arrive one at a time (libpq's single-row mode): a history of ten
 * thousand rows never sits in memory twice, once as a PGresult and once
 * as the caller's copy.
 */
static int postgres_query(db_conn *c, const char *sql, const char *const *params, int nparams,
                          db_row_fn fn, void *ud, rw_err *e)
{
    int restored = pg_restore_state(c, e);
    if (restored != RW_OK)
        return restored;
    char *numbered = pg_number_placeholders(sql);
    int sent = PQsendQueryParams(c->pg, numbered, nparams, NULL, params, NULL, NULL, 0);
    free(numbered);
    if (!sent) {
        int rc = pg_fail_result(c, NULL, e);
        snprintf(e->statement, sizeof e->statement, "%s", sql);
        return rc;
    }
    PQsetSingleRowMode(c->pg);
    int rc = RW_OK;
    const char **vals = NULL;
    PGresult *res;
    /* Every result is read, also after a failure, so the connection stays usable. */
    while ((res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);
        if (rc == RW_OK && st == PGRES_SINGLE_TUPLE && fn) {
            int cols = PQnfields(res);
            if (!vals)
                vals = xcalloc((size_t)cols + 1, sizeof *vals);
            for (int k = 0; k < cols; k++)
                vals[k] = PQgetisnull(res, 0, k) ? NULL : PQgetvalue(res, 0, k);
            rc = fn(ud, cols, vals, e);
        } else if (rc == RW_OK && st != PGRES_SINGLE_TUPLE && !pg_result_ok(res)) {
            rc = pg_fail_result(c, res, e);
            snprintf(e->statement, sizeof e->statement, "%s", sql);
        }
        PQclear(res);
    }
    free(vals);
    return rc;
}

static int postgres_begin(db_conn *c, rw_err *e)
{
    if (!c->pooled)
        return pg_run(c, "BEGIN", e);
    bool home = false;
    int rc = pg_begin_at_home(c, &home, e);
    return rc == RW_OK && !home ? pg_fail_off_home(c, e) : rc;
}

static int postgres_commit(db_conn *c, rw_err *e)
{
    return pg_run(c, "COMMIT", e);
}

static int postgres_rollback(db_conn *c, rw_err *e)
{
    return pg_run(c, "ROLLBACK", e);
}

/* ------------------------------------------------------------- batches */

/* One step through the single calls, as db_run_steps() runs it without a batch. */
static int pg_run_step(db_conn *c, const db_step *step, rw_err *e)
{
    switch (step->kind) {
    case DB_STEP_BEGIN:
        return postgres_begin(c, e);
    case DB_STEP_COMMIT:
        return postgres_commit(c, e);
    case DB_STEP_SCRIPT:
        return postgres_exec(c, step->st, e);
    case DB_STEP_SQL:
        return postgres_query(c, step->sql, step->params, step->nparams, NULL, NULL, e);
    }
    return rw_fail(e, RW_ERROR, "unknown batch step %d", (int)step->kind);
}

/* Skips blanks and comments, so that the first word of a statement can be read. */
static const char *pg_skip_comments(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                return p;
            p = end + 2;
        } else {
            return p;
        }
    }
}

/*
 * Whether a step cannot travel in a pipeline: COPY (libpq refuses it
 * there), a statement the splitter says must run outside a transaction
 * (the pipeline is one), and a transaction behind a pooler, which starts
 * with pg_begin_at_home's check.
 */
static bool pg_step_runs_alone(const db_conn *c, const db_step *step)
{
    if (step->kind == DB_STEP_BEGIN)
        return c->pooled;
    if (step->kind != DB_STEP_SCRIPT)
        return false;
    const char *sql = pg_skip_comments(step->st->sql);
    return step->st->copy_data || !step->st->transactional ||
           (strncasecmp(sql, "COPY", 4) == 0 && !isalnum((unsigned char)sql[4]) && sql[4] != '_');
}

/* Fills e for the step whose result failed, naming what it ran. */
static int pg_fail_step(db_conn *c, const db_step *step, PGresult *res, rw_err *e)
{
    if (step->kind == DB_STEP_SCRIPT)
        return pg_fail_statement(c, step->st, res, e);
    pg_fail_result(c, res, e);
    if (step->kind == DB_STEP_SQL)
        snprintf(e->statement, sizeof e->statement, "%s", step->sql);
    return e->code;
}

/* Queues one step in the pipeline; false when libpq could not. */
static bool pg_send_step(db_conn *c, const db_step *step)
{
    const char *sql = step->kind == DB_STEP_BEGIN    ? "BEGIN"
                      : step->kind == DB_STEP_COMMIT ? "COMMIT"
                      : step->kind == DB_STEP_SCRIPT ? step->st->sql
                                                     : NULL;
    if (sql)
        return PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0) == 1;
    char *numbered = pg_number_placeholders(step->sql);
    int sent = PQsendQueryParams(c->pg, numbered, step->nparams, NULL, step->params, NULL, NULL, 0);
    free(numbered);
    return sent == 1;
}

/*
 * Sends steps as one pipeline ending in one Sync: one round trip.  The
 * server stops at the first error and skips the rest up to the Sync
 * (PGRES_PIPELINE_ABORTED), so the failing step is known exactly.  Each
 * step's results are read in order, so server notices are shown in the
 * order they came.  Every result is read, also after a failure, so the
 * connection leaves pipeline mode usable.
 */
static int pg_pipeline(db_conn *c, const db_step *steps, size_t n, size_t *done, rw_err *e)
{
    *done = 0;
    size_t sent = 0;
    while (sent < n && pg_send_step(c, &steps[sent]))
        sent++;
    bool synced = PQpipelineSync(c->pg) == 1;
    int rc = RW_OK;
    for (size_t i = 0; i < sent; i++) {
        PGresult *res;
        while ((res = PQgetResult(c->pg)) != NULL) {
            ExecStatusType st = PQresultStatus(res);
            if (rc == RW_OK && !pg_result_ok(res))
                rc = st == PGRES_PIPELINE_ABORTED ? pg_fail_result(c, NULL, e)
                                                  : pg_fail_step(c, &steps[i], res, e);
            PQclear(res);
        }
        if (rc == RW_OK)
            *done = i + 1;
    }
    /* The Sync's own result; the connection is broken when it never comes. */
    for (PGresult *res; synced && (res = PQgetResult(c->pg)) != NULL;) {
        bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        if (sync)
            break;
    }
    if (!PQexitPipelineMode(c->pg) && rc == RW_OK)
        rc = pg_fail_result(c, NULL, e);
    if (rc == RW_OK && (sent < n || !synced))
        rc = pg_fail_step(c, &steps[sent < n ? sent : n - 1], NULL, e);
    return rc;
}

/*
 * Where the next pipeline ends: before a step that must run alone, and
 * before runway's own SQL once a statement may have changed the role or
 * search_path, which pg_restore_state must put back first.
 */
static size_t pg_pipeline_end(const db_conn *c, const db_step *steps, size_t from, size_t n)
{
    bool session_changed = c->ran_script;
    size_t i = from;
    for (; i < n && !pg_step_runs_alone(c, &steps[i]); i++) {
        if (steps[i].kind == DB_STEP_SQL && session_changed && i > from)
            break;
        if (steps[i].kind == DB_STEP_SCRIPT)
            session_changed |= pg_may_change_session(steps[i].st->sql);
    }
    return i;
}

/*
 * A migration's BEGIN and statements, or its history row and COMMIT, in
 * libpq's pipeline mode (PostgreSQL 14's libpq, any server since 7.4):
 * one round trip where one statement at a time took one each.  Steps that
 * must run alone run between pipelines; without pipeline support in the
 * loaded libpq every step runs alone.
 */
static int postgres_run_steps(db_conn *c, const db_step *steps, size_t n, size_t *done, rw_err *e)
{
    *done = 0;
    size_t i = 0;
    while (i < n) {
        size_t end = pg_pipeline_end(c, steps, i, n);
        /* Restoring takes queries of its own, which a pipeline cannot hold. */
        if (end > i + 1 && steps[i].kind == DB_STEP_SQL) {
            int rc = pg_restore_state(c, e);
            if (rc != RW_OK)
                return rc;
        }
        if (end <= i + 1 || !PQenterPipelineMode(c->pg)) {
            size_t last = end > i ? end : i + 1;
            for (; i < last; i++) {
                int rc = pg_run_step(c, &steps[i], e);
                if (rc != RW_OK)
                    return rc;
                *done = i + 1;
            }
            continue;
        }
        for (size_t k = i; k < end; k++)
            if (steps[k].kind == DB_STEP_SCRIPT && !c->ran_script)
                c->ran_script = pg_may_change_session(steps[k].st->sql);
        size_t ran = 0;
        int rc = pg_pipeline(c, steps + i, end - i, &ran, e);
        *done = i + ran;
        if (rc != RW_OK)
            return rc;
        i = end;
    }
    return RW_OK;
}

/* ------------------------------------------------------------- locking */

/* Flyway's advisory lock key for "schema"."table". */
static long long pg_lock_key(const char *schema, const char *table)
{
    strbuf name = STRBUF_INIT;
    pg_quote_ident(&name, schema);
    sb_addc(&name, '.');
    pg_quote_ident(&name, table);
    long long key = PG_LOCK_MAGIC + rw_java_string_hash(name.buf);
    sb_free(&name);
    return key;
}

/*
 * One pg_try_advisory_lock.  Behind a pooler it runs in a transaction on
 * the home server process, so the lock lands there or not at all.
 */
static int pg_try_lock(db_conn *c, const char *sql, strbuf *got, rw_err *e)
{
    if (!c->pooled)
        return pg_query_value(c, sql, NULL, got, e);
    bool home = false;
    int rc = pg_begin_at_home(c, &home, e);
    if (rc == RW_OK && !home)
        return pg_fail_off_home(c, e);
    if (rc == RW_OK)
        rc = pg_query_value(c, sql, NULL, got, e);
    if (rc == RW_OK)
        rc = pg_run(c, "COMMIT", e);
    if (rc == RW_OK && strcmp(sb_str(got), "t") == 0)
        c->lock_depth++;
    return rc;
}

/*
 * Takes the session-level advisory lock, polling once a second with
 * pg_try_advisory_lock so that a waiting runway never holds a transaction
 * or snapshot open (CREATE INDEX CONCURRENTLY in the holder waits for
 * those).  Then applies lockTimeout/statementTimeout for the migration.
 */
static int postgres_lock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(%lld)", pg_lock_key(schema, table));
    strbuf got = STRBUF_INIT;
    for (long attempt = 0;; attempt++) {
        int rc = pg_try_lock(c, sql, &got, e);
        if (rc != RW_OK) {
            sb_free(&got);
            return rc;
        }
        if (strcmp(sb_str(&got), "t") == 0)
            break;
        if (c->lock_retry_count >= 0 && attempt >= c->lock_retry_count) {
            sb_free(&got);
            return rw_fail(e, RW_ERR_LOCK,
                           "Number of retries exceeded while attempting to acquire PostgreSQL "
                           "advisory lock. Configure the number of retries with the "
                           "'lockRetryCount' configuration option");
        }
        if (attempt == 0)
            log_info("Waiting for the lock on the schema history table held by another "
                     "migration...");
        if ((rc = db_lock_wait_ms(1000, e)) != RW_OK) {
            sb_free(&got);
            return rc;
        }
    }
    sb_free(&got);
    return pg_apply_timeouts(c, e);
}

static int postgres_unlock(db_conn *c, const char *schema, const char *table, rw_err *e)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_unlock(%lld)", pg_lock_key(schema, table));
    strbuf got = STRBUF_INIT;
    bool home = true;
    int rc = c->pooled ? pg_begin_at_home(c, &home, e) : RW_OK;
    if (rc == RW_OK && !home) {
        sb_free(&got);
        return pg_fail_off_home(c, e);
    }
    if (rc == RW_OK)
        rc = pg_query_value(c, sql, NULL, &got, e);
    if (rc == RW_OK && c->pooled) {
        rc = pg_run(c, "COMMIT", e);
        c->lock_depth -= c->lock_depth > 0;
    }
    if (rc == RW_OK && strcmp(sb_str(&got), "t") != 0)
        log_warn("The advisory lock on %s.%s was not held when releasing it", schema, table);
    sb_free(&got);
    return rc;
}

/* ------------------------------------------------------------- schemas */

static int postgres_schema_exists(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    const char *params[1] = {schema};
    return pg_query_bool(c, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)",
                         params, 1, out, e);
}

static int postgres_schema_create(db_conn *c, const char *schema, rw_err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_adds(&sql, "CREATE SCHEMA ");
    pg_quote_ident(&sql, schema);
    int rc = pg_run(c, sql.buf, e);
    sb_free(&sql);
    return rc;
}

/* Objects that make a schema non-empty (extension members aside), as Flyway counts them. */
/*
 * A quick first answer for postgres_schema_is_empty: every table, view,
 * sequence, type and function made in a schema records a dependency on it,
 * so a schema that nothing depends on is empty.  Only for schemas whose
 * dependencies are recorded: those made by users, and public, which no
 * version pins (PostgreSQL 15's IsPinnedObject names it; earlier initdb
 * left it out of the pinned set).  Objects in pinned schemas (pg_catalog,
 * information_schema) record none.  One index lookup, where the full query
 * costs milliseconds of planning: on the first run against a new database,
 * and once per new tenant of a fleet.
 */
static const char pg_schema_has_no_dependents[] =
    "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n"
    " WHERE n.nspname = $1"
    " AND (n.oid >= 16384 OR n.oid = 2200)" /* FirstNormalObjectId; PG_PUBLIC_NAMESPACE */
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
    "  WHERE d.refclassid = 'pg_catalog.pg_namespace'::regclass AND d.refobjid = n.oid))";

static int postgres_schema_is_empty(db_conn *c, const char *schema, bool *out, rw_err *e)
{
    /*
     * Objects an extension owns do not count, as in Flyway.  The extension
     * lookup is a correlated subquery on (classid, objid) so that it uses
     * pg_depend's depender index: an anti-join the planner builds from a
     * plain NOT EXISTS scans all of pg_depend, which on a server holding
     * thousands of tenant schemas costs a large fraction of a second per call.
     */
    static const char sql[] =
        "SELECT NOT EXISTS ("
        " SELECT 1 FROM pg_catalog.pg_class c"
        "  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        "  WHERE n.nspname = $1 AND c.relkind IN ('r','p','v','m','S','t','f')"
        "  AND (SELECT d.objid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass"
        "   AND d.objid = c.oid AND d.deptype = 'e' LIMIT 1) IS NULL"
        " UNION ALL"
        " SELECT 1 FROM pg_catalog.pg_type t"
        "  JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
        "  WHERE n.nspname = $1 AND t.typcategory NOT IN ('A','C')"
        "  AND (SELECT d.objid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_type'::regclass"
        "   AND d.objid = t.oid AND d.deptype = 'e' LIMIT 1) IS NULL"
        " UNION ALL"
        " SELECT 1 FROM pg_catalog.pg_proc p"
        "  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
        "  WHERE n.nspname = $1"
        "  AND (SELECT d.objid FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass"
        "   AND d.objid = p.oid AND d.deptype = 'e' LIMIT 1) IS NULL)";
    const char *params[1] = {schema};
    int rc = pg_query_bool(c, pg_schema_has_no_dependents, params, 1, out, e);
    if (rc != RW_OK || *out)
        return rc;
    return pg_query_bool(c, sql, params, 1, out, e);
}

static int postgres_table_exists(db_conn *c, const char *schema, const char *table, bool *out,
                                 rw_err *e)
{
    const char *params[2] = {schema, table};
    return pg_query_bool(c,
                         "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c"
                         " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE n.nspname = $1 AND c.relname = $2"
                         " AND c.relkind IN ('r','p','v','m','f'))",
                         params, 2, out, e);
}

/* Flyway's PostgreSQL history table DDL, byte for byte. */
static void pg_history_ddl(strlist *stmts, const char *schema, const char *table,
                           const char *tablespace)
{
    strbuf q = STRBUF_INIT, ts = STRBUF_INIT, sb = STRBUF_INIT;
    pg_quote_ident(&q, schema);
    sb_addc(&q, '.');
    pg_quote_ident(&q, table);
    if (tablespace) {
        sb_adds(&ts, " TABLESPACE ");
        pg_quote_ident(&ts, tablespace);
    }
    sb_addf(&sb,
            "CREATE TABLE %s (\n"
            "    \"installed_rank\" INT NOT NULL,\n"
            "    \"version\" VARCHAR(50),\n"
            "    \"description\" VARCHAR(200) NOT NULL,\n"
            "    \"type\" VARCHAR(20) NOT NULL,\n"
            "    \"script\" VARCHAR(1000) NOT NULL,\n"
            "    \"checksum\" INTEGER,\n"
            "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
            "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
            "    \"execution_time\" INTEGER NOT NULL,\n"
            "    \"success\" BOOLEAN NOT NULL\n"
            ")%s",
            q.buf, sb_str(&ts));
    strlist_push_owned(stmts, sb_detach(&sb));

    strbuf pk = STRBUF_INIT, idx = STRBUF_INIT;
    sb_adds(&pk, table);
    sb_adds(&pk, "_pk");
    sb_adds(&idx, table);
    sb_adds(&idx, "_s_idx");
    sb_addf(&sb, "ALTER TABLE %s ADD CONSTRAINT ", q.buf);
    pg_quote_ident(&sb, pk.buf);
    sb_adds(&sb, " PRIMARY KEY (\"installed_rank\")");
    if (tablespace)
        sb_addf(&sb, " USING INDEX%s", ts.buf);
    strlist_push_owned(stmts, sb_detach(&sb));

    sb_adds(&sb, "CREATE INDEX ");
    pg_quote_ident(&sb, idx.buf);
    sb_addf(&sb, " ON %s (\"success\")%s", q.buf, sb_str(&ts));
    strlist_push_owned(stmts, sb_detach(&sb));
    sb_free(&pk);
    sb_free(&idx);
    sb_free(&q);
    sb_free(&ts);
}

/* The history table DDL as a script, for dry runs. */
static void postgres_history_create_sql(db_conn *c, const char *schema, const char *table,
                                        const rw_config *cfg, strbuf *out)
{
    (void)c;
    strlist stmts = {0};
    pg_history_ddl(&stmts, schema, table, pg_cfg(cfg, "tablespace"));
    for (size_t i = 0; i < stmts.len; i++)
        sb_addf(out, "%s;\n", stmts.items[i]);
    strlist_free(&stmts);
}

static int postgres_history_create(db_conn *c, const char *schema, const char *table,
                                   const rw_config *cfg, rw_err *e)
{
    /*
     * All or nothing, as a half-created table would block every later run:
     * the dry run's script of three statements is one query, one round trip
     * and one transaction (or inside the caller's).
     */
    strbuf sql = STRBUF_INIT;
    postgres_history_create_sql(c, schema, table, cfg, &sql);
    int rc = pg_run(c, sql.buf, e);
    sb_free(&sql);
    return rc;
}

/*
 * Queries that list DROP statements for one kind of object in schema $1,
 * in an order where CASCADE and IF EXISTS absorb the dependencies between
 * kinds.  Members of extensions are left to DROP EXTENSION, and objects
 * internal to another (a range type's constructors) go with their owner.
 */
static const char *const pg_clean_queries[] = {
    /* materialized views, views */
    "SELECT format('DROP %s IF EXISTS %I.%I CASCADE',"
    " CASE c.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, n.nspname, c.relname)"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('m','v') AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
    " ORDER BY c.relkind, c.oid DESC",
    /* tables, partitioned tables, foreign tables */
    "SELECT format('DROP %s IF EXISTS %I.%I CASCADE',"
    " CASE c.relkind WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, n.nspname, c.relname)"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('r','p','f') AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
    " ORDER BY c.oid DESC",
    /* sequences */
    "SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', n.nspname, c.relname)"
    " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')",
    /* functions, procedures, aggregates */
    "SELECT format('DROP %s IF EXISTS %I.%I(%s) CASCADE',"
    " CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,"
    " n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid))"
    " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = p.oid AND d.deptype IN ('e','i'))"
    " ORDER BY p.prokind = 'a' DESC, p.oid DESC",
    /* domains, enums, composite, range and base types */
    "SELECT format('DROP %s IF EXISTS %I.%I CASCADE',"
    " CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname)"
    " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
    " LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid"
    " WHERE n.nspname = $1 AND t.typtype IN ('b','c','d','e','r','p')"
    " AND (t.typrelid = 0 OR c.relkind = 'c')"
    " AND NOT (t.typcategory = 'A' AND t.typelem <> 0 AND t.typtype = 'b')"
    " AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = t.oid AND d.deptype IN ('e','i'))"
    " ORDER BY t.oid DESC",
    /* collations */
    "SELECT format('DROP COLLATION IF EXISTS %I.%I CASCADE', n.nspname, o.collname)"
    " FROM pg_catalog.pg_collation o JOIN pg_catalog.pg_namespace n ON n.oid = o.collnamespace"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')",
    /* text search configurations and dictionaries */
    "SELECT format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I.%I CASCADE', n.nspname, o.cfgname)"
    " FROM pg_catalog.pg_ts_config o JOIN pg_catalog.pg_namespace n ON n.oid = o.cfgnamespace"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')",
    "SELECT format('DROP TEXT SEARCH DICTIONARY IF EXISTS %I.%I CASCADE', n.nspname, o.dictname)"
    " FROM pg_catalog.pg_ts_dict o JOIN pg_catalog.pg_namespace n ON n.oid = o.dictnamespace"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')",
    /* operators over built-in functions, operator families, conversions */
    "SELECT format('DROP OPERATOR IF EXISTS %I.%s (%s, %s) CASCADE', n.nspname, o.oprname,"
    " COALESCE(pg_catalog.format_type(NULLIF(o.oprleft, 0), NULL), 'NONE'),"
    " COALESCE(pg_catalog.format_type(NULLIF(o.oprright, 0), NULL), 'NONE'))"
    " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')",
    "SELECT format('DROP OPERATOR FAMILY IF EXISTS %I.%I USING %I CASCADE', n.nspname,"
    " o.opfname, a.amname)"
    " FROM pg_catalog.pg_opfamily o JOIN pg_catalog.pg_namespace n ON n.oid = o.opfnamespace"
    " JOIN pg_catalog.pg_am a ON a.oid = o.opfmethod"
    " WHERE n.nspname = $1 AND NOT EXISTS (SELECT 1 FROM"
    " pg_catalog.pg_depend d WHERE d.objid = o.oid AND d.deptype = 'e')",
    "SELECT format('DROP CONVERSION IF EXISTS %I.%I CASCADE', n.nspname, o.conname)"
    " FROM pg_catalog.pg_conversion o JOIN pg_catalog.pg_namespace n ON n.oid = o.connamespace"
    " WHERE n.nspname = $1",
    /* extensions installed into the schema by this user */
    "SELECT format('DROP EXTENSION IF EXISTS %I CASCADE', x.extname)"
    " FROM pg_catalog.pg_extension x JOIN pg_catalog.pg_namespace n ON n.oid = x.extnamespace"
    " WHERE n.nspname = $1 AND x.extowner = (SELECT oid FROM pg_catalog.pg_roles"
    " WHERE rolname = current_user)",
};

typedef struct pg_drop_list {
    strlist stmts;
} pg_drop_list;

static int pg_collect_drop(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    pg_drop_list *l = ud;
    if (ncols > 0 && vals[0])
        strlist_push(&l->stmts, vals[0]);
    return RW_OK;
}

static int postgres_clean_schema(db_conn *c, const char *schema, bool drop_schema, rw_err *e)
{
    if (drop_schema) {
        strbuf sql = STRBUF_INIT;
        sb_adds(&sql, "DROP SCHEMA IF EXISTS ");
        pg_quote_ident(&sql, schema);
        sb_adds(&sql, " CASCADE");
        int rc = pg_run(c, sql.buf, e);
        sb_free(&sql);
        return rc;
    }
    const char *params[1] = {schema};
    int rc = RW_OK;
    c->quiet_notices = true;
    for (size_t q = 0; q < sizeof pg_clean_queries / sizeof pg_clean_queries[0] && rc == RW_OK;
         q++) {
        pg_drop_list l = {{0}};
        rc = postgres_query(c, pg_clean_queries[q], params, 1, pg_collect_drop, &l, e);
        for (size_t i = 0; i < l.stmts.len && rc == RW_OK; i++) {
            log_debug("clean: %s", l.stmts.items[i]);
            rc = pg_run(c, l.stmts.items[i], e);
            if (rc != RW_OK)
                snprintf(e->statement, sizeof e->statement, "%s", l.stmts.items[i]);
        }
        strlist_free(&l.stmts);
    }
    c->quiet_notices = false;
    return rc;
}

/* ---------------------------------------------------------------- cancelling */

/* PQcancel() is thread-safe; the PGcancel it needs is taken here, on the connection's thread. */
static db_cancel *pg_cancel_prepare(db_conn *c, const rw_config *cfg)
{
    (void)cfg;
    return (db_cancel *)PQgetCancel(c->pg);
}

static int pg_cancel(db_cancel *h, rw_err *e)
{
    char why[256] = "";
    if (!PQcancel((PGcancel *)h, why, (int)sizeof why))
        return rw_fail(e, RW_ERR_DB_CONNECTION, "cancelling the running statement failed: %s",
                       why);
    return RW_OK;
}

static void pg_cancel_free(db_cancel *h)
{
    PQfreeCancel((PGcancel *)h);
}

const db_ops db_postgres_ops = {
    .name = "postgresql",
    .product = "PostgreSQL",
    .dialect = &sql_dialect_postgres,
    .ddl_transactions = true,
    .handles_url = postgres_handles_url,
    .connect = postgres_connect,
    .close = postgres_close,
    .rebind = postgres_rebind,
    .server_version = postgres_server_version,
    .current_schema = postgres_current_schema,
    .current_user = postgres_current_user,
    .database_name = postgres_database_name,
    .exec = postgres_exec,
    .query = postgres_query,
    .begin = postgres_begin,
    .commit = postgres_commit,
    .rollback = postgres_rollback,
    .run_steps = postgres_run_steps,
    .quote_ident = pg_quote_ident,
    .bool_true = "TRUE",
    .bool_false = "FALSE",
    .lock = postgres_lock,
    .unlock = postgres_unlock,
    .schema_exists = postgres_schema_exists,
    .list_schemas_sql = "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname LIKE ? "
                        "ORDER BY 1",
    .schema_create = postgres_schema_create,
    .schema_is_empty = postgres_schema_is_empty,
    .table_exists = postgres_table_exists,
    .history_create = postgres_history_create,
    .clean_schema = postgres_clean_schema,
    .history_create_sql = postgres_history_create_sql,
    .cancel_prepare = pg_cancel_prepare,
    .cancel = pg_cancel,
    .cancel_free = pg_cancel_free,
};
