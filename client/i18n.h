/* i18n.h -- the client's language: Simplified Chinese or English, through
 * gettext (domain "till"). Every text a user reads is written in English in
 * the source and wrapped in _() (translated where it is used) or N_() (a
 * table entry, translated later with _()). The translations are po/*.po,
 * compiled by msgfmt at build time. */
#ifndef TILL_I18N_H
#define TILL_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Choose the language once, before anything is printed: $TILL_LANG if set,
 * else <configured> (the `language` setting; may be NULL), else the
 * locale's ($LC_ALL, $LC_MESSAGES, $LANG). "zh..." is Chinese, anything
 * else English. Works whether or not the zh_CN locale is installed. */
void i18n_init(const char *configured);

/* 1 when the chosen language is Chinese. */
int i18n_is_chinese(void);

#endif
