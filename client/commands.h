/* commands.h -- the table of `till` commands: which function runs
 * `till GROUP VERB ...`, its usage line, the roles the server lets run it,
 * and the options and positional arguments it accepts. main.c routes every
 * command line through commands_run(), which refuses a line the row does
 * not allow before the command runs (cli_opt.h has the rules); the usage
 * texts (the top-level one and each group's) are generated from the table,
 * so a command's usage is written once, here. test_cli_spec checks that
 * each usage names exactly the options of its row. */
#ifndef TILL_COMMANDS_H
#define TILL_COMMANDS_H

#include <stdio.h>

#include "cli.h"

/* A command: returns the process's exit code (cli.h). */
typedef int command_fn(cli_t *cli);

typedef struct command {
  const char *group;  /* first word: "shift" */
  const char *verb;   /* the words after it, "open" or "user add"; NULL: the
                       * group's command when no verb matches (till sale ...) */
  command_fn *fn;     /* NULL: <usage> is a note printed in the group's usage */
  const char *usage;  /* without "till ": "shift open --count ..."; lines
                       * that start with a space continue the one above, other
                       * lines are further forms; NULL: shares the row above */
  unsigned roles;     /* TILL_ROLE_BIT()s of the roles allowed; 0: no session */
  const char *options; /* what the command reads (cli_opt.h): "--name=" one
                        * value, "--name=*" a value that may repeat, "--name"
                        * a flag; space-separated; "" none */
  int min_args, max_args; /* positional words after the group and verb;
                           * max -1: any number */
} command_t;

/* The global options main.c takes from anywhere on the line, in the spec
 * format of command_t.options (--help and -h print the usage). */
#define COMMANDS_GLOBAL_OPTIONS \
  "--config= --server= --ca= --cert= --key= --session= --timeout= --json --help"

/* Run the command named by cli's words: the group is the first word, the
 * verb's words follow it. Without a command, or with an unknown one, print
 * the usage to stderr and return EXIT_USAGE ("unknown command 'x'"); an
 * unknown verb prints the group's usage. Then the rest of the line is
 * checked against the row (cli_check_words): a word it does not allow is
 * named on stderr with the command's usage, EXIT_USAGE, and the command's
 * function does not run (nothing is sent). Otherwise returns the command's
 * exit code. */
int commands_run(cli_t *cli);

/* The table, for tests: *n rows. */
const command_t *commands_table(size_t *n);
/* The usage text row <i> shows: its own or the one it shares (NULL for a
 * row without either). */
const char *commands_usage_of(size_t i);
/* How many words name row <c>: 1 for the group, plus the verb's. */
int commands_lead_words(const command_t *c);

/* The usage of every command (till --help). */
void commands_usage(FILE *f);

/* "usage: till ..." on stderr for the running command (cli->command), or
 * for every command of its group; both return EXIT_USAGE. */
int commands_usage_error(const cli_t *cli);
int commands_group_usage_error(const cli_t *cli);

/* The commands, by file. */
/* cmd_login.c */
command_fn cmd_login, cmd_logout, cmd_whoami;
/* cmd_admin.c */
command_fn cmd_admin_user_add, cmd_admin_user_list, cmd_admin_user_disable;
command_fn cmd_admin_terminal_add, cmd_admin_terminal_list, cmd_admin_terminal_disable;
command_fn cmd_admin_user_unlock, cmd_admin_user_enable, cmd_admin_terminal_enable;
command_fn cmd_admin_series_add, cmd_admin_series_list, cmd_admin_item_add, cmd_admin_item_list;
/* cmd_sale.c, cmd_receipt.c */
command_fn cmd_sale, cmd_receipt_show, cmd_receipt_reprint;
/* cmd_void.c */
command_fn cmd_void_request, cmd_void_approve, cmd_void_reject, cmd_void_list;
/* cmd_shift.c */
command_fn cmd_shift_open, cmd_shift_status, cmd_shift_close, cmd_shift_approve, cmd_shift_list;
/* cmd_deposit.c */
command_fn cmd_deposit_create, cmd_deposit_confirm, cmd_deposit_pending;
command_fn cmd_deposit_list; /* ---- deplist ---- */
/* cmd_audit.c, cmd_audit_export.c, cmd_audit_ledger.c */
command_fn cmd_audit_verify, cmd_audit_pubkey, cmd_audit_checkpoint, cmd_audit_receipts;
command_fn cmd_audit_txn, cmd_audit_export, cmd_audit_ledger;
/* ---- tamper: cmd_audit_witness.c ---- */
command_fn cmd_audit_witness;
command_fn cmd_audit_events; /* ---- tamper: security events (cmd_audit_events.c) ---- */
/* ---- end of tamper ---- */
/* cmd_report.c, cmd_day.c, cmd_target.c */
command_fn cmd_report_daily, cmd_report_monthly, cmd_day_close, cmd_day_status, cmd_target_set;
/* ---- billing: payers ---- */
/* cmd_payer.c, cmd_payer_import.c */
command_fn cmd_payer_add, cmd_payer_show, cmd_payer_import;
/* cmd_payer_find.c */
command_fn cmd_payer_list, cmd_payer_find, cmd_payer_edit;
/* ---- end of billing: payers ---- */
/* ---- billing: schemes, tariffs, charge runs, opt-outs ---- */
/* cmd_scheme.c, cmd_charge.c */
command_fn cmd_scheme_add, cmd_scheme_list, cmd_tariff_add, cmd_tariff_list;
command_fn cmd_charge_run, cmd_charge_adjust, cmd_optout_request, cmd_optout_list;
command_fn cmd_vacancy_request, cmd_vacancy_approve, cmd_vacancy_reject;
/* ---- end of billing: schemes, tariffs, charge runs, opt-outs ---- */
/* ---- billing: meter readings ---- */
/* cmd_meter.c */
command_fn cmd_meter_read, cmd_meter_list;
/* ---- end of billing: meter readings ---- */
/* ---- billing: payments, cheques, subsidies ---- */
int cmd_pay(cli_t *cli);
int cmd_cheque_clear(cli_t *cli);
int cmd_cheque_bounce(cli_t *cli);
int cmd_cheque_list(cli_t *cli);
/* ---- end of billing: payments, cheques, subsidies ---- */
/* ---- billing: waivers, late fees, statements, arrears ---- */
/* cmd_waiver.c, cmd_statement.c, cmd_report_billing.c */
command_fn cmd_waiver_request, cmd_waiver_approve, cmd_waiver_reject, cmd_waiver_list;
command_fn cmd_latefee_set, cmd_latefee_post, cmd_reminder_record, cmd_payer_statement;
command_fn cmd_report_arrears, cmd_report_collection, cmd_report_reminders;
/* ---- end of billing: waivers, late fees, statements, arrears ---- */
/* ---- tolls ---- */
/* cmd_toll.c */
command_fn cmd_toll_station_set, cmd_toll_distance_set, cmd_toll_tariff_set, cmd_toll_lane_set;
command_fn cmd_toll_holiday_set, cmd_toll_quote, cmd_toll_entry, cmd_toll_exit, cmd_toll_cards;
command_fn cmd_toll_handover, cmd_toll_report;
/* ---- end of tolls ---- */
/* ---- hospital ---- */
/* cmd_hospital.c */
command_fn cmd_hospital_item_add, cmd_hospital_item_list, cmd_hospital_deposit;
command_fn cmd_hospital_discharge, cmd_hospital_patient, cmd_bill_new, cmd_bill_import;
command_fn cmd_bill_show;
/* ---- end of hospital ---- */
/* ---- refunds ---- */
/* cmd_refund.c */
command_fn cmd_refund_request, cmd_refund_approve, cmd_refund_reject, cmd_refund_pay;
command_fn cmd_refund_list;
/* ---- end of refunds ---- */

#endif
