/*
 * Unit tests for plan.c: the states Flyway's info shows, built from local
 * migrations and history rows made up in memory, and validation problems.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "core/report.h"

static rw_resources res;
static rw_history hist;
static rw_plan plan;
static rw_err err;

static int setup(void **state)
{
    (void)state;
    memset(&res, 0, sizeof res);
    memset(&hist, 0, sizeof hist);
    memset(&plan, 0, sizeof plan);
    rw_err_clear(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    plan_free(&plan);
    for (size_t i = 0; i < hist.len; i++)
        history_row_free(&hist.rows[i]);
    free(hist.rows);
    scan_resources_free(&res);
    return 0;
}

/* Adds a local file: version NULL makes a repeatable.  Callers keep versioned first, sorted
 * by version, then repeatables sorted by description, as scan_resources does. */
static void add_file(const char *version, const char *description, int32_t checksum)
{
    res.migs = xrealloc(res.migs, (res.nmigs + 1) * sizeof *res.migs);
    rw_migration *m = &res.migs[res.nmigs++];
    memset(m, 0, sizeof *m);
    m->type = version ? MIG_VERSIONED : MIG_REPEATABLE;
    if (version)
        assert_int_equal(version_parse(version, &m->version, &err), RW_OK);
    m->description = xstrdup(description);
    m->filename = version ? xasprintf("V%s__%s.sql", version, description)
                          : xasprintf("R__%s.sql", description);
    m->script = xstrdup(m->filename);
    m->path = xasprintf("/m/%s", m->filename);
    m->checksum = m->raw_checksum = checksum;
    m->execute_in_transaction = m->placeholder_replacement = -1;
}

static void add_row(const char *version, const char *description, const char *type,
                    int32_t checksum, bool success)
{
    hist.rows = xrealloc(hist.rows, (hist.len + 1) * sizeof *hist.rows);
    rw_history_row *r = &hist.rows[hist.len];
    memset(r, 0, sizeof *r);
    r->installed_rank = (int)++hist.len;
    if (version) {
        r->version = xstrdup(version);
        assert_int_equal(version_parse(version, &r->ver, &err), RW_OK);
    }
    r->description = xstrdup(description);
    r->type = xstrdup(type);
    r->script = xstrdup(description);
    r->has_checksum = strcmp(type, "SQL") == 0;
    r->checksum = checksum;
    r->installed_by = xstrdup("tester");
    r->installed_on = xstrdup("2026-01-02 03:04:05.678");
    r->execution_time = 7;
    r->success = success;
}

static void build(const char *target, bool out_of_order)
{
    assert_int_equal(plan_build(&res, &hist, target, out_of_order, &plan, &err), RW_OK);
}

/* The state of the entry with this version (or repeatable description), the nth such. */
static const char *state_of(const char *key, int nth)
{
    for (size_t i = 0; i < plan.len; i++) {
        const plan_entry *en = &plan.items[i];
        const char *v = plan_entry_version(en);
        bool match = v ? strcmp(v, key) == 0 : strcmp(plan_entry_description(en), key) == 0;
        if (match && nth-- == 0)
            return plan_state_name(en->state);
    }
    fail_msg("no plan entry %s", key);
    return NULL;
}

static void test_pending_success_failed(void **state)
{
    (void)state;
    add_file("1", "a", 11);
    add_file("2", "b", 22);
    add_file("3", "c", 33);
    add_row("1", "a", "SQL", 11, true);
    add_row("2", "b", "SQL", 22, false);
    build(NULL, false);
    assert_string_equal(state_of("1", 0), "Success");
    assert_string_equal(state_of("2", 0), "Failed");
    assert_string_equal(state_of("3", 0), "Pending");
    assert_string_equal(plan_current_version(&plan, &hist), "1");
}

static void test_missing_future_and_ignored(void **state)
{
    (void)state;
    add_file("1", "a", 11);
    add_file("1.5", "late", 15);
    add_file("3", "c", 33);
    add_row("1", "a", "SQL", 11, true);
    add_row("2", "gone", "SQL", 22, true);
    add_row("3", "c", "SQL", 33, true);
    add_row("4", "future", "SQL", 44, true);
    build(NULL, false);
    assert_string_equal(state_of("2", 0), "Missing");
    assert_string_equal(state_of("4", 0), "Future");
    assert_string_equal(state_of("1.5", 0), "Ignored");
    plan_free(&plan);
    build(NULL, true);
    assert_string_equal(state_of("1.5", 0), "Pending");
}

static void test_out_of_order_row(void **state)
{
    (void)state;
    add_file("1", "a", 11);
    add_file("1.5", "late", 15);
    add_file("2", "b", 22);
    add_row("1", "a", "SQL", 11, true);
    add_row("2", "b", "SQL", 22, true);
    add_row("1.5", "late", "SQL", 15, true);
    build(NULL, true);
    assert_string_equal(state_of("1.5", 0), "Out of Order");
    assert_string_equal(state_of("2", 0), "Success");
}

static void test_repeatables_outdated_superseded(void **state)
{
    (void)state;
    add_file(NULL, "procs", 300);
    add_file(NULL, "views", 200);
    add_row(NULL, "views", "SQL", 100, true);
    add_row(NULL, "views", "SQL", 150, true);
    add_row(NULL, "procs", "SQL", 300, true);
    build(NULL, false);
    assert_string_equal(state_of("views", 0), "Superseded");
    assert_string_equal(state_of("views", 1), "Outdated");
    assert_string_equal(state_of("procs", 0), "Success");
}

static void test_baseline_states(void **state)
{
    (void)state;
    add_file("1", "below", 1);
    add_file("2", "at", 2);
    add_file("3", "above", 3);
    add_row("2", "<< Flyway Baseline >>", "BASELINE", 0, true);
    build(NULL, false);
    assert_string_equal(state_of("1", 0), "Below Baseline");
    assert_string_equal(state_of("2", 0), "Ignored (Baseline)");
    assert_string_equal(state_of("2", 1), "Baseline");
    assert_string_equal(state_of("3", 0), "Pending");
}

/* Flyway lists files at or below the baseline first, then the rows, then the pending files. */
static void test_below_baseline_entries_come_before_the_history_rows(void **state)
{
    (void)state;
    add_file("1", "below", 1);
    add_file("2", "at", 2);
    add_file("3", "above", 3);
    add_file("4", "pending", 4);
    add_file(NULL, "view", 5);
    add_row("2", "<< Flyway Baseline >>", "BASELINE", 0, true);
    add_row("3", "above", "SQL", 3, true);
    build(NULL, false);
    static const char *const want[] = {"Below Baseline", "Ignored (Baseline)", "Baseline",
                                       "Success", "Pending", "Pending"};
    assert_int_equal(plan.len, 6);
    for (size_t i = 0; i < plan.len; i++)
        assert_string_equal(plan_state_name(plan.items[i].state), want[i]);
    assert_string_equal(plan_entry_description(&plan.items[5]), "view");
}

static void test_the_baseline_row_has_no_category_a_baseline_migration_has(void **state)
{
    (void)state;
    add_row("1", "<< Flyway Baseline >>", "BASELINE", 0, true);
    add_row("2", "state", "SQL_STATE_SCRIPT", 0, true);
    build(NULL, false);
    assert_string_equal(plan_entry_category(&plan.items[0]), "");
    assert_string_equal(plan_entry_type(&plan.items[0]), "BASELINE");
    assert_string_equal(plan_entry_category(&plan.items[1]), "Baseline");
    assert_string_equal(plan_entry_type(&plan.items[1]), "SQL_BASELINE");
}

static void test_the_newest_baseline_row_sets_the_baseline(void **state)
{
    (void)state;
    add_file("2", "two", 2);
    add_row("3", "<< Flyway Baseline >>", "BASELINE", 0, true);
    add_row("1", "<< Flyway Baseline >>", "BASELINE", 0, true);
    build(NULL, false);
    assert_string_equal(state_of("2", 0), "Below Baseline");
}

static void test_above_target(void **state)
{
    (void)state;
    add_file("1", "a", 1);
    add_file("2", "b", 2);
    add_file("3", "c", 3);
    build("2", false);
    assert_string_equal(state_of("2", 0), "Pending");
    assert_string_equal(state_of("3", 0), "Above Target");
}

static void test_deleted_row(void **state)
{
    (void)state;
    add_file("1", "a", 1);
    add_row("1", "a", "SQL", 1, true);
    add_row("2", "gone", "SQL", 2, true);
    add_row("2", "gone", "DELETE", 2, true);
    build(NULL, false);
    assert_string_equal(state_of("2", 0), "Deleted");
}

static void test_invalid_target(void **state)
{
    (void)state;
    add_file("1", "a", 1);
    assert_int_equal(plan_build(&res, &hist, "banana", false, &plan, &err), RW_ERR_CONFIGURATION);
    assert_non_null(strstr(err.msg, "banana"));
}

static void test_validate_checksum_mismatch(void **state)
{
    (void)state;
    add_file("1", "a", 999);
    add_row("1", "a", "SQL", 11, true);
    build(NULL, false);
    plan_ignore ign;
    assert_int_equal(plan_parse_ignore("*:future", &ign, &err), RW_OK);
    plan_problems pp = {0};
    plan_validate(&plan, &ign, &pp);
    assert_int_equal(pp.len, 1);
    assert_int_equal(pp.items[0].code, RW_ERR_CHECKSUM_MISMATCH);
    assert_non_null(strstr(pp.items[0].message,
                           "Migration checksum mismatch for migration version 1"));
    assert_non_null(strstr(pp.items[0].message, "-> Applied to database : 11"));
    assert_non_null(strstr(pp.items[0].message, "-> Resolved locally    : 999"));
    plan_problems_free(&pp);
}

static void test_validate_ignore_patterns(void **state)
{
    (void)state;
    add_file("1", "a", 1);
    add_file("2", "b", 2);
    add_row("1", "a", "SQL", 1, true);
    build(NULL, false);
    plan_ignore ign;
    plan_problems pp = {0};
    assert_int_equal(plan_parse_ignore("*:future", &ign, &err), RW_OK);
    plan_validate(&plan, &ign, &pp);
    assert_int_equal(pp.len, 1); /* plain validate fails on pending */
    plan_problems_free(&pp);
    assert_int_equal(plan_parse_ignore("versioned:pending", &ign, &err), RW_OK);
    plan_validate(&plan, &ign, &pp);
    assert_int_equal(pp.len, 0);
    plan_problems_free(&pp);
    assert_int_not_equal(plan_parse_ignore("*:bogus", &ign, &err), RW_OK);
    assert_int_not_equal(plan_parse_ignore("sometype:missing", &ign, &err), RW_OK);
}

/* report_info_entry gives the fields of Flyway's info JSON. */
static void test_info_json_entry(void **state)
{
    (void)state;
    add_file("1.1", "view", 5);
    add_row("1.1", "view", "SQL", 5, true);
    build(NULL, false);
    json_t *o = report_info_entry(&plan.items[0]);
    static const char *const keys[] = {"category", "version", "rawVersion", "description",
                                       "type", "installedOnUTC", "state", "undoable",
                                       "filepath", "undoFilepath", "installedBy",
                                       "executionTime", NULL};
    for (const char *const *k = keys; *k; k++)
        if (!json_object_get(o, *k))
            fail_msg("info entry lacks %s", *k);
    assert_string_equal(json_string_value(json_object_get(o, "category")), "Versioned");
    assert_string_equal(json_string_value(json_object_get(o, "version")), "1.1");
    assert_string_equal(json_string_value(json_object_get(o, "state")), "Success");
    assert_string_equal(json_string_value(json_object_get(o, "installedOnUTC")),
                        "2026-01-02T03:04:05.678Z");
    assert_string_equal(json_string_value(json_object_get(o, "filepath")), "/m/V1.1__view.sql");
    assert_string_equal(json_string_value(json_object_get(o, "undoable")), "No");
    assert_int_equal(json_integer_value(json_object_get(o, "executionTime")), 7);
    json_decref(o);
}

static void test_error_json_object(void **state)
{
    (void)state;
    rw_fail(&err, RW_ERR_CHECKSUM_MISMATCH, "mismatch");
    snprintf(err.path, sizeof err.path, "/m/V1__a.sql");
    err.line = 4;
    json_t *o = report_error_object(&err);
    assert_string_equal(json_string_value(json_object_get(o, "errorCode")), "CHECKSUM_MISMATCH");
    assert_string_equal(json_string_value(json_object_get(o, "message")), "mismatch");
    assert_int_equal(json_integer_value(json_object_get(o, "lineNumber")), 4);
    assert_string_equal(json_string_value(json_object_get(o, "path")), "/m/V1__a.sql");
    json_decref(o);
    char *iso = report_iso_utc("2026-11-21 20:42:14");
    assert_string_equal(iso, "2026-11-21T20:42:14Z");
    free(iso);
    iso = report_iso_utc(NULL);
    assert_string_equal(iso, "");
    free(iso);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_pending_success_failed),
        T(test_missing_future_and_ignored),
        T(test_out_of_order_row),
        T(test_repeatables_outdated_superseded),
        T(test_baseline_states),
        T(test_below_baseline_entries_come_before_the_history_rows),
        T(test_the_baseline_row_has_no_category_a_baseline_migration_has),
        T(test_the_newest_baseline_row_sets_the_baseline),
        T(test_above_target),
        T(test_deleted_row),
        T(test_invalid_target),
        T(test_validate_checksum_mismatch),
        T(test_validate_ignore_patterns),
        T(test_info_json_entry),
        T(test_error_json_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
