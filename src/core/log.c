/*
 * log.c - leveled diagnostics on stderr.  A transient status line (the
 * live progress of a long migration on a terminal) may sit below the log;
 * every log line clears it first, so the two never mix.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static log_level current_level = LOG_INFO;
static bool use_color = false;
static bool status_shown = false;
static char line_prefix[128];
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(log_level lvl) { current_level = lvl; }
log_level log_get_level(void) { return current_level; }
void log_set_color(bool on) { use_color = on; }

void log_set_prefix(const char *prefix)
{
    snprintf(line_prefix, sizeof line_prefix, "%s", prefix ? prefix : "");
}
bool log_color(void) { return use_color; }

/* Erases the status line; the caller holds log_lock. */
static void log_erase_status(void)
{
    if (status_shown) {
        fputs("\r\033[K", stderr);
        status_shown = false;
    }
}

/*
 * Each line leaves in one write, so that lines from the processes of a
 * fleet run sharing one stderr never interleave mid-line.
 */
static void log_emit(log_level lvl, const char *tag, const char *color, const char *fmt,
                     va_list ap)
{
    if (lvl < current_level)
        return;
    char head[256];
    if (tag && use_color && color)
        snprintf(head, sizeof head, "%s%s%s\033[0m", line_prefix, color, tag);
    else
        snprintf(head, sizeof head, "%s%s", line_prefix, tag ? tag : "");
    char small[4096];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    char *msg = small;
    if (n >= (int)sizeof small) {
        msg = malloc((size_t)n + 1);
        if (msg)
            vsnprintf(msg, (size_t)n + 1, fmt, copy);
        else
            msg = small;
    }
    va_end(copy);
    pthread_mutex_lock(&log_lock);
    log_erase_status();
    fprintf(stderr, "%s%s\n", head, msg);
    pthread_mutex_unlock(&log_lock);
    if (msg != small)
        free(msg);
}

#define LOG_FN(fn, lvl, tag, color)                                                                \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_emit(lvl, tag, color, fmt, ap);                                                        \
        va_end(ap);                                                                                \
    }

LOG_FN(log_debug, LOG_DEBUG, "DEBUG: ", "\033[2m")
LOG_FN(log_info, LOG_INFO, NULL, NULL)
LOG_FN(log_warn, LOG_WARN, "WARNING: ", "\033[33m")
LOG_FN(log_error, LOG_ERROR, "ERROR: ", "\033[31m")

void log_status(const char *fmt, ...)
{
    if (LOG_INFO < current_level)
        return;
    pthread_mutex_lock(&log_lock);
    fputs("\r\033[K", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    status_shown = true;
    pthread_mutex_unlock(&log_lock);
}

void log_status_clear(void)
{
    pthread_mutex_lock(&log_lock);
    log_erase_status();
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
}

char *log_duration(int64_t ms, char *buf, size_t n)
{
    snprintf(buf, n, "%02lld:%02lld.%03llds", (long long)(ms / 60000), (long long)(ms / 1000 % 60),
             (long long)(ms % 1000));
    return buf;
}
