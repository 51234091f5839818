/* till_frame.c -- frame header encode/check; see till_frame.h. */
#include "till_frame.h"

void
till_frame_put_header(uint8_t out[TILL_FRAME_HEADER], uint32_t len)
{
  out[0] = (uint8_t)(len >> 24);
  out[1] = (uint8_t)(len >> 16);
  out[2] = (uint8_t)(len >> 8);
  out[3] = (uint8_t)len;
}

till_frame_result_t
till_frame_check(const uint8_t *buf, size_t avail, uint32_t max, uint32_t *payload_len)
{
  if (avail < TILL_FRAME_HEADER)
    return TILL_FRAME_NEED_MORE;
  uint32_t len = ((uint32_t)buf[0] << 24) | ((uint32_t)buf[1] << 16) |
                 ((uint32_t)buf[2] << 8) | (uint32_t)buf[3];
  *payload_len = len;
  if (len == 0)
    return TILL_FRAME_EMPTY;
  if (len > max)
    return TILL_FRAME_TOO_LARGE;
  if (avail - TILL_FRAME_HEADER < len)
    return TILL_FRAME_NEED_MORE;
  return TILL_FRAME_OK;
}
