/*
 * db.c - the driver registry: picks the driver whose URL scheme matches.
 */
#include "db/db.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const db_ops *const drivers[] = {&db_sqlite_ops, &db_postgres_ops, &db_mysql_ops};

const db_ops *db_find(const char *url)
{
    if (!url)
        return NULL;
    for (size_t i = 0; i < sizeof drivers / sizeof drivers[0]; i++)
        if (drivers[i]->handles_url && drivers[i]->handles_url(url))
            return drivers[i];
    return NULL;
}

bool db_error_is_refusal(const rw_err *e)
{
    if (e->code != RW_ERR_DB_CONNECTION)
        return false;
    /* SQLSTATE class 28 (authorization), 3D000 (unknown database), 42501 (no CONNECT). */
    if (strncmp(e->sqlstate, "28", 2) == 0 || strcmp(e->sqlstate, "3D000") == 0 ||
        strcmp(e->sqlstate, "42501") == 0)
        return true;
    /* MySQL and MariaDB: access denied (1044, 1045, 1698), unknown database (1049). */
    return e->sql_errcode == 1044 || e->sql_errcode == 1045 || e->sql_errcode == 1698 ||
           e->sql_errcode == 1049;
}

/* One step through the driver's single calls: the behaviour a batch must match. */
static int db_run_step(rw_db *db, const db_step *step, rw_err *e)
{
    switch (step->kind) {
    case DB_STEP_BEGIN:
        return db->ops->begin(db->conn, e);
    case DB_STEP_COMMIT:
        return db->ops->commit(db->conn, e);
    case DB_STEP_SCRIPT:
        return db->ops->exec(db->conn, step->st, e);
    case DB_STEP_SQL:
        return db->ops->query(db->conn, step->sql, step->params, step->nparams, NULL, NULL, e);
    }
    return rw_fail(e, RW_ERROR, "unknown batch step %d", (int)step->kind);
}

int db_run_steps(rw_db *db, const db_step *steps, size_t n, size_t *done, rw_err *e)
{
    *done = 0;
    if (db->ops->run_steps)
        return db->ops->run_steps(db->conn, steps, n, done, e);
    for (size_t i = 0; i < n; i++) {
        int rc = db_run_step(db, &steps[i], e);
        if (rc != RW_OK)
            return rc;
        *done = i + 1;
    }
    return RW_OK;
}

int db_open(const rw_config *cfg, rw_db *db, rw_err *e)
{
    db->ops = NULL;
    db->conn = NULL;
    const char *url = config_get(cfg, "url");
    if (!url || !*url)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "No database url is configured (runway, like Flyway, has no default "
                       "database). For example: runway -url=jdbc:sqlite:app.db "
                       "-locations=filesystem:sql migrate, or set FLYWAY_URL, or flyway.url in "
                       "flyway.conf");
    const db_ops *ops = db_find(url);
    if (!ops) {
        char *safe = config_redact_url(url);
        rw_fail(e, RW_ERR_CONFIGURATION,
                "No database found to handle %s. Supported URLs start with jdbc:sqlite:, "
                "jdbc:postgresql:, postgres://, jdbc:mysql:, jdbc:mariadb: or mysql://",
                safe);
        free(safe);
        return e->code;
    }
    int rc = ops->connect(cfg, &db->conn, e);
    if (rc != RW_OK)
        return rc;
    db->ops = ops;
    return RW_OK;
}

void db_close(rw_db *db)
{
    if (db->ops && db->conn)
        db->ops->close(db->conn);
    db->ops = NULL;
    db->conn = NULL;
}

static db_stop_check stop_check;

void db_set_stop_check(db_stop_check check)
{
    stop_check = check;
}

int db_check_stop(rw_err *e)
{
    return stop_check ? stop_check(e) : RW_OK;
}

/* Says what the stop interrupted, after the stop's own words. */
static int db_stopped_waiting_for_lock(rw_err *e)
{
    size_t n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n,
             " while waiting for the lock on the schema history table, held by another "
             "migration; this run changed nothing while it waited");
    return e->code;
}

/*
 * Sleeps in short slices, so a stop (a signal, the deadline) ends the wait
 * within a tenth of a second rather than after the whole pause: the
 * watcher that cancels a running statement has nothing to cancel here, and
 * the signal may have woken another thread.
 */
int db_wait_ms(long ms, rw_err *e)
{
    int64_t until = rw_now_ms() + ms;
    for (;;) {
        if (db_check_stop(e) != RW_OK)
            return e->code;
        int64_t left = until - rw_now_ms();
        if (left <= 0)
            return RW_OK;
        long slice = left < 100 ? (long)left : 100;
        struct timespec ts = {0, slice * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
}

int db_lock_wait_ms(long ms, rw_err *e)
{
    return db_wait_ms(ms, e) == RW_OK ? RW_OK : db_stopped_waiting_for_lock(e);
}

int db_connect_wait_ms(long ms, const char *last, rw_err *e)
{
    char why[sizeof e->msg];
    snprintf(why, sizeof why, "%s", last);
    if (db_wait_ms(ms, e) == RW_OK)
        return RW_OK;
    size_t n = strlen(e->msg);
    snprintf(e->msg + n, sizeof e->msg - n,
             " while waiting to retry the connection (the last attempt: %s)", why);
    return e->code;
}
