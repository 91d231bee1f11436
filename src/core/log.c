/*
 * log.c - leveled diagnostics on stderr.
 */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>

static log_level current_level = LOG_INFO;

void log_set_level(log_level lvl) { current_level = lvl; }
log_level log_get_level(void) { return current_level; }

static void log_emit(log_level lvl, const char *tag, const char *fmt, va_list ap)
{
    if (lvl < current_level)
        return;
    if (tag)
        fputs(tag, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

#define LOG_FN(fn, lvl, tag)                                                                       \
    void fn(const char *fmt, ...)                                                                  \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        log_emit(lvl, tag, fmt, ap);                                                               \
        va_end(ap);                                                                                \
    }

LOG_FN(log_debug, LOG_DEBUG, "DEBUG: ")
LOG_FN(log_info, LOG_INFO, NULL)
LOG_FN(log_warn, LOG_WARN, "WARNING: ")
LOG_FN(log_error, LOG_ERROR, "ERROR: ")

char *log_duration(int64_t ms, char *buf, size_t n)
{
    snprintf(buf, n, "%02lld:%02lld.%03llds", (long long)(ms / 60000), (long long)(ms / 1000 % 60),
             (long long)(ms % 1000));
    return buf;
}
