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
    free(r->version);
    version_free(&r->ver);
    free(r->description);
    free(r->type);
    free(r->script);
    free(r->installed_by);
    free(r->installed_on);
    memset(r, 0, sizeof *r);
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
    r->version = v[1] ? xstrdup(v[1]) : NULL;
    if (r->version) {
        rw_err ve;
        if (version_parse(r->version, &r->ver, &ve) != RW_OK)
            return rw_fail(e, RW_ERR_VALIDATE,
                           "Schema history table %s holds an invalid version '%s' at "
                           "installed_rank %d",
                           h->qualified, r->version, r->installed_rank);
    }
    r->description = xstrdup(v[2] ? v[2] : "");
    r->type = xstrdup(v[3] ? v[3] : "");
    r->script = xstrdup(v[4] ? v[4] : "");
    r->has_checksum = v[5] != NULL;
    r->checksum = v[5] ? (int32_t)strtol(v[5], NULL, 10) : 0;
    r->installed_on = xstrdup(v[6] ? v[6] : "");
    r->installed_by = xstrdup(v[7] ? v[7] : "");
    r->execution_time = v[8] ? atoi(v[8]) : 0;
    r->success = history_parse_bool(v[9]);
    return 0;
}

int history_next_rank(const rw_history *h)
{
    return h->len ? h->rows[h->len - 1].installed_rank + 1 : 1;
}

int history_refresh(rw_db *db, rw_history *h, rw_err *e)
{
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

int history_insert_row(rw_db *db, rw_history *h, const rw_history_row *row, rw_err *e)
{
    char rank[32], checksum[32], exec_time[32];
    snprintf(rank, sizeof rank, "%d", row->installed_rank);
    snprintf(checksum, sizeof checksum, "%d", (int)row->checksum);
    snprintf(exec_time, sizeof exec_time, "%d", row->execution_time);
    strbuf sql = STRBUF_INIT;
    sb_addf(&sql,
            "INSERT INTO %s (installed_rank, version, description, type, script, checksum, "
            "installed_by, execution_time, success) VALUES (?, ?, ?, ?, ?, ?, ?, ?, %s)",
            h->qualified, row->success ? db->ops->bool_true : db->ops->bool_false);
    const char *params[] = {rank,
                            row->version,
                            row->description,
                            row->type,
                            row->script,
                            row->has_checksum ? checksum : NULL,
                            row->installed_by ? row->installed_by : "",
                            exec_time};
    int rc = db->ops->query(db->conn, sql.buf, params, 8, NULL, NULL, e);
    sb_free(&sql);
    if (rc != RW_OK)
        return rc;
    rw_history_row *r = history_append(h);
    r->installed_rank = row->installed_rank;
    r->version = row->version ? xstrdup(row->version) : NULL;
    if (r->version)
        version_parse(r->version, &r->ver, NULL);
    r->description = xstrdup(row->description);
    r->type = xstrdup(row->type);
    r->script = xstrdup(row->script);
    r->has_checksum = row->has_checksum;
    r->checksum = row->checksum;
    r->installed_by = xstrdup(row->installed_by ? row->installed_by : "");
    r->installed_on = xstrdup(row->installed_on ? row->installed_on : "");
    r->execution_time = row->execution_time;
    r->success = row->success;
    return RW_OK;
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
