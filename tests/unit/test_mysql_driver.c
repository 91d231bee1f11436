/*
 * Tests of the MySQL/MariaDB driver against the server tests/lib/mariadb-server.sh
 * starts (RUNWAY_TEST_MYSQL_* variables); skipped when there is none.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"

static char test_db[64];

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* A config for the test server; query is appended to the URL ("" for none). */
static rw_config *config_for(const char *database, const char *query)
{
    rw_config *cfg = config_new();
    char *url = xasprintf("jdbc:mysql://%s:%s/%s?user=%s&password=%s%s", env("RUNWAY_TEST_MYSQL_HOST"),
                          env("RUNWAY_TEST_MYSQL_PORT"), database, env("RUNWAY_TEST_MYSQL_USER"),
                          env("RUNWAY_TEST_MYSQL_PASSWORD"), query);
    config_set_raw(cfg, "url", url, CFG_SRC_CLI);
    free(url);
    return cfg;
}

static db_conn *connect_ok(rw_config *cfg)
{
    db_conn *c = NULL;
    rw_err e;
    rw_err_clear(&e);
    if (db_mysql_ops.connect(cfg, &c, &e) != RW_OK)
        fail_msg("connect failed: %s", e.msg);
    return c;
}

static void exec_ok(db_conn *c, const char *sql)
{
    sql_statement st = {.sql = (char *)sql, .len = strlen(sql), .line = 1, .transactional = true};
    rw_err e;
    rw_err_clear(&e);
    if (db_mysql_ops.exec(c, &st, &e) != RW_OK)
        fail_msg("%s: %s", sql, e.msg);
}

static int keep_first(void *ud, int ncols, const char *const *vals, rw_err *e)
{
    (void)e;
    strbuf *out = ud;
    sb_reset(out);
    sb_adds(out, ncols > 0 && vals[0] ? vals[0] : "NULL");
    return 0;
}

/* The first column of the last row of sql, "NULL" for SQL NULL. */
static char *scalar(db_conn *c, const char *sql, const char *const *params, int nparams)
{
    strbuf out = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    if (db_mysql_ops.query(c, sql, params, nparams, keep_first, &out, &e) != RW_OK)
        fail_msg("%s: %s", sql, e.msg);
    return sb_detach(&out);
}

static int setup(void **state)
{
    (void)state;
    if (!env("RUNWAY_TEST_MYSQL_URL"))
        return 0;
    snprintf(test_db, sizeof test_db, "rw_unit_driver_%d", (int)getpid());
    rw_config *cfg = config_for("mysql", "");
    db_conn *c = connect_ok(cfg);
    char *sql = xasprintf("CREATE DATABASE `%s`", test_db);
    exec_ok(c, sql);
    free(sql);
    db_mysql_ops.close(c);
    config_free(cfg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!env("RUNWAY_TEST_MYSQL_URL"))
        return 0;
    rw_config *cfg = config_for("mysql", "");
    db_conn *c = connect_ok(cfg);
    char *sql = xasprintf("DROP DATABASE IF EXISTS `%s`", test_db);
    exec_ok(c, sql);
    free(sql);
    db_mysql_ops.close(c);
    config_free(cfg);
    return 0;
}

#define NEED_SERVER()                                                                              \
    do {                                                                                           \
        if (!env("RUNWAY_TEST_MYSQL_URL"))                                                         \
            skip();                                                                                \
    } while (0)

static void test_handles_urls(void **state)
{
    (void)state;
    assert_true(db_find("jdbc:mysql://h/db") == &db_mysql_ops);
    assert_true(db_find("jdbc:mariadb://h:3307/db") == &db_mysql_ops);
    assert_true(db_find("mysql://u:p@h/db") == &db_mysql_ops);
    assert_false(db_mysql_ops.handles_url("jdbc:postgresql://h/db"));
    assert_false(db_mysql_ops.handles_url("jdbc:sqlite:x.db"));
    strbuf q = STRBUF_INIT;
    db_mysql_ops.quote_ident(&q, "a`b");
    assert_string_equal(sb_str(&q), "`a``b`");
    sb_free(&q);
    assert_string_equal(db_mysql_ops.bool_true, "1");
    assert_false(db_mysql_ops.ddl_transactions);
}

static void test_session_metadata(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "&useSSL=false&allowPublicKeyRetrieval=true");
    db_conn *c = connect_ok(cfg);
    strbuf out = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(db_mysql_ops.server_version(c, &out, &e), RW_OK);
    assert_true(rw_starts_with(sb_str(&out), "MariaDB 1") || rw_starts_with(sb_str(&out), "MySQL "));
    /* major.minor only, as Flyway prints it */
    const char *ver = strchr(sb_str(&out), ' ') + 1;
    assert_non_null(strchr(ver, '.'));
    assert_null(strchr(strchr(ver, '.') + 1, '.'));
    assert_int_equal(db_mysql_ops.current_schema(c, &out, &e), RW_OK);
    assert_string_equal(sb_str(&out), test_db);
    assert_int_equal(db_mysql_ops.current_user(c, &out, &e), RW_OK);
    assert_string_equal(sb_str(&out), env("RUNWAY_TEST_MYSQL_USER"));
    char *charset = scalar(c, "SELECT @@character_set_connection", NULL, 0);
    assert_string_equal(charset, "utf8mb4");
    free(charset);
    sb_free(&out);
    db_mysql_ops.close(c);
    config_free(cfg);
}

static void test_user_and_password_keys(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_new();
    char *url = xasprintf("mysql://%s:%s/%s", env("RUNWAY_TEST_MYSQL_HOST"),
                          env("RUNWAY_TEST_MYSQL_PORT"), test_db);
    config_set_raw(cfg, "url", url, CFG_SRC_CLI);
    config_set_raw(cfg, "user", env("RUNWAY_TEST_MYSQL_USER"), CFG_SRC_CLI);
    config_set_raw(cfg, "password", env("RUNWAY_TEST_MYSQL_PASSWORD"), CFG_SRC_CLI);
    config_set_raw(cfg, "initSql", "SET @runway_init = 'ran'", CFG_SRC_CLI);
    db_conn *c = connect_ok(cfg);
    char *v = scalar(c, "SELECT @runway_init", NULL, 0);
    assert_string_equal(v, "ran");
    free(v);
    db_mysql_ops.close(c);
    free(url);
    config_free(cfg);
}

/* Credentials with URL metacharacters, percent-encoded in URLs and raw in settings. */
static void test_percent_encoded_credentials(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *admin_cfg = config_for(test_db, "");
    db_conn *admin = connect_ok(admin_cfg);
    char user[64];
    snprintf(user, sizeof user, "rw_tricky_%d", (int)getpid());
    char *sql = xasprintf("CREATE USER '%s'@'%%' IDENTIFIED BY 'p@ss:w/rd&x=1%%+ ?'", user);
    exec_ok(admin, sql);
    free(sql);
    sql = xasprintf("GRANT SELECT ON `%s`.* TO '%s'@'%%'", test_db, user);
    exec_ok(admin, sql);
    free(sql);

    const char *enc = "p%40ss%3Aw%2Frd%26x%3D1%25%2B%20%3F";
    char *urls[] = {
        xasprintf("mysql://%s:%s@%s:%s/%s", user, enc, env("RUNWAY_TEST_MYSQL_HOST"),
                  env("RUNWAY_TEST_MYSQL_PORT"), test_db),
        xasprintf("jdbc:mysql://%s:%s/%s?user=%s&password=%s", env("RUNWAY_TEST_MYSQL_HOST"),
                  env("RUNWAY_TEST_MYSQL_PORT"), test_db, user, enc),
        xasprintf("jdbc:mariadb://%s:%s/%s", env("RUNWAY_TEST_MYSQL_HOST"),
                  env("RUNWAY_TEST_MYSQL_PORT"), test_db),
    };
    for (size_t i = 0; i < 3; i++) {
        rw_config *cfg = config_new();
        config_set_raw(cfg, "url", urls[i], CFG_SRC_CLI);
        if (i == 2) {
            config_set_raw(cfg, "user", user, CFG_SRC_CLI);
            config_set_raw(cfg, "password", "p@ss:w/rd&x=1%+ ?", CFG_SRC_CLI);
        }
        db_conn *c = connect_ok(cfg);
        strbuf out = STRBUF_INIT;
        rw_err e;
        rw_err_clear(&e);
        assert_int_equal(db_mysql_ops.current_user(c, &out, &e), RW_OK);
        assert_string_equal(sb_str(&out), user);
        sb_free(&out);
        db_mysql_ops.close(c);
        config_free(cfg);
        free(urls[i]);
    }
    sql = xasprintf("DROP USER '%s'@'%%'", user);
    exec_ok(admin, sql);
    free(sql);
    db_mysql_ops.close(admin);
    config_free(admin_cfg);
}

static void test_bad_password_is_a_clear_error(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_new();
    char *url = xasprintf("jdbc:mysql://%s:%s/%s?user=%s&password=wrong-secret",
                          env("RUNWAY_TEST_MYSQL_HOST"), env("RUNWAY_TEST_MYSQL_PORT"), test_db,
                          env("RUNWAY_TEST_MYSQL_USER"));
    config_set_raw(cfg, "url", url, CFG_SRC_CLI);
    db_conn *c = NULL;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(db_mysql_ops.connect(cfg, &c, &e), RW_ERR_DB_CONNECTION);
    assert_null(c);
    assert_int_equal(e.sql_errcode, 1045);
    assert_string_equal(e.sqlstate, "28000");
    assert_non_null(strstr(e.msg, "Access denied"));
    assert_null(strstr(e.msg, "wrong-secret"));
    free(url);
    config_free(cfg);
}

static void test_connect_retries_back_off(void **state)
{
    (void)state;
    rw_config *cfg = config_new();
    config_set_raw(cfg, "url", "jdbc:mysql://127.0.0.1:1/x?connectTimeout=2000", CFG_SRC_CLI);
    config_set_raw(cfg, "connectRetries", "2", CFG_SRC_CLI);
    config_set_raw(cfg, "connectRetriesInterval", "1", CFG_SRC_CLI);
    db_conn *c = NULL;
    rw_err e;
    rw_err_clear(&e);
    int64_t t0 = rw_now_ms();
    assert_int_equal(db_mysql_ops.connect(cfg, &c, &e), RW_ERR_DB_CONNECTION);
    int64_t waited = rw_now_ms() - t0;
    /* Two retries, each after a one-second pause (capped by the interval). */
    assert_true(waited >= 1900 && waited < 10000);
    assert_non_null(strstr(e.msg, "Unable to obtain connection"));
    config_free(cfg);
}

static void test_bad_url_parameters(void **state)
{
    (void)state;
    const char *bad[] = {"jdbc:mysql://h/db?sslMode=sometimes", "jdbc:mysql://h/db?useSSL=maybe",
                         "jdbc:mysql://h:99999/db", "jdbc:mysql://h/db?connectTimeout=soon"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rw_config *cfg = config_new();
        config_set_raw(cfg, "url", bad[i], CFG_SRC_CLI);
        db_conn *c = NULL;
        rw_err e;
        rw_err_clear(&e);
        assert_int_equal(db_mysql_ops.connect(cfg, &c, &e), RW_ERR_CONFIGURATION);
        config_free(cfg);
    }
}

static void test_tls_modes(void **state)
{
    (void)state;
    NEED_SERVER();
    if (!env("RUNWAY_TEST_MYSQL_CA"))
        skip();
    /* REQUIRED encrypts; VERIFY_IDENTITY needs the CA; DISABLED stays plain. */
    rw_config *cfg = config_for(test_db, "&sslMode=REQUIRED");
    db_conn *c = connect_ok(cfg);
    char *v = scalar(c, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE "
                        "VARIABLE_NAME='SSL_CIPHER'", NULL, 0);
    assert_true(strlen(v) > 0 && strcmp(v, "NULL") != 0);
    free(v);
    db_mysql_ops.close(c);
    config_free(cfg);

    char *q = xasprintf("&sslMode=VERIFY_IDENTITY&serverSslCert=%s", env("RUNWAY_TEST_MYSQL_CA"));
    cfg = config_for(test_db, q);
    c = connect_ok(cfg);
    db_mysql_ops.close(c);
    config_free(cfg);
    free(q);

    cfg = config_for(test_db, "&sslMode=VERIFY_CA");
    rw_err e;
    rw_err_clear(&e);
    c = NULL;
    assert_int_equal(db_mysql_ops.connect(cfg, &c, &e), RW_ERR_DB_CONNECTION);
    config_free(cfg);

    cfg = config_for(test_db, "&useSSL=false");
    c = connect_ok(cfg);
    v = scalar(c, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE "
                  "VARIABLE_NAME='SSL_CIPHER'", NULL, 0);
    assert_string_equal(v, "");
    free(v);
    db_mysql_ops.close(c);
    config_free(cfg);
}

static void test_query_parameters_are_escaped(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "");
    db_conn *c = connect_ok(cfg);
    const char *tricky = "it's a \\ \"test\" ? `x` ; -- é";
    const char *params[] = {tricky, NULL};
    char *v = scalar(c, "SELECT CONCAT(?, '?', IFNULL(?, 'null'))", params, 2);
    char *want = xasprintf("%s?null", tricky);
    assert_string_equal(v, want);
    free(v);
    free(want);
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(db_mysql_ops.query(c, "SELECT ?", params, 2, NULL, NULL, &e), RW_OK);
    db_mysql_ops.close(c);
    config_free(cfg);
}

static void test_exec_errors_and_result_sets(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "");
    db_conn *c = connect_ok(cfg);
    exec_ok(c, "CREATE PROCEDURE two_results() BEGIN SELECT 1; SELECT 2; END");
    exec_ok(c, "CALL two_results()");
    exec_ok(c, "SELECT 1;");
    sql_statement st = {.sql = "SELECT * FROM no_such_table", .line = 3};
    st.len = strlen(st.sql);
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(db_mysql_ops.exec(c, &st, &e), RW_ERR_SQL);
    assert_string_equal(e.sqlstate, "42S02");
    assert_int_equal(e.sql_errcode, 1146);
    assert_non_null(strstr(e.msg, "no_such_table"));
    /* Multi-statements are off: two statements in one string are a syntax error. */
    st.sql = "SELECT 1; SELECT 2";
    st.len = strlen(st.sql);
    assert_int_equal(db_mysql_ops.exec(c, &st, &e), RW_ERR_SQL);
    exec_ok(c, "DROP PROCEDURE two_results");
    db_mysql_ops.close(c);
    config_free(cfg);
}

static void test_transactions_restore_session(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "");
    db_conn *c = connect_ok(cfg);
    rw_err e;
    rw_err_clear(&e);
    exec_ok(c, "CREATE TABLE tx (id INT) ENGINE=InnoDB");
    assert_int_equal(db_mysql_ops.begin(c, &e), RW_OK);
    exec_ok(c, "INSERT INTO tx VALUES (1)");
    assert_int_equal(db_mysql_ops.rollback(c, &e), RW_OK);
    char *n = scalar(c, "SELECT COUNT(*) FROM tx", NULL, 0);
    assert_string_equal(n, "0");
    free(n);
    /* A script that switches database and autocommit does not leak into the next one. */
    assert_int_equal(db_mysql_ops.begin(c, &e), RW_OK);
    exec_ok(c, "USE mysql");
    exec_ok(c, "SET autocommit=0");
    assert_int_equal(db_mysql_ops.commit(c, &e), RW_OK);
    n = scalar(c, "SELECT @@autocommit", NULL, 0);
    assert_string_equal(n, "1");
    free(n);
    assert_int_equal(db_mysql_ops.begin(c, &e), RW_OK);
    n = scalar(c, "SELECT DATABASE()", NULL, 0);
    assert_string_equal(n, test_db);
    free(n);
    assert_int_equal(db_mysql_ops.commit(c, &e), RW_OK);
    exec_ok(c, "DROP TABLE tx");
    db_mysql_ops.close(c);
    config_free(cfg);
}

/* Flyway's lock names: `mydb`.`flyway_schema_history` -> Flyway-278632207 (flyway-compat.md, D). */
static void test_lock_uses_flyway_name_and_excludes(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "");
    db_conn *a = connect_ok(cfg);
    db_conn *b = connect_ok(cfg);
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(db_mysql_ops.lock(a, "mydb", "flyway_schema_history", &e), RW_OK);
    char *id_a = scalar(a, "SELECT CONNECTION_ID()", NULL, 0);
    char *holder = scalar(b, "SELECT IS_USED_LOCK('Flyway-278632207')", NULL, 0);
    assert_string_equal(holder, id_a);
    free(holder);
    assert_int_equal(db_mysql_ops.lock(a, "test", "flyway_schema_history", &e), RW_OK);
    holder = scalar(b, "SELECT IS_USED_LOCK('Flyway--562162009')", NULL, 0);
    assert_string_equal(holder, id_a);
    free(holder);
    assert_int_equal(db_mysql_ops.unlock(a, "test", "flyway_schema_history", &e), RW_OK);

    /* b2 cannot take a's lock; with lockRetryCount=1 it gives up after two 10 s rounds. */
    rw_config *cfg_b = config_for(test_db, "");
    config_set_raw(cfg_b, "lockRetryCount", "1", CFG_SRC_CLI);
    db_conn *b2 = connect_ok(cfg_b);
    int64_t t0 = rw_now_ms();
    assert_int_equal(db_mysql_ops.lock(b2, "mydb", "flyway_schema_history", &e), RW_ERR_LOCK);
    assert_true(rw_now_ms() - t0 >= 19000);
    assert_non_null(strstr(e.msg, "lockRetryCount"));
    assert_int_equal(db_mysql_ops.unlock(a, "mydb", "flyway_schema_history", &e), RW_OK);
    assert_int_equal(db_mysql_ops.lock(b2, "mydb", "flyway_schema_history", &e), RW_OK);
    /* Closing the session releases the lock (the server does so as it ends the session). */
    db_mysql_ops.close(b2);
    for (int i = 0; i < 100; i++) {
        holder = scalar(b, "SELECT IS_USED_LOCK('Flyway-278632207')", NULL, 0);
        if (strcmp(holder, "NULL") == 0 || i == 99)
            break;
        free(holder);
        usleep(50000);
    }
    assert_string_equal(holder, "NULL");
    free(holder);
    free(id_a);
    db_mysql_ops.close(a);
    db_mysql_ops.close(b);
    config_free(cfg);
    config_free(cfg_b);
}

static void test_history_table_and_clean(void **state)
{
    (void)state;
    NEED_SERVER();
    rw_config *cfg = config_for(test_db, "");
    db_conn *c = connect_ok(cfg);
    rw_err e;
    rw_err_clear(&e);
    bool b;
    assert_int_equal(db_mysql_ops.schema_is_empty(c, test_db, &b, &e), RW_OK);
    assert_true(b);
    assert_int_equal(db_mysql_ops.table_exists(c, test_db, "flyway_schema_history", &b, &e), RW_OK);
    assert_false(b);
    assert_int_equal(db_mysql_ops.history_create(c, test_db, "flyway_schema_history", cfg, &e),
                     RW_OK);
    assert_int_equal(db_mysql_ops.table_exists(c, test_db, "flyway_schema_history", &b, &e), RW_OK);
    assert_true(b);
    const char *p[] = {test_db};
    char *cols = scalar(c,
                        "SELECT GROUP_CONCAT(CONCAT(COLUMN_NAME,':',COLUMN_TYPE,':',IS_NULLABLE) "
                        "ORDER BY ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE "
                        "TABLE_SCHEMA=? AND TABLE_NAME='flyway_schema_history'",
                        p, 1);
    assert_string_equal(cols, "installed_rank:int(11):NO,version:varchar(50):YES,"
                              "description:varchar(200):NO,type:varchar(20):NO,"
                              "script:varchar(1000):NO,checksum:int(11):YES,"
                              "installed_by:varchar(100):NO,installed_on:timestamp:NO,"
                              "execution_time:int(11):NO,success:tinyint(1):NO");
    free(cols);
    char *idx = scalar(c,
                       "SELECT GROUP_CONCAT(DISTINCT INDEX_NAME ORDER BY INDEX_NAME) FROM "
                       "information_schema.STATISTICS WHERE TABLE_SCHEMA=? AND "
                       "TABLE_NAME='flyway_schema_history'",
                       p, 1);
    assert_string_equal(idx, "flyway_schema_history_s_idx,PRIMARY");
    free(idx);

    exec_ok(c, "CREATE TABLE parent (id INT PRIMARY KEY)");
    exec_ok(c, "CREATE TABLE child (id INT, p INT, FOREIGN KEY (p) REFERENCES parent(id))");
    exec_ok(c, "CREATE VIEW v AS SELECT * FROM child");
    exec_ok(c, "CREATE TRIGGER trg BEFORE INSERT ON child FOR EACH ROW SET NEW.id = 1");
    exec_ok(c, "CREATE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1");
    exec_ok(c, "CREATE PROCEDURE pr() SELECT 1");
    exec_ok(c, "CREATE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1");
    exec_ok(c, "CREATE SEQUENCE sq");
    assert_int_equal(db_mysql_ops.schema_is_empty(c, test_db, &b, &e), RW_OK);
    assert_false(b);
    if (db_mysql_ops.clean_schema(c, test_db, false, &e) != RW_OK)
        fail_msg("clean: %s", e.msg);
    assert_int_equal(db_mysql_ops.schema_is_empty(c, test_db, &b, &e), RW_OK);
    assert_true(b);
    char *fk = scalar(c, "SELECT @@FOREIGN_KEY_CHECKS", NULL, 0);
    assert_string_equal(fk, "1");
    free(fk);

    char *other = xasprintf("%s_x", test_db);
    assert_int_equal(db_mysql_ops.schema_exists(c, other, &b, &e), RW_OK);
    assert_false(b);
    assert_int_equal(db_mysql_ops.schema_create(c, other, &e), RW_OK);
    assert_int_equal(db_mysql_ops.schema_exists(c, other, &b, &e), RW_OK);
    assert_true(b);
    assert_int_equal(db_mysql_ops.clean_schema(c, other, true, &e), RW_OK);
    assert_int_equal(db_mysql_ops.schema_exists(c, other, &b, &e), RW_OK);
    assert_false(b);
    free(other);
    db_mysql_ops.close(c);
    config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handles_urls),
        cmocka_unit_test(test_session_metadata),
        cmocka_unit_test(test_user_and_password_keys),
        cmocka_unit_test(test_percent_encoded_credentials),
        cmocka_unit_test(test_bad_password_is_a_clear_error),
        cmocka_unit_test(test_connect_retries_back_off),
        cmocka_unit_test(test_bad_url_parameters),
        cmocka_unit_test(test_tls_modes),
        cmocka_unit_test(test_query_parameters_are_escaped),
        cmocka_unit_test(test_exec_errors_and_result_sets),
        cmocka_unit_test(test_transactions_restore_session),
        cmocka_unit_test(test_lock_uses_flyway_name_and_excludes),
        cmocka_unit_test(test_history_table_and_clean),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
