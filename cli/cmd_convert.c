/*
 * cmd_convert.c — `jisr convert IN OUT`: read units with one format's reader and write them
 * with another's. All the work is in formats/; this file parses options, narrows units to the
 * requested language pair, and reports. The output appears only when everything succeeded
 * (the writer renames a temporary file on close).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "formats/formats.h"
#include "text/text.h"
#include "util/plural.h"

/* The help outgrew the 4,095 characters C99 promises every compiler reads in one literal; GCC
 * and clang read any length (-Wpedantic's warning is about other compilers). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverlength-strings"
const char cmd_convert_help[] =
    "Usage: jisr convert [OPTIONS] IN OUT\n"
    "\n"
    "Convert translation units between TMX (1.1-1.4b in, 1.4b out), TSV, Moses two-file text\n"
    "and JSONL, or from XLIFF (1.2, 2.0). The formats come from the file names (.tmx .tsv\n"
    ".jsonl .xlf; .txt or a language code such as .en for Moses) or from --from/--to. IN may\n"
    "be - (stdin), OUT may be - (stdout).\n"
    "OUT is written to a temporary file and renamed when everything succeeded; an existing\n"
    "OUT keeps its permissions, a device or FIFO is written in place, and OUT is never a\n"
    "symbolic link (refused: name the file itself) or one of the inputs.\n"
    "\n"
    "Options:\n"
    "  -f, --from FORMAT     input format: tmx, tsv, moses, jsonl, xliff\n"
    "  -T, --to FORMAT       output format: tmx, tsv, moses, jsonl\n"
    "  -s, --source LANG     source language: the first column of TSV/Moses input, the source\n"
    "                        side of TSV/Moses output, the TMX header srclang\n"
    "  -t, --target LANG     target language (likewise). Without them, TSV/Moses input\n"
    "                        columns get their language from a Moses file's extension (.ar,\n"
    "                        .en), else from the script of their first 200 lines: Arabic\n"
    "                        script is ar, Latin is en; when that cannot tell the two columns\n"
    "                        apart (another pair, or no letters) the command fails and asks\n"
    "                        for -s and -t\n"
    "                        With both -s and -t, each unit keeps only the variants of those\n"
    "                        two languages (BCP 47: 'ar' takes ar-SA, AR_eg …) and units that\n"
    "                        lack one are left out and counted (TSV/Moses: the first of\n"
    "                        each language, a variant tagged with it exactly first). A\n"
    "                        variant is on one side only, that of the tag it matches more\n"
    "                        closely: -s en -t en-GB takes en-GB for the target, en and\n"
    "                        en-US for the source. -s and -t must be language tags (BCP 47:\n"
    "                        subtags of 1-8 letters or digits joined by '-') and differ.\n"
    "                        Without them TSV/Moses output takes the first unit's\n"
    "                        languages, and a unit without exactly one variant of each is\n"
    "                        an error (a multilingual TMX needs -s and -t). The source is\n"
    "                        then the language of OUT's extension for Moses (out.en: en)\n"
    "                        when the unit has it, else the header's srclang when it has\n"
    "                        that, else its first variant's; --out2 defaults to OUT with\n"
    "                        the target language as its extension.\n"
    "      --in2 FILE        Moses input: the target-side file (default: IN with its\n"
    "                        extension replaced by the target language)\n"
    "      --out2 FILE       Moses output: the target-side file (likewise)\n"
    "      --skip-bad        keep the good units; list each bad one (FILE:LINE:COL) on stderr\n"
    "                        and go on. Default: any error fails and writes nothing.\n"
    "                        Malformed XML in a UTF-8 TMX skips to the next <tu>; in other\n"
    "                        encodings and XLIFF it still fails (the rest is not read).\n"
    "      --omegat-tags     read OmegaT's tag shortcuts written as text in a TMX (<b0>,\n"
    "                        </b0>, <x1/>) as inline tags, whatever its creationtool\n"
    "      --no-omegat-tags  keep them as text, also in a TMX made by OmegaT. Default: as\n"
    "                        tags when the header's creationtool is OmegaT (see below)\n"
    "      --omegat-shortcuts\n"
    "                        write inline tags holding an OmegaT shortcut (<b0>, </b0>,\n"
    "                        <x1/>) as that text, as OmegaT's own memories do: for a memory\n"
    "                        going to OmegaT's tm/auto (TMX output; TSV and Moses always\n"
    "                        write them so)\n"
    "  -h, --help            show this help\n"
    "\n"
    "TSV: one unit per line, source TAB target; further columns are ignored. Inside a field\n"
    "a backslash is written \\\\, a tab \\t, a line feed \\n and a carriage return \\r; other\n"
    "backslashes are read as they stand. TSV and Moses carry plain text: a <ph> holding a\n"
    "format code ({0}, %s) is written as its code, a tag holding an OmegaT shortcut (<bpt\n"
    "i=\"1\">&lt;b0&gt;</bpt>) as the shortcut (<b0>), other inline tags, props and notes are\n"
    "dropped (the units that lose some are counted in a warning), and Moses turns line\n"
    "breaks inside a segment into spaces. JSONL keeps everything\n"
    "(one unit per line: variants, inline tags, props, notes, dates); its \"tags\" must match\n"
    "the text's placeholders (tag i is U+E000+i, used once), else the line is an error; a key\n"
    "JSONL does not know (\"note\" for \"notes\" …) is left out with a warning (FILE:LINE:COL,\n"
    "once per key; `jisr align`'s id, score, src_idx and tgt_idx are dropped without one).\n"
    "Only TMX has a header: its props and notes are not carried into TSV,\n"
    "Moses or JSONL (a warning says so), and a <tu> without srclang takes the header's (TMX\n"
    "1.4; '*all*' is none) when it has a variant of that language, so each JSONL unit keeps\n"
    "its direction. A TMX written from a file without a known source language says\n"
    "srclang=\"*all*\". The o-encoding of a <prop> or <note> is not kept (a warning, once).\n"
    "\n"
    "TMX inline markup is checked against TMX 1.4's DTD: an element where tmx14.dtd does not\n"
    "allow it (<ph> in <ph>, <hi> in <ut>), an attribute it does not declare, a <bpt>/<ept>\n"
    "without i or an <it> without pos=\"begin\"|\"end\" makes its unit bad (FILE:LINE:COL;\n"
    "--skip-bad skips it), so every TMX written is valid against the DTD. A <bpt> and <ept>\n"
    "that do not pair (an <ept> before its <bpt>, one i opened twice) are a warning. A\n"
    "<tuv> whose xml:lang is not a language tag makes its unit bad too.\n"
    "\n"
    "OmegaT's own memories (project_save.tmx, its OmegaT TMX export) keep formatting tags as\n"
    "text shortcuts: <b0>Save</b0>. In a TMX whose creationtool is OmegaT (or that jisr wrote\n"
    "with --omegat-shortcuts) each shortcut ('<', an optional '/', letters, digits, an\n"
    "optional '/', '>') becomes an inline tag holding it: <b0> with its </b0> a <bpt>/<ept>\n"
    "pair, <x1/> a <ph>, one without its counterpart an <it>; <b>, <br/> and < b0> stay text.\n"
    "So a TMX output writes <bpt i=\"1\">&lt;b0&gt;</bpt> (--no-omegat-tags keeps them as\n"
    "text), and TSV or Moses output <b0>Save</b0> again.\n"
    "OmegaT reads another tool's TMX at its 'level 1' by default, dropping what inline\n"
    "elements hold: for a TMX going to OmegaT's tm/auto, --omegat-shortcuts writes a tag\n"
    "holding a shortcut as that text (&lt;b0&gt;Save&lt;/b0&gt;), as OmegaT's memories do,\n"
    "so that OmegaT matches its segment <b0>Save</b0> exactly; the header's\n"
    "<prop type=\"x-jisr-omegat-shortcuts\"> tells jisr to read them back as tags.\n"
    "\n"
    "Dates (creationdate, changedate, lastusagedate of the header, a <tu> or a <tuv>) are read\n"
    "in TMX's form (20190304T101112Z) or ISO 8601's (2019-03-04T10:11:12Z, 2019-03-04, with a\n"
    "zone offset or none: UTC) and written in TMX's form, as 'jisr import' stores them. A date\n"
    "that cannot be read is left out with a warning (FILE:LINE:COL); the output is written.\n"
    "TSV, Moses and JSONL input must be UTF-8 (a UTF-16 file is refused: convert it with\n"
    "iconv); TMX and XLIFF may be in any encoding they declare.\n"
    "\n"
    "Examples:\n"
    "  jisr convert memory.tmx memory.jsonl\n"
    "  jisr convert -s en -t ar multi.tmx pairs.tsv\n"
    "  jisr convert -s en -t ar corpus.en corpus.tmx       (reads corpus.en + corpus.ar)\n"
    "  jisr convert -s en -t ar memory.tmx out.en          (writes out.en + out.ar)\n"
    "  jisr convert pairs.jsonl out.en     (out.en + out.ar, when the first unit is en + ar)\n"
    "  jisr convert --skip-bad damaged.tmx repaired.tmx\n"
    "\n"
    "Exit status: 0 success, 1 failure (errors name FILE:LINE:COL), 2 usage error.\n";
#pragma GCC diagnostic pop

typedef struct bad_list {
    unsigned long n;
} bad_list;

static void on_warning(void *ctx, const jisr_error *w)
{
    (void)ctx;
    if (w->line)
        cli_warn("%s:%lu:%lu: %s", w->file, w->line, w->col, w->msg);
    else
        cli_warn("%s: %s", w->file, w->msg);
}

/* Variants of u on each side of the pair a, b (jisr_unit_pair_side) into *na and *nb. */
static void count_sides(const jisr_unit *u, const char *a, const char *b, size_t *na, size_t *nb)
{
    *na = *nb = 0;
    for (size_t i = 0; i < u->nvariants; i++) {
        int side = jisr_unit_pair_side(u, i, a, b);
        *na += side == 1;
        *nb += side == 2;
    }
}

/* The language of a Moses file name's extension (out.en: "en"), or NULL. */
static const char *name_lang(const char *path, char *buf, size_t size)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash) || strlen(dot + 1) >= size || !jisr_lang_tag_ok(dot + 1))
        return NULL;
    snprintf(buf, size, "%s", dot + 1);
    return buf;
}

/* The two columns of TSV/Moses output without both -s and -t, from the first unit u: the source
 * is col_s when given (-s), else the language of OUT's extension for Moses (out.en: en) when the
 * unit has it, else the header's srclang when the unit has it, else the first variant's; the
 * target is the first variant of another language. */
static void first_columns(const jisr_unit *u, const char *hsrc, const char *ext, char *col_s,
                          size_t ns, char *col_t, size_t nt)
{
    if (!col_s[0] && u->nvariants)
        snprintf(col_s, ns, "%s",
                 ext && jisr_unit_find(u, ext)     ? ext
                 : hsrc && jisr_unit_find(u, hsrc) ? hsrc
                                                   : u->variants[0].lang);
    if (col_t[0] || !col_s[0])
        return;
    /* the target: when the unit has the source's tag exactly, any other tag (en and en-GB are
     * two columns); else one the source does not match (en-US is en's, ar the target) */
    int exact = 0;
    for (size_t i = 0; i < u->nvariants; i++)
        exact |= jisr_lang_equal(u->variants[i].lang, col_s);
    for (size_t i = 0; i < u->nvariants; i++) {
        const char *l = u->variants[i].lang;
        if (exact ? !jisr_lang_equal(l, col_s) : !jisr_lang_matches(l, col_s)) {
            snprintf(col_t, nt, "%s", l);
            return;
        }
    }
}

/* The unit's languages, "en, en, ar" (at most 200 bytes), for a message. */
static void list_langs(const jisr_unit *u, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < u->nvariants && n + 1 < size; i++) {
        int k = snprintf(out + n, size - n, "%s%s", i ? ", " : "", u->variants[i].lang);
        if (k < 0 || (size_t)k >= size - n) {
            snprintf(out + n, size - n, "…");
            break;
        }
        n += (size_t)k;
    }
}

/* TSV and Moses carry plain text. Before such a writer drops u's inline tags, each tag that
 * stands for text is written as that text, as query's plain output does (jisr_tm_plain_tags): a
 * <ph> holding a format code ("{0}", "%s") as its code, a character reference as the character;
 * and a tag holding an OmegaT shortcut (<bpt i="1">&lt;b0&gt;</bpt>) as the shortcut ("<b0>"),
 * as OmegaT's memories hold it (jisr_variant_omegat_text, the TSV writer's rule); and a line
 * break between two words as a line feed (jisr_variant_plain). The rest is lost:
 * *lost gets 1 (a tag with no such text: formatting, an image) |
 * 2 (props or notes of the unit or a variant), for the warning the command ends with. tmp is
 * scratch. Also used by cmd_export.c. */
int cli_unit_plain_codes(jisr_unit *u, jisr_buf *tmp, int *lost)
{
    *lost = u->meta.nprops || u->meta.nnotes ? 2 : 0;
    for (size_t i = 0; i < u->nvariants; i++) {
        jisr_variant *v = &u->variants[i];
        if (v->meta.nprops || v->meta.nnotes)
            *lost |= 2;
        if (!v->ntags)
            continue;
        int rc;
        /* the shortcuts first: text, which jisr_tm_plain_tags keeps as it is */
        jisr_buf_reset(tmp);
        int nshort = jisr_variant_omegat_text(v, tmp);
        if (nshort < 0)
            return nshort;
        if (nshort > 0) {
            char *t = jisr_strdup(tmp->data);
            if (!t)
                return JISR_ENOMEM;
            free(v->text);
            v->text = t;
        }
        for (size_t k = 0; k < v->ntags && !(*lost & 1); k++) {
            if (nshort > 0 && jisr_tag_omegat_shortcut(v->tags[k], NULL) == 1)
                continue; /* now text */
            /* tag k alone, as its placeholder U+E000+k: nothing comes out when it has no text */
            unsigned cp = 0xE000u + (unsigned)k;
            char ph[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                          (char)(0x80 | (cp & 0x3F))};
            jisr_buf_reset(tmp);
            if ((rc = jisr_tm_plain_tags(tmp, ph, sizeof ph, v->tags, v->ntags)) < 0)
                return rc;
            /* (a line break is a line feed between two words, jisr_variant_plain) */
            if (tmp->len == 0 && jisr_tag_break(v->tags[k], strlen(v->tags[k])) != JISR_TAG_LINE)
                *lost |= 1;
        }
        jisr_buf_reset(tmp);
        const char *t = v->text ? v->text : "";
        if ((rc = jisr_tm_plain_tags(tmp, t, strlen(t), v->tags, v->ntags)) < 0)
            return rc;
        char *plain = jisr_strdup(tmp->data ? tmp->data : "");
        if (!plain)
            return JISR_ENOMEM;
        free(v->text);
        v->text = plain;
        for (size_t k = 0; k < v->ntags; k++)
            free(v->tags[k]);
        free(v->tags);
        v->tags = NULL;
        v->ntags = 0;
    }
    return 0;
}

/* The warning for the units cli_unit_plain_codes found losing something, once per output. */
void cli_warn_plain_lost(const char *out, const char *fmt, unsigned long tags, unsigned long meta)
{
    if (tags)
        cli_warn("%s: %lu %s lost inline tags that %s cannot carry (formatting, a <ph> that "
                 "is not one format code); a <ph> holding a format code such as {0} or %%s is "
                 "written as its code, a tag holding an OmegaT shortcut (<b0>) as the shortcut. "
                 "TMX and JSONL keep tags",
                 out, tags, jisr_plural(tags, "unit", "units"), fmt);
    if (meta)
        cli_warn("%s: %lu %s lost props or notes that %s cannot carry (TMX and JSONL keep "
                 "them)",
                 out, meta, jisr_plural(meta, "unit", "units"), fmt);
}

static void on_bad(void *ctx, const jisr_error *err)
{
    bad_list *b = ctx;
    char msg[2048];
    b->n++;
    (void)err; /* the same as jisr_error_last(), which jisr_error_format prints */
    jisr_error_format(msg, sizeof msg);
    cli_warn("%s (skipped)", msg);
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 'T'},
        {"source", required_argument, NULL, 's'}, {"target", required_argument, NULL, 't'},
        {"in2", required_argument, NULL, 1},      {"out2", required_argument, NULL, 2},
        {"skip-bad", no_argument, NULL, 3},       {"omegat-tags", no_argument, NULL, 4},
        {"no-omegat-tags", no_argument, NULL, 5}, {"omegat-shortcuts", no_argument, NULL, 6},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    const char *src = NULL, *tgt = NULL;
    bad_list bad = {0};
    int c;
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":f:T:s:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((ro.format = jisr_format_from_string(optarg)) == JISR_FMT_AUTO)
                return cli_usage_error(
                    "convert", "unknown format '%s' (tmx, tsv, moses, jsonl, xliff)", optarg);
            break;
        case 'T':
            if ((wo.format = jisr_format_from_string(optarg)) == JISR_FMT_AUTO)
                return cli_usage_error("convert", "unknown format '%s' (tmx, tsv, moses, jsonl)",
                                       optarg);
            break;
        case 's':
            src = optarg;
            break;
        case 't':
            tgt = optarg;
            break;
        case 1:
            ro.path2 = optarg;
            break;
        case 2:
            wo.path2 = optarg;
            break;
        case 3:
            ro.flags |= JISR_READ_SKIP_BAD;
            break;
        case 4: /* the last of the two counts */
        case 5:
            ro.flags &= ~(unsigned)(JISR_READ_OMEGAT_TAGS | JISR_READ_NO_OMEGAT_TAGS);
            ro.flags |= c == 4 ? JISR_READ_OMEGAT_TAGS : JISR_READ_NO_OMEGAT_TAGS;
            break;
        case 6:
            wo.flags |= JISR_WRITE_OMEGAT_SHORTCUTS;
            break;
        case 'h':
            return cli_help("convert");
        default: /* ':' or '?' */
            return cli_option_error("convert", c, argv);
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("convert", "expected IN and OUT, got %d %s", argc - optind,
                               jisr_plural(argc - optind, "argument", "arguments"));
    if ((c = cli_lang_pair_option("convert", src, tgt)) != CLI_OK)
        return c;
    const char *in = argv[optind], *out = argv[optind + 1];
    if (ro.format == JISR_FMT_AUTO && jisr_format_from_name(in) == JISR_FMT_AUTO)
        return cli_usage_error("convert", "cannot tell the format of '%s'; use --from", in);
    if (wo.format == JISR_FMT_AUTO && jisr_format_from_name(out) == JISR_FMT_AUTO)
        return cli_usage_error("convert", "cannot tell the format of '%s'; use --to", out);
    /* OUT the same file as IN (by name, ./name or a hard link): refused when the writer opens,
     * with the message and exit status of every output that is one of the inputs */
    ro.srclang = src;
    ro.tgtlang = tgt;
    ro.on_bad = on_bad;
    ro.ctx = &bad;
    ro.on_warning = on_warning;

    jisr_reader *r = NULL;
    jisr_writer *w = NULL;
    jisr_fileset *files = NULL;
    jisr_unit u;
    jisr_unit_init(&u);
    int rc, ret = CLI_FAIL;
    unsigned long filtered = 0, multi = 0, lost_tags = 0, lost_meta = 0;
    jisr_buf plain = {0};
    const char *where = strcmp(in, "-") == 0 ? "<stdin>" : in;
    /* the reader records every file it opens (both Moses files, a redirected stdin); the
     * writer refuses to replace any of them, and OUT and --out2 cannot be one file */
    if ((rc = jisr_fileset_new(&files)) < 0)
        goto fail;
    ro.files = wo.files = files;
    if ((rc = jisr_reader_open(&r, in, &ro)) < 0)
        goto fail;
    const jisr_header *h = jisr_reader_header(r);
    jisr_format ofmt = wo.format != JISR_FMT_AUTO ? wo.format : jisr_format_from_name(out);
    /* TSV and Moses have two columns: without -s and -t they take the languages of the first
     * unit (its source: the header's srclang, else its first variant), and every unit must then
     * hold exactly one variant of each (see the help) */
    int two_col = ofmt == JISR_FMT_TSV || ofmt == JISR_FMT_MOSES;
    const char *hsrc = h && h->srclang && strcmp(h->srclang, "*all*") != 0 ? h->srclang : NULL;
    char col_s[64] = "", col_t[64] = "", ext[16];
    if (src)
        snprintf(col_s, sizeof col_s, "%s", src);
    if (tgt)
        snprintf(col_t, sizeof col_t, "%s", tgt);
    int ahead = 0; /* u holds the first unit, read before the writer opened */
    if (two_col && !(src && tgt)) {
        /* the columns come from the first unit: read it now, so that the Moses writer can name
         * its target file after the target language (out.en → out.ar) */
        if ((rc = jisr_reader_next(r, &u)) < 0)
            goto fail;
        ahead = rc > 0;
        if (ahead)
            first_columns(&u, hsrc,
                          ofmt == JISR_FMT_MOSES && strcmp(out, "-") != 0
                              ? name_lang(out, ext, sizeof ext)
                              : NULL,
                          col_s, sizeof col_s, col_t, sizeof col_t);
        if (ofmt == JISR_FMT_MOSES && !wo.path2 && !col_t[0]) {
            cli_fail("%s: %s, so the Moses target file cannot be named after its language: give "
                     "-t LANG (OUT with LANG as its extension) or --out2 FILE",
                     where, ahead ? "the first unit has one language only" : "it holds no units");
            goto done;
        }
    }
    wo.srclang = two_col ? (col_s[0] ? col_s : NULL) : src ? src : hsrc ? hsrc : NULL;
    wo.tgtlang = two_col ? (col_t[0] ? col_t : NULL) : tgt;
    if (h && h->adminlang)
        wo.adminlang = h->adminlang;
    if (h && h->meta.datatype)
        wo.datatype = h->meta.datatype;
    if (h && h->meta.segtype)
        wo.segtype = h->meta.segtype;
    if (h && h->meta.o_tmf)
        wo.o_tmf = h->meta.o_tmf;
    if (h && ofmt != JISR_FMT_TMX && (h->meta.nprops || h->meta.nnotes))
        cli_warn("%s: the header's %zu %s and %zu %s are not carried into the %s output, "
                 "which has no header (only TMX output keeps them)",
                 where, h->meta.nprops, jisr_plural(h->meta.nprops, "prop", "props"),
                 h->meta.nnotes, jisr_plural(h->meta.nnotes, "note", "notes"),
                 ofmt == JISR_FMT_TSV     ? "TSV"
                 : ofmt == JISR_FMT_MOSES ? "Moses"
                                          : "JSONL");
    if ((rc = jisr_writer_open_ex(&w, out, &wo, h ? &h->meta : NULL)) < 0)
        goto fail;
    cli_progress p;
    cli_progress_init(&p);
    for (;;) {
        if (ahead) {
            ahead = 0;
            rc = 1;
        } else if ((rc = jisr_reader_next(r, &u)) <= 0) {
            break;
        }
        /* not two distinct variants, one of each language */
        if (src && tgt && !jisr_unit_keep_pair(&u, src, tgt)) {
            filtered++;
            continue;
        }
        size_t ns = 0, nt = 0;
        if (two_col && src && tgt) {
            count_sides(&u, src, tgt, &ns, &nt);
            multi += ns > 1 || nt > 1; /* the writer takes the first of each */
        }
        if (two_col && !(src && tgt)) {
            char langs[200];
            if (col_t[0])
                count_sides(&u, col_s, col_t, &ns, &nt);
            if (!col_t[0] || u.nvariants != 2 || ns != 1 || nt != 1) {
                list_langs(&u, langs, sizeof langs);
                cli_fail("%s:%lu:%lu: the unit's variants are %s, but the %s output has two "
                         "columns, %s and %s%s, and needs exactly one variant of each in every "
                         "unit: give -s and -t to choose the pair (units without it are then "
                         "left out and counted)",
                         where, u.line, u.col, langs[0] ? langs : "none",
                         ofmt == JISR_FMT_TSV ? "TSV" : "Moses", col_s[0] ? col_s : "?",
                         col_t[0] ? col_t : "?",
                         src || tgt ? "" : " (the languages of the first unit)");
                goto done;
            }
            /* the writer takes the first variant for the source column */
            if (jisr_unit_pair_side(&u, 0, col_s, col_t) != 1) {
                jisr_variant v = u.variants[0];
                u.variants[0] = u.variants[1];
                u.variants[1] = v;
            }
        }
        if (src && !two_col)
            jisr_unit_source_first(&u, src, tgt);
        if (two_col) {
            int lost;
            if ((rc = cli_unit_plain_codes(&u, &plain, &lost)) < 0)
                goto fail;
            lost_tags += (lost & 1) != 0;
            lost_meta += (lost & 2) != 0;
        }
        if ((rc = jisr_writer_write(w, &u)) < 0) {
            if (rc == JISR_EIO || rc == JISR_ENOMEM)
                goto fail;
            /* a unit the output format cannot hold: name it by its place in the input */
            if (!(ro.flags & JISR_READ_SKIP_BAD)) {
                if (u.line)
                    cli_fail("%s:%lu:%lu: %s", where, u.line, u.col, jisr_error_last()->msg);
                else
                    cli_error(rc);
                goto done;
            }
            bad.n++;
            if (u.line)
                cli_warn("%s:%lu:%lu: %s (skipped)", where, u.line, u.col, jisr_error_last()->msg);
            else
                cli_warn("%s (skipped)", jisr_error_last()->msg);
        }
        cli_progress_update(&p, "%lu %s", jisr_writer_count(w),
                            jisr_plural(jisr_writer_count(w), "unit", "units"));
    }
    cli_progress_done(&p);
    if (rc < 0)
        goto fail;
    unsigned long written = jisr_writer_count(w);
    rc = jisr_writer_close(w);
    w = NULL;
    if (rc < 0)
        goto fail;
    if (filtered)
        cli_warn("%lu %s without both %s and %s left out", filtered,
                 jisr_plural(filtered, "unit", "units"), src, tgt);
    if (multi)
        cli_warn("%lu %s with more than one variant of %s or %s: the first of each written, "
                 "the others left out",
                 multi, jisr_plural(multi, "unit", "units"), src, tgt);
    cli_warn_plain_lost(strcmp(out, "-") == 0 ? "<stdout>" : out,
                        ofmt == JISR_FMT_TSV ? "TSV" : "Moses", lost_tags, lost_meta);
    if (bad.n)
        cli_warn("%lu bad %s skipped, %lu written", bad.n, jisr_plural(bad.n, "unit", "units"),
                 written);
    ret = CLI_OK;
    goto done;
fail:
    cli_error(rc);
done:
    jisr_buf_free(&plain);
    jisr_unit_clear(&u);
    jisr_writer_abort(w);
    jisr_reader_close(r);
    jisr_fileset_free(files);
    return ret;
}
