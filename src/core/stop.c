/*
 * stop.c - signals and deadlines turned into a cancelled statement; see
 * stop.h.  Only async-signal-safe calls happen in the handler (write,
 * _exit); everything else runs on the watcher thread.
 */
#include "core/stop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};

static int wake_pipe[2] = {-1, -1};
static volatile sig_atomic_t signal_seen;   /* set by the handler only */
static atomic_int cause = STOP_NONE;
static atomic_int busy = 1;

/* Guarded by lock: the deadline and the connection the watcher may cancel. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/* Held by the watcher while it works, and around a fork (stop_before_fork). */
static pthread_mutex_t working = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool watcher_ready;
static int64_t deadline_at;
static char deadline_what[64] = "the deadline";
static rw_db *watched;
static db_cancel *watched_handle;

/*
 * The handler: the first signal is handed to the watcher through the pipe;
 * a second one means "now", so the process ends without any clean-up.
 */
static void stop_on_signal(int sig)
{
    if (signal_seen)
        _exit(128 + sig);
    signal_seen = sig;
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    ssize_t n = write(wake_pipe[1], &b, 1);
    (void)n;
    errno = saved;
}

static const char *stop_signal_name(int sig)
{
    switch (sig) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "a signal";
    }
}

/* Cancels the watched connection's statement, if any (called with lock held). */
static void stop_cancel_locked(void)
{
    if (!watched || !watched_handle || !watched->ops || !watched->ops->cancel)
        return;
    rw_err e;
    rw_err_clear(&e);
    if (watched->ops->cancel(watched_handle, &e) != RW_OK)
        log_warn("%s", e.msg);
}

static void stop_handle_signal(int sig)
{
    int none = STOP_NONE;
    atomic_compare_exchange_strong(&cause, &none, STOP_SIGNAL);
    if (!atomic_load(&busy))
        _exit(128 + sig);
    log_warn("Received %s: cancelling the running statement and rolling back (send it again to "
             "exit at once)",
             stop_signal_name(sig));
    pthread_mutex_lock(&lock);
    stop_cancel_locked();
    pthread_mutex_unlock(&lock);
}

/* The deadline passed: cancel once, unless a signal came first. */
static void stop_handle_deadline(void)
{
    int none = STOP_NONE;
    if (!atomic_compare_exchange_strong(&cause, &none, STOP_DEADLINE))
        return;
    log_warn("%s is near: cancelling the running statement and rolling back", deadline_what);
    stop_cancel_locked();
}

/*
 * Sleeps in poll() until a signal byte arrives (nonzero), the deadline is
 * re-armed (a zero byte) or the deadline passes.
 */
static void *stop_watcher(void *arg)
{
    (void)arg;
    atomic_store(&watcher_ready, true);
    for (;;) {
        pthread_mutex_lock(&lock);
        int64_t at = deadline_at;
        pthread_mutex_unlock(&lock);
        int timeout = -1;
        if (at && atomic_load(&cause) == STOP_NONE) {
            int64_t left = at - rw_now_ms();
            timeout = left <= 0 ? 0 : left > 60000 ? 60000 : (int)left;
        }
        struct pollfd p = {.fd = wake_pipe[0], .events = POLLIN};
        int n = poll(&p, 1, timeout);
        if (n > 0) {
            unsigned char b = 0;
            pthread_mutex_lock(&working);
            if (read(wake_pipe[0], &b, 1) == 1 && b)
                stop_handle_signal(b);
            pthread_mutex_unlock(&working);
            continue;
        }
        if (n == 0 && at) {
            pthread_mutex_lock(&working);
            pthread_mutex_lock(&lock);
            if (deadline_at == at && rw_now_ms() >= at)
                stop_handle_deadline();
            pthread_mutex_unlock(&lock);
            pthread_mutex_unlock(&working);
        }
    }
    return NULL;
}

/*
 * A child forked while the watcher thread is inside malloc() or the
 * logger inherits their locks held by a thread it does not have, and
 * hangs at its first allocation (seen with the sanitizers' allocator).  A
 * fork therefore waits until the watcher has started and is idle in
 * poll(), and keeps it there until stop_after_fork().
 */
void stop_before_fork(void)
{
    if (wake_pipe[0] >= 0)
        while (!atomic_load(&watcher_ready))
            sched_yield();
    pthread_mutex_lock(&working);
}

/* Called in the parent and in the child once fork() has returned. */
void stop_after_fork(void)
{
    pthread_mutex_unlock(&working);
}

/* How the drivers learn, between polls of the migration lock, that the run is to stop. */
static int stop_check_for_db(rw_err *e)
{
    return stop_requested() ? stop_fail(e) : RW_OK;
}

int stop_init(rw_err *e)
{
    if (wake_pipe[0] >= 0)
        return RW_OK;
    db_set_stop_check(stop_check_for_db);
    if (pipe(wake_pipe) != 0)
        return rw_fail(e, RW_ERROR, "cannot create the signal pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++)
        fcntl(wake_pipe[i], F_SETFD, FD_CLOEXEC);
    /* Block our signals while the thread starts, so only handlers (not the thread) see them. */
    sigset_t all, old;
    sigemptyset(&all);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&all, stop_signals[i]);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, stop_watcher, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return rw_fail(e, RW_ERROR, "cannot start the signal watcher: %s", strerror(rc));
    pthread_detach(t);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = stop_on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
        struct sigaction old_sa;
        /* nohup's ignored SIGHUP stays ignored. */
        if (stop_signals[i] == SIGHUP && sigaction(SIGHUP, NULL, &old_sa) == 0 &&
            old_sa.sa_handler == SIG_IGN)
            continue;
        sigaction(stop_signals[i], &sa, NULL);
    }
    return RW_OK;
}

void stop_set_busy(bool on)
{
    atomic_store(&busy, on ? 1 : 0);
    /* A signal that came while idle but before this call is acted on now. */
    if (!on && signal_seen)
        _exit(128 + signal_seen);
}

void stop_arm_deadline(int64_t at, const char *what)
{
    pthread_mutex_lock(&lock);
    deadline_at = at;
    snprintf(deadline_what, sizeof deadline_what, "%s", what ? what : "the deadline");
    int deadline = STOP_DEADLINE;
    atomic_compare_exchange_strong(&cause, &deadline, STOP_NONE);
    pthread_mutex_unlock(&lock);
    if (wake_pipe[1] >= 0) {
        unsigned char zero = 0;
        ssize_t n = write(wake_pipe[1], &zero, 1);
        (void)n;
    }
}

void stop_watch(rw_db *db, const rw_config *cfg)
{
    db_cancel *h = db->ops && db->ops->cancel_prepare ? db->ops->cancel_prepare(db->conn, cfg)
                                                      : NULL;
    pthread_mutex_lock(&lock);
    db_cancel *old = watched_handle;
    const db_ops *old_ops = watched ? watched->ops : NULL;
    watched = db;
    watched_handle = h;
    /* A stop that came while connecting applies to this connection too. */
    if (atomic_load(&cause) != STOP_NONE)
        stop_cancel_locked();
    pthread_mutex_unlock(&lock);
    if (old && old_ops && old_ops->cancel_free)
        old_ops->cancel_free(old);
}

void stop_unwatch(rw_db *db)
{
    pthread_mutex_lock(&lock);
    if (watched != db) {
        pthread_mutex_unlock(&lock);
        return;
    }
    db_cancel *h = watched_handle;
    const db_ops *ops = watched->ops;
    watched = NULL;
    watched_handle = NULL;
    pthread_mutex_unlock(&lock);
    if (h && ops && ops->cancel_free)
        ops->cancel_free(h);
}

bool stop_requested(void)
{
    return atomic_load(&cause) != STOP_NONE;
}

stop_cause stop_get_cause(void)
{
    return (stop_cause)atomic_load(&cause);
}

int stop_signal(void)
{
    return signal_seen;
}

int stop_exit_code(void)
{
    return signal_seen ? 128 + signal_seen : 0;
}

rw_code stop_code(void)
{
    switch (stop_get_cause()) {
    case STOP_SIGNAL:
        return RW_ERR_INTERRUPTED;
    case STOP_DEADLINE:
        return RW_ERR_DEADLINE;
    default:
        return RW_OK;
    }
}

bool stop_is_code(rw_code code)
{
    return code == RW_ERR_INTERRUPTED || code == RW_ERR_DEADLINE;
}

int stop_fail(rw_err *e)
{
    if (stop_get_cause() == STOP_DEADLINE) {
        pthread_mutex_lock(&lock);
        rw_fail(e, RW_ERR_DEADLINE, "stopped because %s was near", deadline_what);
        pthread_mutex_unlock(&lock);
        return e->code;
    }
    return rw_fail(e, RW_ERR_INTERRUPTED, "interrupted by %s", stop_signal_name(signal_seen));
}
