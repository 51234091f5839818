/* till_arena.h -- a bump allocator for building one message.
 *
 * Protobuf responses are trees of small allocations (strings copied out of
 * SQLite rows, repeated fields). Allocating them from an arena means the whole
 * tree is released with one till_arena_clear(). Not thread-safe: an arena
 * belongs to one request at a time. */
#ifndef TILL_ARENA_H
#define TILL_ARENA_H

#include <stddef.h>

typedef struct till_arena_block till_arena_block_t;

typedef struct {
  till_arena_block_t *head;
  size_t total;      /* bytes handed out so far */
  size_t limit;      /* 0: unlimited; otherwise allocations past it fail */
} till_arena_t;

void till_arena_init(till_arena_t *a, size_t limit);
/* Zeroed, 16-byte aligned memory, or NULL (out of memory or over limit). */
void *till_arena_alloc(till_arena_t *a, size_t n);
/* Copy of s (NUL-terminated), or NULL. A NULL s gives "". */
char *till_arena_strdup(till_arena_t *a, const char *s);
/* Release everything; the arena may be used again. */
void till_arena_clear(till_arena_t *a);

#endif
