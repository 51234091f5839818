/* export_file.c -- see export_file.h. */
#include "export_file.h"

#include <stdint.h>
#include <stdlib.h>

#include "till_frame.h"

int
export_write(FILE *f, const Till__V1__ExportRecord *rec)
{
  size_t len = till__v1__export_record__get_packed_size(rec);
  if (len < 1 || len > EXPORT_RECORD_MAX)
    return -1;
  uint8_t *buf = malloc(TILL_FRAME_HEADER + len);
  if (!buf)
    return -1;
  till_frame_put_header(buf, (uint32_t)len);
  till__v1__export_record__pack(rec, buf + TILL_FRAME_HEADER);
  int rc = fwrite(buf, 1, TILL_FRAME_HEADER + len, f) == TILL_FRAME_HEADER + len ? 0 : -1;
  free(buf);
  return rc;
}

int
export_read(FILE *f, Till__V1__ExportRecord **out, long long *offset, char *err, size_t errlen)
{
  uint8_t head[TILL_FRAME_HEADER];
  uint32_t len = 0;
  *out = NULL;
  size_t got = fread(head, 1, sizeof head, f);
  if (got == 0 && feof(f))
    return 0;
  if (got != sizeof head) {
    snprintf(err, errlen, "at byte %lld: the file ends inside a record's length", *offset);
    return -1;
  }
  till_frame_result_t fr = till_frame_check(head, sizeof head, EXPORT_RECORD_MAX, &len);
  if (fr == TILL_FRAME_EMPTY || fr == TILL_FRAME_TOO_LARGE) {
    snprintf(err, errlen, "at byte %lld: a record of %lu bytes (1 to %u allowed)", *offset,
             (unsigned long)len, EXPORT_RECORD_MAX);
    return -1;
  }
  uint8_t *buf = malloc(len);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (fread(buf, 1, len, f) != len) {
    free(buf);
    snprintf(err, errlen, "at byte %lld: the file ends inside a record of %lu bytes", *offset,
             (unsigned long)len);
    return -1;
  }
  *out = till__v1__export_record__unpack(NULL, len, buf);
  free(buf);
  if (!*out) {
    snprintf(err, errlen, "at byte %lld: a record that does not decode", *offset);
    return -1;
  }
  *offset += (long long)(TILL_FRAME_HEADER + len);
  return 1;
}
