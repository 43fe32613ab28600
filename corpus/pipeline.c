/*
 * pipeline.c — `jisr corpus`: inputs → pairs of documents → sentences → alignments → filters →
 * one output file, and the report of everything that happened on the way.
 *
 * Documents are read twice (the warnings of the doc layer are given the first time only): once
 * to pair them (only their features are kept), once, chunk by chunk, to align them — so memory
 * holds the sentences of one chunk of document pairs (opts.chunk, default 256) and never the whole
 * corpus. Each chunk goes through one aligner run, so the translation table the aligner learns from
 * its input is learnt over the chunk. Sentences come from the text layer's segmenter paragraph by
 * paragraph (or are the paragraphs themselves when documents are read one line per paragraph). Kept
 * pairs are written through the formats layer's writer (TMX, TSV, JSONL, Moses), which commits the
 * file atomically. The writer is opened before anything is read, with the caller's set of files
 * (its inputs, and outputs it opened first, such as reports): an output that cannot be written
 * fails at once, and a document found in the inputs that is one of the outputs is an error before
 * it is read (the temporaries of outputs being written, which may lie in an input folder, are left
 * out).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align.h"
#include "corpus/corpus_int.h"
#include "formats/formats.h"
#include "text/text.h"
#include "util/util_int.h"

/* Where a sentence came from, for a message that names it: its line in a plain text file (0: not
 * known, as in a DOCX), else its paragraph (1-based). */
typedef struct swhere {
    unsigned long line, para;
} swhere;

typedef struct sents {
    char **v;
    swhere *at; /* at[i]: where v[i] is */
    size_t n, cap;
} sents;

static int sents_push(sents *s, const char *p, size_t n, swhere at)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **v = realloc(s->v, cap * sizeof *v);
        if (v)
            s->v = v;
        swhere *w = v ? realloc(s->at, cap * sizeof *w) : NULL;
        if (!w)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        s->at = w;
        s->cap = cap;
    }
    char *c = jisr_strndup(p, n);
    if (!c)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    for (char *q = c; *q; q++)
        if (*q == '\n' || *q == '\r' || *q == '\t')
            *q = ' ';
    s->at[s->n] = at;
    s->v[s->n++] = c;
    return 0;
}

static void sents_free(sents *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    free(s->at);
    memset(s, 0, sizeof *s);
}

/* The sentences of document i of pr: its paragraphs, split unless they are lines already. */
static int read_sentences(const jisr_pairing *pr, size_t i, const jisr_doc_opts *dopts,
                          jisr_segmenter *seg, sents *out)
{
    jisr_doc *d = NULL;
    jisr_spans sp = {0};
    int lines = dopts && (dopts->flags & JISR_DOC_LINES);
    size_t nbytes;
    const char *bytes = corpus_doc_bytes(pr, i, &nbytes); /* a pipe's, read once */
    const char *path = pr->docs[i].path;
    int rc = bytes ? jisr_doc_open_memory(&d, path, bytes, nbytes, dopts)
                   : jisr_doc_open(&d, path, dopts);
    jisr_para p;
    /* lines are a plain text's (a DOCX paragraph's line is in its XML): a sentence's is its
     * paragraph's plus the line feeds before it */
    int text = rc == 0 && jisr_doc_get_format(d) == JISR_DOC_TEXT;
    swhere at = {0, 0};
    while (rc == 0 && (rc = jisr_doc_next(d, &p)) > 0) {
        rc = 0;
        at.para++;
        at.line = text ? p.line : 0;
        if (lines) {
            rc = sents_push(out, p.text, p.len, at);
            continue;
        }
        if ((rc = jisr_segmenter_split(seg, p.text, p.len, &sp)) < 0)
            break;
        size_t from = 0;
        for (size_t k = 0; rc == 0 && k < sp.n; k++) {
            for (; at.line && from < sp.v[k].start; from++)
                at.line += p.text[from] == '\n';
            rc = sents_push(out, p.text + sp.v[k].start, sp.v[k].end - sp.v[k].start, at);
        }
    }
    jisr_spans_free(&sp);
    jisr_doc_close(d);
    return rc < 0 ? rc : 0;
}

static int join(jisr_buf *b, const sents *s, size_t start, size_t n)
{
    jisr_buf_reset(b);
    int rc = jisr_buf_append(b, "", 0);
    for (size_t k = 0; rc == 0 && k < n && start + k < s->n; k++) {
        if (k)
            rc = jisr_buf_putc(b, ' ');
        if (rc == 0)
            rc = jisr_buf_puts(b, s->v[start + k]);
    }
    return rc;
}

static int add_sample(jisr_corpus_report *r, int reason, const char *doc, const char *src,
                      const char *tgt, double score)
{
    if (r->nsamples[reason] >= r->max_samples)
        return 0;
    if (!r->samples[reason] && !(r->samples[reason] = calloc(r->max_samples, sizeof(rsample))))
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    rsample *s = &r->samples[reason][r->nsamples[reason]];
    s->doc = jisr_strdup(doc);
    s->src = jisr_strdup(src);
    s->tgt = jisr_strdup(tgt);
    s->score = score;
    if (!s->doc || !s->src || !s->tgt) {
        free(s->doc);
        free(s->src);
        free(s->tgt);
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    r->nsamples[reason]++;
    return 0;
}

static int set_prop(jisr_prop *p, const char *type, const char *value)
{
    p->type = jisr_strdup(type);
    p->value = jisr_strdup(value);
    return p->type && p->value ? 0 : JISR_ENOMEM;
}

static int idx_list(char *out, size_t cap, size_t start, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t k = 0; k < n && o + 24 < cap; k++)
        o += (size_t)snprintf(out + o, cap - o, k ? ",%zu" : "%zu", start + k);
    return 0;
}

/* A kept pair (bead bd of document pair id, sentences from the files path[0] and path[1]) that
 * the writer refused, its message in why: a character the output format cannot carry. Counted,
 * one of the first few recorded for the report, and named through the reading options' warning
 * callback by the file and line (or paragraph) of the sentence holding the character, as `jisr
 * align --skip-bad` names it, so that no pair is left out unsaid. */
static int left_out(jisr_corpus_report *r, const jisr_doc_opts *dopts, const char *id,
                    const char *const path[2], const sents *side[2], const jisr_bead *bd,
                    const char *why, rdoc *rd)
{
    unsigned c = 0;
    size_t at = 0, k = bd->src;
    int s = 0;
    for (int i = 0; i < 2 && !c; i++) {
        size_t first = i ? bd->tgt : bd->src, n = i ? bd->ntgt : bd->nsrc;
        for (size_t j = first; j < first + n && j < side[i]->n && !c; j++)
            if ((c = jisr_xml_bad_char(side[i]->v[j], &at)) != 0) {
                s = i;
                k = j;
            }
    }
    jisr_error e;
    memset(&e, 0, sizeof e);
    e.code = JISR_EENCODING;
    snprintf(e.file, sizeof e.file, "%s", path[s]);
    swhere wh = k < side[s]->n ? side[s]->at[k] : (swhere){0, 0};
    e.line = wh.line;
    char para[48] = "";
    if (!wh.line && wh.para)
        snprintf(para, sizeof para, "paragraph %lu: ", wh.para);
    const char *fmt = strcmp(r->format, "tmx") == 0 ? "TMX" : r->format;
    if (c)
        snprintf(e.msg, sizeof e.msg,
                 "%sthe %s sentence holds U+%04X (character %zu), which %s cannot carry: its pair "
                 "is left out of the corpus (document pair %s)",
                 para, s ? "target" : "source", c, at, fmt, id);
    else
        snprintf(e.msg, sizeof e.msg,
                 "%sthe pair of this sentence is left out of the corpus (document pair %s): %.400s",
                 para, id, why);
    r->t.unwritable++;
    rd->unwritable++;
    if (r->nleft < r->max_samples) {
        rleft *x = &r->left[r->nleft];
        char place[600];
        if (wh.line)
            snprintf(place, sizeof place, "%s:%lu", e.file, wh.line);
        else if (wh.para)
            snprintf(place, sizeof place, "%s: paragraph %lu", e.file, wh.para);
        else
            snprintf(place, sizeof place, "%s", e.file);
        x->doc = jisr_strdup(id);
        x->place = jisr_strdup(place);
        x->msg = jisr_strdup(e.msg + strlen(para));
        if (!x->doc || !x->place || !x->msg) {
            free(x->doc);
            free(x->place);
            free(x->msg);
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        }
        r->nleft++;
    }
    if (dopts && dopts->on_warning)
        dopts->on_warning(dopts->ctx, &e);
    return 0;
}

/* Filter and write the beads of one document pair (its documents' files in path). */
static int emit_doc(jisr_corpus_report *r, jisr_filter *flt, jisr_writer *w,
                    const jisr_doc_opts *dopts, const char *id, const char *const path[2],
                    const sents *s, const sents *t, const jisr_ladder *l, rdoc *rd)
{
    jisr_buf a = {0}, b = {0};
    jisr_unit u;
    jisr_unit_init(&u);
    int rc = 0;
    size_t nb = 0;
    for (size_t i = 0; rc == 0 && l && i < l->n; i++) {
        const jisr_bead *bd = &l->v[i];
        if (!bd->nsrc || !bd->ntgt)
            continue;
        rd->beads++;
        r->t.candidates++;
        if ((rc = join(&a, s, bd->src, bd->nsrc)) < 0 || (rc = join(&b, t, bd->tgt, bd->ntgt)) < 0)
            break;
        int why = jisr_filter_check(flt, a.data, a.len, b.data, b.len, bd->score);
        if (why < 0) {
            rc = why;
            break;
        }
        if (why != JISR_DROP_N) {
            if ((rc = add_sample(r, why, id, a.data, b.data, bd->score)) < 0)
                break;
            r->t.dropped[why]++;
            continue;
        }
        jisr_unit_clear(&u);
        char tuid[600], sc[32], si[256], ti[256];
        snprintf(tuid, sizeof tuid, "%s:%zu", id, ++nb);
        snprintf(sc, sizeof sc, "%.4f", bd->score);
        idx_list(si, sizeof si, bd->src, bd->nsrc);
        idx_list(ti, sizeof ti, bd->tgt, bd->ntgt);
        u.tuid = jisr_strdup(tuid);
        u.meta.props = calloc(4, sizeof *u.meta.props);
        if (!u.tuid || !u.meta.props) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        u.meta.nprops = 4;
        if ((rc = set_prop(&u.meta.props[0], "x-document", id)) < 0 ||
            (rc = set_prop(&u.meta.props[1], "x-align-score", sc)) < 0 ||
            (rc = set_prop(&u.meta.props[2], "x-source-sentences", si)) < 0 ||
            (rc = set_prop(&u.meta.props[3], "x-target-sentences", ti)) < 0 ||
            (rc = jisr_unit_add_variant(&u, r->srclang, a.data, a.len, NULL)) < 0 ||
            (rc = jisr_unit_add_variant(&u, r->tgtlang, b.data, b.len, NULL)) < 0)
            break;
        if ((rc = jisr_writer_write(w, &u)) < 0) {
            if (rc == JISR_EIO || rc == JISR_ENOMEM)
                break;
            /* a pair the format cannot carry (a control character …): left out, named */
            const sents *side[2] = {s, t};
            if ((rc = left_out(r, dopts, id, path, side, bd, jisr_error_last()->msg, rd)) < 0)
                break;
            continue;
        }
        if ((rc = add_sample(r, JISR_DROP_N, id, a.data, b.data, bd->score)) < 0)
            break;
        rd->kept++;
        r->t.kept++;
    }
    jisr_unit_clear(&u);
    jisr_buf_free(&a);
    jisr_buf_free(&b);
    return rc;
}

/* The writer of the output (a Moses prefix: OUT.<src> and OUT.<tgt>). */
static int open_writer(jisr_writer **w, const jisr_corpus_opts *o, const char *srclang,
                       const char *tgtlang, jisr_fileset *files)
{
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = srclang;
    wo.tgtlang = tgtlang;
    wo.segtype = "sentence";
    wo.files = files;
    if (!o->moses)
        return jisr_writer_open(w, o->output, &wo);
    jisr_buf p1 = {0}, p2 = {0};
    wo.format = JISR_FMT_MOSES;
    int rc = jisr_buf_printf(&p1, "%s.%s", o->output, srclang);
    if (rc == 0)
        rc = jisr_buf_printf(&p2, "%s.%s", o->output, tgtlang);
    wo.path2 = p2.data;
    if (rc == 0)
        rc = jisr_writer_open(w, p1.data, &wo);
    jisr_buf_free(&p1);
    jisr_buf_free(&p2);
    return rc;
}

int jisr_corpus_run(const char *const *inputs, size_t n, const jisr_corpus_opts *opts,
                    jisr_corpus_report **out)
{
    jisr_corpus_opts oo = JISR_CORPUS_OPTS_INIT;
    const jisr_corpus_opts *o = &oo;
    if (!out)
        return jisr_null_arg("jisr_corpus_run", "out");
    *out = NULL;
    if (corpus_check_inputs("jisr_corpus_run", inputs, n) < 0) /* before the output is opened */
        return JISR_EINVAL;
    if (opts && opts->version == 1) /* version 1 ends before files */
        memcpy(&oo, opts, offsetof(jisr_corpus_opts, files));
    else if (opts && opts->version == JISR_CORPUS_OPTS_VERSION)
        oo = *opts;
    else if (opts)
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_corpus_opts: unknown version %u",
                              opts->version);
    oo.version = JISR_CORPUS_OPTS_VERSION;
    if (!o->output || !o->output[0])
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "jisr_corpus_run: no output");
    double t0 = jisr_now();
    jisr_corpus_report *r = calloc(1, sizeof *r);
    if (!r)
        return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    snprintf(r->srclang, sizeof r->srclang, "%s", o->pair.align.srclang);
    snprintf(r->tgtlang, sizeof r->tgtlang, "%s", o->pair.align.tgtlang);
    r->output = jisr_strdup(o->output);
    r->max_samples = o->samples ? o->samples : 5;
    r->filter = o->filter;
    r->left = calloc(r->max_samples, sizeof *r->left);
    *out = r;
    jisr_segmenter *ss = NULL, *ts = NULL;
    jisr_aligner *al = NULL;
    jisr_filter *flt = NULL;
    jisr_writer *w = NULL;
    jisr_fileset *own = NULL, *files = o->files;
    sents *ds = NULL, *dt = NULL;
    size_t chunk = o->chunk ? o->chunk : 256;
    jisr_pair_opts po = o->pair;
    po.on_progress = NULL;
    int rc = r->output && r->left ? 0 : jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    /* the filters' options first, the output next: errors before any document is read */
    if (rc == 0)
        rc = jisr_filter_new(&flt, r->srclang, r->tgtlang, &o->filter);
    if (rc == 0 && !files && (rc = jisr_fileset_new(&own)) == 0)
        files = own;
    if (rc == 0)
        rc = open_writer(&w, o, r->srclang, r->tgtlang, files);
    if (rc < 0)
        goto done;
    jisr_format f = o->moses ? JISR_FMT_MOSES : jisr_format_from_name(o->output);
    r->format = f == JISR_FMT_TMX     ? "tmx"
                : f == JISR_FMT_TSV   ? "tsv"
                : f == JISR_FMT_JSONL ? "jsonl"
                                      : "moses";
    /* the documents: one that is an output is an error, and each is recorded as an input */
    if ((rc = corpus_pair(inputs, n, &po, files, 0, &r->pairing)) < 0)
        goto done;
    jisr_pairing *p = r->pairing;
    r->t.documents = p->ndocs;
    for (size_t i = 0; i < p->ndocs; i++)
        r->t.skipped += p->docs[i].side < 0;
    r->t.pairs = p->npairs;
    r->t.unpaired_src = p->nside[0] - p->npairs;
    r->t.unpaired_tgt = p->nside[1] - p->npairs;
    if (o->on_progress)
        o->on_progress(o->ctx, "reading", p->ndocs, p->ndocs);
    r->docs = calloc(p->npairs + 1, sizeof *r->docs);
    ds = calloc(chunk, sizeof *ds);
    dt = calloc(chunk, sizeof *dt);
    if (!r->docs || !ds || !dt) {
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* read a second time: the warnings of the first reading (a guessed encoding …) are not
     * given again */
    jisr_doc_opts quiet = JISR_DOC_OPTS_INIT;
    if (o->pair.doc_opts)
        quiet = *o->pair.doc_opts;
    quiet.on_warning = NULL;
    const jisr_doc_opts *dopts = &quiet;
    int lines = (dopts->flags & JISR_DOC_LINES) != 0;
    if (!lines && ((rc = jisr_segmenter_new(&ss, r->srclang, NULL)) < 0 ||
                   (rc = jisr_segmenter_new(&ts, r->tgtlang, NULL)) < 0))
        goto done;
    jisr_align_opts ao = JISR_ALIGN_OPTS_INIT;
    ao.srclang = r->srclang;
    ao.tgtlang = r->tgtlang;
    ao.flags = o->align_flags;
    ao.dict_path = o->align_dict;
    if ((rc = jisr_aligner_new(&al, &ao)) < 0)
        goto done;
    for (size_t c0 = 0; rc == 0 && c0 < p->npairs; c0 += chunk) {
        size_t nc = p->npairs - c0 < chunk ? p->npairs - c0 : chunk;
        jisr_aligner_clear(al);
        for (size_t k = 0; rc == 0 && k < nc; k++) {
            const jisr_docpair *dp = &p->pairs[c0 + k];
            size_t si = p->by_side[0][dp->src], ti = p->by_side[1][dp->tgt];
            if ((rc = read_sentences(p, si, dopts, ss, &ds[k])) < 0 ||
                (rc = read_sentences(p, ti, dopts, ts, &dt[k])) < 0)
                break;
            rdoc *rd = &r->docs[c0 + k];
            rd->pair = c0 + k;
            rd->ssent = ds[k].n;
            rd->tsent = dt[k].n;
            r->t.sentences_src += ds[k].n;
            r->t.sentences_tgt += dt[k].n;
            rc = jisr_aligner_add(al, (const char *const *)ds[k].v, ds[k].n,
                                  (const char *const *)dt[k].v, dt[k].n, NULL);
        }
        if (rc == 0)
            rc = jisr_aligner_run(al);
        for (size_t k = 0; rc == 0 && k < nc; k++) {
            const jisr_docpair *dp = &p->pairs[c0 + k];
            const char *path[2] = {p->docs[p->by_side[0][dp->src]].path,
                                   p->docs[p->by_side[1][dp->tgt]].path};
            rc = emit_doc(r, flt, w, o->pair.doc_opts, p->ids[c0 + k], path, &ds[k], &dt[k],
                          jisr_aligner_result(al, k), &r->docs[c0 + k]);
        }
        for (size_t k = 0; k < nc; k++) {
            sents_free(&ds[k]);
            sents_free(&dt[k]);
        }
        if (o->on_progress)
            o->on_progress(o->ctx, "aligning", c0 + nc, p->npairs);
    }
    if (rc == 0) {
        rc = jisr_writer_close(w);
        w = NULL;
    }
done:
    if (rc < 0) {
        jisr_error_format(r->error, sizeof r->error);
        jisr_error e = *jisr_error_last();
        jisr_writer_abort(w);
        jisr_error_set(e.code, e.file[0] ? e.file : NULL, e.line, e.col, "%s", e.msg);
    }
    for (size_t k = 0; ds && dt && k < chunk; k++) {
        sents_free(&ds[k]);
        sents_free(&dt[k]);
    }
    free(ds);
    free(dt);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    jisr_aligner_free(al);
    jisr_filter_free(flt);
    jisr_fileset_free(own);
    r->t.seconds = jisr_now() - t0;
    return rc;
}

const jisr_pairing *jisr_corpus_report_pairing(const jisr_corpus_report *r)
{
    return r ? r->pairing : NULL;
}

const jisr_corpus_totals *jisr_corpus_report_totals(const jisr_corpus_report *r)
{
    return r ? &r->t : NULL;
}

void jisr_corpus_report_free(jisr_corpus_report *r)
{
    if (!r)
        return;
    for (int k = 0; k <= JISR_DROP_N; k++) {
        for (size_t i = 0; i < r->nsamples[k]; i++) {
            free(r->samples[k][i].doc);
            free(r->samples[k][i].src);
            free(r->samples[k][i].tgt);
        }
        free(r->samples[k]);
    }
    for (size_t i = 0; i < r->nleft; i++) {
        free(r->left[i].doc);
        free(r->left[i].place);
        free(r->left[i].msg);
    }
    free(r->left);
    jisr_pairing_free(r->pairing);
    free(r->docs);
    free(r->output);
    free(r);
}
