/*
 * util.h - small building blocks shared by every module: a growable string
 * buffer, the error value that flows back from library calls, and checked
 * allocation.
 */
#ifndef RUNWAY_UTIL_H
#define RUNWAY_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Error codes; names match Flyway's CoreErrorCode values in JSON output. */
typedef enum {
    RW_OK = 0,
    RW_ERROR,                 /* generic failure */
    RW_ERR_CONFIGURATION,
    RW_ERR_DB_CONNECTION,
    RW_ERR_VALIDATE,
    RW_ERR_CHECKSUM_MISMATCH,
    RW_ERR_FAILED_VERSIONED,
    RW_ERR_FAILED_REPEATABLE,
    RW_ERR_DUPLICATE_VERSIONED,
    RW_ERR_DUPLICATE_REPEATABLE,
    RW_ERR_NON_EMPTY_SCHEMA,
    RW_ERR_INVALID_NAME,
    RW_ERR_PLACEHOLDER,
    RW_ERR_IO,
    RW_ERR_PARSE,
    RW_ERR_LOCK,
    RW_ERR_CLEAN_DISABLED,
    RW_ERR_SQL,
    RW_ERR_TIMEOUT,
    RW_ERR_HTTP,
    RW_ERR_AWS,
    RW_ERR_INTERRUPTED,       /* a signal stopped the command */
    RW_ERR_DEADLINE,          /* the Lambda deadline stopped the command */
} rw_code;

/*
 * An error travels back up the call chain as a value: the function returns
 * a non-zero rw_code and fills this struct.  Database errors also carry the
 * server's SQLSTATE, vendor code, detail and hint, and the script location.
 */
typedef struct rw_err {
    rw_code code;
    char msg[4096];
    char sqlstate[8];
    int sql_errcode;
    char detail[1024];
    char hint[512];
    char path[1024];     /* file the error is about, if any */
    int line;            /* 1-based line in that file, 0 if none */
    char statement[1024];
} rw_err;

void rw_err_clear(rw_err *e);
/* Sets code and formatted message; returns code so callers can `return rw_fail(...)`. */
int rw_fail(rw_err *e, rw_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends context ("file: ") to an existing message. */
void rw_err_prefix(rw_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *rw_code_name(rw_code code);

/* Growable NUL-terminated byte buffer. */
typedef struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}
void sb_init(strbuf *sb);
void sb_free(strbuf *sb);
void sb_reset(strbuf *sb);
void sb_grow(strbuf *sb, size_t extra);
void sb_add(strbuf *sb, const char *data, size_t n);
void sb_adds(strbuf *sb, const char *s);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(strbuf *sb, const char *fmt, va_list ap);
/* Returns the buffer's string ("" when empty); never NULL. */
const char *sb_str(const strbuf *sb);
/* Hands the buffer to the caller (malloc'd, never NULL) and resets sb. */
char *sb_detach(strbuf *sb);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Memory handed out in pieces and given back all at once: the strings and
 * versions of ten thousand migrations and history rows are small pieces
 * that live as long as the run, and malloc's header and rounding on each
 * cost as much as the data.  Pieces never move.
 */
typedef struct rw_arena {
    struct rw_arena_chunk *chunks;
    char *next;
    size_t left;
} rw_arena;
/* n bytes aligned for any pointer; aborts like xmalloc when memory runs out. */
void *arena_alloc(rw_arena *a, size_t n);
void arena_free(rw_arena *a);

/* A list of owned strings. */
typedef struct strlist {
    char **items;
    size_t len;
    size_t cap;
} strlist;
void strlist_push(strlist *l, const char *s);
void strlist_push_owned(strlist *l, char *s);
void strlist_free(strlist *l);
/* Splits s at sep, trimming whitespace around each item, skipping empty items. */
void strlist_split(strlist *l, const char *s, char sep);
bool strlist_contains(const strlist *l, const char *s);

/* Reads a whole file; returns RW_OK or fills e (naming the path). */
int rw_read_file(const char *path, strbuf *out, rw_err *e);
/*
 * The same for name inside the directory open as dirfd (AT_FDCWD: the
 * working directory); path names the file in errors.  Opening relative to
 * an open directory spares the kernel the walk down the whole path, which
 * a scan of ten thousand files pays ten thousand times.
 */
int rw_read_file_at(int dirfd, const char *name, const char *path, strbuf *out, rw_err *e);
/*
 * rw_read_file_at for a regular file on a file system where
 * rw_fs_short_read_is_end holds, without asking its size first: three
 * calls to the kernel instead of four.
 */
int rw_read_regular_file_at(int dirfd, const char *name, const char *path, strbuf *out,
                            rw_err *e);
/* True when the files under the open directory fd return a short read only at their end. */
bool rw_fs_short_read_is_end(int fd);
bool rw_str_ieq(const char *a, const char *b);
bool rw_starts_with(const char *s, const char *prefix);
bool rw_ends_with_ci(const char *s, const char *suffix);
char *rw_trim(char *s);
/* Parses "true"/"false" case-insensitively. */
int rw_parse_bool(const char *s, bool *out);
/* Monotonic milliseconds. */
int64_t rw_now_ms(void);
/*
 * The folder of the running executable, without a trailing slash, into buf
 * (size n); false when it cannot be told.
 */
bool rw_executable_dir(char *buf, size_t n);
/* qsort that accepts an empty (possibly NULL) array. */
void rw_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/*
 * Java's String.hashCode of a UTF-8 string (over its UTF-16 code units):
 * Flyway derives its PostgreSQL and MySQL lock keys from it.
 */
int32_t rw_java_string_hash(const char *s);
/* Levenshtein distance, used to suggest the closest known name. */
size_t rw_edit_distance(const char *a, const char *b);

#endif
