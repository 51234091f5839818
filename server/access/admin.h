/* admin.h -- the admin's requests: users and terminals (add, list,
 * disable, enable; a user's lock-out lifted). Roles are enforced
 * by dispatch.c; these handlers validate input and write. */
#ifndef TILLD_ADMIN_H
#define TILLD_ADMIN_H

#include "request.h"
#include "store.h"

till_status_t admin_handle_user_add_prepare(req_t *r, store_conn_t *sc);
till_status_t admin_handle_user_add(req_t *r, store_conn_t *sc);
till_status_t admin_handle_user_list(req_t *r, store_conn_t *sc);
till_status_t admin_handle_user_disable(req_t *r, store_conn_t *sc);
till_status_t admin_handle_terminal_add(req_t *r, store_conn_t *sc);
till_status_t admin_handle_terminal_list(req_t *r, store_conn_t *sc);
till_status_t admin_handle_terminal_disable(req_t *r, store_conn_t *sc);
/* Writer phase: lift a lock-out or a disable; refused when there is none. */
till_status_t admin_handle_user_unlock(req_t *r, store_conn_t *sc);
till_status_t admin_handle_user_enable(req_t *r, store_conn_t *sc);
till_status_t admin_handle_terminal_enable(req_t *r, store_conn_t *sc);

#endif
