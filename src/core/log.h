/*
 * log.h - diagnostics on stderr.  Results (tables, JSON) go to stdout;
 * everything a person reads while a command runs goes through here.
 */
#ifndef RUNWAY_LOG_H
#define RUNWAY_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF } log_level;

void log_set_level(log_level lvl);
log_level log_get_level(void);
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdbool.h>
/* ANSI colors for the WARNING/ERROR tags (decided once from -color, NO_COLOR and the TTY). */
void log_set_color(bool on);
bool log_color(void);
/* Text put before every log line ("[tenant_7] " in a fleet run's target processes). */
void log_set_prefix(const char *prefix);
/*
 * A transient status line on stderr, redrawn in place and erased by the
 * next log line; only for terminals (the caller checks).  Hidden below INFO.
 */
void log_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_status_clear(void);

/* Formats milliseconds as Flyway does: "00:00.017s". Returns buf. */
#include <stddef.h>
#include <stdint.h>
char *log_duration(int64_t ms, char *buf, size_t n);

#endif
