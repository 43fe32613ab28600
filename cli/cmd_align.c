/*
 * cmd_align.c — `jisr align`: align a document with its translation sentence by sentence, one
 * pair of files, a list of pairs (--batch LIST) or a JSONL stream (--batch -).
 *
 * Batch modes add every document of a chunk to one aligner before running it, so the
 * translation table bootstrapped from the input is learnt over all of them (more text, better
 * table). --chunk bounds the memory of a long stream. The model lives in the align layer;
 * this file reads inputs and writes outputs.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "align/align.h"
#include "cli/align_cli.h"
#include "cli/cli.h"
#include "text/text.h"

const char cmd_align_help[] =
    "Usage: jisr align [OPTIONS] SRC TGT\n"
    "       jisr align [OPTIONS] --batch LIST --out-dir DIR\n"
    "       jisr align [OPTIONS] --batch - < pairs.jsonl > aligned.jsonl\n"
    "\n"
    "Align a document (SRC) with its translation (TGT) sentence by sentence. Plain text is\n"
    "split into sentences as `jisr segment` does (a blank line ends a paragraph); with\n"
    "--presegmented every line is one sentence, taken as is (sentence i is line i+1).\n"
    "\n"
    "Model: Gale-Church length costs, a bilingual dictionary (FreeDict ara-eng when\n"
    "installed, or --dict), a translation table learnt from the input, anchors (numbers,\n"
    "? ! quotes, transliterated names); beads 0-1 1-0 1-1 1-2 2-1 2-2 1-3 3-1; banded DP.\n"
    "\n"
    "Options:\n"
    "  -s, --source-lang L   language of SRC (default ar)\n"
    "  -t, --target-lang L   language of TGT (default en)\n"
    "  -p, --presegmented    one sentence per line\n"
    "  -f, --format F        ladder, tsv, tmx, jsonl or html (default: from the -o extension,\n"
    "                        else ladder):\n"
    "                        ladder  [i,j]:[k]:score per bead, 0-based (vecalign's format);\n"
    "                                unaligned sentences are [i]:[] and []:[k]\n"
    "                        tsv     source<TAB>target<TAB>score per aligned pair (\\t \\n \\\\\n"
    "                                escaped)\n"
    "                        tmx     TMX 1.4b, one <tu> per pair, prop x-align-score\n"
    "                        jsonl   {\"srclang\",\"tgtlang\",\"source\",\"target\",\"score\",\n"
    "                                \"src_idx\":[...],\"tgt_idx\":[...]} per pair\n"
    "                        html    a self-contained side-by-side review page: pairs\n"
    "                                coloured by confidence, unaligned sentences shown\n"
    "                        tsv, tmx and jsonl are ready for `jisr import`.\n"
    "  -o, --output FILE     write to FILE (default: standard output)\n"
    "  -m, --min-score X     leave pairs scoring below X (0..1) out of tsv/tmx/jsonl\n"
    "                        (html greys them out); the score is the aligner's confidence\n"
    "      --dict FILE       bilingual dictionary: a dictd .index file (its .dict or .dict.dz\n"
    "                        beside it; headwords Arabic) or a TSV of source<TAB>target words\n"
    "      --no-dict         no dictionary (the table learnt from the input remains)\n"
    "      --length-only     Gale-Church length costs only\n"
    "      --band N          half-width of the DP band in sentences (default: automatic)\n"
    "  -b, --batch LIST      align every pair of LIST: rows id<TAB>src<TAB>tgt[<TAB>...]\n"
    "                        (paths relative to LIST's directory, extra fields ignored),\n"
    "                        writing DIR/ID.EXT (EXT = the format name). One translation\n"
    "                        table is learnt over all pairs.\n"
    "      --batch -         read JSONL document pairs on standard input, one per line:\n"
    "                          {\"id\":\"doc1\",\"src\":TEXT,\"tgt\":TEXT}\n"
    "                        where TEXT is a string (segmented, or split at newlines with\n"
    "                        --presegmented) or an array of sentences; \"source\"/\"target\"\n"
    "                        are accepted for \"src\"/\"tgt\", \"id\" is optional (default: the\n"
    "                        line number). Writes the jsonl format on standard output, each\n"
    "                        object with the document's \"id\": a pure filter (RDD.pipe,\n"
    "                        Hadoop Streaming, GNU parallel --pipe).\n"
    "  -d, --out-dir DIR     output directory of --batch LIST (created if missing)\n"
    "      --lenient         replace invalid UTF-8 with U+FFFD instead of failing\n"
    "      --chunk N         batch modes: align N documents at a time (default: all)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable file, invalid UTF-8, bad list or\n"
    "JSON line: FILE:LINE:COL is given), 2 on bad usage.\n"
    "\n"
    "Examples:\n"
    "  jisr align -s ar -t en article.ar.txt article.en.txt -f html -o review.html\n"
    "  jisr align -p -f ladder doc.ar doc.en > doc.ladder\n"
    "  jisr align -p -f tmx --min-score 0.5 doc.ar doc.en -o doc.tmx && jisr import doc.tmx\n"
    "  jisr align -p -f ladder --batch dev.list --out-dir out/ && "
    "jisr align-eval --list dev.list --dir out/\n"
    "  cat pairs.jsonl | jisr align --batch - > aligned.jsonl\n";

typedef struct aopts {
    const char *srclang, *tgtlang;
    int presegmented;
    int format; /* -1 = not given */
    const char *output, *batch, *outdir;
    double min_score;
    size_t chunk;
    jisr_align_opts al;
} aopts;

typedef struct adoc {
    char *id;
    acli_strs src, tgt;
} adoc;

static void adoc_free(adoc *d)
{
    free(d->id);
    acli_strs_free(&d->src);
    acli_strs_free(&d->tgt);
}

static const char *const *ptrs(const acli_strs *s)
{
    return (const char *const *)s->v;
}

/* Align docs[0..n) in one run and hand each result to emit. */
static int run_chunk(jisr_aligner *al, adoc *docs, size_t n,
                     int (*emit)(void *ctx, const adoc *d, const jisr_ladder *l), void *ctx)
{
    jisr_aligner_clear(al);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = jisr_aligner_add(al, ptrs(&docs[i].src), docs[i].src.n, ptrs(&docs[i].tgt),
                              docs[i].tgt.n, NULL);
    if (rc == 0)
        rc = jisr_aligner_run(al);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = emit(ctx, &docs[i], jisr_aligner_result(al, i));
    return rc;
}

typedef struct emit_ctx {
    const aopts *o;
    const char *path; /* single document */
    jisr_buf out;     /* --batch - */
} emit_ctx;

static acli_out_opts out_opts(const aopts *o, const char *id)
{
    acli_out_opts w = {(acli_format)o->format, o->min_score, o->srclang, o->tgtlang, id, id};
    return w;
}

static int emit_file(void *ctx, const adoc *d, const jisr_ladder *l)
{
    emit_ctx *e = ctx;
    acli_out_opts w = out_opts(e->o, NULL);
    w.title = d->id;
    if (e->path)
        return acli_write(e->path, &w, &d->src, &d->tgt, l);
    jisr_buf path = {0};
    int rc = jisr_buf_printf(&path, "%s/%s.%s", e->o->outdir, d->id,
                             acli_format_ext((acli_format)e->o->format));
    if (rc == 0)
        rc = acli_write(path.data, &w, &d->src, &d->tgt, l);
    jisr_buf_free(&path);
    return rc;
}

static int emit_jsonl(void *ctx, const adoc *d, const jisr_ladder *l)
{
    emit_ctx *e = ctx;
    acli_out_opts w = out_opts(e->o, d->id);
    w.format = ACLI_JSONL;
    jisr_buf_reset(&e->out);
    int rc = acli_jsonl(&e->out, &w, &d->src, &d->tgt, l);
    if (rc == 0 && e->out.len && fwrite(e->out.data, 1, e->out.len, stdout) != e->out.len)
        rc = jisr_error_set(JISR_EIO, "<stdout>", 0, 0, "write error");
    return rc;
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
    acli_list l;
    int rc = acli_list_read(o->batch, 3, &l);
    if (rc < 0)
        return rc;
    jisr_segmenter *ss = NULL, *ts = NULL;
    size_t chunk = o->chunk ? o->chunk : l.n;
    adoc *docs = calloc(chunk ? chunk : 1, sizeof *docs);
    emit_ctx e = {o, NULL, {0}};
    if (!docs)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = get_segmenters(o, &ss, &ts);
    if (rc == 0 && mkdir(o->outdir, 0777) < 0) {
        struct stat st;
        if (stat(o->outdir, &st) < 0 || !S_ISDIR(st.st_mode))
            rc = jisr_error_set(JISR_EIO, o->outdir, 0, 0, "cannot create the directory");
    }
    size_t nd = 0;
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const acli_row *r = &l.rows[i];
        adoc *d = &docs[nd];
        memset(d, 0, sizeof *d);
        char *sp = acli_list_path(&l, r->f[1]), *tp = acli_list_path(&l, r->f[2]);
        if (!(d->id = jisr_strdup(r->f[0])) || !sp || !tp)
            rc = JISR_ENOMEM;
        if (rc == 0 && (!r->f[0][0] || strchr(r->f[0], '/')))
            rc = jisr_error_set(JISR_EPARSE, o->batch, r->line, 1,
                                "document id must be non-empty and contain no '/'");
        if (rc == 0)
            rc = acli_read_sentences(sp, o->presegmented, ss, &d->src);
        if (rc == 0)
            rc = acli_read_sentences(tp, o->presegmented, ts, &d->tgt);
        free(sp);
        free(tp);
        nd++;
        if (rc == 0 && (nd == chunk || i + 1 == l.n)) {
            rc = run_chunk(al, docs, nd, emit_file, &e);
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
    acli_list_free(&l);
    return rc;
}

/* One side of a JSONL document: a string (split) or an array of strings (taken as is). */
static int json_side(json_t *v, const aopts *o, jisr_segmenter *seg, acli_strs *out,
                     unsigned long line, const char *key)
{
    if (json_is_string(v))
        return acli_split_text(json_string_value(v), json_string_length(v), o->presegmented, seg,
                               out);
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e)
        {
            if (!json_is_string(e))
                return jisr_error_set(JISR_EPARSE, "<stdin>", line, 1,
                                      "\"%s\"[%zu] is not a string", key, i);
            int rc = acli_strs_push(out, json_string_value(e), json_string_length(e));
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    return jisr_error_set(JISR_EPARSE, "<stdin>", line, 1,
                          "\"%s\" must be a string or an array of strings", key);
}

static int batch_stdin(jisr_aligner *al, const aopts *o)
{
    jisr_textin *in = NULL;
    int rc = jisr_textin_open(&in, "-", acli_text_flags);
    if (rc < 0)
        return rc;
    jisr_segmenter *ss = NULL, *ts = NULL;
    size_t cap = o->chunk ? o->chunk : 64, nd = 0;
    adoc *docs = calloc(cap, sizeof *docs);
    emit_ctx e = {o, NULL, {0}};
    if (!docs)
        rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc == 0)
        rc = get_segmenters(o, &ss, &ts);
    while (rc == 0) {
        const char *t;
        size_t n;
        uint64_t off;
        unsigned long line;
        int more = jisr_textin_next_line(in, &t, &n, &off, &line);
        if (more < 0) {
            rc = more;
            break;
        }
        if (more > 0) {
            size_t k = 0;
            while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'))
                k++;
            if (k == n)
                continue;
            json_error_t jerr;
            json_t *obj = json_loadb(t, n, JSON_REJECT_DUPLICATES, &jerr);
            if (!obj || !json_is_object(obj)) {
                rc = jisr_error_set(JISR_EPARSE, "<stdin>", line,
                                    obj ? 1 : (unsigned long)jerr.column, "%s",
                                    obj ? "expected a JSON object" : jerr.text);
                json_decref(obj);
                break;
            }
            if (nd == cap) {
                adoc *v = realloc(docs, cap * 2 * sizeof *v);
                if (!v) {
                    json_decref(obj);
                    rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                docs = v;
                cap *= 2;
            }
            adoc *d = &docs[nd++];
            memset(d, 0, sizeof *d);
            json_t *id = json_object_get(obj, "id");
            json_t *s = json_object_get(obj, "src"), *tg = json_object_get(obj, "tgt");
            if (!s)
                s = json_object_get(obj, "source");
            if (!tg)
                tg = json_object_get(obj, "target");
            char idbuf[32];
            if (json_is_integer(id))
                snprintf(idbuf, sizeof idbuf, "%lld", (long long)json_integer_value(id));
            else
                snprintf(idbuf, sizeof idbuf, "%lu", line);
            d->id = jisr_strdup(json_is_string(id) ? json_string_value(id) : idbuf);
            if (!d->id)
                rc = JISR_ENOMEM;
            else if (!s || !tg)
                rc = jisr_error_set(JISR_EPARSE, "<stdin>", line, 1,
                                    "expected \"src\" and \"tgt\" (or \"source\" and \"target\")");
            if (rc == 0)
                rc = json_side(s, o, ss, &d->src, line, "src");
            if (rc == 0)
                rc = json_side(tg, o, ts, &d->tgt, line, "tgt");
            json_decref(obj);
        }
        if (rc == 0 && nd > 0 && (more == 0 || (o->chunk && nd == o->chunk))) {
            rc = run_chunk(al, docs, nd, emit_jsonl, &e);
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
    jisr_buf_free(&e.out);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    jisr_textin_close(in);
    if (fflush(stdout) != 0 && rc == 0)
        rc = jisr_error_set(JISR_EIO, "<stdout>", 0, 0, "write error");
    return rc;
}

static int single(jisr_aligner *al, const aopts *o, const char *src, const char *tgt)
{
    adoc d = {0};
    jisr_segmenter *ss = NULL, *ts = NULL;
    emit_ctx e = {o, o->output ? o->output : "-", {0}};
    int rc = get_segmenters(o, &ss, &ts);
    if (rc == 0)
        rc = acli_read_sentences(src, o->presegmented, ss, &d.src);
    if (rc == 0)
        rc = acli_read_sentences(tgt, o->presegmented, ts, &d.tgt);
    if (rc == 0 && !(d.id = jisr_strdup(src)))
        rc = JISR_ENOMEM;
    if (rc == 0)
        rc = run_chunk(al, &d, 1, emit_file, &e);
    adoc_free(&d);
    jisr_segmenter_free(ss);
    jisr_segmenter_free(ts);
    return rc;
}

static int format_from_name(const char *path)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot)
        return -1;
    if (!strcmp(dot, ".htm"))
        return ACLI_HTML;
    return acli_format_parse(dot + 1);
}

int cmd_align(int argc, char **argv)
{
    enum { OPT_DICT = 256, OPT_NODICT, OPT_LENGTH, OPT_BAND, OPT_CHUNK, OPT_LENIENT };
    static const struct option longopts[] = {
        {"source-lang", required_argument, NULL, 's'},
        {"target-lang", required_argument, NULL, 't'},
        {"presegmented", no_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"min-score", required_argument, NULL, 'm'},
        {"dict", required_argument, NULL, OPT_DICT},
        {"no-dict", no_argument, NULL, OPT_NODICT},
        {"length-only", no_argument, NULL, OPT_LENGTH},
        {"band", required_argument, NULL, OPT_BAND},
        {"batch", required_argument, NULL, 'b'},
        {"out-dir", required_argument, NULL, 'd'},
        {"chunk", required_argument, NULL, OPT_CHUNK},
        {"lenient", no_argument, NULL, OPT_LENIENT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    aopts o = {"ar", "en", 0, -1, NULL, NULL, NULL, 0.0, 0, JISR_ALIGN_OPTS_INIT};
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
            if ((o.format = acli_format_parse(optarg)) < 0)
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
            if (end == optarg || *end || o.min_score < 0 || o.min_score > 1)
                return cli_usage_error("align", "--min-score needs a number from 0 to 1");
            break;
        case OPT_DICT:
            o.al.dict_path = optarg;
            break;
        case OPT_LENIENT:
            acli_text_flags = JISR_TEXT_LENIENT;
            break;
        case OPT_NODICT:
            o.al.flags |= JISR_ALIGN_NO_DICT;
            break;
        case OPT_LENGTH:
            o.al.flags |= JISR_ALIGN_NO_LEXICAL;
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
        case 'h':
            return cli_help("align");
        case ':':
            return cli_usage_error("align", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("align", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o.format < 0)
        o.format = format_from_name(o.output);
    if (o.format < 0)
        o.format = ACLI_LADDER;
    int from_stdin = o.batch && strcmp(o.batch, "-") == 0;
    if (o.batch) {
        if (optind != argc)
            return cli_usage_error("align", "no SRC/TGT files with --batch");
        if (!from_stdin && !o.outdir)
            return cli_usage_error("align", "--batch LIST needs --out-dir DIR");
        if (from_stdin && (o.outdir || o.output))
            return cli_usage_error("align", "--batch - writes JSONL on standard output "
                                            "(no --out-dir or -o)");
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
    int rc = jisr_aligner_new(&al, &o.al);
    if (rc == 0) {
        if (from_stdin)
            rc = batch_stdin(al, &o);
        else if (o.batch)
            rc = batch_list(al, &o);
        else
            rc = single(al, &o, argv[optind], argv[optind + 1]);
    }
    jisr_aligner_free(al);
    return rc < 0 ? cli_error(rc) : CLI_OK;
}
