/* report_band.c -- a collector's band against their target, worded once
 * for the client and the web console (report_band.h). */
#include "report_band.h"

#include <stdio.h>

#include "i18n.h"

const char *
report_band_key(int band)
{
  static const char *const keys[] = {"none", "within_5", "5_10", "10_15", "beyond_15"};
  return band >= 0 && band <= 4 ? keys[band] : "none";
}

void
report_band_text(char *buf, size_t len, const Till__V1__CashierMonth *c)
{
  switch (c->band) {
  case TILL__V1__TARGET_BAND__BAND_WITHIN_5: snprintf(buf, len, _("within 5%%")); break;
  case TILL__V1__TARGET_BAND__BAND_5_10:
    snprintf(buf, len, c->above ? _("5-10%% above") : _("5-10%% below"));
    break;
  case TILL__V1__TARGET_BAND__BAND_10_15:
    snprintf(buf, len, c->above ? _("10-15%% above") : _("10-15%% below"));
    break;
  case TILL__V1__TARGET_BAND__BAND_BEYOND_15:
    snprintf(buf, len, c->above ? _("beyond 15%% above") : _("beyond 15%% below"));
    break;
  default: snprintf(buf, len, "%s", _("no target")); break;
  }
}
