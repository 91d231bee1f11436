/*
 * placeholder.h - ${name} replacement over a whole script before it is
 * parsed, with Flyway's case-insensitive lookup and flyway: built-ins.
 */
#ifndef RUNWAY_PLACEHOLDER_H
#define RUNWAY_PLACEHOLDER_H

#include "core/config.h"

typedef struct rw_placeholders {
    strlist names;     /* lower-cased */
    strlist values;
    char *prefix;
    char *suffix;
    char *separator;   /* between "flyway" and a built-in name */
    bool enabled;
} rw_placeholders;

/* Takes placeholders.*, prefix, suffix, separator and placeholderReplacement from cfg. */
void placeholders_init(rw_placeholders *p, const rw_config *cfg);
void placeholders_free(rw_placeholders *p);
/* Sets (or overrides) one value; name is matched case-insensitively. */
void placeholders_set(rw_placeholders *p, const char *name, const char *value);
/* Sets flyway:<name> using the configured separator. */
void placeholders_set_builtin(rw_placeholders *p, const char *name, const char *value);

/*
 * Replaces placeholders in text into out.  filename feeds ${flyway:filename}.
 * An undefined placeholder fails with e->path = path and e->line set.
 */
int placeholders_apply(const rw_placeholders *p, const char *text, size_t len, const char *path,
                       strbuf *out, rw_err *e);

#endif
