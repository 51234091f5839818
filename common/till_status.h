/* till_status.h -- outcome codes shared by server and client.
 *
 * One value per protocol ErrorCode (proto/till.proto), in the same order, so a
 * status converts to the wire code by a plain cast. */
#ifndef TILL_STATUS_H
#define TILL_STATUS_H

typedef enum {
  TILL_OK = 0,
  TILL_E_INVALID = 1,       /* ERR_INVALID_ARGUMENT */
  TILL_E_UNAUTH = 2,        /* ERR_UNAUTHENTICATED */
  TILL_E_DENIED = 3,        /* ERR_PERMISSION_DENIED */
  TILL_E_NOT_FOUND = 4,     /* ERR_NOT_FOUND */
  TILL_E_PRECONDITION = 5,  /* ERR_FAILED_PRECONDITION */
  TILL_E_CONFLICT = 6,      /* ERR_CONFLICT */
  TILL_E_EXHAUSTED = 7,     /* ERR_RESOURCE_EXHAUSTED */
  TILL_E_UNAVAILABLE = 8,   /* ERR_UNAVAILABLE */
  TILL_E_INTERNAL = 9,      /* ERR_INTERNAL */
} till_status_t;

/* Short lower-case name of a status ("invalid argument"), never NULL. */
const char *till_status_name(till_status_t st);

#endif
