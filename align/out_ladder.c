/*
 * out_ladder.c — the ladder renderer: vecalign's `[i,j]:[k]` format, one bead per line, with the
 * aligner's score as a third field (`[i]:[k]:0.9731`); unaligned sentences are `[i]:[]` and
 * `[]:[k]`. The text of the format lives in ladder.c (jisr_ladder_format), beside its parser.
 */
#include "align/align_int.h"

int al_render_ladder(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                     const jisr_sentences *tgt, const jisr_ladder *l)
{
    (void)o;
    (void)src;
    (void)tgt;
    return jisr_ladder_format(out, l, 1);
}
