/*
 * progress.c - per-migration progress.  The live line is drawn by a small
 * thread that wakes every 200 ms while a migration runs, since the main
 * thread is blocked inside the database call; it only appears once a
 * migration has run for a second, so quick runs print no status at all.
 */
#include "core/progress.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/util.h"

static int live_setting = -1; /* -1: decide from the terminal */

typedef struct progress_ticker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool running;
    bool stop;
    char name[256];
    size_t index, total;
    int64_t start_ms;
} progress_ticker;

static progress_ticker ticker = {.lock = PTHREAD_MUTEX_INITIALIZER,
                                 .wake = PTHREAD_COND_INITIALIZER};

void progress_set_live(bool on)
{
    live_setting = on;
}

/* Asked once per migration: the terminal check (a system call) is made once. */
static bool progress_live(void)
{
    static int on_terminal = -1;
    if (live_setting >= 0)
        return live_setting;
    if (on_terminal < 0)
        on_terminal = isatty(STDERR_FILENO);
    return on_terminal && log_get_level() <= LOG_INFO;
}

static void *progress_tick(void *arg)
{
    (void)arg;
    static const char spin[] = "|/-\\";
    unsigned frame = 0;
    pthread_mutex_lock(&ticker.lock);
    while (!ticker.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ticker.wake, &ticker.lock, &ts);
        if (ticker.stop)
            break;
        int64_t elapsed = rw_now_ms() - ticker.start_ms;
        if (elapsed < 1000)
            continue;
        char dur[32];
        log_duration(elapsed, dur, sizeof dur);
        log_status("%c [%zu/%zu] %s running %s", spin[frame++ % 4], ticker.index, ticker.total,
                   ticker.name, dur);
    }
    pthread_mutex_unlock(&ticker.lock);
    return NULL;
}

static bool progress_dry_run;

void progress_set_dry_run(bool on)
{
    progress_dry_run = on;
}

void progress_step_begin(const char *name, size_t index, size_t total)
{
    if (!progress_live() || ticker.running)
        return;
    pthread_mutex_lock(&ticker.lock);
    snprintf(ticker.name, sizeof ticker.name, "%s", name);
    ticker.index = index;
    ticker.total = total;
    ticker.start_ms = rw_now_ms();
    ticker.stop = false;
    pthread_mutex_unlock(&ticker.lock);
    ticker.running = pthread_create(&ticker.thread, NULL, progress_tick, NULL) == 0;
}

void progress_step_end(const char *name, size_t index, size_t total, int64_t ms, bool ok)
{
    if (ticker.running) {
        pthread_mutex_lock(&ticker.lock);
        ticker.stop = true;
        pthread_cond_signal(&ticker.wake);
        pthread_mutex_unlock(&ticker.lock);
        pthread_join(ticker.thread, NULL);
        ticker.running = false;
        log_status_clear();
    }
    if (!ok)
        return;
    if (progress_dry_run) {
        log_info("  would apply [%zu/%zu] %s", index, total, name);
        return;
    }
    char dur[32];
    log_duration(ms, dur, sizeof dur);
    if (log_color())
        log_info("  \033[32mdone\033[0m [%zu/%zu] %s in %s", index, total, name, dur);
    else
        log_info("  done [%zu/%zu] %s in %s", index, total, name, dur);
}
