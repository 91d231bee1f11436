/*
 * jsonw.h - a streaming JSON writer that formats exactly as jansson's
 * json_dumps() does (JSON_INDENT(n) or JSON_COMPACT, insertion order), so
 * that a report written piece by piece as it is produced reads byte for
 * byte like the same report built whole and dumped.
 *
 * The writer keeps only its nesting state: a report of 10,000 migrations
 * costs what one entry costs, not the whole document.  Output goes to up
 * to two files at once (stdout and -outputFile).
 */
#ifndef RUNWAY_JSONW_H
#define RUNWAY_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

enum { JSONW_MAX_DEPTH = 32, JSONW_MAX_SINKS = 2 };

typedef struct jsonw {
    FILE *sink[JSONW_MAX_SINKS];
    int nsinks;
    int indent;                       /* spaces per level; 0 = compact */
    int depth;                        /* open containers */
    bool has_items[JSONW_MAX_DEPTH];  /* the container at each depth has a member */
    bool after_key;                   /* a key was written; its value comes next */
    bool failed;                      /* a write failed, or the nesting was wrong */
} jsonw;

/* A writer with no sinks; indent 0 writes jansson's JSON_COMPACT form. */
void jsonw_init(jsonw *w, int indent);
void jsonw_add_sink(jsonw *w, FILE *f);

void jsonw_begin_object(jsonw *w);
void jsonw_end_object(jsonw *w);
void jsonw_begin_array(jsonw *w);
void jsonw_end_array(jsonw *w);
/* The key of the next object member. */
void jsonw_key(jsonw *w, const char *key);

void jsonw_string(jsonw *w, const char *s);
void jsonw_integer(jsonw *w, json_int_t v);
void jsonw_bool(jsonw *w, bool v);
void jsonw_null(jsonw *w);
/* Any jansson value, written as json_dumps() would write it at this depth. */
void jsonw_value(jsonw *w, const json_t *v);
/*
 * The members of object o from the index-th on (0: all), written into the
 * object currently open: how a report built partly in memory is finished.
 */
void jsonw_members_from(jsonw *w, const json_t *o, size_t index);

/* A string jansson accepts: valid UTF-8 with no NUL. */
bool jsonw_utf8_valid(const char *s);

#endif
