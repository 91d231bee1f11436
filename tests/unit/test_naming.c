/*
 * Unit tests for scan_parse_name: Flyway's file naming rules with the
 * default and custom prefixes, separator and suffixes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/scan.h"

typedef struct parsed {
    scan_name_kind kind;
    rw_migration m;
    char *event;
    char *description;
    rw_err e;
} parsed;

static rw_config *cfg;

static int setup(void **state)
{
    (void)state;
    cfg = config_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    config_free(cfg);
    cfg = NULL;
    return 0;
}

static void parse(const char *name, parsed *p)
{
    memset(p, 0, sizeof *p);
    rw_err_clear(&p->e);
    p->kind = scan_parse_name(cfg, name, &p->m, &p->event, &p->description, &p->e);
}

static void parsed_free(parsed *p)
{
    if (p->kind == NAME_MIGRATION)
        migration_free(&p->m);
    free(p->event);
    free(p->description);
}

/* Asserts name is a migration of type with version text and description. */
static void expect_migration(const char *name, rw_mig_type type, const char *version,
                             const char *description)
{
    parsed p;
    parse(name, &p);
    if (p.kind != NAME_MIGRATION)
        fail_msg("%s: expected a migration, got kind %d (%s)", name, p.kind, p.e.msg);
    assert_int_equal(p.m.type, type);
    if (version)
        assert_string_equal(p.m.version.text, version);
    else
        assert_false(version_is_set(&p.m.version));
    assert_string_equal(p.m.description, description);
    assert_string_equal(p.m.filename, name);
    parsed_free(&p);
}

static void expect_kind(const char *name, scan_name_kind kind, const char *msg_part)
{
    parsed p;
    parse(name, &p);
    if (p.kind != kind)
        fail_msg("%s: expected kind %d, got %d (%s)", name, kind, p.kind, p.e.msg);
    if (msg_part && !strstr(p.e.msg, msg_part))
        fail_msg("%s: message '%s' lacks '%s'", name, p.e.msg, msg_part);
    parsed_free(&p);
}

static void expect_callback(const char *name, const char *event, const char *description)
{
    parsed p;
    parse(name, &p);
    if (p.kind != NAME_CALLBACK)
        fail_msg("%s: expected a callback, got kind %d (%s)", name, p.kind, p.e.msg);
    assert_string_equal(p.event, event);
    assert_string_equal(p.description, description);
    parsed_free(&p);
}

static void test_versioned_names(void **state)
{
    (void)state;
    expect_migration("V1__First.sql", MIG_VERSIONED, "1", "First");
    expect_migration("V1_2__acl_expansion.sql", MIG_VERSIONED, "1.2", "acl expansion");
    expect_migration("V0_00__create_table_user.sql", MIG_VERSIONED, "0.00", "create table user");
    expect_migration("V01__CREATE_USER_AND_ROLE_TABLE.sql", MIG_VERSIONED, "01",
                     "CREATE USER AND ROLE TABLE");
    expect_migration("V0.0.1.01__Add_academic_group_table.sql", MIG_VERSIONED, "0.0.1.01",
                     "Add academic group table");
    expect_migration("V1__a__b.sql", MIG_VERSIONED, "1", "a  b");
}

static void test_no_description(void **state)
{
    (void)state;
    expect_migration("V1.sql", MIG_VERSIONED, "1", "");
    expect_migration("V1.1.sql", MIG_VERSIONED, "1.1", "");
}

static void test_repeatable_and_undo(void **state)
{
    (void)state;
    expect_migration("R__All_View.sql", MIG_REPEATABLE, NULL, "All View");
    expect_migration("U2__drop.sql", MIG_UNDO, "2", "drop");
}

static void test_suffix_case_insensitive_prefix_case_sensitive(void **state)
{
    (void)state;
    expect_migration("V3__upper.SQL", MIG_VERSIONED, "3", "upper");
    expect_kind("v1__lower.sql", NAME_INVALID, "v1__lower.sql");
    expect_kind("README.sql", NAME_INVALID, "README.sql (It cannot contain a version");
    expect_kind("notes.sql", NAME_INVALID, "Unrecognised migration name format: notes.sql");
    expect_kind("notes.sql", NAME_INVALID, "V<version>__<description>.sql");
}

static void test_not_migrations(void **state)
{
    (void)state;
    expect_kind("V1__a.txt", NAME_NOT_MIGRATION, NULL);
    expect_kind("notes.md", NAME_NOT_MIGRATION, NULL);
    expect_kind("V1__a.sql.conf", NAME_NOT_MIGRATION, NULL);
    /* The name must be longer than prefix + suffix. */
    expect_kind("V.sql", NAME_INVALID, NULL);
}

static void test_invalid_names(void **state)
{
    (void)state;
    expect_kind("V1_x.sql", NAME_INVALID, "Invalid versioned migration name format: V1_x.sql");
    expect_kind("V__nover.sql", NAME_INVALID, "Invalid versioned migration name format");
    expect_kind("Vabc__x.sql", NAME_INVALID, "Invalid versioned migration name format");
    expect_kind("R1.0__All_View.sql", NAME_INVALID,
                "Invalid repeatable migration / callback name format: R1.0__All_View.sql");
    expect_kind("beforeMigrate1__x.sql", NAME_INVALID,
                "Invalid repeatable migration / callback name format");
}

static void test_callbacks(void **state)
{
    (void)state;
    expect_callback("afterMigrate.sql", "afterMigrate", "");
    expect_callback("beforeMigrate__Seed_data.sql", "beforeMigrate", "Seed data");
    expect_callback("beforeEachMigrate.sql", "beforeEachMigrate", "");
    /* Longest event wins: not beforeEachMigrate with a stray suffix. */
    expect_callback("beforeEachMigrateStatement.sql", "beforeEachMigrateStatement", "");
    expect_callback("afterMigrateError.sql", "afterMigrateError", "");
    expect_callback("beforeValidate.sql", "beforeValidate", "");
    expect_callback("afterRepair__x.sql", "afterRepair", "x");
}

static void test_custom_prefixes_separator_suffixes(void **state)
{
    (void)state;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(config_set(cfg, "sqlMigrationPrefix", "CheckValidate", CFG_SRC_CLI, "t", &e), 0);
    assert_int_equal(config_set(cfg, "repeatableSqlMigrationPrefix", "Rep", CFG_SRC_CLI, "t", &e), 0);
    assert_int_equal(config_set(cfg, "sqlMigrationSeparator", "-", CFG_SRC_CLI, "t", &e), 0);
    assert_int_equal(config_set(cfg, "sqlMigrationSuffixes", ".sql,.pgsql", CFG_SRC_CLI, "t", &e), 0);
    expect_migration("CheckValidate1-First.sql", MIG_VERSIONED, "1", "First");
    expect_migration("CheckValidate2_1-Second_one.pgsql", MIG_VERSIONED, "2.1", "Second one");
    expect_migration("Rep-views.sql", MIG_REPEATABLE, NULL, "views");
    expect_kind("V1__First.sql", NAME_INVALID, NULL);
    expect_kind("CheckValidate1-First.txt", NAME_NOT_MIGRATION, NULL);
}

/* Flyway's callback/ test set uses an empty prefix: 1__First.sql is versioned. */
static void test_empty_versioned_prefix(void **state)
{
    (void)state;
    rw_err e;
    rw_err_clear(&e);
    assert_int_equal(config_set(cfg, "sqlMigrationPrefix", "", CFG_SRC_CLI, "t", &e), 0);
    expect_migration("1__First.sql", MIG_VERSIONED, "1", "First");
    expect_migration("R__view.sql", MIG_REPEATABLE, NULL, "view");
    expect_callback("afterMigrate.sql", "afterMigrate", "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_versioned_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_description, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeatable_and_undo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_suffix_case_insensitive_prefix_case_sensitive, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_custom_prefixes_separator_suffixes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_versioned_prefix, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
