/* commands.c -- the command table and the routing and usage texts made
 * from it; see commands.h. What a command does is in its group's cmd_*.c. */
#include "commands.h"

#include <string.h>

#include "cli_opt.h"
#include "i18n.h"
#include "layout.h"
#include "print.h"
#include "till_names.h"

#define CASHIER TILL_ROLE_BIT(TILL_ROLE_CASHIER)
#define SUPERVISOR TILL_ROLE_BIT(TILL_ROLE_SUPERVISOR)
#define AUDITOR TILL_ROLE_BIT(TILL_ROLE_AUDITOR)
#define ADMIN TILL_ROLE_BIT(TILL_ROLE_ADMIN)
#define ANY_ROLE (CASHIER | SUPERVISOR | AUDITOR | ADMIN)
#define NO_SESSION 0u

/* In the order the usage lists them. Roles are the server's (its dispatch
 * table decides); here they only document. The options and the number of
 * positional arguments are what each command's function reads (cli_opt,
 * cli_flag, cli_arg in its cmd_*.c): commands_run refuses anything else. */
static const command_t commands[] = {
  {"login", NULL, cmd_login, N_("login USER   (password from TILL_PASSWORD or stdin)"), NO_SESSION,
   "", 1, 1},
  {"logout", NULL, cmd_logout, N_("logout"), ANY_ROLE, "", 0, 0},
  {"whoami", NULL, cmd_whoami, N_("whoami"), ANY_ROLE, "", 0, 0},

  {"admin", "user add", cmd_admin_user_add,
   N_("admin user add NAME --role ROLE[,ROLE...]\n"
   "      (password from TILL_NEW_PASSWORD or stdin)"),
   ADMIN,
   "--role=", 1, 1},
  {"admin", "user list", cmd_admin_user_list, N_("admin user list"), ADMIN, "", 0, 0},
  {"admin", "user disable", cmd_admin_user_disable, N_("admin user disable NAME"), ADMIN, "", 1, 1},
  {"admin", "user enable", cmd_admin_user_enable, N_("admin user enable NAME"), ADMIN, "", 1, 1},
  {"admin", "user unlock", cmd_admin_user_unlock, N_("admin user unlock NAME"), ADMIN, "", 1, 1},
  {"admin", "terminal add", cmd_admin_terminal_add, N_("admin terminal add ID [--description TEXT]"),
   ADMIN, "--description=", 1, 1},
  {"admin", "terminal list", cmd_admin_terminal_list, N_("admin terminal list"), ADMIN, "", 0, 0},
  {"admin", "terminal disable", cmd_admin_terminal_disable, N_("admin terminal disable ID"), ADMIN, "",
   1, 1},
  {"admin", "terminal enable", cmd_admin_terminal_enable, N_("admin terminal enable ID"), ADMIN, "",
   1, 1},
  {"admin", "series add", cmd_admin_series_add,
   N_("admin series add PREFIX --kind KIND\n"
   "      [--description TEXT]"),
   ADMIN, "--kind= --description=", 1,
   1},
  {"admin", "series list", cmd_admin_series_list, N_("admin series list"), ADMIN | SUPERVISOR | AUDITOR,
   "", 0, 0},
  {"admin", "item add", cmd_admin_item_add,
   N_("admin item add CODE --name TEXT --price YUAN\n"
   "      --series PREFIX [--revenue revenue:NAME]"),
   ADMIN,
   "--name= --price= --series= --revenue=", 1, 1},
  {"admin", "item list", cmd_admin_item_list, N_("admin item list"), ANY_ROLE, "", 0, 0},
  {"admin", NULL, NULL, N_("roles: cashier, supervisor, auditor, admin"), 0, "", 0, 0},

  {"sale", NULL, cmd_sale,
   N_("sale ITEM[:QTY] [ITEM[:QTY] ...]\n"
   "      --method cash|card|wechat|alipay|transfer|cheque|subsidy\n"
   "      | --pay METHOD=YUAN,METHOD[=YUAN]...\n"
   "      [--tendered YUAN] [--memo TEXT] [--idem-key HEX32]"),
   CASHIER, "--method= --tendered= --memo= --pay= --idem-key=", 1, -1},
  {"receipt", "show", cmd_receipt_show, N_("receipt show|reprint NUMBER (e.g. HT2026-00000001)"),
   CASHIER | SUPERVISOR | AUDITOR, "", 1, 1},
  {"receipt", "reprint", cmd_receipt_reprint, NULL, CASHIER | SUPERVISOR | AUDITOR, "", 1, 1},
  {"void", NULL, cmd_void_request, N_("void NUMBER --reason TEXT"), CASHIER, "--reason=", 1, 1},
  {"void", "approve", cmd_void_approve, N_("void approve|reject ID [--note TEXT]\n"
   "      [--idem-key HEX32]"),
   SUPERVISOR, "--note= --idem-key=", 1, 1},
  {"void", "reject", cmd_void_reject, NULL, SUPERVISOR, "--note= --idem-key=", 1, 1},
  {"void", "list", cmd_void_list, N_("void list [--state pending|approved|rejected]"),
   SUPERVISOR | AUDITOR, "--state=", 0, 0},

  {"shift", "open", cmd_shift_open, N_("shift open --count 100x5,50x4,...|none\n"
   "      [--idem-key HEX32]"),
   CASHIER, "--count= --idem-key=", 0, 0},
  {"shift", "status", cmd_shift_status, N_("shift status [SHIFT]"), CASHIER | SUPERVISOR | AUDITOR, "",
   0, 1},
  {"shift", "close", cmd_shift_close,
   N_("shift close --count 100x5,...|none\n"
   "      [--noncash card=120.00,wechat=35.50] [--idem-key HEX32]"),
   CASHIER, "--count= --noncash= --idem-key=", 0, 0},
  {"shift", "approve", cmd_shift_approve, N_("shift approve SHIFT [--note TEXT]"), SUPERVISOR,
   "--note=", 1, 1},
  {"shift", "list", cmd_shift_list, N_("shift list [--state open|closed|approved]"),
   CASHIER | SUPERVISOR | AUDITOR, "--state=", 0, 0},
  {"deposit", "create", cmd_deposit_create,
   N_("deposit create --shifts 3,4 --slip NO --amount YUAN\n"
   "      [--idem-key HEX32]"),
   SUPERVISOR,
   "--shifts= --slip= --amount= --idem-key=", 0, 0},
  {"deposit", "confirm", cmd_deposit_confirm, N_("deposit confirm DEPOSIT [--idem-key HEX32]"),
   SUPERVISOR, "--idem-key=", 1, 1},
  {"deposit", "pending", cmd_deposit_pending, N_("deposit pending [--hours 24]"),
   SUPERVISOR | AUDITOR, "--hours=", 0, 0},
  /* ---- deplist: the deposits of a date and those in transit ---- */
  {"deposit", "list", cmd_deposit_list, N_("deposit list [--date YYYY-MM-DD]"), SUPERVISOR | AUDITOR,
   "--date=", 0, 0},
  /* ---- end of deplist ---- */

  {"audit", "verify", cmd_audit_verify,
   N_("audit verify [--pubkey FILE] [--witness FILE] [--prior EXPORT]\n"
   "audit verify --file FILE [--pubkey PEM] [--allow-unsigned]\n"
   "      [--witness FILE] [--prior EXPORT]   (offline, no session)"),
   AUDITOR, "--pubkey= --file= --allow-unsigned --witness= --prior=", 0, 0},
  /* ---- tamper: the auditor's witness of signed heads ---- */
  {"audit", "witness", cmd_audit_witness, N_("audit witness --file FILE [--pubkey PEM]"), AUDITOR,
   "--file= --pubkey=", 0, 0},
  /* ---- end of tamper ---- */
  /* ---- tamper: security events ---- */
  {"audit", "events", cmd_audit_events, N_("audit events [--kind KIND] [--since DATE] [--limit N]"),
   AUDITOR, "--kind= --since= --limit=", 0, 0},
  /* ---- end of tamper: security events ---- */
  {"audit", "pubkey", cmd_audit_pubkey, N_("audit pubkey [--pin FILE]"), AUDITOR, "--pin=", 0, 0}, /* ---- keys: --pin ---- */
  {"audit", "checkpoint", cmd_audit_checkpoint, N_("audit checkpoint"), SUPERVISOR, "", 0, 0},
  {"audit", "receipts", cmd_audit_receipts, N_("audit receipts --series SERIES [--from N] [--to N]"),
   AUDITOR | SUPERVISOR, "--series= --from= --to=", 0, 0},
  {"audit", "txn", cmd_audit_txn, N_("audit txn ID (a transaction id, 1 or more)"),
   AUDITOR | SUPERVISOR, "", 1, 1},
  {"audit", "export", cmd_audit_export, N_("audit export [--from DATE] [--to DATE] > FILE"), AUDITOR,
   "--from= --to=", 0, 0},
  {"audit", "ledger", cmd_audit_ledger,
   N_("audit ledger [--from DATE] [--to DATE]\n"
   "      [--terminal ID] [--cashier U] [--shift N] [--account A]\n"
   "      [--kind K] [--series S] [--receipt-from N] [--receipt-to N]\n"
   "      [--min YUAN] [--max YUAN] [--method M] [--page-size N]\n"
   "      [--json | --csv]"),
   AUDITOR | SUPERVISOR,
   "--from= --to= --terminal= --cashier= --shift= --account= --kind= --series= --receipt-from= "
   "--receipt-to= --min= --max= --method= --page-size= --csv",
   0, 0},

  {"report", "daily", cmd_report_daily, N_("report daily [--date YYYY-MM-DD]"), SUPERVISOR | AUDITOR,
   "--date=", 0, 0},
  {"report", "monthly", cmd_report_monthly, N_("report monthly [--month YYYY-MM]"),
   SUPERVISOR | AUDITOR, "--month=", 0, 0},
  {"day", "close", cmd_day_close, N_("day close --date YYYY-MM-DD"), SUPERVISOR, "--date=", 0, 0},
  {"day", "status", cmd_day_status, N_("day status"), SUPERVISOR | AUDITOR, "", 0, 0},
  {"target", "set", cmd_target_set, N_("target set --cashier USER --month YYYY-MM\n"
   "      --amount YUAN"),
   SUPERVISOR, "--cashier= --month= --amount=", 0, 0},
  /* ---- billing: payers ---- */
  {"payer", "add", cmd_payer_add,
   N_("payer add --complex NAME --unit UNIT --owner NAME --area M2\n"
   "      --occupancy occupied|vacant|unsold [--phone DIGITS] [--tags TEXT]"),
   ADMIN, "--complex= --unit= --owner= --area= --occupancy= --phone= --tags=", 0, 0},
  {"payer", "show", cmd_payer_show, N_("payer show PAYER   (its number, or COMPLEX/UNIT)"), ANY_ROLE,
   "", 1, 1},
  {"payer", "import", cmd_payer_import, N_("payer import FILE.csv   (at most 5000 rows)"), ADMIN, "",
   1, 1},
  {"payer", "list", cmd_payer_list, N_("payer list [--complex NAME] [--after NO.] [--limit 1-500]"),
   ANY_ROLE, "--complex= --after= --limit=", 0, 0},
  {"payer", "find", cmd_payer_find,
   N_("payer find TEXT   (part of a unit or phone, 3+ characters;\n"
   "      or part of the owner's name, 1+ characters)"),
   ANY_ROLE, "", 1, 1},
  {"payer", "edit", cmd_payer_edit,
   N_("payer edit NO. [--unit UNIT] [--owner NAME] [--phone DIGITS]\n"
   "      [--area M2] [--occupancy occupied|vacant|unsold] [--tags TEXT]"),
   ADMIN, "--unit= --owner= --phone= --area= --occupancy= --tags=", 1, 1},
  /* ---- end of billing: payers ---- */
  /* ---- billing: schemes, tariffs, charge runs, opt-outs ---- */
  {"scheme", "add", cmd_scheme_add,
   N_("scheme add CODE --name TEXT --rule area_month|area_season|fixed_month|metered\n"
   "      --period season|year|month [--season-start MM-DD]\n"
   "      [--optout-share PCT] [--optout-cutoff MM-DD] [--vacancy-share PCT]"),
   ADMIN, "--name= --rule= --period= --season-start= --optout-share= --optout-cutoff= "
   "--vacancy-share=", 1, 1},
  {"scheme", "list", cmd_scheme_list, N_("scheme list"), ANY_ROLE, "", 0, 0},
  {"tariff", "add", cmd_tariff_add, N_("tariff add --scheme S --from YYYY-MM-DD --rate YUAN"),
   ADMIN, "--scheme= --from= --rate=", 0, 0},
  {"tariff", "list", cmd_tariff_list, N_("tariff list [--scheme S]"), ANY_ROLE, "--scheme=", 0, 0},
  {"charge", "run", cmd_charge_run, N_("charge run --scheme S --period P [--chunk N]"), ADMIN,
   "--scheme= --period= --chunk=", 0, 0},
  {"charge", "adjust", cmd_charge_adjust,
   N_("charge adjust --payer P --scheme S --period P --reason TEXT"), ADMIN,
   "--payer= --scheme= --period= --reason=", 0, 0},
  {"optout", "request", cmd_optout_request,
   N_("optout request PAYER --scheme S --season YYYY-YYYY [--reason TEXT]"),
   CASHIER | SUPERVISOR | ADMIN, "--scheme= --season= --reason=", 1, 1},
  {"optout", "list", cmd_optout_list, N_("optout list [--state pending|approved|rejected]"),
   ANY_ROLE, "--state=", 0, 0},
  {"vacancy", "request", cmd_vacancy_request,
   N_("vacancy request PAYER --scheme S --period P [--reason TEXT]"),
   CASHIER | SUPERVISOR | ADMIN, "--scheme= --period= --reason=", 1, 1},
  {"vacancy", "approve", cmd_vacancy_approve, N_("vacancy approve|reject ID"), SUPERVISOR, "", 1,
   1},
  {"vacancy", "reject", cmd_vacancy_reject, NULL, SUPERVISOR, "", 1, 1},
  /* ---- end of billing: schemes, tariffs, charge runs, opt-outs ---- */
  /* ---- billing: meter readings ---- */
  {"meter", "read", cmd_meter_read,
   N_("meter read PAYER --scheme S --reading UNITS [--date YYYY-MM-DD]\n"
   "      [--correct --reason TEXT]   (a correction: supervisors, admins)"),
   CASHIER | SUPERVISOR | ADMIN, "--scheme= --reading= --date= --correct --reason=", 1, 1},
  {"meter", "list", cmd_meter_list, N_("meter list PAYER [--scheme S]"), ANY_ROLE, "--scheme=", 1,
   1},
  /* ---- end of billing: meter readings ---- */
  /* ---- billing: payments, cheques, subsidies ---- */
  {"pay", NULL, cmd_pay,
   N_("pay PAYER --amount YUAN\n"
   "      --method cash|card|wechat|alipay|transfer|cheque|subsidy\n"
   "      [--tendered YUAN] [--charge ID]... [--ref TEXT]\n"
   "      [--memo TEXT] [--idem-key HEX32]"),
   CASHIER, "--amount= --method= --tendered= --charge=* --ref= --memo= --idem-key=", 1, 1},
  {"cheque", "clear", cmd_cheque_clear, N_("cheque clear ID [--idem-key HEX32]"), SUPERVISOR,
   "--idem-key=", 1, 1},
  {"cheque", "bounce", cmd_cheque_bounce,
   N_("cheque bounce ID --reason TEXT [--idem-key HEX32]"), SUPERVISOR,
   "--reason= --idem-key=", 1, 1},
  {"cheque", "list", cmd_cheque_list, N_("cheque list [--pending]"),
   CASHIER | SUPERVISOR | AUDITOR, "--pending", 0, 0},
  /* ---- end of billing: payments, cheques, subsidies ---- */
  /* ---- billing: waivers, late fees, statements, arrears ---- */
  {"waiver", "request", cmd_waiver_request,
   N_("waiver request PAYER --charge ID | --scheme S --period P\n"
   "      --amount YUAN --reason TEXT --doc REF"),
   CASHIER | SUPERVISOR, "--charge= --scheme= --period= --amount= --reason= --doc=", 1, 1},
  {"waiver", "approve", cmd_waiver_approve, N_("waiver approve|reject ID [--note TEXT]\n"
   "      [--idem-key HEX32]"),
   SUPERVISOR, "--note= --idem-key=", 1, 1},
  {"waiver", "reject", cmd_waiver_reject, NULL, SUPERVISOR, "--note= --idem-key=", 1, 1},
  {"waiver", "list", cmd_waiver_list, N_("waiver list [--pending] [--payer PAYER]"),
   CASHIER | SUPERVISOR | AUDITOR, "--pending --payer=", 0, 0},
  {"latefee", "set", cmd_latefee_set,
   N_("latefee set --scheme S --daily-rate 0.0003 --grace-days N\n"
   "      --cap PERCENT | latefee set --scheme S --off"),
   ADMIN, "--scheme= --daily-rate= --grace-days= --cap= --off", 0, 0},
  {"latefee", "post", cmd_latefee_post, N_("latefee post PAYER --scheme S [--idem-key HEX32]"),
   SUPERVISOR, "--scheme= --idem-key=", 1, 1},
  {"payer", "statement", cmd_payer_statement, N_("payer statement PAYER [--as-of YYYY-MM-DD]"),
   CASHIER | SUPERVISOR | AUDITOR, "--as-of=", 1, 1},
  {"reminder", "record", cmd_reminder_record,
   N_("reminder record PAYER --channel letter|phone|sms|visit|notice\n"
   "      [--note TEXT]"),
   CASHIER | SUPERVISOR, "--channel= --note=", 1, 1},
  {"report", "arrears", cmd_report_arrears, N_("report arrears [--complex C] [--scheme S]"),
   SUPERVISOR | AUDITOR, "--complex= --scheme=", 0, 0},
  {"report", "collection", cmd_report_collection,
   N_("report collection --period P [--scheme S]"), SUPERVISOR | AUDITOR, "--period= --scheme=",
   0, 0},
  {"report", "reminders", cmd_report_reminders,
   N_("report reminders [--min-years N] [--legal-after N]"), SUPERVISOR | AUDITOR,
   "--min-years= --legal-after=", 0, 0},
  /* ---- end of billing: waivers, late fees, statements, arrears ---- */
  /* ---- tolls ---- */
  {"toll", "station set", cmd_toll_station_set,
   N_("toll station set CODE --name TEXT --series PREFIX"), ADMIN, "--name= --series=", 1, 1},
  {"toll", "distance set", cmd_toll_distance_set, N_("toll distance set ENTRY EXIT --km KM"),
   ADMIN, "--km=", 2, 2},
  {"toll", "tariff set", cmd_toll_tariff_set,
   N_("toll tariff set --from YYYY-MM-DD[THH:MM[:SS]] --rates CLASS=YUAN,...\n"
   "      --min YUAN --card-fee YUAN --card-hours N [--axle YUAN]"),
   ADMIN, "--from= --rates= --min= --card-fee= --card-hours= --axle=", 0, 0},
  {"toll", "lane set", cmd_toll_lane_set,
   N_("toll lane set TERMINAL --station CODE --direction entry|exit"), ADMIN,
   "--station= --direction=", 1, 1},
  {"toll", "holiday set", cmd_toll_holiday_set, N_("toll holiday set YYYY-MM-DD [--name TEXT]"),
   ADMIN, "--name=", 1, 1},
  {"toll", "quote", cmd_toll_quote, N_("toll quote ENTRY EXIT --class CLASS [--axles N]"),
   ANY_ROLE, "--class= --axles=", 2, 2},
  {"toll", "entry", cmd_toll_entry, N_("toll entry --card ID --class CLASS --plate PLATE"),
   CASHIER, "--card= --class= --plate=", 0, 0},
  {"toll", "exit", cmd_toll_exit,
   N_("toll exit --class CLASS --plate PLATE (--card ID | --entry STATION | --lost)\n"
   "      [--axles N] [--seats N] [--method METHOD [--tendered YUAN]]\n"
   "      [--exempt green_channel --inspector NAME --cargo TEXT --inspection pass|fail]\n"
   "      [--exempt military|police|emergency|disaster_relief --pass-ref REF]\n"
   "      [--idem-key HEX32]"),
   CASHIER,
   "--class= --plate= --card= --entry= --lost --axles= --seats= --method= --tendered= "
   "--exempt= --inspector= --cargo= --inspection= --pass-ref= --idem-key=",
   0, 0},
  {"toll", "cards", cmd_toll_cards, N_("toll cards [--overdue]"), CASHIER | SUPERVISOR | AUDITOR,
   "--overdue", 0, 0},
  {"toll", "handover", cmd_toll_handover, N_("toll handover SHIFT"), CASHIER | SUPERVISOR | AUDITOR,
   "", 1, 1},
  {"toll", "report", cmd_toll_report, N_("toll report --from YYYY-MM-DD --to YYYY-MM-DD"),
   SUPERVISOR | AUDITOR, "--from= --to=", 0, 0},
  /* ---- end of tolls ---- */
  /* ---- hospital ---- */
  {"hospital", "item add", cmd_hospital_item_add,
   N_("hospital item add CODE --name TEXT --unit TEXT --price YUAN --dept TEXT"), ADMIN,
   "--name= --unit= --price= --dept=", 1, 1},
  {"hospital", "item list", cmd_hospital_item_list, N_("hospital item list"), ANY_ROLE, "", 0, 0},
  {"hospital", "deposit", cmd_hospital_deposit,
   N_("hospital deposit PATIENT --name TEXT --amount YUAN --method METHOD\n"
   "      [--tendered YUAN] [--idem-key HEX32]"),
   CASHIER, "--name= --amount= --method= --tendered= --idem-key=", 1, 1},
  {"hospital", "discharge", cmd_hospital_discharge,
   N_("hospital discharge PATIENT [--idem-key HEX32]"), CASHIER, "--idem-key=", 1, 1},
  {"hospital", "patient", cmd_hospital_patient, N_("hospital patient PATIENT"),
   CASHIER | SUPERVISOR | AUDITOR, "", 1, 1},
  {"bill", "new", cmd_bill_new,
   N_("bill new CODE[:QTY]... --patient-id ID --patient-name TEXT [--total YUAN]\n"
   "      [--fund YUAN] [--patient YUAN] [--account YUAN] [--hospital YUAN] [--window YUAN]\n"
   "      [--method METHOD [--tendered YUAN] | --from-deposit] [--idem-key HEX32]"),
   CASHIER,
   "--patient-id= --patient-name= --total= --fund= --patient= --account= --hospital= "
   "--window= --method= --tendered= --from-deposit --idem-key=",
   1, -1},
  {"bill", "import", cmd_bill_import,
   N_("bill import FILE [--method METHOD [--tendered YUAN] | --from-deposit]"), CASHIER,
   "--method= --tendered= --from-deposit", 1, 1},
  {"bill", "show", cmd_bill_show, N_("bill show NUMBER"), CASHIER | SUPERVISOR | AUDITOR, "", 1, 1},
  /* ---- end of hospital ---- */
  /* ---- refunds ---- */
  {"refund", "request", cmd_refund_request,
   N_("refund request NUMBER (--amount YUAN | --line ITEM[:QTY] ...)\n"
   "      --reason TEXT --ref TEXT"),
   CASHIER, "--amount= --line=* --reason= --ref=", 1, 1},
  {"refund", "approve", cmd_refund_approve, N_("refund approve|reject ID [--note TEXT]"),
   SUPERVISOR, "--note=", 1, 1},
  {"refund", "reject", cmd_refund_reject, NULL, SUPERVISOR, "--note=", 1, 1},
  {"refund", "pay", cmd_refund_pay, N_("refund pay ID [--method cash|original] [--idem-key HEX32]"),
   CASHIER, "--method= --idem-key=", 1, 1},
  {"refund", "list", cmd_refund_list,
   N_("refund list [--state requested|approved|rejected|paid] [--receipt NUMBER]"),
   CASHIER | SUPERVISOR | AUDITOR, "--state= --receipt=", 0, 0},
  /* ---- end of refunds ---- */
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* The usage text of row <i>: its own, or that of the row above it it shares. */
static const char *
usage_of(size_t i)
{
  while (!commands[i].usage && i > 0 && strcmp(commands[i - 1].group, commands[i].group) == 0)
    i--;
  return commands[i].usage;
}

/* 1 if cli's words right after the group are <verb>'s words ("user add"). */
static int
verb_matches(const cli_t *cli, const char *verb)
{
  int n = 1;
  for (const char *w = verb; *w; n++) {
    size_t len = strcspn(w, " ");
    const char *arg = n < cli->argc ? cli->argv[n] : NULL;
    if (!arg || strlen(arg) != len || strncmp(arg, w, len) != 0)
      return 0;
    w += len;
    w += *w == ' ';
  }
  return 1;
}

int
commands_lead_words(const command_t *c)
{
  int n = 1;
  for (const char *w = c->verb; w && *w; w++)
    n += *w == ' ';
  return c->verb ? n + 1 : n;
}

const command_t *
commands_table(size_t *n)
{
  *n = N_COMMANDS;
  return commands;
}

const char *
commands_usage_of(size_t i)
{
  return i < N_COMMANDS ? usage_of(i) : NULL;
}


/* "cashier/supervisor", "any role", or "" (no session needed). */
static void
roles_text(unsigned roles, char *buf, size_t len)
{
  size_t used = 0;
  buf[0] = '\0';
  if (roles == ANY_ROLE) {
    snprintf(buf, len, "%s", _("any role"));
    return;
  }
  for (int r = 1; r <= TILL_ROLE_MAX; r++) {
    if (!(roles & TILL_ROLE_BIT(r)))
      continue;
    int n = snprintf(buf + used, len - used, "%s%s", used ? "/" : "", print_role(r));
    if (n < 0 || (size_t)n >= len - used)
      return;
    used += (size_t)n;
  }
}

/* Each line of <usage>: forms after <lead> and <prog>, continuations
 * (lines that start with a space) after <indent>. <lead> is used once, then
 * <indent>. The first line ends in <tail> (may be NULL), padded to <col>. */
static void
print_usage_lines(FILE *f, const char *usage, const char *lead, const char *indent,
                  const char *prog, const char *tail, int col)
{
  for (const char *line = usage; *line;) {
    size_t len = strcspn(line, "\n");
    char text[512];
    if (line[0] == ' ')
      snprintf(text, sizeof text, "%s%.*s", indent, (int)len, line);
    else
      snprintf(text, sizeof text, "%s%s%.*s", lead, prog, (int)len, line);
    fputs(text, f);
    int w = layout_width(text); /* the roles line up in display cells */
    if (tail && tail[0])
      fprintf(f, "%*s%s", w + 2 <= col ? col - w : 2, "", tail);
    fputc('\n', f);
    tail = NULL;
    lead = indent;
    line += len;
    line += *line == '\n';
  }
}

/* The usage of every row of <group>, "usage: till " before the first. */
static int
group_usage_error(const char *group)
{
  const char *lead = _("usage: ");
  for (size_t i = 0; i < N_COMMANDS; i++) {
    const command_t *c = &commands[i];
    if (strcmp(c->group, group) != 0 || !c->usage)
      continue;
    if (!c->fn)
      fprintf(stderr, "%s\n", _(c->usage));
    else
      print_usage_lines(stderr, _(c->usage), lead, "       ", "till ", NULL, 0);
    lead = "       ";
  }
  return EXIT_USAGE;
}

void
commands_usage(FILE *f)
{
  char roles[64];
  fputs(_("usage: till [--config FILE] [--server HOST:PORT] [--ca FILE] [--cert FILE]\n"
          "            [--key FILE] [--session FILE] [--timeout S] [--json] COMMAND ...\n"
          "commands, and the roles that may run them:\n"),
        f);
  for (size_t i = 0; i < N_COMMANDS; i++) {
    const command_t *c = &commands[i];
    if (!c->usage)
      continue;
    if (!c->fn) {
      fprintf(f, "  %s\n", _(c->usage));
      continue;
    }
    roles_text(c->roles, roles, sizeof roles);
    print_usage_lines(f, _(c->usage), "  ", "  ", "", roles, 54);
  }
  fputs(_("An option is --name VALUE or --name=VALUE (a VALUE that starts with -- only so),\n"
          "given once; unknown options and extra arguments are refused (exit 2).\n"),
        f);
  fputs(_("See docs/cli.md.\n"), f);
}

int
commands_usage_error(const cli_t *cli)
{
  const char *usage = usage_of((size_t)(cli->command - commands));
  fputs("till: ", stderr);
  print_usage_lines(stderr, _(usage), _("usage: "), "       ", "till ", NULL, 0);
  return EXIT_USAGE;
}

int
commands_group_usage_error(const cli_t *cli)
{
  fputs("till: ", stderr);
  return group_usage_error(cli->command->group);
}

/* "unknown command 'admin user frobnicate'": the group's words up to the
 * first that no verb of the group has there, or "incomplete command" when
 * the line stops before a verb is whole. */
static void
say_unknown_verb(const cli_t *cli)
{
  const char *group = cli->argv[0];
  int m = 0;
  for (size_t i = 0; i < N_COMMANDS; i++) {
    int k = 0;
    if (!commands[i].verb || strcmp(commands[i].group, group) != 0)
      continue;
    for (const char *w = commands[i].verb; *w && k + 1 < cli->argc; k++) {
      size_t len = strcspn(w, " ");
      if (strlen(cli->argv[k + 1]) != len || strncmp(cli->argv[k + 1], w, len) != 0)
        break;
      w += len;
      w += *w == ' ';
    }
    m = k > m ? k : m;
  }
  int unknown = m + 1 < cli->argc;
  char words[256];
  size_t used = (size_t)snprintf(words, sizeof words, "%s", group);
  for (int k = 1; k <= m + unknown && used < sizeof words; k++)
    used += (size_t)snprintf(words + used, sizeof words - used, " %s", cli->argv[k]);
  if (!unknown)
    fprintf(stderr, _("till: incomplete command '%s'\n"), words);
  else if (cli->argv[m + 1][0] == '-')
    fprintf(stderr, _("till: unknown command '%s' (a command's words come before its options)\n"),
            words);
  else
    fprintf(stderr, _("till: unknown command '%s'\n"), words);
}

/* Check the rest of the line against row <c>, then run it. */
static int
run_checked(cli_t *cli, const command_t *c)
{
  char err[512];
  cli->command = c;
  if (cli_check_words(c->options, c->min_args, c->max_args, commands_lead_words(c), cli->argc,
                      cli->argv, err, sizeof err) == 0)
    return c->fn(cli);
  fprintf(stderr, _("till: %s%s%s: %s\n"), c->group, c->verb ? " " : "", c->verb ? c->verb : "",
          err);
  /* a row without a verb (till void NUMBER) may be a mistyped verb: show
   * the group's other forms too */
  if (!c->verb)
    return group_usage_error(c->group);
  print_usage_lines(stderr, _(usage_of((size_t)(c - commands))), _("usage: "), "       ",
                    "till ", NULL, 0);
  return EXIT_USAGE;
}

int
commands_run(cli_t *cli)
{
  const char *group = cli->argc > 0 ? cli->argv[0] : NULL;
  const command_t *fallback = NULL;
  int known = 0;
  if (!group) {
    commands_usage(stderr);
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < N_COMMANDS; i++) {
    const command_t *c = &commands[i];
    if (!c->fn || strcmp(c->group, group) != 0)
      continue;
    known = 1;
    if (!c->verb)
      fallback = c;
    else if (verb_matches(cli, c->verb))
      return run_checked(cli, c);
  }
  if (fallback)
    return run_checked(cli, fallback);
  if (!known) {
    if (group[0] == '-')
      fprintf(stderr, _("till: unknown option '%s' before the command (a command's own options "
                        "follow it)\n"),
              group);
    else
      fprintf(stderr, _("till: unknown command '%s'\n"), group);
    commands_usage(stderr);
    return EXIT_USAGE;
  }
  say_unknown_verb(cli);
  return group_usage_error(group);
}
