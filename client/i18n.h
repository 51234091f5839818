/* i18n.h -- the client's language: Simplified Chinese or English, through
 * gettext. Every text a user reads is written in English in the source and
 * wrapped in _() (translated where it is used) or N_() (a table entry,
 * translated later with _()). The translations are po/client/zh_CN.po
 * (domain "till") and po/server/zh_CN.po (domain "till-server": the
 * server's messages, which the server sends in English), compiled by msgfmt
 * at build time; docs/i18n.md says how to add a text. */
#ifndef TILL_I18N_H
#define TILL_I18N_H

#include <libintl.h>
#include <stddef.h>

#define I18N_DOMAIN "till"
#define I18N_SERVER_DOMAIN "till-server"

#define _(s) i18n_gettext(s)
#define N_(s) (s)

/* gettext(<s>) when the language in use (i18n_is_chinese) is Chinese, <s>
 * itself when it is English, the language the source is written in. */
const char *i18n_gettext(const char *s) __attribute__((format_arg(1)));

/* Choose the language once, before anything is printed: $TILL_LANG if set,
 * else <configured> (the `language` setting; may be NULL), else the
 * locale's ($LC_ALL, $LC_MESSAGES, $LANG). "zh..." is Chinese, anything
 * else English. Works whether or not the zh_CN locale is installed. */
void i18n_init(const char *configured);

/* 1 when the chosen language is Chinese: the calling thread's, when it
 * chose one with i18n_use, else the one i18n_init chose. */
int i18n_is_chinese(void);

/* For a program whose threads each answer in their own language
 * (till-web): bind the Chinese catalogs and load the server's message
 * formats once, before any thread starts. Afterwards each thread chooses
 * per request with i18n_use, which changes nothing shared (no setlocale,
 * no environment). */
void i18n_init_threads(void);
/* The calling thread's language from now on: Chinese when <chinese>. */
void i18n_use(int chinese);

/* The server's English message <msg> in the chosen language: when one of
 * the server's message formats matches it, its translation with the
 * figures and names taken from <msg>, written into buf; otherwise <msg>
 * itself. */
const char *i18n_server_message(const char *msg, char *buf, size_t len);

/* The matching behind i18n_server_message, for tests: of the <formats>
 * that match <msg> (a %s takes any text, an integer conversion only a
 * number) and whose translate() differs from them, the one with the most
 * literal text wins; its translation, filled in, goes into out. 1 if one
 * did. */
int i18n_translate_with(const char *const *formats, size_t n, const char *(*translate)(const char *),
                        const char *msg, char *out, size_t len);

/* Length of the printf conversion at <s> ('%' first), 0 if none. */
size_t i18n_conversion_len(const char *s);

#endif
