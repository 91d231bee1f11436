/*
 * migrate.c - applying migrations.  Each migration runs as one step: take
 * the lock, open its transaction (unless a statement cannot run in one),
 * make sure no other process applied it meanwhile, run beforeEachMigrate,
 * the statements, afterEachMigrate, write the history row, commit, release.
 * A failure inside a transaction on a database with transactional DDL is
 * rolled back without a trace; otherwise a success=false row records it.
 */
#include "core/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/progress.h"
#include "core/stop.h"

void migrate_result_free(migrate_result *r)
{
    free(r->initial_version);
    free(r->target_version);
    free(r->applied);
    memset(r, 0, sizeof *r);
}

int migrate_validate(rw_session *s, const char *extra_ignore, plan_problems *out, rw_err *e)
{
    char *patterns = extra_ignore ? xasprintf("%s,%s", config_get(s->cfg, "ignoreMigrationPatterns"),
                                              extra_ignore)
                                  : xstrdup(config_get(s->cfg, "ignoreMigrationPatterns"));
    plan_ignore ign;
    int rc = plan_parse_ignore(patterns, &ign, e);
    free(patterns);
    if (rc == RW_OK)
        plan_validate(&s->plan, &ign, out);
    return rc;
}

int migrate_validate_error(const plan_problems *pp, rw_err *e)
{
    strbuf sb = STRBUF_INIT;
    sb_adds(&sb, "Validate failed: Migrations have failed validation");
    for (size_t i = 0; i < pp->len; i++)
        sb_addf(&sb, "\n%s", pp->items[i].message);
    rw_fail(e, RW_ERR_VALIDATE, "%s", sb_str(&sb));
    sb_free(&sb);
    return e->code;
}

/* The migrations to apply now, in order (versioned first, then repeatables). */
static const rw_migration **migrate_pending(const rw_plan *p, bool next_only, size_t *n)
{
    const rw_migration **list = xcalloc(p->len + 1, sizeof *list);
    size_t k = 0;
    bool took_versioned = false;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < p->len; i++) {
            const plan_entry *en = &p->items[i];
            if (!plan_entry_is_pending(en) || !en->mig)
                continue;
            bool versioned = en->mig->type == MIG_VERSIONED;
            if ((pass == 0) != versioned)
                continue;
            if (versioned && next_only && took_versioned)
                continue;
            took_versioned |= versioned;
            list[k++] = en->mig;
        }
    }
    *n = k;
    return list;
}

static int migrate_check_failed_rows(rw_session *s, rw_err *e)
{
    for (size_t i = 0; i < s->hist.len; i++) {
        const rw_history_row *r = &s->hist.rows[i];
        if (r->success)
            continue;
        bool later_delete = false;
        for (size_t j = i + 1; j < s->hist.len; j++)
            if (strcmp(s->hist.rows[j].type, "DELETE") == 0 && s->hist.rows[j].version &&
                r->version && strcmp(s->hist.rows[j].version, r->version) == 0)
                later_delete = true;
        if (later_delete)
            continue;
        if (r->version)
            return rw_fail(e, RW_ERR_FAILED_VERSIONED,
                           "Schema %s contains a failed migration to version %s !\nPlease "
                           "remove any half-completed changes, fix the file, then run repair to "
                           "fix the schema history.",
                           session_schema_quoted(s), r->version);
        return rw_fail(e, RW_ERR_FAILED_REPEATABLE,
                       "Schema %s contains a failed repeatable migration %s !\nRun repair to "
                       "fix the schema history.",
                       session_schema_quoted(s), r->description);
    }
    return RW_OK;
}

static const char *migrate_name(const rw_migration *m)
{
    return m->filename;
}

/* What a failed migration left behind, which decides what the user must do next. */
typedef enum migrate_outcome {
    OUTCOME_ROLLED_BACK,          /* nothing changed, no history row */
    OUTCOME_ROLLED_BACK_RECORDED, /* nothing changed, but a failed row records it */
    OUTCOME_KEPT,                 /* changes may remain; a failed row records it */
    OUTCOME_KEPT_UNRECORDED,      /* changes may remain; recording the failure failed */
} migrate_outcome;

/* runway's advice after Flyway's details, one per outcome; where is path:line. */
static void migrate_outcome_advice(strbuf *sb, migrate_outcome o, const char *where)
{
    switch (o) {
    case OUTCOME_ROLLED_BACK:
        sb_addf(sb, "Nothing was changed: fix %s and run migrate again.", where);
        return;
    case OUTCOME_ROLLED_BACK_RECORDED:
        sb_addf(sb, "Its changes were rolled back and the schema history records it as failed: "
                    "fix %s, then run repair and migrate again.", where);
        return;
    case OUTCOME_KEPT:
        sb_addf(sb, "The database could not roll it back: remove any half-completed changes, "
                    "fix %s, then run repair and migrate again.", where);
        return;
    case OUTCOME_KEPT_UNRECORDED:
        sb_addf(sb, "The database could not roll it back and the failure is not recorded in the "
                    "schema history: remove any half-completed changes, fix %s and run migrate "
                    "again.", where);
        return;
    }
}

/*
 * Turns a driver error into Flyway's "Migration X failed" report.  The
 * first line is about the migration; a failure to record it (the
 * connection is often gone by then) comes after, as a detail.
 */
static void migrate_describe_failure(const rw_migration *m, migrate_outcome outcome,
                                     const char *record_error, const char *committed, rw_err *e)
{
    char server_msg[sizeof e->msg];
    snprintf(server_msg, sizeof server_msg, "%s", e->msg);
    strbuf sb = STRBUF_INIT;
    /* Flyway's title, underlined to its length, then the details; runway's advice last. */
    char *title = xasprintf("Migration %s failed", migrate_name(m));
    sb_addf(&sb, "%s\n", title);
    for (size_t i = strlen(title); i > 0; i--)
        sb_addc(&sb, '-');
    sb_addc(&sb, '\n');
    free(title);
    sb_addf(&sb, "SQL State  : %s\n", e->sqlstate[0] ? e->sqlstate : "null");
    sb_addf(&sb, "Error Code : %d\n", e->sql_errcode);
    sb_addf(&sb, "Message    : %s\n", server_msg);
    if (e->detail[0])
        sb_addf(&sb, "Detail     : %s\n", e->detail);
    if (e->hint[0])
        sb_addf(&sb, "Hint       : %s\n", e->hint);
    sb_addf(&sb, "Location   : %s (%s)\n", m->path, m->path);
    if (e->line)
        sb_addf(&sb, "Line       : %d\n", e->line);
    if (e->statement[0])
        sb_addf(&sb, "Statement  : %s\n", e->statement);
    if (committed)
        sb_addf(&sb, "Committed  : %s\n", committed);
    if (record_error && *record_error)
        sb_addf(&sb, "History    : the failure could not be recorded: %s\n", record_error);
    /* path:line, the form editors and CI logs turn into a link */
    char *where = e->line ? xasprintf("%s:%d", m->path, e->line) : xstrdup(m->path);
    migrate_outcome_advice(&sb, outcome, where);
    free(where);
    rw_code code = m->type == MIG_REPEATABLE ? RW_ERR_FAILED_REPEATABLE : RW_ERR_FAILED_VERSIONED;
    e->code = code;
    snprintf(e->path, sizeof e->path, "%s", m->path);
    size_t n = sb.len < sizeof e->msg - 1 ? sb.len : sizeof e->msg - 1;
    memcpy(e->msg, sb.buf, n);
    e->msg[n] = '\0';
    sb_free(&sb);
}

/* The end of a stopped migration's line: what the database kept, and what to do. */
static const char *migrate_stop_outcome(migrate_outcome o)
{
    switch (o) {
    case OUTCOME_ROLLED_BACK:
        return "rolled back";
    case OUTCOME_ROLLED_BACK_RECORDED:
        return "rolled back, and the schema history records it as failed (run repair first)";
    case OUTCOME_KEPT:
        return "the database could not roll it back and it is marked failed (remove any "
               "half-completed changes, then run repair)";
    case OUTCOME_KEPT_UNRECORDED:
        return "the database could not roll it back and the failure is not recorded (remove "
               "any half-completed changes)";
    }
    return "";
}

/*
 * A migration a signal or the deadline stopped: not a broken file, so no
 * server details, but whether the database took its changes back.
 */
static void migrate_describe_stop(const rw_migration *m, migrate_outcome outcome, rw_err *e)
{
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", e->msg);
    rw_code code = e->code;
    rw_fail(e, code, "%.200s while applying %s: %s", why, migrate_name(m),
            migrate_stop_outcome(outcome));
    snprintf(e->path, sizeof e->path, "%s", m->path);
}

/* Callback events migrate may fire; their scripts are checked before anything runs. */
static const char *const migrate_callback_events[] = {
    "beforeMigrate", "beforeRepeatables", "beforeEachMigrate", "beforeEachMigrateStatement",
    "afterEachMigrateStatement", "afterEachMigrateStatementError", "afterEachMigrate",
    "afterEachMigrateError", "afterVersioned", "afterMigrateApplied", "afterMigrate",
    "afterMigrateError", "beforeCreateSchema", "createSchema", NULL,
};

/* Loads every callback script migrate may run, so a broken one fails before any change. */
static int migrate_preflight_callbacks(rw_session *s, rw_err *e)
{
    for (size_t i = 0; i < s->res.ncbs; i++) {
        const rw_callback *cb = &s->res.cbs[i];
        bool used = false;
        for (const char *const *ev = migrate_callback_events; *ev && !used; ev++)
            used = strcmp(cb->event, *ev) == 0;
        if (!used)
            continue;
        sql_script script = {0};
        int rc = session_load_script(s, cb->path, true, &script, e);
        sql_script_free(&script);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

/* A migration runs in a transaction unless configured not to or a statement can't. */
static bool migrate_wants_tx(rw_session *s, const rw_migration *m, const sql_script *script)
{
    if (m->execute_in_transaction == 0 || !config_get_bool(s->cfg, "executeInTransaction"))
        return false;
    return !sql_script_has_nontransactional(script);
}

/*
 * On a database with transactional DDL a failed migration is rolled back
 * and reported as "Nothing was changed".  A script that commits or rolls
 * back runway's transaction itself would break that promise: what ran
 * before its COMMIT stays, the rest runs outside any transaction.  Refuse
 * it before anything runs.  MySQL commits DDL at once anyway, a failure
 * there is reported as not rolled back, and data dumps (sakila) end their
 * batches with COMMIT, as Flyway runs them: those are left alone.
 */
static int migrate_check_txn_control(rw_session *s, const rw_migration *m,
                                     const sql_script *script, rw_err *e)
{
    bool group = config_get_bool(s->cfg, "group");
    const sql_statement *st = sql_script_find_txn_control(script);
    if (!st || !s->db.ops->ddl_transactions || !(group || migrate_wants_tx(s, m, script)))
        return RW_OK;
    if (group)
        rw_fail(e, RW_ERR_PARSE,
                "%s:%d: %s controls the transaction, but group=true runs all pending "
                "migrations in one transaction: remove the statement, or set group=false and "
                "executeInTransaction=false in %s.conf",
                m->path, st->line, sql_txn_name(st), m->path);
    else
        rw_fail(e, RW_ERR_PARSE,
                "%s:%d: %s controls the transaction, but runway runs this migration in a "
                "transaction of its own: remove the statement, or run the script outside a "
                "transaction with executeInTransaction=false in %s.conf",
                m->path, st->line, sql_txn_name(st), m->path);
    snprintf(e->path, sizeof e->path, "%s", m->path);
    e->line = st->line;
    return e->code;
}

/* Checks every pending script loads (placeholders, parsing) before anything runs. */
static int migrate_preflight(rw_session *s, const rw_migration **list, size_t n, rw_err *e)
{
    bool mixed = config_get_bool(s->cfg, "mixed");
    for (size_t i = 0; i < n; i++) {
        sql_script script = {0};
        bool ph = list[i]->placeholder_replacement != 0;
        int rc = session_load_script(s, list[i]->path, ph, &script, e);
        if (rc == RW_OK)
            rc = migrate_check_txn_control(s, list[i], &script, e);
        /*
         * A script whose .conf says executeInTransaction=false runs outside a
         * transaction anyway, so mixing cannot hurt it: Flyway skips the check
         * when the script configuration decides.
         */
        bool decided = list[i]->execute_in_transaction == 0;
        if (rc == RW_OK && !mixed && !decided && sql_script_has_nontransactional(&script) &&
            sql_script_has_transactional(&script)) {
            rc = rw_fail(e, RW_ERR_PARSE,
                         "%s: Detected both transactional and non-transactional statements "
                         "within the same migration (even though mixed is false). Split the "
                         "file, or set mixed=true.",
                         list[i]->path);
            snprintf(e->path, sizeof e->path, "%s", list[i]->path);
        }
        sql_script_free(&script);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

typedef struct migrate_step {
    rw_session *s;
    const rw_migration *m;
    sql_script script;        /* the loaded script */
    bool group;               /* inside the group transaction */
    int elapsed_ms;
    int first_rank;           /* rank of the row written before running, or 0 */
    size_t ran;               /* statements of the script that completed */
} migrate_step;

/* Runs one migration's statements plus its per-migration callbacks. */
static int migrate_exec_one(migrate_step *st, bool in_tx, rw_err *e)
{
    rw_session *s = st->s;
    int rc = session_callbacks(s, "beforeEachMigrate", !in_tx, e);
    if (rc == RW_OK && !config_get_bool(s->cfg, "skipExecutingMigrations"))
        rc = session_exec_counted(s, st->m->path, &st->script, &st->ran, e);
    if (rc == RW_OK)
        rc = session_callbacks(s, "afterEachMigrate", !in_tx, e);
    return rc;
}

/* What a failed script run outside a transaction left committed. */
typedef struct migrate_leftover {
    size_t committed;         /* statements committed, transaction control left out */
    int last_line;            /* line of the last of them */
    size_t open;              /* statements inside the script's own unfinished transaction */
    int open_line;            /* line of the BEGIN that opened it, 0 when none is open */
} migrate_leftover;

/*
 * Outside a transaction each statement commits as it runs, except between
 * the script's own BEGIN and its COMMIT or ROLLBACK.  Replays the
 * statements that completed to tell which of them are committed.
 */
static migrate_leftover migrate_count_committed(const migrate_step *st)
{
    migrate_leftover lo = {0};
    int open_last = 0;
    for (size_t i = 0; i < st->ran && i < st->script.len; i++) {
        const sql_statement *x = &st->script.stmts[i];
        switch (x->txn) {
        case SQL_TXN_BEGIN:
            if (!lo.open_line)
                lo.open_line = x->line;
            break;
        case SQL_TXN_COMMIT:
            if (lo.open) {
                lo.committed += lo.open;
                lo.last_line = open_last;
            }
            lo.open = 0;
            lo.open_line = 0;
            break;
        case SQL_TXN_ROLLBACK:
            lo.open = 0;
            lo.open_line = 0;
            break;
        case SQL_TXN_SAVEPOINT:
            break;
        case SQL_TXN_NONE:
            if (lo.open_line) {
                lo.open++;
                open_last = x->line;
            } else {
                lo.committed++;
                lo.last_line = x->line;
            }
            break;
        }
    }
    return lo;
}

/*
 * The truth about a migration that failed outside a transaction: which
 * statements stay committed, and that the script's own open transaction
 * was rolled back.
 */
static char *migrate_describe_leftover(const migrate_step *st, const migrate_leftover *lo)
{
    strbuf sb = STRBUF_INIT;
    if (lo->committed)
        sb_addf(&sb, "%zu statement%s before the failing one (the last at line %d)",
                lo->committed, lo->committed == 1 ? "" : "s", lo->last_line);
    else
        sb_adds(&sb, "no statement before the failing one");
    if (lo->open_line)
        sb_addf(&sb, "; the transaction the script opened at line %d was rolled back%s",
                lo->open_line,
                st->s->db.ops->ddl_transactions
                    ? ""
                    : " (except its DDL statements, which this database commits at once)");
    return sb_detach(&sb);
}

/*
 * On a database without transactional DDL a migration's changes stay when
 * runway is killed half-way, so its history row is written first, as
 * failed, and marked successful when it completes: an interrupted run then
 * always leaves a Failed row that info, validate and repair (and Flyway)
 * understand.  Inside the migration's transaction the row goes with a
 * rollback of a data-only script and is committed by its first DDL
 * statement, like the changes it stands for.  A group has no row per
 * migration until its end; it keeps the plain path.
 */
static int migrate_write_first_row(migrate_step *st, rw_err *e)
{
    rw_session *s = st->s;
    if (s->db.ops->ddl_transactions || st->group)
        return RW_OK;
    int rc = session_record(s, st->m, 0, false, e);
    if (rc == RW_OK)
        st->first_rank = s->hist.rows[s->hist.len - 1].installed_rank;
    return rc;
}

/* Whether the statements run in the migration's transaction commit nothing themselves. */
static bool migrate_step_is_data_only(const migrate_step *st)
{
    return sql_script_is_data_only(&st->script) &&
           !session_has_callbacks(st->s, "beforeEachMigrate") &&
           !session_has_callbacks(st->s, "afterEachMigrate");
}

/*
 * After a failure, finds what is left of a row written first: still there
 * (DDL committed it, or there was no transaction), or taken away by the
 * rollback, when Flyway's failed row is written now.  When the database
 * cannot be asked (the connection is gone), the server rolled back the
 * open transaction, and only a data-only script is sure to have been in it
 * all along.
 */
static migrate_outcome migrate_settle_first_row(migrate_step *st, bool tx, strbuf *why)
{
    rw_session *s = st->s;
    rw_err ie;
    rw_err_clear(&ie);
    bool present = true;
    if (history_has_rank(&s->db, &s->hist, st->first_rank, &present, &ie) != RW_OK) {
        present = !(tx && migrate_step_is_data_only(st));
        if (!present)
            history_forget_last(&s->hist);
        return present ? OUTCOME_KEPT : OUTCOME_ROLLED_BACK;
    }
    if (present) {
        history_set_execution_time(&s->db, &s->hist, st->first_rank, st->elapsed_ms, &ie);
        return OUTCOME_KEPT;
    }
    history_forget_last(&s->hist);
    if (session_record(s, st->m, st->elapsed_ms, false, &ie) != RW_OK) {
        sb_adds(why, ie.msg);
        return OUTCOME_ROLLED_BACK;
    }
    return OUTCOME_ROLLED_BACK_RECORDED;
}

/*
 * Cleans up after a failed step and says what it left: a transaction on a
 * database with transactional DDL leaves nothing; otherwise a success=false
 * row records the failure, as Flyway writes it.
 */
static migrate_outcome migrate_step_fail(migrate_step *st, bool tx, strbuf *why)
{
    rw_session *s = st->s;
    rw_err ie;
    rw_err_clear(&ie);
    if (tx)
        s->db.ops->rollback(s->db.conn, &ie);
    if (st->first_rank)
        return migrate_settle_first_row(st, tx, why);
    if (tx && s->db.ops->ddl_transactions)
        return OUTCOME_ROLLED_BACK;
    if (st->group)
        return OUTCOME_KEPT;
    rw_err_clear(&ie);
    if (session_record(s, st->m, st->elapsed_ms, false, &ie) != RW_OK) {
        sb_adds(why, ie.msg);
        return OUTCOME_KEPT_UNRECORDED;
    }
    return OUTCOME_KEPT;
}

/*
 * Whether a step can go to the database in batches (see
 * migrate_step_batched): it runs in a transaction, the driver batches, and
 * no per-migration callback has to run between BEGIN and the statements.
 */
static bool migrate_step_batches(const migrate_step *st, bool tx)
{
    const rw_session *s = st->s;
    return tx && s->db.ops->run_steps && !session_has_callbacks(s, "beforeEachMigrate") &&
           !session_has_callbacks(s, "afterEachMigrate");
}

/*
 * Where the batch starting at steps[from] ends (whole: the script may go
 * as one batch).  A server runs a batch it
 * was sent to its end even when the client is killed; where DDL commits
 * itself (MySQL, MariaDB) only a data-only script, which the transaction
 * still takes back, may go whole.  Any other script there goes one
 * statement per batch, so a crash or a stop ends it after the statement
 * then running, as one statement at a time would: the first travels with
 * BEGIN and the first history row, which it commits.  A stop is checked
 * between batches.
 */
static size_t migrate_batch_cut(bool whole, const db_step *steps, size_t from, size_t n)
{
    if (whole)
        return n;
    for (size_t i = from; i < n; i++)
        if (steps[i].kind == DB_STEP_SCRIPT)
            return i + 1;
    return n;
}

/* A failed statement of a batch, described as session_exec_counted() does. */
static void migrate_note_statement(const migrate_step *st, const sql_statement *x, rw_err *e)
{
    snprintf(e->path, sizeof e->path, "%s", st->m->path);
    e->line = x->line;
    snprintf(e->statement, sizeof e->statement, "%s", x->sql);
}

/*
 * Round trip one: BEGIN, the first history row where one is written before
 * running (migrate_write_first_row) and the statements; where DDL commits
 * itself, one more for each statement past the first (migrate_batch_cut).  A
 * stop is checked before and after, as between statements one at a time.
 */
static int migrate_batch_statements(migrate_step *st, rw_err *e)
{
    rw_session *s = st->s;
    bool skip = config_get_bool(s->cfg, "skipExecutingMigrations");
    size_t nstmts = skip ? 0 : st->script.len;
    db_step *steps = xcalloc(nstmts + 2, sizeof *steps);
    size_t n = 0;
    if (!st->group)
        steps[n++] = (db_step){.kind = DB_STEP_BEGIN};
    rw_history_row row = {0};
    history_write first = {0};
    size_t first_at = 0; /* 1 + the index of the first-row INSERT, or 0 */
    if (!s->db.ops->ddl_transactions && !st->group) {
        session_fill_row(s, st->m, &row);
        row.installed_rank = history_next_rank(&s->hist);
        row.success = false;
        history_insert_write(&s->db, &s->hist, &row, &first);
        steps[n++] = first.step;
        first_at = n;
    }
    size_t nbefore = n;
    for (size_t i = 0; i < nstmts; i++) {
        log_debug("Executing SQL: %s", st->script.stmts[i].sql);
        steps[n++] = (db_step){.kind = DB_STEP_SCRIPT, .st = &st->script.stmts[i]};
    }
    size_t done = 0;
    int64_t t0 = rw_now_ms();
    int rc = RW_OK;
    bool whole = s->db.ops->ddl_transactions || sql_script_is_data_only(&st->script);
    for (size_t at = 0; rc == RW_OK && at < n;) {
        size_t end = migrate_batch_cut(whole, steps, at, n), ran = 0;
        rc = stop_requested() ? stop_fail(e) : db_run_steps(&s->db, steps + at, end - at, &ran, e);
        done = at + ran;
        at = end;
    }
    st->elapsed_ms = (int)(rw_now_ms() - t0);
    if (first_at && done >= first_at) {
        history_insert_done(&s->hist, &row);
        st->first_rank = row.installed_rank;
    }
    st->ran = done > nbefore ? done - nbefore : 0;
    if (stop_requested())
        rc = stop_fail(e);
    if (rc != RW_OK && done >= nbefore && done < n)
        migrate_note_statement(st, steps[done].st, e);
    if (first_at)
        history_write_free(&first);
    history_row_free(&row);
    free(steps);
    return rc;
}

/* Round trip two: the history row, completed or written now, and COMMIT. */
static int migrate_batch_record(migrate_step *st, rw_err *e)
{
    rw_session *s = st->s;
    rw_history_row row = {0};
    history_write w;
    if (st->first_rank) {
        history_complete_write(&s->db, &s->hist, st->first_rank, st->elapsed_ms, &w);
    } else {
        session_fill_row(s, st->m, &row);
        row.installed_rank = history_next_rank(&s->hist);
        row.execution_time = st->elapsed_ms;
        history_insert_write(&s->db, &s->hist, &row, &w);
    }
    db_step steps[2] = {w.step, {.kind = DB_STEP_COMMIT}};
    size_t done = 0;
    int rc = db_run_steps(&s->db, steps, st->group ? 1 : 2, &done, e);
    if (done >= 1 && st->first_rank)
        history_complete_done(&s->hist, st->first_rank, st->elapsed_ms);
    else if (done >= 1)
        history_insert_done(&s->hist, &row);
    history_write_free(&w);
    history_row_free(&row);
    return rc;
}

/*
 * A transactional step in two round trips: the statements travel with
 * their BEGIN, the history row with its COMMIT.  Failures leave the same
 * state behind as the one-call-per-statement path, so migrate_step_run
 * handles both alike.
 */
static int migrate_step_batched(migrate_step *st, rw_err *e)
{
    int rc = migrate_batch_statements(st, e);
    return rc == RW_OK ? migrate_batch_record(st, e) : rc;
}

/*
 * One step, run while the caller holds the history lock: its own
 * transaction (unless grouped or non-transactional), the statements, the
 * history row, commit.
 */
static int migrate_step_run(migrate_step *st, rw_err *e)
{
    rw_session *s = st->s;
    const db_ops *ops = s->db.ops;
    const rw_migration *m = st->m;
    int rc = session_load_script(s, m->path, m->placeholder_replacement != 0, &st->script, e);
    if (rc != RW_OK)
        return rc;
    bool tx = st->group || migrate_wants_tx(s, m, &st->script);
    bool batched = migrate_step_batches(st, tx);
    if (!st->group && tx && !batched)
        rc = ops->begin(s->db.conn, e);
    if (rc == RW_OK && m->type == MIG_REPEATABLE)
        log_info("Migrating schema %s with repeatable migration \"%s\"", session_schema_quoted(s),
                 m->description);
    else if (rc == RW_OK)
        log_info("Migrating schema %s to version \"%s%s%s\"", session_schema_quoted(s),
                 m->version.text, *m->description ? " - " : "", m->description);
    if (batched && rc == RW_OK) {
        rc = migrate_step_batched(st, e);
    } else {
        if (rc == RW_OK)
            rc = migrate_write_first_row(st, e);
        int64_t t0 = rw_now_ms();
        if (rc == RW_OK)
            rc = migrate_exec_one(st, tx, e);
        st->elapsed_ms = (int)(rw_now_ms() - t0);
        if (rc == RW_OK) {
            if (st->first_rank)
                rc = history_complete_row(&s->db, &s->hist, st->first_rank, st->elapsed_ms, e);
            else
                rc = session_record(s, m, st->elapsed_ms, true, e);
            if (rc == RW_OK && tx && !st->group)
                rc = ops->commit(s->db.conn, e);
        }
    }
    if (rc != RW_OK) {
        strbuf why = STRBUF_INIT;
        /*
         * Outside a transaction, say what stays committed; a transaction the
         * script itself left open is rolled back first, so the failure can
         * be recorded on the same connection.
         */
        char *committed = NULL;
        if (!tx) {
            migrate_leftover lo = migrate_count_committed(st);
            if (lo.open_line) {
                rw_err ig;
                rw_err_clear(&ig);
                ops->rollback(s->db.conn, &ig);
            }
            committed = migrate_describe_leftover(st, &lo);
        }
        migrate_outcome outcome = migrate_step_fail(st, tx, &why);
        if (stop_is_code(e->code))
            migrate_describe_stop(m, outcome, e);
        else
            migrate_describe_failure(m, outcome, why.len ? why.buf : NULL, committed, e);
        free(committed);
        sb_free(&why);
    }
    return rc;
}

/* A warning as Flyway logs it, also kept for the JSON result's "warnings". */
static void migrate_warn(rw_session *s, char *msg)
{
    log_warn("%s", msg);
    strlist_push_owned(&s->warnings, msg);
}

/*
 * With createSchemas=false nothing creates the default schema, yet the
 * history table has to live in it: Flyway warns before the creation fails.
 */
static int migrate_check_history_schema(rw_session *s, rw_err *e)
{
    bool exists = true;
    int rc = s->db.ops->schema_exists(s->db.conn, session_schema(s), &exists, e);
    if (rc == RW_OK && !exists)
        migrate_warn(s, xstrdup("The configuration option 'createSchemas' is false.\nHowever, "
                                "the schema history table still needs a schema to reside "
                                "in.\nYou must manually create a schema for the schema history "
                                "table to reside in."));
    return rc;
}

/* Creates missing schemas; returns the quoted list of created ones in created. */
static int migrate_create_schemas(rw_session *s, strbuf *created, rw_err *e)
{
    if (!config_get_bool(s->cfg, "createSchemas"))
        return s->hist_exists ? RW_OK : migrate_check_history_schema(s, e);
    if (s->schemas.len == 0)
        return RW_OK;
    for (size_t i = 0; i < s->schemas.len; i++) {
        bool exists = false;
        int rc = s->db.ops->schema_exists(s->db.conn, s->schemas.items[i], &exists, e);
        if (rc != RW_OK)
            return rc;
        if (exists)
            continue;
        char *quoted = session_quote(s, s->schemas.items[i]);
        log_info("Creating schema %s ...", quoted);
        free(quoted);
        if ((rc = session_callbacks(s, "beforeCreateSchema", true, e)) != RW_OK)
            return rc;
        if ((rc = s->db.ops->schema_create(s->db.conn, s->schemas.items[i], e)) != RW_OK)
            return rc;
        if (created->len)
            sb_addc(created, ',');
        s->db.ops->quote_ident(created, s->schemas.items[i]);
    }
    return RW_OK;
}

/*
 * Before the history table is created: a schema that already holds objects
 * is baselined when baselineOnMigrate allows it, and is an error otherwise,
 * as in Flyway.
 */
static int migrate_baseline_non_empty(rw_session *s, migrate_result *r, rw_err *e)
{
    const char *schemas_list = s->schemas.len ? NULL : s->default_schema;
    size_t n = s->schemas.len ? s->schemas.len : 1;
    strbuf names = STRBUF_INIT;
    int rc = RW_OK;
    for (size_t i = 0; i < n && rc == RW_OK; i++) {
        const char *sc = schemas_list ? schemas_list : s->schemas.items[i];
        bool empty = true;
        rc = s->db.ops->schema_is_empty(s->db.conn, sc, &empty, e);
        if (!empty) {
            char *quoted = session_quote(s, sc);
            sb_addf(&names, "%s%s", names.len ? ", " : "", quoted);
            free(quoted);
        }
    }
    if (rc == RW_OK && names.len) {
        if (config_get_bool(s->cfg, "baselineOnMigrate")) {
            rc = baseline_run(s, e);
            r->baselined = rc == RW_OK;
        } else {
            rc = rw_fail(e, RW_ERR_NON_EMPTY_SCHEMA,
                         "Found non-empty schema(s) %s but no schema history table. Use "
                         "baseline() or set baselineOnMigrate to true to initialize the "
                         "schema history table.",
                         sb_str(&names));
        }
    }
    sb_free(&names);
    return rc;
}

/*
 * Creates the missing schemas.  Where there is no history table yet (the
 * caller holds the migration lock and has just looked again), also the
 * table, or a baseline, with Flyway's marker row for the schemas it
 * created; with the table already there no lock is needed.
 */
static int migrate_prepare_history_locked(rw_session *s, migrate_result *r, rw_err *e)
{
    strbuf created = STRBUF_INIT;
    int rc = migrate_create_schemas(s, &created, e);
    if (rc != RW_OK || s->hist_exists)
        goto out;
    if (created.len == 0 && ((rc = migrate_baseline_non_empty(s, r, e)) != RW_OK || r->baselined))
        goto out;
    rc = session_create_history(s, e);
    if (rc == RW_OK && created.len) {
        rw_history_row row = {0};
        row.installed_rank = 0;
        row.description = "<< Flyway Schema Creation >>";
        row.type = "SCHEMA";
        row.script = created.buf;
        row.installed_by = s->installed_by;
        row.success = true;
        rc = history_insert_row(&s->db, &s->hist, &row, e);
    }
out:
    sb_free(&created);
    return rc;
}

/*
 * Runs the history preparation under the migration lock, re-checking the
 * table first: a concurrent run may have created it (and applied
 * migrations) since this session looked, which must not read as a
 * non-empty schema without history.
 */
static int migrate_prepare_history(rw_session *s, migrate_result *r, rw_err *e)
{
    if (s->hist_exists)
        return migrate_prepare_history_locked(s, r, e);
    int rc = s->db.ops->lock(s->db.conn, s->hist.schema, s->hist.table, e);
    if (rc != RW_OK)
        return rc;
    bool exists = false;
    rc = history_exists(&s->db, &s->hist, &exists, e);
    if (rc == RW_OK && exists) {
        s->hist_exists = true;
        rc = history_refresh(&s->db, &s->hist, e);
    }
    if (rc == RW_OK)
        rc = migrate_prepare_history_locked(s, r, e);
    rw_err ig;
    s->db.ops->unlock(s->db.conn, s->hist.schema, s->hist.table, &ig);
    return rc;
}

static int migrate_loop(rw_session *s, int64_t deadline_ms, migrate_result *r, rw_err *e)
{
    bool group = config_get_bool(s->cfg, "group");
    const char *target = config_get(s->cfg, "target");
    bool next_only = target && rw_str_ieq(target, "next");
    size_t cap = 0, batches = 0;
    int rc = RW_OK;
    for (;;) {
        size_t n = 0;
        const rw_migration **list = migrate_pending(&s->plan, next_only && r->napplied == 0, &n);
        if (next_only && r->napplied > 0) {
            /* after the one versioned migration only repeatables remain */
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (list[i]->type == MIG_REPEATABLE)
                    list[k++] = list[i];
            n = k;
        }
        if (n == 0) {
            free(list);
            break;
        }
        /* migrate_run checked the first batch; a re-planned one is checked again. */
        if (batches++ > 0 && (rc = migrate_preflight(s, list, n, e)) != RW_OK) {
            free(list);
            break;
        }
        if (cap < r->napplied + n) {
            cap = r->napplied + n;
            r->applied = xrealloc(r->applied, cap * sizeof *r->applied);
        }
        bool replan = false;
        bool saw_repeatable = false;
        /*
         * One lock for the whole batch, not one per migration: that cost two
         * round trips and a history read per file.  Once it is held nobody
         * else can change the history, so one read right after taking it
         * tells whether the plan is still current.
         */
        size_t rows_before = s->hist.len;
        rc = s->db.ops->lock(s->db.conn, s->hist.schema, s->hist.table, e);
        bool locked = rc == RW_OK;
        if (rc == RW_OK && group)
            rc = s->db.ops->begin(s->db.conn, e);
        if (rc == RW_OK && !group) {
            rc = history_refresh(&s->db, &s->hist, e);
            replan = rc == RW_OK && s->hist.len != rows_before;
            if (rc == RW_OK && !replan)
                rc = migrate_check_failed_rows(s, e);
        }
        for (size_t i = 0; i < n && rc == RW_OK && !replan; i++) {
            if (stop_requested()) {
                rc = stop_fail(e);
                r->pending_left = n - i;
                break;
            }
            if (deadline_ms && rw_now_ms() >= deadline_ms) {
                r->stopped_by_deadline = true;
                r->pending_left = n - i;
                log_warn("Stopping before %s: too little time is left; %zu migrations remain "
                         "pending",
                         list[i]->filename, n - i);
                break;
            }
            if (list[i]->type == MIG_REPEATABLE && !saw_repeatable) {
                saw_repeatable = true;
                if ((rc = session_callbacks(s, "afterVersioned", !group, e)) != RW_OK ||
                    (rc = session_callbacks(s, "beforeRepeatables", !group, e)) != RW_OK)
                    break;
            }
            migrate_step st = {.s = s, .m = list[i], .group = group};
            progress_step_begin(list[i]->filename, i + 1, n);
            rc = migrate_step_run(&st, e);
            progress_step_end(list[i]->filename, i + 1, n, st.elapsed_ms, rc == RW_OK);
            sql_script_free(&st.script);
            if (rc != RW_OK) {
                r->failed = list[i];
                r->pending_left = n - i; /* the failed one is still pending */
                break;
            }
            r->applied[r->napplied].mig = list[i];
            r->applied[r->napplied++].execution_time = st.elapsed_ms;
        }
        rw_err ig;
        if (group && locked) {
            if (rc == RW_OK) {
                rc = s->db.ops->commit(s->db.conn, e);
            } else {
                s->db.ops->rollback(s->db.conn, &ig);
                r->napplied = 0;
                if (r->failed)
                    r->pending_left = n; /* the group's rollback undid them all */
            }
        }
        if (locked)
            s->db.ops->unlock(s->db.conn, s->hist.schema, s->hist.table, &ig);
        free(list);
        if (rc != RW_OK || !replan || r->stopped_by_deadline)
            break;
        log_info("Another process changed %s; re-reading it", s->hist.qualified);
        if ((rc = session_plan(s, e)) != RW_OK)
            break;
        if (group)
            break;
    }
    return rc;
}

/*
 * The one line a stopped migrate leaves: what was applied, what was rolled
 * back, what is still pending, so the operator knows where the schema is.
 */
static void migrate_summarize_stop(const migrate_result *r, rw_err *e)
{
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", e->msg);
    strbuf sb = STRBUF_INIT;
    sb_adds(&sb, why); /* "interrupted by SIGTERM while applying V2__x.sql: rolled back" */
    sb_addf(&sb, "; %zu migration%s applied", r->napplied, r->napplied == 1 ? "" : "s");
    if (r->target_version)
        sb_addf(&sb, " (schema now at version %s)", r->target_version);
    sb_addf(&sb, ", %zu not applied; run migrate again to continue", r->pending_left);
    rw_code code = e->code;
    rw_fail(e, code, "%s", sb_str(&sb));
    sb_free(&sb);
}

/*
 * On a database without transactional DDL a running migration's row reads
 * as failed until it completes (see migrate_write_first_row).  A failed
 * row seen without the lock is therefore only known to be failed once the
 * lock is free: wait for it, then read the history again.
 */
static int migrate_settle_failed_rows(rw_session *s, rw_err *e)
{
    if (s->db.ops->ddl_transactions || !s->hist_exists)
        return RW_OK;
    bool any_failed = false;
    for (size_t i = 0; i < s->hist.len && !any_failed; i++)
        any_failed = !s->hist.rows[i].success;
    if (!any_failed)
        return RW_OK;
    int rc = s->db.ops->lock(s->db.conn, s->hist.schema, s->hist.table, e);
    if (rc != RW_OK)
        return rc;
    rc = history_reload(&s->db, &s->hist, e);
    rw_err ig;
    s->db.ops->unlock(s->db.conn, s->hist.schema, s->hist.table, &ig);
    return rc == RW_OK ? session_plan(s, e) : rc;
}

/*
 * The warnings Flyway's DbMigrate gives once it knows the current version:
 * outOfOrder may apply versions in an order no other database saw, and a
 * version newer than every local file means this deploy is older than the
 * database it runs against.
 */
static void migrate_warn_state(rw_session *s, const char *cur)
{
    if (config_get_bool(s->cfg, "outOfOrder"))
        migrate_warn(s, xasprintf("outOfOrder mode is active. Migration of schema %s may not be "
                                  "reproducible.",
                                  session_schema_quoted(s)));
    bool future = false;
    for (size_t i = 0; i < s->plan.len && !future; i++)
        future = s->plan.items[i].state == ST_FUTURE_SUCCESS ||
                 s->plan.items[i].state == ST_FUTURE_FAILED;
    if (!future || !cur)
        return;
    if (!version_is_set(&s->plan.last_resolved))
        migrate_warn(s, xasprintf("Schema %s has version %s, but no migration could be resolved "
                                  "in the configured locations !",
                                  session_schema_quoted(s), cur));
    else
        migrate_warn(s, xasprintf("Schema %s has a version (%s) that is newer than the latest "
                                  "available migration (%s) !",
                                  session_schema_quoted(s), cur, s->plan.last_resolved.text));
}

int migrate_run(rw_session *s, int64_t deadline_ms, migrate_result *r, rw_err *e)
{
    memset(r, 0, sizeof *r);
    int64_t t0 = rw_now_ms();
    int rc = migrate_settle_failed_rows(s, e);
    if (rc != RW_OK)
        return rc;
    /* Flyway says so, then validates (every file is pending on a new table). */
    if (!s->hist_exists)
        log_info("Schema history table %s does not exist yet", s->hist.qualified);
    if (config_get_bool(s->cfg, "validateOnMigrate")) {
        /* Flyway's own validation inside migrate fires the validate callbacks too. */
        plan_problems pp = {0};
        rc = session_callbacks(s, "beforeValidate", true, e);
        if (rc == RW_OK)
            rc = migrate_validate(s, "*:pending", &pp, e);
        if (rc == RW_OK && pp.len)
            rc = migrate_validate_error(&pp, e);
        plan_problems_free(&pp);
        if (rc == RW_OK) {
            rc = session_callbacks(s, "afterValidate", true, e);
        } else {
            rw_err ce;
            rw_err_clear(&ce);
            if (session_callbacks(s, "afterValidateError", true, &ce) != RW_OK)
                log_error("%s", ce.msg);
        }
        if (rc != RW_OK)
            return rc;
        log_info("Successfully validated %zu migration%s (execution time %s)", s->plan.len,
                 s->plan.len == 1 ? "" : "s",
                 log_duration(rw_now_ms() - t0, (char[32]){0}, 32));
    }
    /* Scripts that cannot run (undefined placeholders, parse errors) fail before anything changes. */
    size_t npending = 0;
    const rw_migration **pending = migrate_pending(&s->plan, false, &npending);
    rc = migrate_preflight(s, pending, npending, e);
    free(pending);
    if (rc == RW_OK)
        rc = migrate_preflight_callbacks(s, e);
    if (rc != RW_OK)
        return rc;
    /* The plan points into the history rows: rebuild it only when they changed or moved. */
    size_t rows_planned = s->hist.len;
    if ((rc = migrate_prepare_history(s, r, e)) != RW_OK)
        return rc;
    const rw_history_row *rows_at = s->hist.rows;
    history_expect(&s->hist, npending + 1);
    if ((s->hist.len != rows_planned || r->baselined || s->hist.rows != rows_at) &&
        (rc = session_plan(s, e)) != RW_OK)
        return rc;
    rows_planned = s->hist.len;
    const char *cur = plan_current_version(&s->plan, &s->hist);
    r->initial_version = cur ? xstrdup(cur) : NULL;
    log_info("Current version of schema %s: %s", session_schema_quoted(s),
             cur ? cur : "<< Empty Schema >>");
    migrate_warn_state(s, cur);
    if ((rc = session_callbacks(s, "beforeMigrate", true, e)) != RW_OK)
        return rc;
    rc = migrate_loop(s, deadline_ms, r, e);
    if (rc == RW_OK) {
        if (r->napplied && (rc = session_callbacks(s, "afterMigrateApplied", true, e)) != RW_OK)
            return rc;
        rc = session_callbacks(s, "afterMigrate", true, e);
    } else {
        rw_err ce;
        rw_err_clear(&ce);
        if (session_callbacks(s, "afterMigrateError", true, &ce) != RW_OK)
            log_error("%s", ce.msg);
    }
    if (s->hist.len != rows_planned || !s->plan_built)
        session_plan(s, &(rw_err){0});
    cur = s->plan_built ? plan_current_version(&s->plan, &s->hist) : NULL;
    r->target_version = cur ? xstrdup(cur) : NULL;
    if (stop_is_code(rc))
        migrate_summarize_stop(r, e);
    if (rc == RW_OK) {
        char dur[32];
        log_duration(rw_now_ms() - t0, dur, sizeof dur);
        if (r->napplied == 0)
            log_info("Schema %s is up to date. No migration necessary.", session_schema_quoted(s));
        else if (s->dry_run)
            log_info("Dry run: would apply %zu migration%s to schema %s%s%s; nothing was executed",
                     r->napplied, r->napplied == 1 ? "" : "s", session_schema_quoted(s),
                     cur ? ", then at version v" : "", cur ? cur : "");
        else
            log_info("Successfully applied %zu migration%s to schema %s%s%s (execution time "
                     "%s)",
                     r->napplied, r->napplied == 1 ? "" : "s", session_schema_quoted(s),
                     cur ? ", now at version v" : "", cur ? cur : "", dur);
    }
    return rc;
}

/* ---- baseline ------------------------------------------------------------- */

int baseline_run(rw_session *s, rw_err *e)
{
    const char *version = config_get(s->cfg, "baselineVersion");
    const char *desc = config_get(s->cfg, "baselineDescription");
    rw_version v;
    if (version_parse(version, &v, e) != RW_OK)
        return rw_fail(e, RW_ERR_CONFIGURATION, "Invalid baselineVersion '%s': %s", version,
                       e->msg);
    int rc = RW_OK;
    if (s->hist_exists) {
        for (size_t i = 0; i < s->hist.len; i++) {
            const rw_history_row *r = &s->hist.rows[i];
            if (strcmp(r->type, "SCHEMA") == 0)
                continue;
            if (strcmp(r->type, "BASELINE") == 0 && r->version && version_eq(&r->ver, &v) &&
                strcmp(r->description, desc) == 0) {
                log_info("Schema history table %s already initialized with (%s,%s). Skipping.",
                         s->hist.qualified, version, desc);
                version_free(&v);
                return RW_OK;
            }
            rc = rw_fail(e, RW_ERROR,
                         "Unable to baseline schema history table %s as it already contains "
                         "migrations",
                         s->hist.qualified);
            version_free(&v);
            return rc;
        }
    }
    rc = s->db.ops->lock(s->db.conn, s->hist.schema, s->hist.table, e);
    if (rc != RW_OK) {
        version_free(&v);
        return rc;
    }
    if (!s->hist_exists)
        rc = session_create_history(s, e);
    if (rc == RW_OK) {
        rw_history_row row = {0};
        row.installed_rank = history_next_rank(&s->hist);
        row.version = v.text;
        row.description = (char *)desc;
        row.type = "BASELINE";
        row.script = (char *)desc;
        row.installed_by = s->installed_by;
        row.success = true;
        rc = history_insert_row(&s->db, &s->hist, &row, e);
    }
    rw_err ig;
    s->db.ops->unlock(s->db.conn, s->hist.schema, s->hist.table, &ig);
    if (rc == RW_OK) {
        log_info("Successfully baselined schema with version: %s", version);
        rc = session_plan(s, e);
    }
    version_free(&v);
    return rc;
}

/* ---- repair --------------------------------------------------------------- */

static void repair_items_free(repair_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(items[i].version);
        free(items[i].description);
        free(items[i].path);
    }
    free(items);
}

void repair_result_free(repair_result *r)
{
    strlist_free(&r->actions);
    repair_items_free(r->removed, r->nremoved);
    repair_items_free(r->deleted, r->ndeleted);
    repair_items_free(r->aligned, r->naligned);
    memset(r, 0, sizeof *r);
}

static void repair_item_add(repair_item *items, size_t *n, const char *version,
                            const char *description, const char *path)
{
    repair_item *it = &items[(*n)++];
    it->version = version ? xstrdup(version) : NULL;
    it->description = xstrdup(description);
    it->path = path ? xstrdup(path) : NULL;
}

/*
 * Flyway's closing lines of a repair: the time it took, then what is left
 * for a person to do (the manual clean-up only where the database could not
 * roll the failed migration back).
 */
static void repair_log_done(rw_session *s, const repair_result *r, int64_t t0)
{
    if (!s->hist_exists)
        log_info("Repair of failed migration in Schema History table %s not necessary. No "
                 "failed migration detected.",
                 s->hist.qualified);
    char dur[32];
    log_info("Successfully repaired schema history table %s (execution time %s).",
             s->hist.qualified, log_duration(rw_now_ms() - t0, dur, sizeof dur));
    if (r->ndeleted)
        log_info("Please ensure the previous contents of the deleted migrations are removed "
                 "from the database, or moved into an existing migration.");
    if (r->nremoved && !s->db.ops->ddl_transactions)
        log_info("Manual cleanup of the remaining effects of the failed migration may still be "
                 "required.");
}

/* Flyway's repair: drop failed rows, mark missing ones deleted, realign checksums. */
int repair_run(rw_session *s, repair_result *r, rw_err *e)
{
    memset(r, 0, sizeof *r);
    int64_t t0 = rw_now_ms();
    if (!s->hist_exists) {
        repair_log_done(s, r, t0);
        return RW_OK;
    }
    int rc = migrate_settle_failed_rows(s, e);
    if (rc != RW_OK)
        return rc;
    const db_ops *ops = s->db.ops;
    size_t n = s->plan.len + 1;
    r->removed = xcalloc(n, sizeof *r->removed);
    r->deleted = xcalloc(n, sizeof *r->deleted);
    r->aligned = xcalloc(n, sizeof *r->aligned);
    /* Decide everything from the current plan before touching rows. */
    int *align_rank = xcalloc(n, sizeof *align_rank);
    const rw_migration **align_mig = xcalloc(n, sizeof *align_mig);
    size_t naligns = 0;
    rw_history_row *dels = xcalloc(n, sizeof *dels);
    size_t ndels = 0;
    for (size_t i = 0; i < s->plan.len; i++) {
        const plan_entry *en = &s->plan.items[i];
        if (!en->row || en->state == ST_DELETED || en->state == ST_UNDONE)
            continue;
        if (!en->row->success) {
            repair_item_add(r->removed, &r->nremoved, en->row->version, en->row->description,
                            en->mig ? en->mig->path : NULL);
            continue;
        }
        if (en->state == ST_MISSING_SUCCESS || en->state == ST_FUTURE_SUCCESS) {
            rw_history_row *d = &dels[ndels++];
            d->version = en->row->version;
            d->description = en->row->description;
            d->type = "DELETE";
            d->script = en->row->script;
            d->has_checksum = en->row->has_checksum;
            d->checksum = en->row->checksum;
            d->installed_by = s->installed_by;
            d->success = true;
            continue;
        }
        if (!en->mig || en->state == ST_SUPERSEDED || en->state == ST_BASELINE)
            continue;
        bool versioned = en->row->version != NULL;
        bool differs;
        if (versioned)
            differs = !en->row->has_checksum || en->row->checksum != en->mig->checksum ||
                      strcmp(en->row->description, en->mig->description) != 0 ||
                      strcmp(en->row->type, "SQL") != 0;
        else /* repeatables: only from the raw checksum to the placeholder one */
            differs = en->row->has_checksum && en->row->checksum == en->mig->raw_checksum &&
                      en->mig->raw_checksum != en->mig->checksum;
        if (differs) {
            align_rank[naligns] = en->row->installed_rank;
            align_mig[naligns++] = en->mig;
        }
    }
    rc = ops->begin(s->db.conn, e);
    if (rc == RW_OK && r->nremoved)
        rc = history_delete_failed(&s->db, &s->hist, e);
    else if (rc == RW_OK)
        log_info("Repair of failed migration in Schema History table %s not necessary. No "
                 "failed migration detected.",
                 s->hist.qualified);
    for (size_t i = 0; i < ndels && rc == RW_OK; i++) {
        dels[i].installed_rank = history_next_rank(&s->hist);
        rc = history_insert_row(&s->db, &s->hist, &dels[i], e);
        if (rc == RW_OK)
            repair_item_add(r->deleted, &r->ndeleted, dels[i].version, dels[i].description,
                            NULL);
    }
    for (size_t i = 0; i < naligns && rc == RW_OK; i++) {
        const rw_migration *m = align_mig[i];
        log_info("Repairing Schema History table for version %s (Description: %s, Type: SQL, "
                 "Checksum: %d)  ...",
                 m->type == MIG_REPEATABLE ? "null" : m->version.text, m->description,
                 m->checksum);
        rc = history_update_row(&s->db, &s->hist, align_rank[i], m->description, "SQL",
                                &m->checksum, e);
        if (rc == RW_OK)
            repair_item_add(r->aligned, &r->naligned,
                            m->type == MIG_REPEATABLE ? NULL : m->version.text, m->description,
                            m->path);
    }
    if (rc == RW_OK) {
        rc = ops->commit(s->db.conn, e);
    } else {
        rw_err ig;
        ops->rollback(s->db.conn, &ig);
    }
    free(align_rank);
    free(align_mig);
    free(dels);
    if (rc != RW_OK)
        return rc;
    if (r->nremoved)
        strlist_push(&r->actions, "Removed failed migrations");
    if (r->ndeleted)
        strlist_push(&r->actions, "Marked missing migrations as deleted");
    if (r->naligned)
        strlist_push(&r->actions, "Aligned applied migration checksums");
    repair_log_done(s, r, t0);
    return session_plan(s, e);
}
