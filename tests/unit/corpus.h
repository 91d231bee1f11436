/*
 * corpus.h - where unit tests find the corpus of real migration sets:
 * $RUNWAY_CORPUS, else ../shared/corpus next to the source tree.  A clone
 * has no corpus, so a test that needs it is skipped; RUNWAY_REQUIRE_CORPUS=1
 * (set by .ci/run) makes that a failure instead.  Include after cmocka.h.
 */
#ifndef RUNWAY_TEST_CORPUS_H
#define RUNWAY_TEST_CORPUS_H

#include <stdlib.h>
#include <sys/stat.h>

#include "core/util.h"

/* The corpus directory (malloc'd), or NULL when there is none. */
static inline char *corpus_dir(void)
{
    const char *env = getenv("RUNWAY_CORPUS");
    const char *src = getenv("RUNWAY_SOURCE_DIR");
    char *dir = env && *env ? xstrdup(env) : xasprintf("%s/../shared/corpus", src ? src : ".");
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return dir;
    free(dir);
    return NULL;
}

/* Sets path to the corpus file rel (malloc'd), or skips (or fails) the test. */
#define CORPUS_FILE(path, rel)                                                                   \
    do {                                                                                         \
        char *dir_ = corpus_dir();                                                               \
        if (!dir_) {                                                                             \
            const char *req_ = getenv("RUNWAY_REQUIRE_CORPUS");                                  \
            if (req_ && strcmp(req_, "1") == 0)                                                  \
                fail_msg("no corpus (RUNWAY_CORPUS or ../shared/corpus), and "                   \
                         "RUNWAY_REQUIRE_CORPUS=1");                                             \
            print_message("skipped: no corpus (RUNWAY_CORPUS or ../shared/corpus)\n");          \
            skip();                                                                              \
        }                                                                                        \
        (path) = xasprintf("%s/%s", dir_, (rel));                                                \
        free(dir_);                                                                              \
    } while (0)

#endif
