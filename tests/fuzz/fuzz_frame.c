/* fuzz_frame.c -- the frame decoder and envelope unpacking, fed a byte
 * stream as the server's connection reads it: headers split anywhere,
 * lengths of 0, of the maximum and beyond, payloads that are not envelopes. */
#include <stdint.h>
#include <stdlib.h>

#include "till.pb-c.h"
#include "till_frame.h"

#define FUZZ_MAX_FRAME 4096u

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t pos = 0;
  /* bounded: every round consumes a header and its payload, or stops */
  while (pos < size) {
    uint32_t len = 0;
    till_frame_result_t fr = till_frame_check(data + pos, size - pos, FUZZ_MAX_FRAME, &len);
    if (fr != TILL_FRAME_OK)
      break;
    Till__V1__Envelope *env =
      till__v1__envelope__unpack(NULL, len, data + pos + TILL_FRAME_HEADER);
    if (env) {
      /* re-pack what was decoded: sizes must agree and nothing may crash */
      size_t n = till__v1__envelope__get_packed_size(env);
      uint8_t *out = malloc(n ? n : 1);
      if (out && till__v1__envelope__pack(env, out) != n)
        abort();
      free(out);
      till__v1__envelope__free_unpacked(env, NULL);
    }
    pos += TILL_FRAME_HEADER + len;
  }
  return 0;
}
