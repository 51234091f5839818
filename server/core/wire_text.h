/* wire_text.h -- every string in a request, checked on the wire.
 *
 * protobuf-c hands string fields to C as NUL-terminated copies, so a string
 * with a NUL byte inside would reach the handlers cut short ("lena\0x"
 * would read as "lena"). This walks the encoded message itself, using the
 * generated descriptors, and refuses any string field, at any depth, that
 * holds a NUL byte or is not valid UTF-8. Handlers still apply their own
 * rules (length, identifier characters, control characters). */
#ifndef TILL_WIRE_TEXT_H
#define TILL_WIRE_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/* Nesting deeper than this is refused; Till's messages nest three deep. */
#define WIRE_TEXT_MAX_DEPTH 16

/* 0 if every string field of the encoded message <buf>[0..len) of type <d>
 * is valid UTF-8 without NUL; otherwise -1 with a message naming the field
 * in <why>. The buffer must already have been unpacked successfully by
 * protobuf-c; unknown fields are skipped. */
int wire_text_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len,
                    char *why, size_t why_len);

#endif
