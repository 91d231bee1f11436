/*
 * split_check.h - the splitter harnesses' common body: split the input as
 * a migration file, then check what every caller relies on.
 */
#ifndef RUNWAY_FUZZ_SPLIT_CHECK_H
#define RUNWAY_FUZZ_SPLIT_CHECK_H

#include "fuzz.h"
#include "sql/split.h"

/*
 * Statements are non-empty, start on a line of the file, in file order, and
 * a parse error names a line of the file.  Lines end as the splitters count
 * them: at LF, CRLF or a bare CR.
 */
static inline void fuzz_split(const sql_dialect *dialect, const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += sql_is_line_end(text, size, i);
    sql_script s = {0};
    rw_err e;
    rw_err_clear(&e);
    if (dialect->split(text, size, &s, &e) == 0) {
        int prev = 1;
        for (size_t i = 0; i < s.len; i++) {
            FUZZ_CHECK(s.stmts[i].sql != NULL && s.stmts[i].len > 0);
            FUZZ_CHECK(s.stmts[i].line >= prev && s.stmts[i].line <= lines);
            FUZZ_CHECK(s.stmts[i].copy_data == NULL || s.stmts[i].copy_len <= size);
            prev = s.stmts[i].line;
        }
        sql_script_has_transactional(&s);
        sql_script_has_nontransactional(&s);
    } else {
        FUZZ_CHECK(e.msg[0] != '\0');
        FUZZ_CHECK(e.line >= 0 && e.line <= lines);
    }
    sql_script_free(&s);
    free(text);
}

#endif
