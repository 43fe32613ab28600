/*
 * out_jsonl.c — the JSONL renderer, one object per kept pair:
 *   {"id":…,"srclang":…,"tgtlang":…,"source":…,"target":…,"score":…,"src_idx":[…],"tgt_idx":[…]}
 * ("id" only when the options give one: `jisr align --batch -`). It is the pair form the formats
 * layer's JSONL reader accepts, so `jisr import` and `jisr lexicon train` read it back; the
 * sentence indices let a reader find each pair in its documents.
 */
#include <string.h>

#include "align/align_int.h"

static int json_idx(jisr_buf *b, size_t start, size_t n)
{
    int rc = jisr_buf_putc(b, '[');
    for (size_t k = 0; rc == 0 && k < n; k++)
        rc = jisr_buf_printf(b, k ? ",%zu" : "%zu", start + k);
    return rc < 0 ? rc : jisr_buf_putc(b, ']');
}

int al_render_jsonl(jisr_buf *out, const jisr_align_out *o, const jisr_sentences *src,
                    const jisr_sentences *tgt, const jisr_ladder *l)
{
    jisr_buf s = {0}, t = {0};
    int rc = 0;
    const char *sl = o->srclang ? o->srclang : "", *tl = o->tgtlang ? o->tgtlang : "";
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        const jisr_bead *b = &l->v[i];
        if (!al_pair_kept(b, o->min_score))
            continue;
        if ((rc = al_side_text(&s, src, b->src, b->nsrc)) < 0 ||
            (rc = al_side_text(&t, tgt, b->tgt, b->ntgt)) < 0)
            break;
        rc = jisr_buf_putc(out, '{');
        if (rc == 0 && o->id) {
            if ((rc = jisr_buf_puts(out, "\"id\":")) == 0 &&
                (rc = jisr_buf_json_string(out, o->id, strlen(o->id))) == 0)
                rc = jisr_buf_putc(out, ',');
        }
        if (rc == 0 && (rc = jisr_buf_puts(out, "\"srclang\":")) == 0 &&
            (rc = jisr_buf_json_string(out, sl, strlen(sl))) == 0 &&
            (rc = jisr_buf_puts(out, ",\"tgtlang\":")) == 0 &&
            (rc = jisr_buf_json_string(out, tl, strlen(tl))) == 0 &&
            (rc = jisr_buf_puts(out, ",\"source\":")) == 0 &&
            (rc = jisr_buf_json_string(out, s.data, s.len)) == 0 &&
            (rc = jisr_buf_puts(out, ",\"target\":")) == 0 &&
            (rc = jisr_buf_json_string(out, t.data, t.len)) == 0 &&
            (rc = jisr_buf_printf(out, ",\"score\":%.4f,\"src_idx\":", b->score)) == 0 &&
            (rc = json_idx(out, b->src, b->nsrc)) == 0 &&
            (rc = jisr_buf_puts(out, ",\"tgt_idx\":")) == 0 &&
            (rc = json_idx(out, b->tgt, b->ntgt)) == 0)
            rc = jisr_buf_puts(out, "}\n");
    }
    jisr_buf_free(&s);
    jisr_buf_free(&t);
    return rc;
}
