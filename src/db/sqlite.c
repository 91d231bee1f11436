#include "db/db.h"
static bool sqlite_handles_url(const char *url) { (void)url; return false; }
const db_ops db_sqlite_ops = {.name = "sqlite", .product = "SQLite", .dialect = &sql_dialect_sqlite,
                              .handles_url = sqlite_handles_url};
