/* commands.h -- the table of `till` commands: which function runs
 * `till GROUP VERB ...`, its usage line and the roles the server lets run
 * it. main.c routes every command line through commands_run(); the usage
 * texts (the top-level one and each group's) are generated from the table,
 * so a command's usage is written once, here. */
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
} command_t;

/* Run the command named by cli's words: find the group, then the verb.
 * Without a command, or with an unknown one, print the usage to stderr and
 * return EXIT_USAGE ("unknown command 'x'"); an unknown verb prints the
 * group's usage. Returns the command's exit code. */
int commands_run(cli_t *cli);

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
command_fn cmd_admin_series_add, cmd_admin_series_list, cmd_admin_item_add, cmd_admin_item_list;
/* cmd_sale.c, cmd_receipt.c */
command_fn cmd_sale, cmd_receipt_show, cmd_receipt_reprint;
/* cmd_void.c */
command_fn cmd_void_request, cmd_void_approve, cmd_void_reject, cmd_void_list;
/* cmd_shift.c */
command_fn cmd_shift_open, cmd_shift_status, cmd_shift_close, cmd_shift_approve, cmd_shift_list;
/* cmd_deposit.c */
command_fn cmd_deposit_create, cmd_deposit_confirm, cmd_deposit_pending;
/* cmd_audit.c, cmd_audit_export.c, cmd_audit_ledger.c */
command_fn cmd_audit_verify, cmd_audit_pubkey, cmd_audit_checkpoint, cmd_audit_receipts;
command_fn cmd_audit_txn, cmd_audit_export, cmd_audit_ledger;
/* cmd_report.c, cmd_day.c, cmd_target.c */
command_fn cmd_report_daily, cmd_report_monthly, cmd_day_close, cmd_target_set;

#endif
