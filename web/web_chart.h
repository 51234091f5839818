/* web_chart.h -- the report pages' charts (web2, issue 24 item 3): SVG
 * drawn here on the server, with no script and no style attribute (the
 * CSP allows neither; colours come from the style sheet, classes "bar",
 * "bar-<key>", "band-<key>"). Each chart is a <figure> with a caption;
 * the page puts the same figures in a table under it. Every text drawn is
 * HTML-escaped. */
#ifndef TILL_WEB_CHART_H
#define TILL_WEB_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "web.h"

/* what a chart's values are */
typedef enum {
  WEB_UNIT_FEN = 0,  /* money, shown as yuan: "12.50" */
  WEB_UNIT_COUNT,    /* a number of things */
  WEB_UNIT_BP,       /* basis points, shown as a percentage: "98.76%" */
} web_unit_t;

typedef struct {
  const char *label; /* beside (bars) or under (columns) the bar */
  int64_t value;     /* a negative value is drawn as no bar */
  const char *key;   /* the bar's extra class "bar-<key>" (a-z 0-9 _ only), or NULL */
} web_bar_t;

/* Horizontal bars, one a row, each as long as its share of the largest,
 * its value at its end. <id> the <svg>'s id. */
void web_chart_bars(wreq_t *wr, const char *id, const char *caption, const web_bar_t *bars,
                    size_t n, web_unit_t unit);

/* Columns side by side (hours of a day, days of a month), the label under
 * each, the largest value on the axis and each value in the column's
 * tooltip (<title>). */
void web_chart_columns(wreq_t *wr, const char *id, const char *caption, const web_bar_t *bars,
                       size_t n, web_unit_t unit);

/* A collector against their target: the bands of ±5, 10 and 15 % around
 * the target shaded, the target a line, what was collected a bar coloured
 * by its band (band_key: "within_5", "5_10", "10_15", "beyond_15", "none"
 * without a target). */
typedef struct {
  const char *label;
  int64_t collected; /* fen */
  int64_t target;    /* fen; 0: none */
  const char *band_key;
} web_target_t;

void web_chart_targets(wreq_t *wr, const char *id, const char *caption, const web_target_t *rows,
                       size_t n);

/* <value> in <unit> into buf, as the charts and tables show it. */
const char *web_chart_value(int64_t value, web_unit_t unit, char *buf, size_t len);

#endif
