/* audit_keys.h -- the auditor's trust in the ledger's signing keys: the
 * pinned key set (a PEM file of one or more Ed25519 public keys, from
 * 'till audit pubkey'), and the check of the keys a server or an export
 * lists: each later key endorsed by an earlier one (docs/ledger.md,
 * "Signing keys"), each pinned or endorsed by a key already trusted. A
 * rotation thus extends trust without a new pin, and 'till audit pubkey
 * --pin FILE' adds the endorsed keys to the file without dropping any. */
#ifndef TILL_AUDIT_KEYS_H
#define TILL_AUDIT_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "till.pb-c.h"
#include "verify.h"

#define AUDIT_KEYS_MAX 64

typedef struct audit_pins_s {
  uint8_t pub[AUDIT_KEYS_MAX][32];
  size_t n;
} audit_pins_t;

/* Every Ed25519 public key in PEM file <path>: 0, or -1 when the file cannot
 * be read, holds no key, or holds one that is not Ed25519. */
int audit_pins_load(const char *path, audit_pins_t *p);
/* 1 if <pub> is among <p>'s keys. */
int audit_pins_has(const audit_pins_t *p, const uint8_t pub[32]);

/* Check the ledger's keys <keys> (oldest first; when n is 0, the single key
 * <newest>, as an older server or export lists it) against <pins> (read
 * from file <pin_name>; NULL:
 * trust on first use, the first key trusted) and declare each to <v> (may
 * be NULL). The last key must be <newest>. 0, or -1 with <why> (English)
 * and <text> (translated) naming the key at fault. */
int audit_keys_check(Till__V1__ServerKey *const *keys, size_t n, const uint8_t newest[32],
                     const audit_pins_t *pins, const char *pin_name, verifier_t *v, char *why,
                     size_t whylen, char *text, size_t textlen);

/* Write <pub> as a PEM public key to <f>, after a comment line. 0 or -1. */
int audit_key_write_pem(FILE *f, const uint8_t pub[32], const char *comment);

#endif
