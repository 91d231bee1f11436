/*
 * Version parsing and ordering: two versions (split at the first newline)
 * parse or fail with a message; parsed ones order consistently.
 */
#include "core/version.h"
#include "fuzz.h"

static int fuzz_sign(int v) { return (v > 0) - (v < 0); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    char *nl = memchr(text, '\n', size);
    const char *second = "";
    if (nl) {
        *nl = '\0';
        second = nl + 1;
    }
    rw_version a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    rw_err e;
    rw_err_clear(&e);
    int ra = version_parse(text, &a, &e);
    if (ra != RW_OK)
        FUZZ_CHECK(e.msg[0] != '\0');
    rw_err_clear(&e);
    rw_arena arena = {0};
    int rb = version_parse_in(second, &b, &arena, &e);
    if (ra == RW_OK && rb == RW_OK) {
        int ab = version_cmp(&a, &b), ba = version_cmp(&b, &a);
        FUZZ_CHECK(fuzz_sign(ab) == -fuzz_sign(ba));
        FUZZ_CHECK(version_eq(&a, &b) == (ab == 0));
        FUZZ_CHECK(version_cmp(&a, &a) == 0);
        rw_version c;
        memset(&c, 0, sizeof c);
        version_copy(&c, &b);
        FUZZ_CHECK(version_eq(&c, &b));
        version_free(&c);
    }
    if (ra == RW_OK)
        version_free(&a);
    if (rb == RW_OK)
        version_free(&b);
    arena_free(&arena);
    free(text);
    return 0;
}
