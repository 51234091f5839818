/* toll_price.c -- classes, prices, plates and the holiday rule of a toll
 * lane; see toll_price.h and docs/tolls.md. */
#include "toll_price.h"

#include <string.h>

static const char *const classes[TOLL_CLASSES] = {
  "p1", "p2", "p3", "p4", "t1", "t2", "t3", "t4", "t5", "t6", "s1", "s2", "s3", "s4", "s5", "s6",
};

int
toll_class_index(const char *code)
{
  if (!code)
    return -1;
  for (int i = 0; i < TOLL_CLASSES; i++)
    if (strcmp(classes[i], code) == 0)
      return i;
  return -1;
}

const char *
toll_class_code(int index)
{
  return index >= 0 && index < TOLL_CLASSES ? classes[index] : NULL;
}

int
toll_price(const toll_trip_t *t, int64_t *fen)
{
  if (t->rate_e4 < 0 || t->rate_e4 > TOLL_RATE_MAX || t->axle_rate_e4 < 0 ||
      t->axle_rate_e4 > TOLL_RATE_MAX || t->meters < 1 || t->meters > TOLL_METERS_MAX ||
      t->axles < TOLL_AXLES_MIN || t->axles > TOLL_AXLES_MAX || t->min_fee < 0 ||
      t->min_fee > TOLL_FEE_MAX)
    return -1;
  int extra = t->axles > TOLL_AXLES_BASE ? t->axles - TOLL_AXLES_BASE : 0;
  /* at most (1e8 + 14 × 1e8) × 1e7 = 1.5e16 < 9.2e18 */
  int64_t rate = t->rate_e4 + (int64_t)extra * t->axle_rate_e4;
  int64_t exact = rate * t->meters;               /* 10^-7 yuan */
  int64_t yuan = (exact + 5000000) / 10000000;    /* the one rounding, half up */
  int64_t v = yuan * 100;
  *fen = v < t->min_fee ? t->min_fee : v;
  return 0;
}

/* The province characters of civil plates (the 31 of the mainland). */
static const char *const provinces[] = {
  "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
  "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼",
};

static int
plate_letter(char c)
{
  return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

int
toll_plate_ok(const char *plate)
{
  if (!plate)
    return 0;
  size_t n = strlen(plate);
  /* every province character is 3 bytes of UTF-8 */
  if (n != 3 + 1 + 5 && n != 3 + 1 + 6)
    return 0;
  int province = 0;
  for (size_t i = 0; i < sizeof provinces / sizeof provinces[0]; i++)
    if (memcmp(plate, provinces[i], 3) == 0)
      province = 1;
  if (!province || !plate_letter(plate[3]))
    return 0;
  const char *rest = plate + 4;
  size_t m = n - 4;
  for (size_t i = 0; i < m; i++)
    if (!plate_letter(rest[i]) && !(rest[i] >= '0' && rest[i] <= '9'))
      return 0;
  if (m == 6) {
    int first = rest[0] == 'D' || rest[0] == 'F', last = rest[5] == 'D' || rest[5] == 'F';
    if (!first && !last)
      return 0;
  }
  return 1;
}

int
toll_holiday_free(int class_index, int seats, int exit_is_holiday)
{
  return class_index == 0 && seats >= 1 && seats <= 7 && exit_is_holiday;
}
