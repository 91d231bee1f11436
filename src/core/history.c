/*
 * history.c - the flyway_schema_history table, with Flyway's column
 * contents.  Rows are read incrementally (installed_rank > last seen), so a
 * run over N migrations reads each row once.
 */
#include "core/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void history_row_free(rw_history_row *r)
{
    version_free(&r->ver);
    if (!r->in_arena) {
        free(r->version);
        free(r->description);
        free(r->type);
        free(r->script);
        free(r->installed_by);
        free(r->installed_on);
    }
    memset(r, 0, sizeof *r);
}

/*
 * Copies the six strings of a row into one block of the history's arena:
 * a history of ten thousand rows was 60,000 small allocations, a quarter
 * of the memory of a run.  A NULL version stays NULL; a version written as
 * its parsed form (r->ver, set by the caller) shares that text.  The type,
 * installed_by and installed_on usually repeat the previous row's; then
 * they share its copy, which lives in the same arena as long as this one.
 */
static void history_row_pack(rw_history *h, rw_history_row *r, const char *version,
                             const char *description, const char *type, const char *script,
                             const char *installed_by, const char *installed_on)
{
    const rw_history_row *prev = NULL;
    if (h->len >= 2 && &h->rows[h->len - 1] == r && h->rows[h->len - 2].in_arena)
        prev = &h->rows[h->len - 2];
    const char *src[6] = {version, description, type, script, installed_by, installed_on};
    char *same[6] = {NULL};
    if (version && r->ver.text && strcmp(r->ver.text, version) == 0)
        same[0] = r->ver.text;
    if (prev) {
        char *const before[6] = {NULL, NULL, prev->type, NULL, prev->installed_by,
                                 prev->installed_on};
        for (int i = 2; i < 6; i++)
            if (before[i] && src[i] && strcmp(before[i], src[i]) == 0)
                same[i] = before[i];
    }
    size_t len[6], total = 0;
    for (int i = 0; i < 6; i++) {
        len[i] = src[i] && !same[i] ? strlen(src[i]) + 1 : 0;
        total += len[i];
    }
    char *block = arena_alloc(&h->arena, total ? total : 1), *p = block;
    char *dst[6];
    for (int i = 0; i < 6; i++) {
        dst[i] = same[i] ? same[i] : src[i] ? memcpy(p, src[i], len[i]) : NULL;
        p += len[i];
    }
    r->in_arena = true;
    r->version = dst[0];
    r->description = dst[1];
    r->type = dst[2];
    r->script = dst[3];
    r->installed_by = dst[4];
    r->installed_on = dst[5];
}

/* Gives a packed row separately owned strings again, so one can be replaced. */
static void history_row_unpack(rw_history_row *r)
{
    if (!r->in_arena)
        return;
    r->version = r->version ? xstrdup(r->version) : NULL;
    r->description = xstrdup(r->description);
    r->type = xstrdup(r->type);
    r->script = xstrdup(r->script);
    r->installed_by = xstrdup(r->installed_by);
    r->installed_on = xstrdup(r->installed_on);
    r->in_arena = false; /* the arena keeps the old block until the history goes */
}

void history_init(rw_history *h, rw_db *db, const char *schema, const char *table)
{
    memset(h, 0, sizeof *h);
    h->schema = xstrdup(schema);
    h->table = xstrdup(table);
    strbuf q = STRBUF_INIT;
    db->ops->quote_ident(&q, schema);
    sb_addc(&q, '.');
    db->ops->quote_ident(&q, table);
    h->qualified = sb_detach(&q);
}

void history_free(rw_history *h)
{
    for (size_t i = 0; i < h->len; i++)
        history_row_free(&h->rows[i]);
    free(h->rows);
    free(h->schema);
    free(h->table);
    free(h->qualified);
    arena_free(&h->arena);
    memset(h, 0, sizeof *h);
}

int history_exists(rw_db *db, const rw_history *h, bool *out, rw_err *e)
{
    return db->ops->table_exists(db->conn, h->schema, h->table, out, e);
}

int history_create(rw_db *db, const rw_history *h, const rw_config *cfg, rw_err *e)
{
    return db->ops->history_create(db->conn, h->schema, h->table, cfg, e);
}

static rw_history_row *history_append(rw_history *h)
{
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->rows = xrealloc(h->rows, h->cap * sizeof *h->rows);
    }
    rw_history_row *r = &h->rows[h->len++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Booleans come back as t/f, 1/0 or true/false depending on the database. */
static bool history_parse_bool(const char *v)
{
    return v && (v[0] == 't' || v[0] == 'T' || v[0] == '1' || v[0] == 'y' || v[0] == 'Y');
}

static int history_read_row(void *ud, int ncols, const char *const *v, rw_err *e)
{
    (void)ncols;
    rw_history *h = ud;
    rw_history_row *r = history_append(h);
    r->installed_rank = v[0] ? atoi(v[0]) : 0;
    const char *version = v[1];
    rw_err ve;
    /* Parsed first so the row can share the text; packed either way, so no row is half-filled. */
    bool bad_version = version && version_parse_in(version, &r->ver, &h->arena, &ve) != RW_OK;
    history_row_pack(h, r, version, v[2] ? v[2] : "", v[3] ? v[3] : "", v[4] ? v[4] : "",
                     v[7] ? v[7] : "", v[6] ? v[6] : "");
    if (bad_version)
        return rw_fail(e, RW_ERR_VALIDATE,
                       "Schema history table %s holds an invalid version '%s' at "
                       "installed_rank %d",
                       h->qualified, version, r->installed_rank);
    r->has_checksum = v[5] != NULL;
    r->checksum = v[5] ? (int32_t)strtol(v[5], NULL, 10) : 0;
    r->execution_time = v[8] ? atoi(v[8]) : 0;
    r->success = history_parse_bool(v[9]);
    return 0;
}

int history_next_rank(const rw_history *h)
{
    return h->len ? h->rows[h->len - 1].installed_rank + 1 : 1;
}

static int history_count_row(void *ud, int ncols, const char *const *v, rw_err *e)
{
    (void)ncols, (void)e;
    *(long *)ud = v[0] ? atol(v[0]) : 0;
    return 0;
}

/*
 * Before the first read, sizes the row array from COUNT(*): doubling up to
 * ten thousand rows left a third of a 1.7 MB array unused.
 */
static int history_reserve(rw_db *db, rw_history *h, rw_err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "SELECT COUNT(*) FROM %s", h->qualified);
    long n = 0;
    int rc = db->ops->query(db->conn, sql.buf, NULL, 0, history_count_row, &n, e);
    sb_free(&sql);
    if (rc == RW_OK && n > 0) {
        h->cap = (size_t)n + 16;
        h->rows = xrealloc(h->rows, h->cap * sizeof *h->rows);
    }
    return rc;
}

void history_expect(rw_history *h, size_t more)
{
    if (h->cap >= h->len + more)
        return;
    h->cap = h->len + more;
    h->rows = xrealloc(h->rows, h->cap * sizeof *h->rows);
}

int history_refresh(rw_db *db, rw_history *h, rw_err *e)
{
    if (h->cap == 0) {
        int rc = history_reserve(db, h, e);
        if (rc != RW_OK)
            return rc;
    }
    char last[32];
    snprintf(last, sizeof last, "%d", h->len ? h->rows[h->len - 1].installed_rank : -1);
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql,
            "SELECT installed_rank, version, description, type, script, checksum, installed_on, "
            "installed_by, execution_time, success FROM %s WHERE installed_rank > ? ORDER BY "
            "installed_rank",
            h->qualified);
    const char *params[] = {last};
    int rc = db->ops->query(db->conn, sql.buf, params, 1, history_read_row, h, e);
    sb_free(&sql);
    return rc;
}

void history_insert_write(const rw_db *db, const rw_history *h, const rw_history_row *row,
                          history_write *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->rank, sizeof w->rank, "%d", row->installed_rank);
    snprintf(w->checksum, sizeof w->checksum, "%d", (int)row->checksum);
    snprintf(w->exec_time, sizeof w->exec_time, "%d", row->execution_time);
    sb_addf(&w->sql,
            "INSERT INTO %s (installed_rank, version, description, type, script, checksum, "
            "installed_by, execution_time, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, %s)",
            h->qualified, row->success ? db->ops->bool_true : db->ops->bool_false);
    const char *params[] = {w->rank,
                            row->version,
                            row->description,
                            row->type,
                            row->script,
                            row->has_checksum ? w->checksum : NULL,
                            row->installed_by ? row->installed_by : "",
                            w->exec_time};
    memcpy(w->params, params, sizeof params);
    w->step = (db_step){.kind = DB_STEP_SQL, .sql = w->sql.buf, .params = w->params, .nparams = 8};
}

void history_write_free(history_write *w)
{
    sb_free(&w->sql);
}

void history_insert_done(rw_history *h, const rw_history_row *row)
{
    rw_history_row *r = history_append(h);
    r->installed_rank = row->installed_rank;
    if (row->version)
        version_parse_in(row->version, &r->ver, &h->arena, NULL);
    history_row_pack(h, r, row->version, row->description, row->type, row->script,
                     row->installed_by ? row->installed_by : "",
                     row->installed_on ? row->installed_on : "");
    r->has_checksum = row->has_checksum;
    r->checksum = row->checksum;
    r->execution_time = row->execution_time;
    r->success = row->success;
}

int history_insert_row(rw_db *db, rw_history *h, const rw_history_row *row, rw_err *e)
{
    history_write w;
    history_insert_write(db, h, row, &w);
    int rc = db->ops->query(db->conn, w.step.sql, w.step.params, w.step.nparams, NULL, NULL, e);
    history_write_free(&w);
    if (rc == RW_OK)
        history_insert_done(h, row);
    return rc;
}

int history_update_row(rw_db *db, rw_history *h, int rank, const char *description,
                       const char *type, const int32_t *checksum, rw_err *e)
{
    char r[32], cs[32];
    snprintf(r, sizeof r, "%d", rank);
    if (checksum)
        snprintf(cs, sizeof cs, "%d", (int)*checksum);
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "UPDATE %s SET description = ?, type = ?, checksum = ? WHERE installed_rank = ?",
            h->qualified);
    const char *params[] = {description, type, checksum ? cs : NULL, r};
    int rc = db->ops->query(db->conn, sql.buf, params, 4, NULL, NULL, e);
    sb_free(&sql);
    if (rc != RW_OK)
        return rc;
    for (size_t i = 0; i < h->len; i++) {
        rw_history_row *row = &h->rows[i];
        if (row->installed_rank != rank)
            continue;
        history_row_unpack(row);
        free(row->description);
        row->description = xstrdup(description);
        free(row->type);
        row->type = xstrdup(type);
        row->has_checksum = checksum != NULL;
        row->checksum = checksum ? *checksum : 0;
    }
    return RW_OK;
}

int history_delete_failed(rw_db *db, rw_history *h, rw_err *e)
{
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "DELETE FROM %s WHERE success = %s", h->qualified, db->ops->bool_false);
    int rc = db->ops->query(db->conn, sql.buf, NULL, 0, NULL, NULL, e);
    sb_free(&sql);
    if (rc != RW_OK)
        return rc;
    size_t w = 0;
    for (size_t i = 0; i < h->len; i++) {
        if (!h->rows[i].success)
            history_row_free(&h->rows[i]);
        else
            h->rows[w++] = h->rows[i];
    }
    h->len = w;
    return RW_OK;
}

/* Updates the row at rank in h after an UPDATE of it succeeded. */
static void history_row_done(rw_history *h, int rank, int execution_ms, bool success)
{
    for (size_t i = h->len; i-- > 0;) {
        if (h->rows[i].installed_rank != rank)
            continue;
        h->rows[i].execution_time = execution_ms;
        h->rows[i].success = success;
        return;
    }
}

void history_complete_write(const rw_db *db, const rw_history *h, int rank, int execution_ms,
                            history_write *w)
{
    memset(w, 0, sizeof *w);
    snprintf(w->rank, sizeof w->rank, "%d", rank);
    snprintf(w->exec_time, sizeof w->exec_time, "%d", execution_ms);
    sb_addf(&w->sql,
            "UPDATE %s SET execution_time = ?, success = %s, installed_on = CURRENT_TIMESTAMP "
            "WHERE installed_rank = ?",
            h->qualified, db->ops->bool_true);
    w->params[0] = w->exec_time;
    w->params[1] = w->rank;
    w->step = (db_step){.kind = DB_STEP_SQL, .sql = w->sql.buf, .params = w->params, .nparams = 2};
}

void history_complete_done(rw_history *h, int rank, int execution_ms)
{
    history_row_done(h, rank, execution_ms, true);
}

int history_complete_row(rw_db *db, rw_history *h, int rank, int execution_ms, rw_err *e)
{
    history_write w;
    history_complete_write(db, h, rank, execution_ms, &w);
    int rc = db->ops->query(db->conn, w.step.sql, w.step.params, w.step.nparams, NULL, NULL, e);
    history_write_free(&w);
    if (rc == RW_OK)
        history_complete_done(h, rank, execution_ms);
    return rc;
}

int history_set_execution_time(rw_db *db, rw_history *h, int rank, int execution_ms, rw_err *e)
{
    char r[32], ms[32];
    snprintf(r, sizeof r, "%d", rank);
    snprintf(ms, sizeof ms, "%d", execution_ms);
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "UPDATE %s SET execution_time = ? WHERE installed_rank = ?", h->qualified);
    const char *params[] = {ms, r};
    int rc = db->ops->query(db->conn, sql.buf, params, 2, NULL, NULL, e);
    sb_free(&sql);
    if (rc == RW_OK)
        history_row_done(h, rank, execution_ms, false);
    return rc;
}

int history_has_rank(rw_db *db, const rw_history *h, int rank, bool *out, rw_err *e)
{
    char r[32];
    snprintf(r, sizeof r, "%d", rank);
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql, "SELECT COUNT(*) FROM %s WHERE installed_rank = ?", h->qualified);
    const char *params[] = {r};
    long n = 0;
    int rc = db->ops->query(db->conn, sql.buf, params, 1, history_count_row, &n, e);
    sb_free(&sql);
    *out = n > 0;
    return rc;
}

void history_forget_last(rw_history *h)
{
    if (h->len > 0)
        history_row_free(&h->rows[--h->len]);
}

int history_reload(rw_db *db, rw_history *h, rw_err *e)
{
    for (size_t i = 0; i < h->len; i++)
        history_row_free(&h->rows[i]);
    h->len = 0;
    return history_refresh(db, h, e);
}
