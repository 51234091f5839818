/* session.c -- the session token file; see session.h. Its messages are in
 * the user's language; the file itself is not. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "till_conf.h"

int
session_load(const char *path, session_t *s, char *err, size_t errlen)
{
  struct stat sb;
  memset(s, 0, sizeof *s);
  if (stat(path, &sb) != 0)
    return errno == ENOENT ? 1 : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1);
  if (sb.st_mode & 077) {
    snprintf(err, errlen, _("%s: readable by others (mode %03o); remove it and log in again"), path,
             (unsigned)(sb.st_mode & 0777));
    return -1;
  }
  till_conf_t *conf = till_conf_load(path, err, errlen);
  if (!conf)
    return -1;
  for (size_t i = 0; i < conf->n; i++) {
    const char *k = conf->entries[i].key, *v = conf->entries[i].value;
    if (strcmp(k, "server") == 0)
      snprintf(s->server, sizeof s->server, "%s", v);
    else if (strcmp(k, "user") == 0)
      snprintf(s->user, sizeof s->user, "%s", v);
    else if (strcmp(k, "terminal") == 0)
      snprintf(s->terminal, sizeof s->terminal, "%s", v);
    else if (strcmp(k, "token") == 0)
      snprintf(s->token, sizeof s->token, "%s", v);
    else if (strcmp(k, "expires") == 0)
      s->expires = atoll(v);
  }
  till_conf_free(conf);
  return 0;
}

int
session_save(const char *path, const session_t *s, char *err, size_t errlen)
{
  char tmp[1100];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return -1;
  }
  if (fchmod(fd, 0600) != 0) {
    snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    close(fd);
    return -1;
  }
  FILE *f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return -1;
  }
  fprintf(f, "# till session; keep private\nserver = %s\nuser = %s\nterminal = %s\n"
             "token = %s\nexpires = %lld\n",
          s->server, s->user, s->terminal, s->token, s->expires);
  if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
    fclose(f);
    snprintf(err, errlen, _("%s: write failed"), tmp);
    return -1;
  }
  fclose(f);
  if (rename(tmp, path) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

int
session_remove(const char *path)
{
  if (unlink(path) != 0 && errno != ENOENT)
    return -1;
  return 0;
}
