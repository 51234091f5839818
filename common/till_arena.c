/* till_arena.c -- bump allocator; see till_arena.h. */
#include "till_arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK 8192

struct till_arena_block {
  till_arena_block_t *next;
  size_t size, used;
  max_align_t data[];
};

void
till_arena_init(till_arena_t *a, size_t limit)
{
  a->head = NULL;
  a->total = 0;
  a->limit = limit;
}

void *
till_arena_alloc(till_arena_t *a, size_t n)
{
  /* rounding up and adding the block header must not wrap */
  if (n > SIZE_MAX - 15 - sizeof(till_arena_block_t))
    return NULL;
  n = (n + 15) & ~(size_t)15;
  if (n == 0)
    n = 16;
  if (a->limit && (n > a->limit || a->total > a->limit - n))
    return NULL;
  till_arena_block_t *b = a->head;
  if (!b || b->size - b->used < n) {
    size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    b = malloc(sizeof *b + size);
    if (!b)
      return NULL;
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
  }
  void *p = (char *)b->data + b->used;
  b->used += n;
  a->total += n;
  memset(p, 0, n);
  return p;
}

char *
till_arena_strdup(till_arena_t *a, const char *s)
{
  if (!s)
    s = "";
  size_t n = strlen(s);
  char *p = till_arena_alloc(a, n + 1);
  if (p)
    memcpy(p, s, n + 1);
  return p;
}

void
till_arena_clear(till_arena_t *a)
{
  till_arena_block_t *b = a->head;
  while (b) {
    till_arena_block_t *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->total = 0;
}
