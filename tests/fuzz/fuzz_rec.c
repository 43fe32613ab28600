/*
 * fuzz_rec.c — libFuzzer target for what the memory decodes from data.mdb, which a damaged or
 * hostile file controls: the unit record (tm_rec_decode, then everything that walks a decoded
 * record: tm_rec_to_unit, tm_dedupe_key, tm_ident_hash of the stored tags, tm_rec_reencode,
 * tm_rec_merge, tm_rec_retoken) and a
 * posting chunk
 * (tm_post_decode). Records of versions 1 to 3 (3: the unit's attributes beyond version 1's).
 * Input: one byte choosing the decoder, then the bytes (for a chunk: the
 * 12-byte key, then the value). Every read must stay inside the input (ASan), every failure be
 * a JISR_E* code; a record that decodes must encode back to one that decodes the same way.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tm/tm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_rec: property failed: %s\n", what);
        abort();
    }
}

static tm_rec g_rec, g_rec2;

static tm_rec g_rec3;

/* tm_rec_merge of the record with itself (nothing to add) and with the same unit carrying one
 * note more */
static void merge(jisr_unit *u)
{
    jisr_buf out = {0}, enc = {0};
    if (tm_rec_merge(&g_rec, &g_rec, 7, g_rec.created, g_rec.changed, g_rec.lastused, &out) == 0) {
        check(tm_rec_decode(out.data, out.len, &g_rec2) == 0, "self-merged record decodes");
        check(g_rec2.nprops == g_rec.nprops && g_rec2.nnotes == g_rec.nnotes &&
                  g_rec2.nvar == g_rec.nvar && g_rec2.usage == 7,
              "a merge with itself adds no prop or note");
    }
    jisr_prop *nv = realloc(u->meta.notes, (u->meta.nnotes + 1) * sizeof *nv);
    if (!nv)
        goto done;
    u->meta.notes = nv;
    memset(&nv[u->meta.nnotes], 0, sizeof *nv);
    if (!(nv[u->meta.nnotes].value = strdup("\x01fuzz_rec's own note")))
        goto done;
    u->meta.nnotes++;
    uint32_t nw[TM_MAX_VARIANTS] = {0}, w1[TM_MAX_VARIANTS] = {0};
    uint64_t nh[TM_MAX_VARIANTS] = {0};
    if (tm_rec_encode(u, nw, w1, nh, 1, INT64_MIN, INT64_MIN, INT64_MIN, &enc) != 0 ||
        tm_rec_decode(enc.data, enc.len, &g_rec3) != 0)
        goto done;
    jisr_buf_reset(&out);
    if (tm_rec_merge(&g_rec, &g_rec3, 8, g_rec.created, g_rec.changed, g_rec.lastused, &out) == 0) {
        check(tm_rec_decode(out.data, out.len, &g_rec2) == 0, "merged record decodes");
        /* at most n's entries are added (text with a NUL in it does not survive to_unit, so
         * the round trip's entries may differ from the record's) */
        check(g_rec2.nprops >= g_rec.nprops && g_rec2.nprops <= g_rec.nprops + g_rec3.nprops &&
                  g_rec2.nnotes >= g_rec.nnotes && g_rec2.nnotes <= g_rec.nnotes + g_rec3.nnotes &&
                  g_rec2.nvar == g_rec.nvar && g_rec2.usage == 8,
              "a merge keeps the stored entries and adds at most the duplicate's");
    }
    /* the same unit with a note on its first variant (<tuv>): the merge is a version-2 record
     * whose first variant holds that note */
    if (!u->nvariants || !g_rec.nvar)
        goto done;
    jisr_meta *vm = &u->variants[0].meta;
    jisr_prop *vn = realloc(vm->notes, (vm->nnotes + 1) * sizeof *vn);
    if (!vn)
        goto done;
    vm->notes = vn;
    memset(&vn[vm->nnotes], 0, sizeof *vn);
    if (!(vn[vm->nnotes].value = strdup("fuzz_rec's variant note")))
        goto done;
    vm->nnotes++;
    for (uint32_t i = 0; i < g_rec.nvar; i++) {
        nw[i] = g_rec.var[i].nheavy;
        w1[i] = g_rec.var[i].w100;
        nh[i] = g_rec.var[i].nhash;
    }
    jisr_buf_reset(&enc);
    if (tm_rec_encode(u, nw, w1, nh, 1, INT64_MIN, INT64_MIN, INT64_MIN, &enc) != 0 ||
        tm_rec_decode(enc.data, enc.len, &g_rec3) != 0)
        goto done;
    check(g_rec3.version == TM_REC_VERSION_VMETA ||
              (g_rec3.version == TM_REC_VERSION_UMETA && g_rec.umeta),
          "a variant's note makes a version-2 record (3 with the unit's other attributes)");
    jisr_buf_reset(&out);
    if (tm_rec_merge(&g_rec, &g_rec3, 9, g_rec.created, g_rec.changed, g_rec.lastused, &out) == 0) {
        check(tm_rec_decode(out.data, out.len, &g_rec2) == 0, "merged version-2 record decodes");
        check(g_rec2.version ==
                      (g_rec.umeta || g_rec3.umeta ? TM_REC_VERSION_UMETA : TM_REC_VERSION_VMETA) &&
                  g_rec2.nvar == g_rec.nvar && g_rec2.nprops >= g_rec.nprops &&
                  g_rec2.nnotes >= g_rec.nnotes,
              "a merge with a variant's note is a version-2 record (3 with the unit's other "
              "attributes) of the same variants");
        jisr_unit m;
        jisr_unit_init(&m);
        if (tm_rec_to_unit(&g_rec2, &m) == 0) {
            int found = 0;
            const jisr_meta *mm = &m.variants[0].meta;
            for (size_t i = 0; i < mm->nnotes; i++)
                found |= mm->notes[i].value &&
                         strcmp(mm->notes[i].value, "fuzz_rec's variant note") == 0;
            check(m.nvariants == g_rec.nvar && found, "the duplicate's variant note is kept");
        }
        jisr_unit_clear(&m);
    }
done:
    jisr_buf_free(&out);
    jisr_buf_free(&enc);
}

static void record(const uint8_t *p, size_t n)
{
    /* a copy of exactly n bytes, so that ASan sees any read past the record */
    uint8_t *b = malloc(n ? n : 1);
    if (!b)
        return;
    memcpy(b, p, n);
    int rc = tm_rec_decode(b, n, &g_rec);
    check(rc == 0 || rc == JISR_EDB, "decode: 0 or JISR_EDB");
    if (rc == 0) {
        jisr_unit u;
        jisr_unit_init(&u);
        rc = tm_rec_to_unit(&g_rec, &u);
        check(rc == 0 || rc == JISR_EDB || rc == JISR_ENOMEM, "to_unit: 0 or an error");
        if (rc == 0)
            merge(&u);
        jisr_unit_clear(&u);
        (void)tm_dedupe_key(&g_rec);
        /* identity of each variant as the reindex computes it from the stored tags (their i
         * and x read through, tm_ident_hash): within the record's bytes, the same twice */
        for (uint32_t i = 0; i < g_rec.nvar; i++) {
            tm_str tg[64];
            const char *tp[64];
            size_t tl[64];
            const tm_rvar *v = &g_rec.var[i];
            int nt = v->ntags <= 64 ? tm_rvar_tags(&g_rec, v, tg, 64) : -1;
            for (int k = 0; k < nt; k++) {
                tp[k] = tg[k].p ? tg[k].p : "";
                tl[k] = tg[k].n;
            }
            uint64_t h1 = 0, h2 = 0;
            if (nt >= 0 && tm_ident_hash(v->text.p, v->text.n, tp, tl, (size_t)nt, &h1) == 0 &&
                tm_ident_hash(v->text.p, v->text.n, tp, tl, (size_t)nt, &h2) == 0)
                check(h1 == h2, "identity hash is a function of the bytes");
        }
        jisr_buf out = {0};
        if (tm_rec_reencode(&g_rec, g_rec.usage + 1, g_rec.created, g_rec.changed, g_rec.lastused,
                            &out) == 0) {
            check(tm_rec_decode(out.data, out.len, &g_rec2) == 0, "re-encoded record decodes");
            check(g_rec2.nvar == g_rec.nvar && g_rec2.usage == g_rec.usage + 1,
                  "re-encoded record keeps its variants");
        }
        uint32_t nw[TM_MAX_VARIANTS] = {0}, w1[TM_MAX_VARIANTS] = {0};
        uint64_t nh[TM_MAX_VARIANTS] = {0};
        jisr_buf_reset(&out);
        if (tm_rec_retoken(&g_rec, b, n, nw, w1, nh, &out) == 0) {
            check(tm_rec_decode(out.data, out.len, &g_rec2) == 0, "retokened record decodes");
            check(g_rec2.nvar == g_rec.nvar, "retokened record keeps its variants");
        }
        jisr_buf_free(&out);
    }
    free(b);
}

static void chunk(const uint8_t *p, size_t n)
{
    if (n < 12)
        return;
    uint8_t *b = malloc(n);
    if (!b)
        return;
    memcpy(b, p, n);
    MDB_val k = {12, b}, v = {n - 12, b + 12};
    uint32_t *ids = NULL;
    size_t nids = 0, cap = 0;
    int rc = tm_post_decode(&k, &v, &ids, &nids, &cap);
    check(rc == 0 || rc == JISR_EDB || rc == JISR_ENOMEM, "post_decode: 0 or an error");
    check(rc != 0 || nids <= v.mv_size + 1, "no more ids than the chunk can hold");
    free(ids);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        chunk(data + 1, size - 1);
    else
        record(data + 1, size - 1);
    return 0;
}
