/* testkit.c -- see testkit.h. */
#define _XOPEN_SOURCE 700 /* nftw(3) is XSI: the build asks for POSIX only */
#include "testkit.h"

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int
testkit_cmp_i64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int
testkit_tmpdir(const char *prefix, char *dir, size_t cap)
{
  const char *tmp = getenv("TMPDIR");
  int n = snprintf(dir, cap, "%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
  if (n < 0 || (size_t)n >= cap) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return mkdtemp(dir) ? 0 : -1;
}

int
testkit_tmpdb(const char *prefix, char *dir, size_t dir_cap, char *db, size_t db_cap)
{
  if (testkit_tmpdir(prefix, dir, dir_cap) != 0)
    return -1;
  int n = snprintf(db, db_cap, "%s/till.db", dir);
  if (n < 0 || (size_t)n >= db_cap) {
    rmdir(dir);
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb, (void)flag, (void)ftw;
  return remove(path) == 0 ? 0 : -1;
}

int
testkit_rm_tree(const char *dir)
{
  struct stat sb;
  if (lstat(dir, &sb) != 0 && errno == ENOENT)
    return 0;
  /* depth first, so a directory is empty by the time it is removed */
  return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}
