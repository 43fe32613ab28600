/*
 * cmd_align.c — `jisr align`: align a document with its translation sentence by sentence, one
 * pair of files, a list of pairs (--batch LIST) or a JSONL stream (--batch -).
 *
 * Batch modes add every document of a chunk to one aligner before running it, so the
 * translation table bootstrapped from the input is learnt over all of them (more text, better
 * table). --chunk bounds the memory of a long stream. Everything else is the library's: the
 * model, sentence reading and splitting, list files, the JSONL document protocol and the
 * renderers; this file parses options, makes the output folder and moves documents along.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "align/align.h"
#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "doc/doc.h"
#include "text/text.h"

/* The help outgrew the 4,095 characters C99 promises every compiler reads in one literal; GCC
 * and clang read any length (-Wpedantic's warning is about other compilers). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char cmd_align_help[] =
    "Usage: jisr align [OPTIONS] SRC TGT\n"
    "       jisr align [OPTIONS] --batch LIST --out-dir DIR\n"
    "       jisr align [OPTIONS] --batch - < pairs.jsonl > aligned.jsonl\n"
    "\n"
    "Align a document (SRC) with its translation (TGT) sentence by sentence. Plain text is\n"
    "split into sentences as `jisr segment` does (a blank line ends a paragraph, and paragraph\n"
    "boundaries guide the alignment); with --presegmented every line is one sentence, taken as\n"
    "is (sentence i is line i+1). SRC and TGT may also be documents: HTML, DOCX, ODT, XLIFF,\n"
    "PDF (from the extension, else the content; --from forces), and plain text in a legacy\n"
    "encoding (windows-1256, ISO-8859-6: detected with a warning, or --encoding).\n"
    "\n"
    "Model: length costs, translation tables (jisr's own for Arabic-English, --lexicon, --tm),\n"
    "a dictionary (FreeDict ara-eng when installed, or --dict), a table learnt from the input,\n"
    "anchors (numbers, ? ! quotes, names); beads 0-1 1-0 1-1 1-2 2-1 2-2 1-3 3-1. A pair's\n"
    "score is the probability that it is right (of pairs scored 0.8, 8 in 10 are right);\n"
    "pairs among neighbours without lexical evidence score low (with a lexicon or dictionary\n"
    "for the languages: Arabic-English has one), so unrelated documents give few pairs.\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   language of SRC (default ar)\n"
    "  -t, --target-lang L   language of TGT (default en)\n"
    "  -p, --presegmented    one sentence per line\n"
    "  -f, --format F        ladder, tsv, tmx, jsonl or html (default: from the -o extension,\n"
    "                        else ladder):\n"
    "                        ladder  [i,j]:[k]:score per bead, 0-based (vecalign's format);\n"
    "                                unaligned sentences are [i]:[] and []:[k]\n"
    "                        tsv     source<TAB>target<TAB>score per aligned pair\n"
    "                        tmx     TMX 1.4b, one <tu> per pair, prop x-align-score\n"
    "                        jsonl   {\"srclang\",\"tgtlang\",\"source\",\"target\",\"score\",\n"
    "                                \"src_idx\":[...],\"tgt_idx\":[...]} per pair\n"
    "                        html    a side-by-side review page, pairs coloured by score\n"
    "                                (green >= 0.9, yellow >= 0.5, red below)\n"
    "  -o, --output FILE     write to FILE (default: standard output)\n"
    "  -m, --min-score X     leave pairs scoring below X (0..1) out of tsv/tmx/jsonl (html\n"
    "                        greys them out): 0.5 keeps pairs more likely right than wrong\n"
    "                        (on held-out Bible chapters, 99 % of the right pairs)\n"
    "      --lexicon FILE    also use this trained lexicon (`jisr lexicon train`; repeatable)\n"
    "      --tm DIR          also learn a lexicon from the memory DIR and use it (repeatable)\n"
    "      --no-lexicon      not the lexicon shipped with jisr\n"
    "      --dict FILE       a dictd .index file (.dict[.dz] beside it) or a TSV of word pairs\n"
    "      --no-dict         no dictionary\n"
    "      --length-only     Gale-Church length costs only\n"
    "      --band N          half-width of the DP band in sentences (default: automatic)\n"
    "      --model N         2 (default) or 1, jisr 0.1's model, to reproduce old alignments\n"
    "  -b, --batch LIST      align every pair of LIST: rows id<TAB>src<TAB>tgt[<TAB>...]\n"
    "                        (paths relative to LIST), writing DIR/ID.EXT (EXT = the format\n"
    "                        name); unique ids. One table is learnt over all pairs.\n"
    "      --batch -         JSONL document pairs on stdin, "
    "{\"id\":\"d1\",\"src\":TEXT,\"tgt\":TEXT}\n"
    "                        per line (TEXT a string or an array of sentences; unique ids,\n"
    "                        default the line number) to jsonl with \"id\" on stdout\n"
    "  -d, --out-dir DIR     output directory of --batch LIST (created with its parents if\n"
    "                        missing)\n"
    "      --lenient         replace invalid UTF-8 with U+FFFD instead of failing\n"
    "      --from FMT        read SRC and TGT as FMT: text, html, docx, odt, xliff, pdf\n"
    "      --encoding ENC    plain text and HTML: force the encoding (windows-1256,\n"
    "                        ISO-8859-6, UTF-16LE ...); with -p a legacy-encoded file's\n"
    "                        blank lines are skipped (every other line is one sentence)\n"
    "      --keep-boilerplate  HTML: keep navigation, banners, page footers, asides\n"
    "      --chunk N         batch modes: align N documents at a time (default: all)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable file, invalid UTF-8, bad list or\n"
    "JSON line, repeated id: FILE:LINE:COL is given), 2 on bad usage.\n"
    "\n"
    "Examples:\n"
    "  jisr align -s ar -t en article.ar.txt article.en.txt -f html -o review.html\n"
    "  jisr align -p -f tmx --min-score 0.5 doc.ar doc.en -o doc.tmx && jisr import doc.tmx\n"
    "  jisr align -p --tm ~/.local/share/jisr/tm -f tsv doc.ar doc.en\n"
    "  jisr align -p -f ladder --batch dev.list --out-dir out/ && "
    "jisr align-eval --list dev.list --dir out/\n"
    "  cat pairs.jsonl | jisr align --batch - > aligned.jsonl\n";
#pragma GCC diagnostic pop

typedef struct aopts {
    const char *srclang, *tgtlang;
    int presegmented;
    int format; /* -1 = not given */
    const char *output, *batch, *outdir;
    double min_score;
    size_t chunk;
    unsigned text_flags;
    jisr_align_opts al;
    jisr_fileset *files; /* inputs (and outputs so far): never written over */
    jisr_doc_opts doc;   /* --from, --encoding, --keep-boilerplate */
} aopts;

typedef struct adoc {
    char *id;
    jisr_sentences src, tgt;
} adoc;

static void adoc_free(adoc *d)
{
    free(d->id);
    jisr_sentences_free(&d->src);
    jisr_sentences_free(&d->tgt);
    memset(d, 0, sizeof *d);
}

static jisr_align_out out_opts(const aopts *o, const char *id, const char *title)
{
    jisr_align_out w = JISR_ALIGN_OUT_INIT;
    w.format = (jisr_align_format)o->format;
    w.min_score = o->min_score;
    w.srclang = o->srclang;
    w.tgtlang = o->tgtlang;
    w.id = id;
    w.title = title;
    w.files = o->files;
    return w;
}

/* What a translator should hear about one document's result: a side without a sentence; a side
 * written in the other script than its language (files swapped, or the same language twice);
 * and most sentences outside pairs scoring 0.5 or more (a misfiled file, the wrong language
 * version: every output but the ladder and the page then holds few pairs or none). Counted in
 * sentences of the shorter side, so that a document mostly left unaligned counts too;
 * documents of fewer than 11 sentences a side say too little. */
static void check_script(const char *id, const char *side, const jisr_sentences *s,
                         const char *lang, const char *flag)
{
    char buf[4096];
    size_t n = 0;
    for (size_t k = 0; k < s->n && n + 2 < sizeof buf; k++) {
        size_t len = strlen(s->v[k]);
        if (len > sizeof buf - n - 2)
            len = sizeof buf - n - 2;
        memcpy(buf + n, s->v[k], len);
        n += len;
        buf[n++] = ' ';
    }
    const char *g = jisr_text_guess_lang(buf, n);
    int ar = jisr_lang_matches(lang, "ar");
    if (ar && strcmp(g, "en") == 0)
        cli_warn("%s: the %s text is in Latin script, not Arabic (%s %s): are the files swapped?",
                 id, side, flag, lang);
    else if (!ar && strcmp(g, "ar") == 0)
        cli_warn("%s: the %s text is in Arabic script, not %s (%s %s): are the files swapped?", id,
                 side, lang, flag, lang);
}

static void warn_result(const aopts *o, const adoc *d, const jisr_ladder *l)
{
    if (!d->src.n || !d->tgt.n) {
        cli_warn("%s: the %s has no sentence: nothing to align", d->id,
                 !d->src.n && !d->tgt.n ? "source and the target"
                 : !d->src.n            ? "source"
                                        : "target");
        return;
    }
    check_script(d->id, "source", &d->src, o->srclang, "-s");
    check_script(d->id, "target", &d->tgt, o->tgtlang, "-t");
    size_t likely[2] = {0, 0};
    for (size_t k = 0; k < l->n; k++)
        if (l->v[k].nsrc && l->v[k].ntgt && l->v[k].score >= 0.5) {
            likely[0] += l->v[k].nsrc;
            likely[1] += l->v[k].ntgt;
        }
    /* judged on the side with fewer sentences (a translation of half a document is not
     * suspect), unless that side is short and the other long: then on both */
    int t = d->tgt.n < d->src.n;
    size_t all = t ? d->tgt.n : d->src.n, in = likely[t];
    size_t all2 = t ? d->src.n : d->tgt.n, in2 = likely[!t];
    if ((all >= 11 && in * 4 < all) || (all2 >= 11 && in * 4 < all && in2 * 4 < all2)) {
        if (all < 11)
            all = all2, in = in2, t = !t;
        cli_warn("%s: %zu of the %s's %zu sentences are in pairs scoring 0.5 or more: the two "
                 "documents may not translate each other",
                 d->id, in, t ? "target" : "source", all);
        if (all2 >= 4 * (d->src.n < d->tgt.n ? d->src.n : d->tgt.n) && !o->presegmented)
            cli_warn("%s: the source has %zu sentences and the target %zu: if each line of the "
                     "files is one sentence, -p (--presegmented) reads them so",
                     d->id, d->src.n, d->tgt.n);
    }
}

/* Align docs[0..n) in one run and write each result: to path (one document), into outdir, or as
 * JSONL with its id on stdout (outdir and path NULL). */
static int run_chunk(jisr_aligner *al, const aopts *o, adoc *docs, size_t n, const char *path)
{
    jisr_aligner_clear(al);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = jisr_aligner_add_sentences(al, &docs[i].src, &docs[i].tgt, NULL);
    if (rc == 0)
        rc = jisr_aligner_run(al);
    jisr_buf b = {0};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const jisr_ladder *l = jisr_aligner_result(al, i);
        warn_result(o, &docs[i], l);
        if (path) {
            jisr_align_out w = out_opts(o, NULL, docs[i].id);
            rc = jisr_align_write(path, &w, &docs[i].src, &docs[i].tgt, l);
        } else if (o->outdir) {
            jisr_align_out w = out_opts(o, NULL, docs[i].id);
            jisr_buf_reset(&b);
            rc = jisr_buf_printf(&b, "%s/%s.%s", o->outdir, docs[i].id,
                                 jisr_align_format_name(w.format));
            if (rc == 0)
                rc = jisr_align_write(b.data, &w, &docs[i].src, &docs[i].tgt, l);
        } else {
            jisr_align_out w = out_opts(o, docs[i].id, NULL);
            w.format = JISR_ALIGN_JSONL;
            jisr_buf_reset(&b);
            rc = jisr_align_render(&b, &w, &docs[i].src, &docs[i].tgt, l);
            if (rc == 0 && b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
                rc = jisr_error_set(JISR_EIO, "<stdout>", 0, 0, "write error");
        }
    }
    jisr_buf_free(&b);
    return rc;
}

/* The sentences of one input. Plain text keeps its line semantics (with -p, line i is sentence
 * i, blank lines included); other documents (HTML, DOCX, ODT, XLIFF, PDF) come through the doc
 * layer paragraph by paragraph, each split, or taken as one sentence when presegmented. Plain
 * text that is not UTF-8 (and not --lenient) is given to the doc layer too, which reads a
 * declared or detected legacy encoding (and warns) or fails naming the file; so does any input
 * with --encoding or --from. */
static int read_sentences(const aopts *o, const char *path, jisr_segmenter *seg,
                          jisr_sentences *out)
{
    int rc = jisr_fileset_add_input(o->files, path);
    if (rc < 0)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    jisr_doc_format f = o->doc.format != JISR_DOC_AUTO ? o->doc.format
                        : is_stdin                     ? JISR_DOC_TEXT
                                                       : jisr_doc_format_from_name(path);
    int plain = f == JISR_DOC_TEXT || (o->presegmented && f == JISR_DOC_AUTO);
    if (plain && !o->doc.encoding && o->doc.format == JISR_DOC_AUTO) {
        rc = jisr_sentences_read(out, path, seg, o->text_flags);
        if (rc != JISR_EENCODING || (o->text_flags & JISR_TEXT_LENIENT) || is_stdin)
            return rc;
        jisr_sentences_clear(out); /* not UTF-8: perhaps a legacy encoding */
    }
    jisr_doc_opts dopts = o->doc;
    if (plain) {
        dopts.format = JISR_DOC_TEXT;
        if (o->presegmented)
            dopts.flags |= JISR_DOC_LINES;
    }
    if (o->text_flags & JISR_TEXT_LENIENT)
        dopts.flags |= JISR_DOC_LENIENT;
    jisr_doc *d = NULL;
    jisr_para p;
    rc = jisr_doc_open(&d, path, &dopts);
    while (rc >= 0 && (rc = jisr_doc_next(d, &p)) > 0)
        rc = seg ? jisr_sentences_add_paragraph(out, seg, p.text, p.len)
                 : jisr_sentences_push(out, p.text, p.len);
    jisr_doc_close(d);
    return rc < 0 ? rc : 0;
}

static int get_segmenters(const aopts *o, jisr_segmenter **s, jisr_segmenter **t)
{
    *s = *t = NULL;
    if (o->presegmented)
        return 0;
    int rc = jisr_segmenter_new(s, o->srclang, NULL);
    if (rc == 0)
        rc = jisr_segmenter_new(t, o->tgtlang, NULL);
    return rc;
}

static int batch_list(jisr_aligner *al, const aopts *o)
{
    jisr_align_list l;
    int rc = jisr_fileset_add_input(o->files, o->batch);
    if (rc == 0)
        rc = jisr_align_list_read(&l, o->batch, 3, JISR_ALIGN_LIST_IDS);
    if (rc < 0)
        return rc;
    /* every document of the list is an input before any output is written (a later row's
     * file must not be replaced by an earlier row's output) */
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        for (int k = 1; rc == 0 && k <= 2; k++) {
            char *p = jisr_align_list_path(&l, l.rows[i].f[k]);
            rc = p ? jisr_fileset_add_input(o->files, p) : JISR_ENOMEM;
            free(p);
        }
    jisr_segmenter *ss = NULL, *ts = NULL;
    size_t chunk = o->chunk ? o->chunk : l.n;
    adoc *docs = calloc(chunk ? chunk : 1, sizeof *docs);
    if (!docs)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = get_segmenters(o, &ss, &ts);
    if (rc == 0)
        rc = doc_cli_make_dirs(o->outdir, NULL);
    size_t nd = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const jisr_align_list_row *r = &l.rows[i];
        adoc *d = &docs[nd++];
        char *sp = jisr_align_list_path(&l, r->f[1]), *tp = jisr_align_list_path(&l, r->f[2]);
        if (!(d->id = jisr_strdup(r->f[0])) || !sp || !tp)
            rc = JISR_ENOMEM;
        if (rc == 0)
            rc = read_sentences(o, sp, ss, &d->src);
        if (rc == 0)
            rc = read_sentences(o, tp, ts, &d->tgt);
        free(sp);
        free(tp);
        if (rc == 0 && (nd == chunk || i + 1 == l.n)) {
            rc = run_chunk(al, o, docs, nd, NULL);
            for (size_t k = 0; k < nd; k++)
                adoc_free(&docs[k]);
            nd = 0;
        }
    }
    for (size_t k = 0; k < nd; k++)
        adoc_free(&docs[k]);
    free(docs);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    jisr_align_list_free(&l);
    return rc;
}

static int batch_stdin(jisr_aligner *al, const aopts *o)
{
    jisr_segmenter *ss = NULL, *ts = NULL;
    jisr_align_docreader *rd = NULL;
    size_t cap = o->chunk ? o->chunk : 64, nd = 0;
    adoc *docs = calloc(cap, sizeof *docs);
    int rc = docs ? 0 : jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = get_segmenters(o, &ss, &ts);
    if (rc == 0)
        rc = jisr_fileset_add_fd(o->files, 0);
    if (rc == 0)
        rc = jisr_align_docreader_open(&rd, "-", o->text_flags, ss, ts);
    jisr_align_docpair dp = {0};
    while (rc == 0) {
        int more = jisr_align_docreader_next(rd, &dp);
        if (more < 0) {
            rc = more;
            break;
        }
        if (more > 0) {
            if (nd == cap) {
                adoc *v = realloc(docs, cap * 2 * sizeof *v);
                if (!v) {
                    rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                memset(v + cap, 0, cap * sizeof *v);
                docs = v;
                cap *= 2;
            }
            /* hand the document over: dp is left empty for the next one */
            adoc *d = &docs[nd++];
            d->id = dp.id;
            d->src = dp.src;
            d->tgt = dp.tgt;
            memset(&dp, 0, sizeof dp);
        }
        if (nd > 0 && (more == 0 || (o->chunk && nd == o->chunk))) {
            rc = run_chunk(al, o, docs, nd, NULL);
            for (size_t k = 0; k < nd; k++)
                adoc_free(&docs[k]);
            nd = 0;
        }
        if (more == 0)
            break;
    }
    for (size_t k = 0; k < nd; k++)
        adoc_free(&docs[k]);
    free(docs);
    jisr_align_docpair_free(&dp);
    jisr_align_docreader_close(rd);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    if (fflush(stdout) != 0 && rc == 0)
        rc = jisr_error_set(JISR_EIO, "<stdout>", 0, 0, "write error");
    return rc;
}

static int single(jisr_aligner *al, const aopts *o, const char *src, const char *tgt)
{
    adoc d = {0};
    jisr_segmenter *ss = NULL, *ts = NULL;
    int rc = get_segmenters(o, &ss, &ts);
    if (rc == 0)
        rc = read_sentences(o, src, ss, &d.src);
    if (rc == 0)
        rc = read_sentences(o, tgt, ts, &d.tgt);
    if (rc == 0 && !(d.id = jisr_strdup(src)))
        rc = JISR_ENOMEM;
    if (rc == 0)
        rc = run_chunk(al, o, &d, 1, o->output ? o->output : "-");
    adoc_free(&d);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    return rc;
}

#define MAX_LEX 14

int cmd_align(int argc, char **argv)
{
    enum {
        OPT_DICT = 256,
        OPT_NODICT,
        OPT_LENGTH,
        OPT_BAND,
        OPT_CHUNK,
        OPT_LENIENT,
        OPT_MODEL,
        OPT_LEXICON,
        OPT_NOLEXICON,
        OPT_TM,
    };
    static const struct option longopts[] = {
        {"source-lang", required_argument, NULL, 's'},
        {"target-lang", required_argument, NULL, 't'},
        {"presegmented", no_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"min-score", required_argument, NULL, 'm'},
        {"dict", required_argument, NULL, OPT_DICT},
        {"no-dict", no_argument, NULL, OPT_NODICT},
        {"lexicon", required_argument, NULL, OPT_LEXICON},
        {"no-lexicon", no_argument, NULL, OPT_NOLEXICON},
        {"tm", required_argument, NULL, OPT_TM},
        {"length-only", no_argument, NULL, OPT_LENGTH},
        {"band", required_argument, NULL, OPT_BAND},
        {"model", required_argument, NULL, OPT_MODEL},
        {"batch", required_argument, NULL, 'b'},
        {"out-dir", required_argument, NULL, 'd'},
        {"chunk", required_argument, NULL, OPT_CHUNK},
        {"lenient", no_argument, NULL, OPT_LENIENT},
        {"from", required_argument, NULL, DOC_OPT_FROM},
        {"encoding", required_argument, NULL, DOC_OPT_ENCODING},
        {"keep-boilerplate", no_argument, NULL, DOC_OPT_BOILERPLATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    aopts o = {"ar",
               "en",
               0,
               -1,
               NULL,
               NULL,
               NULL,
               0.0,
               0,
               0,
               JISR_ALIGN_OPTS_INIT,
               NULL,
               JISR_DOC_OPTS_INIT};
    o.doc.on_warning = doc_cli_warn;
    const char *lexpaths[MAX_LEX], *tms[MAX_LEX];
    size_t nlex = 0, ntm = 0;
    int c;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:t:pf:o:m:b:d:h", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.srclang = optarg;
            break;
        case 't':
            o.tgtlang = optarg;
            break;
        case 'p':
            o.presegmented = 1;
            break;
        case 'f':
            if ((o.format = jisr_align_format_parse(optarg)) < 0)
                return cli_usage_error("align",
                                       "unknown format '%s' (ladder, tsv, tmx, jsonl, "
                                       "html)",
                                       optarg);
            break;
        case 'o':
            o.output = optarg;
            break;
        case 'm':
            o.min_score = strtod(optarg, &end);
            if (end == optarg || *end || !(o.min_score >= 0 && o.min_score <= 1))
                return cli_usage_error("align", "--min-score needs a number from 0 to 1");
            break;
        case OPT_DICT:
            o.al.dict_path = optarg;
            break;
        case OPT_LENIENT:
            o.text_flags = JISR_TEXT_LENIENT;
            break;
        case OPT_NODICT:
            o.al.flags |= JISR_ALIGN_NO_DICT;
            break;
        case OPT_NOLEXICON:
            o.al.flags |= JISR_ALIGN_NO_LEXICON;
            break;
        case OPT_LEXICON:
        case OPT_TM:
            if (nlex + ntm == MAX_LEX)
                return cli_usage_error("align", "at most %d --lexicon and --tm", MAX_LEX);
            if (c == OPT_LEXICON)
                lexpaths[nlex++] = optarg;
            else
                tms[ntm++] = optarg;
            break;
        case OPT_LENGTH:
            o.al.flags |= JISR_ALIGN_NO_LEXICAL;
            break;
        case OPT_MODEL:
            if (strcmp(optarg, "1") && strcmp(optarg, "2"))
                return cli_usage_error("align", "--model is 1 or 2");
            o.al.model = optarg[0] - '0';
            break;
        case OPT_BAND:
        case OPT_CHUNK: {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 100000000)
                return cli_usage_error("align", "--%s needs a positive integer",
                                       c == OPT_BAND ? "band" : "chunk");
            if (c == OPT_BAND)
                o.al.band = (size_t)v;
            else
                o.chunk = (size_t)v;
            break;
        }
        case 'b':
            o.batch = optarg;
            break;
        case 'd':
            o.outdir = optarg;
            break;
        case DOC_OPT_FROM:
        case DOC_OPT_ENCODING:
        case DOC_OPT_BOILERPLATE: {
            int r = doc_cli_option("align", c, optarg, &o.doc);
            if (r != 1)
                return r;
            break;
        }
        case 'h':
            return cli_help("align");
        case ':':
            return cli_usage_error("align", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("align", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o.format < 0)
        o.format = jisr_align_format_from_path(o.output);
    if (o.format < 0)
        o.format = JISR_ALIGN_LADDER;
    int from_stdin = o.batch && strcmp(o.batch, "-") == 0;
    if (o.batch) {
        if (optind != argc)
            return cli_usage_error("align", "no SRC/TGT files with --batch");
        if (!from_stdin && !o.outdir)
            return cli_usage_error("align", "--batch LIST needs --out-dir DIR");
        if (from_stdin && (o.outdir || o.output))
            return cli_usage_error("align", "--batch - writes JSONL on standard output "
                                            "(no --out-dir or -o)");
        if (o.outdir && !o.outdir[0])
            return cli_usage_error("align", "empty --out-dir");
    } else {
        if (o.outdir || o.chunk)
            return cli_usage_error("align", "--out-dir and --chunk go with --batch");
        if (argc - optind != 2)
            return cli_usage_error("align", "expected SRC and TGT files");
    }
    if (!o.srclang[0] || !o.tgtlang[0])
        return cli_usage_error("align", "empty language tag");
    o.al.srclang = o.srclang;
    o.al.tgtlang = o.tgtlang;
    jisr_aligner *al = NULL;
    jisr_lexicon *lex[MAX_LEX] = {NULL};
    size_t nl = 0;
    int rc = jisr_fileset_new(&o.files), status = CLI_OK;
    if (rc == 0 && o.al.dict_path)
        rc = jisr_fileset_add_input(o.files, o.al.dict_path);
    if (rc == 0)
        rc = jisr_aligner_new(&al, &o.al);
    for (size_t i = 0; rc == 0 && i < nlex; i++)
        if ((rc = jisr_fileset_add_input(o.files, lexpaths[i])) == 0 &&
            (rc = jisr_lexicon_read(&lex[nl], lexpaths[i])) == 0)
            rc = jisr_aligner_add_lexicon(al, lex[nl++]);
    for (size_t i = 0; rc == 0 && status == CLI_OK && i < ntm; i++) {
        jisr_lexicon_train_opts to = JISR_LEXICON_TRAIN_OPTS_INIT;
        to.srclang = o.srclang;
        to.tgtlang = o.tgtlang;
        jisr_lexicon_trainer *tr = NULL;
        if ((rc = jisr_lexicon_trainer_new(&tr, &to)) < 0)
            break;
        uint64_t n = 0;
        if ((rc = jisr_fileset_add_input(o.files, tms[i])) < 0) {
            jisr_lexicon_trainer_free(tr);
            break;
        }
        status = cli_train_from_tm(tr, tms[i], &n);
        if (status == CLI_OK && n == 0)
            cli_warn("%s: no %s-%s units to learn from", tms[i], o.srclang, o.tgtlang);
        if (status == CLI_OK && n > 0 && (rc = jisr_lexicon_trainer_finish(tr, &lex[nl])) == 0)
            rc = jisr_aligner_add_lexicon(al, lex[nl++]);
        jisr_lexicon_trainer_free(tr);
    }
    if (rc == 0 && status == CLI_OK) {
        if (from_stdin)
            rc = batch_stdin(al, &o);
        else if (o.batch)
            rc = batch_list(al, &o);
        else
            rc = single(al, &o, argv[optind], argv[optind + 1]);
    }
    jisr_aligner_free(al);
    for (size_t i = 0; i < nl; i++)
        jisr_lexicon_free(lex[i]);
    jisr_fileset_free(o.files);
    if (status != CLI_OK)
        return status;
    return rc < 0 ? cli_error(rc) : CLI_OK;
}
