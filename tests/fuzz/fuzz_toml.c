/*
 * The flyway.toml parser: any text parses or fails with origin:line, and a
 * parsed document can be walked and printed as the config loader does.
 */
#include "core/toml.h"
#include "fuzz.h"

/* Visits every value as config_load_toml() would, with a depth bound like its own. */
static void fuzz_toml_walk(const toml_value *v, int depth)
{
    FUZZ_CHECK(depth < 10000);
    strbuf sb = STRBUF_INIT;
    bool scalar = toml_to_string(v, &sb);
    FUZZ_CHECK(scalar == (v->type != TOML_TABLE));
    sb_free(&sb);
    toml_type_name(v->type);
    if (v->type == TOML_TABLE) {
        for (size_t i = 0; i < v->len; i++) {
            FUZZ_CHECK(v->keys[i] != NULL);
            FUZZ_CHECK(toml_table_get(v, v->keys[i]) != NULL);
        }
    }
    if (v->type == TOML_TABLE || v->type == TOML_ARRAY)
        for (size_t i = 0; i < v->len; i++)
            fuzz_toml_walk(v->items[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    toml_value *root = NULL;
    rw_err e;
    rw_err_clear(&e);
    if (toml_parse(text, size, "fuzz.toml", &root, &e) == RW_OK) {
        FUZZ_CHECK(root != NULL && root->type == TOML_TABLE);
        fuzz_toml_walk(root, 0);
        toml_path(root, "flyway.locations");
        toml_path(root, "environments.default.url");
        toml_free(root);
    } else {
        FUZZ_CHECK(strstr(e.msg, "fuzz.toml") != NULL);
    }
    free(text);
    return 0;
}
