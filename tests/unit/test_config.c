/*
 * Unit tests for config.c: Java-properties files, FLYWAY_/RUNWAY_
 * variables, -key=value arguments, their precedence and the errors for
 * unknown keys.
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

#include "core/config.h"

static rw_config *cfg;
static rw_err err;

static int setup(void **state)
{
    (void)state;
    cfg = config_new();
    rw_err_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    config_free(cfg);
    cfg = NULL;
    return 0;
}

static int load(const char *text)
{
    return config_load_properties(cfg, text, strlen(text), "test.conf", CFG_SRC_FILE, &err);
}

static void expect(const char *key, const char *value)
{
    const char *got = config_get(cfg, key);
    if (!got || strcmp(got, value) != 0)
        fail_msg("%s: expected '%s', got '%s'", key, value, got ? got : "(null)");
}

static void test_separators_and_whitespace(void **state)
{
    (void)state;
    assert_int_equal(load("flyway.url=jdbc:sqlite:a.db\n"
                          "flyway.user : alice\n"
                          "flyway.table   bob_history\n"
                          "  flyway.schemas=main  \n"),
                     RW_OK);
    expect("url", "jdbc:sqlite:a.db");
    expect("user", "alice");
    expect("table", "bob_history");
    /* Trailing whitespace belongs to the value in Java properties. */
    expect("schemas", "main  ");
}

static void test_comments_and_blank_lines(void **state)
{
    (void)state;
    assert_int_equal(load("# a comment\n! another\n\n   \n  # indented\nflyway.user=x\n"), RW_OK);
    expect("user", "x");
    assert_false(config_is_set(cfg, "url"));
}

static void test_continuation_lines(void **state)
{
    (void)state;
    assert_int_equal(load("flyway.locations=filesystem:a,\\\n    filesystem:b,\\\r\n"
                          "\tfilesystem:c\nflyway.user=u\n"),
                     RW_OK);
    expect("locations", "filesystem:a,filesystem:b,filesystem:c");
    expect("user", "u");
    /* An escaped backslash at the end does not continue the line. */
    assert_int_equal(load("flyway.installedBy=a\\\\\nflyway.table=t\n"), RW_OK);
    expect("installedBy", "a\\");
    expect("table", "t");
}

static void test_escapes(void **state)
{
    (void)state;
    assert_int_equal(load("flyway.placeholders.tab=a\\tb\n"
                          "flyway.placeholders.nl=a\\nb\n"
                          "flyway.placeholders.uni=caf\\u00e9\n"
                          "flyway.placeholders.colon=x\\:y\\=z\n"
                          "flyway.placeholders.key\\ with\\ space=v\n"),
                     RW_OK);
    expect("placeholders.tab", "a\tb");
    expect("placeholders.nl", "a\nb");
    expect("placeholders.uni", "caf\xC3\xA9");
    expect("placeholders.colon", "x:y=z");
    expect("placeholders.key with space", "v");
}

static void test_env_expansion_in_files(void **state)
{
    (void)state;
    setenv("RUNWAY_TEST_XPW", "s3cret", 1);
    unsetenv("RUNWAY_TEST_XNONE");
    assert_int_equal(load("flyway.password=${RUNWAY_TEST_XPW}\n"
                          "flyway.user=pre-${RUNWAY_TEST_XNONE}-post\n"
                          "flyway.table=${not closed\n"),
                     RW_OK);
    expect("password", "s3cret");
    expect("user", "pre--post");
    expect("table", "${not closed");
    unsetenv("RUNWAY_TEST_XPW");
}

static void test_runway_namespace(void **state)
{
    (void)state;
    assert_int_equal(load("runway.webhookUrl=http://x\n"), RW_OK);
    expect("webhookUrl", "http://x");
    assert_int_not_equal(load("flyway.webhookUrl=http://y\n"), RW_OK);
    assert_non_null(strstr(err.msg, "runway.webhookUrl"));
    rw_err_clear(&err);
    assert_int_not_equal(load("runway.url=jdbc:sqlite:x\n"), RW_OK);
    assert_non_null(strstr(err.msg, "flyway.url"));
}

static void test_unknown_key_in_file_suggests(void **state)
{
    (void)state;
    assert_int_equal(load("flyway.user=a\n\nflyway.locatoins=filesystem:x\n"), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "test.conf:3"));
    assert_non_null(strstr(err.msg, "flyway.locatoins"));
    assert_non_null(strstr(err.msg, "Did you mean 'flyway.locations'"));
}

static void test_unknown_key_without_near_match(void **state)
{
    (void)state;
    assert_int_equal(config_set(cfg, "zzzzzzzzzzzzzzzzqqq", "1", CFG_SRC_CLI, "command line", &err),
                     RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "unknown configuration property 'zzzzzzzzzzzzzzzzqqq'"));
    assert_null(strstr(err.msg, "Did you mean"));
}

static void test_bad_boolean_value(void **state)
{
    (void)state;
    assert_int_equal(load("flyway.outOfOrder=yes\n"), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "outOfOrder"));
    assert_non_null(strstr(err.msg, "yes"));
}

static void test_defaults(void **state)
{
    (void)state;
    expect("sqlMigrationPrefix", "V");
    expect("repeatableSqlMigrationPrefix", "R");
    expect("sqlMigrationSeparator", "__");
    expect("sqlMigrationSuffixes", ".sql");
    expect("table", "flyway_schema_history");
    expect("baselineVersion", "1");
    expect("baselineDescription", "<< Flyway Baseline >>");
    expect("ignoreMigrationPatterns", "*:future");
    assert_true(config_get_bool(cfg, "cleanDisabled"));
    assert_true(config_get_bool(cfg, "validateOnMigrate"));
    assert_false(config_get_bool(cfg, "validateMigrationNaming"));
    assert_false(config_get_bool(cfg, "outOfOrder"));
    assert_null(config_get(cfg, "url"));
}

/* Writes a config file in the current (temporary) directory. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_precedence_cli_env_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/runway-config-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *a = xasprintf("%s/a.conf", dir), *b = xasprintf("%s/b.conf", dir);
    write_file(a, "flyway.user=file_a\nflyway.table=file_a\nflyway.target=1\n"
                  "flyway.installedBy=file_a\n");
    write_file(b, "flyway.table=file_b\nflyway.target=2\nflyway.installedBy=file_b\n");
    char *cf = xasprintf("-configFiles=%s,%s", a, b);
    char *argv[] = {"runway", cf, "-installedBy=cli", "--placeholders.Who=cli", "info", NULL};
    char *envp[] = {"FLYWAY_TARGET=3", "FLYWAY_INSTALLED_BY=env", "FLYWAY_PLACEHOLDERS_WHO=env",
                    "FLYWAY_PLACEHOLDERS_WHERE=env", "UNRELATED=1", NULL};
    strlist cmds = {0};
    assert_int_equal(config_load_all(cfg, 5, argv, envp, &cmds, &err), RW_OK);
    expect("user", "file_a");          /* only in a file */
    expect("table", "file_b");         /* later file wins */
    expect("target", "3");             /* env beats files */
    expect("installedBy", "cli");      /* CLI beats env */
    expect("placeholders.who", "cli"); /* placeholder names are case-insensitive */
    expect("placeholders.where", "env");
    assert_int_equal(cmds.len, 1);
    assert_string_equal(cmds.items[0], "info");
    strlist_free(&cmds);
    unlink(a);
    unlink(b);
    rmdir(dir);
    free(a);
    free(b);
    free(cf);
}

static void test_cli_unknown_key_suggests(void **state)
{
    (void)state;
    char *argv[] = {"runway", "-basline=2", "migrate", NULL};
    char *envp[] = {NULL};
    strlist cmds = {0};
    assert_int_equal(config_load_all(cfg, 3, argv, envp, &cmds, &err), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "command line"));
    assert_non_null(strstr(err.msg, "'basline'"));
    assert_non_null(strstr(err.msg, "Did you mean"));
    strlist_free(&cmds);
}

static void test_non_numeric_lock_retry_count_names_the_argument(void **state)
{
    (void)state;
    char *argv[] = {"runway", "-lockRetryCount=abc", "migrate", NULL};
    char *envp[] = {NULL};
    strlist cmds = {0};
    assert_int_equal(config_load_all(cfg, 3, argv, envp, &cmds, &err), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "command line argument -lockRetryCount"));
    assert_non_null(strstr(err.msg, "Invalid lockRetryCount 'abc'"));
    strlist_free(&cmds);
}

static void test_invalid_enum_in_environment_names_the_variable(void **state)
{
    (void)state;
    char *envp[] = {"FLYWAY_COLOR=purple", NULL};
    assert_int_equal(config_load_env(cfg, envp, &err), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "environment variable FLYWAY_COLOR"));
    assert_non_null(strstr(err.msg, "always, never or auto"));
}

static void test_invalid_values_in_a_file_name_file_and_line(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "flyway.connectRetries=-1",      "flyway.connectRetriesInterval=0",
        "flyway.baselineVersion=1.x",    "flyway.target=soon",
        "runway.lockTimeout=5 seconds",  "runway.statementTimeout=-5s",
        "runway.webhookRetries=1000",    "runway.metrics=maybe",
        "runway.timeout=1h",             "flyway.lockRetryCount=",
        "flyway.validateOnMigrate=yes",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = xasprintf("# settings\n%s\n", bad[i]);
        rw_err_clear(&err);
        assert_int_equal(config_load_properties(cfg, text, strlen(text), "f.conf", CFG_SRC_FILE,
                                                &err),
                         RW_ERR_CONFIGURATION);
        if (!strstr(err.msg, "f.conf:2: "))
            fail_msg("%s: %s", bad[i], err.msg);
        free(text);
    }
}

static void test_valid_values_are_accepted(void **state)
{
    (void)state;
    const char *text = "flyway.lockRetryCount=-1\nflyway.target=2.1?\nflyway.target=next\n"
                       "runway.lockTimeout=1.5min\nrunway.statementTimeout=500\n"
                       "runway.timeout=500ms\nflyway.color=NEVER\nrunway.metrics=\n";
    assert_int_equal(config_load_properties(cfg, text, strlen(text), "f.conf", CFG_SRC_FILE, &err),
                     RW_OK);
}

static void test_nul_byte_in_a_config_key_is_an_error(void **state)
{
    (void)state;
    const char text[] = "flyway.user=a\nflyway.lockRetryCount\0junk=5\n";
    assert_int_equal(config_load_properties(cfg, text, sizeof text - 1, "f.conf", CFG_SRC_FILE,
                                            &err),
                     RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "f.conf:2: NUL byte"));
}

static void test_unknown_flyway_and_runway_keys_in_a_file_are_errors(void **state)
{
    (void)state;
    const char *a = "flyway.noSuchSetting=1\n";
    assert_int_equal(config_load_properties(cfg, a, strlen(a), "f.conf", CFG_SRC_FILE, &err),
                     RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "f.conf:1: unknown configuration property"));
    const char *b = "\nrunway.noSuchSetting=1\n";
    assert_int_equal(config_load_properties(cfg, b, strlen(b), "f.conf", CFG_SRC_FILE, &err),
                     RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "f.conf:2: unknown configuration property"));
}

static void test_missing_config_file(void **state)
{
    (void)state;
    char *argv[] = {"runway", "-configFiles=/nonexistent/runway/x.conf", "info", NULL};
    char *envp[] = {NULL};
    strlist cmds = {0};
    assert_int_equal(config_load_all(cfg, 3, argv, envp, &cmds, &err), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "/nonexistent/runway/x.conf"));
    strlist_free(&cmds);
}

static void test_env_key_names(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    config_key_to_env("connectRetriesInterval", &sb);
    assert_string_equal(sb_str(&sb), "CONNECT_RETRIES_INTERVAL");
    sb_reset(&sb);
    config_key_to_env("postgresql.transactional.lock", &sb);
    assert_string_equal(sb_str(&sb), "POSTGRESQL_TRANSACTIONAL_LOCK");
    sb_free(&sb);
    char *envp[] = {"FLYWAY_BASELINE_ON_MIGRATE=true", "FLYWAY_DEFAULT_SCHEMA=app",
                    "RUNWAY_WEBHOOK_URL=http://h", "FLYWAY_NOT_A_KEY=1", NULL};
    assert_int_equal(config_load_env(cfg, envp, &err), RW_OK);
    assert_true(config_get_bool(cfg, "baselineOnMigrate"));
    expect("defaultSchema", "app");
    expect("webhookUrl", "http://h");
}

static void test_redact_url(void **state)
{
    (void)state;
    char *r = config_redact_url("jdbc:postgresql://bob:hunter2@db:5432/app?password=hunter2&ssl=1");
    assert_null(strstr(r, "hunter2"));
    assert_non_null(strstr(r, "bob"));
    assert_non_null(strstr(r, "ssl=1"));
    free(r);
}

static void expect_install_dir(const char *exe, const char *want)
{
    char *dir = config_install_dir_of(exe);
    assert_string_equal(dir, want);
    free(dir);
}

static void test_install_dir_is_above_bin_or_beside_the_binary(void **state)
{
    (void)state;
    expect_install_dir("/usr/local/bin/runway", "/usr/local");
    expect_install_dir("/opt/runway/bin/runway", "/opt/runway");
    expect_install_dir("/bin/runway", "/");
    expect_install_dir("/flyway/runway", "/flyway");
    expect_install_dir("/work/build/runway", "/work/build");
    expect_install_dir("/opt/sbin/runway", "/opt/sbin");
    expect_install_dir("/opt/bin.d/runway", "/opt/bin.d");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_separators_and_whitespace),
        T(test_install_dir_is_above_bin_or_beside_the_binary),
        T(test_comments_and_blank_lines),
        T(test_continuation_lines),
        T(test_escapes),
        T(test_env_expansion_in_files),
        T(test_runway_namespace),
        T(test_unknown_key_in_file_suggests),
        T(test_unknown_key_without_near_match),
        T(test_bad_boolean_value),
        T(test_defaults),
        T(test_precedence_cli_env_files),
        T(test_cli_unknown_key_suggests),
        T(test_missing_config_file),
        T(test_env_key_names),
        T(test_redact_url),
        T(test_non_numeric_lock_retry_count_names_the_argument),
        T(test_invalid_enum_in_environment_names_the_variable),
        T(test_invalid_values_in_a_file_name_file_and_line),
        T(test_valid_values_are_accepted),
        T(test_nul_byte_in_a_config_key_is_an_error),
        T(test_unknown_flyway_and_runway_keys_in_a_file_are_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
