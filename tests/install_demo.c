/*
 * install_demo.c — a small program built out of the tree against the installed libjisr (through
 * `pkg-config --cflags --libs jisr`, and through CMake's find_package(jisr)): it includes only
 * <jisr/jisr.h> and calls only the public API. It segments an Arabic and an English paragraph,
 * aligns the sentences, writes the pairs to TMX and reads them back, imports them into a new
 * memory and queries it, checking every step; with a DOCX, it reads its paragraphs too (libjisr
 * loads libzip for it: a consumer links no libzip); exit 0 when all is as expected.
 *
 * usage: install_demo WORKDIR [DOCX]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jisr/jisr.h>

static int fail(const char *what)
{
    char msg[2048];
    jisr_error_format(msg, sizeof msg);
    fprintf(stderr, "install_demo: %s: %s\n", what, msg);
    return 1;
}

/* Split text into sentences (copies, NULL-terminated array in *out). */
static int segment(const char *lang, const char *text, char ***out, size_t *n)
{
    jisr_segmenter *seg;
    jisr_spans sp = {0};
    int rc = jisr_segmenter_new(&seg, lang, NULL);
    if (rc < 0)
        return rc;
    if ((rc = jisr_segmenter_split(seg, text, strlen(text), &sp)) == 0) {
        *out = calloc(sp.n + 1, sizeof **out);
        for (size_t i = 0; *out && i < sp.n; i++)
            (*out)[i] = jisr_strndup(text + sp.v[i].start, sp.v[i].end - sp.v[i].start);
        *n = sp.n;
    }
    jisr_spans_free(&sp);
    jisr_segmenter_free(seg);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: install_demo WORKDIR [DOCX]\n");
        return 2;
    }
    printf("libjisr %s\n", jisr_version());
    if (strcmp(jisr_version(), JISR_VERSION) != 0) {
        fprintf(stderr, "install_demo: headers %s, library %s\n", JISR_VERSION, jisr_version());
        return 1;
    }
    const char *ar = "ذهب الطالب إلى المدرسة صباحاً. درس الرياضيات لمدة ساعتين! هل فهم الدرس؟";
    const char *en = "The student went to school in the morning. He studied mathematics for two "
                     "hours! Did he understand the lesson?";
    char **sa = NULL, **se = NULL;
    size_t na = 0, ne = 0;
    if (segment("ar", ar, &sa, &na) < 0 || segment("en", en, &se, &ne) < 0)
        return fail("segment");
    printf("segmented: %zu Arabic and %zu English sentences\n", na, ne);
    if (na != 3 || ne != 3) {
        fprintf(stderr, "install_demo: expected 3 + 3 sentences\n");
        return 1;
    }

    jisr_align_opts ao = JISR_ALIGN_OPTS_INIT;
    ao.flags = JISR_ALIGN_NO_DICT; /* the installed FreeDict may be absent */
    jisr_aligner *al;
    jisr_ladder lad = {0};
    if (jisr_aligner_new(&al, &ao) < 0 ||
        jisr_aligner_align(al, (const char *const *)sa, na, (const char *const *)se, ne, &lad) < 0)
        return fail("align");
    jisr_buf lb = {0};
    jisr_ladder_format(&lb, &lad, 0);
    printf("aligned:\n%s", lb.data ? lb.data : "");
    jisr_buf_free(&lb);
    jisr_aligner_free(al);

    /* the 1-1 beads become units, written to TMX and read back */
    char tmx[4096];
    snprintf(tmx, sizeof tmx, "%s/pairs.tmx", argv[1]);
    jisr_write_opts wo = JISR_WRITE_OPTS_INIT;
    wo.srclang = "ar";
    jisr_writer *w;
    if (jisr_writer_open(&w, tmx, &wo) < 0)
        return fail("writer");
    jisr_unit u;
    jisr_unit_init(&u);
    for (size_t b = 0; b < lad.n; b++) {
        const jisr_bead *bd = &lad.v[b];
        if (bd->nsrc != 1 || bd->ntgt != 1)
            continue;
        jisr_unit_clear(&u);
        if (jisr_unit_add_variant(&u, "ar", sa[bd->src], strlen(sa[bd->src]), NULL) < 0 ||
            jisr_unit_add_variant(&u, "en", se[bd->tgt], strlen(se[bd->tgt]), NULL) < 0 ||
            jisr_writer_write(w, &u) < 0)
            return fail("write unit");
    }
    if (jisr_writer_close(w) < 0)
        return fail("writer close");

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tm", argv[1]);
    jisr_tm *tm;
    jisr_tm_open_opts oo = JISR_TM_OPEN_OPTS_INIT;
    oo.flags = JISR_TM_WRITE;
    if (jisr_tm_open(&tm, dir, &oo) < 0)
        return fail("tm open");
    jisr_read_opts ro = JISR_READ_OPTS_INIT;
    jisr_reader *r;
    jisr_tm_import *imp;
    if (jisr_reader_open(&r, tmx, &ro) < 0 || jisr_tm_import_begin(tm, NULL, &imp) < 0)
        return fail("import begin");
    int rc;
    size_t nread = 0;
    while ((rc = jisr_reader_next(r, &u)) > 0) {
        nread++;
        if (jisr_tm_import_add(imp, &u) < 0)
            return fail("import add");
    }
    if (rc < 0 || jisr_tm_import_end(imp, 1) < 0)
        return fail("import");
    jisr_reader_close(r);
    jisr_unit_clear(&u);
    printf("imported %zu units\n", nread);

    jisr_tm_query_opts qo = JISR_TM_QUERY_OPTS_INIT;
    qo.srclang = "en";
    qo.tgtlang = "ar";
    jisr_tm_matches m = {0};
    if (jisr_tm_query(tm, "He studied mathematics for two hours!", &qo, &m) < 0)
        return fail("query");
    printf("query: %zu match(es); best %d%%: %s\n", m.n, m.n ? m.v[0].score : 0,
           m.n ? m.v[0].target : "");
    int ok = m.n >= 1 && m.v[0].score == 100 && strcmp(m.v[0].target, sa[1]) == 0;
    jisr_tm_matches_free(&m);
    jisr_tm_close(tm);
    for (size_t i = 0; i < na; i++)
        free(sa[i]);
    for (size_t i = 0; i < ne; i++)
        free(se[i]);
    free(sa);
    free(se);
    jisr_ladder_free(&lad);
    if (!ok) {
        fprintf(stderr, "install_demo: the query did not find the stored translation\n");
        return 1;
    }
    if (argc == 3) {
        jisr_doc *d;
        jisr_para p;
        size_t np = 0;
        if (jisr_doc_open(&d, argv[2], NULL) < 0)
            return fail("doc open");
        while ((rc = jisr_doc_next(d, &p)) > 0)
            np++;
        int docx = jisr_doc_get_format(d) == JISR_DOC_DOCX;
        jisr_doc_close(d);
        if (rc < 0)
            return fail("doc read");
        printf("DOCX: %zu paragraphs\n", np);
        if (!docx || np == 0) {
            fprintf(stderr, "install_demo: %s: not read as a DOCX with paragraphs\n", argv[2]);
            return 1;
        }
    }
    printf("ok\n");
    return 0;
}
