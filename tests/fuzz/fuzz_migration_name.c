/*
 * Migration file names: any name is a migration, a callback, not a
 * migration, or invalid with a reason.  The first byte picks the naming
 * settings, the rest is the file name.
 */
#include "core/scan.h"
#include "fuzz.h"

static rw_config *fuzz_name_config(uint8_t pick)
{
    rw_config *cfg = config_new();
    if (pick & 1)
        config_set_raw(cfg, "sqlMigrationSuffixes", ".sql,.pgsql,", CFG_SRC_CLI);
    if (pick & 2)
        config_set_raw(cfg, "sqlMigrationSeparator", "-", CFG_SRC_CLI);
    if (pick & 4)
        config_set_raw(cfg, "sqlMigrationPrefix", "", CFG_SRC_CLI);
    if (pick & 8)
        config_set_raw(cfg, "repeatableSqlMigrationPrefix", "V", CFG_SRC_CLI);
    if (pick & 16)
        config_set_raw(cfg, "validateMigrationNaming", "true", CFG_SRC_CLI);
    return cfg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    rw_config *cfg = fuzz_name_config(data[0]);
    char *name = fuzz_text(data + 1, size - 1);
    rw_migration m;
    memset(&m, 0, sizeof m);
    char *event = NULL, *description = NULL;
    rw_err e;
    rw_err_clear(&e);
    scan_name_kind kind = scan_parse_name(cfg, name, &m, &event, &description, &e);
    switch (kind) {
    case NAME_MIGRATION:
        FUZZ_CHECK(m.description != NULL);
        FUZZ_CHECK(m.type == MIG_REPEATABLE || version_is_set(&m.version));
        migration_free(&m);
        break;
    case NAME_CALLBACK:
        FUZZ_CHECK(event != NULL);
        break;
    case NAME_INVALID:
        FUZZ_CHECK(e.msg[0] != '\0');
        migration_free(&m);
        break;
    case NAME_NOT_MIGRATION:
        break;
    }
    free(event);
    free(description);
    free(name);
    config_free(cfg);
    return 0;
}
