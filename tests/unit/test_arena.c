/* test_arena.c -- unit tests for common/till_arena.
 *
 * Covers zeroed and 16-byte aligned allocations, many small allocations that
 * cross block boundaries without overlapping, an allocation larger than a
 * block, strdup (including NULL -> ""), the limit (allocations past it fail,
 * earlier ones stay valid, the arena's accounting is unchanged by a failure),
 * clear-and-reuse, and requests so large that computing their rounded or
 * block size overflows size_t.
 *
 * The overflow cases run in a child process so that a broken allocator (one
 * that hands out a tiny block and then writes far past it) fails one test
 * instead of killing the whole run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "till_arena.h"

/* Under AddressSanitizer an impossible malloc() must return NULL, as it does
 * without ASan, instead of aborting: the arena reports out-of-memory as NULL
 * and these tests check that it does. Ignored in builds without ASan. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
  return "allocator_may_return_null=1";
}

static int
is_aligned16(const void *p)
{
  return ((uintptr_t)p & 15u) == 0;
}

static void
expect_zero(const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      fail_msg("byte %zu of %zu is 0x%02x, not zero", i, n, p[i]);
}

static void
test_init(void **state)
{
  (void)state;
  till_arena_t a;
  memset(&a, 0xa5, sizeof a);
  till_arena_init(&a, 0);
  assert_null(a.head);
  assert_int_equal(a.total, 0);
  assert_int_equal(a.limit, 0);
  till_arena_init(&a, 4096);
  assert_int_equal(a.limit, 4096);
  till_arena_clear(&a); /* clearing an empty arena is fine */
  assert_null(a.head);
}

static void
test_alloc_zeroed_aligned(void **state)
{
  (void)state;
  static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 32, 33, 100, 255, 1000, 4095 };
  till_arena_t a;
  till_arena_init(&a, 0);
  /* twice: the second round may get back memory the first one dirtied */
  for (int round = 0; round < 2; round++) {
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
      size_t n = sizes[i];
      unsigned char *p = till_arena_alloc(&a, n);
      assert_non_null(p);
      assert_true(is_aligned16(p));
      expect_zero(p, n);
      memset(p, 0xff, n); /* writable, and dirty for the next round */
    }
    till_arena_clear(&a);
  }
}

/* Thousands of odd-sized allocations span many blocks. Each is filled with a
 * pattern of its own; if any two overlapped, a pattern would be overwritten. */
static void
test_many_small_across_blocks(void **state)
{
  (void)state;
  enum { N = 4000 };
  static unsigned char *ptrs[N];
  till_arena_t a;
  till_arena_init(&a, 0);
  size_t asked = 0;
  for (size_t i = 0; i < N; i++) {
    size_t n = i % 61 + 1;
    ptrs[i] = till_arena_alloc(&a, n);
    assert_non_null(ptrs[i]);
    assert_true(is_aligned16(ptrs[i]));
    expect_zero(ptrs[i], n);
    memset(ptrs[i], (int)(i % 251) + 1, n);
    asked += n;
  }
  assert_true(a.total >= asked); /* ~70 KiB: well past one block */
  assert_true(a.total >= 64 * 1024);
  for (size_t i = 0; i < N; i++) {
    size_t n = i % 61 + 1;
    for (size_t k = 0; k < n; k++)
      if (ptrs[i][k] != (unsigned char)(i % 251 + 1))
        fail_msg("allocation %zu byte %zu was overwritten", i, k);
  }
  till_arena_clear(&a);
  assert_null(a.head);
  assert_int_equal(a.total, 0);
}

static void
test_alloc_larger_than_block(void **state)
{
  (void)state;
  till_arena_t a;
  till_arena_init(&a, 0);
  unsigned char *small1 = till_arena_alloc(&a, 100);
  assert_non_null(small1);
  memset(small1, 0x11, 100);

  size_t big_n = 100000;
  unsigned char *big = till_arena_alloc(&a, big_n);
  assert_non_null(big);
  assert_true(is_aligned16(big));
  expect_zero(big, big_n);
  memset(big, 0x22, big_n); /* all of it is ours (ASan checks) */

  unsigned char *small2 = till_arena_alloc(&a, 100);
  assert_non_null(small2);
  expect_zero(small2, 100);
  memset(small2, 0x33, 100);

  /* exactly one default block's worth and a bit more */
  unsigned char *b8k = till_arena_alloc(&a, 8192);
  assert_non_null(b8k);
  memset(b8k, 0x44, 8192);
  unsigned char *b8k1 = till_arena_alloc(&a, 8193);
  assert_non_null(b8k1);
  memset(b8k1, 0x55, 8193);

  for (size_t i = 0; i < 100; i++) {
    assert_int_equal(small1[i], 0x11);
    assert_int_equal(small2[i], 0x33);
  }
  for (size_t i = 0; i < big_n; i++)
    if (big[i] != 0x22)
      fail_msg("big allocation byte %zu overwritten", i);
  for (size_t i = 0; i < 8192; i++)
    assert_int_equal(b8k[i], 0x44);
  assert_true(a.total >= 100 + big_n + 100 + 8192 + 8193);
  till_arena_clear(&a);
}

static void
test_strdup(void **state)
{
  (void)state;
  till_arena_t a;
  till_arena_init(&a, 0);

  char src[] = "T-LANE-01 \xe6\x94\xb6\xe8\xb4\xb9";
  char *s = till_arena_strdup(&a, src);
  assert_non_null(s);
  assert_ptr_not_equal(s, src);
  assert_string_equal(s, src);
  src[0] = 'X'; /* a copy, not an alias */
  assert_int_equal(s[0], 'T');

  char *e = till_arena_strdup(&a, NULL);
  assert_non_null(e);
  assert_string_equal(e, "");
  char *e2 = till_arena_strdup(&a, "");
  assert_non_null(e2);
  assert_string_equal(e2, "");

  /* longer than a block */
  size_t n = 20000;
  char *longsrc = malloc(n + 1);
  assert_non_null(longsrc);
  for (size_t i = 0; i < n; i++)
    longsrc[i] = (char)('a' + i % 26);
  longsrc[n] = '\0';
  char *l = till_arena_strdup(&a, longsrc);
  assert_non_null(l);
  assert_string_equal(l, longsrc);
  free(longsrc);

  assert_string_equal(s, "T-LANE-01 \xe6\x94\xb6\xe8\xb4\xb9");
  till_arena_clear(&a);
}

static void
test_limit(void **state)
{
  (void)state;
  till_arena_t a;
  till_arena_init(&a, 1024);

  unsigned char *p1 = till_arena_alloc(&a, 512);
  assert_non_null(p1);
  memset(p1, 0x61, 512);
  char *s = till_arena_strdup(&a, "kept");
  assert_non_null(s);
  unsigned char *p2 = till_arena_alloc(&a, 496);
  assert_non_null(p2);
  memset(p2, 0x62, 496);
  assert_true(a.total <= 1024);

  /* the arena is now full: nothing more fits, however small */
  size_t total = a.total;
  assert_null(till_arena_alloc(&a, 16));
  assert_null(till_arena_alloc(&a, 1));
  assert_null(till_arena_alloc(&a, 0));
  assert_null(till_arena_alloc(&a, 1024));
  assert_null(till_arena_strdup(&a, "x"));
  assert_null(till_arena_strdup(&a, NULL));
  assert_int_equal(a.total, total); /* failures hand nothing out */

  /* earlier allocations are untouched and still usable */
  for (size_t i = 0; i < 512; i++)
    assert_int_equal(p1[i], 0x61);
  for (size_t i = 0; i < 496; i++)
    assert_int_equal(p2[i], 0x62);
  assert_string_equal(s, "kept");
  memset(p1, 0x63, 512);
  till_arena_clear(&a);

  /* a single request over the limit fails; one of exactly the limit fits */
  till_arena_init(&a, 1024);
  assert_null(till_arena_alloc(&a, 1025));
  assert_null(till_arena_alloc(&a, 4096));
  assert_null(till_arena_alloc(&a, 100000));
  assert_int_equal(a.total, 0);
  unsigned char *all = till_arena_alloc(&a, 1024);
  assert_non_null(all);
  memset(all, 0x64, 1024);
  assert_null(till_arena_alloc(&a, 1));
  till_arena_clear(&a);

  /* a limit larger than a block spans several blocks */
  till_arena_init(&a, 20000);
  size_t got = 0;
  while (till_arena_alloc(&a, 1000) != NULL)
    got += 1000;
  assert_true(got >= 19000 && got <= 20000);
  assert_true(a.total <= 20000);
  till_arena_clear(&a);
}

static void
test_clear_and_reuse(void **state)
{
  (void)state;
  till_arena_t a;
  till_arena_init(&a, 4096);
  for (int round = 0; round < 5; round++) {
    size_t n = 0;
    unsigned char *p;
    while ((p = till_arena_alloc(&a, 256)) != NULL) {
      expect_zero(p, 256);
      memset(p, 0xee, 256);
      n++;
    }
    assert_int_equal(n, 16); /* the limit survives clear */
    till_arena_clear(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
    assert_int_equal(a.limit, 4096);
  }
  till_arena_clear(&a); /* twice in a row is fine */
  char *s = till_arena_strdup(&a, "again");
  assert_non_null(s);
  assert_string_equal(s, "again");
  till_arena_clear(&a);
}

/* ---- requests too large to represent ---- */

enum { CHILD_NULL = 0, CHILD_NON_NULL = 42 };

/* In a child: after one small allocation, ask for <n> bytes from an arena with
 * <limit>. Returns a description of what happened. */
static const char *
alloc_in_child(size_t limit, size_t n)
{
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* cmocka's handlers would longjmp back into the test runner inside the
     * child; a crash here must end the child. */
    static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
      signal(sigs[i], SIG_DFL);
    till_arena_t a;
    till_arena_init(&a, limit);
    if (!till_arena_alloc(&a, 32))
      _exit(3);
    void *p = till_arena_alloc(&a, n);
    _exit(p == NULL ? CHILD_NULL : CHILD_NON_NULL);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NULL)
    return NULL;
  if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NON_NULL)
    return "returned a pointer";
  if (WIFSIGNALED(status))
    return WTERMSIG(status) == SIGSEGV ? "crashed (SIGSEGV)" : "crashed (signal)";
  return "crashed (sanitizer or other exit)";
}

/* Regression: rounding n up to 16 wrapped to 0 for n > SIZE_MAX - 15, and the
 * block size sizeof(header) + n wrapped for n near SIZE_MAX, so a request no
 * allocator can satisfy got a tiny block (and memset wrote past it). */
static void
test_alloc_size_overflow(void **state)
{
  (void)state;
  static const struct {
    size_t limit, n;
  } cases[] = {
    { 0, SIZE_MAX },
    { 0, SIZE_MAX - 7 },
    { 0, SIZE_MAX - 14 },
    { 0, SIZE_MAX - 15 },
    { 0, SIZE_MAX - 31 },
    { 0, SIZE_MAX - 63 },
    { 0, SIZE_MAX / 2 },
    /* a limit must not let a wrapped size through either */
    { 1024, SIZE_MAX },
    { 1024, SIZE_MAX - 14 },
    { SIZE_MAX, SIZE_MAX },
  };
  int failures = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *what = alloc_in_child(cases[i].limit, cases[i].n);
    if (what) {
      print_error("alloc(SIZE_MAX - %zu) with limit %zu %s instead of NULL\n",
                  SIZE_MAX - cases[i].n, cases[i].limit, what);
      failures++;
    }
  }
  assert_int_equal(failures, 0);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_init),
    cmocka_unit_test(test_alloc_zeroed_aligned),
    cmocka_unit_test(test_many_small_across_blocks),
    cmocka_unit_test(test_alloc_larger_than_block),
    cmocka_unit_test(test_strdup),
    cmocka_unit_test(test_limit),
    cmocka_unit_test(test_clear_and_reuse),
    cmocka_unit_test(test_alloc_size_overflow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
