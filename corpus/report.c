/*
 * report.c — the report of a corpus run, rendered once as JSON (for programs) and once as a
 * self-contained HTML page (for the person who checks the corpus): the documents paired, left
 * unpaired (with their best candidate) and skipped (with the reason), the pairs kept and
 * dropped by reason with a few examples of each, and the totals. Both renderers read the same
 * structure (corpus_int.h); nothing is computed here.
 */
#include <stdio.h>
#include <string.h>

#include "corpus/corpus_int.h"
#include "text/text.h"
#include "util/util_int.h"

static int jstr(jisr_buf *b, const char *s)
{
    return jisr_buf_json_string(b, s ? s : "", s ? strlen(s) : 0);
}

static const char *doc_path(const jisr_pairing *p, int side, size_t i)
{
    return p->docs[p->by_side[side][i]].path;
}

int jisr_corpus_report_json(const jisr_corpus_report *r, jisr_buf *b)
{
    if (!r || !b)
        return jisr_null_arg("jisr_corpus_report_json", r ? "out" : "r");
    const jisr_corpus_totals *t = &r->t;
    const jisr_pairing *p = r->pairing;
    jisr_buf_puts(b, "{\"srclang\":");
    jstr(b, r->srclang);
    jisr_buf_puts(b, ",\"tgtlang\":");
    jstr(b, r->tgtlang);
    jisr_buf_puts(b, ",\"output\":");
    jstr(b, r->output);
    jisr_buf_puts(b, ",\"format\":");
    jstr(b, r->format ? r->format : "");
    jisr_buf_puts(b, ",\"error\":");
    jstr(b, r->error);
    jisr_buf_printf(b,
                    ",\"totals\":{\"documents\":%zu,\"skipped\":%zu,\"pairs\":%zu,"
                    "\"unpaired_source\":%zu,\"unpaired_target\":%zu,\"sentences_source\":%llu,"
                    "\"sentences_target\":%llu,\"candidates\":%llu,\"kept\":%llu,"
                    "\"unwritable\":%llu,\"seconds\":%.3f,\"dropped\":{",
                    t->documents, t->skipped, t->pairs, t->unpaired_src, t->unpaired_tgt,
                    (unsigned long long)t->sentences_src, (unsigned long long)t->sentences_tgt,
                    (unsigned long long)t->candidates, (unsigned long long)t->kept,
                    (unsigned long long)t->unwritable, t->seconds);
    for (int k = 0; k < JISR_DROP_N; k++)
        jisr_buf_printf(b, "%s\"%s\":%llu", k ? "," : "", jisr_drop_name((jisr_drop)k),
                        (unsigned long long)t->dropped[k]);
    jisr_filter_opts def = JISR_FILTER_OPTS_INIT; /* a zero max_chars means its default */
    jisr_buf_printf(b,
                    "}},\"filters\":{\"min_score\":%g,\"min_chars\":%zu,\"max_chars\":%zu,"
                    "\"min_ratio\":%g,\"max_ratio\":%g,\"min_script\":%g,"
                    "\"duplicates\":%s}",
                    r->filter.min_score, r->filter.min_chars,
                    r->filter.max_chars ? r->filter.max_chars : def.max_chars, r->filter.min_ratio,
                    r->filter.max_ratio, r->filter.min_script,
                    r->filter.keep_duplicates ? "false" : "true");
    jisr_buf_puts(b, ",\"documents\":[");
    for (size_t k = 0; p && k < p->npairs; k++) {
        const rdoc *d = r->docs ? &r->docs[k] : NULL;
        jisr_buf_puts(b, k ? ",{\"id\":" : "{\"id\":");
        jstr(b, p->ids[k]);
        jisr_buf_puts(b, ",\"source\":");
        jstr(b, doc_path(p, 0, p->pairs[k].src));
        jisr_buf_puts(b, ",\"target\":");
        jstr(b, doc_path(p, 1, p->pairs[k].tgt));
        jisr_buf_printf(b,
                        ",\"score\":%.4f,\"sentences_source\":%zu,\"sentences_target\":%zu,"
                        "\"aligned\":%zu,\"kept\":%zu,\"unwritable\":%zu}",
                        p->pairs[k].score, d ? d->ssent : 0, d ? d->tsent : 0, d ? d->beads : 0,
                        d ? d->kept : 0, d ? d->unwritable : 0);
    }
    jisr_buf_puts(b, "],\"unpaired\":[");
    int first = 1;
    for (int s = 0; p && s < 2; s++)
        for (size_t i = 0; i < p->nside[s]; i++) {
            int paired = 0;
            for (size_t k = 0; k < p->npairs && !paired; k++)
                paired = (s ? p->pairs[k].tgt : p->pairs[k].src) == i;
            if (paired)
                continue;
            jisr_buf_puts(b, first ? "{\"side\":" : ",{\"side\":");
            first = 0;
            jstr(b, s ? "target" : "source");
            jisr_buf_puts(b, ",\"path\":");
            jstr(b, doc_path(p, s, i));
            jisr_docbest best = p->best[s][i];
            if (best.partner != SIZE_MAX) {
                jisr_buf_puts(b, ",\"best\":");
                jstr(b, doc_path(p, !s, best.partner));
                jisr_buf_printf(b, ",\"best_score\":%.4f", best.score);
            }
            jisr_buf_putc(b, '}');
        }
    jisr_buf_puts(b, "],\"skipped\":[");
    first = 1;
    for (size_t i = 0; p && i < p->ndocs; i++) {
        if (p->docs[i].side >= 0)
            continue;
        jisr_buf_puts(b, first ? "{\"path\":" : ",{\"path\":");
        first = 0;
        jstr(b, p->docs[i].path);
        jisr_buf_puts(b, ",\"why\":");
        jstr(b, p->docs[i].why);
        jisr_buf_putc(b, '}');
    }
    jisr_buf_puts(b, "],\"unwritable\":[");
    for (size_t i = 0; i < r->nleft; i++) {
        jisr_buf_puts(b, i ? ",{\"document\":" : "{\"document\":");
        jstr(b, r->left[i].doc);
        jisr_buf_puts(b, ",\"place\":");
        jstr(b, r->left[i].place);
        jisr_buf_puts(b, ",\"why\":");
        jstr(b, r->left[i].msg);
        jisr_buf_putc(b, '}');
    }
    jisr_buf_puts(b, "],\"samples\":{");
    for (int k = 0; k <= JISR_DROP_N; k++) {
        jisr_buf_printf(b, "%s\"%s\":[", k ? "," : "", jisr_drop_name((jisr_drop)k));
        for (size_t i = 0; i < r->nsamples[k]; i++) {
            const rsample *s = &r->samples[k][i];
            jisr_buf_puts(b, i ? ",{\"document\":" : "{\"document\":");
            jstr(b, s->doc);
            jisr_buf_puts(b, ",\"source\":");
            jstr(b, s->src);
            jisr_buf_puts(b, ",\"target\":");
            jstr(b, s->tgt);
            jisr_buf_printf(b, ",\"score\":%.4f}", s->score);
        }
        jisr_buf_putc(b, ']');
    }
    return jisr_buf_puts(b, "}}\n");
}

static const char *dir_of(const char *lang)
{
    static const char *const rtl[] = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"};
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++)
        if (jisr_lang_matches(lang, rtl[i]))
            return "rtl";
    return "ltr";
}

static const char *const reason_text[JISR_DROP_N + 1] = {
    "the aligner's score is below the threshold",
    "a side is too short",
    "a side is too long",
    "the lengths of the two sides are too different",
    "a side is not written in its language's script",
    "the target is the source, untranslated",
    "the same pair was kept before",
    "the same pair, but for numbers, punctuation or spacing, was kept before",
    "kept",
};

int jisr_corpus_report_html(const jisr_corpus_report *r, jisr_buf *b)
{
    if (!r || !b)
        return jisr_null_arg("jisr_corpus_report_html", r ? "out" : "r");
    const jisr_corpus_totals *t = &r->t;
    const jisr_pairing *p = r->pairing;
    uint64_t dropped = 0;
    for (int k = 0; k < JISR_DROP_N; k++)
        dropped += t->dropped[k];
    jisr_buf_puts(
        b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>jisr corpus report</title>\n<style>\n"
           "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:80em}\n"
           "table{border-collapse:collapse;margin:.5em 0 1.5em}\n"
           "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}\n"
           "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
           "td[dir=rtl]{text-align:right;font-size:1.1em}\n"
           ".err{background:#fde2e0;padding:.5em}\n.muted{color:#777}\n"
           "details{margin:.3em 0}\n</style>\n</head>\n<body>\n"
           "<h1>jisr corpus report</h1>\n");
    if (r->error[0]) {
        jisr_buf_puts(b, "<p class=\"err\">The run stopped: ");
        jisr_buf_markup(b, r->error, 1);
        jisr_buf_puts(b, "</p>\n");
    }
    jisr_buf_printf(b,
                    "<table>\n<tr><th>languages</th><td>%s → %s</td></tr>\n"
                    "<tr><th>documents read</th><td class=\"n\">%zu (%zu skipped)</td></tr>\n"
                    "<tr><th>document pairs</th><td class=\"n\">%zu</td></tr>\n"
                    "<tr><th>unpaired</th><td class=\"n\">%zu source, %zu target</td></tr>\n"
                    "<tr><th>sentences</th><td class=\"n\">%llu source, %llu target</td></tr>\n"
                    "<tr><th>aligned pairs</th><td class=\"n\">%llu</td></tr>\n"
                    "<tr><th>kept</th><td class=\"n\">%llu</td></tr>\n"
                    "<tr><th>dropped</th><td class=\"n\">%llu</td></tr>\n"
                    "<tr><th>left out: the output cannot carry them</th><td class=\"n\">%llu"
                    "</td></tr>\n"
                    "<tr><th>output</th><td>",
                    r->srclang, r->tgtlang, t->documents, t->skipped, t->pairs, t->unpaired_src,
                    t->unpaired_tgt, (unsigned long long)t->sentences_src,
                    (unsigned long long)t->sentences_tgt, (unsigned long long)t->candidates,
                    (unsigned long long)t->kept, (unsigned long long)dropped,
                    (unsigned long long)t->unwritable);
    jisr_buf_markup(b, r->output, 1);
    jisr_buf_printf(b,
                    " (%s)</td></tr>\n<tr><th>time</th><td class=\"n\">%.1f s</td></tr>\n"
                    "</table>\n",
                    r->format ? r->format : "-", t->seconds);
    /* filters */
    jisr_buf_puts(b, "<h2>Pairs dropped, by reason</h2>\n<table>\n<tr><th>reason</th><th>pairs"
                     "</th><th>what it means</th></tr>\n");
    for (int k = 0; k < JISR_DROP_N; k++)
        jisr_buf_printf(b, "<tr><td>%s</td><td class=\"n\">%llu</td><td>%s</td></tr>\n",
                        jisr_drop_name((jisr_drop)k), (unsigned long long)t->dropped[k],
                        reason_text[k]);
    jisr_buf_puts(b, "</table>\n");
    if (r->nleft) {
        jisr_buf_printf(b,
                        "<h2>Pairs left out: the output cannot carry them</h2>\n<p>%llu, "
                        "each named on standard error; the first %zu:</p>\n<table>\n<tr>"
                        "<th>document</th><th>where</th><th>why</th></tr>\n",
                        (unsigned long long)t->unwritable, r->nleft);
        for (size_t i = 0; i < r->nleft; i++) {
            jisr_buf_puts(b, "<tr><td>");
            jisr_buf_markup(b, r->left[i].doc, 1);
            jisr_buf_puts(b, "</td><td>");
            jisr_buf_markup(b, r->left[i].place, 1);
            jisr_buf_puts(b, "</td><td>");
            jisr_buf_markup(b, r->left[i].msg, 1);
            jisr_buf_puts(b, "</td></tr>\n");
        }
        jisr_buf_puts(b, "</table>\n");
    }
    jisr_buf_puts(b, "<h2>Examples</h2>\n");
    for (int k = 0; k <= JISR_DROP_N; k++) {
        if (!r->nsamples[k])
            continue;
        jisr_buf_printf(b,
                        "<details%s><summary>%s (%zu shown)</summary>\n<table>\n<tr>"
                        "<th>document</th><th>%s</th><th>%s</th><th>score</th></tr>\n",
                        k == JISR_DROP_N ? "" : " open", jisr_drop_name((jisr_drop)k),
                        r->nsamples[k], r->srclang, r->tgtlang);
        for (size_t i = 0; i < r->nsamples[k]; i++) {
            const rsample *s = &r->samples[k][i];
            jisr_buf_puts(b, "<tr><td>");
            jisr_buf_markup(b, s->doc, 1);
            jisr_buf_printf(b, "</td><td lang=\"%s\" dir=\"%s\">", r->srclang, dir_of(r->srclang));
            jisr_buf_markup(b, s->src, 1);
            jisr_buf_printf(b, "</td><td lang=\"%s\" dir=\"%s\">", r->tgtlang, dir_of(r->tgtlang));
            jisr_buf_markup(b, s->tgt, 1);
            jisr_buf_printf(b, "</td><td class=\"n\">%.2f</td></tr>\n", s->score);
        }
        jisr_buf_puts(b, "</table>\n</details>\n");
    }
    /* documents */
    jisr_buf_puts(b, "<h2>Documents paired</h2>\n<table>\n<tr><th>id</th><th>source</th>"
                     "<th>target</th><th>score</th><th>sentences</th><th>aligned</th>"
                     "<th>kept</th></tr>\n");
    for (size_t k = 0; p && k < p->npairs; k++) {
        const rdoc *d = r->docs ? &r->docs[k] : NULL;
        jisr_buf_puts(b, "<tr><td>");
        jisr_buf_markup(b, p->ids[k], 1);
        jisr_buf_puts(b, "</td><td>");
        jisr_buf_markup(b, doc_path(p, 0, p->pairs[k].src), 1);
        jisr_buf_puts(b, "</td><td>");
        jisr_buf_markup(b, doc_path(p, 1, p->pairs[k].tgt), 1);
        jisr_buf_printf(b,
                        "</td><td class=\"n\">%.2f</td><td class=\"n\">%zu / %zu</td>"
                        "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n",
                        p->pairs[k].score, d ? d->ssent : 0, d ? d->tsent : 0, d ? d->beads : 0,
                        d ? d->kept : 0);
    }
    jisr_buf_puts(b, "</table>\n<h2>Documents not paired</h2>\n<table>\n<tr><th>side</th>"
                     "<th>document</th><th>best candidate</th><th>its score</th></tr>\n");
    for (int s = 0; p && s < 2; s++)
        for (size_t i = 0; i < p->nside[s]; i++) {
            int paired = 0;
            for (size_t k = 0; k < p->npairs && !paired; k++)
                paired = (s ? p->pairs[k].tgt : p->pairs[k].src) == i;
            if (paired)
                continue;
            jisr_buf_printf(b, "<tr><td>%s</td><td>", s ? "target" : "source");
            jisr_buf_markup(b, doc_path(p, s, i), 1);
            jisr_docbest best = p->best[s][i];
            jisr_buf_puts(b, "</td><td>");
            if (best.partner != SIZE_MAX)
                jisr_buf_markup(b, doc_path(p, !s, best.partner), 1);
            else
                jisr_buf_puts(b, "<span class=\"muted\">none</span>");
            jisr_buf_printf(b, "</td><td class=\"n\">%.2f</td></tr>\n", best.score);
        }
    jisr_buf_puts(b, "</table>\n<h2>Files skipped</h2>\n<table>\n<tr><th>file</th><th>why"
                     "</th></tr>\n");
    for (size_t i = 0; p && i < p->ndocs; i++) {
        if (p->docs[i].side >= 0)
            continue;
        jisr_buf_puts(b, "<tr><td>");
        jisr_buf_markup(b, p->docs[i].path, 1);
        jisr_buf_puts(b, "</td><td>");
        jisr_buf_markup(b, p->docs[i].why, 1);
        jisr_buf_puts(b, "</td></tr>\n");
    }
    return jisr_buf_puts(b, "</table>\n</body>\n</html>\n");
}
