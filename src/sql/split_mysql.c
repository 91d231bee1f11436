/*
 * split_mysql.c - MySQL statement splitter (placeholder: one statement per ';').
 */
#include "sql/split.h"

static int mysql_split(const char *text, size_t len, sql_script *out, rw_err *e)
{
    (void)e;
    sql_script_add(out, text, len, 1);
    return 0;
}

const sql_dialect sql_dialect_mysql = {"mysql", mysql_split};
