/* wire_text.c -- see wire_text.h. */
#include "wire_text.h"

#include <stdio.h>
#include <string.h>

#include "till_util.h"

/* Read a base-128 varint at buf[*pos..len). 0, or -1 if cut short or over
 * ten bytes long. */
static int
read_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
  uint64_t v = 0;
  for (unsigned i = 0; i < 10; i++) {
    if (*pos >= len)
      return -1;
    uint8_t b = buf[(*pos)++];
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      *out = v;
      return 0;
    }
  }
  return -1;
}

static int
check_message(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, int depth,
              char *why, size_t why_len)
{
  if (depth > WIRE_TEXT_MAX_DEPTH) {
    snprintf(why, why_len, "message nests deeper than %d levels", WIRE_TEXT_MAX_DEPTH);
    return -1;
  }
  size_t pos = 0;
  while (pos < len) { /* each pass consumes at least one byte */
    uint64_t key, n;
    if (read_varint(buf, len, &pos, &key) != 0)
      goto malformed;
    switch (key & 7) {
    case 0: /* varint */
      if (read_varint(buf, len, &pos, &n) != 0)
        goto malformed;
      continue;
    case 1: /* fixed64 */
      if (len - pos < 8)
        goto malformed;
      pos += 8;
      continue;
    case 5: /* fixed32 */
      if (len - pos < 4)
        goto malformed;
      pos += 4;
      continue;
    case 2: /* length-delimited: string, bytes, message or packed numbers */
      if (read_varint(buf, len, &pos, &n) != 0 || n > len - pos)
        goto malformed;
      break;
    default: /* groups: not in proto3, and protobuf-c would have refused them */
      goto malformed;
    }
    const uint8_t *val = buf + pos;
    pos += (size_t)n;
    if (key >> 3 > UINT32_MAX)
      continue;
    const ProtobufCFieldDescriptor *f =
      protobuf_c_message_descriptor_get_field(d, (unsigned)(key >> 3));
    if (!f)
      continue; /* unknown field: protobuf-c keeps it aside, nobody reads it */
    if (f->type == PROTOBUF_C_TYPE_STRING) {
      if (memchr(val, 0, (size_t)n)) {
        snprintf(why, why_len, "%s contains a NUL byte", f->name);
        return -1;
      }
      if (!till_utf8_ok((const char *)val, (size_t)n)) {
        snprintf(why, why_len, "%s is not valid UTF-8 text", f->name);
        return -1;
      }
    } else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
      if (check_message(f->descriptor, val, (size_t)n, depth + 1, why, why_len) != 0)
        return -1;
    }
  }
  return 0;

malformed:
  snprintf(why, why_len, "%s is not a well-formed protobuf message", d->short_name);
  return -1;
}

int
wire_text_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len,
                char *why, size_t why_len)
{
  return check_message(d, buf, len, 0, why, why_len);
}
