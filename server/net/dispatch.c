/* dispatch.c -- request routing, authorisation in one place, response
 * packing; see dispatch.h. */
#include "dispatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "charge.h"
#include "continuity.h"
#include "hospital.h"
#include "ledger.h"
#include "report_monthly.h"
#include "ledger_query.h"
#include "meter.h"
#include "optout.h"
#include "payer.h"
#include "payment.h"
#include "refund.h"
#include "refund_hook.h"
#include "report_daily.h"
#include "sales.h"
#include "scheme.h"
#include "schema.h"
#include "shift.h"
#include "toll.h"
#include "till_frame.h"
#include "till_log.h"
#include "till_util.h"
#include "till_wire.h"
#include "waiver.h"
#include "wire_text.h"

/* The one context of this server: set by dispatch_init, the ledger by the
 * writer thread when it opens. */
static worker_t *g_worker;
static req_ctx_t g_ctx;
/* ---- tamper: why the start-up check refused the ledger ("": it passed);
 * set by the writer's open, before any other thread starts ---- */
static char g_refused[512];
/* ---- end of tamper ---- */

/* The table: who may do what, and where it runs. */
static const handler_t handlers[] = {
  {TILL__V1__ENVELOPE__BODY_LOGIN_REQ, TILL__V1__ENVELOPE__BODY_LOGIN_RESP, "login",
   ROLES_NONE, auth_handle_login_verify, auth_handle_login_commit},
  {TILL__V1__ENVELOPE__BODY_LOGOUT_REQ, TILL__V1__ENVELOPE__BODY_LOGOUT_RESP, "logout",
   ROLES_ANY, NULL, auth_handle_logout},
  {TILL__V1__ENVELOPE__BODY_WHOAMI_REQ, TILL__V1__ENVELOPE__BODY_WHOAMI_RESP, "whoami",
   ROLES_ANY, auth_handle_whoami, NULL},
  {TILL__V1__ENVELOPE__BODY_USER_ADD_REQ, TILL__V1__ENVELOPE__BODY_USER_ADD_RESP, "user add",
   ROLES_ADMIN, admin_handle_user_add_prepare, admin_handle_user_add},
  {TILL__V1__ENVELOPE__BODY_USER_LIST_REQ, TILL__V1__ENVELOPE__BODY_USER_LIST_RESP, "user list",
   ROLES_ADMIN, admin_handle_user_list, NULL},
  {TILL__V1__ENVELOPE__BODY_USER_DISABLE_REQ, TILL__V1__ENVELOPE__BODY_USER_DISABLE_RESP,
   "user disable", ROLES_ADMIN, NULL, admin_handle_user_disable},
  {TILL__V1__ENVELOPE__BODY_TERMINAL_ADD_REQ, TILL__V1__ENVELOPE__BODY_TERMINAL_ADD_RESP,
   "terminal add", ROLES_ADMIN, NULL, admin_handle_terminal_add},
  {TILL__V1__ENVELOPE__BODY_TERMINAL_LIST_REQ, TILL__V1__ENVELOPE__BODY_TERMINAL_LIST_RESP,
   "terminal list", ROLES_ADMIN, admin_handle_terminal_list, NULL},
  {TILL__V1__ENVELOPE__BODY_TERMINAL_DISABLE_REQ, TILL__V1__ENVELOPE__BODY_TERMINAL_DISABLE_RESP,
   "terminal disable", ROLES_ADMIN, NULL, admin_handle_terminal_disable},
  {TILL__V1__ENVELOPE__BODY_USER_UNLOCK_REQ, TILL__V1__ENVELOPE__BODY_USER_UNLOCK_RESP,
   "user unlock", ROLES_ADMIN, NULL, admin_handle_user_unlock},
  {TILL__V1__ENVELOPE__BODY_USER_ENABLE_REQ, TILL__V1__ENVELOPE__BODY_USER_ENABLE_RESP,
   "user enable", ROLES_ADMIN, NULL, admin_handle_user_enable},
  {TILL__V1__ENVELOPE__BODY_TERMINAL_ENABLE_REQ, TILL__V1__ENVELOPE__BODY_TERMINAL_ENABLE_RESP,
   "terminal enable", ROLES_ADMIN, NULL, admin_handle_terminal_enable},
  {TILL__V1__ENVELOPE__BODY_SERIES_ADD_REQ, TILL__V1__ENVELOPE__BODY_SERIES_ADD_RESP,
   "series add", ROLES_ADMIN, NULL, catalog_handle_series_add},
  {TILL__V1__ENVELOPE__BODY_SERIES_LIST_REQ, TILL__V1__ENVELOPE__BODY_SERIES_LIST_RESP,
   "series list", ROLES_ADMIN | ROLES_SUPERVISOR | ROLES_AUDITOR, catalog_handle_series_list, NULL},
  {TILL__V1__ENVELOPE__BODY_ITEM_ADD_REQ, TILL__V1__ENVELOPE__BODY_ITEM_ADD_RESP,
   "item add", ROLES_ADMIN, NULL, catalog_handle_item_add},
  {TILL__V1__ENVELOPE__BODY_ITEM_LIST_REQ, TILL__V1__ENVELOPE__BODY_ITEM_LIST_RESP,
   "item list", ROLES_ANY, catalog_handle_item_list, NULL},
  /* the ledger */
  {TILL__V1__ENVELOPE__BODY_SALE_REQ, TILL__V1__ENVELOPE__BODY_SALE_RESP, "sale",
   ROLES_CASHIER, NULL, sales_handle_sale},
  /* reading is for cashiers, supervisors and auditors; a reprint (counted,
   * so written) is checked again in the handler: cashiers and supervisors */
  {TILL__V1__ENVELOPE__BODY_RECEIPT_GET_REQ, TILL__V1__ENVELOPE__BODY_RECEIPT_GET_RESP,
   "receipt", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, sales_handle_receipt_read,
   sales_handle_receipt_reprint},
  {TILL__V1__ENVELOPE__BODY_VOID_REQUEST_REQ, TILL__V1__ENVELOPE__BODY_VOID_REQUEST_RESP,
   "void request", ROLES_CASHIER, NULL, sales_handle_void_request},
  {TILL__V1__ENVELOPE__BODY_VOID_DECIDE_REQ, TILL__V1__ENVELOPE__BODY_VOID_DECIDE_RESP,
   "void decide", ROLES_SUPERVISOR, NULL, sales_handle_void_decide},
  {TILL__V1__ENVELOPE__BODY_VOID_LIST_REQ, TILL__V1__ENVELOPE__BODY_VOID_LIST_RESP,
   "void list", ROLES_SUPERVISOR | ROLES_AUDITOR, sales_handle_void_list, NULL},
  /* shifts and deposits */
  {TILL__V1__ENVELOPE__BODY_SHIFT_OPEN_REQ, TILL__V1__ENVELOPE__BODY_SHIFT_OPEN_RESP,
   "shift open", ROLES_CASHIER, NULL, shift_handle_open},
  {TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_REQ, TILL__V1__ENVELOPE__BODY_SHIFT_STATUS_RESP,
   "shift status", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, shift_handle_status, NULL},
  {TILL__V1__ENVELOPE__BODY_SHIFT_CLOSE_REQ, TILL__V1__ENVELOPE__BODY_SHIFT_CLOSE_RESP,
   "shift close", ROLES_CASHIER, NULL, shift_handle_close},
  {TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_REQ, TILL__V1__ENVELOPE__BODY_SHIFT_APPROVE_RESP,
   "shift approve", ROLES_SUPERVISOR, NULL, shift_handle_approve},
  {TILL__V1__ENVELOPE__BODY_SHIFT_LIST_REQ, TILL__V1__ENVELOPE__BODY_SHIFT_LIST_RESP,
   "shift list", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, shift_handle_list, NULL},
  {TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_REQ, TILL__V1__ENVELOPE__BODY_DEPOSIT_CREATE_RESP,
   "deposit create", ROLES_SUPERVISOR, NULL, deposit_handle_create},
  {TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_REQ, TILL__V1__ENVELOPE__BODY_DEPOSIT_CONFIRM_RESP,
   "deposit confirm", ROLES_SUPERVISOR, NULL, deposit_handle_confirm},
  {TILL__V1__ENVELOPE__BODY_UNDEPOSITED_REQ, TILL__V1__ENVELOPE__BODY_UNDEPOSITED_RESP,
   "undeposited cash", ROLES_SUPERVISOR | ROLES_AUDITOR, deposit_handle_undeposited, NULL},
  /* ---- deplist: the deposits of a date and those in transit ---- */
  {TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_REQ, TILL__V1__ENVELOPE__BODY_DEPOSIT_LIST_RESP,
   "deposit list", ROLES_SUPERVISOR | ROLES_AUDITOR, deposit_handle_list, NULL},
  /* ---- end of deplist ---- */
  /* audit: auditors read the chain; supervisors sign a checkpoint */
  {TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_EXPORT_RESP,
   "audit export", ROLES_AUDITOR, audit_handle_export, NULL},
  {TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_HEADS_RESP,
   "audit heads", ROLES_AUDITOR, audit_handle_heads, NULL},
  {TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_RECEIPTS_RESP,
   "audit receipts", ROLES_AUDITOR | ROLES_SUPERVISOR, continuity_handle_receipts, NULL},
  {TILL__V1__ENVELOPE__BODY_AUDIT_TXN_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_TXN_RESP,
   "audit txn", ROLES_AUDITOR | ROLES_SUPERVISOR, audit_handle_txn, NULL},
  {TILL__V1__ENVELOPE__BODY_AUDIT_RANGE_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_RANGE_RESP,
   "audit range", ROLES_AUDITOR, audit_handle_range, NULL},
  {TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_REQ, TILL__V1__ENVELOPE__BODY_LEDGER_QUERY_RESP,
   "ledger query", ROLES_AUDITOR | ROLES_SUPERVISOR, ledger_query_handle, NULL},
  {TILL__V1__ENVELOPE__BODY_CHAIN_CHECKPOINT_REQ, TILL__V1__ENVELOPE__BODY_CHAIN_CHECKPOINT_RESP,
   "chain checkpoint", ROLES_SUPERVISOR, NULL, audit_handle_checkpoint},
  /* ---- tamper: an export's signed snapshot (signs the head, on the writer) ---- */
  {TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_SNAPSHOT_RESP,
   "audit snapshot", ROLES_AUDITOR, NULL, audit_handle_snapshot},
  /* ---- end of tamper ---- */
  /* ---- tamper: security events, read by auditors ---- */
  {TILL__V1__ENVELOPE__BODY_AUDIT_EVENTS_REQ, TILL__V1__ENVELOPE__BODY_AUDIT_EVENTS_RESP,
   "audit events", ROLES_AUDITOR, audit_handle_events, NULL},
  /* ---- end of tamper: security events ---- */
  /* reports: the monthly settlement is read by supervisors and auditors;
   * only a supervisor sets a cashier's target */
  {TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_REQ, TILL__V1__ENVELOPE__BODY_MONTHLY_REPORT_RESP,
   "monthly report", ROLES_SUPERVISOR | ROLES_AUDITOR, monthly_handle_report, NULL},
  {TILL__V1__ENVELOPE__BODY_TARGET_SET_REQ, TILL__V1__ENVELOPE__BODY_TARGET_SET_RESP,
   "target set", ROLES_SUPERVISOR, NULL, monthly_handle_target_set},
  /* reports: the daily close (日清); supervisors and auditors read, only a
   * supervisor closes the day (checked on a reader, signed on the writer) */
  {TILL__V1__ENVELOPE__BODY_DAILY_REPORT_REQ, TILL__V1__ENVELOPE__BODY_DAILY_REPORT_RESP,
   "daily report", ROLES_SUPERVISOR | ROLES_AUDITOR, report_daily_handle, NULL},
  {TILL__V1__ENVELOPE__BODY_DAY_CLOSE_REQ, TILL__V1__ENVELOPE__BODY_DAY_CLOSE_RESP,
   "day close", ROLES_SUPERVISOR, report_day_close_check, report_day_close_commit},
  {TILL__V1__ENVELOPE__BODY_DAY_STATUS_REQ, TILL__V1__ENVELOPE__BODY_DAY_STATUS_RESP,
   "day status", ROLES_SUPERVISOR | ROLES_AUDITOR, report_day_status_handle, NULL},
  /* ---- billing: payers ---- */
  /* admins manage payers; every role reads them */
  {TILL__V1__ENVELOPE__BODY_PAYER_ADD_REQ, TILL__V1__ENVELOPE__BODY_PAYER_ADD_RESP, "payer add",
   ROLES_ADMIN, NULL, payer_handle_add},
  {TILL__V1__ENVELOPE__BODY_PAYER_SHOW_REQ, TILL__V1__ENVELOPE__BODY_PAYER_SHOW_RESP, "payer show",
   ROLES_ANY, payer_handle_show, NULL},
  {TILL__V1__ENVELOPE__BODY_PAYER_IMPORT_REQ, TILL__V1__ENVELOPE__BODY_PAYER_IMPORT_RESP,
   "payer import", ROLES_ADMIN, NULL, payer_handle_import},
  {TILL__V1__ENVELOPE__BODY_PAYER_EDIT_REQ, TILL__V1__ENVELOPE__BODY_PAYER_EDIT_RESP, "payer edit",
   ROLES_ADMIN, NULL, payer_handle_edit},
  {TILL__V1__ENVELOPE__BODY_PAYER_LIST_REQ, TILL__V1__ENVELOPE__BODY_PAYER_LIST_RESP, "payer list",
   ROLES_ANY, payer_handle_list, NULL},
  {TILL__V1__ENVELOPE__BODY_PAYER_FIND_REQ, TILL__V1__ENVELOPE__BODY_PAYER_FIND_RESP, "payer find",
   ROLES_ANY, payer_handle_find, NULL},
  /* ---- end of billing: payers ---- */
  /* ---- billing: schemes, tariffs, charge runs, opt-outs ---- */
  /* admins manage schemes, tariffs and runs; everyone reads schemes and
   * tariffs; cashiers take opt-out and vacancy applications at the counter
   * and a supervisor (not the requester) decides a vacancy discount */
  {TILL__V1__ENVELOPE__BODY_SCHEME_ADD_REQ, TILL__V1__ENVELOPE__BODY_SCHEME_ADD_RESP,
   "scheme add", ROLES_ADMIN, NULL, scheme_handle_add},
  {TILL__V1__ENVELOPE__BODY_SCHEME_LIST_REQ, TILL__V1__ENVELOPE__BODY_SCHEME_LIST_RESP,
   "scheme list", ROLES_ANY, scheme_handle_list, NULL},
  {TILL__V1__ENVELOPE__BODY_TARIFF_ADD_REQ, TILL__V1__ENVELOPE__BODY_TARIFF_ADD_RESP,
   "tariff add", ROLES_ADMIN, NULL, tariff_handle_add},
  {TILL__V1__ENVELOPE__BODY_TARIFF_LIST_REQ, TILL__V1__ENVELOPE__BODY_TARIFF_LIST_RESP,
   "tariff list", ROLES_ANY, tariff_handle_list, NULL},
  {TILL__V1__ENVELOPE__BODY_CHARGE_RUN_REQ, TILL__V1__ENVELOPE__BODY_CHARGE_RUN_RESP,
   "charge run", ROLES_ADMIN, NULL, charge_handle_run},
  {TILL__V1__ENVELOPE__BODY_CHARGE_ADJUST_REQ, TILL__V1__ENVELOPE__BODY_CHARGE_ADJUST_RESP,
   "charge adjust", ROLES_ADMIN, NULL, charge_handle_adjust},
  {TILL__V1__ENVELOPE__BODY_RELIEF_REQUEST_REQ, TILL__V1__ENVELOPE__BODY_RELIEF_REQUEST_RESP,
   "optout request", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_ADMIN, NULL, relief_handle_request},
  {TILL__V1__ENVELOPE__BODY_RELIEF_DECIDE_REQ, TILL__V1__ENVELOPE__BODY_RELIEF_DECIDE_RESP,
   "vacancy decide", ROLES_SUPERVISOR, NULL, relief_handle_decide},
  {TILL__V1__ENVELOPE__BODY_RELIEF_LIST_REQ, TILL__V1__ENVELOPE__BODY_RELIEF_LIST_RESP,
   "relief list", ROLES_ANY, relief_handle_list, NULL},
  /* ---- end of billing: schemes, tariffs, charge runs, opt-outs ---- */
  /* ---- billing: payments, cheques, subsidies ---- */
  /* a payment (a subsidy too) is a cashier's, in her open shift; reading a
   * payment's receipt as the sales receipt; cheques decided by supervisors */
  {TILL__V1__ENVELOPE__BODY_PAY_REQ, TILL__V1__ENVELOPE__BODY_PAY_RESP, "pay",
   ROLES_CASHIER, NULL, payment_handle_pay},
  {TILL__V1__ENVELOPE__BODY_PAYMENT_RECEIPT_REQ, TILL__V1__ENVELOPE__BODY_PAYMENT_RECEIPT_RESP,
   "payment receipt", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, payment_handle_receipt,
   NULL},
  {TILL__V1__ENVELOPE__BODY_CHEQUE_CLEAR_REQ, TILL__V1__ENVELOPE__BODY_CHEQUE_DECIDE_RESP,
   "cheque clear", ROLES_SUPERVISOR, NULL, cheque_handle_clear},
  {TILL__V1__ENVELOPE__BODY_CHEQUE_BOUNCE_REQ, TILL__V1__ENVELOPE__BODY_CHEQUE_DECIDE_RESP,
   "cheque bounce", ROLES_SUPERVISOR, NULL, cheque_handle_bounce},
  {TILL__V1__ENVELOPE__BODY_CHEQUE_LIST_REQ, TILL__V1__ENVELOPE__BODY_CHEQUE_LIST_RESP,
   "cheque list", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, cheque_handle_list, NULL},
  /* ---- end of billing: payments, cheques, subsidies ---- */
  /* ---- billing: waivers, late fees, statements, arrears ---- */
  /* cashiers and supervisors ask for waivers; only a supervisor (not the
   * requester, checked in the handler) decides; auditors read */
  {TILL__V1__ENVELOPE__BODY_WAIVER_REQUEST_REQ, TILL__V1__ENVELOPE__BODY_WAIVER_REQUEST_RESP,
   "waiver request", ROLES_CASHIER | ROLES_SUPERVISOR, NULL, waiver_handle_request},
  {TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_REQ, TILL__V1__ENVELOPE__BODY_WAIVER_DECIDE_RESP,
   "waiver decide", ROLES_SUPERVISOR, NULL, waiver_handle_decide},
  {TILL__V1__ENVELOPE__BODY_WAIVER_LIST_REQ, TILL__V1__ENVELOPE__BODY_WAIVER_LIST_RESP,
   "waiver list", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, waiver_handle_list, NULL},
  {TILL__V1__ENVELOPE__BODY_LATE_FEE_SET_REQ, TILL__V1__ENVELOPE__BODY_LATE_FEE_SET_RESP,
   "late fee set", ROLES_ADMIN, NULL, late_fee_handle_set},
  {TILL__V1__ENVELOPE__BODY_LATE_FEE_POST_REQ, TILL__V1__ENVELOPE__BODY_LATE_FEE_POST_RESP,
   "late fee post", ROLES_SUPERVISOR, NULL, late_fee_handle_post},
  {TILL__V1__ENVELOPE__BODY_STATEMENT_REQ, TILL__V1__ENVELOPE__BODY_STATEMENT_RESP,
   "payer statement", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, statement_handle, NULL},
  {TILL__V1__ENVELOPE__BODY_ARREARS_REQ, TILL__V1__ENVELOPE__BODY_ARREARS_RESP,
   "arrears report", ROLES_SUPERVISOR | ROLES_AUDITOR, arrears_handle_report, NULL},
  {TILL__V1__ENVELOPE__BODY_COLLECTION_REQ, TILL__V1__ENVELOPE__BODY_COLLECTION_RESP,
   "collection report", ROLES_SUPERVISOR | ROLES_AUDITOR, arrears_handle_collection, NULL},
  {TILL__V1__ENVELOPE__BODY_REMINDER_RECORD_REQ, TILL__V1__ENVELOPE__BODY_REMINDER_RECORD_RESP,
   "reminder record", ROLES_CASHIER | ROLES_SUPERVISOR, NULL, arrears_handle_reminder_record},
  {TILL__V1__ENVELOPE__BODY_REMINDER_LIST_REQ, TILL__V1__ENVELOPE__BODY_REMINDER_LIST_RESP,
   "reminder list", ROLES_SUPERVISOR | ROLES_AUDITOR, arrears_handle_reminder_list, NULL},
  /* ---- end of billing: waivers, late fees, statements, arrears ---- */
  /* ---- billing: meter readings ---- */
  /* readings are taken at the windows (cashiers), by supervisors and
   * admins; a correction is a supervisor's or an admin's (checked in the
   * handler); everyone who reads payers reads them */
  {TILL__V1__ENVELOPE__BODY_METER_READ_REQ, TILL__V1__ENVELOPE__BODY_METER_READ_RESP,
   "meter read", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_ADMIN, NULL, meter_handle_read},
  {TILL__V1__ENVELOPE__BODY_METER_LIST_REQ, TILL__V1__ENVELOPE__BODY_METER_LIST_RESP,
   "meter list", ROLES_ANY, meter_handle_list, NULL},
  /* ---- end of billing: meter readings ---- */
  /* ---- tolls ---- */
  /* the network's settings are the admin's; a lane's terminal is checked
   * in the handler (toll_lanes), the role here */
  {TILL__V1__ENVELOPE__BODY_TOLL_STATION_SET_REQ, TILL__V1__ENVELOPE__BODY_TOLL_STATION_SET_RESP,
   "toll station set", ROLES_ADMIN, NULL, toll_handle_station_set},
  {TILL__V1__ENVELOPE__BODY_TOLL_DISTANCE_SET_REQ, TILL__V1__ENVELOPE__BODY_TOLL_DISTANCE_SET_RESP,
   "toll distance set", ROLES_ADMIN, NULL, toll_handle_distance_set},
  {TILL__V1__ENVELOPE__BODY_TOLL_TARIFF_SET_REQ, TILL__V1__ENVELOPE__BODY_TOLL_TARIFF_SET_RESP,
   "toll tariff set", ROLES_ADMIN, NULL, toll_handle_tariff_set},
  {TILL__V1__ENVELOPE__BODY_TOLL_LANE_SET_REQ, TILL__V1__ENVELOPE__BODY_TOLL_LANE_SET_RESP,
   "toll lane set", ROLES_ADMIN, NULL, toll_handle_lane_set},
  {TILL__V1__ENVELOPE__BODY_TOLL_HOLIDAY_SET_REQ, TILL__V1__ENVELOPE__BODY_TOLL_HOLIDAY_SET_RESP,
   "toll holiday set", ROLES_ADMIN, NULL, toll_handle_holiday_set},
  {TILL__V1__ENVELOPE__BODY_TOLL_QUOTE_REQ, TILL__V1__ENVELOPE__BODY_TOLL_QUOTE_RESP,
   "toll quote", ROLES_ANY, toll_handle_quote, NULL},
  {TILL__V1__ENVELOPE__BODY_TOLL_ENTRY_REQ, TILL__V1__ENVELOPE__BODY_TOLL_ENTRY_RESP,
   "toll entry", ROLES_CASHIER, NULL, toll_handle_entry},
  {TILL__V1__ENVELOPE__BODY_TOLL_EXIT_REQ, TILL__V1__ENVELOPE__BODY_TOLL_EXIT_RESP,
   "toll exit", ROLES_CASHIER, toll_handle_exit_check, toll_handle_exit},
  {TILL__V1__ENVELOPE__BODY_TOLL_CARDS_REQ, TILL__V1__ENVELOPE__BODY_TOLL_CARDS_RESP,
   "toll cards", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, toll_handle_cards, NULL},
  {TILL__V1__ENVELOPE__BODY_TOLL_HANDOVER_REQ, TILL__V1__ENVELOPE__BODY_TOLL_HANDOVER_RESP,
   "toll handover", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, toll_handle_handover, NULL},
  {TILL__V1__ENVELOPE__BODY_TOLL_REPORT_REQ, TILL__V1__ENVELOPE__BODY_TOLL_REPORT_RESP,
   "toll report", ROLES_SUPERVISOR | ROLES_AUDITOR, toll_handle_report, NULL},
  /* ---- end of tolls ---- */
  /* ---- hospital ---- */
  /* the price list is the admins'; bills, deposits and discharge the
   * cashiers'; a bill and a patient's deposit are read by the window, its
   * supervisors and the auditors */
  {TILL__V1__ENVELOPE__BODY_HOSP_ITEM_ADD_REQ, TILL__V1__ENVELOPE__BODY_HOSP_ITEM_ADD_RESP,
   "hospital item add", ROLES_ADMIN, NULL, hosp_handle_item_add},
  {TILL__V1__ENVELOPE__BODY_HOSP_ITEM_LIST_REQ, TILL__V1__ENVELOPE__BODY_HOSP_ITEM_LIST_RESP,
   "hospital item list", ROLES_ANY, hosp_handle_item_list, NULL},
  {TILL__V1__ENVELOPE__BODY_HOSP_BILL_REQ, TILL__V1__ENVELOPE__BODY_HOSP_BILL_RESP,
   "hospital bill", ROLES_CASHIER, NULL, hosp_handle_bill},
  {TILL__V1__ENVELOPE__BODY_HOSP_BILL_GET_REQ, TILL__V1__ENVELOPE__BODY_HOSP_BILL_GET_RESP,
   "hospital bill show", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, hosp_handle_bill_get,
   NULL},
  {TILL__V1__ENVELOPE__BODY_HOSP_DEPOSIT_REQ, TILL__V1__ENVELOPE__BODY_HOSP_DEPOSIT_RESP,
   "hospital deposit", ROLES_CASHIER, NULL, hosp_handle_deposit},
  {TILL__V1__ENVELOPE__BODY_HOSP_DISCHARGE_REQ, TILL__V1__ENVELOPE__BODY_HOSP_DISCHARGE_RESP,
   "hospital discharge", ROLES_CASHIER, NULL, hosp_handle_discharge},
  {TILL__V1__ENVELOPE__BODY_HOSP_PATIENT_REQ, TILL__V1__ENVELOPE__BODY_HOSP_PATIENT_RESP,
   "hospital patient", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, hosp_handle_patient, NULL},
  /* ---- end of hospital ---- */
  /* ---- refunds ---- */
  {TILL__V1__ENVELOPE__BODY_REFUND_REQUEST_REQ, TILL__V1__ENVELOPE__BODY_REFUND_REQUEST_RESP,
   "refund request", ROLES_CASHIER, NULL, refund_handle_request},
  /* never the requester's own: checked in the handler */
  {TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_REQ, TILL__V1__ENVELOPE__BODY_REFUND_DECIDE_RESP,
   "refund decide", ROLES_SUPERVISOR, NULL, refund_handle_decide},
  {TILL__V1__ENVELOPE__BODY_REFUND_PAY_REQ, TILL__V1__ENVELOPE__BODY_REFUND_PAY_RESP,
   "refund pay", ROLES_CASHIER, NULL, refund_handle_pay},
  {TILL__V1__ENVELOPE__BODY_REFUND_LIST_REQ, TILL__V1__ENVELOPE__BODY_REFUND_LIST_RESP,
   "refund list", ROLES_CASHIER | ROLES_SUPERVISOR | ROLES_AUDITOR, refund_handle_list, NULL},
  /* ---- end of refunds ---- */
};

/* Internal: the after-handshake terminal check. */
static till_status_t
terminal_check_fn(req_t *r, store_conn_t *sc)
{
  return auth_terminal_check(r, sc, r->terminal);
}

static const handler_t terminal_check_handler = {
  TILL__V1__ENVELOPE__BODY__NOT_SET, TILL__V1__ENVELOPE__BODY__NOT_SET, "terminal check",
  ROLES_NONE, terminal_check_fn, NULL};

static void
security_event_to_worker(void *arg, const char *kind, const char *user, const char *terminal,
                         const char *detail)
{
  worker_security_event(arg, kind, user, terminal, detail);
}

void
dispatch_init(const config_t *cfg)
{
  g_ctx.cfg = cfg;
  /* ---- refunds: hooks ----
   * each domain's refund hook for the kind of its originals
   * (core/refund_hook.h); registered once, before any thread runs */
  static const refund_hook_t *const refund_hooks[] = {
    &hosp_refund_hook, /* ---- hospital ---- */
    &sales_refund_hook,
    &billing_refund_hook,
    &toll_refund_hook, /* ---- tolls: refunds ---- */
    NULL, /* the list ends at the first NULL; put a domain's hook before it */
  };
  for (size_t i = 0; refund_hooks[i]; i++)
    if (refund_hook_register(refund_hooks[i]) != 0)
      log_err(LD_GENERAL, "the refund hook for %s was not registered", refund_hooks[i]->kind);
  /* ---- end of refunds: hooks ---- */
}

void
dispatch_set_worker(worker_t *w)
{
  g_worker = w;
  g_ctx.security_event = w ? security_event_to_worker : NULL;
  g_ctx.security_arg = w;
}

const req_ctx_t *
dispatch_ctx(void)
{
  return &g_ctx;
}

const handler_t *
dispatch_find_handler(Till__V1__Envelope__BodyCase c)
{
  for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
    if (handlers[i].req_case == c)
      return &handlers[i];
  return NULL;
}

int
dispatch_frame(struct conn *conn, const char *terminal, const uint8_t *payload, size_t len,
               req_t **bad_out)
{
  req_t *r = req_new(conn, terminal, &g_ctx);
  *bad_out = NULL;
  if (!r)
    return -1;
  r->env = till__v1__envelope__unpack(NULL, len, payload);
  if (!r->env) {
    req_fail(r, TILL_E_INVALID, "frame is not a till.v1.Envelope");
    r->close_after = 1;
    dispatch_pack(r);
    *bad_out = r;
    return -1;
  }
  r->id = r->env->request_id;
  char why[160];
  if (wire_text_check(&till__v1__envelope__descriptor, payload, len, why, sizeof why) != 0) {
    /* a string that C would cut short or that is not text: refuse it
     * before any handler sees the truncated copy */
    req_fail(r, TILL_E_INVALID, "%s", why);
    dispatch_pack(r);
    *bad_out = r;
    return 0;
  }
  r->h = dispatch_find_handler(r->env->body_case);
  if (!r->h) {
    /* a well-formed envelope with a response or nothing in it: answer, keep going */
    req_fail(r, TILL_E_INVALID, "envelope carries no request this server knows (body %d)",
             (int)r->env->body_case);
    dispatch_pack(r);
    *bad_out = r;
    return 0;
  }
  if (worker_busy(g_worker) >= g_ctx.cfg->max_queued) {
    /* bounded memory whatever the clients do; an honest client retries */
    req_fail(r, TILL_E_UNAVAILABLE, "server busy: %d requests queued; retry", g_ctx.cfg->max_queued);
    dispatch_pack(r);
    *bad_out = r;
    return 0;
  }
  /* Every request that needs a session starts on a reader: the session
   * check is a read and must not hold up the single writer. */
  worker_submit(g_worker, r,
                r->h->read_fn || r->h->roles != ROLES_NONE ? WORK_READER : WORK_WRITER);
  return 0;
}

void
dispatch_terminal_check(struct conn *conn, const char *terminal)
{
  req_t *r = req_new(conn, terminal, &g_ctx);
  if (!r) {
    log_err(LD_NET, "terminal check: out of memory");
    return;
  }
  r->h = &terminal_check_handler;
  worker_submit(g_worker, r, WORK_READER);
}

work_queue_t
dispatch_run(req_t *r, store_conn_t *sc, work_queue_t on)
{
  const handler_t *h = r->h;
  if (r->phase == 0 && h->roles != ROLES_NONE) {
    const char *token = r->env ? r->env->session : "";
    if (auth_session_check(r, sc, token) != TILL_OK)
      return WORK_READER;
    if ((r->actor.roles & h->roles) == 0) {
      req_security_event(r, "permission_denied", r->actor.user, r->terminal, "%s", h->name);
      req_fail(r, TILL_E_DENIED, "%s: your roles do not allow this request", h->name);
      return WORK_READER;
    }
  }
  if (on == WORK_READER && r->phase == 0 && !h->read_fn) {
    /* checked above; the rest is the writer's. A session ended or a user
     * disabled after this point does not stop the request already
     * accepted, as with one already on the wire. */
    r->phase = 1;
    return h->write_fn ? WORK_WRITER : WORK_READER;
  }
  if (on == WORK_READER && r->phase == 0 && h->read_fn) {
    r->phase = 1;
    if (h->read_fn(r, sc) != TILL_OK)
      return WORK_READER;
    return h->write_fn && !r->skip_write ? WORK_WRITER : WORK_READER;
  }
  r->phase = 1;
  /* ---- tamper: a ledger that failed the start-up check is read, not
   * written; logging in and out still work, so auditors can look ---- */
  if (on == WORK_WRITER && h->write_fn && g_refused[0] &&
      h->req_case != TILL__V1__ENVELOPE__BODY_LOGIN_REQ &&
      h->req_case != TILL__V1__ENVELOPE__BODY_LOGOUT_REQ) {
    audit_refuse_write(r, g_refused);
    return WORK_READER;
  }
  /* ---- end of tamper ---- */
  if (on == WORK_WRITER && h->write_fn)
    h->write_fn(r, sc);
  return WORK_READER;
}

void
dispatch_pack(req_t *r)
{
  Till__V1__Error err = TILL__V1__ERROR__INIT;
  Till__V1__Envelope errenv = TILL__V1__ENVELOPE__INIT;
  Till__V1__Envelope *env = &r->resp;
  free(r->out);
  r->out = NULL;
  r->out_len = 0;
  if (r->status == TILL_OK && r->h && r->h->resp_case != TILL__V1__ENVELOPE__BODY__NOT_SET &&
      r->resp.body_case == TILL__V1__ENVELOPE__BODY__NOT_SET) {
    /* a handler that forgot its response is a bug; never answer "ok" empty */
    log_err(LD_PROTO, "%s: handler set no response", r->h->name);
    req_fail(r, TILL_E_INTERNAL, "internal error");
  }
  if (r->status != TILL_OK || !r->h || r->h->resp_case == TILL__V1__ENVELOPE__BODY__NOT_SET) {
    if (r->status == TILL_OK)  /* terminal check passed: nothing to send */
      return;
    err.code = till_wire_error_code(r->status);
    err.message = r->errmsg;
    errenv.body_case = TILL__V1__ENVELOPE__BODY_ERROR;
    errenv.error = &err;
    env = &errenv;
  }
  env->request_id = r->id;
  size_t n = till__v1__envelope__get_packed_size(env);
  if (n > g_ctx.cfg->max_frame && env != &errenv) {
    req_fail(r, TILL_E_EXHAUSTED, "response of %zu bytes exceeds the frame limit; narrow the query", n);
    dispatch_pack(r);
    return;
  }
  r->out = malloc(TILL_FRAME_HEADER + n);
  if (!r->out) {
    log_err(LD_PROTO, "packing response: out of memory");
    return;
  }
  till_frame_put_header(r->out, (uint32_t)n);
  till__v1__envelope__pack(env, r->out + TILL_FRAME_HEADER);
  r->out_len = TILL_FRAME_HEADER + n;
}

/* ---- tamper: the failed start-up check, recorded as a security event
 * (if the table is still there to hold it) ---- */
static void
record_refusal(store_conn_t *sc, const char *why)
{
  static const char sql[] =
    "INSERT INTO security_events(at, kind, user_name, terminal_id, detail)"
    " VALUES (?, 'ledger_check_failed', '', '', ?)";
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(sc->db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, till_now());
    sqlite3_bind_text(st, 2, why, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
      log_warn(LD_LEDGER, "cannot record the failed start-up check: %s", sqlite3_errmsg(sc->db));
  }
  sqlite3_finalize(st);
}

const char *
dispatch_refused(void)
{
  return g_refused[0] ? g_refused : NULL;
}
/* ---- end of tamper ---- */

int
dispatch_writer_open(store_conn_t *sc, char *err, size_t errlen)
{
  g_ctx.ledger = ledger_open(sc, g_ctx.cfg->signing_key, err, errlen);
  if (!g_ctx.ledger)
    return -1;
  /* ---- tamper: the start-up check ---- */
  ledger_check_stats_t cs;
  char why[sizeof g_refused];
  if (ledger_selfcheck(g_ctx.ledger, sc, schema_all(), &cs, why, sizeof why) == TILL_OK) {
    log_notice(LD_LEDGER,
               "start-up check passed in %lld ms: schema as migrated, %lld signed heads "
               "verified, %lld closed shifts and %lld closed days signed, chain re-hashed from "
               "transaction %lld (%lld after it), %lld series counters match",
               (long long)cs.elapsed_ms, (long long)cs.signatures, (long long)cs.shifts,
               (long long)cs.days, (long long)cs.anchor_id, (long long)cs.tail,
               (long long)cs.series);
    g_refused[0] = '\0';
  } else {
    snprintf(g_refused, sizeof g_refused, "%s", why);
    log_err(LD_LEDGER, "START-UP CHECK FAILED: %s; refusing writes, serving reads only", why);
    record_refusal(sc, why);
  }
  /* ---- end of tamper ---- */
  return 0;
}

void
dispatch_rolled_back(store_conn_t *sc)
{
  if (g_ctx.ledger && ledger_reload_head(g_ctx.ledger, sc) != 0)
    log_err(LD_LEDGER, "cannot re-read the chain head after a rollback");
}

void
dispatch_writer_close(store_conn_t *sc)
{
  ledger_t *lg = g_ctx.ledger;
  /* sign the head on a clean stop, so an auditor can tell whether anything
   * was appended while the server was down */
  if (lg && ledger_refused(lg))
    log_notice(LD_LEDGER, "not signing the chain head on shutdown: the start-up check failed");
  else if (lg && store_exec(sc->db, "BEGIN IMMEDIATE", "signing on shutdown") == 0) {
    int64_t sig;
    if (ledger_reload_head(lg, sc) == 0 && ledger_sign_head(lg, sc, "shutdown", &sig) == TILL_OK)
      store_exec(sc->db, "COMMIT", "signing on shutdown");
    else
      sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
  }
  ledger_free(lg);
  g_ctx.ledger = NULL;
}

/* The worker's hooks: the functions above with the worker's signatures. */
static work_queue_t
hook_run(req_t *r, store_conn_t *sc, work_queue_t on, void *arg)
{
  return dispatch_run(r, sc, on);
}

static void
hook_pack(req_t *r, void *arg)
{
  dispatch_pack(r);
}

static int
hook_writer_open(store_conn_t *sc, void *arg, char *err, size_t errlen)
{
  return dispatch_writer_open(sc, err, errlen);
}

static void
hook_rolled_back(store_conn_t *sc, void *arg)
{
  dispatch_rolled_back(sc);
}

static void
hook_writer_close(store_conn_t *sc, void *arg)
{
  dispatch_writer_close(sc);
}

static const worker_hooks_t worker_hooks = {hook_run, hook_pack, hook_writer_open,
                                            hook_rolled_back, hook_writer_close, NULL};

const worker_hooks_t *
dispatch_worker_hooks(void)
{
  return &worker_hooks;
}
