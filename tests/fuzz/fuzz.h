/*
 * fuzz.h - what every harness shares.  A harness defines
 * LLVMFuzzerTestOneInput; built with -fsanitize=fuzzer it is a libFuzzer
 * target, built with replay.c it replays saved inputs in the plain and
 * sanitizer test runs.  A broken invariant aborts, so both report it.
 */
#ifndef RUNWAY_FUZZ_H
#define RUNWAY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as the library sees file text: a copy with a NUL after it. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *text = xmalloc(size + 1);
    if (size)
        memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

/* Aborts with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);        \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

#endif
