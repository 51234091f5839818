/* fuzz_export.c -- `till audit verify --file` on any file: export_verify
 * reads records of any length, damaged headers and records, transactions
 * with any ids, hashes and entries, signed heads anywhere. It must answer
 * verified or not, and never crash, hang or leak. The seeds in
 * corpus/export are real exports kept from tests/integ/test_audit_export.sh
 * (KEEP_TMP=1): a signed run, an unsigned one, an empty one, and one with an
 * amount edited; and snapshot_run, an export whose header carries the
 * server's signed snapshot (issue 22). */
#include <stdint.h>
#include <stdio.h>

#include "export_file.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0; /* fmemopen refuses an empty buffer; an empty file is tested elsewhere */
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f)
    return 0;
  export_check_t c;
  export_verify(f, NULL, NULL, 1, &c);
  verifier_free(c.v);
  fclose(f);
  return 0;
}
