/*
 * scan.c - walking the locations for migration and callback files.
 * Names follow Flyway's ResourceNameParser: case-insensitive suffix,
 * case-sensitive prefix (callback events tried first, longest first), the
 * version up to the first separator, '_' in the description read as ' '.
 */
#include "core/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/checksum.h"
#include "core/log.h"
#include "core/placeholder.h"
#include "sql/split.h"

const char *const scan_callback_events[] = {
    "beforeMigrate", "beforeRepeatables", "beforeEachMigrate", "beforeEachMigrateStatement",
    "afterEachMigrateStatement", "afterEachMigrateStatementError", "afterEachMigrate",
    "afterEachMigrateError", "afterVersioned", "afterMigrateApplied", "afterMigrate",
    "afterMigrateError", "beforeClean", "afterClean", "afterCleanError", "beforeInfo", "afterInfo",
    "afterInfoError", "beforeValidate", "afterValidate", "afterValidateError", "beforeBaseline",
    "afterBaseline", "afterBaselineError", "beforeRepair", "afterRepair", "afterRepairError",
    "beforeUndo", "beforeEachUndo", "afterEachUndo", "afterEachUndoError", "afterUndo",
    "afterUndoError", "beforeCreateSchema", "createSchema", "beforeConnect", "afterConnect", NULL,
};

/* The naming settings, read from the configuration once per scan, not per file. */
typedef struct scan_naming {
    strlist suffixes;
    char *vprefix, *rprefix, *uprefix, *sep;
} scan_naming;

/* A migration file found in the directory being walked, not yet read. */
typedef struct scan_pending {
    rw_migration m;
    char *name;   /* its name in that directory */
    int dirfd;    /* that directory, open */
    bool whole;   /* on a file system where a short read is the end (rw_fs_short_read_is_end) */
    bool done;    /* read (or skipped, past a failure) */
} scan_pending;

struct scan_pool;

typedef struct scan_ctx {
    scan_naming naming;
    bool skip_callbacks;
    rw_resources *out;
    size_t mig_cap, undo_cap, cb_cap;
    struct scan_pool *pool;  /* the files found, not yet added, and their readers */
    bool pool_started;
    DIR **lingering;         /* walked directories whose files are still being read */
    size_t nlingering, lingering_cap;
    strbuf text;             /* the file the walk reads itself */
} scan_ctx;

void migration_free(rw_migration *m)
{
    version_free(&m->version);
    if (!m->in_arena) {
        free(m->description);
        free(m->script);
        free(m->path);
        free(m->filename);
    }
    memset(m, 0, sizeof *m);
}

/* Whether str (of length len) ends with suffix. */
static bool scan_ends_with(const char *str, size_t len, const char *suffix, size_t slen)
{
    return slen <= len && memcmp(str + len - slen, suffix, slen) == 0;
}

/*
 * Moves a scanned migration's four strings and its version into the
 * scan's arena: ten thousand files were 50,000 small allocations held for
 * the whole run.  The script name is normally the tail of the path and the
 * file name the tail of the script; those point into the path instead of
 * being copied.
 */
static void migration_pack(rw_migration *m, rw_arena *arena)
{
    size_t plen = strlen(m->path), dlen = strlen(m->description);
    size_t slen = strlen(m->script), flen = strlen(m->filename);
    bool script_in_path = scan_ends_with(m->path, plen, m->script, slen);
    bool file_in_script = scan_ends_with(m->script, slen, m->filename, flen);
    size_t total = plen + 1 + dlen + 1 + (script_in_path ? 0 : slen + 1) +
                   (file_in_script ? 0 : flen + 1);
    char *block = arena_alloc(arena, total);
    char *path = memcpy(block, m->path, plen + 1);
    char *desc = memcpy(path + plen + 1, m->description, dlen + 1);
    char *next = desc + dlen + 1;
    char *script = path + plen - slen;
    if (!script_in_path) {
        script = memcpy(next, m->script, slen + 1);
        next += slen + 1;
    }
    char *filename = file_in_script ? script + slen - flen : memcpy(next, m->filename, flen + 1);
    free(m->description);
    free(m->script);
    free(m->path);
    free(m->filename);
    m->path = path;
    m->description = desc;
    m->script = script;
    m->filename = filename;
    if (version_is_set(&m->version) && !m->version.in_arena) {
        rw_version v;
        /* The text is already normalised and valid: parsing it again cannot fail. */
        version_parse_in(m->version.text, &v, arena, NULL);
        version_free(&m->version);
        m->version = v;
    }
    m->in_arena = true;
}

void scan_resources_free(rw_resources *r)
{
    for (size_t i = 0; i < r->nmigs; i++)
        migration_free(&r->migs[i]);
    for (size_t i = 0; i < r->nundos; i++)
        migration_free(&r->undos[i]);
    for (size_t i = 0; i < r->ncbs; i++) {
        free(r->cbs[i].event);
        free(r->cbs[i].description);
        free(r->cbs[i].script);
        free(r->cbs[i].path);
    }
    free(r->migs);
    free(r->undos);
    free(r->cbs);
    strlist_free(&r->invalid_names);
    strlist_free(&r->warnings);
    strlist_free(&r->missing);
    strlist_free(&r->searched);
    arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

static char *scan_description(const char *s, size_t n)
{
    char *d = xstrndup(s, n);
    for (char *p = d; *p; p++)
        if (*p == '_')
            *p = ' ';
    return d;
}

/* The longest callback event that prefixes name, or NULL. */
static const char *scan_match_event(const char *name)
{
    const char *best = NULL;
    /* Every event name starts with a, b or c: most files are ruled out here. */
    if (name[0] != 'a' && name[0] != 'b' && name[0] != 'c')
        return NULL;
    for (const char *const *ev = scan_callback_events; *ev; ev++)
        if (rw_starts_with(name, *ev) && (!best || strlen(*ev) > strlen(best)))
            best = *ev;
    return best;
}

/* Copies, not pointers into cfg: the walk reads them while the caller may change cfg. */
static void scan_naming_init(scan_naming *nm, const rw_config *cfg)
{
    memset(nm, 0, sizeof *nm);
    config_get_list(cfg, "sqlMigrationSuffixes", &nm->suffixes);
    nm->sep = xstrdup(config_get(cfg, "sqlMigrationSeparator"));
    nm->vprefix = xstrdup(config_get(cfg, "sqlMigrationPrefix"));
    nm->rprefix = xstrdup(config_get(cfg, "repeatableSqlMigrationPrefix"));
    nm->uprefix = xstrdup(config_get(cfg, "undoSqlMigrationPrefix"));
}

static void scan_naming_free(scan_naming *nm)
{
    strlist_free(&nm->suffixes);
    free(nm->sep);
    free(nm->vprefix);
    free(nm->rprefix);
    free(nm->uprefix);
}

static scan_name_kind scan_parse_name_with(const scan_naming *nm, const char *filename,
                                           rw_migration *m, char **event, char **description,
                                           rw_err *e);

scan_name_kind scan_parse_name(const rw_config *cfg, const char *filename, rw_migration *m,
                               char **event, char **description, rw_err *e)
{
    scan_naming nm;
    scan_naming_init(&nm, cfg);
    scan_name_kind k = scan_parse_name_with(&nm, filename, m, event, description, e);
    scan_naming_free(&nm);
    return k;
}

static scan_name_kind scan_parse_name_with(const scan_naming *nm, const char *filename,
                                           rw_migration *m, char **event, char **description,
                                           rw_err *e)
{
    const char *suffix = NULL;
    for (size_t i = 0; i < nm->suffixes.len && !suffix; i++)
        if (rw_ends_with_ci(filename, nm->suffixes.items[i]))
            suffix = nm->suffixes.items[i];
    if (!suffix)
        return NAME_NOT_MIGRATION;
    size_t flen = strlen(filename), slen = strlen(suffix);
    const char *sep = nm->sep;
    const char *vp = nm->vprefix;
    const char *rp = nm->rprefix;
    const char *up = nm->uprefix;
    const char *ev = scan_match_event(filename);
    const char *prefix = NULL;
    rw_mig_type type = MIG_VERSIONED;
    /*
     * Longest prefix wins, so a callback name beats a one-letter prefix.
     * A migration name must be longer than prefix + suffix; a callback may
     * be just the event name (afterMigrate.sql).  The versioned prefix
     * may be empty (sqlMigrationPrefix= makes 1__First.sql versioned).
     */
    const char *cands[4] = {ev, vp, rp, up};
    for (int i = 0; i < 4; i++) {
        if (cands[i] && (*cands[i] || i == 1) && rw_starts_with(filename, cands[i]) &&
            (i == 0 || flen > strlen(cands[i]) + slen) &&
            (!prefix || strlen(cands[i]) > strlen(prefix))) {
            prefix = cands[i];
            type = i == 2 ? MIG_REPEATABLE : i == 3 ? MIG_UNDO : MIG_VERSIONED;
        }
    }
    if (!prefix) {
        rw_fail(e, RW_ERR_INVALID_NAME,
                "Unrecognised migration name format: %s (expected V<version>__<description>%s, "
                "R__<description>%s or a callback name)",
                filename, suffix, suffix);
        return NAME_INVALID;
    }
    const char *rest = filename + strlen(prefix);
    size_t rlen = flen - strlen(prefix) - slen;
    const char *sp = NULL;
    if (*sep) {
        for (size_t i = 0; i + strlen(sep) <= rlen; i++)
            if (memcmp(rest + i, sep, strlen(sep)) == 0) {
                sp = rest + i;
                break;
            }
    }
    size_t vlen = sp ? (size_t)(sp - rest) : rlen;
    const char *desc = sp ? sp + strlen(sep) : rest + rlen;
    size_t dlen = sp ? rlen - vlen - strlen(sep) : 0;

    if (prefix == ev) {
        if (vlen > 0) {
            rw_fail(e, RW_ERR_INVALID_NAME,
                    "Invalid repeatable migration / callback name format: %s (It cannot contain a "
                    "version and must look like this: %s__My_description%s)",
                    filename, ev, suffix);
            return NAME_INVALID;
        }
        *event = xstrdup(ev);
        *description = scan_description(desc, dlen);
        return NAME_CALLBACK;
    }
    memset(m, 0, sizeof *m);
    m->type = type;
    m->execute_in_transaction = -1;
    m->placeholder_replacement = -1;
    if (type == MIG_REPEATABLE) {
        if (vlen > 0) {
            rw_fail(e, RW_ERR_INVALID_NAME,
                    "Invalid repeatable migration / callback name format: %s (It cannot contain a "
                    "version and must look like this: %s__My_description%s)",
                    filename, rp, suffix);
            return NAME_INVALID;
        }
    } else {
        char *v = xstrndup(rest, vlen);
        rw_err ve;
        rw_err_clear(&ve);
        if (vlen == 0 || version_parse(v, &m->version, &ve) != RW_OK) {
            rw_fail(e, RW_ERR_INVALID_NAME,
                    "Invalid versioned migration name format: %s (could not recognise version "
                    "number %s; names look like %s1_2__My_description%s)",
                    filename, v, prefix, suffix);
            free(v);
            return NAME_INVALID;
        }
        free(v);
    }
    m->description = scan_description(desc, dlen);
    m->filename = xstrdup(filename);
    return NAME_MIGRATION;
}

/*
 * A NUL byte cannot be sent inside SQL text to any of the databases (libpq
 * and SQLite stop at it, the mysql client refuses it), and statements are
 * C strings from the splitter on: whatever follows it would silently not
 * run.  Refuse the whole file instead, naming where the byte is.
 */
static int scan_nul_error(const char *path, const strbuf *text, size_t off, rw_err *e)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        line += sql_is_line_end(text->buf, text->len, i);
    snprintf(e->path, sizeof e->path, "%s", path);
    rw_fail(e, RW_ERR_IO,
            "%s:%d: NUL byte at byte offset %zu: SQL text cannot contain one, and the "
            "statements after it would not run. Remove it (write binary data as an escaped "
            "or hex literal instead; a file saved as UTF-16 has one in every other byte: save "
            "it as UTF-8).",
            path, line, off);
    e->line = line;
    return e->code;
}

/* The text of a script, read: UTF-8 with no NUL byte, or an error naming where it is not. */
static int scan_check_text(const char *path, const strbuf *text, rw_err *e)
{
    size_t bad = checksum_utf8_invalid_offset(text->buf, text->len);
    if (bad != (size_t)-1) {
        int line = 1;
        for (size_t i = 0; i < bad; i++)
            if (text->buf[i] == '\n')
                line++;
        snprintf(e->path, sizeof e->path, "%s", path);
        e->line = line;
        return rw_fail(e, RW_ERR_IO,
                       "%s:%d: invalid UTF-8 at byte offset %zu; save the file as UTF-8", path,
                       line, bad);
    }
    const char *nul = memchr(text->buf, '\0', text->len);
    if (nul)
        return scan_nul_error(path, text, (size_t)(nul - text->buf), e);
    return RW_OK;
}

int scan_read_script(const char *path, strbuf *out, rw_err *e)
{
    int rc = rw_read_file(path, out, e);
    return rc == RW_OK ? scan_check_text(path, out, e) : rc;
}

/* Reads a <script>.conf next to a migration (executeInTransaction, ...). */
static int scan_script_conf(rw_migration *m, bool has_conf, rw_err *e)
{
    if (!has_conf)
        return RW_OK;
    char *conf = xasprintf("%s.conf", m->path);
    strbuf sb = STRBUF_INIT;
    int rc = rw_read_file(conf, &sb, e);
    if (rc == RW_OK && memchr(sb.buf, '\0', sb.len)) {
        int lineno = 1;
        for (const char *p = sb.buf; *p; p++)
            lineno += *p == '\n';
        rc = rw_fail(e, RW_ERR_CONFIGURATION, "%s:%d: NUL byte in the script config: remove it",
                     conf, lineno);
    }
    int lineno = 0;
    for (char *line = sb.buf, *next; rc == RW_OK && line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *t = rw_trim(line);
        if (!*t || *t == '#' || *t == '!')
            continue;
        char *eq = strpbrk(t, "=:");
        if (!eq) {
            rc = rw_fail(e, RW_ERR_CONFIGURATION, "%s:%d: expected key=value, got '%s'", conf,
                         lineno, t);
            break;
        }
        *eq = '\0';
        char *k = rw_trim(t), *v = rw_trim(eq + 1);
        bool b;
        if (strcmp(k, "executeInTransaction") == 0 && rw_parse_bool(v, &b) == 0)
            m->execute_in_transaction = b;
        else if (strcmp(k, "placeholderReplacement") == 0 && rw_parse_bool(v, &b) == 0)
            m->placeholder_replacement = b;
        else if (strcmp(k, "encoding") == 0 && rw_str_ieq(v, "UTF-8"))
            ;
        else
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "%s:%d: unsupported script setting '%s=%s' (known: "
                         "executeInTransaction, placeholderReplacement, encoding=UTF-8)",
                         conf, lineno, k, v);
    }
    sb_free(&sb);
    free(conf);
    return rc;
}

/*
 * text is the reader's buffer, kept from file to file: no allocation per
 * file.  The walk hands over only what the listing (or stat) said is a
 * regular file; on a file system where a short read is its end, it is read
 * without asking its size first.
 */
static int scan_checksum_file(rw_migration *m, int dirfd, const char *name, bool whole,
                              strbuf *text, rw_err *e)
{
    sb_reset(text);
    int rc = whole ? rw_read_regular_file_at(dirfd, name, m->path, text, e)
                   : rw_read_file_at(dirfd, name, m->path, text, e);
    if (rc == RW_OK)
        rc = scan_check_text(m->path, text, e);
    if (rc == RW_OK) {
        /* scan_check_text already checked the bytes are UTF-8. */
        m->checksum = checksum_compute_valid(text->buf ? text->buf : "", text->len);
        m->raw_checksum = m->checksum;
    }
    return rc;
}

static void scan_add_migration(scan_ctx *c, rw_migration *m)
{
    rw_resources *r = c->out;
    if (m->type == MIG_UNDO) {
        if (r->nundos == c->undo_cap) {
            c->undo_cap = c->undo_cap ? c->undo_cap * 2 : 16;
            r->undos = xrealloc(r->undos, c->undo_cap * sizeof *r->undos);
        }
        r->undos[r->nundos++] = *m;
        return;
    }
    if (r->nmigs == c->mig_cap) {
        c->mig_cap = c->mig_cap ? c->mig_cap * 2 : 64;
        r->migs = xrealloc(r->migs, c->mig_cap * sizeof *r->migs);
    }
    r->migs[r->nmigs++] = *m;
}

/*
 * The files found are read by a pool of threads while the walk goes on,
 * and the walk itself runs while the caller connects (scan_start, then
 * scan_finish): at 10,000 files the kernel's work per file (open, read,
 * close) is most of a run, and listing and naming the files, and reading
 * the history table, most of the rest.  The pool starts once
 * SCAN_PARALLEL_MIN files wait (a second thread costs more than it saves on
 * a few); at most SCAN_PENDING_MAX wait at a time, so the unread ones held
 * in memory stay small.
 */
#define SCAN_PARALLEL_MIN 256
#define SCAN_PENDING_MAX 2048
#define SCAN_READERS_MAX 4

/*
 * File k of the scan sits in ring[k % SCAN_PENDING_MAX] from when the walk
 * finds it (published) until the walk adds it to the result (consumed).
 * Readers take files in order (next) and mark them done.
 */
typedef struct scan_pool {
    pthread_mutex_t mu;
    pthread_cond_t work;      /* more published, or stopping */
    pthread_cond_t progress;  /* a file is done */
    scan_pending *ring;
    size_t consumed, next, published;
    size_t failed;            /* the first file that could not be read, or SIZE_MAX */
    rw_err err;               /* why */
    bool stopping;
    size_t nthreads;
    pthread_t threads[SCAN_READERS_MAX];
} scan_pool;

static scan_pending *scan_slot(scan_pool *p, size_t k)
{
    return &p->ring[k % SCAN_PENDING_MAX];
}

/*
 * Takes the next file and reads it; called with the lock held and returns
 * with it held.  A file after one that failed is not read: it would not be
 * added, and the error reported is the first by name either way.
 */
static void scan_pool_take(scan_pool *p, strbuf *text)
{
    size_t k = p->next++;
    scan_pending *f = scan_slot(p, k);
    if (k < p->failed) {
        pthread_mutex_unlock(&p->mu);
        rw_err e;
        rw_err_clear(&e);
        bool ok = scan_checksum_file(&f->m, f->dirfd, f->name, f->whole, text, &e) == RW_OK;
        pthread_mutex_lock(&p->mu);
        if (!ok && k < p->failed) {
            p->failed = k;
            p->err = e;
        }
    }
    f->done = true;
    pthread_cond_signal(&p->progress);
}

static void *scan_pool_run(void *arg)
{
    scan_pool *p = arg;
    strbuf text = STRBUF_INIT;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stopping && p->next == p->published)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->next == p->published)
            break; /* stopping, nothing left */
        scan_pool_take(p, &text);
    }
    pthread_mutex_unlock(&p->mu);
    sb_free(&text);
    return NULL;
}

static void scan_pool_init(scan_pool *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->progress, NULL);
    p->ring = xmalloc(SCAN_PENDING_MAX * sizeof *p->ring);
    p->failed = SIZE_MAX;
}

/* One reader per core, up to four; none on one core (or when none can start): the walk reads. */
static void scan_pool_start(scan_pool *p)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cpus < 2 ? 0 : cpus > SCAN_READERS_MAX ? SCAN_READERS_MAX : (size_t)cpus;
    while (p->nthreads < want &&
           pthread_create(&p->threads[p->nthreads], NULL, scan_pool_run, p) == 0)
        p->nthreads++;
}

static void scan_pool_destroy(scan_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (size_t k = 0; k < p->nthreads; k++)
        pthread_join(p->threads[k], NULL);
    pthread_cond_destroy(&p->progress);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    free(p->ring);
}

/*
 * Frees the files not yet added, once no reader holds one; those not taken
 * yet are marked done unread, as they are past p->failed (so no buffer is
 * needed).  Called with the lock held.
 */
static void scan_pool_drop(scan_pool *p)
{
    while (p->next < p->published)
        scan_pool_take(p, NULL);
    for (size_t k = p->consumed; k < p->published; k++) {
        scan_pending *f = scan_slot(p, k);
        while (!f->done)
            pthread_cond_wait(&p->progress, &p->mu);
        migration_free(&f->m);
        free(f->name);
    }
    p->consumed = p->published;
}

/* Closes the directories whose files were all added (they were read relative to them). */
static void scan_close_lingering(scan_ctx *c)
{
    for (size_t i = 0; i < c->nlingering; i++)
        closedir(c->lingering[i]);
    c->nlingering = 0;
}

/*
 * Adds the oldest waiting file once it is read, reading it here when no
 * reader has taken it (and, while waiting, the next untaken ones).  Called
 * with the lock held.  At the first file that could not be read, drops it
 * and every later one and returns its error.
 */
static int scan_consume_one(scan_ctx *c, rw_err *e)
{
    scan_pool *p = c->pool;
    size_t k = p->consumed;
    scan_pending *f = scan_slot(p, k);
    while (!f->done) {
        if (p->next < p->published)
            scan_pool_take(p, &c->text);
        else
            pthread_cond_wait(&p->progress, &p->mu);
    }
    if (k == p->failed) {
        scan_pool_drop(p);
        *e = p->err;
        p->failed = SIZE_MAX;
        return e->code;
    }
    /* The readers are done with it, and with the ring slot until consumed moves on. */
    pthread_mutex_unlock(&p->mu);
    migration_pack(&f->m, &c->out->arena);
    scan_add_migration(c, &f->m);
    free(f->name);
    pthread_mutex_lock(&p->mu);
    p->consumed++;
    return RW_OK;
}

/*
 * Adds every file found so far, in name order, once read: before a
 * subdirectory, a .conf file or the end, so that errors come in the order
 * a walk in name order would meet them.
 */
static int scan_drain(scan_ctx *c, rw_err *e)
{
    scan_pool *p = c->pool;
    int rc = RW_OK;
    pthread_mutex_lock(&p->mu);
    while (rc == RW_OK && p->consumed < p->published)
        rc = scan_consume_one(c, e);
    pthread_mutex_unlock(&p->mu);
    scan_close_lingering(c);
    return rc;
}

/* Hands a file found by the walk to the readers; with SCAN_PENDING_MAX waiting, adds the oldest. */
static int scan_push(scan_ctx *c, const rw_migration *m, const char *name, int dirfd, bool whole,
                     rw_err *e)
{
    scan_pool *p = c->pool;
    int rc = RW_OK;
    pthread_mutex_lock(&p->mu);
    if (p->published - p->consumed == SCAN_PENDING_MAX)
        rc = scan_consume_one(c, e);
    if (rc == RW_OK) {
        *scan_slot(p, p->published) =
            (scan_pending){.m = *m, .name = xstrdup(name), .dirfd = dirfd, .whole = whole};
        p->published++;
        pthread_cond_signal(&p->work);
    }
    bool start = rc == RW_OK && !c->pool_started &&
                 p->published - p->consumed == SCAN_PARALLEL_MIN;
    pthread_mutex_unlock(&p->mu);
    if (start) {
        c->pool_started = true;
        scan_pool_start(p);
    }
    return rc;
}

static void scan_add_callback(scan_ctx *c, char *event, char *desc, const char *script,
                              const char *path)
{
    rw_resources *r = c->out;
    if (r->ncbs == c->cb_cap) {
        c->cb_cap = c->cb_cap ? c->cb_cap * 2 : 8;
        r->cbs = xrealloc(r->cbs, c->cb_cap * sizeof *r->cbs);
    }
    rw_callback *cb = &r->cbs[r->ncbs++];
    cb->event = event;
    cb->description = desc;
    cb->script = xstrdup(script);
    cb->path = xstrdup(path);
}

/* One file of a location; dirfd is its directory, open, for reading it by name. */
static int scan_file(scan_ctx *c, int dirfd, bool whole, const char *path, const char *rel,
                     const char *name, bool has_conf, bool callbacks_only, rw_err *e)
{
    rw_migration m;
    char *event = NULL, *desc = NULL;
    rw_err ne;
    rw_err_clear(&ne);
    switch (scan_parse_name_with(&c->naming, name, &m, &event, &desc, &ne)) {
    case NAME_NOT_MIGRATION:
        return RW_OK;
    case NAME_INVALID:
        strlist_push_owned(&c->out->invalid_names, xasprintf("%s", ne.msg));
        return RW_OK;
    case NAME_CALLBACK:
        if (c->skip_callbacks) {
            free(event);
            free(desc);
            return RW_OK;
        }
        scan_add_callback(c, event, desc, rel, path);
        return RW_OK;
    case NAME_MIGRATION:
        break;
    }
    if (callbacks_only) {
        migration_free(&m);
        return RW_OK;
    }
    m.path = xstrdup(path);
    m.script = xstrdup(rel);
    /* The files before it are read first, so that errors come in name order. */
    int rc = has_conf ? scan_drain(c, e) : RW_OK;
    if (rc == RW_OK)
        rc = scan_script_conf(&m, has_conf, e);
    if (rc != RW_OK) {
        migration_free(&m);
        return rc;
    }
    rc = scan_push(c, &m, name, dirfd, whole, e);
    if (rc != RW_OK)
        migration_free(&m);
    return rc;
}

/* A directory entry with the file type readdir reported (DT_UNKNOWN: ask stat). */
typedef struct scan_entry {
    char *name;
    unsigned char type;
} scan_entry;

static int scan_entry_cmp(const void *a, const void *b)
{
    return strcmp(((const scan_entry *)a)->name, ((const scan_entry *)b)->name);
}

/* True when the sorted entries hold "<name>.conf" (a script's settings file). */
static bool scan_has_conf(const scan_entry *ents, size_t n, const char *name)
{
    char *conf = xasprintf("%s.conf", name);
    scan_entry key = {conf, 0};
    bool found = bsearch(&key, ents, n, sizeof *ents, scan_entry_cmp) != NULL;
    free(conf);
    return found;
}

/* "a" + "/" + "b", without printf: this runs once per file. */
static char *scan_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = xmalloc(la + lb + 2);
    memcpy(p, a, la);
    p[la] = '/';
    memcpy(p + la + 1, b, lb + 1);
    return p;
}

/* The file type of an entry: readdir's when it has one, else stat's. */
static int scan_entry_type(const scan_entry *ent, const char *path)
{
    if (ent->type == DT_DIR || ent->type == DT_REG)
        return ent->type;
    struct stat st;
    if (stat(path, &st) != 0) {
        log_warn("Skipping %s: %s", path, strerror(errno));
        return DT_UNKNOWN;
    }
    return S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

/*
 * Walks dir recursively (skipping hidden directories), in name order.  The
 * listing answers "is it a directory?" and "is there a .conf next to it?",
 * so a migration file costs one open and one read, not four more calls.
 */
static int scan_dir(scan_ctx *c, const char *dir, const char *rel, bool callbacks_only, rw_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return rw_fail(e, RW_ERR_IO, "Unable to read location %s: %s", dir, strerror(errno));
    scan_entry *ents = NULL;
    size_t n = 0, cap = 0;
    bool any_conf = false;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ents = xrealloc(ents, cap * sizeof *ents);
        }
        ents[n].name = xstrdup(de->d_name);
        ents[n++].type = de->d_type;
        any_conf |= rw_ends_with_ci(de->d_name, ".conf");
    }
    rw_sort(ents, n, sizeof *ents, scan_entry_cmp);
    bool whole = rw_fs_short_read_is_end(dirfd(d));
    /* Room for every file here at once, instead of doubling past the need. */
    size_t waiting = c->pool->published - c->pool->consumed; /* only this thread changes them */
    if (!callbacks_only && c->out->nmigs + waiting + n > c->mig_cap) {
        c->mig_cap = c->out->nmigs + waiting + n;
        c->out->migs = xrealloc(c->out->migs, c->mig_cap * sizeof *c->out->migs);
    }
    int rc = RW_OK;
    for (size_t i = 0; i < n && rc == RW_OK; i++) {
        const char *name = ents[i].name;
        char *path = scan_join(dir, name);
        char *r = *rel ? scan_join(rel, name) : xstrdup(name);
        int type = scan_entry_type(&ents[i], path);
        if (type == DT_DIR && (rc = scan_drain(c, e)) == RW_OK)
            rc = scan_dir(c, path, r, callbacks_only, e);
        else if (type == DT_REG)
            rc = scan_file(c, dirfd(d), whole, path, r, name,
                           any_conf && scan_has_conf(ents, n, name), callbacks_only, e);
        free(path);
        free(r);
    }
    /* Open until its files are read (relative to it): the next drain closes it. */
    if (c->nlingering == c->lingering_cap) {
        c->lingering_cap = c->lingering_cap ? c->lingering_cap * 2 : 4;
        c->lingering = xrealloc(c->lingering, c->lingering_cap * sizeof *c->lingering);
    }
    c->lingering[c->nlingering++] = d;
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    return rc;
}

/* Turns "filesystem:sql" into an absolute directory path. */
char *scan_location_path(const rw_config *cfg, const char *loc)
{
    const char *p = loc;
    if (rw_starts_with(p, "filesystem:"))
        p += strlen("filesystem:");
    else if (rw_starts_with(p, "classpath:"))
        p += strlen("classpath:");
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    char *rel = xstrndup(p, n);
    if (rel[0] == '/')
        return rel;
    const char *wd = config_get(cfg, "workingDirectory");
    char cwd[PATH_MAX];
    char *abs;
    if (wd && wd[0] == '/')
        abs = xasprintf("%s/%s", wd, rel);
    else if (getcwd(cwd, sizeof cwd))
        abs = wd ? xasprintf("%s/%s/%s", cwd, wd, rel) : xasprintf("%s/%s", cwd, rel);
    else
        abs = xstrdup(rel);
    free(rel);
    return abs;
}

char *scan_location_base(const rw_config *cfg)
{
    const char *wd = config_get(cfg, "workingDirectory");
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    if (wd && wd[0] == '/')
        return xasprintf("workingDirectory %s", wd);
    if (wd)
        return xasprintf("workingDirectory %s/%s", cwd, wd);
    return xasprintf("the current directory %s", cwd);
}

/* The location as written, without "filesystem:". */
static const char *scan_location_written(const char *loc)
{
    return rw_starts_with(loc, "filesystem:") ? loc + strlen("filesystem:") : loc;
}

/*
 * A missing location is skipped with a warning, as Flyway does, but the
 * warning says where it was looked for: a pipeline run from the wrong
 * directory otherwise passes silently with nothing applied.
 */
static void scan_location_missing(const rw_config *cfg, rw_resources *out, const char *loc,
                                  const char *dir)
{
    const char *written = scan_location_written(loc);
    char *base = written[0] == '/' ? NULL : scan_location_base(cfg);
    strlist_push_owned(&out->warnings,
                       base ? xasprintf("Skipping filesystem location: %s (NOT_FOUND): %s does "
                                        "not exist; relative locations start from %s",
                                        written, dir, base)
                            : xasprintf("Skipping filesystem location: %s (NOT_FOUND)", dir));
    strlist_push(&out->missing, written);
    free(base);
}

/* A directory to walk, found and checked before the walk starts. */
typedef struct scan_root {
    char *dir;
    bool callbacks_only;
} scan_root;

/* What scan_start leaves for scan_finish: the walk, its thread, and what it found. */
struct scan_job {
    scan_ctx c;
    scan_pool pool;
    const rw_config *cfg;  /* read by the caller's thread only */
    bool skip_callbacks;   /* skipDefaultCallbacks, for the locations (not callbackLocations) */
    scan_root *roots;
    size_t nroots;
    pthread_t walker;
    bool walking;          /* walker runs; else the walk ran in scan_start */
    int rc;                /* the walk's result, and why */
    rw_err err;
};

/*
 * Checks a location and adds its directory to the walk (a migration
 * location also to the list of places searched).  Done before the
 * walk starts, on the caller's thread: a location that is missing or is
 * not a directory is reported at once, before any connection is tried.
 */
static int scan_location(scan_job *j, const char *loc, bool callbacks_only, rw_err *e)
{
    const rw_config *cfg = j->cfg;
    rw_resources *out = j->c.out;
    if (rw_starts_with(loc, "s3:") || rw_starts_with(loc, "gcs:"))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "Location %s is not supported; copy the files into the image and use "
                       "filesystem:",
                       loc);
    char *dir = scan_location_path(cfg, loc);
    if (!callbacks_only) {
        const char *written = scan_location_written(loc);
        strlist_push_owned(&out->searched, strcmp(written, dir) == 0
                                               ? xstrdup(dir)
                                               : xasprintf("%s (%s)", written, dir));
    }
    struct stat st;
    int rc = RW_OK;
    if (stat(dir, &st) != 0) {
        if (config_get_bool(cfg, "failOnMissingLocations"))
            rc = rw_fail(e, RW_ERR_CONFIGURATION,
                         "Failed to find location: %s (%s does not exist); fix 'locations'", loc,
                         dir);
        else if (!callbacks_only)
            scan_location_missing(cfg, out, loc, dir);
    } else if (!S_ISDIR(st.st_mode)) {
        rc = rw_fail(e, RW_ERR_CONFIGURATION, "Location %s is not a directory (%s)", loc, dir);
    } else if (access(dir, R_OK | X_OK) != 0) {
        rc = rw_fail(e, RW_ERR_IO, "Unable to read location %s (%s): %s", loc, dir,
                     strerror(errno));
    } else {
        j->roots = xrealloc(j->roots, (j->nroots + 1) * sizeof *j->roots);
        j->roots[j->nroots++] = (scan_root){.dir = dir, .callbacks_only = callbacks_only};
        return RW_OK;
    }
    free(dir);
    return rc;
}

static int scan_mig_cmp(const void *a, const void *b)
{
    const rw_migration *x = a, *y = b;
    if (x->type != y->type)
        return x->type == MIG_VERSIONED ? -1 : 1;
    if (x->type == MIG_REPEATABLE)
        return strcmp(x->description, y->description);
    int c = version_cmp(&x->version, &y->version);
    return c ? c : strcmp(x->path, y->path);
}

static int scan_cb_cmp(const void *a, const void *b)
{
    const rw_callback *x = a, *y = b;
    int c = strcmp(x->event, y->event);
    return c ? c : strcmp(x->description, y->description);
}

/* Duplicate versions and repeatable descriptions are errors naming both files. */
static int scan_check_duplicates(rw_resources *r, rw_err *e)
{
    for (size_t i = 1; i < r->nmigs; i++) {
        rw_migration *a = &r->migs[i - 1], *b = &r->migs[i];
        if (a->type != b->type)
            continue;
        if (a->type == MIG_VERSIONED && version_eq(&a->version, &b->version))
            return rw_fail(e, RW_ERR_DUPLICATE_VERSIONED,
                           "Found more than one migration with version %s\nOffenders:\n-> %s "
                           "(SQL)\n-> %s (SQL)\nRename one of them to a unique version.",
                           b->version.text, a->path, b->path);
        if (a->type == MIG_REPEATABLE && strcmp(a->description, b->description) == 0)
            return rw_fail(e, RW_ERR_DUPLICATE_REPEATABLE,
                           "Found more than one repeatable migration with description %s\n"
                           "Offenders:\n-> %s (SQL)\n-> %s (SQL)",
                           b->description, a->path, b->path);
    }
    for (size_t i = 1; i < r->nundos; i++)
        if (version_eq(&r->undos[i - 1].version, &r->undos[i].version))
            return rw_fail(e, RW_ERR_DUPLICATE_VERSIONED,
                           "Found more than one undo migration with version %s\nOffenders:\n-> "
                           "%s\n-> %s",
                           r->undos[i].version.text, r->undos[i - 1].path, r->undos[i].path);
    for (size_t i = 1; i < r->ncbs; i++)
        if (strcmp(r->cbs[i - 1].event, r->cbs[i].event) == 0 &&
            strcmp(r->cbs[i - 1].description, r->cbs[i].description) == 0)
            return rw_fail(e, RW_ERROR,
                           "Found more than 1 SQL callback script called %s!\nOffenders:\n-> "
                           "%s\n-> %s\nRename or remove one of them.",
                           r->cbs[i].script, r->cbs[i - 1].path, r->cbs[i].path);
    return RW_OK;
}

/* Flyway's "No migrations found" warning, naming the folders and what they are relative to. */
static void scan_warn_no_migrations(const rw_config *cfg, rw_resources *out)
{
    strbuf where = STRBUF_INIT;
    for (size_t i = 0; i < out->searched.len; i++)
        sb_addf(&where, "%s%s", i ? ", " : "", out->searched.items[i]);
    char *base = scan_location_base(cfg);
    strlist_push_owned(&out->warnings,
                       xasprintf("No migrations found in %s; relative locations start from "
                                 "%s. Are your locations set up correctly?",
                                 where.len ? where.buf : "no location", base));
    free(base);
    sb_free(&where);
}

/* Stops the readers and frees what was found and not added. */
static void scan_job_free(scan_job *j)
{
    scan_pool *p = &j->pool;
    pthread_mutex_lock(&p->mu);
    p->failed = 0; /* nothing more is read */
    scan_pool_drop(p);
    pthread_mutex_unlock(&p->mu);
    scan_pool_destroy(p);
    scan_close_lingering(&j->c);
    free(j->c.lingering);
    sb_free(&j->c.text);
    scan_naming_free(&j->c.naming);
    for (size_t i = 0; i < j->nroots; i++)
        free(j->roots[i].dir);
    free(j->roots);
    free(j);
}

/*
 * The walk proper: every location's files listed, named, read and added in
 * order, then sorted and checked for duplicates.  It runs on its own thread
 * while the caller connects and reads the history table, and reads no
 * configuration: the caller may be changing it (a secret's credentials).
 */
static void *scan_walk(void *arg)
{
    scan_job *j = arg;
    scan_ctx *c = &j->c;
    rw_resources *out = c->out;
    int rc = RW_OK;
    for (size_t i = 0; i < j->nroots && rc == RW_OK; i++) {
        c->skip_callbacks = j->roots[i].callbacks_only ? false : j->skip_callbacks;
        rc = scan_dir(c, j->roots[i].dir, "", j->roots[i].callbacks_only, &j->err);
    }
    if (rc == RW_OK)
        rc = scan_drain(c, &j->err);
    if (rc == RW_OK) {
        rw_sort(out->migs, out->nmigs, sizeof *out->migs, scan_mig_cmp);
        rw_sort(out->undos, out->nundos, sizeof *out->undos, scan_mig_cmp);
        rw_sort(out->cbs, out->ncbs, sizeof *out->cbs, scan_cb_cmp);
        rc = scan_check_duplicates(out, &j->err);
    }
    j->rc = rc;
    return NULL;
}

/*
 * Checks the locations and starts the walk on its own thread (or, when
 * none can start, walks here); scan_finish waits for it.  out belongs to
 * the walk until then.
 */
int scan_start(const rw_config *cfg, rw_resources *out, scan_job **job, rw_err *e)
{
    *job = NULL;
    memset(out, 0, sizeof *out);
    const char *enc = config_get(cfg, "encoding");
    if (enc && !rw_str_ieq(enc, "UTF-8") && !rw_str_ieq(enc, "UTF8"))
        return rw_fail(e, RW_ERR_CONFIGURATION,
                       "encoding=%s is not supported: convert the migrations to UTF-8 (e.g. "
                       "iconv -f %s -t UTF-8) and remove the setting",
                       enc, enc);
    scan_job *j = xcalloc(1, sizeof *j);
    scan_pool_init(&j->pool);
    j->cfg = cfg;
    j->c = (scan_ctx){.out = out, .pool = &j->pool};
    scan_naming_init(&j->c.naming, cfg);
    j->skip_callbacks = config_get_bool(cfg, "skipDefaultCallbacks");
    rw_err_clear(&j->err);
    strlist locs = {0};
    config_get_list(cfg, "locations", &locs);
    int rc = RW_OK;
    for (size_t i = 0; i < locs.len && rc == RW_OK; i++)
        rc = scan_location(j, locs.items[i], false, e);
    strlist_free(&locs);
    strlist cblocs = {0};
    config_get_list(cfg, "callbackLocations", &cblocs);
    for (size_t i = 0; i < cblocs.len && rc == RW_OK; i++)
        rc = scan_location(j, cblocs.items[i], true, e);
    strlist_free(&cblocs);
    if (rc != RW_OK) {
        scan_job_free(j);
        scan_resources_free(out);
        return rc;
    }
    j->walking = pthread_create(&j->walker, NULL, scan_walk, j) == 0;
    if (!j->walking)
        scan_walk(j);
    *job = j;
    return RW_OK;
}

int scan_finish(scan_job *j, rw_err *e)
{
    rw_resources *out = j->c.out;
    if (j->walking) {
        pthread_join(j->walker, NULL);
        /*
         * The walk's thread allocated from its own malloc arena, and what
         * it freed there (directory listings, paths, names) stays mapped
         * where the session's later allocations cannot reuse it: return
         * it, or a run's peak grows by half a megabyte at 10,000 files.
         */
        malloc_trim(0);
    }
    int rc = j->rc;
    if (rc != RW_OK)
        *e = j->err;
    if (rc == RW_OK && out->nmigs == 0 && out->nundos == 0 && out->missing.len == 0)
        scan_warn_no_migrations(j->cfg, out);
    scan_job_free(j);
    if (rc != RW_OK)
        scan_resources_free(out);
    return rc;
}

int scan_resources(const rw_config *cfg, rw_resources *out, rw_err *e)
{
    scan_job *j;
    int rc = scan_start(cfg, out, &j, e);
    return rc == RW_OK ? scan_finish(j, e) : rc;
}

int scan_repeatable_checksums(rw_resources *r, const rw_placeholders *ph, rw_err *e)
{
    strbuf raw = STRBUF_INIT, replaced = STRBUF_INIT;
    int rc = RW_OK;
    for (size_t i = 0; i < r->nmigs && rc == RW_OK; i++) {
        rw_migration *m = &r->migs[i];
        if (m->type != MIG_REPEATABLE || !ph->enabled || m->placeholder_replacement == 0)
            continue;
        sb_reset(&raw);
        rc = scan_read_script(m->path, &raw, e);
        if (rc == RW_OK)
            rc = placeholders_apply(ph, raw.buf, raw.len, m->path, &replaced, e);
        if (rc == RW_OK)
            checksum_compute(replaced.buf ? replaced.buf : "", replaced.len, &m->checksum, NULL);
    }
    sb_free(&raw);
    sb_free(&replaced);
    return rc;
}
