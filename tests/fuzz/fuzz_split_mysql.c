/*
 * The mysql statement splitter on arbitrary migration text (split_check.h),
 * and the one-statement test the driver asks of every statement holding a
 * ';' before it may share a multi-statement query.
 */
#include "split_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_split(&sql_dialect_mysql, data, size);
    char *text = fuzz_text(data, size);
    sql_script s = {0};
    rw_err e;
    rw_err_clear(&e);
    if (sql_dialect_mysql.split(text, size, &s, &e) == 0)
        for (size_t i = 0; i < s.len; i++)
            if (sql_mysql_is_one_statement(s.stmts[i].sql, s.stmts[i].len))
                FUZZ_CHECK(memchr(s.stmts[i].sql, '\\', s.stmts[i].len) == NULL);
    sql_script_free(&s);
    free(text);
    return 0;
}
