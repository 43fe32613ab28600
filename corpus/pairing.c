/*
 * pairing.c — from command-line inputs (files and folders) to pairs of documents: collecting
 * the files, reading each through the doc layer, deciding its side, feeding the document
 * aligner, and rendering the result as a `jisr align --batch` list with scores.
 *
 * A side is the input's position (by_position) or the document's script (script.c: Arabic
 * prose naming many English terms is Arabic), which is how a folder of mixed Arabic and English
 * files is split without being told. A file given as an input that can be read only once (a pipe
 * such as <(cmd), a FIFO) is read whole first and kept: every later reading uses its bytes. A file
 * that cannot be read (unsupported format, a PDF without pdftotext, malformed, empty) is kept in
 * the list with the reason and skipped: one bad file never stops a corpus. So is what a folder
 * holds that is not a file to read (a broken symbolic link, a link to a directory, a FIFO), and,
 * for a list, a file whose path holds a tab or a line break (the list's separators: the row would
 * break).
 *
 * Three kinds of file are no document of either side, and are skipped with the reason before
 * they can become every document's best candidate: a second name of a file already found (a
 * symbolic or hard link: the same device and inode; the first found is read); a file jisr wrote
 * (a TMX or JSONL corpus, a corpus report, a docalign list: by its first bytes); and, when one
 * language is written in the Arabic script and the other in the Latin one, a document holding
 * both scripts line by line (jisr_corpus_script): a bilingual file or a corpus of another tool,
 * such as a TSV, in which each side's words match the other side's (JISR_DOC_MIXED_SCRIPT reads
 * it all the same). Monolingual text quoting the other language (English with a few Arabic
 * names, Arabic naming English terms in nearly every line) is not bilingual.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus/corpus_int.h"
#include "text/text.h"
#include "text/text_int.h"
#include "util/plural.h"
#include "util/util_int.h"

/* The side of a document of script sc: the language written in it, -1 for neither. */
static int side_of_script(const jisr_pair_opts *o, jisr_script sc)
{
    int sa = jisr_lang_matches(o->align.srclang, "ar"),
        ta = jisr_lang_matches(o->align.tgtlang, "ar");
    if (sc == JISR_SCRIPT_ARABIC)
        return sa ? 0 : ta ? 1 : -1;
    if (sc == JISR_SCRIPT_LATIN)
        return !sa && ta ? 0 : sa && !ta ? 1 : -1;
    return -1;
}

const char *corpus_doc_bytes(const jisr_pairing *p, size_t i, size_t *n)
{
    const corpus_pairing *cp = (const corpus_pairing *)p;
    *n = cp->bytes ? cp->nbytes[i] : 0;
    return cp->bytes ? cp->bytes[i] : NULL;
}

void jisr_pairing_free(jisr_pairing *p)
{
    if (!p)
        return;
    corpus_pairing *cp = (corpus_pairing *)p;
    for (size_t i = 0; i < p->ndocs; i++) {
        free(p->docs[i].path);
        free(p->docs[i].why);
    }
    for (size_t i = 0; cp->bytes && i < cp->nfiles; i++)
        free(cp->bytes[i]);
    free(cp->bytes);
    free(cp->nbytes);
    for (size_t i = 0; i < p->npairs; i++)
        free(p->ids[i]);
    free(p->docs);
    free(p->by_side[0]);
    free(p->by_side[1]);
    free(p->pairs);
    free(p->ids);
    free(p->best[0]);
    free(p->best[1]);
    free(p);
}

/* Read one document's paragraphs (into the growing arrays). */
int corpus_read_doc(const char *path, const char *bytes, size_t nbytes, const jisr_doc_opts *dopts,
                    jisr_buf *text, size_t **offs, size_t *n, size_t *cap, char **why)
{
    jisr_doc *d = NULL;
    *n = 0;
    jisr_buf_reset(text);
    int rc = bytes ? jisr_doc_open_memory(&d, path, bytes, nbytes, dopts)
                   : jisr_doc_open(&d, path, dopts);
    jisr_para p;
    while (rc == 0 && (rc = jisr_doc_next(d, &p)) > 0) {
        if (*n + 2 > *cap) {
            size_t c = *cap ? *cap * 2 : 256;
            size_t *v = realloc(*offs, c * sizeof *v);
            if (!v) {
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            *offs = v;
            *cap = c;
        }
        (*offs)[(*n)++] = text->len;
        if ((rc = jisr_buf_append(text, p.text, p.len + 1)) < 0) /* with its NUL */
            break;
        rc = 0;
    }
    jisr_doc_close(d);
    if (rc < 0) {
        char m[1200];
        jisr_error_format(m, sizeof m);
        *why = jisr_strdup(m);
        return rc == JISR_ENOMEM ? rc : 1;
    }
    if (*n == 0) {
        *why = jisr_strdup("no text");
        return 1;
    }
    return 0;
}

/* Drop entry i of the collected files (the temporary of an output being written). */
static void drop_file(jisr_strlist *files, jisr_strlist *why, size_t *origin, size_t i)
{
    free(files->v[i]);
    free(why->v[i]);
    memmove(files->v + i, files->v + i + 1, (files->n - i - 1) * sizeof *files->v);
    memmove(why->v + i, why->v + i + 1, (why->n - i - 1) * sizeof *why->v);
    memmove(origin + i, origin + i + 1, (files->n - i - 1) * sizeof *origin);
    files->n--;
    why->n--;
}

/* What path is when its first bytes are those of a file jisr writes (a docalign list, a corpus
 * report in HTML or JSON, a TMX corpus from corpus, convert or export, a JSONL one in jisr's
 * own form: {"tuid":…,"srclang":…,…,"variants":[{"lang":…,"text":…, tuid and srclang when the
 * unit has them), or NULL. */
static const char *written_by_jisr(const char *path, const char *bytes, size_t nbytes)
{
    char b[4097];
    size_t n;
    struct stat st;
    if (bytes) {
        n = nbytes < sizeof b - 1 ? nbytes : sizeof b - 1;
        memcpy(b, bytes, n);
    } else {
        /* a pipe's first bytes are not looked at here: read, they would be gone */
        FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
        if (!f)
            return NULL;
        n = fread(b, 1, sizeof b - 1, f);
        fclose(f);
    }
    b[n] = '\0';
    if (strlen(b) != n)
        return NULL; /* a NUL byte: none of them */
    if (strncmp(b, "# jisr docalign:", 16) == 0)
        return "a docalign list";
    if (strstr(b, "<title>jisr corpus report</title>") ||
        (strncmp(b, "{\"srclang\":", 11) == 0 && strstr(b, "\"totals\":{\"documents\":")))
        return "a corpus report";
    if (strncmp(b, "<?xml", 5) == 0 && strstr(b, "<header creationtool=\"jisr\""))
        return "a TMX corpus";
    char *nl = strchr(b, '\n');
    if (nl)
        *nl = '\0';
    if (strncmp(b, "{\"", 2) == 0 && strstr(b, "\"variants\":[{\"lang\":\"") &&
        strstr(b, "\"text\":\""))
        return "a JSONL corpus";
    return NULL;
}

/* A second name of a file found before it (a symbolic or hard link, the same file given twice:
 * its device and inode) is skipped, naming the first; the first found (inputs in order, each
 * folder by sorted name) is read. */
typedef struct file_id {
    dev_t dev;
    ino_t ino;
    size_t i;
} file_id;

static int cmp_file_id(const void *a, const void *b)
{
    const file_id *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    if (x->ino != y->ino)
        return x->ino < y->ino ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

#define SAME_FILE "the same file as " /* the reason, followed by the first one's path */

static int skip_duplicates(jisr_strlist *files, jisr_strlist *why)
{
    file_id *v = malloc((files->n + 1) * sizeof *v);
    if (!v)
        return jisr_oom(0);
    size_t n = 0;
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        if (!why->v[i][0] && stat(files->v[i], &st) == 0)
            v[n++] = (file_id){st.st_dev, st.st_ino, i};
    }
    qsort(v, n, sizeof *v, cmp_file_id);
    int rc = 0;
    jisr_buf b = {0};
    for (size_t k = 1; rc == 0 && k < n; k++) {
        size_t first = k;
        while (first > 0 && v[first - 1].dev == v[k].dev && v[first - 1].ino == v[k].ino)
            first--;
        if (first == k)
            continue;
        jisr_buf_reset(&b);
        rc = jisr_buf_printf(&b, SAME_FILE "%s", files->v[v[first].i]);
        if (rc == 0) {
            free(why->v[v[k].i]);
            why->v[v[k].i] = b.data;
            b = (jisr_buf){0};
        }
    }
    jisr_buf_free(&b);
    free(v);
    return rc;
}

/* Files jisr wrote, found among the documents or given (an earlier run's corpus, report or
 * list, under any name): skipped with the reason, never read as documents. */
static int skip_written_by_jisr(jisr_strlist *files, jisr_strlist *why, char *const *bytes,
                                const size_t *nbytes)
{
    jisr_buf b = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < files->n; i++) {
        const char *what = why->v[i][0] ? NULL : written_by_jisr(files->v[i], bytes[i], nbytes[i]);
        if (!what)
            continue;
        jisr_buf_reset(&b);
        if ((rc = jisr_buf_printf(&b, "%s jisr wrote, not a document (not read)", what)) < 0)
            break;
        free(why->v[i]);
        why->v[i] = b.data;
        b = (jisr_buf){0};
    }
    jisr_buf_free(&b);
    return rc;
}

/* The files that can be read only once (a pipe or a FIFO given as an input: a folder's are
 * skipped when collected), read whole now into cp->bytes: every later look at them (their first
 * bytes, their reading, the readings to verify or align the pairs) uses the bytes. One that
 * cannot be read is skipped with the reason, as any unreadable document is. */
static int read_once_files(corpus_pairing *cp, const jisr_strlist *files, jisr_strlist *why,
                           const jisr_doc_opts *dopts)
{
    cp->bytes = calloc(files->n + 1, sizeof *cp->bytes);
    cp->nbytes = calloc(files->n + 1, sizeof *cp->nbytes);
    if (!cp->bytes || !cp->nbytes)
        return jisr_oom(0);
    cp->nfiles = files->n;
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        if (why->v[i][0] || stat(files->v[i], &st) < 0 || S_ISREG(st.st_mode) ||
            S_ISDIR(st.st_mode))
            continue;
        int rc = jisr_doc_read_input(files->v[i], dopts ? dopts->max_bytes : 0, &cp->bytes[i],
                                     &cp->nbytes[i]);
        if (rc == JISR_ENOMEM)
            return rc;
        if (rc < 0) {
            char m[1200];
            jisr_error_format(m, sizeof m);
            char *r = jisr_strdup(m);
            if (!r)
                return jisr_oom(0);
            free(why->v[i]);
            why->v[i] = r;
        }
    }
    return 0;
}

/* A warning through the reading options' callback (the library never prints). */
static void warn(const jisr_pair_opts *o, const char *file, const char *msg)
{
    if (!o->doc_opts || !o->doc_opts->on_warning)
        return;
    jisr_error e;
    memset(&e, 0, sizeof e);
    snprintf(e.file, sizeof e.file, "%s", file ? file : "");
    snprintf(e.msg, sizeof e.msg, "%s", msg);
    o->doc_opts->on_warning(o->doc_opts->ctx, &e);
}

/* The files found against the command's outputs, before any is read: one given as an input is
 * an error; one found in a folder is skipped with the reason, never read, when it is a file
 * jisr writes there (a report or a list an earlier run left among the documents), and an error
 * otherwise (it may be a document: replacing it would lose it); the temporary of one is left
 * out; the others are recorded as inputs. */
static int check_outputs(jisr_fileset *set, const char *const *inputs, jisr_strlist *files,
                         jisr_strlist *why, size_t *origin)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && set && i < files->n;) {
        int role = why->v[i][0] ? 0 : jisr_fileset_is_output(set, files->v[i]);
        if (role == 2) {
            drop_file(files, why, origin, i);
            continue;
        }
        if (role == 1 && strcmp(files->v[i], inputs[origin[i]]) != 0 &&
            written_by_jisr(files->v[i], NULL, 0)) {
            char *r = jisr_strdup("one of this command's outputs (not read)");
            if (!r)
                return jisr_oom(0);
            free(why->v[i]);
            why->v[i] = r;
            i++;
            continue;
        }
        if (role == 1)
            return jisr_error_set(JISR_EINVAL, files->v[i], 0, 0,
                                  "is one of this command's outputs, and not a report, list "
                                  "or TMX or JSONL corpus jisr wrote: it would be read as a "
                                  "document and then replaced (choose an output file outside "
                                  "the inputs)");
        if (!why->v[i][0])
            rc = jisr_fileset_add_input(set, files->v[i]);
        i++;
    }
    return rc;
}

/* (corpus_int.h) The inputs of fn (the n paths it collects documents from; a NULL array of none is
 * no input): 0, or JISR_EINVAL naming the NULL one ("inputs[2] is NULL"). */
int corpus_check_inputs(const char *fn, const char *const *inputs, size_t n)
{
    if (!inputs && n)
        return jisr_null_arg(fn, "inputs");
    for (size_t i = 0; i < n; i++)
        if (!inputs[i])
            return jisr_error_set(JISR_EINVAL, NULL, 0, 0, "%s: inputs[%zu] is NULL", fn, i);
    return 0;
}

int jisr_corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                     jisr_pairing **out)
{
    if (!out)
        return jisr_null_arg("jisr_corpus_pair", "out");
    *out = NULL;
    int rc = corpus_check_inputs("jisr_corpus_pair", inputs, n);
    return rc < 0 ? rc : corpus_pair(inputs, n, opts, NULL, 1, out);
}

int jisr_corpus_pair_files(const char *const *inputs, size_t n, const jisr_pair_opts *opts,
                           jisr_fileset *files, jisr_pairing **out)
{
    if (!out)
        return jisr_null_arg("jisr_corpus_pair_files", "out");
    *out = NULL;
    int rc = corpus_check_inputs("jisr_corpus_pair_files", inputs, n);
    return rc < 0 ? rc : corpus_pair(inputs, n, opts, files, 1, out);
}

int corpus_pair(const char *const *inputs, size_t n, const jisr_pair_opts *opts, jisr_fileset *set,
                int list_names, jisr_pairing **out)
{
    jisr_pair_opts def = JISR_PAIR_OPTS_INIT;
    const jisr_pair_opts *o = opts ? opts : &def;
    *out = NULL;
    if (!o->by_position &&
        !(jisr_lang_matches(o->align.srclang, "ar") ^ jisr_lang_matches(o->align.tgtlang, "ar")))
        return jisr_error_set(JISR_EINVAL, NULL, 0, 0,
                              "%s and %s are written in one script: give the source and the "
                              "target inputs apart (two arguments, or SRC... -- TGT...)",
                              o->align.srclang, o->align.tgtlang);
    corpus_pairing *cp = calloc(1, sizeof *cp);
    jisr_pairing *p = cp ? &cp->pub : NULL;
    jisr_docaligner *da = NULL;
    jisr_strlist files = {0}, why = {0}; /* why: "" or the reason a file is left out */
    size_t *origin = NULL;               /* input index of each file */
    jisr_buf text = {0};
    size_t *offs = NULL, noffs = 0, capoffs = 0;
    const char **ptrs = NULL;
    size_t *lens = NULL;
    corpus_vdoc *vd[2] = {NULL, NULL}; /* a small collection's texts, for corpus_verify */
    int verify = 0;
    /* one language in the Arabic script and the other in the Latin one: the script tells a
     * document's side, or (by position) whether the sides are the wrong way round */
    int lsc[2] = {jisr_lang_script(o->align.srclang ? o->align.srclang : "ar"),
                  jisr_lang_script(o->align.tgtlang ? o->align.tgtlang : "en")};
    int scripts = (lsc[0] == 1 && lsc[1] == 2) || (lsc[0] == 2 && lsc[1] == 1);
    int mixed = o->doc_opts && (o->doc_opts->flags & JISR_DOC_MIXED_SCRIPT);
    size_t script_votes[2][2] = {{0, 0}, {0, 0}}; /* [side][in its language's script] */
    int rc = p ? 0 : jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t before = files.n;
        rc = corpus_collect(inputs[i], &files, &why);
        size_t *v = rc == 0 ? realloc(origin, (files.n + 1) * sizeof *v) : NULL;
        if (rc == 0 && !v)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == 0) {
            origin = v;
            for (size_t k = before; k < files.n; k++)
                origin[k] = i;
        }
    }
    if (rc == 0)
        rc = skip_duplicates(&files, &why);
    if (rc == 0)
        rc = check_outputs(set, inputs, &files, &why, origin);
    if (rc == 0)
        rc = read_once_files(cp, &files, &why, o->doc_opts);
    if (rc == 0)
        rc = skip_written_by_jisr(&files, &why, cp->bytes, cp->nbytes);
    if (rc == 0)
        rc = jisr_docaligner_new(&da, &o->align);
    if (rc == 0 && files.n && files.n <= CORPUS_VERIFY_DOCS && corpus_verify_applies(&o->align)) {
        verify = 1;
        for (int s = 0; s < 2; s++)
            if (!(vd[s] = calloc(files.n, sizeof *vd[s])))
                rc = jisr_oom(0);
    }
    if (rc == 0 && files.n) {
        p->docs = calloc(files.n, sizeof *p->docs);
        p->by_side[0] = malloc(files.n * sizeof(size_t));
        p->by_side[1] = malloc(files.n * sizeof(size_t));
        if (!p->docs || !p->by_side[0] || !p->by_side[1])
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; rc == 0 && i < files.n; i++) {
        jisr_docref *d = &p->docs[p->ndocs++];
        d->path = files.v[i];
        files.v[i] = NULL;
        d->side = -1;
        const char *skip = why.v[i][0] ? why.v[i]
                           : list_names && strpbrk(d->path, "\t\n\r")
                               ? "its name holds a tab or a line break, which a list cannot carry "
                                 "(rename it)"
                               : NULL;
        if (skip) {
            if (!(d->why = jisr_strdup(skip))) {
                rc = JISR_ENOMEM;
                break;
            }
            continue;
        }
        char *whyread = NULL;
        int r = corpus_read_doc(d->path, cp->bytes[i], cp->nbytes[i], o->doc_opts, &text, &offs,
                                &noffs, &capoffs, &whyread);
        if (r < 0) {
            rc = r;
            break;
        }
        if (r > 0) {
            d->why = whyread;
            continue;
        }
        jisr_script sc = jisr_corpus_script(text.data, text.len);
        if (scripts && sc == JISR_SCRIPT_BILINGUAL && !mixed) {
            d->why = jisr_strdup("holds both Arabic and Latin text: a bilingual file or a "
                                 "previous corpus? (its lines alternate scripts; --keep-mixed "
                                 "reads it as a document)");
            if (!d->why)
                rc = jisr_oom(0);
            continue;
        }
        if (sc == JISR_SCRIPT_BILINGUAL) /* read all the same: the side of its Arabic share */
            sc = corpus_script_side(text.data, text.len);
        int side = o->by_position ? (origin[i] < o->nsrc ? 0 : 1) : side_of_script(o, sc);
        if (side < 0) {
            if (!(d->why = jisr_strdup("in neither language (by its script)")))
                rc = jisr_oom(0);
            continue;
        }
        if (o->by_position && scripts && sc != JISR_SCRIPT_NONE)
            script_votes[side][(sc == JISR_SCRIPT_ARABIC ? 1 : 2) == lsc[side]]++;
        const char **pv = realloc(ptrs, noffs * sizeof *pv);
        size_t *lv = pv ? realloc(lens, noffs * sizeof *lv) : NULL;
        if (pv)
            ptrs = pv;
        if (!pv || !lv) {
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        lens = lv;
        for (size_t k = 0; k < noffs; k++) {
            ptrs[k] = text.data + offs[k];
            lens[k] = strlen(ptrs[k]);
        }
        d->side = side;
        d->paras = noffs;
        if ((rc = jisr_docaligner_add(da, side, d->path, ptrs, lens, noffs, &d->index)) < 0)
            break;
        if (verify) {
            corpus_vdoc *v = &vd[side][p->nside[side]];
            v->text = malloc(text.len + 1);
            v->off = malloc((noffs + 1) * sizeof *v->off);
            if (!v->text || !v->off) {
                rc = jisr_oom(0);
                break;
            }
            memcpy(v->text, text.data, text.len);
            memcpy(v->off, offs, noffs * sizeof *offs);
            v->n = noffs;
        }
        p->by_side[side][p->nside[side]++] = p->ndocs - 1;
        if (o->on_progress)
            o->on_progress(o->ctx, i + 1, files.n);
    }
    if (rc == 0 && files.n && o->on_progress) /* the last file may have been skipped */
        o->on_progress(o->ctx, files.n, files.n);
    for (int s = 0; rc == 0 && o->by_position && scripts && s < 2; s++)
        if (script_votes[s][0] > script_votes[s][1]) {
            /* as `jisr align` warns of a text in the other script: nothing would pair */
            char m[400];
            const char *lang = s ? o->align.tgtlang : o->align.srclang;
            snprintf(m, sizeof m,
                     "the %s documents are in %s script, not %s (%s language %s): are the "
                     "sides swapped?",
                     s ? "target" : "source", lsc[s] == 1 ? "Latin" : "Arabic",
                     lsc[s] == 1 ? "Arabic" : "Latin", s ? "target" : "source", lang);
            warn(o, s ? (o->nsrc < n ? inputs[o->nsrc] : NULL) : inputs[0], m);
        }
    if (rc == 0)
        rc = jisr_docaligner_run(da);
    if (rc == 0) {
        size_t np;
        const jisr_docpair *dp = jisr_docaligner_pairs(da, &np);
        p->pairs = malloc((np + 1) * sizeof *p->pairs);
        for (int s = 0; s < 2; s++)
            p->best[s] = malloc((p->nside[s] + 1) * sizeof *p->best[s]);
        if (!p->pairs || !p->best[0] || !p->best[1])
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (int s = 0; rc == 0 && s < 2; s++)
            for (size_t i = 0; i < p->nside[s]; i++)
                p->best[s][i] = jisr_docaligner_best(da, s, i);
        if (rc == 0 && np)
            memcpy(p->pairs, dp, np * sizeof *dp);
        if (rc == 0 && verify && p->nside[0] && p->nside[1])
            rc = corpus_verify(&o->align, (const corpus_vdoc *const *)vd, p->nside, &p->pairs, &np,
                               p->best);
        p->ids = rc == 0 ? calloc(np + 1, sizeof *p->ids) : NULL;
        if (rc == 0 && !p->ids)
            rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        cmap seen = {0};
        for (size_t k = 0; rc == 0 && k < np; k++) {
            /* id: the source file's base name without its extensions, made unique */
            const char *path = p->docs[p->by_side[0][p->pairs[k].src]].path;
            const char *b = strrchr(path, '/');
            b = b ? b + 1 : path;
            char id[256];
            snprintf(id, sizeof id, "%s", b);
            char *dot = strchr(id + 1, '.');
            if (dot)
                *dot = '\0';
            for (char *c = id; *c; c++)
                if (*c == '\t' || *c == '\n' || *c == '\r' || *c == '#')
                    *c = '_';
            char uniq[300];
            snprintf(uniq, sizeof uniq, "%s", id);
            for (int dup = 2; cmap_find(&seen, uniq, strlen(uniq)) != UINT32_MAX; dup++)
                snprintf(uniq, sizeof uniq, "%s-%d", id, dup);
            if (cmap_intern(&seen, uniq, strlen(uniq)) == UINT32_MAX ||
                !(p->ids[k] = jisr_strdup(uniq)))
                rc = jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
            p->npairs = k + 1;
        }
        cmap_free(&seen);
    }
    jisr_docaligner_free(da);
    for (int s = 0; s < 2; s++) {
        for (size_t i = 0; vd[s] && i < files.n; i++) {
            free(vd[s][i].text);
            free(vd[s][i].off);
        }
        free(vd[s]);
    }
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    jisr_strlist_free(&why);
    free(origin);
    jisr_buf_free(&text);
    free(offs);
    free(ptrs);
    free(lens);
    if (rc < 0) {
        jisr_pairing_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

/* A path or a reason in a "#" line: a tab, line feed or carriage return as \t, \n, \r (a row of
 * the list may not start inside a comment). */
static int put_escaped(jisr_buf *b, const char *s)
{
    int rc = 0;
    for (const char *p = s; rc == 0 && *p; p++)
        rc = *p == '\t'   ? jisr_buf_puts(b, "\\t")
             : *p == '\n' ? jisr_buf_puts(b, "\\n")
             : *p == '\r' ? jisr_buf_puts(b, "\\r")
                          : jisr_buf_putc(b, *p);
    return rc;
}

/* path made absolute into real (PATH_MAX bytes): its directory resolved and its own name kept
 * (a symbolic link is named by its own path, not its target's: a link to a directory or a broken
 * one, listed as skipped, and a link to a document alike), or failing that the working
 * directory before it: a list written with -o names every file absolutely, the skipped ones
 * too. Returns path itself when nothing works. */
static const char *absolute_name(const char *path, char *real)
{
    const char *slash = strrchr(path, '/');
    const char *last = slash ? slash + 1 : path;
    if (!*last || strcmp(last, ".") == 0 || strcmp(last, "..") == 0)
        return realpath(path, real) ? real : path; /* a directory's name: no link to keep */
    char dir[PATH_MAX];
    if (slash && slash != path && (size_t)(slash - path) < sizeof dir) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    } else {
        snprintf(dir, sizeof dir, "%s", slash ? "/" : ".");
    }
    const char *base = slash ? slash + 1 : path;
    char rd[PATH_MAX];
    if (realpath(dir, rd) &&
        (size_t)snprintf(real, PATH_MAX, "%s%s%s", rd, strcmp(rd, "/") ? "/" : "", base) < PATH_MAX)
        return real;
    return path;
}

/* A path as found, or absolute; escaped in a comment, refused in a row when it holds the
 * list's separators (only an absolute path can: jisr_corpus_pair skips the others). */
static int put_path(jisr_buf *b, const char *path, int absolute, int comment)
{
    char real[PATH_MAX];
    if (absolute && path[0] != '/')
        path = absolute_name(path, real);
    if (comment)
        return put_escaped(b, path);
    if (strpbrk(path, "\t\n\r"))
        return jisr_error_set(JISR_EINVAL, path, 0, 0,
                              "its absolute name holds a tab or a line break, which a list "
                              "cannot carry");
    return jisr_buf_puts(b, path);
}

int jisr_pairing_format(const jisr_pairing *p, int absolute, jisr_buf *out)
{
    if (!p || !out)
        return jisr_null_arg("jisr_pairing_format", p ? "out" : "p");
    size_t skipped = 0;
    for (size_t i = 0; i < p->ndocs; i++)
        skipped += p->docs[i].side < 0;
    /* a line for people (each count with its noun in its number, as the summary on stderr);
     * "# jisr docalign:" is what tells a list apart (written_by_jisr, above) */
    int rc = jisr_buf_printf(
        out,
        "# jisr docalign: %zu source %s and %zu target %s, %zu %s, %zu and %zu unpaired, %zu "
        "skipped\n"
        "# id\tsource\ttarget\tscore\n",
        p->nside[0], jisr_plural(p->nside[0], "document", "documents"), p->nside[1],
        jisr_plural(p->nside[1], "document", "documents"), p->npairs,
        jisr_plural(p->npairs, "pair", "pairs"), p->nside[0] - p->npairs, p->nside[1] - p->npairs,
        skipped);
    for (size_t k = 0; rc == 0 && k < p->npairs; k++) {
        if ((rc = jisr_buf_printf(out, "%s\t", p->ids[k])) < 0 ||
            (rc = put_path(out, p->docs[p->by_side[0][p->pairs[k].src]].path, absolute, 0)) < 0 ||
            (rc = jisr_buf_putc(out, '\t')) < 0 ||
            (rc = put_path(out, p->docs[p->by_side[1][p->pairs[k].tgt]].path, absolute, 0)) < 0)
            break;
        rc = jisr_buf_printf(out, "\t%.4f\n", p->pairs[k].score);
    }
    for (int s = 0; rc == 0 && s < 2; s++) {
        unsigned char *paired = calloc(p->nside[s] + 1, 1);
        if (!paired)
            return jisr_error_set(JISR_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; k < p->npairs; k++)
            paired[s ? p->pairs[k].tgt : p->pairs[k].src] = 1;
        for (size_t i = 0; rc == 0 && i < p->nside[s]; i++) {
            if (paired[i])
                continue;
            jisr_buf_printf(out, "# unpaired %s\t", s ? "target" : "source");
            put_path(out, p->docs[p->by_side[s][i]].path, absolute, 1);
            jisr_docbest b = p->best[s][i];
            if (b.partner != SIZE_MAX) {
                jisr_buf_puts(out, "\tbest candidate ");
                put_path(out, p->docs[p->by_side[!s][b.partner]].path, absolute, 1);
                jisr_buf_printf(out, " %.4f", b.score);
            }
            rc = jisr_buf_putc(out, '\n');
        }
        free(paired);
    }
    for (size_t i = 0; rc == 0 && i < p->ndocs; i++) {
        if (p->docs[i].side >= 0)
            continue;
        const char *why = p->docs[i].why ? p->docs[i].why : "";
        jisr_buf_puts(out, "# skipped\t");
        put_path(out, p->docs[i].path, absolute, 1);
        jisr_buf_putc(out, '\t');
        if (strncmp(why, SAME_FILE, strlen(SAME_FILE)) == 0) { /* a path: absolute as the others */
            jisr_buf_puts(out, SAME_FILE);
            put_path(out, why + strlen(SAME_FILE), absolute, 1);
        } else {
            put_escaped(out, why);
        }
        rc = jisr_buf_putc(out, '\n');
    }
    return rc;
}
