/*
 * verify.c — the document pairs of a small collection, checked by aligning them.
 *
 * The document aligner (docalign.c) compares TF-IDF bags and scores a candidate by its margin
 * over each document's other candidates. With a handful of documents neither statistic means
 * much: with one document a side every shared term is in every document (its IDF is the floor),
 * and the margin compares a candidate with a made-up background. Measured on the Bible dev
 * chapters (one Arabic chapter and one English one a run, 30 runs): 3 of 30 translations
 * paired; two chapters a side with two unrelated English chapters: 28 of 60 wrong pairs made.
 *
 * In a small collection every pair can be aligned sentence by sentence, which is much stronger
 * evidence: the sentence aligner's scores are lowered where a pair's neighbours have no lexical
 * support (align/cost.c), so a document and its translation align with nearly every sentence in
 * a pair scoring 0.5 or more, and unrelated documents with almost none. A candidate's score is
 * that share: the sentences of both documents in aligned pairs scoring at least 0.5, over all
 * their sentences (a translation of half a document scores about one half). Pairs are then made
 * best first, each document at most once, down to the minimum score, as docalign.c does.
 *
 * Only for Arabic and English (the shipped lexicon is what makes the sentence scores fall on
 * unrelated text) and collections of at most CORPUS_VERIFY_DOCS documents, whose alignments
 * (at most 8 x 8) cost little beside the corpus alignment that follows.
 */
#include <stdlib.h>
#include <string.h>

#include "align/align.h"
#include "corpus/corpus_int.h"
#include "text/text.h"
#include "util/util_int.h"

int corpus_verify_applies(const jisr_docalign_opts *o)
{
    const char *s = o->srclang ? o->srclang : "ar", *t = o->tgtlang ? o->tgtlang : "en";
    return (jisr_lang_matches(s, "ar") && jisr_lang_matches(t, "en")) ||
           (jisr_lang_matches(s, "en") && jisr_lang_matches(t, "ar"));
}

/* The sentences of one document's paragraphs. */
static int split_doc(const corpus_vdoc *d, jisr_segmenter *seg, jisr_sentences *out)
{
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < d->n; k++)
        rc = jisr_sentences_add_paragraph(out, seg, d->text + d->off[k],
                                          strlen(d->text + d->off[k]));
    return rc;
}

/* The share of the two documents' sentences in aligned pairs of l scoring 0.5 or more. */
static double share(const jisr_ladder *l, const jisr_sentences *a, const jisr_sentences *b)
{
    size_t likely = 0, all = a->n + b->n;
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].nsrc && l->v[k].ntgt && l->v[k].score >= 0.5)
            likely += l->v[k].nsrc + l->v[k].ntgt;
    return all ? (double)likely / (double)all : 0;
}

/* An aligner for the sentence-level checks: o's languages and dictionary. */
static int new_aligner(const jisr_docalign_opts *o, const char *const lang[2], jisr_aligner **al)
{
    jisr_align_opts ao = JISR_ALIGN_OPTS_INIT;
    ao.srclang = lang[0];
    ao.tgtlang = lang[1];
    if (o->dict_path && !o->dict_path[0])
        ao.flags |= JISR_ALIGN_NO_DICT;
    else
        ao.dict_path = o->dict_path;
    return jisr_aligner_new(al, &ao);
}

int corpus_verify(const jisr_docalign_opts *o, const corpus_vdoc *const docs[2], const size_t n[2],
                  jisr_docpair **pairs, size_t *npairs, jisr_docbest *best[2])
{
    jisr_segmenter *seg[2] = {NULL, NULL};
    jisr_sentences *sent[2] = {calloc(n[0] + 1, sizeof **sent), calloc(n[1] + 1, sizeof **sent)};
    corpus_cand *c = malloc((n[0] * n[1] + 1) * sizeof *c);
    jisr_aligner *al = NULL;
    size_t nc = 0;
    int rc = sent[0] && sent[1] && c ? 0 : jisr_oom(0);
    const char *lang[2] = {o->srclang ? o->srclang : "ar", o->tgtlang ? o->tgtlang : "en"};
    for (int s = 0; rc == 0 && s < 2; s++)
        rc = jisr_segmenter_new(&seg[s], lang[s], NULL);
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; rc == 0 && i < n[s]; i++)
            rc = split_doc(&docs[s][i], seg[s], &sent[s][i]);
    if (rc == 0)
        rc = new_aligner(o, lang, &al);
    for (size_t i = 0; rc == 0 && i < n[0]; i++)
        for (size_t j = 0; rc == 0 && j < n[1]; j++) {
            jisr_aligner_clear(al);
            rc = jisr_aligner_add_sentences(al, &sent[0][i], &sent[1][j], NULL);
            if (rc == 0)
                rc = jisr_aligner_run(al);
            if (rc < 0)
                break;
            c[nc++] = (corpus_cand){(uint32_t)i, (uint32_t)j, 0,
                                    share(jisr_aligner_result(al, 0), &sent[0][i], &sent[1][j])};
        }
    if (rc == 0) {
        jisr_docpair *v = malloc(((n[0] < n[1] ? n[0] : n[1]) + 1) * sizeof *v);
        size_t np = 0;
        for (int s = 0; s < 2; s++)
            for (size_t i = 0; i < n[s]; i++)
                best[s][i] = (jisr_docbest){SIZE_MAX, 0};
        double min = o->min_score > 0 ? o->min_score : 0.5;
        rc = v ? corpus_link(c, nc, n, min, best, v, &np) : jisr_oom(0);
        if (rc == 0) {
            free(*pairs);
            *pairs = v;
            *npairs = np;
        } else
            free(v);
    }
    jisr_aligner_free(al);
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; sent[s] && i < n[s]; i++)
            jisr_sentences_free(&sent[s][i]);
        free(sent[s]);
        jisr_segmenter_free(seg[s]);
    }
    free(c);
    return rc;
}

/* Document i of p, read again and split into sentences (out emptied first). */
static int read_sentences(const jisr_pairing *p, size_t i, const jisr_doc_opts *dopts,
                          jisr_segmenter *seg, corpus_vdoc *scratch, size_t *cap, jisr_buf *text,
                          jisr_sentences *out)
{
    char *why = NULL;
    size_t nbytes;
    const char *bytes = corpus_doc_bytes(p, i, &nbytes);
    jisr_sentences_free(out);
    memset(out, 0, sizeof *out);
    int rc = corpus_read_doc(p->docs[i].path, bytes, nbytes, dopts, text, &scratch->off,
                             &scratch->n, cap, &why);
    free(why); /* read once already: a document that cannot be read now has no sentences */
    if (rc != 0)
        return rc < 0 ? rc : 0;
    scratch->text = text->data;
    return split_doc(scratch, seg, out);
}

int jisr_pairing_verify(jisr_pairing *p, const jisr_pair_opts *opts)
{
    if (!p || !opts)
        return jisr_null_arg("jisr_pairing_verify", p ? "opts" : "p");
    if (!corpus_verify_applies(&opts->align) || p->ndocs <= CORPUS_VERIFY_DOCS || !p->npairs)
        return 0;
    const jisr_docalign_opts *o = &opts->align;
    const char *lang[2] = {o->srclang ? o->srclang : "ar", o->tgtlang ? o->tgtlang : "en"};
    jisr_segmenter *seg[2] = {NULL, NULL};
    jisr_aligner *al = NULL;
    jisr_sentences sent[2];
    memset(sent, 0, sizeof sent);
    corpus_vdoc vd = {0};
    size_t cap = 0, kept = 0;
    jisr_buf text = {0};
    int rc = 0;
    /* the documents were read once already: their warnings (a guessed encoding …) were given */
    jisr_doc_opts quiet = JISR_DOC_OPTS_INIT;
    if (opts->doc_opts)
        quiet = *opts->doc_opts;
    quiet.on_warning = NULL;
    for (int s = 0; rc == 0 && s < 2; s++)
        rc = jisr_segmenter_new(&seg[s], lang[s], NULL);
    if (rc == 0)
        rc = new_aligner(o, lang, &al);
    size_t k = 0;
    for (; rc == 0 && k < p->npairs; k++) {
        jisr_docpair *dp = &p->pairs[k];
        const size_t di[2] = {p->by_side[0][dp->src], p->by_side[1][dp->tgt]};
        for (int s = 0; rc == 0 && s < 2; s++)
            rc = read_sentences(p, di[s], &quiet, seg[s], &vd, &cap, &text, &sent[s]);
        jisr_aligner_clear(al);
        if (rc == 0)
            rc = jisr_aligner_add_sentences(al, &sent[0], &sent[1], NULL);
        if (rc == 0)
            rc = jisr_aligner_run(al);
        if (rc < 0)
            break;
        double sh = share(jisr_aligner_result(al, 0), &sent[0], &sent[1]);
        if (sh >= JISR_PAIR_VERIFY_MIN) {
            p->pairs[kept] = *dp;
            p->ids[kept++] = p->ids[k];
        } else {
            p->best[0][dp->src] = (jisr_docbest){dp->tgt, sh};
            p->best[1][dp->tgt] = (jisr_docbest){dp->src, sh};
            free(p->ids[k]);
        }
        if (opts->on_progress)
            opts->on_progress(opts->ctx, k + 1, p->npairs);
    }
    /* on an error, the pairs from the one that failed on are kept as they were */
    size_t rest = p->npairs - k;
    memmove(p->pairs + kept, p->pairs + k, rest * sizeof *p->pairs);
    memmove(p->ids + kept, p->ids + k, rest * sizeof *p->ids);
    p->npairs = kept + rest;
    jisr_aligner_free(al);
    for (int s = 0; s < 2; s++) {
        jisr_sentences_free(&sent[s]);
        jisr_segmenter_free(seg[s]);
    }
    free(vd.off);
    jisr_buf_free(&text);
    return rc;
}
