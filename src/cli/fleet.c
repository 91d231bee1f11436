/*
 * fleet.c - one command line over many targets.
 *
 * The migration files are scanned, parsed and checksummed once, in this
 * process; -parallel workers forked from it then take the targets one at
 * a time, so each starts with the scan already in memory, and a crash or a
 * stuck connection in one worker cannot take the others down.  A worker
 * keeps its connection from one target to the next on the same server
 * (the tenants of one server): the next tenant gets it rebound to its
 * schema, with its own lock and session state, instead of a new
 * connection and a cold server process.  Each worker sends one JSON line
 * per target back through a pipe; this process prints a line per target
 * as it finishes and streams the JSON report, so its memory does not grow
 * with the number of targets.
 */
#include "cli/fleet.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/aws.h"
#include "cli/commands.h"
#include "core/fleet.h"
#include "core/log.h"
#include "core/report.h"
#include "core/session.h"
#include "core/stop.h"
#include "db/db.h"

static const char *const fleet_commands[] = {"migrate", "validate", "info", "check",
                                             "repair",  "baseline", NULL};

static volatile sig_atomic_t fleet_signal;

static void fleet_on_signal(int sig)
{
    fleet_signal = sig;
}

/* Only commands that read or change one target's history make sense per target. */
static int fleet_check_commands(const strlist *commands, rw_err *e)
{
    for (size_t i = 0; i < commands->len; i++) {
        bool ok = false;
        for (const char *const *c = fleet_commands; *c; c++)
            ok = ok || strcmp(*c, commands->items[i]) == 0;
        if (!ok)
            return rw_fail(e, RW_ERR_CONFIGURATION,
                           "'%s' does not run over several targets (-tenantSchemas, -targets); "
                           "these do: migrate, validate, info, check, repair, baseline",
                           commands->items[i]);
    }
    return RW_OK;
}

typedef struct fleet_schema_ud {
    fleet_targets *out;
} fleet_schema_ud;

static int fleet_schema_row(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    fleet_schema_ud *u = ud;
    if (ncols > 0 && vals[0])
        fleet_add_schema(u->out, vals[0]);
    return RW_OK;
}

/* Expands -tenantSchemas patterns against the server's catalog. */
static int fleet_expand_patterns(rw_config *cfg, const strlist *patterns, fleet_targets *out,
                                 rw_err *e)
{
    if (!patterns->len)
        return RW_OK;
    rw_db db = {0};
    int rc = session_db_open(cfg, &db, e);
    if (rc != RW_OK)
        return rc;
    if (!db.ops->list_schemas_sql) {
        rc = rw_fail(e, RW_ERR_CONFIGURATION,
                     "tenantSchemas patterns need a server with schemas (PostgreSQL, MySQL, "
                     "MariaDB); %s has none. List the targets with -targets=FILE instead",
                     db.ops->product);
    }
    fleet_schema_ud ud = {out};
    for (size_t i = 0; rc == RW_OK && i < patterns->len; i++) {
        size_t before = out->len;
        const char *params[] = {patterns->items[i]};
        rc = db.ops->query(db.conn, db.ops->list_schemas_sql, params, 1, fleet_schema_row, &ud, e);
        if (rc == RW_OK && out->len == before)
            log_warn("No schema matches tenantSchemas pattern '%s'", patterns->items[i]);
    }
    db_close(&db);
    return rc;
}

static int fleet_read_targets_file(const char *path, fleet_targets *out, rw_err *e)
{
    strbuf text = STRBUF_INIT;
    FILE *f = fopen(path, "rb");
    if (!f)
        return rw_fail(e, RW_ERR_IO, "Unable to read targets file %s: %s", path, strerror(errno));
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&text, buf, n);
    fclose(f);
    if (memchr(sb_str(&text), '\0', text.len)) {
        sb_free(&text);
        return rw_fail(e, RW_ERR_CONFIGURATION, "%s: holds a NUL byte; a targets file is text",
                       path);
    }
    int rc = fleet_parse_targets(sb_str(&text), path, out, e);
    sb_free(&text);
    return rc;
}

/* The targets of this run: the list or file, patterns expanded, this shard only. */
static int fleet_collect(rw_config *cfg, char *const *envp, fleet_targets *out, rw_err *e)
{
    const char *schemas = config_get(cfg, "tenantSchemas");
    const char *file = config_get(cfg, "targets");
    if (schemas && *schemas && file && *file)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Set either tenantSchemas (schemas of one server) or targets (a file of "
                       "databases), not both");
    fleet_shard shard;
    int rc = fleet_shard_from(cfg, envp, &shard, e);
    if (rc != RW_OK)
        return rc;
    if (file && *file) {
        rc = fleet_read_targets_file(file, out, e);
    } else {
        strlist patterns = {0};
        fleet_split_schemas(schemas, out, &patterns);
        rc = fleet_expand_patterns(cfg, &patterns, out, e);
        strlist_free(&patterns);
    }
    if (rc != RW_OK)
        return rc;
    if (out->len == 0)
        return rw_fail(e, RW_ERR_CONFIGURATION, "No targets: %s %s matches nothing",
                       file && *file ? "targets file" : "tenantSchemas",
                       file && *file ? file : schemas);
    size_t all = out->len;
    fleet_apply_shard(out, shard);
    if (shard.total)
        log_info("Shard %u/%u: %zu of %zu targets", shard.index, shard.total, out->len, all);
    return RW_OK;
}

/* Settings of one target over the run's own: its schema, URL and key=value words. */
static int fleet_apply_target(rw_config *cfg, const fleet_target *t, rw_err *e)
{
    if (t->schema) {
        config_set_raw(cfg, "defaultSchema", t->schema, CFG_SRC_CLI);
        config_set_raw(cfg, "schemas", t->schema, CFG_SRC_CLI);
    }
    if (t->url)
        config_set_raw(cfg, "url", t->url, CFG_SRC_CLI);
    for (size_t i = 0; i < t->settings.len; i++) {
        const char *kv = t->settings.items[i];
        const char *eq = strchr(kv, '=');
        char *key = xstrndup(kv, (size_t)(eq - kv));
        int rc = config_set(cfg, key, eq + 1, CFG_SRC_CLI, "targets file", e);
        free(key);
        if (rc != RW_OK)
            return rc;
    }
    return RW_OK;
}

static void fleet_copy_key(json_t *dst, const char *dkey, json_t *src, const char *skey)
{
    json_t *v = src ? json_object_get(src, skey) : NULL;
    if (v)
        json_object_set(dst, dkey, v);
}

/*
 * The line a target sends back: its state, the versions before and after,
 * what ran and the error; the per-migration details stay in the child.
 */
static json_t *fleet_target_result(const fleet_target *t, const strlist *commands, json_t **reports,
                                   int exit_code, int64_t ms)
{
    json_t *o = json_object();
    json_object_set_new(o, "target", json_string(t->name));
    if (t->schema)
        json_object_set_new(o, "schema", json_string(t->schema));
    json_object_set_new(o, "state", json_string(exit_code == 0 ? "success" : "failed"));
    json_object_set_new(o, "exitCode", json_integer(exit_code));
    json_object_set_new(o, "executionTimeMs", json_integer(ms));
    json_t *ops = json_array();
    for (size_t i = 0; i < commands->len && reports[i]; i++) {
        json_t *r = reports[i];
        json_array_append_new(ops, json_string(commands->items[i]));
        fleet_copy_key(o, "schemaVersionBefore", r, "initialSchemaVersion");
        fleet_copy_key(o, "schemaVersionAfter", r, "targetSchemaVersion");
        fleet_copy_key(o, "schemaVersionAfter", r, "schemaVersion");
        fleet_copy_key(o, "migrationsExecuted", r, "migrationsExecuted");
        fleet_copy_key(o, "status", r, "status");
        fleet_copy_key(o, "message", r, "message");
        json_t *err = json_object_get(r, "error");
        if (err) {
            fleet_copy_key(o, "errorCode", err, "errorCode");
            fleet_copy_key(o, "error", err, "message");
        }
    }
    json_object_set_new(o, "commands", ops);
    return o;
}

typedef struct fleet_slot {
    pid_t pid;      /* the worker, 0 when none */
    int to;         /* writes it the index of its next target; -1 once closed */
    int from;       /* reads the line of each target it finishes */
    size_t target;  /* the target it runs, when busy */
    bool busy;
    strbuf buf;
} fleet_slot;

typedef struct fleet_run {
    rw_config *cfg;
    const strlist *commands;
    fleet_targets *targets;
    bool fail_fast;
    bool spawn_failed; /* a worker could not be started: start no other target */
    size_t next;       /* the next target to start */
    fleet_counts counts;
    int parallel;
    fleet_slot *slots;
    size_t workers;    /* workers alive */
    fleet_entry_fn on_entry;
    void *ud;
    int64_t deadline_ms; /* handed to each target's migrate: no migration starts after it */
} fleet_run;

/*
 * One target, in a worker: its settings on a copy of the run's, the
 * commands in order.  Returns the line to send back.
 */
static char *fleet_run_one(const rw_config *base, const strlist *commands, const fleet_target *t,
                           int64_t deadline_ms)
{
    char prefix[128];
    snprintf(prefix, sizeof prefix, "[%s] ", t->name);
    log_set_prefix(prefix);
    rw_config *cfg = config_copy(base);
    int64_t start = rw_now_ms();
    json_t **reports = xcalloc(commands->len + 1, sizeof *reports);
    int exit_code = 0;
    rw_err e;
    rw_err_clear(&e);
    if (fleet_apply_target(cfg, t, &e) != RW_OK) {
        reports[0] = json_object();
        json_object_set_new(reports[0], "error", report_error_object(&e));
        exit_code = 1;
    }
    for (size_t i = 0; i < commands->len && exit_code == 0; i++) {
        rw_run run = {.cfg = cfg, .json = true, .out = NULL, .summary_only = true,
                      .deadline_ms = deadline_ms};
        exit_code = command_execute(command_find(commands->items[i]), &run);
        reports[i] = run.report;
        if (exit_code != 0)
            log_error("%s", run.err.msg);
    }
    json_t *line = fleet_target_result(t, commands, reports, exit_code, rw_now_ms() - start);
    char *text = json_dumps(line, JSON_COMPACT);
    json_decref(line);
    for (size_t i = 0; i < commands->len; i++)
        json_decref(reports[i]);
    free(reports);
    config_free(cfg);
    log_set_prefix(NULL);
    return text;
}

static bool fleet_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* The next target a worker is given; false when its input closes: no more work. */
static bool fleet_read_index(int fd, size_t *out)
{
    char *p = (char *)out;
    size_t got = 0;
    while (got < sizeof *out) {
        ssize_t n = read(fd, p + got, sizeof *out - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    return true;
}

/*
 * A worker's whole life: it reads the index of a target from in, runs it
 * and writes the target's line to out, until in closes.  Its connection
 * outlives each target (session_keep_connection): the next tenant of the
 * same server takes it over, already warm, instead of connecting again.
 */
static void fleet_worker(const fleet_run *fr, int in, int out)
{
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* Progress comes from the line each target sends back; their own info lines would flood. */
    if (log_get_level() == LOG_INFO)
        log_set_level(LOG_WARN);
    session_keep_connection(true);
    size_t index;
    while (fleet_read_index(in, &index) && index < fr->targets->len) {
        char *text = fleet_run_one(fr->cfg, fr->commands, &fr->targets->items[index],
                                   fr->deadline_ms);
        bool ok = fleet_write_all(out, text, strlen(text)) && fleet_write_all(out, "\n", 1);
        free(text);
        if (!ok)
            break;
    }
    session_keep_connection(false);
    _exit(0);
}

/* Starts a worker in slot; the child never returns. */
static int fleet_spawn(fleet_run *fr, fleet_slot *slot)
{
    int to[2], from[2];
    if (pipe(to) != 0)
        return -1;
    if (pipe(from) != 0) {
        close(to[0]);
        close(to[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    stop_before_fork();
    pid_t pid = fork();
    stop_after_fork();
    if (pid < 0) {
        close(to[0]);
        close(to[1]);
        close(from[0]);
        close(from[1]);
        return -1;
    }
    if (pid == 0) {
        /* Another worker's pipes held open here would hide its end of input. */
        for (int i = 0; i < fr->parallel; i++) {
            if (fr->slots[i].pid <= 0)
                continue;
            close(fr->slots[i].from);
            if (fr->slots[i].to >= 0)
                close(fr->slots[i].to);
        }
        close(to[1]);
        close(from[0]);
        fleet_worker(fr, to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    slot->pid = pid;
    slot->to = to[1];
    slot->from = from[0];
    slot->busy = false;
    sb_reset(&slot->buf);
    fr->workers++;
    return 0;
}

/* Hands the next target to an idle worker; a worker gone meanwhile reports it lost. */
static void fleet_assign(fleet_run *fr, fleet_slot *slot)
{
    slot->target = fr->next++;
    slot->busy = true;
    if (!fleet_write_all(slot->to, &slot->target, sizeof slot->target)) {
        close(slot->to);
        slot->to = -1;
    }
}

/* The entry for a target whose worker ended without sending its line. */
static json_t *fleet_lost_result(const fleet_target *t, int status)
{
    json_t *o = json_object();
    json_object_set_new(o, "target", json_string(t->name));
    json_object_set_new(o, "state", json_string("failed"));
    char *msg = WIFSIGNALED(status)
                    ? xasprintf("the process for this target was killed by signal %d",
                                WTERMSIG(status))
                    : xasprintf("the process for this target exited with %d and no result",
                                WEXITSTATUS(status));
    json_object_set_new(o, "errorCode", json_string("ERROR"));
    json_object_set_new(o, "error", json_string(msg));
    free(msg);
    return o;
}

/* One line a person reads per finished target. */
static void fleet_print_line(json_t *entry)
{
    const char *name = json_string_value(json_object_get(entry, "target"));
    const char *state = json_string_value(json_object_get(entry, "state"));
    json_t *before = json_object_get(entry, "schemaVersionBefore");
    json_t *after = json_object_get(entry, "schemaVersionAfter");
    json_t *n = json_object_get(entry, "migrationsExecuted");
    const char *err = json_string_value(json_object_get(entry, "error"));
    const char *msg = json_string_value(json_object_get(entry, "message"));
    strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "%-7s %s", strcmp(state, "success") == 0 ? "ok" : state, name);
    if (n)
        sb_addf(&sb, ": %lld applied", (long long)json_integer_value(n));
    if (before || after)
        sb_addf(&sb, "%s%s -> %s", n ? ", " : ": ",
                json_is_string(before) ? json_string_value(before) : "empty",
                json_is_string(after) ? json_string_value(after) : "empty");
    if (err)
        sb_addf(&sb, ": %s", err);
    else if (msg && !n)
        sb_addf(&sb, ": %s", msg);
    json_t *ms = json_object_get(entry, "executionTimeMs");
    if (ms)
        sb_addf(&sb, " (%lld ms)", (long long)json_integer_value(ms));
    log_status_clear();
    fprintf(stdout, "%s\n", sb_str(&sb));
    fflush(stdout);
    sb_free(&sb);
}

static void fleet_finish_target(fleet_run *fr, json_t *entry)
{
    const char *state = json_string_value(json_object_get(entry, "state"));
    fleet_counts *c = &fr->counts;
    if (strcmp(state, "notRun") == 0)
        c->not_run++;
    else if (strcmp(state, "success") == 0)
        c->succeeded++;
    else
        c->failed++;
    fr->on_entry(fr->ud, entry, c);
}

/* A line from a worker: its target is done and the worker is free. */
static void fleet_take_line(fleet_run *fr, fleet_slot *slot, const char *line)
{
    json_t *entry = json_loads(line, 0, NULL);
    if (!entry)
        entry = fleet_lost_result(&fr->targets->items[slot->target], 0);
    slot->busy = false;
    fleet_finish_target(fr, entry);
    json_decref(entry);
}

/*
 * Reads what a worker sent and hands on each complete line.  At end of file
 * the worker is gone: it is reaped, and a target it was running is
 * reported with how the worker ended.
 */
static void fleet_drain(fleet_run *fr, fleet_slot *slot)
{
    char buf[4096];
    ssize_t n = read(slot->from, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
        return;
    if (n > 0) {
        sb_add(&slot->buf, buf, (size_t)n);
        char *nl;
        while ((nl = memchr(slot->buf.buf, '\n', slot->buf.len)) != NULL) {
            *nl = '\0';
            fleet_take_line(fr, slot, slot->buf.buf);
            size_t used = (size_t)(nl + 1 - slot->buf.buf);
            memmove(slot->buf.buf, nl + 1, slot->buf.len - used);
            slot->buf.len -= used;
            slot->buf.buf[slot->buf.len] = '\0';
        }
        return;
    }
    close(slot->from);
    if (slot->to >= 0)
        close(slot->to);
    slot->to = -1;
    int status = 0;
    while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
        ;
    slot->pid = 0;
    fr->workers--;
    if (slot->busy) {
        slot->busy = false;
        json_t *entry = fleet_lost_result(&fr->targets->items[slot->target], status);
        fleet_finish_target(fr, entry);
        json_decref(entry);
    }
}

static void fleet_forward_signal(fleet_run *fr, int sig)
{
    for (int i = 0; i < fr->parallel; i++)
        if (fr->slots[i].pid > 0)
            kill(fr->slots[i].pid, sig);
}

/*
 * Gives each idle worker the next target, starting workers as needed; once
 * no target is left to start (all handed out, -failFast, a signal), closes
 * the idle workers' input so they end.
 */
static void fleet_dispatch(fleet_run *fr)
{
    for (int i = 0; i < fr->parallel; i++) {
        fleet_slot *slot = &fr->slots[i];
        bool more = !fleet_signal && !(fr->fail_fast && fr->counts.failed) && !fr->spawn_failed &&
                    fr->next < fr->targets->len;
        if (more && !slot->busy) {
            if (slot->pid == 0 && fleet_spawn(fr, slot) != 0) {
                log_error("Unable to start a process for target %s: %s",
                          fr->targets->items[fr->next].name, strerror(errno));
                fr->spawn_failed = true;
                continue;
            }
            fleet_assign(fr, slot);
        } else if (!more && slot->pid > 0 && !slot->busy && slot->to >= 0) {
            close(slot->to);
            slot->to = -1;
        }
    }
}

/* Hands out targets while any are left and waits for whatever finishes next. */
static void fleet_loop(fleet_run *fr)
{
    struct pollfd *pfds = xcalloc((size_t)fr->parallel, sizeof *pfds);
    int forwarded = 0;
    for (;;) {
        if (fleet_signal && forwarded != fleet_signal) {
            forwarded = fleet_signal;
            fleet_forward_signal(fr, fleet_signal);
        }
        fleet_dispatch(fr);
        if (fr->workers == 0)
            break;
        int np = 0;
        for (int i = 0; i < fr->parallel; i++)
            if (fr->slots[i].pid > 0)
                pfds[np++] = (struct pollfd){.fd = fr->slots[i].from, .events = POLLIN};
        if (poll(pfds, (nfds_t)np, 1000) < 0)
            continue; /* EINTR: a signal; the loop forwards it */
        for (int i = 0, k = 0; i < fr->parallel; i++) {
            if (fr->slots[i].pid == 0)
                continue;
            if (pfds[k++].revents)
                fleet_drain(fr, &fr->slots[i]);
        }
    }
    free(pfds);
}

/* Targets never started (fail fast, a signal) are listed as such. */
static void fleet_report_not_run(fleet_run *fr)
{
    for (; fr->next < fr->targets->len; fr->next++) {
        json_t *o = json_object();
        json_object_set_new(o, "target", json_string(fr->targets->items[fr->next].name));
        json_object_set_new(o, "state", json_string("notRun"));
        fleet_finish_target(fr, o);
        json_decref(o);
    }
}

int fleet_run_targets(rw_config *cfg, const strlist *commands, fleet_targets *targets,
                      int64_t deadline_ms, fleet_entry_fn on_entry, void *ud,
                      fleet_counts *counts)
{
    fleet_run fr = {.cfg = cfg, .commands = commands, .targets = targets, .on_entry = on_entry,
                    .ud = ud, .deadline_ms = deadline_ms};
    fr.fail_fast = config_get_bool(cfg, "failFast");
    fr.parallel = (int)config_get_long(cfg, "parallel");
    if ((size_t)fr.parallel > targets->len && targets->len)
        fr.parallel = (int)targets->len;
    if (fr.parallel < 1)
        fr.parallel = 1;
    fr.slots = xcalloc((size_t)fr.parallel, sizeof *fr.slots);
    fleet_signal = 0;
    struct sigaction sa = {.sa_handler = fleet_on_signal}, old_int, old_term, old_hup, old_pipe;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    /* A worker that died is seen as the end of its output, not by a signal on writing to it. */
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
    fleet_loop(&fr);
    fleet_report_not_run(&fr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    for (int i = 0; i < fr.parallel; i++)
        sb_free(&fr.slots[i].buf);
    free(fr.slots);
    *counts = fr.counts;
    return fleet_signal;
}

json_t *fleet_summary(const fleet_counts *c, int64_t ms)
{
    json_t *o = json_object();
    json_object_set_new(o, "targets",
                        json_integer((json_int_t)(c->succeeded + c->failed + c->not_run)));
    json_object_set_new(o, "succeeded", json_integer((json_int_t)c->succeeded));
    json_object_set_new(o, "failed", json_integer((json_int_t)c->failed));
    json_object_set_new(o, "notRun", json_integer((json_int_t)c->not_run));
    json_object_set_new(o, "executionTimeMs", json_integer(ms));
    return o;
}

int fleet_validate_settings(const rw_config *cfg, const strlist *commands, rw_err *e)
{
    long parallel = config_get_long(cfg, "parallel");
    if (parallel < 1 || parallel > 256)
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Invalid value for parallel: '%s'. Use a number of connections from 1 to "
                       "256",
                       config_get(cfg, "parallel"));
    return fleet_check_commands(commands, e);
}

/* ---- The command line ---------------------------------------------------- */

typedef struct fleet_cli {
    bool json;
    bool live;        /* a status line on the terminal */
    size_t total;
    const char *command;
    strlist failed;   /* the first FLEET_NAMES_KEPT targets that did not succeed */
} fleet_cli;

/* Failed targets named in the summary: enough to act on, bounded for 100,000 targets. */
#define FLEET_NAMES_KEPT 100

static void fleet_cli_entry(void *ud, json_t *entry, const fleet_counts *c)
{
    fleet_cli *cli = ud;
    const char *state = json_string_value(json_object_get(entry, "state"));
    if (strcmp(state, "success") != 0 && cli->failed.len < FLEET_NAMES_KEPT)
        strlist_push(&cli->failed, json_string_value(json_object_get(entry, "target")));
    size_t done = c->succeeded + c->failed + c->not_run;
    if (cli->json) {
        char *text = json_dumps(entry, JSON_INDENT(2));
        fprintf(stdout, "%s    %s", done > 1 ? ",\n" : "", text);
        free(text);
        fflush(stdout);
    } else {
        fleet_print_line(entry);
    }
    if (cli->live)
        log_status("[%zu/%zu] %zu failed", done, cli->total, c->failed);
}

static int fleet_not_started(bool json, const rw_err *e)
{
    report_print_error(json, e);
    return FLEET_EXIT_NOT_STARTED;
}

static void fleet_print_totals(const fleet_cli *cli, const fleet_counts *c, int64_t ms)
{
    char dur[32];
    size_t total = c->succeeded + c->failed + c->not_run;
    log_info("%zu target%s: %zu succeeded, %zu failed, %zu not run (%s)", total,
             total == 1 ? "" : "s", c->succeeded, c->failed, c->not_run,
             log_duration(ms, dur, sizeof dur));
    size_t bad = c->failed + c->not_run;
    if (bad) {
        strbuf sb = STRBUF_INIT;
        for (size_t i = 0; i < cli->failed.len && i < 20; i++)
            sb_addf(&sb, "%s%s", i ? ", " : "", cli->failed.items[i]);
        if (bad > 20)
            sb_addf(&sb, " and %zu more", bad - 20);
        log_error("%s: %s", strcmp(cli->command, "check") == 0 ? "Not up to date" : "Did not succeed",
                  sb_str(&sb));
        sb_free(&sb);
    }
}

/*
 * The run's result for whoever waits on it (a Step Functions task token, a
 * webhook, SNS): the summary and the targets that did not succeed.
 */
static int fleet_report_result(rw_config *cfg, const fleet_cli *cli, const fleet_counts *c,
                               int64_t ms, int sig)
{
    json_t *names = json_array();
    for (size_t i = 0; i < cli->failed.len; i++)
        json_array_append_new(names, json_string(cli->failed.items[i]));
    json_t *report = json_pack("{s:s,s:s,s:o,s:o}", "operation", "fleet", "command", cli->command,
                               "summary", fleet_summary(c, ms), "unsuccessfulTargets", names);
    bool ok = c->failed == 0 && c->not_run == 0 && !sig;
    if (!ok) {
        rw_err e;
        rw_err_clear(&e);
        const char *name = sig == SIGTERM ? "SIGTERM" : sig == SIGINT ? "SIGINT" : "SIGHUP";
        rw_fail(&e, sig ? RW_ERR_INTERRUPTED : RW_ERROR, "%s%s%s%zu of %zu targets did not succeed",
                sig ? "interrupted by " : "", sig ? name : "", sig ? ": " : "",
                c->failed + c->not_run, c->succeeded + c->failed + c->not_run);
        json_object_set_new(report, "error", report_error_object(&e));
    }
    rw_err ae;
    rw_err_clear(&ae);
    int ret = aws_report_result(cfg, cli->command, report, ok, ms, &ae);
    json_decref(report);
    return ret;
}

int fleet_main(rw_config *cfg, const strlist *commands, bool json, char *const *envp)
{
    rw_err e;
    rw_err_clear(&e);
    int64_t start = rw_now_ms();
    fleet_targets targets = {0};
    rw_session scan;
    memset(&scan, 0, sizeof scan);
    if (fleet_validate_settings(cfg, commands, &e) != RW_OK ||
        fleet_collect(cfg, envp, &targets, &e) != RW_OK ||
        session_scan(&scan, cfg, &e) != RW_OK) {
        fleet_targets_free(&targets);
        scan_resources_free(&scan.res);
        strlist_free(&scan.warnings);
        return fleet_not_started(json, &e);
    }
    session_share_scan(&scan.res);
    long parallel = config_get_long(cfg, "parallel");
    log_info("Running %s on %zu target%s, %ld at a time", commands->items[0], targets.len,
             targets.len == 1 ? "" : "s", parallel < (long)targets.len ? parallel : (long)targets.len);
    fleet_cli cli = {.json = json, .total = targets.len, .command = commands->items[0]};
    cli.live = !json && isatty(STDERR_FILENO) && log_get_level() <= LOG_INFO;
    if (json)
        fputs("{\n  \"operation\": \"fleet\",\n  \"targets\": [\n", stdout);
    fleet_counts counts;
    int sig = fleet_run_targets(cfg, commands, &targets, 0, fleet_cli_entry, &cli, &counts);
    int64_t ms = rw_now_ms() - start;
    if (json) {
        json_t *sum = fleet_summary(&counts, ms);
        char *text = json_dumps(sum, JSON_INDENT(2));
        fprintf(stdout, "\n  ],\n  \"summary\": %s\n}\n", text);
        free(text);
        json_decref(sum);
    }
    if (cli.live)
        log_status_clear();
    fleet_print_totals(&cli, &counts, ms);
    int code = counts.failed || counts.not_run ? FLEET_EXIT_SOME_FAILED : FLEET_EXIT_OK;
    if (sig)
        code = 128 + sig;
    if (fleet_report_result(cfg, &cli, &counts, ms, sig) != RW_OK && code == FLEET_EXIT_OK)
        code = AWS_EXIT_NOT_PUBLISHED;
    strlist_free(&cli.failed);
    session_share_scan(NULL);
    scan_resources_free(&scan.res);
    strlist_free(&scan.warnings);
    fleet_targets_free(&targets);
    return code;
}

/* ---- A Lambda event's batch ----------------------------------------------- */

json_t *fleet_event_batch(json_t *event)
{
    json_t *items = json_object_get(event, "targets");
    return items ? items : json_object_get(event, "Items");
}

typedef struct fleet_batch {
    json_t *entries;
    strlist failed;
} fleet_batch;

static void fleet_batch_entry(void *ud, json_t *entry, const fleet_counts *c)
{
    (void)c;
    fleet_batch *b = ud;
    json_array_append(b->entries, entry);
    const char *state = json_string_value(json_object_get(entry, "state"));
    if (strcmp(state, "success") != 0) {
        const char *code = json_string_value(json_object_get(entry, "errorCode"));
        strlist_push_owned(&b->failed,
                           xasprintf("%s (%s)", json_string_value(json_object_get(entry, "target")),
                                     code ? code : state));
    }
}

/* "2 of 10 targets failed: tenant_3 (VALIDATE_ERROR), tenant_7 (notRun)" */
static void fleet_batch_error(rw_run *r, const fleet_batch *b, const fleet_counts *c)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < b->failed.len && i < 10; i++)
        sb_addf(&sb, "%s%s", i ? ", " : "", b->failed.items[i]);
    if (b->failed.len > 10)
        sb_addf(&sb, " and %zu more", b->failed.len - 10);
    rw_fail(&r->err, RW_ERROR, "%zu of %zu targets did not succeed: %s", c->failed + c->not_run,
            c->succeeded + c->failed + c->not_run, sb_str(&sb));
    sb_free(&sb);
}

int fleet_execute_batch(rw_run *r, const char *command, json_t *items)
{
    rw_err_clear(&r->err);
    r->exit_code = 0;
    strlist commands = {0};
    strlist_push(&commands, command);
    fleet_targets targets = {0};
    rw_session scan;
    memset(&scan, 0, sizeof scan);
    int64_t start = rw_now_ms();
    int rc = fleet_validate_settings(r->cfg, &commands, &r->err);
    if (rc == RW_OK)
        rc = fleet_targets_from_json(items, &targets, &r->err);
    if (rc == RW_OK)
        rc = session_scan(&scan, r->cfg, &r->err);
    fleet_batch b = {.entries = json_array()};
    fleet_counts counts = {0};
    if (rc == RW_OK) {
        session_share_scan(&scan.res);
        fleet_run_targets(r->cfg, &commands, &targets, r->deadline_ms, fleet_batch_entry, &b,
                          &counts);
        session_share_scan(NULL);
        r->report = json_pack("{s:s,s:o,s:o}", "operation", "fleet", "targets", b.entries,
                              "summary", fleet_summary(&counts, rw_now_ms() - start));
        b.entries = NULL;
        if (counts.failed || counts.not_run) {
            fleet_batch_error(r, &b, &counts);
            json_object_set_new(r->report, "error", report_error_object(&r->err));
            r->exit_code = FLEET_EXIT_SOME_FAILED;
        }
    } else {
        r->report = json_pack("{s:o}", "error", report_error_object(&r->err));
        r->exit_code = FLEET_EXIT_NOT_STARTED;
    }
    json_decref(b.entries);
    strlist_free(&b.failed);
    scan_resources_free(&scan.res);
    strlist_free(&scan.warnings);
    fleet_targets_free(&targets);
    strlist_free(&commands);
    return r->exit_code;
}
