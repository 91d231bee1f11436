/*
 * A Secrets Manager secret's JSON: it fills url, user and password or
 * fails with a message, and the URL it builds parses as a database URL.
 */
#include <jansson.h>

#include "aws/secrets.h"
#include "db/db.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *secret = json_loadb((const char *)data, size, 0, NULL);
    if (!json_is_object(secret)) {
        json_decref(secret);
        return 0;
    }
    rw_config *cfg = config_new();
    rw_err e;
    rw_err_clear(&e);
    if (aws_secret_apply(cfg, secret, "arn:aws:secretsmanager:eu-west-1:1:secret:fuzz", &e) ==
        RW_OK) {
        const char *url = config_get(cfg, "url");
        FUZZ_CHECK(url != NULL);
        const db_ops *ops = db_find(url);
        strbuf out = STRBUF_INIT;
        rw_err_clear(&e);
        if (ops == &db_postgres_ops)
            db_postgres_describe_url(cfg, &out, &e);
        else if (ops == &db_mysql_ops)
            db_mysql_describe_url(cfg, &out, &e);
        sb_free(&out);
    } else {
        FUZZ_CHECK(e.msg[0] != '\0');
    }
    config_free(cfg);
    json_decref(secret);
    return 0;
}
