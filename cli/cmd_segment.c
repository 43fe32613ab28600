/*
 * cmd_segment.c — `jisr segment`: split text files into sentences.
 *
 * Input is streamed paragraph by paragraph (a blank line ends a paragraph) through the text
 * layer's reader, so memory stays flat whatever the file size; each paragraph goes to the
 * segmenter of its language (guessed per paragraph with -l auto). All the logic lives in the
 * library; this file parses options and formats output.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "cli/doc_cli.h"
#include "text/text.h"
#include "util/plural.h"

const char cmd_segment_help[] =
    "Usage: jisr segment [-l ar|en|auto] [--srx FILE] [--format text|jsonl] [--lenient]\n"
    "                    [-o OUT] [FILE...]\n"
    "\n"
    "Split text into sentences: ICU's sentence rules refined by SRX 2.0 rules (jisr's own\n"
    "rules for Arabic and English unless --srx is given). A blank line always ends a\n"
    "paragraph. A single newline is white space in wrapped text; where the lines show that\n"
    "their writer broke them (one sentence, verse or string a line; a short heading line above\n"
    "wrapped text) it ends a sentence. With no FILE, or when FILE\n"
    "is -, read standard input. Input may be UTF-8 (with or without a BOM) or UTF-16 with a BOM,\n"
    "or a document: HTML, DOCX, ODT, XLIFF (source segments), PDF (through pdftotext), or text\n"
    "in a legacy encoding (windows-1256, ISO-8859-6: detected, or --encoding); every paragraph,\n"
    "heading, list item, table cell and footnote is a paragraph.\n"
    "\n"
    "Options:\n"
    "  -l, --lang LANG      ar, en or auto (default): auto picks Arabic or English for each\n"
    "                       paragraph from its script. Regions and scripts are fine (en-US,\n"
    "                       ar_EG), and ISO 639-2's ara and eng read as ar and en. Another\n"
    "                       language needs --srx: ICU's rules plus the rules the SRX file\n"
    "                       maps to it (without --srx it is a usage error)\n"
    "      --srx FILE       use the SRX 2.0 (or 1.0) rules in FILE instead of jisr's\n"
    "  -f, --format FMT     text (default): one sentence per line, an empty line between\n"
    "                       paragraphs (newlines inside a sentence become spaces);\n"
    "                       jsonl: one JSON object per sentence:\n"
    "                       {\"paragraph\":N,\"start\":B,\"end\":E,\"text\":\"...\"}\n"
    "                       N counts paragraphs from 1 in each file; B and E are byte offsets\n"
    "                       of the sentence in the input's UTF-8 text (after a byte-order mark\n"
    "                       is removed; for UTF-16 input, offsets into its UTF-8 decoding).\n"
    "                       With several files each object also has \"file\"; a heading,\n"
    "                       list item, cell, caption, footnote or segment has \"kind\".\n"
    "      --lenient        replace invalid UTF-8 with U+FFFD (and warn) instead of failing\n"
    "      --from FMT       read the input as FMT: text, html, docx, odt, xliff, pdf\n"
    "      --encoding ENC   plain text and HTML: force the encoding\n"
    "      --keep-boilerplate  HTML: keep navigation, banners, page footers, asides\n"
    "  -o, --output OUT     write to OUT instead of standard output: a temporary file renamed\n"
    "                       when everything succeeded (OUT keeps its permissions; a device or\n"
    "                       FIFO is written in place; a symbolic link or an input is refused)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable file, invalid UTF-8, a line or\n"
    "paragraph over 16 MiB, bad SRX file), 2 on bad usage.\n"
    "\n"
    "Examples:\n"
    "  jisr segment corpora/article.ar.txt\n"
    "  jisr segment -l en --format jsonl report.txt > report.jsonl\n"
    "  cat notes.txt | jisr segment --srx my-rules.srx -l en\n";

/* The language jisr's own rules know that -l's tag names, into buf: ar or en with the tag's
 * region or script (en-US, ar_EG), ISO 639-2's ara and eng read as ar and en. NULL for any
 * other language: the built-in rules would silently be ICU's alone ("english" is no tag jisr
 * knows), so without --srx that is a usage error. */
static const char *builtin_lang(const char *tag, char *buf, size_t size)
{
    size_t n = strcspn(tag, "-_");
    const char *primary = NULL;
    if ((n == 2 && strncasecmp(tag, "ar", 2) == 0) || (n == 3 && strncasecmp(tag, "ara", 3) == 0))
        primary = "ar";
    else if ((n == 2 && strncasecmp(tag, "en", 2) == 0) ||
             (n == 3 && strncasecmp(tag, "eng", 3) == 0))
        primary = "en";
    if (!primary || (tag[n] && !tag[n + 1])) /* "en-": no subtag after the separator */
        return NULL;
    snprintf(buf, size, "%s%s", primary, tag + n);
    return buf;
}

typedef struct seg_cache {
    char lang[32];
    jisr_segmenter *seg;
} seg_cache;

typedef struct seg_opts {
    const char *lang; /* NULL = auto */
    const char *srx;
    int jsonl;
    unsigned flags;
    int many;    /* several files: jsonl objects name their file */
    int printed; /* a paragraph has been printed (text mode separates the next one) */
    seg_cache cache[8];
    size_t ncache;
    const char *last_auto;
    jisr_doc_opts doc; /* documents: --from, --encoding, --keep-boilerplate */
    int from_given;
    FILE *out; /* standard output or the -o file */
} seg_opts;

/* An SRX rule that ran out of ICU's time limit (the library reports it once per rule). */
static void on_warn(void *ctx, const jisr_error *w)
{
    (void)ctx;
    if (w->file[0] && w->line)
        cli_warn("%s:%lu:%lu: %s", w->file, w->line, w->col, w->msg);
    else
        cli_warn("%s", w->msg);
}

static int get_segmenter(seg_opts *o, const char *lang, jisr_segmenter **out)
{
    for (size_t i = 0; i < o->ncache; i++)
        if (strcmp(o->cache[i].lang, lang) == 0) {
            *out = o->cache[i].seg;
            return 0;
        }
    if (o->ncache == sizeof o->cache / sizeof o->cache[0])
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "too many languages");
    int rc = jisr_segmenter_new(out, lang, o->srx);
    if (rc < 0)
        return rc;
    jisr_segmenter_set_warn(*out, on_warn, NULL);
    seg_cache *c = &o->cache[o->ncache++];
    snprintf(c->lang, sizeof c->lang, "%s", lang);
    c->seg = *out;
    return 0;
}

static int flush_out(seg_opts *o, jisr_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, o->out) != b->len)
        return cli_fail("cannot write the output: %s", strerror(errno));
    jisr_buf_reset(b);
    return 0;
}

/* Paragraphs come from the doc layer (any document format), or, for standard input without
 * --from, straight from the text reader so that a pipe is streamed. */
static int next_para(jisr_textin *in, jisr_doc *d, const char **text, size_t *len, uint64_t *off,
                     const char **kind)
{
    unsigned long lineno;
    *kind = NULL;
    if (in)
        return jisr_textin_next_paragraph(in, text, len, off, &lineno);
    jisr_para p;
    int rc = jisr_doc_next(d, &p);
    if (rc <= 0)
        return rc;
    *text = p.text;
    *len = p.len;
    *off = p.offset;
    if (p.kind != JISR_PARA_BODY)
        *kind = jisr_para_kind_name(p.kind);
    return 1;
}

static int segment_file(seg_opts *o, const char *path)
{
    jisr_textin *in = NULL;
    jisr_doc *d = NULL;
    int rc = strcmp(path, "-") == 0 && !o->from_given ? jisr_textin_open(&in, path, o->flags)
                                                      : jisr_doc_open(&d, path, &o->doc);
    if (rc < 0)
        return cli_error(rc);
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    jisr_sentences ss = {0};
    jisr_buf out = {0};
    const char *text, *kind;
    size_t len;
    uint64_t off;
    unsigned long para = 0;
    int status = CLI_OK;
    while ((rc = next_para(in, d, &text, &len, &off, &kind)) == 1) {
        const char *lang = o->lang;
        if (!lang) {
            lang = jisr_text_guess_lang(text, len);
            if (strcmp(lang, "und") == 0)
                lang = o->last_auto ? o->last_auto : "en";
            o->last_auto = lang;
        }
        jisr_segmenter *seg;
        jisr_sentences_clear(&ss);
        if ((rc = get_segmenter(o, lang, &seg)) < 0 ||
            (rc = jisr_sentences_add_paragraph(&ss, seg, text, len)) < 0)
            break;
        if (ss.n == 0)
            continue;
        para++;
        if (!o->jsonl && o->printed)
            jisr_buf_putc(&out, '\n');
        o->printed = 1;
        for (size_t i = 0; i < ss.n; i++) {
            /* the sentence as it is in the input, and its text on one line */
            const char *s = text + ss.start[i];
            size_t n = ss.end[i] - ss.start[i];
            if (o->jsonl) {
                jisr_buf_puts(&out, "{");
                if (o->many) {
                    jisr_buf_puts(&out, "\"file\":");
                    jisr_buf_json_string(&out, name, strlen(name));
                    jisr_buf_putc(&out, ',');
                }
                if (kind)
                    jisr_buf_printf(&out, "\"kind\":\"%s\",", kind);
                jisr_buf_printf(
                    &out, "\"paragraph\":%lu,\"start\":%llu,\"end\":%llu,\"text\":", para,
                    (unsigned long long)(off + ss.start[i]), (unsigned long long)(off + ss.end[i]));
                jisr_buf_json_string(&out, s, n);
                jisr_buf_puts(&out, "}\n");
            } else {
                jisr_buf_puts(&out, ss.v[i]);
                jisr_buf_putc(&out, '\n');
            }
        }
        if (out.len > (1u << 16) && (status = flush_out(o, &out)) != CLI_OK)
            break;
    }
    if (status == CLI_OK)
        status = flush_out(o, &out);
    if (status == CLI_OK && rc < 0)
        status = cli_error(rc);
    size_t repl = in ? jisr_textin_replacements(in) : jisr_doc_replacements(d);
    if (repl)
        cli_warn("%s: replaced %zu invalid byte %s with U+FFFD", name, repl,
                 jisr_plural(repl, "sequence", "sequences"));
    jisr_buf_free(&out);
    jisr_sentences_free(&ss);
    jisr_textin_close(in);
    jisr_doc_close(d);
    return status;
}

int cmd_segment(int argc, char **argv)
{
    enum { OPT_SRX = 256, OPT_LENIENT };
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"srx", required_argument, NULL, OPT_SRX},
        {"format", required_argument, NULL, 'f'},
        {"lenient", no_argument, NULL, OPT_LENIENT},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        DOC_CLI_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    seg_opts o = {0};
    jisr_doc_opts dinit = JISR_DOC_OPTS_INIT;
    o.doc = dinit;
    o.doc.on_warning = doc_cli_warn;
    const char *output = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:f:o:h", longopts, NULL)) != -1) {
        if (c != OPT_LENIENT) {
            int r = doc_cli_option("segment", c, optarg, &o.doc);
            if (r == CLI_USAGE)
                return r;
            if (r) {
                o.from_given |= c == DOC_OPT_FROM || c == DOC_OPT_ENCODING;
                continue;
            }
        }
        switch (c) {
        case 'l':
            if (strcmp(optarg, "auto") == 0) {
                o.lang = NULL;
                break;
            }
            if (!*optarg || strlen(optarg) >= 32 ||
                strspn(optarg,
                       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") !=
                    strlen(optarg))
                return cli_usage_error("segment", "bad language '%s' (want ar, en or auto)",
                                       optarg);
            o.lang = optarg;
            break;
        case OPT_SRX:
            o.srx = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                o.jsonl = 0;
            else if (strcmp(optarg, "jsonl") == 0)
                o.jsonl = 1;
            else
                return cli_usage_error("segment", "bad format '%s' (want text or jsonl)", optarg);
            break;
        case OPT_LENIENT:
            o.flags |= JISR_TEXT_LENIENT;
            o.doc.flags |= JISR_DOC_LENIENT;
            break;
        case 'o':
            output = optarg;
            break;
        case 'h':
            return cli_help("segment");
        default: /* ':' or '?' */
            return cli_option_error("segment", c, argv);
        }
    }
    char lang_buf[40];
    if (o.lang && !o.srx) {
        const char *b = builtin_lang(o.lang, lang_buf, sizeof lang_buf);
        if (!b)
            return cli_usage_error(
                "segment",
                "no built-in rules for language '%s'%s: jisr's own rules are for ar and en "
                "(-l auto picks one per paragraph); for another language give --srx FILE with "
                "rules for it",
                o.lang,
                strcasecmp(o.lang, "english") == 0  ? " (English is 'en')"
                : strcasecmp(o.lang, "arabic") == 0 ? " (Arabic is 'ar')"
                                                    : "");
        o.lang = b;
    }
    int nfiles = argc - optind;
    o.many = nfiles > 1;
    int status = CLI_OK;
    /* the output may be none of the inputs (a redirected stdin counts) */
    jisr_fileset *files = NULL;
    jisr_outfile *of = NULL;
    int rc = jisr_fileset_new(&files);
    for (int i = 0; rc == 0 && i < (nfiles ? nfiles : 1); i++)
        rc = jisr_fileset_add_input(files, nfiles ? argv[optind + i] : "-");
    jisr_outfile_opts oo = JISR_OUTFILE_OPTS_INIT;
    oo.files = files;
    if (rc == 0)
        rc = jisr_outfile_open(&of, output ? output : "-", &oo);
    if (rc < 0)
        status = cli_error(rc);
    o.out = of ? jisr_outfile_stream(of) : stdout;
    /* fail early on a bad --srx file, before reading any input */
    jisr_segmenter *probe;
    if (status == CLI_OK && o.srx) {
        rc = get_segmenter(&o, o.lang ? o.lang : "en", &probe);
        if (rc < 0)
            status = cli_error(rc);
    }
    for (int i = 0; status == CLI_OK && i < (nfiles ? nfiles : 1); i++)
        status = segment_file(&o, nfiles ? argv[optind + i] : "-");
    for (size_t i = 0; i < o.ncache; i++)
        jisr_segmenter_free(o.cache[i].seg);
    if (status == CLI_OK) {
        rc = jisr_outfile_commit(of);
        if (rc < 0)
            status = cli_error(rc);
    } else {
        jisr_outfile_abort(of);
    }
    jisr_fileset_free(files);
    return status;
}
