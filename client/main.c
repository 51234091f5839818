/* main.c -- till, the command-line client.
 *
 *   till [GLOBAL OPTIONS] COMMAND [ARGS]
 *
 * Global options may stand anywhere: --config FILE, --server HOST:PORT,
 * --ca FILE, --cert FILE, --key FILE, --session FILE, --timeout SECONDS,
 * --json (COMMANDS_GLOBAL_OPTIONS); each at most once, a value as
 * "--server X" or "--server=X", by the rules of cli_opt.h. The
 * configuration file is --config, else $TILL_CONFIG, else
 * ~/.config/till/till.conf if it exists; flags override it. Its `language`
 * (zh_CN or en) chooses the language, unless $TILL_LANG does. Relative paths
 * in a configuration file are relative to the file's folder. The
 * commands, and their usage, are the table in commands.c. */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_opt.h"
#include "commands.h"
#include "i18n.h"
#include "till_conf.h"
#include "till_util.h"

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
  else if (strcmp(key, "language") == 0) {
    if (strcmp(value, "zh_CN") != 0 && strcmp(value, "en") != 0) {
      snprintf(err, errlen, _("language: '%s' is not one of zh_CN, en"), value);
      return -1;
    }
    snprintf(cfg->language, sizeof cfg->language, "%s", value);
  } else if (strcmp(key, "timeout") == 0) {
    int64_t t;
    if (till_parse_i64(value, 1, 3600, &t) != 0) {
      snprintf(err, errlen, _("timeout: '%s' is not a number of seconds from 1 to 3600"), value);
      return -1;
    }
    cfg->timeout = (int)t;
  } else {
    snprintf(err, errlen, _("unknown setting '%s'"), key);
    return -1;
  }
  if (bad) {
    snprintf(err, errlen, _("%s: value too long"), key);
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
      snprintf(err, errlen, _("%s: line %d: %s"), path, conf->entries[i].line, inner);
      rc = -1;
    }
  }
  till_conf_free(conf);
  return rc;
}

/* The value of global option <name> in <taken>, or NULL. */
static const char *
taken_value(const cli_taken_t *taken, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (taken[i].len == strlen(name) && strncmp(taken[i].name, name, taken[i].len) == 0)
      return taken[i].value ? taken[i].value : "";
  return NULL;
}

/* Load the configuration file (--config, $TILL_CONFIG or the default),
 * then apply the global options on top of it. 0, or EXIT_USAGE after the
 * message. */
static int
configure(client_cfg_t *cfg, const cli_taken_t *taken, int ntaken, const char *home)
{
  static const char *const path_opts[] = {"--server", "--ca",      "--cert",
                                          "--key",    "--session", "--timeout"};
  char err[1200];
  const char *config = taken_value(taken, ntaken, "--config");
  if (!config)
    config = getenv("TILL_CONFIG");
  if (config) {
    if (load_config(cfg, config, 1, err, sizeof err) != 0) {
      fprintf(stderr, "till: %s\n", err);
      return EXIT_USAGE;
    }
  } else if (home) {
    char def[1024];
    snprintf(def, sizeof def, "%s/.config/till/till.conf", home);
    if (load_config(cfg, def, 0, err, sizeof err) != 0) {
      fprintf(stderr, "till: %s\n", err);
      return EXIT_USAGE;
    }
  }
  i18n_init(cfg->language);
  for (size_t k = 0; k < sizeof path_opts / sizeof path_opts[0]; k++) {
    const char *v = taken_value(taken, ntaken, path_opts[k]);
    if (v && apply(cfg, path_opts[k] + 2, v, NULL, err, sizeof err) != 0) {
      fprintf(stderr, "till: %s\n", err);
      return EXIT_USAGE;
    }
  }
  return 0;
}

int
main(int argc, char **argv)
{
  cli_t cli;
  char err[512];
  int rc = EXIT_USAGE, ntaken, nrest;
  /* a server that refused us may have closed the socket already: a write
   * must fail with EPIPE and be reported, not kill the client */
  signal(SIGPIPE, SIG_IGN);
  /* the locale's language until the configuration names one */
  i18n_init(NULL);
  memset(&cli, 0, sizeof cli);
  client_cfg_t *cfg = &cli.cfg;
  snprintf(cfg->server, sizeof cfg->server, "127.0.0.1:7443");
  snprintf(cfg->ca, sizeof cfg->ca, "certs/dev/ca.crt");
  snprintf(cfg->cert, sizeof cfg->cert, "certs/dev/terminal-T-LANE-01.crt");
  snprintf(cfg->key, sizeof cfg->key, "certs/dev/terminal-T-LANE-01.key");
  const char *home = getenv("HOME");
  snprintf(cfg->session_file, sizeof cfg->session_file, "%s/.till_session", home ? home : ".");
  cfg->timeout = 30;

  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  cli_taken_t *taken = calloc((size_t)argc + 1, sizeof *taken);
  if (!rest || !taken) {
    fprintf(stderr, "%s", _("till: out of memory\n"));
    rc = 1;
    goto done;
  }
  /* the global options, from anywhere on the line; the rest is the command's */
  if (cli_take_options(COMMANDS_GLOBAL_OPTIONS, argc - 1, argv + 1, taken, &ntaken, rest, &nrest,
                       err, sizeof err) != 0) {
    fprintf(stderr, "till: %s\n", err);
    fprintf(stderr, "%s\n", _("usage: till [GLOBAL OPTIONS] COMMAND ...   (till --help lists them)"));
    goto done;
  }
  if ((rc = configure(cfg, taken, ntaken, home)) != 0)
    goto done;
  /* --help (or -h) anywhere: print the usage, send nothing */
  int help = taken_value(taken, ntaken, "--help") != NULL;
  for (int i = 0; i < nrest && !help; i++)
    help = strcmp(rest[i], "-h") == 0;
  if (help) {
    commands_usage(stdout);
    rc = 0;
    goto done;
  }
  cli.json = taken_value(taken, ntaken, "--json") != NULL;
  cli.argc = nrest;
  cli.argv = rest;
  rc = commands_run(&cli);
  cli_disconnect(&cli);
 done:
  free(taken);
  free(rest);
  return rc;
}
