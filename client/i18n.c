/* i18n.c -- the client's language and the translation of the server's
 * messages; see i18n.h. */
#include "i18n.h"

#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef TILL_LOCALEDIR_BUILD
#define TILL_LOCALEDIR_BUILD ""
#endif
#ifndef TILL_LOCALEDIR_INSTALL
#define TILL_LOCALEDIR_INSTALL "/usr/local/share/locale"
#endif

static int chinese;
static const char *mo_dir; /* where the catalogs were found, or NULL */
/* the calling thread's choice (i18n_use): 0 none, 1 Chinese, 2 English */
static _Thread_local int thread_lang;

int
i18n_is_chinese(void)
{
  return thread_lang ? thread_lang == 1 : chinese;
}

void
i18n_use(int zh)
{
  thread_lang = zh ? 1 : 2;
}

const char *
i18n_gettext(const char *s)
{
  return i18n_is_chinese() ? gettext(s) : s;
}

/* 1 if <lang> ("zh_CN.UTF-8", "zh", "en_US") names Chinese. */
static int
names_chinese(const char *lang)
{
  return lang && strncmp(lang, "zh", 2) == 0;
}

/* The locale's language as the C library would choose it. */
static const char *
locale_language(void)
{
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && v[0])
      return v;
  }
  return NULL;
}

/* 1 if <dir> holds the Chinese catalog of the client. */
static int
has_catalog(const char *dir)
{
  char path[1024];
  struct stat sb;
  if (!dir || !dir[0])
    return 0;
  int n = snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo", dir);
  return n > 0 && (size_t)n < sizeof path && stat(path, &sb) == 0;
}

void
i18n_init(const char *configured)
{
  const char *lang = getenv("TILL_LANG");
  if (!lang || !lang[0])
    lang = configured && configured[0] ? configured : locale_language();
  chinese = names_chinese(lang);

  /* Display widths and multibyte text need a UTF-8 character type; the
   * zh_CN locale itself need not be installed, since gettext follows
   * $LANGUAGE once the locale is not "C". */
  if (!setlocale(LC_ALL, "") || strcmp(setlocale(LC_CTYPE, NULL), "C") == 0 ||
      strcmp(setlocale(LC_CTYPE, NULL), "POSIX") == 0)
    setlocale(LC_ALL, "C.UTF-8");
  setenv("LANGUAGE", chinese ? "zh_CN" : "en", 1);

  const char *env_dir = getenv("TILL_LOCALEDIR");
  if (has_catalog(env_dir))
    mo_dir = env_dir;
  else if (has_catalog(TILL_LOCALEDIR_BUILD))
    mo_dir = TILL_LOCALEDIR_BUILD;
  else if (has_catalog(TILL_LOCALEDIR_INSTALL))
    mo_dir = TILL_LOCALEDIR_INSTALL;
  else
    mo_dir = NULL;
  static int warned;
  if (chinese && !mo_dir && !warned++)
    fprintf(stderr, "till: the Chinese messages are not installed; using English\n");
  if (mo_dir) {
    bindtextdomain(I18N_DOMAIN, mo_dir);
    bindtextdomain(I18N_SERVER_DOMAIN, mo_dir);
  }
  bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
  bind_textdomain_codeset(I18N_SERVER_DOMAIN, "UTF-8");
  textdomain(I18N_DOMAIN);
}

/* ---- the server's messages -------------------------------------------------
 * The server answers in English, with the figures inside its sentences. Its
 * message formats are the msgids of the I18N_SERVER_DOMAIN catalog; the
 * catalog file (GNU .mo) is read here to list them, an answer is matched
 * against each format, and the translation is filled with the figures the
 * match took out. */

#define MO_MAGIC 0x950412deu
#define MO_MAX_BYTES (4u << 20)
#define MAX_ARGS 8

typedef struct {
  unsigned char *data;
  size_t len;
  uint32_t n;
  uint32_t orig_off;
} mo_t;

static uint32_t
mo_u32(const mo_t *mo, size_t off)
{
  uint32_t v;
  memcpy(&v, mo->data + off, 4);
  return v;
}

/* Load the server catalog of the chosen language; 0 or -1. */
static int
mo_load(mo_t *mo)
{
  char path[1024];
  memset(mo, 0, sizeof *mo);
  if (!mo_dir || !chinese)
    return -1;
  snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/" I18N_SERVER_DOMAIN ".mo", mo_dir);
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || sb.st_size < 28 || (uint64_t)sb.st_size > MO_MAX_BYTES) {
    fclose(f);
    return -1;
  }
  mo->len = (size_t)sb.st_size;
  mo->data = malloc(mo->len);
  if (!mo->data || fread(mo->data, 1, mo->len, f) != mo->len) {
    fclose(f);
    free(mo->data);
    mo->data = NULL;
    return -1;
  }
  fclose(f);
  mo->n = mo_u32(mo, 8);
  mo->orig_off = mo_u32(mo, 12);
  if (mo_u32(mo, 0) != MO_MAGIC || mo->orig_off > mo->len ||
      (uint64_t)mo->n * 8 > mo->len - mo->orig_off) {
    free(mo->data);
    mo->data = NULL;
    return -1;
  }
  return 0;
}

/* The i-th original string of <mo>, NUL-terminated in the file, or NULL. */
static const char *
mo_original(const mo_t *mo, uint32_t i)
{
  uint32_t len = mo_u32(mo, mo->orig_off + (size_t)i * 8);
  uint32_t off = mo_u32(mo, mo->orig_off + (size_t)i * 8 + 4);
  if ((uint64_t)off + len >= mo->len || mo->data[off + len] != '\0')
    return NULL;
  return (const char *)mo->data + off;
}

/* Length of the conversion at <s> (which starts with '%'): "%s", "%lld",
 * "%.*s", "%<PRId64>" (as xgettext writes the <inttypes.h> macros), "%1$s";
 * 0 if <s> is not one ("%%" is not). */
size_t
i18n_conversion_len(const char *s)
{
  size_t i = 1;
  if (s[i] == '<') {
    const char *end = strchr(s + i, '>');
    return end ? (size_t)(end - s) + 1 : 0;
  }
  while (s[i] >= '0' && s[i] <= '9')
    i++;
  if (s[i] == '$')
    i++;
  else
    i = 1;
  while (s[i] && strchr("-+ #0", s[i]))
    i++;
  while ((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '.')
    i++;
  while (s[i] && strchr("hljztL", s[i]))
    i++;
  if (s[i] == '<') { /* "%" PRId64 after a width */
    const char *end = strchr(s + i, '>');
    return end ? (size_t)(end - s) + 1 : 0;
  }
  return s[i] && strchr("diouxXcspfeEgG", s[i]) ? i + 1 : 0;
}

/* Match <msg> against the format <fmt>: its text literally, each conversion
 * against the shortest run after which the rest matches. Up to MAX_ARGS runs
 * into args[] as (start, length). 1 on a match. */
static int
match(const char *fmt, const char *msg, const char *args[], size_t arg_len[], int *nargs,
      int depth)
{
  if (depth > MAX_ARGS)
    return 0;
  while (*fmt) {
    if (fmt[0] == '%' && fmt[1] == '%') {
      if (*msg != '%')
        return 0;
      fmt += 2;
      msg++;
      continue;
    }
    size_t conv = fmt[0] == '%' ? i18n_conversion_len(fmt) : 0;
    if (conv) {
      if (*nargs >= MAX_ARGS)
        return 0;
      int k = (*nargs)++;
      const char *rest = fmt + conv;
      /* an integer conversion takes only a number */
      int integer = strchr("diouxX", fmt[conv - 1]) || fmt[conv - 1] == '>';
      size_t lit = strcspn(rest, "%");
      size_t avail = strlen(msg);
      /* a figure or a name is never empty; it ends where the format's next
       * text begins (or at the end of the message) */
      for (size_t take = 1; take <= avail; take++) {
        if (integer && !((msg[take - 1] >= '0' && msg[take - 1] <= '9') ||
                         (take == 1 && msg[0] == '-' && avail > 1)))
          break;
        if (!*rest && take != avail)
          continue;
        if (lit && strncmp(msg + take, rest, lit) != 0)
          continue;
        args[k] = msg;
        arg_len[k] = take;
        if (match(fmt + conv, msg + take, args, arg_len, nargs, depth + 1))
          return 1;
        *nargs = k + 1;
      }
      (*nargs)--;
      return 0;
    }
    if (*fmt != *msg)
      return 0;
    fmt++;
    msg++;
  }
  return *msg == '\0';
}

/* Fill <tr> with args[]: the n-th conversion (or "%N$…") takes the n-th.
 * With <out> NULL only counts. The length, or -1 when a conversion has no
 * argument. */
static long
render(const char *tr, const char *args[], const size_t arg_len[], int nargs, char *out)
{
  size_t used = 0;
  int next = 0;
  for (const char *p = tr; *p;) {
    size_t conv = p[0] == '%' && p[1] != '%' ? i18n_conversion_len(p) : 0;
    const char *piece = p;
    size_t piece_len = 1;
    if (p[0] == '%' && p[1] == '%') {
      p += 2;
    } else if (conv) {
      int k = next++;
      const char *dollar = memchr(p, '$', conv);
      if (dollar)
        k = atoi(p + 1) - 1;
      if (k < 0 || k >= nargs)
        return -1;
      piece = args[k];
      piece_len = arg_len[k];
      p += conv;
    } else {
      p++;
    }
    if (out)
      memcpy(out + used, piece, piece_len);
    used += piece_len;
  }
  if (out)
    out[used] = '\0';
  return (long)used;
}

/* The literal text of a format, in bytes: how specific it is. */
static size_t
literal_len(const char *fmt)
{
  size_t n = 0;
  for (const char *p = fmt; *p;) {
    size_t conv = p[0] == '%' && p[1] != '%' ? i18n_conversion_len(p) : 0;
    if (conv) {
      p += conv;
    } else {
      p += p[0] == '%' ? 2 : 1;
      n++;
    }
  }
  return n;
}

int
i18n_translate_with(const char *const *formats, size_t n, const char *(*translate)(const char *),
                    const char *msg, char *out, size_t len)
{
  const char *args[MAX_ARGS], *best_args[MAX_ARGS];
  size_t arg_len[MAX_ARGS], best_len[MAX_ARGS];
  const char *best_tr = NULL;
  size_t best_literal = 0;
  int best_nargs = 0;
  /* every format that matches and has a translation; the one with the most
   * literal text wins ("shift %lld is still open" over "shift %lld is %s") */
  for (size_t i = 0; i < n; i++) {
    int nargs = 0;
    if (!formats[i] || !formats[i][0] || !match(formats[i], msg, args, arg_len, &nargs, 0))
      continue;
    const char *tr = translate(formats[i]);
    size_t lit = literal_len(formats[i]);
    if (tr == formats[i] || (best_tr && lit <= best_literal))
      continue;
    long need = render(tr, args, arg_len, nargs, NULL);
    if (need < 0 || (size_t)need >= len)
      continue;
    best_tr = tr;
    best_literal = lit;
    best_nargs = nargs;
    memcpy(best_args, args, sizeof args);
    memcpy(best_len, arg_len, sizeof arg_len);
  }
  if (!best_tr)
    return 0;
  render(best_tr, best_args, best_len, best_nargs, out);
  return 1;
}

static const char *
server_gettext(const char *msgid)
{
  return dgettext(I18N_SERVER_DOMAIN, msgid);
}

/* The server catalog's message formats, loaded at the first call (or by
 * i18n_init_threads, before threads start); NULL when there are none. */
static const char *const *
server_formats(uint32_t *n)
{
  static mo_t mo;
  static int loaded; /* 1 loaded, -1 none */
  static const char **formats;
  if (!loaded)
    loaded = mo_load(&mo) == 0 ? 1 : -1;
  if (loaded < 0)
    return NULL;
  if (!formats) {
    formats = calloc(mo.n ? mo.n : 1, sizeof *formats);
    if (!formats)
      return NULL;
    for (uint32_t i = 0; i < mo.n; i++)
      formats[i] = mo_original(&mo, i);
  }
  *n = mo.n;
  return formats;
}

const char *
i18n_server_message(const char *msg, char *buf, size_t len)
{
  uint32_t n = 0;
  if (!i18n_is_chinese() || !msg)
    return msg;
  const char *const *formats = server_formats(&n);
  if (!formats)
    return msg;
  return i18n_translate_with(formats, n, server_gettext, msg, buf, len) ? buf : msg;
}

void
i18n_init_threads(void)
{
  uint32_t n;
  i18n_init("zh_CN"); /* LANGUAGE=zh_CN: gettext's answer when a thread wants Chinese */
  (void)server_formats(&n);
}
