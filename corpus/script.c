/*
 * script.c — which script a document is written in, when one language of the pair is written in
 * the Arabic script and the other in the Latin one: the side a document goes to (docalign,
 * corpus), and whether `jisr align` warns that its files look swapped.
 *
 * The letters of the two scripts are counted, and so is where they stand, since that is what
 * tells the two kinds of mixed text apart:
 *
 *   - Arabic prose naming English terms (software instructions, a message catalogue, a technical
 *     report) has Arabic in nearly every line, and its Latin words come a few at a time ("افتح
 *     Settings ثم اختر Network and Internet"): a tester's IT guide had 36 % of its letters
 *     Latin, a shortened one 77 %, all so;
 *   - a bilingual file (a TSV corpus, another tool's TMX read as a page, a PO catalogue, a
 *     document with each paragraph followed by its translation) holds its Latin text in lines
 *     (or tab-separated fields, paragraphs) without Arabic, or in runs of LATIN_RUN words or more
 *     between Arabic ones: whole sentences.
 *
 * So a document is bilingual when both its Arabic letters and such Latin letters make
 * BILINGUAL_SHARE of its letters or more; otherwise its side is Arabic when most of its letters
 * are, or when a tenth of them are and 4 lines in 5 hold Arabic (Arabic prose, however heavy its
 * English terms); else Latin. English quoting Arabic words has them in few lines and few letters
 * (Luke 15 with an Arabic phrase every fourth verse: 2.6 % of its letters).
 */
#include <string.h>

#include "corpus/corpus_int.h"
#include "util/utf8.h"
#include "util/util_int.h"

/* The least share of a document's (Arabic and Latin) letters that must be Arabic, and Latin
 * apart from Arabic, for it to be bilingual: a TSV or TMX corpus holds 35-60 % of either, a PO
 * catalogue about 30 % Arabic and 55 % Latin. */
#define BILINGUAL_SHARE 0.25
/* Latin words in a row, between Arabic ones, that make a sentence rather than a term: a menu path
 * ("Control Panel > Network and Sharing Center") has 6 */
#define LATIN_RUN 8
/* Arabic prose naming English terms: at least this share of Arabic letters, with Arabic in at
 * least ARABIC_CELLS of the lines (cells) that hold letters */
#define ARABIC_MIN_SHARE 0.10
#define ARABIC_CELLS 0.8

static int arabic_letter(int32_t c)
{
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) ||
           (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

static int latin_letter(int32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
}

/* A combining mark (Arabic harakat, Latin accents): inside a word, of neither script. */
static int mark(int32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || (c >= 0x064B && c <= 0x065F) || c == 0x0670;
}

typedef struct counts {
    size_t ar, la;          /* letters of each script */
    size_t la_alone;        /* Latin letters apart from Arabic: in cells without Arabic, or in
                               runs of LATIN_RUN words or more */
    size_t cells, ar_cells; /* cells (lines, fields, paragraphs) with letters, those with Arabic */
    size_t cell_ar, cell_la, cell_runs; /* the current cell's letters, and those of long runs */
    size_t run_words, run_letters;      /* the current run of Latin words */
    int in_word;                        /* 0, or the script of the word being read (1 Latin) */
} counts;

/* A run of Latin words ends (an Arabic word, the end of a cell). */
static void end_run(counts *c)
{
    if (c->run_words >= LATIN_RUN)
        c->cell_runs += c->run_letters;
    c->run_words = c->run_letters = 0;
}

/* A cell ends: its letters counted (two Arabic letters make Arabic: not a stray one). */
static void end_cell(counts *c)
{
    end_run(c);
    if (c->cell_ar + c->cell_la) {
        c->cells++;
        if (c->cell_ar >= 2)
            c->ar_cells++;
    }
    c->la_alone += c->cell_ar >= 2 ? c->cell_runs : c->cell_la;
    c->ar += c->cell_ar;
    c->la += c->cell_la;
    c->cell_ar = c->cell_la = c->cell_runs = 0;
    c->in_word = 0;
}

/* The script of text[0..n); bilingual: whether BILINGUAL may be the answer (else the side of
 * the text's Arabic share). */
static jisr_script script_of(const char *text, size_t n, int bilingual)
{
    counts c;
    memset(&c, 0, sizeof c);
    const unsigned char *p = (const unsigned char *)text;
    for (size_t i = 0, l; p && i < n; i += l) {
        int32_t ch = jisr_utf8_decode(p, n, i, &l);
        if (ch == '\n' || ch == '\t' || ch == 0) {
            end_cell(&c);
        } else if (latin_letter(ch)) {
            if (c.in_word != 1)
                c.run_words++;
            c.in_word = 1;
            c.run_letters++;
            c.cell_la++;
        } else if (arabic_letter(ch)) {
            end_run(&c);
            c.in_word = 2;
            c.cell_ar++;
        } else if (!mark(ch)) {
            c.in_word = 0; /* a space, a digit, punctuation: the run goes on */
        }
    }
    end_cell(&c);
    double all = (double)(c.ar + c.la);
    if (all == 0)
        return JISR_SCRIPT_NONE;
    if (bilingual && (double)c.ar >= BILINGUAL_SHARE * all &&
        (double)c.la_alone >= BILINGUAL_SHARE * all)
        return JISR_SCRIPT_BILINGUAL;
    if (c.ar >= c.la || ((double)c.ar >= ARABIC_MIN_SHARE * all &&
                         (double)c.ar_cells >= ARABIC_CELLS * (double)c.cells))
        return JISR_SCRIPT_ARABIC;
    return JISR_SCRIPT_LATIN;
}

jisr_script jisr_corpus_script(const char *text, size_t n)
{
    if (!text && n) { /* NULL and 0 is the empty text: no letter */
        jisr_null_arg("jisr_corpus_script", "text");
        return JISR_SCRIPT_NONE;
    }
    return script_of(text ? text : "", n, 1);
}

jisr_script corpus_script_side(const char *text, size_t n)
{
    return script_of(text, n, 0);
}
