/*
 * report.c - Flyway-shaped results.
 */
#include "core/report.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "build_info.h"

void report_timestamp(char *buf, size_t n)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    localtime_r(&ts.tv_sec, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, n, "%s.%09ld", base, ts.tv_nsec);
}

json_t *report_new(const char *operation, const rw_session *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "flywayVersion", json_string(RUNWAY_FLYWAY_COMPAT));
    json_object_set_new(o, "runwayVersion", json_string(RUNWAY_VERSION));
    json_object_set_new(o, "database", s && s->database_name ? json_string(s->database_name)
                                                             : json_null());
    json_t *w = json_array();
    for (size_t i = 0; s && i < s->warnings.len; i++)
        json_array_append_new(w, json_string(s->warnings.items[i]));
    json_object_set_new(o, "warnings", w);
    json_object_set_new(o, "operation", json_string(operation));
    return o;
}

json_t *report_schema_name(const rw_config *cfg)
{
    strlist schemas = {0};
    config_get_list(cfg, "schemas", &schemas);
    strbuf names = STRBUF_INIT;
    for (size_t i = 0; i < schemas.len; i++)
        sb_addf(&names, "%s%s", i ? ", " : "", schemas.items[i]);
    json_t *v = json_string(sb_str(&names));
    sb_free(&names);
    strlist_free(&schemas);
    return v;
}

json_t *report_error_object(const rw_err *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "errorCode", json_string(rw_code_name(e->code)));
    json_object_set_new(o, "message", json_string(e->msg));
    if (e->sqlstate[0])
        json_object_set_new(o, "sqlState", json_string(e->sqlstate));
    if (e->sql_errcode)
        json_object_set_new(o, "sqlErrorCode", json_integer(e->sql_errcode));
    json_object_set_new(o, "stackTrace", json_null());
    json_object_set_new(o, "lineNumber", e->line ? json_integer(e->line) : json_null());
    json_object_set_new(o, "path", e->path[0] ? json_string(e->path) : json_null());
    return o;
}

/*
 * Java's Instant.toString(), which Flyway's installedOnUTC is: the fraction
 * in groups of three digits, as few as the value needs (.826, .826563,
 * .826563123), and none at all for whole seconds.
 */
char *report_iso_utc(const char *on)
{
    if (!on || !*on)
        return xstrdup("");
    strbuf sb = STRBUF_INIT;
    size_t n = strlen(on);
    size_t date_len = n >= 10 ? 10 : n;
    sb_add(&sb, on, date_len);
    if (n > 11) {
        sb_addc(&sb, 'T');
        const char *t = on + 11;
        size_t tl = strcspn(t, ".+ ");
        sb_add(&sb, t, tl);
        char nanos[10] = "000000000";
        if (t[tl] == '.')
            for (int i = 0; i < 9 && t[tl + 1 + i] >= '0' && t[tl + 1 + i] <= '9'; i++)
                nanos[i] = t[tl + 1 + i];
        int digits = strcmp(nanos + 3, "000000") == 0 ? 3 : strcmp(nanos + 6, "000") == 0 ? 6 : 9;
        if (strcmp(nanos, "000000000") != 0)
            sb_addf(&sb, ".%.*s", digits, nanos);
        sb_addc(&sb, 'Z');
    }
    return sb_detach(&sb);
}

/*
 * The Undoable column, as Flyway fills it: empty for repeatables and undone
 * versions, "No" for every other version (a BASELINE row included) unless
 * a U file exists and the migration did not fail.  The table leaves deleted
 * versions empty too (MigrationInfoDumper); the JSON does not
 * (CommandResultFactory).
 */
static const char *report_undoable(const plan_entry *en, bool table)
{
    if (!plan_entry_version(en) || en->state == ST_UNDONE)
        return "";
    if (table && (en->state == ST_DELETED || strcmp(plan_entry_type(en), "DELETE") == 0))
        return "";
    return en->undo && !plan_state_is_failed(en->state) ? "Yes" : "No";
}

json_t *report_info_entry(const plan_entry *en)
{
    json_t *o = json_object();
    const char *v = plan_entry_version(en);
    json_object_set_new(o, "category", json_string(plan_entry_category(en)));
    json_object_set_new(o, "version", json_string(v ? v : ""));
    json_object_set_new(o, "rawVersion", json_string(v ? v : ""));
    json_object_set_new(o, "description", json_string(plan_entry_description(en)));
    json_object_set_new(o, "type", json_string(plan_entry_type(en)));
    char *iso = report_iso_utc(en->row ? en->row->installed_on : NULL);
    json_object_set_new(o, "installedOnUTC", json_string(iso));
    free(iso);
    json_object_set_new(o, "state", json_string(plan_state_name(en->state)));
    json_object_set_new(o, "undoable", json_string(report_undoable(en, false)));
    json_object_set_new(o, "filepath", json_string(en->mig ? en->mig->path : ""));
    json_object_set_new(o, "undoFilepath", json_string(en->undo ? en->undo->path : ""));
    json_object_set_new(o, "installedBy", json_string(en->row ? en->row->installed_by : ""));
    json_object_set_new(o, "executionTime", json_integer(en->row ? en->row->execution_time : 0));
    return o;
}

enum { COLS = 7 };

static void report_table_row(FILE *out, const char *const *cells, const size_t *w)
{
    fputc('|', out);
    for (int c = 0; c < COLS; c++)
        fprintf(out, " %-*s |", (int)w[c], cells[c]);
    fputc('\n', out);
}

static void report_table_rule(FILE *out, const size_t *w)
{
    fputc('+', out);
    for (int c = 0; c < COLS; c++) {
        for (size_t i = 0; i < w[c] + 2; i++)
            fputc('-', out);
        fputc('+', out);
    }
    fputc('\n', out);
}

/* Text width in characters, not bytes, so UTF-8 descriptions line up. */
static size_t report_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void report_cells(const plan_entry *en, const char **cells, char *on)
{
    const char *v = plan_entry_version(en);
    cells[0] = plan_entry_category(en);
    cells[1] = v ? v : "";
    cells[2] = plan_entry_description(en);
    cells[3] = plan_entry_type(en);
    on[0] = '\0';
    if (en->row && en->row->installed_on)
        snprintf(on, 20, "%s", en->row->installed_on);
    cells[4] = on;
    cells[5] = plan_state_name(en->state);
    cells[6] = report_undoable(en, true);
}

void report_info_table(FILE *out, const rw_plan *plan, const bool *include)
{
    static const char *const head[COLS] = {"Category", "Version", "Description", "Type",
                                           "Installed On", "State", "Undoable"};
    size_t w[COLS];
    for (int c = 0; c < COLS; c++)
        w[c] = strlen(head[c]);
    const char *cells[COLS];
    char on[32];
    size_t shown = 0;
    for (size_t i = 0; i < plan->len; i++) {
        if (include && !include[i])
            continue;
        shown++;
        report_cells(&plan->items[i], cells, on);
        for (int c = 0; c < COLS; c++)
            if (report_width(cells[c]) > w[c])
                w[c] = report_width(cells[c]);
    }
    report_table_rule(out, w);
    report_table_row(out, head, w);
    report_table_rule(out, w);
    if (shown == 0) {
        size_t total = 0;
        for (int c = 0; c < COLS; c++)
            total += w[c] + 3;
        fprintf(out, "| %-*s |\n", (int)(total - 3), "No migrations found");
    }
    for (size_t i = 0; i < plan->len; i++) {
        if (include && !include[i])
            continue;
        report_cells(&plan->items[i], cells, on);
        /* pad by characters: adjust width for multibyte cells */
        fputc('|', out);
        for (int c = 0; c < COLS; c++) {
            size_t extra = strlen(cells[c]) - report_width(cells[c]);
            fprintf(out, " %-*s |", (int)(w[c] + extra), cells[c]);
        }
        fputc('\n', out);
    }
    report_table_rule(out, w);
}

void report_print_json(FILE *out, json_t *v)
{
    char *s = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) {
        fputs(s, out);
        fputc('\n', out);
        free(s);
    }
}

void report_print_error(bool json, const rw_err *e)
{
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "error", report_error_object(e));
        report_print_json(stdout, o);
        json_decref(o);
    } else {
        fprintf(stderr, "ERROR: %s\n", e->msg);
    }
}

void report_stream_init(report_stream *rs)
{
    memset(rs, 0, sizeof *rs);
    jsonw_init(&rs->w, 2);
}

bool report_stream_finish(report_stream *rs, const json_t *report)
{
    if (rs->started) {
        jsonw_members_from(&rs->w, report, rs->obj == report ? rs->written : 0);
        jsonw_end_object(&rs->w);
    } else {
        jsonw_value(&rs->w, report);
    }
    for (int i = 0; i < rs->w.nsinks; i++)
        if (fputc('\n', rs->w.sink[i]) == EOF || fflush(rs->w.sink[i]) != 0)
            rs->w.failed = true;
    return !rs->w.failed;
}

void report_array_begin(report_array *a, report_stream *rs, json_t *o, const char *key)
{
    a->rs = rs && !rs->started ? rs : NULL;
    a->obj = o;
    a->key = key;
    a->arr = NULL;
    if (!a->rs) {
        a->arr = json_array();
        return;
    }
    rs->started = true;
    rs->obj = o;
    rs->written = json_object_size(o);
    jsonw_begin_object(&rs->w);
    jsonw_members_from(&rs->w, o, 0);
    jsonw_key(&rs->w, key);
    jsonw_begin_array(&rs->w);
}

void report_array_add(report_array *a, json_t *item)
{
    if (a->rs) {
        jsonw_value(&a->rs->w, item);
        json_decref(item);
    } else {
        json_array_append_new(a->arr, item);
    }
}

void report_array_end(report_array *a)
{
    if (a->rs)
        jsonw_end_array(&a->rs->w);
    else
        json_object_set_new(a->obj, a->key, a->arr);
    a->arr = NULL;
}
