/*
 * log.c - leveled diagnostics on stderr.  A transient status line (the
 * live progress of a long migration on a terminal) may sit below the log;
 * every log line clears it first, so the two never mix.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static log_level current_level = LOG_INFO;
static bool use_color = false;
static bool status_shown = false;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(log_level lvl) { current_level = lvl; }
log_level log_get_level(void) { return current_level; }
void log_set_color(bool on) { use_color = on; }
bool log_color(void) { return use_color; }

/* Erases the status line; the caller holds log_lock. */
static void log_erase_status(void)
{
    if (status_shown) {
        fputs("\r\033[K", stderr);
        status_shown = false;
    }
}

static void log_emit(log_level lvl, const char *tag, const char *color, const char *fmt,
                     va_list ap)
{
    if (lvl < current_level)
        return;
    pthread_mutex_lock(&log_lock);
    log_erase_status();
    if (tag) {
        if (use_color && color)
            fprintf(stderr, "%s%s\033[0m", color, tag);
        else
            fputs(tag, stderr);
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_lock);
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
