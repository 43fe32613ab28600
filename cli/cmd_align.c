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
#include "corpus/corpus.h"
#include "doc/doc.h"
#include "text/text.h"
#include "util/plural.h"

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
    "anchors (numbers, ? ! quotes, names); beads 0-1 1-0 1-1 1-2 2-1 2-2 1-3 3-1, and 1-4 1-5\n"
    "1-6 4-1 5-1 6-1 (a long sentence that the translation splits: Arabic prose often runs a\n"
    "paragraph into one). A pair's score is the probability that it is right (of pairs scored\n"
    "0.8, 8 in 10 are right); pairs among neighbours without lexical evidence score low (with a\n"
    "lexicon or dictionary for the languages: Arabic-English has one), so unrelated documents\n"
    "give few pairs.\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   language of SRC (default ar), a BCP 47 tag: written so into\n"
    "                        TMX and JSONL (ar_SA as ar-SA)\n"
    "  -t, --target-lang L   language of TGT (default en), likewise\n"
    "  -p, --presegmented    one sentence per line\n"
    "  -f, --format F        ladder, tsv, tmx, jsonl or html (default: from the -o extension,\n"
    "                        another extension is an error; else ladder):\n"
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
    "      --skip-bad        tmx: leave out a pair with a character XML cannot carry (a\n"
    "                        control character), naming FILE:LINE, instead of failing;\n"
    "                        the other formats write every pair (a warning says so)\n"
    "      --from FMT        read SRC and TGT as FMT: text, html, docx, odt, xliff, pdf\n"
    "      --encoding ENC    plain text and HTML: force the encoding (windows-1256,\n"
    "                        ISO-8859-6, UTF-16LE ...); with -p a legacy-encoded file's\n"
    "                        blank lines are skipped (every other line is one sentence)\n"
    "      --keep-boilerplate  HTML: keep navigation, banners, page footers, asides\n"
    "      --chunk N         batch modes: align N documents at a time (default: all)\n"
    "  -h, --help            show this help\n"
    "\n"
    "SRC and TGT may be pipes or FIFOs (<(cmd)): they are read once, whole (256 MiB at most).\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable file, invalid UTF-8, bad list or\n"
    "JSON line, repeated id: FILE:LINE:COL is given; for tmx, a pair with a character XML\n"
    "cannot carry: FILE:LINE, nothing written), 2 on bad usage.\n"
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
    int skip_bad; /* TMX: leave out a pair it cannot carry, instead of failing */
    int format;   /* -1 = not given */
    const char *output, *batch, *outdir;
    double min_score;
    size_t chunk;
    unsigned text_flags;
    jisr_align_opts al;
    jisr_fileset *files; /* inputs (and outputs so far): never written over */
    jisr_doc_opts doc;   /* --from, --encoding, --keep-boilerplate */
} aopts;

/* The input line of each sentence, for messages that name FILE:LINE (0: not known, as for a
 * paragraph of a DOCX). */
typedef struct linemap {
    unsigned long *v;
    size_t n, cap;
} linemap;

typedef struct adoc {
    char *id;
    jisr_sentences src, tgt;
    char *path[2]; /* the source and target inputs (NULL: a document of --batch -) */
    linemap lines[2];
} adoc;

static void adoc_free(adoc *d)
{
    free(d->id);
    jisr_sentences_free(&d->src);
    jisr_sentences_free(&d->tgt);
    for (int s = 0; s < 2; s++) {
        free(d->path[s]);
        free(d->lines[s].v);
    }
    memset(d, 0, sizeof *d);
}

/* Note the lines of the sentences s->v[before..s->n), which came from one paragraph (or line)
 * text starting on line first (0: lines not known): a sentence's line is first plus the line
 * feeds before its start in text. */
static int note_lines(linemap *m, const jisr_sentences *s, size_t before, const char *text,
                      unsigned long first)
{
    unsigned long line = first;
    size_t at = 0;
    for (size_t k = before; k < s->n; k++) {
        if (m->n == m->cap) {
            size_t cap = m->cap ? m->cap * 2 : 256;
            unsigned long *v = realloc(m->v, cap * sizeof *v);
            if (!v)
                return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            m->v = v;
            m->cap = cap;
        }
        for (size_t start = first ? s->start[k] : 0; at < start; at++)
            line += text[at] == '\n';
        m->v[m->n++] = first ? line : 0;
    }
    return 0;
}

/* One paragraph (seg) or line (no seg) of an input, starting on line first, into out and m. */
static int add_text(jisr_sentences *out, linemap *m, jisr_segmenter *seg, const char *text,
                    size_t len, unsigned long first)
{
    size_t before = out->n;
    int rc = seg ? jisr_sentences_add_paragraph(out, seg, text, len)
                 : jisr_sentences_push(out, text, len);
    return rc < 0 ? rc : note_lines(m, out, before, text, first);
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
    /* the sentences as lines: where the Arabic stands tells Arabic naming English terms (in
     * nearly every line) from English quoting Arabic, as docalign tells a document's side */
    jisr_buf b = {0};
    for (size_t k = 0; k < s->n && b.len < 65536; k++)
        if (jisr_buf_puts(&b, s->v[k]) < 0 || jisr_buf_putc(&b, '\n') < 0)
            break;
    jisr_script sc = jisr_corpus_script(b.data, b.len);
    jisr_buf_free(&b);
    int ar = jisr_lang_matches(lang, "ar");
    if (ar && sc == JISR_SCRIPT_LATIN)
        cli_warn("%s: the %s text is in Latin script, not Arabic (%s %s): are the files swapped?",
                 id, side, flag, lang);
    else if (!ar && sc == JISR_SCRIPT_ARABIC)
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
            cli_warn("%s: the source has %zu %s and the target %zu: if each line of the "
                     "files is one sentence, -p (--presegmented) reads them so",
                     d->id, d->src.n, jisr_plural(d->src.n, "sentence", "sentences"), d->tgt.n);
    }
}

/* Where sentence k of side s of d is, for a message: FILE:LINE, or the paragraph when the input
 * has no lines (a DOCX …), or the sentence's number. */
static void sentence_place(const adoc *d, int s, size_t k, char *out, size_t size)
{
    const jisr_sentences *ss = s ? &d->tgt : &d->src;
    const char *path = d->path[s] ? d->path[s] : d->id;
    unsigned long line = k < d->lines[s].n ? d->lines[s].v[k] : 0;
    if (line)
        snprintf(out, size, "%s:%lu", path, line);
    else if (ss->has_para && ss->para)
        snprintf(out, size, "%s: paragraph %lu", path, (unsigned long)ss->para[k] + 1);
    else
        snprintf(out, size, "%s: sentence %zu", path, k + 1);
}

/* TMX (XML) cannot carry every character: a control character in a sentence of a kept pair
 * would stop the whole output at that pair (the formats writer refuses the unit). Found here
 * first, named by input file and line: an error (the first one; nothing is written), or with
 * --skip-bad a warning each, the pairs then left out of *use (a copy of l in copy). */
static int tmx_check(const aopts *o, const adoc *d, const jisr_ladder *l, jisr_ladder *copy,
                     const jisr_ladder **use)
{
    *use = l;
    size_t bad = 0;
    for (size_t i = 0; i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if (!b->nsrc || !b->ntgt || !(b->score >= o->min_score))
            continue;
        unsigned c = 0;
        size_t at = 0, k = 0;
        int s = 0;
        for (int side = 0; side < 2 && !c; side++) {
            const jisr_sentences *ss = side ? &d->tgt : &d->src;
            size_t first = side ? b->tgt : b->src, n = side ? b->ntgt : b->nsrc;
            for (size_t j = first; j < first + n && j < ss->n && !c; j++)
                if ((c = jisr_xml_bad_char(ss->v[j], &at)) != 0) {
                    s = side;
                    k = j;
                }
        }
        if (!c)
            continue;
        char place[1200];
        sentence_place(d, s, k, place, sizeof place);
        if (!o->skip_bad)
            return jisr_error_set(JISR_EENCODING, NULL, 0, 0,
                                  "%s: the %s sentence holds U+%04X (character %zu), which TMX "
                                  "(XML) cannot carry: nothing written. --skip-bad leaves such "
                                  "pairs out; -f tsv or jsonl keep them",
                                  place, s ? "target" : "source", c, at);
        if (!bad++) {
            copy->n = 0;
            for (size_t j = 0; j < l->n; j++)
                if (jisr_ladder_push(copy, l->v[j].src, l->v[j].nsrc, l->v[j].tgt, l->v[j].ntgt,
                                     l->v[j].score) < 0)
                    return JISR_ENOMEM;
            *use = copy;
        }
        copy->v[i].score = -1; /* below any --min-score: not written */
        cli_warn("%s: the %s sentence holds U+%04X (character %zu), which TMX cannot carry: "
                 "its pair is left out (--skip-bad)",
                 place, s ? "target" : "source", c, at);
    }
    if (bad)
        cli_warn("%s: %zu %s left out of the TMX (--skip-bad)", d->id, bad,
                 jisr_plural(bad, "pair", "pairs"));
    return 0;
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
    jisr_ladder copy = {0};
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const jisr_ladder *l = jisr_aligner_result(al, i);
        warn_result(o, &docs[i], l);
        if (o->format == JISR_ALIGN_TMX && (path || o->outdir) &&
            (rc = tmx_check(o, &docs[i], l, &copy, &l)) < 0)
            break;
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
    jisr_ladder_free(&copy);
    return rc;
}

/* Whether path is a regular file, which can be read twice (not a pipe, a FIFO, a device; a
 * path that cannot be looked at is left to the reader, which names the error). */
static int is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) < 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

/* A text file's sentences (path "-" = stdin), as jisr_sentences_read reads them (paragraphs
 * split by seg, or with seg NULL one sentence a line, every line kept), each with its line. */
static int read_text_file(const char *path, jisr_segmenter *seg, unsigned flags,
                          jisr_sentences *out, linemap *m)
{
    jisr_textin *in = NULL;
    int rc = jisr_textin_open(&in, path, flags);
    while (rc >= 0) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        rc = seg ? jisr_textin_next_paragraph(in, &t, &n, &off, &line)
                 : jisr_textin_next_line(in, &t, &n, &off, &line);
        if (rc <= 0)
            break;
        rc = add_text(out, m, seg, t, n, line);
    }
    out->replaced += jisr_textin_replacements(in);
    jisr_textin_close(in);
    return rc < 0 ? rc : 0;
}

static int blank_line(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p == e;
}

/* The same over an input read whole into mem[0..n) (a pipe): decoded as the text reader decodes
 * a file (a BOM, UTF-16), cut alike: a line's final carriage return dropped; a paragraph, lines
 * that are not blank (spaces and tabs), its inner line breaks kept. */
static int read_text_memory(const char *name, const char *mem, size_t n, jisr_segmenter *seg,
                            unsigned flags, jisr_sentences *out, linemap *m)
{
    char *text = NULL;
    size_t len = 0, replaced = 0;
    int rc = jisr_text_decode(name, mem, n, flags, &text, &len, &replaced);
    out->replaced += replaced;
    const char *p = text, *end = text + len, *para = NULL, *para_end = NULL;
    unsigned long line = 1, first = 0;
    for (; rc == 0 && p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *e = eol ? eol : end;
        const char *le = e > p && e[-1] == '\r' ? e - 1 : e;
        if (!seg) {
            rc = add_text(out, m, NULL, p, (size_t)(le - p), line);
        } else if (!blank_line(p, le)) {
            if (!para) {
                para = p;
                first = line;
            }
            para_end = le;
        } else if (para) {
            rc = add_text(out, m, seg, para, (size_t)(para_end - para), first);
            para = NULL;
        }
        p = eol ? eol + 1 : end;
    }
    if (rc == 0 && para)
        rc = add_text(out, m, seg, para, (size_t)(para_end - para), first);
    free(text);
    return rc;
}

/* The sentences of one input, with the line each starts on (linemap). Plain text keeps its line
 * semantics (with -p, line i is sentence i, blank lines included); other documents (HTML, DOCX,
 * ODT, XLIFF, PDF) come through the doc layer paragraph by paragraph, each split, or taken as
 * one sentence when presegmented. Plain text that is not UTF-8 (and not --lenient) is given to
 * the doc layer too, which reads a declared or detected legacy encoding (and warns) or fails
 * naming the file; so does any input with --encoding or --from. A pipe or a FIFO (<(cmd),
 * mkfifo) is read once, whole, first: the second reading would find its start gone. */
static int read_sentences(const aopts *o, const char *path, jisr_segmenter *seg,
                          jisr_sentences *out, linemap *m)
{
    int rc = jisr_fileset_add_input(o->files, path);
    if (rc < 0)
        return rc;
    int is_stdin = strcmp(path, "-") == 0;
    jisr_doc_format f = o->doc.format != JISR_DOC_AUTO ? o->doc.format
                        : is_stdin                     ? JISR_DOC_TEXT
                                                       : jisr_doc_format_from_name(path);
    int plain = f == JISR_DOC_TEXT || (o->presegmented && f == JISR_DOC_AUTO);
    char *mem = NULL;
    size_t nmem = 0;
    if (!is_stdin && !is_regular(path) &&
        (rc = jisr_doc_read_input(path, o->doc.max_bytes, &mem, &nmem)) < 0)
        return rc;
    if (plain && !o->doc.encoding && o->doc.format == JISR_DOC_AUTO) {
        rc = mem ? read_text_memory(path, mem, nmem, seg, o->text_flags, out, m)
                 : read_text_file(path, seg, o->text_flags, out, m);
        if (rc != JISR_EENCODING || (o->text_flags & JISR_TEXT_LENIENT) || is_stdin) {
            free(mem);
            return rc;
        }
        jisr_sentences_clear(out); /* not UTF-8: perhaps a legacy encoding */
        m->n = 0;
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
    rc = mem ? jisr_doc_open_memory(&d, path, mem, nmem, &dopts) : jisr_doc_open(&d, path, &dopts);
    /* lines are a text's: a DOCX paragraph's is in its XML */
    int lines = rc == 0 && jisr_doc_get_format(d) == JISR_DOC_TEXT;
    while (rc >= 0 && (rc = jisr_doc_next(d, &p)) > 0)
        rc = add_text(out, m, seg, p.text, p.len, lines ? p.line : 0);
    jisr_doc_close(d);
    free(mem);
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
            rc = read_sentences(o, sp, ss, &d->src, &d->lines[0]);
        if (rc == 0)
            rc = read_sentences(o, tp, ts, &d->tgt, &d->lines[1]);
        d->path[0] = sp; /* for messages; freed with d */
        d->path[1] = tp;
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
        rc = read_sentences(o, src, ss, &d.src, &d.lines[0]);
    if (rc == 0)
        rc = read_sentences(o, tgt, ts, &d.tgt, &d.lines[1]);
    if (rc == 0 && (!(d.id = jisr_strdup(src)) ||
                    !(d.path[0] = jisr_strdup(strcmp(src, "-") ? src : "<stdin>")) ||
                    !(d.path[1] = jisr_strdup(strcmp(tgt, "-") ? tgt : "<stdin>"))))
        rc = JISR_ENOMEM;
    if (rc == 0)
        rc = run_chunk(al, o, &d, 1, o->output ? o->output : "-");
    adoc_free(&d);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    return rc;
}

/* Whether the file name of path has an extension (a '.' after its first character). */
static int has_extension(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    return base[0] && strchr(base + 1, '.') != NULL;
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
        OPT_SKIPBAD,
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
        {"skip-bad", no_argument, NULL, OPT_SKIPBAD},
        {"from", required_argument, NULL, DOC_OPT_FROM},
        {"encoding", required_argument, NULL, DOC_OPT_ENCODING},
        {"keep-boilerplate", no_argument, NULL, DOC_OPT_BOILERPLATE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    aopts o = {"ar", "en",
               0,    0,
               -1,   NULL,
               NULL, NULL,
               0.0,  0,
               0,    JISR_ALIGN_OPTS_INIT,
               NULL, JISR_DOC_OPTS_INIT};
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
        case 't': {
            /* checked as convert checks them, and written as BCP 47 writes them (ar_SA is
             * ar-SA): they go into TMX and JSONL as they are */
            int r = doc_cli_lang("align", c == 's' ? "-s" : "-t", optarg);
            if (r != CLI_OK)
                return r;
            *(c == 's' ? &o.srclang : &o.tgtlang) = optarg;
            break;
        }
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
        case OPT_SKIPBAD:
            o.skip_bad = 1;
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
        default: /* ':' or '?' */
            return cli_option_error("align", c, argv);
        }
    }
    if (o.format < 0 && o.output && has_extension(o.output) &&
        (o.format = jisr_align_format_from_path(o.output)) < 0)
        return cli_usage_error("align",
                               "cannot tell the format from the name '%s': give -f (ladder, "
                               "tsv, tmx, jsonl, html) or name the output .ladder, .tsv, .tmx, "
                               ".jsonl, .html or .htm (Moses: -f tsv, then jisr convert)",
                               o.output);
    if (o.format < 0)
        o.format = JISR_ALIGN_LADDER;
    int from_stdin = o.batch && strcmp(o.batch, "-") == 0;
    /* the other formats carry every character: a --skip-bad that does nothing is said (a
     * warning, not an error: a script that passes it to every run still runs) */
    if (o.skip_bad && (o.format != JISR_ALIGN_TMX || from_stdin))
        cli_warn("--skip-bad does nothing here: it goes with -f tmx only (%s writes every pair, "
                 "whatever characters it holds)",
                 from_stdin ? "--batch -'s JSONL"
                            : jisr_align_format_name((jisr_align_format)o.format));
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
