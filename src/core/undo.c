/*
 * undo.c - running undo migrations.  Each U file runs like a versioned
 * migration: under the history lock, in a transaction unless it cannot
 * run in one, with the beforeEachUndo/afterEachUndo callbacks, and leaves
 * an UNDO_SQL row whose version is the one undone.
 */
#include "core/undo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"

void undo_result_free(undo_result *r)
{
    free(r->initial_version);
    free(r->target_version);
    free(r->done);
    memset(r, 0, sizeof *r);
}

/* Applied versioned entries to undo, newest (highest rank) first. */
static size_t undo_select(const rw_plan *p, const rw_version *target, const plan_entry **out)
{
    size_t n = 0;
    for (size_t i = 0; i < p->len; i++) {
        const plan_entry *en = &p->items[i];
        if (!en->row || !en->row->version || !en->row->success ||
            (en->state != ST_SUCCESS && en->state != ST_OUT_OF_ORDER))
            continue;
        if (target && version_cmp(&en->row->ver, target) <= 0)
            continue;
        out[n++] = en;
    }
    /* sort by installed_rank, descending */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j]->row->installed_rank > out[j - 1]->row->installed_rank;
             j--) {
            const plan_entry *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return target ? n : (n > 0 ? 1 : 0);
}

static int undo_check_failed(rw_session *s, rw_err *e)
{
    for (size_t i = 0; i < s->plan.len; i++) {
        const plan_entry *en = &s->plan.items[i];
        if (plan_state_is_failed(en->state))
            return rw_fail(e, RW_ERR_FAILED_VERSIONED,
                           "Schema %s contains a failed migration%s%s: run repair before "
                           "undo.",
                           session_schema_quoted(s), en->row->version ? " to version " : "",
                           en->row->version ? en->row->version : "");
    }
    for (size_t i = 0; i < s->hist.len; i++)
        if (!s->hist.rows[i].success && rw_starts_with(s->hist.rows[i].type, "UNDO_"))
            return rw_fail(e, RW_ERR_FAILED_VERSIONED,
                           "Schema %s contains a failed undo of version %s: remove any "
                           "half-completed changes, then run repair.",
                           session_schema_quoted(s), s->hist.rows[i].version);
    return RW_OK;
}

static void undo_describe_failure(const rw_migration *u, bool recorded, rw_err *e)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    const char *what = recorded ? "The database could not roll it back: remove any "
                                  "half-completed changes, then run repair."
                                : "Nothing was changed.";
    if (e->line)
        rw_fail(e, RW_ERR_FAILED_VERSIONED, "Undo migration %s failed at %s:%d: %s. %s",
                u->filename, u->path, e->line, msg, what);
    else
        rw_fail(e, RW_ERR_FAILED_VERSIONED, "Undo migration %s failed: %s. %s", u->filename, msg,
                what);
    snprintf(e->path, sizeof e->path, "%s", u->path);
}

/* Runs one U file and records its UNDO_SQL row. */
static int undo_one(rw_session *s, const rw_migration *u, int *elapsed, rw_err *e)
{
    const db_ops *ops = s->db.ops;
    sql_script script = {0};
    int rc = session_load_script(s, u->path, u->placeholder_replacement != 0, &script, e);
    if (rc != RW_OK)
        return rc;
    bool tx = u->execute_in_transaction != 0 && config_get_bool(s->cfg, "executeInTransaction") &&
              !sql_script_has_nontransactional(&script);
    rc = ops->lock(s->db.conn, s->hist.schema, s->hist.table, e);
    if (rc != RW_OK) {
        sql_script_free(&script);
        return rc;
    }
    log_info("Undoing migration of schema %s to version \"%s%s%s\"", session_schema_quoted(s),
             u->version.text, *u->description ? " - " : "", u->description);
    int64_t t0 = rw_now_ms();
    if (tx)
        rc = ops->begin(s->db.conn, e);
    if (rc == RW_OK)
        rc = history_refresh(&s->db, &s->hist, e);
    if (rc == RW_OK)
        rc = session_callbacks(s, "beforeEachUndo", !tx, e);
    if (rc == RW_OK)
        rc = session_exec_script(s, u->path, &script, e);
    if (rc == RW_OK)
        rc = session_callbacks(s, "afterEachUndo", !tx, e);
    *elapsed = (int)(rw_now_ms() - t0);
    if (rc == RW_OK)
        rc = session_record(s, u, *elapsed, true, e);
    if (rc == RW_OK && tx)
        rc = ops->commit(s->db.conn, e);
    if (rc != RW_OK) {
        rw_err ig;
        rw_err_clear(&ig);
        if (tx)
            ops->rollback(s->db.conn, &ig);
        bool recorded = !(tx && ops->ddl_transactions);
        if (recorded && session_record(s, u, *elapsed, false, &ig) != RW_OK)
            log_error("Unable to record the failed undo in %s: %s", s->hist.qualified, ig.msg);
        session_callbacks(s, "afterEachUndoError", true, &ig);
        undo_describe_failure(u, recorded, e);
    }
    sql_script_free(&script);
    rw_err ig;
    ops->unlock(s->db.conn, s->hist.schema, s->hist.table, &ig);
    return rc;
}

/*
 * The file name an undo migration for row would have: the applied script's
 * name with the undo prefix ("V1_12_31__add.sql" -> "U1_12_31__add.sql"), or
 * one built from the version as file names write it (underscores, not dots).
 */
static char *undo_file_name(const rw_session *s, const rw_history_row *row)
{
    const char *prefix = config_get(s->cfg, "sqlMigrationPrefix");
    const char *undo_prefix = config_get(s->cfg, "undoSqlMigrationPrefix");
    const char *script = row->script ? strrchr(row->script, '/') : NULL;
    script = script ? script + 1 : row->script;
    if (script && prefix && *prefix && rw_starts_with(script, prefix))
        return xasprintf("%s%s", undo_prefix, script + strlen(prefix));
    char *version = xstrdup(row->version);
    for (char *p = version; *p; p++)
        if (*p == '.')
            *p = '_';
    char *name = xasprintf("%s%s%s...", undo_prefix, version,
                           config_get(s->cfg, "sqlMigrationSeparator"));
    free(version);
    return name;
}

int undo_run(rw_session *s, const char *target, undo_result *r, rw_err *e)
{
    memset(r, 0, sizeof *r);
    rw_version tv = {0};
    bool has_target = target && *target && !rw_str_ieq(target, "latest");
    if (has_target && version_parse(target, &tv, e) != RW_OK)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid undo target '%s': use the version to undo down to, e.g. 2",
                       target);
    int rc = s->hist_exists ? undo_check_failed(s, e) : RW_OK;
    const char *cur = s->hist_exists ? plan_current_version(&s->plan, &s->hist) : NULL;
    r->initial_version = cur ? xstrdup(cur) : NULL;
    const plan_entry **list = xcalloc(s->plan.len + 1, sizeof *list);
    size_t n = rc == RW_OK ? undo_select(&s->plan, has_target ? &tv : NULL, list) : 0;
    for (size_t i = 0; i < n && rc == RW_OK; i++) {
        if (list[i]->undo)
            continue;
        char *name = undo_file_name(s, list[i]->row);
        rc = rw_fail(e, RW_ERR_VALIDATE,
                     "Unable to undo migration to version %s (%s): no undo migration %s found "
                     "in the locations. Nothing was undone.",
                     list[i]->row->version, list[i]->row->description, name);
        free(name);
    }
    if (rc == RW_OK && n == 0)
        log_info("Schema %s has no applied versioned migration to undo%s%s",
                 session_schema_quoted(s), has_target ? " above version " : "",
                 has_target ? target : "");
    if (rc == RW_OK && n)
        rc = session_callbacks(s, "beforeUndo", true, e);
    r->done = xcalloc(n + 1, sizeof *r->done);
    for (size_t i = 0; i < n && rc == RW_OK; i++) {
        int ms = 0;
        progress_step_begin(list[i]->undo->filename, i + 1, n);
        rc = undo_one(s, list[i]->undo, &ms, e);
        progress_step_end(list[i]->undo->filename, i + 1, n, ms, rc == RW_OK);
        if (rc == RW_OK) {
            r->done[r->ndone].undo = list[i]->undo;
            r->done[r->ndone++].execution_time = ms;
        }
    }
    free(list);
    version_free(&tv);
    if (n) {
        rw_err ce;
        rw_err_clear(&ce);
        if (rc == RW_OK)
            rc = session_callbacks(s, "afterUndo", true, e);
        else if (session_callbacks(s, "afterUndoError", true, &ce) != RW_OK)
            log_error("%s", ce.msg);
    }
    session_plan(s, &(rw_err){0});
    cur = s->plan_built && s->hist_exists ? plan_current_version(&s->plan, &s->hist) : NULL;
    r->target_version = cur ? xstrdup(cur) : NULL;
    if (rc == RW_OK && r->ndone)
        log_info("Successfully undid %zu migration%s of schema %s, now at version %s",
                 r->ndone, r->ndone == 1 ? "" : "s", session_schema_quoted(s),
                 cur ? cur : "<< Empty Schema >>");
    return rc;
}
