/* main.c -- till, the command-line client.
 *
 *   till [GLOBAL OPTIONS] COMMAND [ARGS]
 *
 * Global options may stand anywhere: --config FILE, --server HOST:PORT,
 * --ca FILE, --cert FILE, --key FILE, --session FILE, --timeout SECONDS,
 * --json. The configuration file is --config, else $TILL_CONFIG, else
 * ~/.config/till/till.conf if it exists; flags override it. Relative paths
 * in a configuration file are relative to the file's folder. */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "till_conf.h"
#include "till_util.h"

static void
usage(FILE *f)
{
  fprintf(f,
          "usage: till [--config FILE] [--server HOST:PORT] [--ca FILE] [--cert FILE]\n"
          "            [--key FILE] [--session FILE] [--timeout S] [--json] COMMAND ...\n"
          "commands:\n"
          "  login USER                 log in on this terminal (password: TILL_PASSWORD or stdin)\n"
          "  logout                     end the session\n"
          "  whoami                     show the session\n"
          "  admin user add|list|disable      manage users (admin)\n"
          "  admin terminal add|list|disable  manage terminals (admin)\n"
          "  admin series add|list      receipt series (add: admin; list: admin, supervisor, auditor)\n"
          "  admin item add|list        the price table (add: admin; list: any role)\n"
          "  sale ITEM[:QTY]... --method M [--tendered YUAN]   post a sale (cashier)\n"
          "  receipt show|reprint NUMBER                       look up / reprint a receipt\n"
          "  void NUMBER --reason TEXT                         request a void (cashier)\n"
          "  void approve|reject ID [--note TEXT] | void list  decide voids (supervisor)\n"
          "  shift open|status|close|approve|list             cash-drawer shifts\n"
          "  deposit create|confirm|pending                   cash to the bank (supervisor)\n"
          "  audit verify [--pubkey FILE] | pubkey | checkpoint  the chain (auditor/supervisor)\n"
          "  audit receipts --series S [--from N] [--to N]       receipt continuity (auditor/supervisor)\n"
          "  audit txn ID                                        one transaction (auditor/supervisor)\n"
          "  audit export [--from DATE] [--to DATE] > FILE       signed export (auditor)\n"
          "  audit verify --file FILE [--pubkey PEM]             check an export offline\n"
          "  report monthly [--month YYYY-MM]                    monthly settlement (supervisor/auditor)\n"
          "  target set --cashier U --month YYYY-MM --amount YUAN  a cashier's target (supervisor)\n"
          "  audit ledger [--from DATE] [--to DATE] [--terminal ID] [--cashier U] [--shift N]\n"
          "        [--account A] [--kind K] [--series S] [--receipt-from N] [--receipt-to N]\n"
          "        [--min YUAN] [--max YUAN] [--method M] [--page-size N] [--json | --csv]\n"
          "                                                      query the journal (auditor/supervisor)\n"
          "  report daily [--date YYYY-MM-DD]   the day's takings, receipts, shifts, deposits\n"
          "                                     (supervisor/auditor; default: the server's today)\n"
          "  day close --date YYYY-MM-DD        close the day: sign the chain head (supervisor)\n"
          "See docs/cli.md.\n");
}

static int
set_path(char *dst, size_t cap, const char *value, const char *base_dir)
{
  int n;
  if (base_dir && value[0] != '/')
    n = snprintf(dst, cap, "%s/%s", base_dir, value);
  else
    n = snprintf(dst, cap, "%s", value);
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int
apply(client_cfg_t *cfg, const char *key, const char *value, const char *base_dir, char *err,
      size_t errlen)
{
  int bad = 0;
  if (strcmp(key, "server") == 0)
    bad = snprintf(cfg->server, sizeof cfg->server, "%s", value) >= (int)sizeof cfg->server;
  else if (strcmp(key, "ca") == 0)
    bad = set_path(cfg->ca, sizeof cfg->ca, value, base_dir);
  else if (strcmp(key, "cert") == 0)
    bad = set_path(cfg->cert, sizeof cfg->cert, value, base_dir);
  else if (strcmp(key, "key") == 0)
    bad = set_path(cfg->key, sizeof cfg->key, value, base_dir);
  else if (strcmp(key, "session") == 0 || strcmp(key, "session_file") == 0)
    bad = set_path(cfg->session_file, sizeof cfg->session_file, value, base_dir);
  else if (strcmp(key, "timeout") == 0) {
    int64_t t;
    if (till_parse_i64(value, 1, 3600, &t) != 0) {
      snprintf(err, errlen, "timeout: '%s' is not a number of seconds from 1 to 3600", value);
      return -1;
    }
    cfg->timeout = (int)t;
  } else {
    snprintf(err, errlen, "unknown setting '%s'", key);
    return -1;
  }
  if (bad) {
    snprintf(err, errlen, "%s: value too long", key);
    return -1;
  }
  return 0;
}

static int
load_config(client_cfg_t *cfg, const char *path, int must_exist, char *err, size_t errlen)
{
  char inner[512], dirbuf[1024];
  if (!must_exist && access(path, F_OK) != 0)
    return 0;
  till_conf_t *conf = till_conf_load(path, err, errlen);
  if (!conf)
    return -1;
  snprintf(dirbuf, sizeof dirbuf, "%s", path);
  const char *dir = dirname(dirbuf);
  int rc = 0;
  for (size_t i = 0; i < conf->n && rc == 0; i++) {
    if (apply(cfg, conf->entries[i].key, conf->entries[i].value, dir, inner, sizeof inner) != 0) {
      snprintf(err, errlen, "%s: line %d: %s", path, conf->entries[i].line, inner);
      rc = -1;
    }
  }
  till_conf_free(conf);
  return rc;
}

int
main(int argc, char **argv)
{
  cli_t cli;
  char err[1200];
  const char *config = NULL;
  /* a server that refused us may have closed the socket already: a write
   * must fail with EPIPE and be reported, not kill the client */
  signal(SIGPIPE, SIG_IGN);
  memset(&cli, 0, sizeof cli);
  client_cfg_t *cfg = &cli.cfg;
  snprintf(cfg->server, sizeof cfg->server, "127.0.0.1:7443");
  snprintf(cfg->ca, sizeof cfg->ca, "certs/dev/ca.crt");
  snprintf(cfg->cert, sizeof cfg->cert, "certs/dev/terminal-T-LANE-01.crt");
  snprintf(cfg->key, sizeof cfg->key, "certs/dev/terminal-T-LANE-01.key");
  const char *home = getenv("HOME");
  snprintf(cfg->session_file, sizeof cfg->session_file, "%s/.till_session", home ? home : ".");
  cfg->timeout = 30;

  static const char *const path_opts[] = {"--server", "--ca", "--cert", "--key", "--session",
                                          "--timeout"};
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  if (!rest)
    return 1;
  int nrest = 0;
  /* pass 1: find the config file */
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
      config = argv[i + 1];
  if (!config)
    config = getenv("TILL_CONFIG");
  if (config) {
    if (load_config(cfg, config, 1, err, sizeof err) != 0) {
      fprintf(stderr, "till: %s\n", err);
      free(rest);
      return EXIT_USAGE;
    }
  } else if (home) {
    char def[1024];
    snprintf(def, sizeof def, "%s/.config/till/till.conf", home);
    if (load_config(cfg, def, 0, err, sizeof err) != 0) {
      fprintf(stderr, "till: %s\n", err);
      free(rest);
      return EXIT_USAGE;
    }
  }
  /* pass 2: global flags override; everything else is the command's */
  for (int i = 1; i < argc; i++) {
    int consumed = 0;
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      i++;
      continue;
    }
    if (strcmp(argv[i], "--json") == 0) {
      cli.json = 1;
      continue;
    }
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      free(rest);
      return 0;
    }
    for (size_t k = 0; k < sizeof path_opts / sizeof path_opts[0]; k++) {
      if (strcmp(argv[i], path_opts[k]) == 0) {
        if (i + 1 >= argc) {
          fprintf(stderr, "till: %s needs a value\n", argv[i]);
          free(rest);
          return EXIT_USAGE;
        }
        if (apply(cfg, argv[i] + 2, argv[i + 1], NULL, err, sizeof err) != 0) {
          fprintf(stderr, "till: %s\n", err);
          free(rest);
          return EXIT_USAGE;
        }
        i++;
        consumed = 1;
        break;
      }
    }
    if (!consumed)
      rest[nrest++] = argv[i];
  }
  cli.argc = nrest;
  cli.argv = rest;
  const char *cmd = cli_arg(&cli, 0);
  int rc;
  if (!cmd) {
    usage(stderr);
    rc = EXIT_USAGE;
  } else if (strcmp(cmd, "login") == 0)
    rc = cmd_login(&cli);
  else if (strcmp(cmd, "logout") == 0)
    rc = cmd_logout(&cli);
  else if (strcmp(cmd, "whoami") == 0)
    rc = cmd_whoami(&cli);
  else if (strcmp(cmd, "admin") == 0)
    rc = cmd_admin(&cli);
  else if (strcmp(cmd, "sale") == 0)
    rc = cmd_sale(&cli);
  else if (strcmp(cmd, "receipt") == 0)
    rc = cmd_receipt(&cli);
  else if (strcmp(cmd, "void") == 0)
    rc = cmd_void(&cli);
  else if (strcmp(cmd, "audit") == 0)
    rc = cmd_audit(&cli);
  else if (strcmp(cmd, "shift") == 0)
    rc = cmd_shift(&cli);
  else if (strcmp(cmd, "deposit") == 0)
    rc = cmd_deposit(&cli);
  else if (strcmp(cmd, "report") == 0)
    rc = cmd_report(&cli);
  else if (strcmp(cmd, "day") == 0)
    rc = cmd_day(&cli);
  else if (strcmp(cmd, "target") == 0)
    rc = cmd_target(&cli);
  else {
    fprintf(stderr, "till: unknown command '%s'\n", cmd);
    usage(stderr);
    rc = EXIT_USAGE;
  }
  free(rest);
  return rc;
}
