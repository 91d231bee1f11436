/*
 * The shared AWS config and credentials files: every entry has a profile
 * and a lower-case key, values are trimmed and single-line, and a lookup
 * never answers an empty value.  (Profiles are only read here, never
 * resolved: resolving one may call STS or instance metadata.)
 */
#include <ctype.h>

#include "aws/credentials.h"
#include "fuzz.h"

static void check_entries(const aws_shared_files *files)
{
    for (size_t i = 0; i < files->len; i++) {
        const aws_ini_entry *entry = &files->items[i];
        FUZZ_CHECK(*entry->section && *entry->key);
        for (const char *k = entry->key; *k; k++)
            FUZZ_CHECK(!isupper((unsigned char)*k) && *k != '\n');
        size_t n = strlen(entry->value);
        FUZZ_CHECK(!strchr(entry->value, '\n') && !strchr(entry->value, '\r'));
        FUZZ_CHECK(n == 0 || (!isspace((unsigned char)entry->value[0]) &&
                              !isspace((unsigned char)entry->value[n - 1])));
        FUZZ_CHECK(aws_profile_exists(files, entry->section));
        const char *v = aws_profile_get(files, entry->section, entry->key);
        FUZZ_CHECK(v == NULL || *v != '\0');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    aws_shared_files files = {0};
    aws_shared_files_parse(&files, text, false);
    files.credentials_len = files.len;
    aws_shared_files_parse(&files, text, true);
    check_entries(&files);
    aws_shared_files_free(&files);
    free(text);
    return 0;
}
