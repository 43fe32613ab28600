/*
 * out_html.c — the review page: one self-contained HTML file (no script, no external resource)
 * with the two documents side by side, one row per bead, every sentence numbered, unaligned
 * sentences shown, Arabic cells right to left, and rows coloured by the pair's score. With
 * model 2 the score is the probability that the pair is right, so the colours say how often such
 * rows are wrong: green at 0.9 and above (one in ten or fewer), yellow from 0.5, red below 0.5
 * (more likely wrong than right).
 */
#include <string.h>

#include "align/align_int.h"
#include "util/util_int.h"
#include "util/plural.h"

#define HTML_HI 0.9
#define HTML_MID 0.5

static int is_rtl(const char *lang)
{
    static const char *const rtl[] = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"};
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
        if (jisr_lang_matches(lang, rtl[i]))
            return 1;
    return 0;
}

static int html_cell(jisr_buf *b, const char *lang, const jisr_sentences *s, size_t start, size_t n)
{
    int rc = jisr_buf_puts(b, "<td lang=\"");
    if (rc == 0)
        rc = jisr_buf_markup(b, lang, 1);
    if (rc == 0)
        rc = jisr_buf_printf(b, "\" dir=\"%s\">", is_rtl(lang) ? "rtl" : "ltr");
    for (size_t k = 0; rc == 0 && k < n && start + k < s->n; k++) {
        rc = jisr_buf_printf(b, "<span class=\"n\">%zu</span> ", start + k + 1);
        if (rc == 0)
            rc = jisr_buf_markup(b, s->v[start + k], 1);
        if (rc == 0 && k + 1 < n)
            rc = jisr_buf_puts(b, "<br>");
    }
    return rc < 0 ? rc : jisr_buf_puts(b, "</td>");
}

int al_render_html(jisr_buf *b, const jisr_align_out *o, const jisr_sentences *src,
                   const jisr_sentences *tgt, const jisr_ladder *l)
{
    size_t pairs = 0, unal = 0, weak = 0;
    const char *title = o->title ? o->title : "jisr alignment";
    const char *sl = o->srclang ? o->srclang : "", *tl = o->tgtlang ? o->tgtlang : "";
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i].nsrc || !l->v[i].ntgt)
            unal += l->v[i].nsrc + l->v[i].ntgt;
        else if (l->v[i].score < o->min_score)
            weak++;
        else
            pairs++;
    }
    int rc =
        jisr_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<meta name=\"viewport\" content=\"width=device-width, "
                         "initial-scale=1\">\n<title>");
    if (rc == 0)
        rc = jisr_buf_markup(b, title, 1);
    if (rc == 0)
        rc = jisr_buf_puts(
            b, "</title>\n<style>\n"
               "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
               "table{border-collapse:collapse;width:100%;table-layout:fixed}\n"
               "td,th{border:1px solid #ccc;padding:.4em .6em;vertical-align:top}\n"
               "td.s{width:5em;text-align:right;font-variant-numeric:tabular-nums}\n"
               "td[dir=rtl]{font-size:1.1em;text-align:right}\n"
               ".n{color:#888;font-size:.75em}\n"
               "tr.hi{background:#e3f6e3}tr.mid{background:#fff6d5}tr.lo{background:#fde2e0}\n"
               "tr.un{background:#eee;color:#555;font-style:italic}\n"
               "tr.weak{opacity:.55}\n"
               ".legend span{display:inline-block;padding:.1em .6em;margin-right:.5em}\n"
               "</style>\n</head>\n<body>\n<h1>");
    if (rc == 0)
        rc = jisr_buf_markup(b, title, 1);
    if (rc == 0)
        rc = jisr_buf_printf(b,
                             "</h1>\n<p>%zu source and %zu target %s: %zu %s, %zu unaligned "
                             "%s, %zu %s below --min-score.</p>\n",
                             src->n, tgt->n, jisr_plural(tgt->n, "sentence", "sentences"), pairs,
                             jisr_plural(pairs, "pair", "pairs"), unal,
                             jisr_plural(unal, "sentence", "sentences"), weak,
                             jisr_plural(weak, "pair", "pairs"));
    if (rc == 0)
        rc = jisr_buf_puts(b, "<p class=\"legend\">The score is the probability that the pair is "
                              "right. <span style=\"background:#e3f6e3\">likely right "
                              "(&ge; 0.9)</span><span style=\"background:#fff6d5\">check "
                              "(0.5&ndash;0.9)</span><span style=\"background:#fde2e0\">doubtful "
                              "(&lt; 0.5)</span><span style=\"background:#eee\">unaligned</span>"
                              "</p>\n<table>\n<tr><th>");
    if (rc == 0)
        rc = jisr_buf_markup(b, sl, 1);
    if (rc == 0)
        rc = jisr_buf_puts(b, "</th><th>");
    if (rc == 0)
        rc = jisr_buf_markup(b, tl, 1);
    if (rc == 0)
        rc = jisr_buf_puts(b, "</th><th style=\"width:5em\">score</th></tr>\n");
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *bd = &l->v[i];
        const char *cls = !bd->nsrc || !bd->ntgt  ? "un"
                          : bd->score >= HTML_HI  ? "hi"
                          : bd->score >= HTML_MID ? "mid"
                                                  : "lo";
        rc = jisr_buf_printf(b, "<tr class=\"%s%s\">", cls,
                             bd->nsrc && bd->ntgt && bd->score < o->min_score ? " weak" : "");
        if (rc == 0)
            rc = html_cell(b, sl, src, bd->src, bd->nsrc);
        if (rc == 0)
            rc = html_cell(b, tl, tgt, bd->tgt, bd->ntgt);
        if (rc < 0)
            break;
        if (bd->nsrc && bd->ntgt)
            rc = jisr_buf_printf(b, "<td class=\"s\">%.2f</td></tr>\n", bd->score);
        else
            rc = jisr_buf_puts(b, "<td class=\"s\">unaligned</td></tr>\n");
    }
    return rc < 0 ? rc : jisr_buf_puts(b, "</table>\n</body>\n</html>\n");
}
