/*
 * toml.h - a strict parser for the TOML that flyway.toml files use:
 * tables, dotted keys, basic/literal/multi-line strings, integers, floats,
 * booleans, arrays and inline tables, comments.  Dates and arrays of
 * tables are rejected with a clear error.  Every error names file:line.
 */
#ifndef RUNWAY_TOML_H
#define RUNWAY_TOML_H

#include "core/util.h"

typedef enum { TOML_STRING, TOML_INTEGER, TOML_FLOAT, TOML_BOOL, TOML_ARRAY, TOML_TABLE } toml_type;

typedef struct toml_value toml_value;
struct toml_value {
    toml_type type;
    int line;                 /* where the value (or table header) starts */
    char *text;               /* strings: the decoded value; numbers, booleans: as written */
    long long integer;
    bool boolean;
    toml_value **items;       /* arrays: elements; tables: values */
    char **keys;              /* tables: keys, parallel to items */
    size_t len;
    bool explicit_header;     /* tables: defined by a [header] */
    bool sealed;              /* inline tables and tables with values set by dotted keys */
};

/* Parses text; origin (the file name) prefixes error messages as origin:line. */
int toml_parse(const char *text, size_t len, const char *origin, toml_value **out, rw_err *e);
void toml_free(toml_value *v);

/* The value of key in table (one segment, no dots), or NULL. */
const toml_value *toml_table_get(const toml_value *table, const char *key);
/* Follows a dotted path of plain segments ("environments.prod"), or NULL. */
const toml_value *toml_path(const toml_value *root, const char *path);
/* A scalar as text, an array as its elements joined by commas.  False for tables. */
bool toml_to_string(const toml_value *v, strbuf *out);
const char *toml_type_name(toml_type t);

#endif
