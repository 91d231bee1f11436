/*
 * postgres.c - PostgreSQL driver (placeholder until the driver lands).
 */
#include "db/db.h"

static bool postgres_handles_url(const char *url)
{
    (void)url;
    return false;
}

static int postgres_connect(const rw_config *cfg, db_conn **out, rw_err *e)
{
    (void)cfg;
    *out = NULL;
    return rw_fail(e, RW_ERR_DB_CONNECTION, "PostgreSQL is not supported by this build");
}

const db_ops db_postgres_ops = {
    .name = "postgresql",
    .product = "PostgreSQL",
    .dialect = &sql_dialect_postgres,
    .handles_url = postgres_handles_url,
    .connect = postgres_connect,
};
