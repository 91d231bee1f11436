/* Unit tests for util.c: string buffers, lists, edit distance, arenas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"

static void test_strbuf_grows(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < 1000; i++)
        sb_addf(&sb, "%d,", i);
    assert_int_equal(strncmp(sb_str(&sb), "0,1,2,", 6), 0);
    assert_true(sb.len > 3000);
    sb_free(&sb);
    assert_string_equal(sb_str(&sb), "");
}

static void test_strlist_split_trims(void **state)
{
    (void)state;
    strlist l = {0};
    strlist_split(&l, " a, b ,,c ", ',');
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[0], "a");
    assert_string_equal(l.items[1], "b");
    assert_string_equal(l.items[2], "c");
    strlist_free(&l);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(rw_edit_distance("locations", "location"), 1);
    assert_int_equal(rw_edit_distance("url", "url"), 0);
    assert_int_equal(rw_edit_distance("", "abc"), 3);
}

/* Values Flyway's lock keys are built from (computed with Java). */
/* Pieces are aligned, never move, and a large one gets its own chunk without spoiling the rest. */
static void test_arena_pieces_stay_put(void **state)
{
    (void)state;
    rw_arena a = {0};
    char *first = arena_alloc(&a, 3);
    memcpy(first, "ab", 3);
    char *pieces[2000];
    for (int i = 0; i < 2000; i++) {
        pieces[i] = arena_alloc(&a, 37);
        assert_int_equal((uintptr_t)pieces[i] % sizeof(void *), 0);
        snprintf(pieces[i], 37, "piece %d", i);
    }
    char *big = arena_alloc(&a, 100000);
    memset(big, 'x', 100000);
    char *after = arena_alloc(&a, 8);
    memcpy(after, "after", 6);
    assert_string_equal(first, "ab");
    for (int i = 0; i < 2000; i++) {
        char want[37];
        snprintf(want, sizeof want, "piece %d", i);
        assert_string_equal(pieces[i], want);
    }
    assert_string_equal(after, "after");
    arena_free(&a);
    assert_null(a.chunks);
    arena_free(&a); /* twice is harmless */
}

static void test_java_string_hash(void **state)
{
    (void)state;
    assert_int_equal(rw_java_string_hash("\"public\".\"flyway_schema_history\""), 2125624436);
    assert_int_equal(rw_java_string_hash("`mydb`.`flyway_schema_history`"), 278632207);
    assert_int_equal(rw_java_string_hash("`test`.`flyway_schema_history`"), -562162009);
    assert_int_equal(rw_java_string_hash(""), 0);
}

static void test_executable_dir_is_the_test_binary_folder(void **state)
{
    (void)state;
    char dir[4096], self[4096 + 16];
    assert_true(rw_executable_dir(dir, sizeof dir));
    snprintf(self, sizeof self, "%s/test_util", dir);
    assert_int_equal(access(self, X_OK), 0);
    assert_false(rw_executable_dir(dir, 2)); /* too small a buffer is a failure, not a cut */
}

/* Sizes around the first read's room (64 KB) and well past it come back whole. */
static void test_read_regular_file_whole_at_every_size(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_util.XXXXXX";
    assert_non_null(mkdtemp(dir));
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    const size_t sizes[] = {0, 1, 65534, 65535, 65536, 65537, 131071, 300001};
    strbuf text = STRBUF_INIT;
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        char *want = malloc(n + 1);
        for (size_t i = 0; i < n; i++)
            want[i] = (char)('a' + (i * 7 + k) % 26);
        int fd = openat(dfd, "f.sql", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, want, n), (ssize_t)n);
        close(fd);
        rw_err e;
        rw_err_clear(&e);
        sb_reset(&text); /* the buffer is kept from file to file, as the scan does */
        assert_int_equal(rw_read_regular_file_at(dfd, "f.sql", "f.sql", &text, &e), RW_OK);
        assert_int_equal(text.len, n);
        assert_memory_equal(text.buf, want, n);
        assert_int_equal(text.buf[n], '\0');
        free(want);
    }
    rw_err e;
    rw_err_clear(&e);
    assert_int_not_equal(rw_read_regular_file_at(dfd, "missing.sql", "sql/missing.sql", &text, &e),
                         RW_OK);
    assert_non_null(strstr(e.msg, "sql/missing.sql"));
    sb_free(&text);
    unlinkat(dfd, "f.sql", 0);
    close(dfd);
    rmdir(dir);
}

/* tmpfs serves reads from the page cache; /proc answers them as it likes. */
static void test_fs_short_read_is_end(void **state)
{
    (void)state;
    int fd = open("/dev/shm", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_true(rw_fs_short_read_is_end(fd));
    close(fd);
    fd = open("/proc/self", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_false(rw_fs_short_read_is_end(fd));
    close(fd);
    assert_false(rw_fs_short_read_is_end(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strbuf_grows),
        cmocka_unit_test(test_strlist_split_trims),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_java_string_hash),
        cmocka_unit_test(test_arena_pieces_stay_put),
        cmocka_unit_test(test_executable_dir_is_the_test_binary_folder),
        cmocka_unit_test(test_read_regular_file_whole_at_every_size),
        cmocka_unit_test(test_fs_short_read_is_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
