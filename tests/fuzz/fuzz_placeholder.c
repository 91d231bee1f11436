/*
 * Placeholder replacement.  The input is "name=value" lines, a line "--",
 * then the script; a first line starting "!" sets prefix and suffix
 * ("!<< >>").  Replacement succeeds or fails naming the line.
 */
#include "core/placeholder.h"
#include "fuzz.h"

/* Takes the next line of [*p, end) (without its newline) into a new string. */
static char *fuzz_line(const char **p, const char *end)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = nl ? nl : end;
    char *line = xstrndup(*p, (size_t)(stop - *p));
    *p = nl ? nl + 1 : end;
    return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    const char *p = text, *end = text + size;
    rw_config *cfg = config_new();
    while (p < end) {
        char *line = fuzz_line(&p, end);
        bool done = strcmp(line, "--") == 0;
        char *eq = strchr(line, '=');
        if (!done && line[0] == '!' && strchr(line, ' ')) {
            char *sp = strchr(line, ' ');
            *sp = '\0';
            config_set_raw(cfg, "placeholderPrefix", line + 1, CFG_SRC_CLI);
            config_set_raw(cfg, "placeholderSuffix", sp + 1, CFG_SRC_CLI);
        } else if (!done && eq) {
            *eq = '\0';
            char *key = xasprintf("placeholders.%s", line);
            config_set_raw(cfg, key, eq + 1, CFG_SRC_CLI);
            free(key);
        }
        free(line);
        if (done)
            break;
    }
    rw_placeholders ph;
    placeholders_init(&ph, cfg);
    placeholders_set_builtin(&ph, "filename", "V1__fuzz.sql");
    strbuf out = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    /* p is inside text, which has a NUL at end. */
    if (placeholders_apply(&ph, p, (size_t)(end - p), "V1__fuzz.sql", &out, &e) != RW_OK)
        FUZZ_CHECK(e.msg[0] != '\0' && e.line >= 1);
    sb_free(&out);
    placeholders_free(&ph);
    config_free(cfg);
    free(text);
    return 0;
}
