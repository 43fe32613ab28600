/*
 * out_tmx.c — the TMX renderer: one <tu> per kept pair through the formats layer's writer (which
 * owns TMX 1.4b: escaping, the header, validity against the DTD), the aligner's score as the
 * unit's prop x-align-score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_int.h"

int al_render_tmx(jisr_writer *w, const jisr_align_out *o, const jisr_sentences *src,
                  const jisr_sentences *tgt, const jisr_ladder *l)
{
    jisr_unit u;
    jisr_unit_init(&u);
    jisr_buf s = {0}, t = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if (!al_pair_kept(b, o->min_score))
            continue;
        jisr_unit_clear(&u);
        char score[32];
        snprintf(score, sizeof score, "%.4f", b->score);
        if ((rc = al_side_text(&s, src, b->src, b->nsrc)) < 0 ||
            (rc = al_side_text(&t, tgt, b->tgt, b->ntgt)) < 0 ||
            (rc = jisr_unit_add_variant(&u, o->srclang, s.data, s.len, NULL)) < 0 ||
            (rc = jisr_unit_add_variant(&u, o->tgtlang, t.data, t.len, NULL)) < 0)
            break;
        u.meta.props = calloc(1, sizeof *u.meta.props);
        if (!u.meta.props || !(u.meta.props[0].type = jisr_strdup("x-align-score")) ||
            !(u.meta.props[0].value = jisr_strdup(score))) {
            if (u.meta.props) {
                free(u.meta.props[0].type);
                free(u.meta.props);
                u.meta.props = NULL;
            }
            rc = jisr_oom(0);
            break;
        }
        u.meta.nprops = 1;
        if ((rc = jisr_writer_write(w, &u)) < 0 && rc != JISR_EIO && rc != JISR_ENOMEM) {
            /* a pair the writer refuses (a character XML cannot carry …): say which, in the
             * ladder's terms (its "unit N" counts only the units written) */
            jisr_error e = *jisr_error_last();
            const char *m = strncmp(e.msg, "unit ", 5) == 0 && strchr(e.msg, ':')
                                ? strchr(e.msg, ':') + 1
                                : e.msg;
            while (*m == ' ')
                m++;
            jisr_error_set(rc, e.file[0] ? e.file : NULL, 0, 0,
                           "the pair that starts at source sentence %zu and target sentence "
                           "%zu (0-based, as the ladder counts): %s",
                           b->src, b->tgt, m);
        }
    }
    jisr_unit_clear(&u);
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    return rc;
}
