/* fuzz_export.c -- `till audit verify --file` on any file: export_verify
 * reads records of any length, damaged headers and records, transactions
 * with any ids, hashes and entries, signed heads anywhere. It must answer
 * verified or not, and never crash, hang or leak. The seeds in
 * corpus/export are real exports kept from tests/integ/test_audit_export.sh
 * (KEEP_TMP=1): a signed run, an unsigned one, an empty one, and one with an
 * amount edited (formats before the header was signed: they stop at the
 * header); and two in today's format, whose header carries the server's
 * signed snapshot and the ledger's keys, so the fuzzer starts past it:
 * snapshot_run, the whole-ledger export all.tex of
 * tests/integ/test_audit_export_header.sh (one key), and snapshot_rotated,
 * all.tillx of tests/integ/test_key_rotation.sh (three keys, each endorsed
 * by the one before, signatures under each). To remake them after the
 * format changes: KEEP_TMP=1 on those tests, copy the files, and check
 * each with `till audit verify --file` (tests/fuzz/make_seeds.py writes
 * the other targets' seeds, not these). */
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
