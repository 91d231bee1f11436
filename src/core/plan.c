/*
 * plan.c - merging local migrations with the history table into Flyway's
 * migration states.  The rules follow Flyway's MigrationInfoImpl: a row
 * whose file is gone is Missing (or Future above the newest file), a
 * repeatable's latest run is Success or Outdated and older runs Superseded,
 * a local version below the current one is Ignored unless outOfOrder.
 * Entries point into res and hist: rebuild the plan after hist grows.
 */
#include "core/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
    [ST_PENDING] = "Pending",
    [ST_ABOVE_TARGET] = "Above Target",
    [ST_BELOW_BASELINE] = "Below Baseline",
    [ST_BASELINE_IGNORED] = "Ignored (Baseline)",
    [ST_BASELINE] = "Baseline",
    [ST_IGNORED] = "Ignored",
    [ST_MISSING_SUCCESS] = "Missing",
    [ST_MISSING_FAILED] = "Failed (Missing)",
    [ST_SUCCESS] = "Success",
    [ST_UNDONE] = "Undone",
    [ST_AVAILABLE] = "Available",
    [ST_FAILED] = "Failed",
    [ST_OUT_OF_ORDER] = "Out of Order",
    [ST_FUTURE_SUCCESS] = "Future",
    [ST_FUTURE_FAILED] = "Failed (Future)",
    [ST_OUTDATED] = "Outdated",
    [ST_SUPERSEDED] = "Superseded",
    [ST_DELETED] = "Deleted",
};

const char *plan_state_name(rw_state s)
{
    return state_names[s];
}

bool plan_state_is_failed(rw_state s)
{
    return s == ST_FAILED || s == ST_MISSING_FAILED || s == ST_FUTURE_FAILED;
}

bool plan_state_is_applied(rw_state s)
{
    switch (s) {
    case ST_SUCCESS: case ST_FAILED: case ST_MISSING_SUCCESS: case ST_MISSING_FAILED:
    case ST_FUTURE_SUCCESS: case ST_FUTURE_FAILED: case ST_OUT_OF_ORDER: case ST_OUTDATED:
    case ST_SUPERSEDED: case ST_BASELINE: case ST_DELETED: case ST_UNDONE:
        return true;
    default:
        return false;
    }
}

static bool row_is_type(const rw_history_row *r, const char *t)
{
    return r && strcmp(r->type, t) == 0;
}

static bool row_is_baseline(const rw_history_row *r)
{
    return row_is_type(r, "BASELINE") || strstr(r->type, "_BASELINE") != NULL ||
           strstr(r->type, "STATE_SCRIPT") != NULL;
}

static bool row_is_undo(const rw_history_row *r)
{
    return rw_starts_with(r->type, "UNDO_");
}

/*
 * Rows Flyway writes for itself rather than for a migration (its
 * CoreMigrationType.isSynthetic()): the schema creation marker, the
 * baseline row of the baseline command, and repair's DELETE markers.
 * Flyway shows them with an empty category; a B file's SQL_BASELINE row is
 * a migration and shows as "Baseline".
 */
static bool row_is_synthetic(const rw_history_row *r)
{
    return row_is_type(r, "SCHEMA") || row_is_type(r, "BASELINE") || row_is_type(r, "DELETE");
}

const char *plan_entry_category(const plan_entry *en)
{
    if (en->row && row_is_synthetic(en->row))
        return "";
    const char *v = plan_entry_version(en);
    if (!v)
        return "Repeatable";
    return en->row && row_is_baseline(en->row) ? "Baseline" : "Versioned";
}

const char *plan_entry_version(const plan_entry *en)
{
    if (en->row)
        return en->row->version;
    return en->mig && en->mig->type != MIG_REPEATABLE ? en->mig->version.text : NULL;
}

const char *plan_entry_description(const plan_entry *en)
{
    return en->row ? en->row->description : en->mig->description;
}

/* The type as Flyway names it: the legacy names older releases wrote read as today's. */
const char *plan_entry_type(const plan_entry *en)
{
    if (!en->row)
        return "SQL";
    if (row_is_type(en->row, "SQL_STATE_SCRIPT"))
        return "SQL_BASELINE";
    if (row_is_type(en->row, "JDBC_STATE_SCRIPT"))
        return "JDBC_BASELINE";
    if (row_is_type(en->row, "SPRING_JDBC"))
        return "JDBC";
    return en->row->type;
}

bool plan_entry_is_pending(const plan_entry *en)
{
    return (en->state == ST_PENDING && !en->row) || en->state == ST_OUTDATED;
}

void plan_free(rw_plan *p)
{
    free(p->items);
    version_free(&p->baseline);
    version_free(&p->last_applied);
    version_free(&p->last_resolved);
    version_free(&p->target);
    memset(p, 0, sizeof *p);
}

static plan_entry *plan_add(rw_plan *p)
{
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
    }
    plan_entry *en = &p->items[p->len++];
    memset(en, 0, sizeof *en);
    return en;
}

static int plan_cmp_version(const rw_migration *m, const void *key)
{
    return version_cmp(&m->version, key);
}

static int plan_cmp_description(const rw_migration *m, const void *key)
{
    return strcmp(m->description, key);
}

/* Binary search of migs[lo, hi), sorted by cmp; the index of key, or -1. */
static long plan_search(const rw_migration *migs, size_t lo, size_t hi, const void *key,
                        int (*cmp)(const rw_migration *, const void *))
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp(&migs[mid], key);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Local versioned migrations come first in res->migs, sorted by version. */
static long plan_find_versioned(const rw_resources *res, size_t nversioned, const rw_version *v)
{
    return plan_search(res->migs, 0, nversioned, v, plan_cmp_version);
}

/* Repeatables follow, sorted by description. */
static long plan_find_repeatable(const rw_resources *res, size_t first, const char *desc)
{
    return plan_search(res->migs, first, res->nmigs, desc, plan_cmp_description);
}

/* U files are sorted by version too: a lookup per history row stays logarithmic. */
static const rw_migration *plan_find_undo(const rw_resources *res, const rw_version *v)
{
    long i = plan_search(res->undos, 0, res->nundos, v, plan_cmp_version);
    return i < 0 ? NULL : &res->undos[i];
}

static int plan_parse_target(rw_plan *p, const char *target, rw_err *e)
{
    if (!target || !*target || rw_str_ieq(target, "latest"))
        return RW_OK;
    if (rw_str_ieq(target, "current")) {
        if (version_is_set(&p->last_applied))
            version_copy(&p->target, &p->last_applied);
        else
            version_parse("0", &p->target, e);
        return RW_OK;
    }
    if (rw_str_ieq(target, "next")) {
        p->target_next = true;
        return RW_OK;
    }
    char *t = xstrdup(target);
    size_t n = strlen(t);
    if (n > 0 && t[n - 1] == '?') {
        t[n - 1] = '\0';
        p->target_optional = true;
    }
    rw_err ve;
    rw_err_clear(&ve);
    int rc = version_parse(t, &p->target, &ve);
    free(t);
    if (rc != RW_OK)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid target '%s': use latest, current, next or a version such as 2.1",
                       target);
    return RW_OK;
}

typedef struct rep_run {
    const char *description;
    size_t row;
} rep_run;

static int rep_run_cmp(const void *a, const void *b)
{
    const rep_run *x = a, *y = b;
    int c = strcmp(x->description, y->description);
    return c ? c : (x->row < y->row ? -1 : x->row > y->row);
}

static bool checksum_matches(const rw_migration *m, const rw_history_row *r)
{
    if (!r->has_checksum)
        return false;
    return m->checksum == r->checksum || m->raw_checksum == r->checksum;
}

/* Marks rows cancelled by later DELETE rows (repair) and UNDO rows (undo). */
static void plan_mark_cancelled(const rw_history *h, bool *deleted, bool *undone)
{
    for (size_t i = 0; i < h->len; i++) {
        const rw_history_row *r = &h->rows[i];
        bool del = row_is_type(r, "DELETE"), undo = row_is_undo(r);
        if (!del && !undo)
            continue;
        for (size_t j = i; j-- > 0;) {
            const rw_history_row *o = &h->rows[j];
            if (deleted[j] || undone[j] || row_is_type(o, "DELETE") || row_is_undo(o))
                continue;
            bool same = r->version ? (o->version && version_eq(&o->ver, &r->ver))
                                   : (!o->version && strcmp(o->description, r->description) == 0);
            if (!same)
                continue;
            if (del)
                deleted[j] = true;
            else
                undone[j] = true;
            break;
        }
    }
}

static bool state_is_below_baseline(rw_state s)
{
    return s == ST_BELOW_BASELINE || s == ST_BASELINE_IGNORED;
}

/*
 * Flyway lists files at or below the baseline before every history row
 * (MigrationInfoImpl.compareTo puts "Below Baseline" and "Ignored
 * (Baseline)" ahead of any applied entry), so they read in version order
 * above the BASELINE row instead of trailing after the applied ones.  A
 * stable partition: each group keeps its own order.
 */
static void plan_baseline_first(rw_plan *p)
{
    size_t nbelow = 0;
    for (size_t i = 0; i < p->len; i++)
        nbelow += state_is_below_baseline(p->items[i].state);
    if (nbelow == 0)
        return;
    plan_entry *sorted = xmalloc(p->cap * sizeof *sorted);
    size_t below = 0, rest = nbelow;
    for (size_t i = 0; i < p->len; i++) {
        if (state_is_below_baseline(p->items[i].state))
            sorted[below++] = p->items[i];
        else
            sorted[rest++] = p->items[i];
    }
    free(p->items);
    p->items = sorted;
}

int plan_build(const rw_resources *res, const rw_history *hist, const char *target,
               bool out_of_order, rw_plan *p, rw_err *e)
{
    memset(p, 0, sizeof *p);
    size_t nversioned = 0;
    while (nversioned < res->nmigs && res->migs[nversioned].type == MIG_VERSIONED)
        nversioned++;
    if (nversioned)
        version_copy(&p->last_resolved, &res->migs[nversioned - 1].version);

    size_t nrows = hist ? hist->len : 0;
    /*
     * Usually every file has its row or every row its file: one allocation
     * that fits both cases, instead of doubling past the need.
     */
    p->cap = (nrows > res->nmigs ? nrows : res->nmigs) + 16;
    p->items = xmalloc(p->cap * sizeof *p->items);
    bool *deleted = xcalloc(nrows + 1, 1), *undone = xcalloc(nrows + 1, 1);
    bool *ooo = xcalloc(nrows + 1, 1), *latest = xcalloc(nrows + 1, 1);
    bool *paired = xcalloc(res->nmigs + 1, 1);
    if (hist)
        plan_mark_cancelled(hist, deleted, undone);

    /*
     * Baseline, highest applied version and out-of-order rows, in rank order.
     * Pointers into the rows, copied once after the loop: copying a version
     * for every row that raises the maximum costs three allocations a row.
     */
    const rw_version *baseline = NULL, *max_so_far = NULL;
    size_t nversionless = 0;
    for (size_t i = 0; i < nrows; i++)
        nversionless += hist->rows[i].version == NULL;
    rep_run *runs = xcalloc(nversionless + 1, sizeof *runs); /* repeatable runs only */
    size_t nruns = 0;
    for (size_t i = 0; i < nrows; i++) {
        const rw_history_row *r = &hist->rows[i];
        if (row_is_type(r, "DELETE") || row_is_undo(r) || deleted[i] || undone[i])
            continue;
        if (!r->version) {
            if (!row_is_type(r, "SCHEMA")) {
                runs[nruns].description = r->description;
                runs[nruns++].row = i;
            }
            continue;
        }
        if (row_is_baseline(r) && (!baseline || version_cmp(&r->ver, baseline) > 0))
            baseline = &r->ver;
        /* The highest applied version is the highest seen so far at the end. */
        if (max_so_far && version_cmp(&r->ver, max_so_far) < 0)
            ooo[i] = true;
        if (!max_so_far || version_cmp(&r->ver, max_so_far) > 0)
            max_so_far = &r->ver;
    }
    if (baseline)
        version_copy(&p->baseline, baseline);
    if (max_so_far)
        version_copy(&p->last_applied, max_so_far);
    rw_sort(runs, nruns, sizeof *runs, rep_run_cmp);
    for (size_t i = 0; i < nruns; i++)
        if (i + 1 == nruns || strcmp(runs[i].description, runs[i + 1].description) != 0)
            latest[runs[i].row] = true;
    free(runs);

    int rc = plan_parse_target(p, target, e);

    /* Applied rows, in rank order. */
    for (size_t i = 0; i < nrows && rc == RW_OK; i++) {
        const rw_history_row *r = &hist->rows[i];
        if (row_is_type(r, "DELETE") || row_is_undo(r))
            continue;
        plan_entry *en = plan_add(p);
        en->row = r;
        if (row_is_type(r, "SCHEMA")) {
            en->state = ST_SUCCESS;
            continue;
        }
        if (row_is_baseline(r)) {
            en->state = ST_BASELINE;
            if (r->version)
                en->undo = plan_find_undo(res, &r->ver);
            continue;
        }
        if (deleted[i]) {
            en->state = ST_DELETED;
            continue;
        }
        long mi = r->version ? plan_find_versioned(res, nversioned, &r->ver)
                             : plan_find_repeatable(res, nversioned, r->description);
        if (undone[i]) {
            en->state = ST_UNDONE;
            if (mi >= 0)
                en->undo = plan_find_undo(res, &r->ver);
            continue;
        }
        if (mi >= 0 && r->version && paired[mi])
            mi = -1; /* an older run of a version applied twice */
        if (mi < 0) {
            if (!r->version || version_cmp(&r->ver, &p->last_resolved) < 0)
                en->state = r->success ? ST_MISSING_SUCCESS : ST_MISSING_FAILED;
            else
                en->state = r->success ? ST_FUTURE_SUCCESS : ST_FUTURE_FAILED;
            continue;
        }
        en->mig = &res->migs[mi];
        paired[mi] = true;
        if (r->version)
            en->undo = plan_find_undo(res, &r->ver);
        if (!r->success)
            en->state = ST_FAILED;
        else if (!r->version)
            en->state = !latest[i] ? ST_SUPERSEDED
                        : checksum_matches(en->mig, r) ? ST_SUCCESS
                                                       : ST_OUTDATED;
        else if (ooo[i])
            en->state = ST_OUT_OF_ORDER;
        else
            en->state = ST_SUCCESS;
    }

    /* Local migrations with no row yet. */
    for (size_t i = 0; i < res->nmigs && rc == RW_OK; i++) {
        if (paired[i])
            continue;
        const rw_migration *m = &res->migs[i];
        plan_entry *en = plan_add(p);
        en->mig = m;
        en->state = ST_PENDING;
        if (m->type != MIG_VERSIONED)
            continue;
        en->undo = plan_find_undo(res, &m->version);
        if (version_is_set(&p->baseline) && version_cmp(&m->version, &p->baseline) < 0)
            en->state = ST_BELOW_BASELINE;
        else if (version_is_set(&p->baseline) && version_cmp(&m->version, &p->baseline) == 0)
            en->state = ST_BASELINE_IGNORED;
        else if (version_is_set(&p->target) && version_cmp(&m->version, &p->target) > 0)
            en->state = ST_ABOVE_TARGET;
        else if (!out_of_order && version_cmp(&m->version, &p->last_applied) < 0)
            en->state = ST_IGNORED;
    }
    if (rc == RW_OK && version_is_set(&p->target) && !p->target_optional && target &&
        !rw_str_ieq(target, "current")) {
        bool found = plan_find_versioned(res, nversioned, &p->target) >= 0 ||
                     version_cmp(&p->target, &p->last_applied) <= 0;
        if (!found)
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "No migration with a target version %s could be found. Ensure target is "
                         "specified correctly and the migration exists (or use -target=%s? to "
                         "allow a missing one).",
                         p->target.text, p->target.text);
    }
    free(deleted);
    free(undone);
    free(ooo);
    free(latest);
    free(paired);
    if (rc == RW_OK)
        plan_baseline_first(p);
    if (rc != RW_OK) {
        plan_free(p);
    } else if (p->len < p->cap) {
        p->cap = p->len + 1;
        p->items = xrealloc(p->items, p->cap * sizeof *p->items);
    }
    return rc;
}

const char *plan_current_version(const rw_plan *p, const rw_history *h)
{
    (void)h;
    const rw_version *best = NULL;
    for (size_t i = 0; i < p->len; i++) {
        const plan_entry *en = &p->items[i];
        if (!en->row || !en->row->version || !en->row->success)
            continue;
        if (en->state == ST_DELETED || en->state == ST_UNDONE)
            continue;
        if (!best || version_cmp(&en->row->ver, best) > 0)
            best = &en->row->ver;
    }
    return best ? best->text : NULL;
}

/*
 * The "Schema version" info shows.  Flyway's MigrationInfoServiceImpl.current()
 * counts every applied entry, a failed one included, so a failed version 2
 * reads "Schema version: 2".  Only info shows this: what migrate, check and
 * undo decide stays on plan_current_version(), the last successful version.
 */
const char *plan_info_version(const rw_plan *p)
{
    const rw_version *best = NULL;
    for (size_t i = 0; i < p->len; i++) {
        const plan_entry *en = &p->items[i];
        if (!en->row || !en->row->version || !plan_state_is_applied(en->state))
            continue;
        if (en->state == ST_DELETED || en->state == ST_UNDONE)
            continue;
        if (!best || version_cmp(&en->row->ver, best) > 0)
            best = &en->row->ver;
    }
    return best ? best->text : NULL;
}

/* ---- Validation ----------------------------------------------------------- */

int plan_parse_ignore(const char *patterns, plan_ignore *out, rw_err *e)
{
    memset(out, 0, sizeof *out);
    strlist l = {0};
    strlist_split(&l, patterns, ',');
    int rc = RW_OK;
    static const char *const states[] = {"missing", "pending", "ignored", "future"};
    for (size_t i = 0; i < l.len && rc == RW_OK; i++) {
        char *pat = l.items[i];
        char *colon = strchr(pat, ':');
        if (!colon) {
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "Invalid ignoreMigrationPatterns entry '%s': use type:state, e.g. "
                         "*:missing or versioned:pending",
                         pat);
            break;
        }
        *colon = '\0';
        const char *type = pat, *state = colon + 1;
        bool v = rw_str_ieq(type, "*") || rw_str_ieq(type, "versioned");
        bool r = rw_str_ieq(type, "*") || rw_str_ieq(type, "repeatable");
        if (!v && !r) {
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "Invalid migration type '%s' in ignoreMigrationPatterns: use *, "
                         "versioned or repeatable",
                         type);
            break;
        }
        bool any = false;
        for (int s = 0; s < 4; s++) {
            if (rw_str_ieq(state, "*") || rw_str_ieq(state, states[s])) {
                any = true;
                if (v)
                    out->versioned[s] = true;
                if (r)
                    out->repeatable[s] = true;
            }
        }
        if (!any)
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "Invalid migration state '%s' in ignoreMigrationPatterns: use *, "
                         "missing, pending, ignored or future",
                         state);
    }
    strlist_free(&l);
    return rc;
}

static void plan_problem_add(plan_problems *pp, const plan_entry *en, rw_code code, char *msg)
{
    pp->items = xrealloc(pp->items, (pp->len + 1) * sizeof *pp->items);
    pp->items[pp->len].entry = en;
    pp->items[pp->len].code = code;
    pp->items[pp->len].message = msg;
    pp->len++;
}

void plan_problems_free(plan_problems *pp)
{
    for (size_t i = 0; i < pp->len; i++)
        free(pp->items[i].message);
    free(pp->items);
    memset(pp, 0, sizeof *pp);
}

static void plan_validate_entry(const rw_plan *p, const plan_entry *en, const plan_ignore *ign,
                                plan_problems *out)
{
    rw_state s = en->state;
    const char *ver = plan_entry_version(en);
    const char *desc = plan_entry_description(en);
    const bool *ig = ver ? ign->versioned : ign->repeatable;
    if (s == ST_ABOVE_TARGET || s == ST_DELETED || s == ST_UNDONE)
        return;
    if (plan_state_is_failed(s) && !(ig[3] && s == ST_FUTURE_FAILED)) {
        if (ver)
            plan_problem_add(out, en, RW_ERR_FAILED_VERSIONED,
                             xasprintf("Detected failed migration to version %s (%s).\nPlease "
                                       "remove any half-completed changes then run repair to fix "
                                       "the schema history.",
                                       ver, desc));
        else
            plan_problem_add(out, en, RW_ERR_FAILED_REPEATABLE,
                             xasprintf("Detected failed repeatable migration: %s.\nPlease remove "
                                       "any half-completed changes then run repair to fix the "
                                       "schema history.",
                                       desc));
        return;
    }
    if (!en->mig && en->row && s != ST_SUCCESS && s != ST_BASELINE && s != ST_SUPERSEDED) {
        bool missing = s == ST_MISSING_SUCCESS || s == ST_MISSING_FAILED;
        bool future = s == ST_FUTURE_SUCCESS || s == ST_FUTURE_FAILED;
        if ((missing && ig[0]) || (future && ig[3]))
            return;
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         xasprintf("Detected applied migration not resolved locally: %s.\nIf you "
                                   "removed this migration intentionally, run repair to mark the "
                                   "migration as deleted.",
                                   ver ? ver : desc));
        return;
    }
    if (s == ST_IGNORED && !ig[2]) {
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         xasprintf("Detected resolved migration not applied to database: %s.\nTo "
                                   "ignore this migration, set -ignoreMigrationPatterns='*:ignored'"
                                   ". To allow executing this migration, set -outOfOrder=true.",
                                   ver ? ver : desc));
        return;
    }
    if ((s == ST_PENDING && !en->row) && !ig[1]) {
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         ver ? xasprintf("Detected resolved migration not applied to database: "
                                         "%s.\nTo fix this error, either run migrate, or set "
                                         "-ignoreMigrationPatterns='*:pending'.",
                                         ver)
                             : xasprintf("Detected resolved repeatable migration not applied to "
                                         "database: %s.\nTo fix this error, either run migrate, "
                                         "or set -ignoreMigrationPatterns='*:pending'.",
                                         desc));
        return;
    }
    if (s == ST_OUTDATED && !ig[1]) {
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         xasprintf("Detected outdated resolved repeatable migration that should be "
                                   "re-applied to database: %s.\nRun migrate to execute this "
                                   "migration.",
                                   desc));
        return;
    }
    if (!en->mig || !en->row || !en->row->version)
        return;
    const rw_history_row *r = en->row;
    if (version_is_set(&p->baseline) && version_cmp(&r->ver, &p->baseline) <= 0)
        return;
    if (strcmp(r->type, "SQL") != 0) {
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         xasprintf("Migration type mismatch for migration version %s\n-> Applied "
                                   "to database : %s\n-> Resolved locally    : SQL\nEither revert "
                                   "the changes to the migration, or run repair to update the "
                                   "schema history.",
                                   r->version, r->type));
        return;
    }
    if (!checksum_matches(en->mig, r)) {
        char applied[32];
        if (r->has_checksum)
            snprintf(applied, sizeof applied, "%d", (int)r->checksum);
        else
            snprintf(applied, sizeof applied, "null");
        plan_problem_add(out, en, RW_ERR_CHECKSUM_MISMATCH,
                         xasprintf("Migration checksum mismatch for migration version %s\n-> "
                                   "Applied to database : %s\n-> Resolved locally    : %d\nEither "
                                   "revert the changes to the migration, or run repair to update "
                                   "the schema history.",
                                   r->version, applied, (int)en->mig->checksum));
        return;
    }
    if (strcmp(r->description, en->mig->description) != 0)
        plan_problem_add(out, en, RW_ERR_VALIDATE,
                         xasprintf("Migration description mismatch for migration version %s\n-> "
                                   "Applied to database : %s\n-> Resolved locally    : %s\nEither "
                                   "revert the changes to the migration, or run repair to update "
                                   "the schema history.",
                                   r->version, r->description, en->mig->description));
}

void plan_validate(const rw_plan *p, const plan_ignore *ign, plan_problems *out)
{
    for (size_t i = 0; i < p->len; i++)
        plan_validate_entry(p, &p->items[i], ign, out);
}
