/* web_chart.c -- the report pages' SVG charts; see web_chart.h. Sizes are
 * in the SVG's own units: the <svg> scales to the page's width (CSS
 * max-width:100%), so the same drawing serves a 1366-pixel screen, a
 * phone and paper. Only integers: a bar's length is value × span ÷ max,
 * computed in 64 bits (a value is at most a day's or a month's takings in
 * fen, far below 2^63 ÷ 1000). */
#include "web_chart.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "till_money.h"

#define CHART_W 640
#define BAR_H 24
#define GAP 8
#define FONT_W 10   /* an ASCII character, with room for the phone's larger text */
#define FONT_CJK 18 /* a CJK character, likewise */
#define LABEL_MAX 260
#define VALUE_W 96
#define COL_AREA_H 200
#define AXIS_W 72

const char *
web_chart_value(int64_t value, web_unit_t unit, char *buf, size_t len)
{
  if (unit == WEB_UNIT_FEN) {
    if (till_money_format(value, buf, len) != 0)
      snprintf(buf, len, "?");
  } else if (unit == WEB_UNIT_BP) {
    uint64_t mag = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    snprintf(buf, len, "%s%llu.%02llu%%", value < 0 ? "-" : "", (unsigned long long)(mag / 100),
             (unsigned long long)(mag % 100));
  } else {
    snprintf(buf, len, "%lld", (long long)value);
  }
  return buf;
}

/* The width <s> takes at 14 px, roughly: a CJK character (a 3-byte UTF-8
 * sequence) is square, others about half as wide. */
static int
text_width(const char *s)
{
  int w = 0;
  for (size_t i = 0; s && s[i] && i < 1024; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
      w += FONT_W;
    else if (c >= 0xE0)
      w += FONT_CJK;
    else if (c >= 0xC0)
      w += FONT_W + 1;
  }
  return w;
}

/* A class name from a key: only a-z 0-9 _ - pass, so a key from tilld
 * (a method, a band) never breaks out of the attribute. */
static void
class_key(wreq_t *wr, const char *prefix, const char *key)
{
  if (!key || !key[0])
    return;
  web_printf(wr, " %s", prefix);
  for (size_t i = 0; key[i] && i < 32; i++) {
    char c = key[i];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')
      web_printf(wr, "%c", c);
  }
}

static void
svg_open(wreq_t *wr, const char *id, const char *caption, int w, int h)
{
  web_printf(wr, "<figure class=\"chart\"><svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"",
             id, w, h, w, h);
  web_esc(wr, caption);
  web_printf(wr, "\">");
}

static void
svg_close(wreq_t *wr, const char *caption)
{
  web_printf(wr, "</svg><figcaption>");
  web_esc(wr, caption);
  web_printf(wr, "</figcaption></figure>\n");
}

static int64_t
max_value(const web_bar_t *bars, size_t n)
{
  int64_t max = 0;
  for (size_t i = 0; i < n; i++)
    if (bars[i].value > max)
      max = bars[i].value;
  return max;
}

/* <value> × <span> ÷ <max>, at least 1 for a positive value */
static int
scaled(int64_t value, int span, int64_t max)
{
  if (value <= 0 || max <= 0)
    return 0;
  int64_t w = value * span / max;
  return w < 1 ? 1 : (int)w;
}

static void
no_data(wreq_t *wr, int y)
{
  web_printf(wr, "<text x=\"8\" y=\"%d\" class=\"label\">%s</text>", y, _("Nothing to show."));
}

void
web_chart_bars(wreq_t *wr, const char *id, const char *caption, const web_bar_t *bars, size_t n,
               web_unit_t unit)
{
  char v[48];
  int label_w = 40;
  for (size_t i = 0; i < n; i++) {
    int w = text_width(bars[i].label) + 16;
    if (w > label_w)
      label_w = w < LABEL_MAX ? w : LABEL_MAX;
  }
  int h = (int)(n ? n : 1) * (BAR_H + GAP) + GAP;
  int span = CHART_W - label_w - VALUE_W;
  int64_t max = max_value(bars, n);
  svg_open(wr, id, caption, CHART_W, h);
  if (n == 0)
    no_data(wr, 24);
  for (size_t i = 0; i < n; i++) {
    int y = GAP + (int)i * (BAR_H + GAP);
    int w = scaled(bars[i].value, span, max);
    web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">", label_w - 8,
               y + BAR_H - 7);
    web_esc(wr, bars[i].label);
    web_printf(wr, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar", label_w,
               y, w, BAR_H);
    class_key(wr, "bar-", bars[i].key);
    web_printf(wr, "\"></rect><text x=\"%d\" y=\"%d\" class=\"value\">%s</text>", label_w + w + 6,
               y + BAR_H - 7, web_chart_value(bars[i].value, unit, v, sizeof v));
  }
  svg_close(wr, caption);
}

void
web_chart_columns(wreq_t *wr, const char *id, const char *caption, const web_bar_t *bars,
                  size_t n, web_unit_t unit)
{
  char v[48];
  int top = 12, base = top + COL_AREA_H, h = base + 40;
  int64_t max = max_value(bars, n);
  int slot = n ? (CHART_W - AXIS_W - 8) / (int)n : 0;
  if (slot > 60)
    slot = 60;
  int col = slot > 6 ? slot - slot / 4 : slot;
  svg_open(wr, id, caption, CHART_W, h);
  /* the axis: zero and the largest value */
  web_printf(wr, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"></line>", AXIS_W,
             base, CHART_W - 4, base);
  web_printf(wr, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"></line>", AXIS_W,
             top, CHART_W - 4, top);
  web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>",
             AXIS_W - 4, top + 5, web_chart_value(max, unit, v, sizeof v));
  web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>",
             AXIS_W - 4, base);
  if (n == 0)
    no_data(wr, base - 20);
  /* every label when they fit, else every k-th */
  int every = 1;
  while (slot > 0 && slot * every < 30 && every < 32)
    every++;
  for (size_t i = 0; i < n; i++) {
    int x = AXIS_W + 4 + (int)i * slot;
    int hh = scaled(bars[i].value, COL_AREA_H, max);
    web_printf(wr, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar", x, base - hh,
               col, hh);
    class_key(wr, "bar-", bars[i].key);
    web_printf(wr, "\"><title>");
    web_esc(wr, bars[i].label);
    web_printf(wr, ": %s</title></rect>", web_chart_value(bars[i].value, unit, v, sizeof v));
    if (i % (size_t)every == 0) {
      web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">", x + col / 2,
                 base + 18);
      web_esc(wr, bars[i].label);
      web_printf(wr, "</text>");
    }
  }
  svg_close(wr, caption);
}

/* <fen> × <pct> ÷ 100 as an x position on a scale of <span> for <max> */
static int
at_share(int64_t fen, int pct, int span, int64_t max)
{
  return scaled(fen * pct / 100, span, max);
}

void
web_chart_targets(wreq_t *wr, const char *id, const char *caption, const web_target_t *rows,
                  size_t n)
{
  char v[48];
  int label_w = 40;
  int64_t max = 0;
  for (size_t i = 0; i < n; i++) {
    int w = text_width(rows[i].label) + 16;
    if (w > label_w)
      label_w = w < LABEL_MAX ? w : LABEL_MAX;
    if (rows[i].collected > max)
      max = rows[i].collected;
    /* room for the band beyond 15 % above */
    if (rows[i].target > 0 && rows[i].target * 120 / 100 > max)
      max = rows[i].target * 120 / 100;
  }
  int h = (int)(n ? n : 1) * (BAR_H + 2 * GAP) + GAP;
  int span = CHART_W - label_w - VALUE_W;
  svg_open(wr, id, caption, CHART_W, h);
  if (n == 0)
    no_data(wr, 24);
  for (size_t i = 0; i < n; i++) {
    const web_target_t *t = &rows[i];
    int y = GAP + (int)i * (BAR_H + 2 * GAP);
    web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">", label_w - 8,
               y + BAR_H);
    web_esc(wr, t->label);
    web_printf(wr, "</text>");
    if (t->target > 0) {
      /* the widest band under the narrower ones */
      static const struct {
        int lo, hi;
        const char *cls;
      } band[] = {{85, 115, "band-15"}, {90, 110, "band-10"}, {95, 105, "band-5"}};
      for (size_t b = 0; b < 3; b++) {
        int x0 = at_share(t->target, band[b].lo, span, max);
        int x1 = at_share(t->target, band[b].hi, span, max);
        web_printf(wr, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"%s\"></rect>",
                   label_w + x0, y, x1 - x0, BAR_H + GAP, band[b].cls);
      }
    }
    int w = scaled(t->collected, span, max);
    web_printf(wr, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"bar", label_w,
               y + GAP / 2 + 4, w, BAR_H - 8);
    class_key(wr, "bar-", t->band_key);
    web_printf(wr, "\"><title>%s</title></rect>", web_chart_value(t->collected, WEB_UNIT_FEN, v,
                                                                   sizeof v));
    if (t->target > 0) {
      int x = label_w + scaled(t->target, span, max);
      web_printf(wr, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"target\"><title>%s "
                     "%s</title></line>",
                 x, y - 2, x, y + BAR_H + GAP + 2, _("target"),
                 web_chart_value(t->target, WEB_UNIT_FEN, v, sizeof v));
    }
    web_printf(wr, "<text x=\"%d\" y=\"%d\" class=\"value\">%s</text>",
               label_w + (w > 0 ? w : 0) + 6 > CHART_W - VALUE_W ? CHART_W - VALUE_W + 6
                                                                 : label_w + w + 6,
               y + BAR_H, web_chart_value(t->collected, WEB_UNIT_FEN, v, sizeof v));
  }
  svg_close(wr, caption);
}
