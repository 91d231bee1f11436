/*
 * replay.c - a main() for the harnesses outside libFuzzer: runs every file
 * given, or every file in every directory given, through
 * LLVMFuzzerTestOneInput once.  This is how the saved crash inputs and
 * seeds run in make test, in the plain and the sanitizer builds.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    strbuf sb = STRBUF_INIT;
    rw_err e;
    rw_err_clear(&e);
    if (rw_read_file(path, &sb, &e) != RW_OK) {
        fprintf(stderr, "replay: %s\n", e.msg);
        return -1;
    }
    /* A copy of exactly the file's bytes, so reading past them is caught. */
    uint8_t *data = xmalloc(sb.len ? sb.len : 1);
    if (sb.len)
        memcpy(data, sb.buf, sb.len);
    LLVMFuzzerTestOneInput(data, sb.len);
    free(data);
    sb_free(&sb);
    return 0;
}

static int replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order; returns how many ran, -1 on error. */
static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "replay: cannot open %s\n", dir);
        return -1;
    }
    strlist names = {0};
    struct dirent *ent;
    while ((ent = readdir(d)))
        if (ent->d_name[0] != '.')
            strlist_push(&names, ent->d_name);
    closedir(d);
    qsort(names.items, names.len, sizeof names.items[0], replay_cmp);
    int n = 0;
    for (size_t i = 0; i < names.len && n >= 0; i++) {
        char *path = xasprintf("%s/%s", dir, names.items[i]);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            n = replay_file(path) == 0 ? n + 1 : -1;
        free(path);
    }
    strlist_free(&names);
    return n;
}

int main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            return 1;
        }
        int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
        if (n < 0)
            return 1;
        total += n;
    }
    printf("replayed %d inputs\n", total);
    return total > 0 ? 0 : 1;
}
