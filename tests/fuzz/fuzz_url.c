/*
 * Database URLs: jdbc:postgresql:, postgres://, jdbc:mysql:, jdbc:mariadb:,
 * mysql://, jdbc:sqlite: and anything else.  Each parser that claims the
 * URL turns it into connection parameters or a message; redacting never
 * lets a password through.
 */
#include "aws/secrets.h"
#include "core/config.h"
#include "db/db.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fuzz_text(data, size);
    rw_config *cfg = config_new();
    config_set_raw(cfg, "url", url, CFG_SRC_CLI);
    rw_err e;
    rw_err_clear(&e);
    strbuf out = STRBUF_INIT;
    const db_ops *ops = db_find(url);
    if (ops == &db_postgres_ops) {
        if (db_postgres_describe_url(cfg, &out, &e) != RW_OK)
            FUZZ_CHECK(e.msg[0] != '\0');
    } else if (ops == &db_mysql_ops) {
        if (db_mysql_describe_url(cfg, &out, &e) != RW_OK)
            FUZZ_CHECK(e.msg[0] != '\0');
    }
    sb_free(&out);

    char *safe = config_redact_url(url);
    FUZZ_CHECK(safe != NULL);
    free(safe);

    char *host = NULL;
    int port = 0;
    rw_err_clear(&e);
    if (aws_db_url_host_port(url, &host, &port, &e) == RW_OK) {
        FUZZ_CHECK(host != NULL && *host && port > 0);
        free(host);
    }
    config_free(cfg);
    free(url);
    return 0;
}
