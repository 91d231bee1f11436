/*
 * mysql.c - MySQL driver (placeholder until the driver lands).
 */
#include "db/db.h"

static bool mysql_handles_url(const char *url)
{
    (void)url;
    return false;
}

static int mysql_connect(const rw_config *cfg, db_conn **out, rw_err *e)
{
    (void)cfg;
    *out = NULL;
    return rw_fail(e, RW_ERR_DB_CONNECTION, "MySQL is not supported by this build");
}

const db_ops db_mysql_ops = {
    .name = "mysql",
    .product = "MySQL",
    .dialect = &sql_dialect_mysql,
    .handles_url = mysql_handles_url,
    .connect = mysql_connect,
};
