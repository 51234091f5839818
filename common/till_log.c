/* till_log.c -- levelled logging to stderr; see till_log.h. */
#include "till_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile till_log_level_t min_level = LOG_INFO;

static const char *const level_names[] = {"debug", "info", "notice", "warn", "err"};

void
till_log_set_level(till_log_level_t min)
{
  min_level = min;
}

int
till_log_parse_level(const char *s, till_log_level_t *out)
{
  for (int i = 0; i <= LOG_ERR; i++) {
    if (strcmp(s, level_names[i]) == 0) {
      *out = (till_log_level_t)i;
      return 0;
    }
  }
  return -1;
}

void
till_log(till_log_level_t lvl, const char *domain, const char *fmt, ...)
{
  if (lvl < min_level || lvl > LOG_ERR)
    return;
  char buf[1024];
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  int n = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ [%s] %s: ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                   tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, level_names[lvl], domain);
  if (n < 0)
    return;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
  if (len > sizeof buf - 2)
    len = sizeof buf - 2;
  buf[len++] = '\n';
  ssize_t w = write(STDERR_FILENO, buf, len);
  (void)w;
}
