/* testkit.h -- the few helpers unit tests, test tools and benchmarks all
 * need: a scratch directory under $TMPDIR (with the path of a database in
 * it), removing it again, and an int64_t comparison for qsort.
 *
 * Plain libc only -- no cmocka, no Till modules -- so that bench/, which
 * bench/run builds with -DBUILD_TESTING=OFF, links it as freely as tests/
 * does, and neither depends on the other's internals. */
#ifndef TESTKIT_H
#define TESTKIT_H

#include <stddef.h>

/* qsort comparator for int64_t, ascending. */
int testkit_cmp_i64(const void *a, const void *b);

/* Make a fresh, empty directory "$TMPDIR/<prefix>-XXXXXX" (/tmp when TMPDIR
 * is unset or empty) and write its path into <dir> (<cap> bytes). 0, or -1
 * with errno set (ENAMETOOLONG when the path does not fit) and nothing
 * created. */
int testkit_tmpdir(const char *prefix, char *dir /* OUT */, size_t cap);

/* testkit_tmpdir, and <db> (<db_cap> bytes) gets "<dir>/till.db" -- the
 * file itself is not made: store_open_rw creates it. 0, or -1 with errno set
 * and nothing left behind. */
int testkit_tmpdb(const char *prefix, char *dir /* OUT */, size_t dir_cap, char *db /* OUT */,
                  size_t db_cap);

/* Remove <dir> and everything below it (links are removed, not followed).
 * A directory that does not exist is not an error. 0, or -1 if anything
 * could not be removed. */
int testkit_rm_tree(const char *dir);

#endif
