/*
 * session.c - opening a database for a command and the script plumbing
 * shared by migrate, callbacks and undo.
 */
#include "core/session.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aws/aws.h"
#include "core/log.h"
#include "core/stop.h"

const char *session_schema(const rw_session *s)
{
    return s->default_schema ? s->default_schema : "";
}

const char *session_schema_quoted(const rw_session *s)
{
    return s->schema_quoted ? s->schema_quoted : "\"\"";
}

char *session_quote(const rw_session *s, const char *name)
{
    strbuf sb = STRBUF_INIT;
    if (s->ops_quote)
        s->ops_quote(&sb, name);
    else
        sb_addf(&sb, "\"%s\"", name);
    return sb_detach(&sb);
}

/*
 * A defaultSchema missing from schemas is managed first, as in Flyway's
 * SchemaHistoryFactory: created (with createSchemas) ahead of the others,
 * recorded in the SCHEMA row, cleaned by clean.
 */
static void session_add_default_schema(rw_session *s, const char *ds)
{
    if (strlist_contains(&s->schemas, ds))
        return;
    strlist all = {0};
    strlist_push(&all, ds);
    for (size_t i = 0; i < s->schemas.len; i++)
        strlist_push(&all, s->schemas.items[i]);
    strlist_free(&s->schemas);
    s->schemas = all;
}

static const rw_resources *shared_scan;

void session_share_scan(const rw_resources *res)
{
    shared_scan = res;
}

/* The scan's warnings, and its invalid names: an error with validateMigrationNaming. */
static int session_scan_report(rw_session *s, rw_err *e)
{
    rw_config *cfg = s->cfg;
    for (size_t i = 0; i < s->res.warnings.len; i++)
        log_warn("%s", s->res.warnings.items[i]);
    if (s->res.invalid_names.len) {
        if (config_get_bool(cfg, "validateMigrationNaming")) {
            strbuf sb = STRBUF_INIT;
            sb_adds(&sb, "Invalid SQL filenames found:");
            for (size_t i = 0; i < s->res.invalid_names.len; i++)
                sb_addf(&sb, "\n%s", s->res.invalid_names.items[i]);
            rw_fail(e, RW_ERR_INVALID_NAME, "%s", sb_str(&sb));
            sb_free(&sb);
            return e->code;
        }
        for (size_t i = 0; i < s->res.invalid_names.len; i++)
            log_debug("%s", s->res.invalid_names.items[i]);
        char *w = xasprintf("%zu SQL migrations were detected but not run because they did not "
                            "follow the filename convention. Set validateMigrationNaming to true "
                            "to see which files and why.",
                            s->res.invalid_names.len);
        log_warn("%s", w);
        strlist_push_owned(&s->warnings, w);
    }
    return RW_OK;
}

/* Starts the scan, or takes the one a fleet shares (then *job stays NULL). */
static int session_scan_start(rw_session *s, rw_config *cfg, scan_job **job, rw_err *e)
{
    s->cfg = cfg;
    *job = NULL;
    if (shared_scan) {
        s->res = *shared_scan;
        s->res_shared = true;
        return RW_OK;
    }
    return scan_start(cfg, &s->res, job, e);
}

static int session_scan_finish(rw_session *s, scan_job *job, rw_err *e)
{
    if (!job)
        return RW_OK;
    int rc = scan_finish(job, e);
    return rc == RW_OK ? session_scan_report(s, e) : rc;
}

int session_scan(rw_session *s, rw_config *cfg, rw_err *e)
{
    scan_job *job;
    int rc = session_scan_start(s, cfg, &job, e);
    return rc == RW_OK ? session_scan_finish(s, job, e) : rc;
}

/* Flyway's ${flyway:*} values for this connection. */
static void session_builtin_placeholders(rw_session *s)
{
    rw_placeholders *ph = &s->ph;
    placeholders_set_builtin(ph, "defaultSchema", session_schema(s));
    /*
     * Flyway defines ${flyway:user} and ${flyway:database} only when the
     * database has a user and a catalog; on SQLite using them fails with
     * "Failed to populate value for default placeholder" instead of
     * silently becoming empty text.
     */
    if (s->installed_by && *s->installed_by)
        placeholders_set_builtin(ph, "user", s->installed_by);
    if (s->database_name && *s->database_name)
        placeholders_set_builtin(ph, "database", s->database_name);
    placeholders_set_builtin(ph, "table", config_get(s->cfg, "table"));
    placeholders_set_builtin(ph, "environment", config_get(s->cfg, "environment"));
    char cwd[PATH_MAX];
    const char *wd = config_get(s->cfg, "workingDirectory");
    placeholders_set_builtin(ph, "workingDirectory", wd ? wd : getcwd(cwd, sizeof cwd) ? cwd : "");
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
    placeholders_set_builtin(ph, "timestamp", ts);
}

/* The connection a worker keeps between targets, with what was asked of it once. */
static struct {
    bool on;
    char *key;            /* the settings it was made with (session_conn_key) */
    rw_db db;
    char *url_display;
    char *server_version;
    char *user;           /* current_user, when it was asked */
    char *database_name;
} kept;

static void session_kept_close(void)
{
    db_close(&kept.db);
    free(kept.key);
    free(kept.url_display);
    free(kept.server_version);
    free(kept.user);
    free(kept.database_name);
    bool on = kept.on;
    memset(&kept, 0, sizeof kept);
    kept.on = on;
}

void session_keep_connection(bool keep)
{
    if (!keep)
        session_kept_close();
    kept.on = keep;
}

static bool session_per_target_key(const char *key)
{
    return strcmp(key, "defaultSchema") == 0 || strcmp(key, "schemas") == 0 ||
           rw_starts_with(key, "placeholders.");
}

static void session_add_key(void *ud, const char *key, const char *value)
{
    if (!session_per_target_key(key))
        sb_addf(ud, "%s=%s\n", key, value);
}

/*
 * Every setting but the per-target ones, before a secret or an IAM token
 * fills in the password: two targets with the same key may share a
 * connection.  It holds passwords: compared, never printed.
 */
static char *session_conn_key(const rw_config *cfg)
{
    strbuf sb = STRBUF_INIT;
    config_each_prefix(cfg, "", session_add_key, &sb);
    return sb_detach(&sb);
}

/* Takes the kept connection when it was made with the same settings and rebinds to cfg. */
static bool session_take_kept(rw_session *s)
{
    if (!kept.db.conn)
        return false;
    rw_err ignored;
    rw_err_clear(&ignored);
    if (strcmp(kept.key, s->conn_key) != 0 || !kept.db.ops->rebind ||
        kept.db.ops->rebind(kept.db.conn, s->cfg, &ignored) != RW_OK) {
        if (ignored.code)
            log_debug("Not reusing the connection: %s", ignored.msg);
        session_kept_close();
        return false;
    }
    s->db = kept.db;
    s->url_display = kept.url_display;
    s->server_version = kept.server_version;
    free(kept.key);
    kept.key = NULL;
    kept.db.conn = NULL;
    kept.db.ops = NULL;
    kept.url_display = kept.server_version = NULL;
    return true;
}

/*
 * Keeps the session's connection for the next target instead of closing
 * it, when the driver can rebind it and nothing wrapped it (a dry run).
 */
static bool session_park(rw_session *s)
{
    if (!kept.on || !s->conn_key || !s->db.conn || s->dry_run || !s->db.ops->rebind)
        return false;
    if (kept.db.conn)
        session_kept_close();
    free(kept.key);
    free(kept.url_display);
    free(kept.server_version);
    kept.key = s->conn_key;
    kept.db = s->db;
    kept.url_display = s->url_display;
    kept.server_version = s->server_version;
    s->conn_key = s->url_display = s->server_version = NULL;
    s->db.conn = NULL;
    s->db.ops = NULL;
    return true;
}

/* A fact asked of the connection (user, database), once per kept connection. */
static int session_ask_once(rw_session *s, int (*ask)(db_conn *, strbuf *, rw_err *),
                            char **cache, strbuf *out, rw_err *e)
{
    sb_reset(out);
    if (*cache) {
        sb_adds(out, *cache);
        return RW_OK;
    }
    int rc = ask(s->db.conn, out, e);
    if (rc == RW_OK && kept.on && s->db.ops->rebind)
        *cache = xstrdup(sb_str(out));
    return rc;
}

int session_db_open(rw_config *cfg, rw_db *db, rw_err *e)
{
    int rc = aws_prepare_config(cfg, e);
    if (rc != RW_OK)
        return rc;
    rc = db_open(cfg, db, e);
    if (rc != RW_OK && aws_secret_refresh_after_refusal(cfg, e)) {
        rw_err_clear(e);
        rc = db_open(cfg, db, e);
    }
    return rc;
}

/* Connects, or takes back the connection a previous target on the same server left. */
static int session_attach(rw_session *s, rw_err *e)
{
    if (kept.on) {
        s->conn_key = session_conn_key(s->cfg);
        if (session_take_kept(s))
            return RW_OK;
    }
    int rc = session_db_open(s->cfg, &s->db, e);
    s->url_display = config_redact_url(config_get(s->cfg, "url"));
    if (rc != RW_OK)
        return rc;
    strbuf sb = STRBUF_INIT;
    rc = s->db.ops->server_version(s->db.conn, &sb, e);
    s->server_version = rc == RW_OK ? sb_detach(&sb) : NULL;
    sb_free(&sb);
    return rc;
}

static int session_connect(rw_session *s, rw_err *e)
{
    int rc = session_attach(s, e);
    if (rc != RW_OK)
        return rc;
    stop_watch(&s->db, s->cfg);
    strbuf sb = STRBUF_INIT;
    const db_ops *ops = s->db.ops;
    log_info("Database: %s (%s)", s->url_display, s->server_version);

    config_get_list(s->cfg, "schemas", &s->schemas);
    const char *ds = config_get(s->cfg, "defaultSchema");
    if (ds && *ds) {
        s->default_schema = xstrdup(ds);
        session_add_default_schema(s, ds);
    } else if (s->schemas.len) {
        s->default_schema = xstrdup(s->schemas.items[0]);
    } else {
        if ((rc = ops->current_schema(s->db.conn, &sb, e)) != RW_OK)
            goto out;
        if (sb.len == 0) {
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "Unable to determine schema for the schema history table. Set a default "
                         "schema for the connection or specify one using the 'defaultSchema' "
                         "property");
            goto out;
        }
        s->default_schema = sb_detach(&sb);
    }
    s->ops_quote = ops->quote_ident;
    s->schema_quoted = session_quote(s, s->default_schema);
    const char *by = config_get(s->cfg, "installedBy");
    if (by) {
        s->installed_by = xstrdup(by);
    } else {
        if ((rc = session_ask_once(s, ops->current_user, &kept.user, &sb, e)) != RW_OK)
            goto out;
        s->installed_by = sb_detach(&sb);
    }
    sb_reset(&sb);
    if (ops->database_name &&
        (rc = session_ask_once(s, ops->database_name, &kept.database_name, &sb, e)) != RW_OK)
        goto out;
    s->database_name = sb.len ? sb_detach(&sb) : NULL;
out:
    sb_free(&sb);
    return rc;
}

int session_plan(rw_session *s, rw_err *e)
{
    if (s->plan_built)
        plan_free(&s->plan);
    s->plan_built = false;
    int rc = plan_build(&s->res, &s->hist, config_get(s->cfg, "target"),
                        config_get_bool(s->cfg, "outOfOrder"), &s->plan, e);
    s->plan_built = rc == RW_OK;
    return rc;
}

int session_reload(rw_session *s, rw_err *e)
{
    if (s->hist_exists) {
        int rc = history_refresh(&s->db, &s->hist, e);
        if (rc != RW_OK)
            return rc;
    }
    return session_plan(s, e);
}

/* Connects and reads the history table: nothing here writes to the database. */
static int session_read_history(rw_session *s, rw_err *e)
{
    int rc = session_connect(s, e);
    if (rc != RW_OK)
        return rc;
    history_init(&s->hist, &s->db, s->default_schema, config_get(s->cfg, "table"));
    rc = history_exists(&s->db, &s->hist, &s->hist_exists, e);
    if (rc == RW_OK && s->hist_exists)
        rc = history_refresh(&s->db, &s->hist, e);
    return rc;
}

/*
 * The files are walked and read on another thread while the database
 * answers; a problem with the files is reported before one with the
 * database, as when they were read first.
 */
int session_open(rw_session *s, rw_config *cfg, rw_err *e)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    scan_job *job;
    int rc = session_scan_start(s, cfg, &job, e);
    if (rc != RW_OK)
        return rc;
    rw_err dbe;
    rw_err_clear(&dbe);
    int dbrc = session_read_history(s, &dbe);
    rc = session_scan_finish(s, job, e);
    if (rc != RW_OK)
        return rc;
    if (dbrc != RW_OK) {
        *e = dbe;
        return dbrc;
    }
    placeholders_init(&s->ph, cfg);
    session_builtin_placeholders(s);
    rc = scan_repeatable_checksums(&s->res, &s->ph, e);
    if (rc == RW_OK)
        rc = session_plan(s, e);
    return rc;
}

void session_close(rw_session *s)
{
    if (s->plan_built)
        plan_free(&s->plan);
    if (s->hist.qualified)
        history_free(&s->hist);
    stop_unwatch(&s->db);
    if (!session_park(s)) {
        db_close(&s->db);
        if (!kept.db.conn)
            session_kept_close(); /* the facts asked of that connection go with it */
    }
    free(s->conn_key);
    placeholders_free(&s->ph);
    if (!s->res_shared)
        scan_resources_free(&s->res);
    strlist_free(&s->schemas);
    strlist_free(&s->warnings);
    free(s->default_schema);
    free(s->schema_quoted);
    free(s->url_display);
    free(s->server_version);
    free(s->installed_by);
    free(s->database_name);
    memset(s, 0, sizeof *s);
}

int session_load_script(rw_session *s, const char *path, bool replace_placeholders,
                        sql_script *out, rw_err *e)
{
    strbuf raw = STRBUF_INIT, text = STRBUF_INIT;
    int rc = scan_read_script(path, &raw, e);
    if (rc == RW_OK && replace_placeholders)
        rc = placeholders_apply(&s->ph, raw.buf, raw.len, path, &text, e);
    else if (rc == RW_OK)
        sb_add(&text, raw.buf, raw.len);
    const char *body = sb_str(&text);
    size_t len = text.len;
    /* A BOM is not part of the first statement. */
    if (len >= 3 && (unsigned char)body[0] == 0xEF && (unsigned char)body[1] == 0xBB &&
        (unsigned char)body[2] == 0xBF) {
        body += 3;
        len -= 3;
    }
    if (rc == RW_OK) {
        rc = s->db.ops->dialect->split(body, len, out, e);
        if (rc != RW_OK) {
            int line = e->line;
            snprintf(e->path, sizeof e->path, "%s", path);
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            rw_fail(e, RW_ERR_PARSE, "%s:%d: unable to parse the script: %s", path, line, msg);
            e->line = line;
        } else if (out->hidden_line) {
            rc = sql_script_hidden_error(out, path, e);
        }
    }
    sb_free(&raw);
    sb_free(&text);
    return rc;
}

/*
 * A stop (signal, deadline) is checked before and after each statement: a
 * cancelled statement may still end without an error (MySQL's SLEEP), and
 * the cancel may land between two statements.
 */
int session_exec_script(rw_session *s, const char *path, const sql_script *script, rw_err *e)
{
    return session_exec_counted(s, path, script, NULL, e);
}

int session_exec_counted(rw_session *s, const char *path, const sql_script *script, size_t *ran,
                         rw_err *e)
{
    for (size_t i = 0; i < script->len; i++) {
        if (ran)
            *ran = i;
        const sql_statement *st = &script->stmts[i];
        log_debug("Executing SQL: %s", st->sql);
        int rc = stop_requested() ? stop_fail(e) : s->db.ops->exec(s->db.conn, st, e);
        if (stop_requested())
            rc = stop_fail(e);
        if (rc != RW_OK) {
            snprintf(e->path, sizeof e->path, "%s", path);
            e->line = st->line;
            snprintf(e->statement, sizeof e->statement, "%s", st->sql);
            return rc;
        }
    }
    if (ran)
        *ran = script->len;
    return RW_OK;
}

bool session_has_callbacks(const rw_session *s, const char *event)
{
    for (size_t i = 0; i < s->res.ncbs; i++)
        if (strcmp(s->res.cbs[i].event, event) == 0)
            return true;
    return false;
}

int session_callbacks(rw_session *s, const char *event, bool own_tx, rw_err *e)
{
    for (size_t i = 0; i < s->res.ncbs; i++) {
        const rw_callback *cb = &s->res.cbs[i];
        if (strcmp(cb->event, event) != 0)
            continue;
        log_info("Executing SQL callback: %s - %s", event, cb->description);
        sql_script script = {0};
        int rc = session_load_script(s, cb->path, true, &script, e);
        bool tx = own_tx && !sql_script_has_nontransactional(&script) &&
                  config_get_bool(s->cfg, "executeInTransaction");
        if (rc == RW_OK && tx)
            rc = s->db.ops->begin(s->db.conn, e);
        if (rc == RW_OK)
            rc = session_exec_script(s, cb->path, &script, e);
        if (tx) {
            if (rc == RW_OK) {
                rc = s->db.ops->commit(s->db.conn, e);
            } else {
                rw_err ignored;
                s->db.ops->rollback(s->db.conn, &ignored);
            }
        }
        sql_script_free(&script);
        if (rc != RW_OK) {
            /* Placeholder and parse errors already start with "path:line: ". */
            char msg[sizeof e->msg];
            snprintf(msg, sizeof msg, "%s", e->msg);
            char *where = xasprintf("%s:%d: ", cb->path, e->line);
            rw_fail(e, e->code, "Error while executing %s callback: %s%s", event,
                    rw_starts_with(msg, where) ? "" : where, msg);
            free(where);
            return rc;
        }
    }
    return RW_OK;
}

int session_create_history(rw_session *s, rw_err *e)
{
    log_info("Creating Schema History table %s ...", s->hist.qualified);
    int rc = history_create(&s->db, &s->hist, s->cfg, e);
    if (rc == RW_OK)
        s->hist_exists = true;
    return rc;
}

/* Flyway truncates long values instead of failing on the column size. */
static char *session_truncate(const char *s, size_t max, bool keep_end)
{
    size_t n = strlen(s);
    if (n <= max)
        return xstrdup(s);
    if (keep_end)
        return xasprintf("...%s", s + n - (max - 3));
    char *t = xmalloc(max + 1);
    memcpy(t, s, max - 3);
    memcpy(t + max - 3, "...", 4);
    return t;
}

void session_fill_row(const rw_session *s, const rw_migration *m, rw_history_row *row)
{
    memset(row, 0, sizeof *row);
    row->version = m->type == MIG_REPEATABLE ? NULL : xstrdup(m->version.text);
    row->description = session_truncate(m->description, 200, false);
    row->type = xstrdup(m->type == MIG_UNDO ? "UNDO_SQL" : "SQL");
    row->script = session_truncate(m->script, 1000, true);
    row->has_checksum = true;
    row->checksum = m->checksum;
    row->installed_by = xstrdup(s->installed_by ? s->installed_by : "");
    row->success = true;
}

int session_record(rw_session *s, const rw_migration *m, int execution_ms, bool success,
                   rw_err *e)
{
    rw_history_row row;
    session_fill_row(s, m, &row);
    row.installed_rank = history_next_rank(&s->hist);
    row.execution_time = execution_ms;
    row.success = success;
    int rc = history_insert_row(&s->db, &s->hist, &row, e);
    history_row_free(&row);
    return rc;
}
