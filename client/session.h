/* session.h -- the saved session token between `till` invocations.
 *
 * The file is "key = value" lines (server, user, terminal, token, expires),
 * written atomically with mode 0600; it is refused if others can read it. */
#ifndef TILL_SESSION_H
#define TILL_SESSION_H

#include <stddef.h>

typedef struct {
  char server[300];
  char user[65];
  char terminal[65];
  char token[65];
  long long expires;
} session_t;

/* 0 loaded, 1 no session file, -1 error (message in err). */
int session_load(const char *path, session_t *s, char *err, size_t errlen);
int session_save(const char *path, const session_t *s, char *err, size_t errlen);
/* Remove the file; 0 also when it did not exist. */
int session_remove(const char *path);

#endif
