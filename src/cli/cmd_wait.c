/*
 * cmd_wait.c - runway wait: polls the database until the deploy gate
 * opens.  A database that is not reachable yet is retried like pending
 * migrations; a refused login or unknown database, a configuration error,
 * a failed row, checksum drift or missing migrations end the wait at once
 * since no amount of waiting fixes them.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cmd.h"
#include "core/gate.h"
#include "core/log.h"
#include "core/report.h"
#include "core/stop.h"

/* Parses "30", "30s", "1.5", "500ms" or "2m" into milliseconds. */
static int wait_parse_duration(const char *key, const char *text, int64_t *out_ms, rw_err *e)
{
    char *end = NULL;
    errno = 0;
    double v = text ? strtod(text, &end) : -1;
    double scale = 1000;
    if (end && rw_str_ieq(end, "ms"))
        scale = 1;
    else if (end && rw_str_ieq(end, "m"))
        scale = 60000;
    else if (end && *end && !rw_str_ieq(end, "s"))
        end = NULL;
    if (!text || !end || end == text || errno || v < 0)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid %s '%s': use seconds such as 30, 0.5, 500ms or 2m", key,
                       text ? text : "");
    *out_ms = (int64_t)(v * scale);
    return RW_OK;
}

/*
 * Time left as a person reads it: whole seconds rounded up, so -timeout=3
 * says "3s", not the 2.9s left after connecting; tenths below a second.
 * Returns a static buffer.
 */
static const char *wait_seconds_text(int64_t ms)
{
    static char buf[32];
    if (ms < 0)
        ms = 0;
    if (ms < 1000)
        snprintf(buf, sizeof buf, "%.1fs", (double)((ms + 99) / 100) / 10.0);
    else
        snprintf(buf, sizeof buf, "%llds", (long long)((ms + 999) / 1000));
    return buf;
}

static void wait_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The gate's final report when time ran out with migrations still pending. */
static int wait_timed_out(rw_run *r, rw_session *s, const gate_result *g, int64_t waited_ms)
{
    int rc = cmd_gate_finish(r, s, g, "wait");
    char *summary = gate_summary(s, g, config_get(r->cfg, "expectVersion"));
    json_object_set_new(r->report, "status", json_string("timeout"));
    json_object_set_new(r->report, "exitCode", json_integer(GATE_EXIT_TIMEOUT));
    r->exit_code = GATE_EXIT_TIMEOUT;
    rc = rw_fail(&r->err, RW_ERR_TIMEOUT, "Timed out after %.1fs waiting for migrations: %s",
                 (double)waited_ms / 1000.0, summary);
    free(summary);
    return rc;
}

int cmd_wait(rw_run *r)
{
    int64_t timeout_ms, interval_ms;
    if (wait_parse_duration("timeout", config_get(r->cfg, "timeout"), &timeout_ms, &r->err) ||
        wait_parse_duration("interval", config_get(r->cfg, "interval"), &interval_ms, &r->err)) {
        r->exit_code = GATE_EXIT_ERROR;
        return r->err.code;
    }
    const char *expect = config_get(r->cfg, "expectVersion");
    int64_t start = rw_now_ms(), deadline = start + timeout_ms;
    log_level saved_level = log_get_level();
    int rc = RW_OK;
    for (int attempt = 1;; attempt++) {
        rw_session s;
        rw_err_clear(&r->err);
        rc = cmd_open(r, &s);
        bool done = false;
        if (rc != RW_OK) {
            /* Only "not reachable yet" is waited on; a refused login or database is final. */
            bool retry = r->err.code == RW_ERR_DB_CONNECTION && !db_error_is_refusal(&r->err) &&
                         rw_now_ms() < deadline;
            if (!retry) {
                rc = cmd_gate_open_failed(r, "wait");
                done = true;
            } else if (attempt == 1) {
                log_warn("Waiting for the database to accept connections: %s", r->err.msg);
            }
        } else {
            gate_result g;
            rc = gate_evaluate(&s, expect, &g, &r->err);
            if (rc != RW_OK) {
                r->exit_code = GATE_EXIT_ERROR;
                done = true;
            } else if (g.status != GATE_PENDING) {
                rc = cmd_gate_finish(r, &s, &g, "wait");
                done = true;
            } else if (rw_now_ms() >= deadline) {
                rc = wait_timed_out(r, &s, &g, rw_now_ms() - start);
                done = true;
            } else if (attempt == 1 || log_get_level() <= LOG_DEBUG) {
                char *summary = gate_summary(&s, &g, expect);
                log_info("Waiting up to %s: %s", wait_seconds_text(deadline - rw_now_ms()),
                         summary);
                free(summary);
            }
            gate_result_free(&g);
        }
        session_close(&s);
        if (done)
            break;
        if (stop_requested()) {
            rc = stop_fail(&r->err);
            r->exit_code = GATE_EXIT_ERROR;
            break;
        }
        /* Later attempts repeat the connection banner; keep them quiet. */
        if (saved_level == LOG_INFO)
            log_set_level(LOG_WARN);
        int64_t left = deadline - rw_now_ms();
        wait_sleep_ms(left < interval_ms ? (left > 0 ? left : 0) : interval_ms);
    }
    log_set_level(saved_level);
    return rc;
}
