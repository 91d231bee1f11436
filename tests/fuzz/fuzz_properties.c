/*
 * The flyway.conf (Java properties) parser: any text loads or fails with a
 * message naming the file, and what loaded reads back.
 */
#include "core/config.h"
#include "fuzz.h"

static void fuzz_properties_visit(void *ud, const char *key, const char *value)
{
    (void)value;
    *(size_t *)ud += strlen(key);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    rw_config *cfg = config_new();
    rw_err e;
    rw_err_clear(&e);
    if (config_load_properties(cfg, text, size, "fuzz.conf", CFG_SRC_FILE, &e) == RW_OK) {
        strlist locations = {0};
        config_get_list(cfg, "locations", &locations);
        strlist_free(&locations);
        size_t n = 0;
        config_each_prefix(cfg, "placeholders.", fuzz_properties_visit, &n);
        config_get_bool(cfg, "outOfOrder");
        config_get_long(cfg, "connectRetries");
        const char *url = config_get(cfg, "url");
        if (url)
            free(config_redact_url(url));
    } else {
        FUZZ_CHECK(strstr(e.msg, "fuzz.conf") != NULL || e.path[0] != '\0');
    }
    config_free(cfg);
    free(text);
    return 0;
}
