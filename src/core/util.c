/*
 * util.c - string buffers, string lists, errors and small helpers.
 */
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

static const char *const code_names[] = {
    [RW_OK] = "OK",
    [RW_ERROR] = "ERROR",
    [RW_ERR_CONFIGURATION] = "CONFIGURATION",
    [RW_ERR_DB_CONNECTION] = "DB_CONNECTION",
    [RW_ERR_VALIDATE] = "VALIDATE_ERROR",
    [RW_ERR_CHECKSUM_MISMATCH] = "CHECKSUM_MISMATCH",
    [RW_ERR_FAILED_VERSIONED] = "FAILED_VERSIONED_MIGRATION",
    [RW_ERR_FAILED_REPEATABLE] = "FAILED_REPEATABLE_MIGRATION",
    [RW_ERR_DUPLICATE_VERSIONED] = "DUPLICATE_VERSIONED_MIGRATION",
    [RW_ERR_DUPLICATE_REPEATABLE] = "DUPLICATE_REPEATABLE_MIGRATION",
    [RW_ERR_NON_EMPTY_SCHEMA] = "NON_EMPTY_SCHEMA_WITHOUT_SCHEMA_HISTORY_TABLE",
    [RW_ERR_INVALID_NAME] = "INVALID_MIGRATION_NAME",
    [RW_ERR_PLACEHOLDER] = "CONFIGURATION",
    [RW_ERR_IO] = "ERROR",
    [RW_ERR_PARSE] = "ERROR",
    [RW_ERR_LOCK] = "ERROR",
    [RW_ERR_CLEAN_DISABLED] = "CONFIGURATION",
    [RW_ERR_SQL] = "DB_ERROR",
    [RW_ERR_TIMEOUT] = "TIMEOUT",
    [RW_ERR_HTTP] = "ERROR",
    [RW_ERR_AWS] = "ERROR",
    [RW_ERR_INTERRUPTED] = "INTERRUPTED",
    [RW_ERR_DEADLINE] = "DEADLINE_REACHED",
};

const char *rw_code_name(rw_code code)
{
    if ((size_t)code < sizeof code_names / sizeof code_names[0] && code_names[code])
        return code_names[code];
    return "ERROR";
}

/* Clears the fields, not the whole 7 kB struct: this runs once per file scanned. */
void rw_err_clear(rw_err *e)
{
    if (!e)
        return;
    e->code = RW_OK;
    e->msg[0] = e->sqlstate[0] = e->detail[0] = e->hint[0] = '\0';
    e->path[0] = e->statement[0] = '\0';
    e->sql_errcode = 0;
    e->line = 0;
}

int rw_fail(rw_err *e, rw_code code, const char *fmt, ...)
{
    if (code == RW_OK)
        code = RW_ERROR;
    if (!e)
        return code;
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void rw_err_prefix(rw_err *e, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    sb_adds(&sb, e->msg);
    size_t n = sb.len < sizeof e->msg - 1 ? sb.len : sizeof e->msg - 1;
    memcpy(e->msg, sb.buf, n);
    e->msg[n] = '\0';
    sb_free(&sb);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("runway: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fputs("runway: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("runway: out of memory\n", stderr);
        abort();
    }
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s ? s : "", strlen(s ? s : ""));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&sb, fmt, ap);
    va_end(ap);
    return sb_detach(&sb);
}

void sb_init(strbuf *sb)
{
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

void sb_free(strbuf *sb)
{
    free(sb->buf);
    sb_init(sb);
}

void sb_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_grow(strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void sb_add(strbuf *sb, const char *data, size_t n)
{
    sb_grow(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_adds(strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_addc(strbuf *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_vaddf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    sb_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(sb, fmt, ap);
    va_end(ap);
}

const char *sb_str(const strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *sb_detach(strbuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sb_init(sb);
    return p;
}

void strlist_push_owned(strlist *l, char *s)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->len++] = s;
}

void strlist_push(strlist *l, const char *s)
{
    strlist_push_owned(l, xstrdup(s));
}

struct rw_arena_chunk {
    struct rw_arena_chunk *prev;
    max_align_t data[];
};

enum { ARENA_CHUNK = 64 * 1024 };

void *arena_alloc(rw_arena *a, size_t n)
{
    n = (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
    if (n > a->left) {
        /* A piece bigger than a quarter chunk gets a chunk of its own. */
        size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
        struct rw_arena_chunk *c = xmalloc(sizeof *c + size);
        c->prev = a->chunks;
        a->chunks = c;
        if (size == n)
            return c->data; /* the current chunk keeps its free tail */
        a->next = (char *)c->data;
        a->left = size;
    }
    void *p = a->next;
    a->next += n;
    a->left -= n;
    return p;
}

void arena_free(rw_arena *a)
{
    while (a->chunks) {
        struct rw_arena_chunk *prev = a->chunks->prev;
        free(a->chunks);
        a->chunks = prev;
    }
    a->next = NULL;
    a->left = 0;
}

void strlist_free(strlist *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

void strlist_split(strlist *l, const char *s, char sep)
{
    if (!s)
        return;
    const char *p = s;
    for (;;) {
        const char *end = strchr(p, sep);
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *item = xstrndup(p, n);
        char *t = rw_trim(item);
        if (*t)
            strlist_push(l, t);
        free(item);
        if (!end)
            break;
        p = end + 1;
    }
}

bool strlist_contains(const strlist *l, const char *s)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], s) == 0)
            return true;
    return false;
}

int rw_read_file(const char *path, strbuf *out, rw_err *e)
{
    return rw_read_file_at(AT_FDCWD, path, path, out, e);
}

/*
 * Appends at most room bytes read from fd to out, again after a signal;
 * returns how many (0 at the end), or -1 with fd closed and e filled.
 */
static ssize_t rw_read_chunk(int fd, strbuf *out, size_t room, const char *path, rw_err *e)
{
    for (;;) {
        ssize_t n = read(fd, out->buf + out->len, room);
        if (n >= 0) {
            out->len += (size_t)n;
            out->buf[out->len] = '\0';
            return n;
        }
        if (errno != EINTR) {
            int err = errno;
            close(fd);
            rw_fail(e, RW_ERR_IO, "Unable to read %s: %s", path, strerror(err));
            return -1;
        }
    }
}

/* Reads straight into the buffer, sized from fstat: no stdio buffer, no extra copy. */
int rw_read_file_at(int dirfd, const char *name, const char *path, strbuf *out, rw_err *e)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rw_fail(e, RW_ERR_IO, "Unable to read %s: %s", path, strerror(errno));
    struct stat st;
    size_t want = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        want = out->len + (size_t)st.st_size;
        sb_grow(out, (size_t)st.st_size + 1);
    }
    /* Once the size fstat reported is in, a last read would only confirm EOF. */
    while (!want || out->len < want) {
        if (out->cap - out->len < 2)
            sb_grow(out, 4096);
        ssize_t n = rw_read_chunk(fd, out, out->cap - out->len - 1, path, e);
        if (n < 0)
            return e->code;
        if (n == 0)
            break;
    }
    close(fd);
    if (!out->buf)
        sb_add(out, "", 0);
    return RW_OK;
}

/*
 * A read of a regular file returns less than it asked for only at the end
 * of the file (POSIX; Linux cuts such a read short only for a fatal
 * signal) on the file systems rw_fs_short_read_is_end names.  So a read
 * into a buffer with room to spare has the whole file, and the fstat that
 * sizes the buffer in rw_read_file_at can go: one call in four per
 * migration file.  A file that fills the room is read on until a read
 * comes back short.
 */
#define RW_READ_ROOM 65536

int rw_read_regular_file_at(int dirfd, const char *name, const char *path, strbuf *out,
                            rw_err *e)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rw_fail(e, RW_ERR_IO, "Unable to read %s: %s", path, strerror(errno));
    sb_grow(out, RW_READ_ROOM);
    for (;;) {
        size_t room = out->cap - out->len - 1;
        ssize_t n = rw_read_chunk(fd, out, room, path, e);
        if (n < 0)
            return e->code;
        if ((size_t)n < room)
            break;
        sb_grow(out, out->cap); /* full: twice the room, and read on */
    }
    close(fd);
    return RW_OK;
}

/*
 * The file systems whose reads are served from the page cache up to the
 * file's size: local ones, the image layers of a container, NFS.  Not
 * FUSE (a server mounted with direct_io may answer a read with less than
 * it has, and fuse-overlayfs is FUSE too), nor anything not named here.
 */
bool rw_fs_short_read_is_end(int fd)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0)
        return false;
    switch ((unsigned long)sf.f_type) {
    case EXT4_SUPER_MAGIC: /* ext2 and ext3 too */
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case OVERLAYFS_SUPER_MAGIC:
    case SQUASHFS_MAGIC:
    case EROFS_SUPER_MAGIC_V1:
    case F2FS_SUPER_MAGIC:
    case NFS_SUPER_MAGIC:
        return true;
    default:
        return false;
    }
}

bool rw_str_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool rw_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool rw_ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

char *rw_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

int rw_parse_bool(const char *s, bool *out)
{
    if (rw_str_ieq(s, "true")) {
        *out = true;
        return 0;
    }
    if (rw_str_ieq(s, "false")) {
        *out = false;
        return 0;
    }
    return -1;
}

int64_t rw_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * /proc/self/exe names the executable; where /proc is not mounted (a
 * chroot, a minimal container) the path the kernel was asked to run
 * (AT_EXECFN) does, made absolute against the working directory, which
 * nothing has changed this early in a run's life.
 */
bool rw_executable_dir(char *buf, size_t n)
{
    char path[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", path, sizeof path - 1);
    if (len > 0) {
        path[len] = '\0';
    } else {
        const char *execfn = (const char *)getauxval(AT_EXECFN);
        if (!execfn || !realpath(execfn, path))
            return false;
    }
    char *slash = strrchr(path, '/');
    if (!slash)
        return false;
    *slash = '\0';
    if (strlen(path) + 1 > n)
        return false;
    memcpy(buf, path, strlen(path) + 1);
    return true;
}

size_t rw_edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *row = xcalloc(m + 1, sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t cost = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? 0 : 1;
            size_t best = diag + cost;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[m];
    free(row);
    return d;
}

void rw_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (base && n > 1)
        qsort(base, n, size, cmp);
}

/*
 * Java's String.hashCode over the UTF-16 code units of a UTF-8 string: the
 * number Flyway puts in its lock name.  Invalid UTF-8 bytes count as U+FFFD,
 * as Java's decoder would make them.
 */
int32_t rw_java_string_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int extra;
        if (*p < 0x80) {
            cp = *p;
            extra = 0;
        } else if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            extra = 1;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            extra = 2;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07;
            extra = 3;
        } else {
            cp = 0xFFFD;
            extra = 0;
        }
        p++;
        for (int i = 0; i < extra; i++) {
            if ((*p & 0xC0) != 0x80) {
                cp = 0xFFFD;
                break;
            }
            cp = (cp << 6) | (*p++ & 0x3F);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return (int32_t)h;
}
