/* cli_opt.c -- see cli_opt.h. The spec is parsed on every call: it is a
 * few dozen bytes, and keeping no state means the check and the lookups
 * cannot disagree about what a word is. */
#include "cli_opt.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "commands.h"
#include "i18n.h"
#include "till_money.h"
#include "till_names.h"
#include "till_util.h"

enum opt_kind { OPT_FLAG = 1, OPT_VALUE, OPT_REPEAT };

typedef struct {
  const char *name; /* "--method", not terminated: <len> bytes */
  size_t len;
  enum opt_kind kind;
} spec_opt_t;

/* Parse <spec> into <opts> (room for CLI_SPEC_MAX). 0, or -1 with <err>. */
static int
spec_parse(const char *spec, spec_opt_t *opts, int *n, char *err, size_t errlen)
{
  *n = 0;
  for (const char *p = spec ? spec : ""; *p;) {
    if (*p == ' ') {
      p++;
      continue;
    }
    size_t len = strcspn(p, " ");
    size_t name = strcspn(p, "= ");
    const char *tail = p + name;
    enum opt_kind kind = OPT_FLAG;
    if (name < len)
      kind = len - name == 1 ? OPT_VALUE : len - name == 2 && tail[1] == '*' ? OPT_REPEAT : 0;
    int ok = kind && *n < CLI_SPEC_MAX && name > 2 && name < CLI_OPT_NAME_MAX && p[0] == '-' &&
             p[1] == '-';
    for (size_t i = 2; ok && i < name; i++)
      ok = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-';
    if (!ok) {
      snprintf(err, errlen, "bad option spec '%.*s' (a bug in the command table)", (int)len, p);
      return -1;
    }
    opts[*n] = (spec_opt_t){p, name, kind};
    (*n)++;
    p += len;
  }
  return 0;
}

/* The entry of <opts> named by the first <len> bytes of <name>, or -1. */
static int
spec_find(const spec_opt_t *opts, int n, const char *name, size_t len)
{
  for (int i = 0; i < n; i++)
    if (opts[i].len == len && strncmp(opts[i].name, name, len) == 0)
      return i;
  return -1;
}

/* An option word: "-" then anything but a digit or '.', so "-5" and "-0.5"
 * (a negative number) and "-" alone are not. */
static int
is_option_word(const char *w)
{
  return w[0] == '-' && w[1] != '\0' && !(w[1] >= '0' && w[1] <= '9') && w[1] != '.';
}

/* The length of an option word's name: up to '=' for "--name=value". */
static size_t
name_len(const char *w)
{
  return w[1] == '-' ? strcspn(w, "=") : strlen(w);
}

/* Edit distance of two short strings, capped: at most CLI_OPT_NAME_MAX
 * bytes each (longer answers SIZE_MAX). */
static size_t
edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
  size_t row[CLI_OPT_NAME_MAX + 1];
  if (la > CLI_OPT_NAME_MAX || lb > CLI_OPT_NAME_MAX)
    return (size_t)-1;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

/* "unknown option 'W'", with the closest option of the spec when one is
 * at most two edits away, and fewer than half the letters of W. */
static void
unknown_option(const spec_opt_t *opts, int n, const char *w, char *err, size_t errlen)
{
  size_t len = name_len(w), best = 3;
  int pick = -1;
  for (int i = 0; i < n && len > 2; i++) {
    size_t d = edit_distance(w, len, opts[i].name, opts[i].len);
    if (d < best && 2 * d < len - 2) {
      best = d;
      pick = i;
    }
  }
  if (pick >= 0)
    snprintf(err, errlen, _("unknown option '%s' (did you mean '%.*s'?)"), w, (int)opts[pick].len,
             opts[pick].name);
  else
    snprintf(err, errlen, _("unknown option '%s'"), w);
}

/* argv[*i] is the spec's option <k>: its value (NULL for a flag) into
 * *value, *i moved past a separate value word, seen[k] counted. 0, or -1
 * with <err>. */
static int
take_option(const spec_opt_t *opts, int k, int *seen, int argc, char *const *argv, int *i,
            const char **value, char *err, size_t errlen)
{
  const char *w = argv[*i];
  size_t len = name_len(w);
  const char *eq = w[len] == '=' ? w + len + 1 : NULL;
  if (opts[k].kind == OPT_FLAG && eq) {
    snprintf(err, errlen, _("option '%.*s' takes no value: '%s'"), (int)len, w, w);
    return -1;
  }
  if (opts[k].kind != OPT_FLAG && !eq) {
    if (*i + 1 >= argc) {
      snprintf(err, errlen, _("option '%s' needs a value"), w);
      return -1;
    }
    if (strncmp(argv[*i + 1], "--", 2) == 0) {
      snprintf(err, errlen,
               _("option '%s' needs a value, not '%s' (a value that starts with -- is written "
                 "%s=VALUE)"),
               w, argv[*i + 1], w);
      return -1;
    }
    eq = argv[++*i];
  }
  if (eq && eq[0] == '\0') {
    snprintf(err, errlen, _("option '%.*s' has an empty value"), (int)len, w);
    return -1;
  }
  if (seen[k]++ && opts[k].kind != OPT_REPEAT) {
    snprintf(err, errlen, _("option '%.*s' given twice; it is allowed once"), (int)len, w);
    return -1;
  }
  *value = eq;
  return 0;
}

int
cli_check_words(const char *spec, int min_args, int max_args, int nlead, int argc,
                char *const *argv, char *err, size_t errlen)
{
  spec_opt_t opts[CLI_SPEC_MAX];
  int seen[CLI_SPEC_MAX] = {0};
  int n, nargs = 0;
  const char *value;
  err[0] = '\0';
  if (spec_parse(spec, opts, &n, err, errlen) != 0)
    return -1;
  for (int i = nlead; i < argc; i++) {
    const char *w = argv[i];
    if (is_option_word(w)) {
      int k = spec_find(opts, n, w, name_len(w));
      if (k < 0) {
        unknown_option(opts, n, w, err, errlen);
        return -1;
      }
      if (take_option(opts, k, seen, argc, argv, &i, &value, err, errlen) != 0)
        return -1;
      continue;
    }
    if (w[0] == '\0') {
      snprintf(err, errlen, _("an empty argument ('')"));
      return -1;
    }
    if (max_args >= 0 && nargs >= max_args) {
      if (max_args == 0)
        snprintf(err, errlen, _("unexpected argument '%s' (this command takes none)"), w);
      else
        snprintf(err, errlen, _("unexpected argument '%s' (at most %d)"), w, max_args);
      return -1;
    }
    nargs++;
  }
  if (nargs < min_args) {
    snprintf(err, errlen, _("missing argument: %d needed, %d given"), min_args, nargs);
    return -1;
  }
  return 0;
}

int
cli_take_options(const char *spec, int argc, char *const *argv, cli_taken_t *taken,
                 int *ntaken, char **rest, int *nrest, char *err, size_t errlen)
{
  spec_opt_t opts[CLI_SPEC_MAX];
  int seen[CLI_SPEC_MAX] = {0};
  int n;
  *ntaken = *nrest = 0;
  err[0] = '\0';
  if (spec_parse(spec, opts, &n, err, errlen) != 0)
    return -1;
  for (int i = 0; i < argc; i++) {
    const char *w = argv[i];
    int k = strncmp(w, "--", 2) == 0 ? spec_find(opts, n, w, name_len(w)) : -1;
    if (k < 0) {
      rest[(*nrest)++] = argv[i];
      continue;
    }
    cli_taken_t *t = &taken[(*ntaken)++];
    t->name = w;
    t->len = name_len(w);
    if (take_option(opts, k, seen, argc, argv, &i, &t->value, err, errlen) != 0)
      return -1;
  }
  return 0;
}

/* ---- lookups ------------------------------------------------------------ */

/* One word of a checked command line: an option (name set, value NULL for a
 * flag) or a positional argument (name NULL). */
typedef struct {
  const char *name;
  size_t len;
  const char *value;
} word_t;

typedef struct {
  cli_t *cli;
  spec_opt_t opts[CLI_SPEC_MAX];
  int n;       /* -1: no spec, guess */
  int i;       /* next index into argv */
} walk_t;

static void
walk_start(walk_t *wk, cli_t *cli)
{
  char err[160];
  const command_t *c = cli->command;
  wk->cli = cli;
  wk->i = 0;
  wk->n = -1;
  if (c && spec_parse(c->options, wk->opts, &wk->n, err, sizeof err) != 0)
    wk->n = 0; /* commands_run refused the line already */
}

/* The next word after the group and verb; 0 at the end. */
static int
walk_next(walk_t *wk, word_t *out)
{
  cli_t *cli = wk->cli;
  if (wk->i >= cli->argc)
    return 0;
  const char *w = cli->argv[wk->i++];
  if (!is_option_word(w)) {
    *out = (word_t){NULL, 0, w};
    return 1;
  }
  size_t len = name_len(w);
  *out = (word_t){w, len, w[len] == '=' ? w + len + 1 : NULL};
  if (out->value || wk->i >= cli->argc)
    return 1;
  int takes_value;
  if (wk->n >= 0) {
    int k = spec_find(wk->opts, wk->n, w, len);
    takes_value = k >= 0 && wk->opts[k].kind != OPT_FLAG;
  } else
    takes_value = strncmp(cli->argv[wk->i], "--", 2) != 0;
  if (takes_value)
    out->value = cli->argv[wk->i++];
  return 1;
}

const char *
cli_opt_nth(cli_t *cli, const char *name, int n)
{
  walk_t wk;
  word_t w;
  size_t len = strlen(name);
  walk_start(&wk, cli);
  while (walk_next(&wk, &w))
    if (w.name && w.len == len && strncmp(w.name, name, len) == 0 && w.value && n-- == 0)
      return w.value;
  return NULL;
}

const char *
cli_opt(cli_t *cli, const char *name)
{
  return cli_opt_nth(cli, name, 0);
}

int
cli_flag(cli_t *cli, const char *name)
{
  walk_t wk;
  word_t w;
  size_t len = strlen(name);
  walk_start(&wk, cli);
  while (walk_next(&wk, &w))
    if (w.name && w.len == len && strncmp(w.name, name, len) == 0)
      return 1;
  return 0;
}

const char *
cli_arg(cli_t *cli, int n)
{
  walk_t wk;
  word_t w;
  walk_start(&wk, cli);
  while (walk_next(&wk, &w))
    if (!w.name && n-- == 0)
      return w.value;
  return NULL;
}

int
cli_date_opt(cli_t *cli, const char *name, int end, int64_t *ms)
{
  const char *v = cli_opt(cli, name);
  int64_t from_s, to_s;
  *ms = 0;
  if (!v)
    return 0;
  if (till_day_bounds(v, &from_s, &to_s) != 0) {
    fprintf(stderr, "till: %s: %s must be a date YYYY-MM-DD, %s given\n",
            till_status_name(TILL_E_INVALID), name, v);
    return EXIT_SERVER_BASE + TILL_E_INVALID;
  }
  *ms = (end ? to_s : from_s) * 1000;
  return 0;
}

void
cli_zone_label(char *buf, size_t len)
{
  time_t now = time(NULL);
  struct tm tm;
  char z[8];
  if (!localtime_r(&now, &tm) || strftime(z, sizeof z, "%z", &tm) != 5) {
    snprintf(buf, len, "UTC?");
    return;
  }
  snprintf(buf, len, "UTC%.3s:%.2s", z, z + 3);
}

int
cli_method_amounts(const char *opt, const char *value, cli_method_amount_t *out, size_t *n)
{
  char buf[512];
  *n = 0;
  if (strlen(value) >= sizeof buf)
    return cli_usage_error(_("%s is too long"), opt);
  snprintf(buf, sizeof buf, "%s", value);
  char *save = NULL;
  /* bounded: the value is under 512 bytes, and parts stop at the maximum */
  for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (*n == CLI_METHOD_AMOUNTS_MAX)
      return cli_usage_error(_("%s: at most %d parts, one per method"), opt,
                             CLI_METHOD_AMOUNTS_MAX);
    char *eq = strchr(tok, '=');
    if (eq)
      *eq = '\0';
    cli_method_amount_t *p = &out[*n];
    memset(p, 0, sizeof *p);
    p->method = cli_method(opt, tok);
    if (!p->method)
      return EXIT_USAGE;
    p->has_amount = eq != NULL;
    if (eq && till_money_parse(eq + 1, &p->amount) != 0)
      return cli_usage_error(_("%s: the %s part: '%s' is not an amount like 100 or 1462.50"), opt,
                             tok, eq + 1);
    (*n)++;
  }
  return 0;
}

int
cli_method(const char *what, const char *name)
{
  char list[160];
  size_t used = 0;
  int m = till_method_from_name(name), folded = 0;
  if (m)
    return m;
  list[0] = '\0';
  for (int v = 1; v <= TILL_METHOD_MAX; v++) {
    const char *mn = till_method_name(v);
    folded |= strcasecmp(mn, name) == 0;
    int k = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", mn);
    if (k < 0 || (size_t)k >= sizeof list - used)
      break;
    used += (size_t)k;
  }
  fprintf(stderr, _("till: %s: unknown payment method '%s'; use one of %s%s\n"), what, name, list,
          folded ? _(" (names are lower case)") : "");
  return 0;
}
