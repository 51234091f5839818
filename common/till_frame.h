/* till_frame.h -- the length-prefixed framing of the wire protocol.
 *
 * A frame is a 4-byte big-endian length N (1 <= N <= max) followed by N
 * bytes of payload (one till.v1.Envelope). This module only reads and writes
 * the header; it owns no buffers and does no I/O, so both the server's
 * evbuffer code and the client's blocking code use it. */
#ifndef TILL_FRAME_H
#define TILL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define TILL_FRAME_HEADER 4u
#define TILL_FRAME_DEFAULT_MAX (1024u * 1024u)   /* 1 MiB */
#define TILL_FRAME_LIMIT_MAX (64u * 1024u * 1024u) /* highest configurable max */

typedef enum {
  TILL_FRAME_OK = 0,        /* a whole frame is available */
  TILL_FRAME_NEED_MORE,     /* header or payload incomplete; wait for bytes */
  TILL_FRAME_EMPTY,         /* header announces length 0: protocol error */
  TILL_FRAME_TOO_LARGE,     /* header announces more than max: protocol error */
} till_frame_result_t;

/* Write the header for a payload of <len> bytes into out[0..3]. */
void till_frame_put_header(uint8_t out[TILL_FRAME_HEADER], uint32_t len);

/* Look at the first <avail> bytes of a stream. Sets *payload_len whenever the
 * header is complete (also for EMPTY/TOO_LARGE, for the log). Returns OK when
 * header and the whole payload are within <avail>. Never reads beyond avail. */
till_frame_result_t till_frame_check(const uint8_t *buf, size_t avail, uint32_t max,
                                     uint32_t *payload_len /* OUT */);

#endif
