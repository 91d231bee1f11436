/*
 * version.h - Flyway migration versions: "1_2" and "1.2" are the same
 * version; parts compare numerically, so 1.9 < 1.10, and trailing zero
 * parts do not count, so 1.1 == 1.01 == 1.1.0.
 */
#ifndef RUNWAY_VERSION_H
#define RUNWAY_VERSION_H

#include <stdint.h>

#include "core/util.h"

typedef struct rw_version {
    char *text;      /* as written, with '_' turned into '.' ("1.01") */
    char **parts;    /* digit strings without leading zeros ("1", "1") */
    uint32_t nparts; /* trailing zero parts dropped */
    bool in_arena;   /* the block belongs to an arena: version_free leaves it */
} rw_version;

/* Parses a version; on error fills e with Flyway's message. */
int version_parse(const char *text, rw_version *out, rw_err *e);
/* The same, with the version's memory taken from arena (freed with it). */
int version_parse_in(const char *text, rw_version *out, rw_arena *arena, rw_err *e);
/* <0, 0, >0 like strcmp; NULL sorts first (the empty version). */
int version_cmp(const rw_version *a, const rw_version *b);
bool version_eq(const rw_version *a, const rw_version *b);
void version_free(rw_version *v);
void version_copy(rw_version *dst, const rw_version *src);
bool version_is_set(const rw_version *v);

#endif
