/*
 * out_tsv.c — the TSV renderer: `source<TAB>target<TAB>score` per kept pair, the sentences of a
 * side joined by spaces and escaped as the formats layer's TSV reader expects (\\ \t \n \r), so
 * `jisr import` reads the first two columns as they are.
 */
#include "align/align_int.h"

int al_render_tsv(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                  const jisr_sentences *tgt, const jisr_ladder *l)
{
    jisr_buf s = {0}, t = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if (!al_pair_kept(b, o->min_score))
            continue;
        if ((rc = al_side_text(&s, src, b->src, b->nsrc)) < 0 ||
            (rc = al_side_text(&t, tgt, b->tgt, b->ntgt)) < 0 ||
            (rc = jisr_tsv_escape(out, s.data, s.len)) < 0 || (rc = jisr_buf_putc(out, '\t')) < 0 ||
            (rc = jisr_tsv_escape(out, t.data, t.len)) < 0)
            break;
        rc = jisr_buf_printf(out, "\t%.4f\n", b->score);
    }
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    return rc;
}
