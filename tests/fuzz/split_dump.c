/*
 * split_dump.c - prints how a splitter cuts files, for the differential
 * run against PostgreSQL's parser (pgdiff/): one JSON line per file given,
 * {"ok":true,"statements":[{"sql":...,"line":...},...]} or
 * {"ok":false,"error":...}.
 * Usage: split_dump DIALECT FILE...
 */
#include <jansson.h>

#include "sql/split.h"

static json_t *split_dump_file(const sql_dialect *dialect, const char *path)
{
    strbuf text = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    if (rw_read_file(path, &text, &e) != RW_OK)
        return json_pack("{s:b,s:s}", "ok", 0, "error", e.msg);
    sql_script s = {0};
    json_t *out;
    if (dialect->split(sb_str(&text), text.len, &s, &e) != 0) {
        out = json_pack("{s:b,s:s}", "ok", 0, "error", e.msg);
    } else {
        json_t *list = json_array();
        for (size_t i = 0; i < s.len; i++)
            json_array_append_new(list, json_pack("{s:s%,s:i,s:b}", "sql", s.stmts[i].sql,
                                                  s.stmts[i].len, "line", s.stmts[i].line,
                                                  "copy", s.stmts[i].copy_data != NULL));
        out = json_pack("{s:b,s:o}", "ok", 1, "statements", list);
    }
    sql_script_free(&s);
    sb_free(&text);
    return out;
}

int main(int argc, char **argv)
{
    const sql_dialect *dialect = argc > 1 ? sql_dialect_find(argv[1]) : NULL;
    if (!dialect) {
        fprintf(stderr, "usage: split_dump postgresql|mysql|sqlite FILE...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        json_t *doc = split_dump_file(dialect, argv[i]);
        /* Invalid UTF-8 in a statement makes json_pack fail: report that as such. */
        if (!doc)
            doc = json_pack("{s:b,s:s}", "ok", 0, "error", "not valid UTF-8");
        char *line = json_dumps(doc, JSON_COMPACT | JSON_ENSURE_ASCII);
        puts(line);
        free(line);
        json_decref(doc);
    }
    return 0;
}
