/*
 * gate.c - reading the plan as a deploy gate.  Failed rows win over
 * checksum drift, which wins over pending migrations: a pipeline must
 * learn about the problem that waiting cannot fix first.
 */
#include "core/gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void gate_push(const plan_entry ***list, size_t *n, const plan_entry *en)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = en;
}

/* An applied versioned migration whose file changed since it ran. */
static bool gate_is_drift(const rw_plan *p, const plan_entry *en)
{
    const rw_history_row *r = en->row;
    if (!r || !en->mig || !r->version || !r->success || en->mig->type != MIG_VERSIONED)
        return false;
    if (en->state != ST_SUCCESS && en->state != ST_OUT_OF_ORDER)
        return false;
    if (version_is_set(&p->baseline) && version_cmp(&r->ver, &p->baseline) <= 0)
        return false;
    return !r->has_checksum || r->checksum != en->mig->checksum;
}

/* A local migration the database should hold but does not. */
static bool gate_is_pending(const plan_entry *en, const rw_version *expect)
{
    if (!en->mig)
        return false;
    bool waiting = plan_entry_is_pending(en) || (en->state == ST_IGNORED && !en->row);
    if (!waiting)
        return false;
    if (!expect)
        return true;
    return en->mig->type == MIG_VERSIONED && version_cmp(&en->mig->version, expect) <= 0;
}

/*
 * 1 when another process holds the migration lock on a database whose
 * running migrations show as failed rows (no transactional DDL), 0 when
 * not or when that cannot be told.
 */
static int gate_migration_running(const rw_session *s)
{
    const db_ops *ops = s->db.ops;
    if (!ops || ops->ddl_transactions || !ops->lock_is_held || !s->hist.qualified)
        return 0;
    bool held = false;
    rw_err ignored;
    rw_err_clear(&ignored);
    if (ops->lock_is_held(s->db.conn, s->hist.schema, s->hist.table, &held, &ignored) != RW_OK)
        return 0;
    return held ? 1 : 0;
}

int gate_evaluate(const rw_session *s, const char *expect_version, gate_result *out, rw_err *e)
{
    memset(out, 0, sizeof *out);
    rw_version expect = {0};
    if (expect_version && *expect_version && version_parse(expect_version, &expect, e) != RW_OK)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid expectVersion '%s': use a version such as 3 or 1.2",
                       expect_version);
    bool have_expect = version_is_set(&expect);
    const rw_plan *p = &s->plan;
    for (size_t i = 0; i < p->len; i++) {
        const plan_entry *en = &p->items[i];
        if (plan_state_is_failed(en->state))
            gate_push(&out->failed, &out->nfailed, en);
        else if (gate_is_drift(p, en))
            gate_push(&out->drift, &out->ndrift, en);
        else if (gate_is_pending(en, have_expect ? &expect : NULL))
            gate_push(&out->pending, &out->npending, en);
    }
    out->schema_version = s->hist_exists ? plan_current_version(p, &s->hist) : NULL;
    if (have_expect) {
        rw_version cur = {0};
        if (out->schema_version)
            version_parse(out->schema_version, &cur, NULL);
        out->below_expected = !out->schema_version || version_cmp(&cur, &expect) < 0;
        version_free(&cur);
    }
    version_free(&expect);
    if (out->nfailed && gate_migration_running(s) == 1) {
        /* The failed rows are a running migration's: pending until it completes. */
        for (size_t i = 0; i < out->nfailed; i++)
            gate_push(&out->pending, &out->npending, out->failed[i]);
        out->nfailed = 0;
        out->migration_running = true;
    }
    /* Without local files every other answer would be vacuous: "all applied" of nothing. */
    if (s->res.missing.len || s->res.nmigs == 0)
        out->status = GATE_NO_MIGRATIONS;
    else if (out->nfailed)
        out->status = GATE_FAILED;
    else if (out->ndrift)
        out->status = GATE_DRIFT;
    else if (out->npending || out->below_expected)
        out->status = GATE_PENDING;
    else
        out->status = GATE_OK;
    return RW_OK;
}

void gate_result_free(gate_result *g)
{
    free(g->pending);
    free(g->failed);
    free(g->drift);
    memset(g, 0, sizeof *g);
}

int gate_exit_code(gate_status st)
{
    switch (st) {
    case GATE_OK: return GATE_EXIT_OK;
    case GATE_PENDING: return GATE_EXIT_PENDING;
    case GATE_FAILED: return GATE_EXIT_FAILED;
    case GATE_DRIFT: return GATE_EXIT_DRIFT;
    case GATE_NO_MIGRATIONS: return GATE_EXIT_NO_MIGRATIONS;
    }
    return GATE_EXIT_ERROR;
}

const char *gate_status_name(gate_status st)
{
    switch (st) {
    case GATE_OK: return "ok";
    case GATE_PENDING: return "pending";
    case GATE_FAILED: return "failed";
    case GATE_DRIFT: return "drift";
    case GATE_NO_MIGRATIONS: return "no-migrations";
    }
    return "error";
}

/* "2 (add users), R:views" - at most five names, then a count. */
static void gate_list_names(strbuf *sb, const plan_entry *const *list, size_t n)
{
    for (size_t i = 0; i < n && i < 5; i++) {
        const char *v = plan_entry_version(list[i]);
        sb_addf(sb, "%s%s%s%s%s", i ? ", " : "", v ? v : "repeatable", " (",
                plan_entry_description(list[i]), ")");
    }
    if (n > 5)
        sb_addf(sb, " and %zu more", n - 5);
}

/* Why there is nothing to check: the missing locations, or where none was found. */
static void gate_no_migrations_summary(strbuf *sb, const rw_session *s)
{
    const rw_resources *r = &s->res;
    char *base = scan_location_base(s->cfg);
    if (r->missing.len) {
        sb_addf(sb, "Location%s ", r->missing.len == 1 ? "" : "s");
        for (size_t i = 0; i < r->missing.len; i++)
            sb_addf(sb, "%s%s", i ? ", " : "", r->missing.items[i]);
        sb_addf(sb, " do%s not exist (relative locations start from %s)",
                r->missing.len == 1 ? "es" : "", base);
    } else {
        sb_adds(sb, "No migrations found in ");
        for (size_t i = 0; i < r->searched.len; i++)
            sb_addf(sb, "%s%s", i ? ", " : "", r->searched.items[i]);
        sb_addf(sb, " (relative locations start from %s)", base);
    }
    sb_adds(sb, ": nothing to check. Fix 'locations', or run from the project directory.");
    free(base);
}

char *gate_summary(const rw_session *s, const gate_result *g, const char *expect_version)
{
    strbuf sb = STRBUF_INIT;
    const char *cur = g->schema_version ? g->schema_version : "<< Empty Schema >>";
    switch (g->status) {
    case GATE_OK:
        sb_addf(&sb, "Schema %s is at version %s: ", session_schema_quoted(s), cur);
        if (expect_version && *expect_version)
            sb_addf(&sb, "version %s or later is applied", expect_version);
        else
            sb_adds(&sb, "every local migration is applied");
        break;
    case GATE_FAILED:
        sb_addf(&sb, "Schema %s records %zu failed migration%s: ", session_schema_quoted(s),
                g->nfailed, g->nfailed == 1 ? "" : "s");
        gate_list_names(&sb, g->failed, g->nfailed);
        sb_adds(&sb, ". Fix the database and the file, then run repair.");
        break;
    case GATE_DRIFT:
        sb_addf(&sb, "Checksum drift in schema %s: ", session_schema_quoted(s));
        gate_list_names(&sb, g->drift, g->ndrift);
        sb_adds(&sb, " changed after being applied. Revert the files, or run repair if the "
                     "change is intended.");
        break;
    case GATE_NO_MIGRATIONS:
        gate_no_migrations_summary(&sb, s);
        break;
    case GATE_PENDING:
        sb_addf(&sb, "Schema %s is at version %s", session_schema_quoted(s), cur);
        if (g->below_expected)
            sb_addf(&sb, ", expected %s", expect_version);
        if (g->npending) {
            sb_addf(&sb, "; %zu migration%s %s: ", g->npending, g->npending == 1 ? "" : "s",
                    g->migration_running ? "pending (another process is migrating now)"
                                         : "pending");
            gate_list_names(&sb, g->pending, g->npending);
        }
        break;
    }
    return sb_detach(&sb);
}

static json_t *gate_json_list(const plan_entry *const *list, size_t n, bool checksums)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const plan_entry *en = list[i];
        const char *v = plan_entry_version(en);
        json_t *it = json_object();
        json_object_set_new(it, "version", v ? json_string(v) : json_null());
        json_object_set_new(it, "description", json_string(plan_entry_description(en)));
        json_object_set_new(it, "state", json_string(plan_state_name(en->state)));
        json_object_set_new(it, "filepath", en->mig ? json_string(en->mig->path) : json_null());
        if (checksums) {
            json_object_set_new(it, "appliedChecksum",
                                en->row->has_checksum ? json_integer(en->row->checksum)
                                                      : json_null());
            json_object_set_new(it, "localChecksum", json_integer(en->mig->checksum));
        }
        json_array_append_new(arr, it);
    }
    return arr;
}

void gate_report(json_t *o, const gate_result *g, const char *expect_version)
{
    json_object_set_new(o, "status", json_string(gate_status_name(g->status)));
    json_object_set_new(o, "exitCode", json_integer(gate_exit_code(g->status)));
    json_object_set_new(o, "schemaVersion",
                        g->schema_version ? json_string(g->schema_version) : json_null());
    json_object_set_new(o, "expectVersion", expect_version && *expect_version
                                                ? json_string(expect_version)
                                                : json_null());
    json_object_set_new(o, "pending", gate_json_list(g->pending, g->npending, false));
    json_object_set_new(o, "failed", gate_json_list(g->failed, g->nfailed, false));
    json_object_set_new(o, "drift", gate_json_list(g->drift, g->ndrift, true));
}
