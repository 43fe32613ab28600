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
    if (rc == 0) {
        jisr_align_opts ao = JISR_ALIGN_OPTS_INIT;
        ao.srclang = lang[0];
        ao.tgtlang = lang[1];
        if (o->dict_path && !o->dict_path[0])
            ao.flags |= JISR_ALIGN_NO_DICT;
        else
            ao.dict_path = o->dict_path;
        rc = jisr_aligner_new(&al, &ao);
    }
    for (size_t i = 0; rc == 0 && i < n[0]; i++)
        for (size_t j = 0; rc == 0 && j < n[1]; j++) {
            jisr_aligner_clear(al);
            rc = jisr_aligner_add_sentences(al, &sent[0][i], &sent[1][j], NULL);
            if (rc == 0)
                rc = jisr_aligner_run(al);
            if (rc < 0)
                break;
            const jisr_ladder *l = jisr_aligner_result(al, 0);
            size_t likely = 0, all = sent[0][i].n + sent[1][j].n;
            for (size_t k = 0; k < l->n; k++)
                if (l->v[k].nsrc && l->v[k].ntgt && l->v[k].score >= 0.5)
                    likely += l->v[k].nsrc + l->v[k].ntgt;
            c[nc++] =
                (corpus_cand){(uint32_t)i, (uint32_t)j, 0, all ? (double)likely / (double)all : 0};
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
