/*
 * check.c — the one set of checks and limits of the unit model, so that what goes in always
 * comes out: every reader applies them to each unit it reads (TSV, Moses and JSONL through
 * jisr_unit_check; the TMX reader inline, as it streams, where XML itself already excludes what
 * the checks refuse), and every writer can then write any unit a reader accepted, in a file the
 * readers accept again.
 *
 * - Limits (the TMX reader's since the beginning): a segment, a prop or note value, an inline
 *   tag: 1 MiB; an attribute (tuid, language, dates …): 64 KiB; 4096 variants per unit, 4096
 *   props and 4096 notes per element, 6400 inline tags per segment.
 * - Characters: valid UTF-8 everywhere. U+000B (vertical tab: Word's manual line break) and
 *   U+000C (form feed: its page break) become a line feed; every other C0 control except tab,
 *   line feed and carriage return, and U+FFFE/U+FFFF, is refused with its position: XML 1.0
 *   cannot carry them at all (not even as character references), so a memory holding one could
 *   never be exported as TMX.
 * - Inline tags are TMX 1.4 inline markup (bpt ept it ph hi ut sub, each where tmx14.dtd allows
 *   it and with the attributes it declares and requires; no entity, no DOCTYPE, no processing
 *   instruction), at most 256 attributes per element, each within the attribute limit: the TMX
 *   writer re-checks with the same function before writing, so whatever is written is valid
 *   against the DTD. The TMX reader applies the same model (fmt_inline_*) as it streams, with
 *   the position of what is wrong, and warns when a <bpt> and an <ept> do not pair.
 * - Inline tags are spelt one way, the TMX reader's (fmt_tag_canon: references decoded and
 *   escaped again as the TMX writer escapes, attributes double-quoted, comments and CDATA
 *   markup gone), so the same native code is the same bytes whatever reader, the server or a
 *   query brought it: identity (the memory's duplicate detection) is byte-exact on them.
 * - Language tags are letters and digits in non-empty subtags joined by '-' or '_' (a space,
 *   a quote or a '<' is no language's): fmt_lang_chars_ok.
 * - Private-use characters (the placeholder range U+E000–U+F8FF): a code point U+E000+i is a
 *   placeholder when i < ntags and the character itself otherwise. Readers keep users' private-
 *   use characters as they are (Word's symbol fonts, the Apple logo), except one whose index
 *   would fall among the tags: that one is a placeholder whose tag is its character reference
 *   ("&#xE001;"), which jisr_variant_plain and every writer give back as the character. The
 *   canonical form is computed here, so the same text has the same representation whatever the
 *   file it came from (the memory's duplicate detection relies on it).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include "formats/formats_int.h"
#include "util/utf8.h"

/* ---- inline markup ------------------------------------------------------------------------ */

int fmt_seg_xml(jisr_buf *b, const jisr_variant *v)
{
    int rc;
    const char *s = v->text ? v->text : "";
    size_t n = strlen(s), start = 0;
    if ((rc = jisr_buf_puts(b, "<seg>")) < 0)
        return rc;
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0xEE) { /* fast path: not a lead byte of U+E000–U+FFFF */
            i++;
            continue;
        }
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0 || (size_t)t >= v->ntags || !v->tags[t]) {
            i++;
            continue;
        }
        if ((rc = fmt_xml_escape(b, s + start, i - start, 0)) < 0 ||
            (rc = jisr_buf_puts(b, v->tags[t])) < 0)
            return rc;
        i += 3;
        start = i;
    }
    if ((rc = fmt_xml_escape(b, s + start, n - start, 0)) < 0)
        return rc;
    return jisr_buf_puts(b, "</seg>");
}

static void quiet_error(void *ctx, const char *fmt, ...)
{
    (void)ctx;
    (void)fmt;
}

static void quiet_reader_error(void *arg, const char *msg, xmlParserSeverities severity,
                               xmlTextReaderLocatorPtr loc)
{
    (void)arg;
    (void)msg;
    (void)severity;
    (void)loc;
}

/* ---- TMX 1.4's inline content model (tmx14.dtd) -------------------------------------------- */

static const char *const il_names[] = {NULL, "seg", "bpt", "ept", "it", "ph", "hi", "ut", "sub"};

int fmt_inline_kind(const char *name)
{
    for (int k = FMT_IL_SEG; k <= FMT_IL_SUB; k++)
        if (name && strcmp(name, il_names[k]) == 0)
            return k;
    return FMT_IL_NONE;
}

const char *fmt_inline_name(int kind)
{
    return kind > FMT_IL_NONE && kind <= FMT_IL_SUB ? il_names[kind] : "?";
}

/* seg, hi and sub hold bpt ept it ph hi ut (and text); bpt ept it ph ut hold sub (and text) */
int fmt_inline_in(int parent, int child)
{
    if (child <= FMT_IL_SEG || child > FMT_IL_SUB)
        return 0;
    switch (parent) {
    case FMT_IL_SEG:
    case FMT_IL_HI:
    case FMT_IL_SUB:
        return child != FMT_IL_SUB;
    case FMT_IL_BPT:
    case FMT_IL_EPT:
    case FMT_IL_IT:
    case FMT_IL_PH:
    case FMT_IL_UT:
        return child == FMT_IL_SUB;
    default:
        return 0;
    }
}

/* the attributes the DTD declares, per kind */
static const char *const il_attrs[][4] = {
    [FMT_IL_SEG] = {NULL},
    [FMT_IL_BPT] = {"i", "x", "type", NULL},
    [FMT_IL_EPT] = {"i", NULL},
    [FMT_IL_IT] = {"pos", "x", "type", NULL},
    [FMT_IL_PH] = {"x", "assoc", "type", NULL},
    [FMT_IL_HI] = {"x", "type", NULL},
    [FMT_IL_UT] = {"x", NULL},
    [FMT_IL_SUB] = {"datatype", "type", NULL},
};

const char *fmt_inline_attr_list(int kind)
{
    static const char *const lists[] = {[FMT_IL_SEG] = "none",
                                        [FMT_IL_BPT] = "i (required), x, type",
                                        [FMT_IL_EPT] = "i (required)",
                                        [FMT_IL_IT] = "pos (required: begin or end), x, type",
                                        [FMT_IL_PH] = "x, assoc, type",
                                        [FMT_IL_HI] = "x, type",
                                        [FMT_IL_UT] = "x",
                                        [FMT_IL_SUB] = "datatype, type"};
    return kind > FMT_IL_NONE && kind <= FMT_IL_SUB ? lists[kind] : "none";
}

int fmt_inline_attr_ok(int kind, const char *name, const char *value, size_t n)
{
    if (kind <= FMT_IL_NONE || kind > FMT_IL_SUB || !name)
        return 0;
    for (int i = 0; il_attrs[kind][i]; i++) {
        if (strcmp(name, il_attrs[kind][i]) != 0)
            continue;
        if (kind == FMT_IL_IT && name[0] == 'p') /* pos: (begin|end) */
            return (n == 5 && memcmp(value, "begin", 5) == 0) ||
                   (n == 3 && memcmp(value, "end", 3) == 0);
        return 1;
    }
    return 0;
}

const char *fmt_inline_required(int kind)
{
    return kind == FMT_IL_BPT || kind == FMT_IL_EPT ? "i" : kind == FMT_IL_IT ? "pos" : NULL;
}

/* Tags normally come from our TMX reader, but a JSONL file or a library caller can hand us any
 * string: the segment is parsed back (as "<seg>…</seg>") so that no tag can break the file's
 * structure, smuggle in other elements or entities, exceed what the TMX reader accepts, or make
 * the TMX writer's output invalid against tmx14.dtd (each element where the DTD allows it, with
 * the attributes it declares and requires). */
int fmt_markup_ok(const char *xml, size_t n, char *why, size_t size)
{
    if (why && size)
        why[0] = '\0';
    if (n > INT32_MAX)
        return 0;
    xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)n, NULL, "UTF-8", XML_PARSE_NONET);
    if (!r)
        return 0;
    xmlGenericErrorFunc old = xmlGenericError;
    void *oldctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet_error);
    xmlTextReaderSetErrorHandler(r, quiet_reader_error, NULL);
    int rc, ok = 1;
    unsigned char kinds[JISR_DEPTH_MAX + 1]; /* the open elements' kinds, by depth */
    while (ok && (rc = xmlTextReaderRead(r)) == 1) {
        int ty = xmlTextReaderNodeType(r);
        if (ty == XML_READER_TYPE_ELEMENT) {
            const char *name = (const char *)xmlTextReaderConstName(r);
            int d = xmlTextReaderDepth(r), kind = fmt_inline_kind(name);
            if (d < 0 || d >= JISR_DEPTH_MAX || xmlTextReaderAttributeCount(r) > JISR_ATTRS_MAX ||
                (d == 0) != (kind == FMT_IL_SEG) || (d > 0 && !fmt_inline_in(kinds[d - 1], kind))) {
                if (why && size && kind && d > 0 && d < JISR_DEPTH_MAX)
                    snprintf(why, size, "<%s> inside <%s>, where TMX 1.4 does not allow it", name,
                             fmt_inline_name(kinds[d - 1]));
                else if (why && size && name)
                    snprintf(why, size, "<%.40s> is not TMX inline markup", name);
                ok = 0;
                break;
            }
            kinds[d] = (unsigned char)kind;
            const char *req = fmt_inline_required(kind);
            int has_req = !req;
            while (ok && xmlTextReaderMoveToNextAttribute(r) == 1) {
                const char *an = (const char *)xmlTextReaderConstName(r);
                const char *v = (const char *)xmlTextReaderConstValue(r);
                size_t vn = v ? strlen(v) : 0;
                ok = v && an && vn <= JISR_ATTR_MAX && fmt_inline_attr_ok(kind, an, v, vn);
                if (!ok && why && size && v && an && vn <= JISR_ATTR_MAX)
                    snprintf(why, size, "<%s %.40s=\"%.40s\">: TMX 1.4 declares %s on <%s>", name,
                             an, v, fmt_inline_attr_list(kind), name);
                has_req |= ok && req && strcmp(an, req) == 0;
            }
            if (ok && !has_req) {
                if (why && size)
                    snprintf(why, size, "<%s> without its required attribute %s", name, req);
                ok = 0;
            }
        } else if (ty == XML_READER_TYPE_ENTITY_REFERENCE || ty == XML_READER_TYPE_DOCUMENT_TYPE ||
                   ty == XML_READER_TYPE_PROCESSING_INSTRUCTION) {
            ok = 0;
        }
    }
    if (ok && rc != 0)
        ok = 0;
    xmlFreeTextReader(r);
    xmlSetGenericErrorFunc(oldctx, old);
    return ok;
}

/* ---- private-use characters ------------------------------------------------------------- */

static int is_pua(unsigned c)
{
    return c >= JISR_TAG_BASE && c < JISR_TAG_BASE + JISR_TAG_MAX;
}

int fmt_variant_canon_pua(jisr_variant *v)
{
    char *s = v->text;
    if (!s)
        return 0;
    size_t n = strlen(s);
    /* what each placeholder-range occurrence stands for: a markup tag, or a literal character
     * (a raw one, or one already held by a "&#x…;" tag) */
    size_t nocc = 0, m = 0;
    int change = 0;
    for (size_t t = 0; t < v->ntags; t++) {
        unsigned c = fmt_literal_char(v->tags[t]);
        if (is_pua(c))
            change = 1; /* a literal tag that may become its character again */
        else
            m++;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0xEE)
            continue;
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0)
            continue;
        nocc++;
        i += 2;
    }
    /* without a literal tag nothing can move: a raw character's index is >= ntags = m, and
     * the count of tags cannot grow */
    if (!change)
        return 0;

    /* each occurrence: markup tag index (>= 0) or -(character + 1) */
    long *occ = malloc((nocc ? nocc : 1) * sizeof *occ);
    size_t *newidx = malloc((v->ntags ? v->ntags : 1) * sizeof *newidx);
    char **tags = NULL;
    size_t ntags = 0, captags = 0;
    int rc = 0;
    if (!occ || !newidx) {
        rc = jisr_oom(0);
        goto done;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0xEE)
            continue;
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0)
            continue;
        unsigned c = (size_t)t < v->ntags ? fmt_literal_char(v->tags[t]) : JISR_TAG_BASE + t;
        occ[k++] = (size_t)t < v->ntags && !is_pua(c) ? t : -(long)c - 1;
        i += 2;
    }
    /* markup tags keep their relative order; a literal character stays a placeholder only when
     * its own index falls below the final number of tags (a fixpoint: each such placeholder
     * raises the count) */
    size_t total = m, lit_tags;
    for (;;) {
        lit_tags = 0;
        for (k = 0; k < nocc; k++)
            if (occ[k] < 0 && (size_t)(-occ[k] - 1) - JISR_TAG_BASE < total)
                lit_tags++;
        if (m + lit_tags == total)
            break;
        total = m + lit_tags;
    }
    if (total > JISR_TAG_MAX) {
        rc = jisr_error_set(JISR_ETOOBIG, NULL, 0, 0, "more than %u inline tags in one segment",
                            JISR_TAG_MAX);
        goto done;
    }
    for (size_t t = 0, j = 0; t < v->ntags; t++)
        newidx[t] = is_pua(fmt_literal_char(v->tags[t])) ? (size_t)-1 : j++;
    if ((rc = JISR_GROW(tags, captags, total ? total : 1)) < 0)
        goto done;
    for (size_t t = 0; t < v->ntags; t++)
        if (newidx[t] != (size_t)-1) {
            tags[ntags++] = v->tags[t];
            v->tags[t] = NULL;
        }
    /* rewrite the text in place: every code point of the range is three bytes */
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0xEE)
            continue;
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0)
            continue;
        unsigned cp;
        if (occ[k] >= 0) {
            cp = JISR_TAG_BASE + (unsigned)newidx[occ[k]];
        } else {
            unsigned c = (unsigned)(-occ[k] - 1);
            cp = c;
            if (c - JISR_TAG_BASE < total) { /* must stay a placeholder */
                char ref[16];
                snprintf(ref, sizeof ref, "&#x%X;", c);
                if (!(tags[ntags] = jisr_strdup(ref))) {
                    rc = JISR_ENOMEM;
                    goto done;
                }
                cp = JISR_TAG_BASE + (unsigned)ntags++;
            }
        }
        k++;
        s[i] = (char)(0xE0 | (cp >> 12));
        s[i + 1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[i + 2] = (char)(0x80 | (cp & 0x3F));
        i += 2;
    }
    for (size_t t = 0; t < v->ntags; t++)
        free(v->tags[t]);
    free(v->tags);
    v->tags = tags;
    v->ntags = ntags;
    tags = NULL;
done:
    if (tags) {
        for (size_t t = 0; t < ntags; t++)
            free(tags[t]);
        free(tags);
    }
    free(occ);
    free(newidx);
    return rc;
}

/* ---- characters and lengths ------------------------------------------------------------- */

typedef struct checker {
    const jisr_unit *u;
    const char *name;
} checker;

/* What a checked string is, for messages: pre, then up to 60 bytes of arg (a language tag or
 * "the unit"/"a variant"; may be NULL), then post. Built only when a check fails: the checks
 * run on every unit every reader reads. */
typedef struct what {
    const char *pre, *arg, *post;
} what;

static const char *what_text(char *buf, size_t n, what w)
{
    snprintf(buf, n, "%s%.60s%s", w.pre, w.arg ? w.arg : "", w.post ? w.post : "");
    return buf;
}

/* Check (and map, in place) one string: UTF-8, control characters, its length limit. w names
 * it in the message ("the en text", "a prop value" …). */
static int check_string(const checker *ck, char *s, size_t max, what w)
{
    if (!s)
        return 0;
    char label[128];
    size_t n = strlen(s);
    if (n > max)
        return jisr_error_set(JISR_ETOOBIG, ck->name, ck->u->line, ck->u->col,
                              "%s is longer than %zu %s (the limit of every reader)",
                              what_text(label, sizeof label, w),
                              max >= (1u << 20) ? max >> 20 : max >> 10,
                              max >= (1u << 20) ? "MiB" : "KiB");
    const unsigned char *p = (const unsigned char *)s;
    size_t chars = 0;
    for (size_t i = 0, len; i < n; i += len, chars++) {
        unsigned c = p[i];
        len = 1;
        if (c >= 0x20 && c < 0x80)
            continue;
        if (c < 0x20) {
            if (c == '\t' || c == '\n' || c == '\r')
                continue;
            if (c == 0x0B || c == 0x0C) { /* Word's line and page breaks */
                s[i] = '\n';
                continue;
            }
            return jisr_error_set(JISR_EENCODING, ck->name, ck->u->line, ck->u->col,
                                  "%s holds the control character U+%04X (character %zu), "
                                  "which TMX cannot carry",
                                  what_text(label, sizeof label, w), c, chars + 1);
        }
        if (c < 0x80)
            continue;
        int32_t cp = jisr_utf8_decode(p, n, i, &len);
        if (cp < 0)
            return jisr_error_set(JISR_EENCODING, ck->name, ck->u->line, ck->u->col,
                                  "%s is not valid UTF-8 (byte %zu)",
                                  what_text(label, sizeof label, w), i + 1);
        if (cp == 0xFFFE || cp == 0xFFFF)
            return jisr_error_set(JISR_EENCODING, ck->name, ck->u->line, ck->u->col,
                                  "%s holds the noncharacter U+%04X (character %zu), which "
                                  "TMX cannot carry",
                                  what_text(label, sizeof label, w), (unsigned)cp, chars + 1);
    }
    return 0;
}

unsigned jisr_xml_bad_char(const char *s, size_t *at)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t chars = 0;
    for (size_t i = 0; p[i]; i++) {
        chars += (p[i] & 0xC0) != 0x80;
        if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r') {
            if (at)
                *at = chars;
            return p[i];
        }
        if (p[i] == 0xEF && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
            if (at)
                *at = chars;
            return p[i + 2] == 0xBE ? 0xFFFE : 0xFFFF;
        }
    }
    return 0;
}

static int check_meta(const checker *ck, jisr_meta *m, const char *where)
{
    int rc;
    for (size_t i = 0; i < JISR_META_STRINGS; i++)
        if ((rc = check_string(ck, *jisr_meta_string(m, i), JISR_ATTR_MAX,
                               (what){"an attribute of ", where, NULL})) < 0)
            return rc;
    if (m->nprops > JISR_PROPS_MAX || m->nnotes > JISR_PROPS_MAX)
        return jisr_error_set(JISR_ETOOBIG, ck->name, ck->u->line, ck->u->col,
                              "more than %d props or notes on %s", JISR_PROPS_MAX, where);
    for (int notes = 0; notes < 2; notes++) {
        jisr_prop *p = notes ? m->notes : m->props;
        size_t np = notes ? m->nnotes : m->nprops;
        what w = {notes ? "a note of " : "a prop of ", where, NULL};
        for (size_t i = 0; i < np; i++)
            if ((rc = check_string(ck, p[i].type, JISR_ATTR_MAX, w)) < 0 ||
                (rc = check_string(ck, p[i].lang, JISR_ATTR_MAX, w)) < 0 ||
                (rc = check_string(ck, p[i].value, JISR_SEG_MAX, w)) < 0)
                return rc;
    }
    return 0;
}

/* Each inline tag of v stands for the one placeholder U+E000+i of its text: a tag its text
 * does not hold, or holds twice, would be dropped or doubled by every writer. */
static int check_tag_use(const checker *ck, const jisr_variant *v)
{
    const char *s = v->text ? v->text : "";
    size_t n = strlen(s);
    unsigned char *uses = calloc(v->ntags, 1);
    if (!uses)
        return jisr_oom(v->ntags);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] < 0xEE)
            continue;
        long t = fmt_placeholder_at(s, n, i);
        if (t < 0)
            continue;
        if ((size_t)t < v->ntags && uses[t] < 2)
            uses[t]++;
        i += 2;
    }
    int rc = 0;
    for (size_t t = 0; t < v->ntags && rc == 0; t++) {
        if (uses[t] == 1)
            continue;
        const char *tag = v->tags[t] ? v->tags[t] : "";
        rc = jisr_error_set(JISR_EPARSE, ck->name, ck->u->line, ck->u->col,
                            "the %.60s text %s U+%04X, the placeholder of its inline tag %zu "
                            "(%.60s%s)%s: each tag (tags[i]) stands for one placeholder U+E000+i "
                            "in the text",
                            v->lang, uses[t] ? "holds" : "does not hold",
                            (unsigned)(JISR_TAG_BASE + t), t + 1, tag, strlen(tag) > 60 ? "…" : "",
                            uses[t] ? " more than once" : "");
    }
    free(uses);
    return rc;
}

int jisr_unit_check(jisr_unit *u, const char *name)
{
    int rc;
    if (!u)
        return jisr_null_arg("jisr_unit_check", "u");
    checker ck = {u, name ? name : ""};
    if (u->nvariants > JISR_VARIANTS_MAX)
        return jisr_error_set(JISR_ETOOBIG, ck.name, u->line, u->col,
                              "more than %d variants in one unit", JISR_VARIANTS_MAX);
    if ((rc = check_string(&ck, u->tuid, JISR_ATTR_MAX, (what){"the tuid", NULL, NULL})) < 0 ||
        (rc = check_string(&ck, u->srclang, JISR_ATTR_MAX, (what){"the srclang", NULL, NULL})) <
            0 ||
        (rc = check_meta(&ck, &u->meta, "the unit")) < 0)
        return rc;
    jisr_buf seg = {0};
    for (size_t i = 0; i < u->nvariants; i++) {
        jisr_variant *v = &u->variants[i];
        if (!v->lang || !v->lang[0]) {
            rc = jisr_error_set(JISR_EPARSE, ck.name, u->line, u->col,
                                "variant %zu has no language", i + 1);
            break;
        }
        if (!fmt_lang_chars_ok(v->lang)) {
            rc = jisr_error_set(JISR_EPARSE, ck.name, u->line, u->col,
                                "variant %zu: '%.60s' is not a language tag (letters and digits "
                                "in subtags joined by '-', as in en-GB)",
                                i + 1, v->lang);
            break;
        }
        if ((rc = check_string(&ck, v->lang, JISR_ATTR_MAX, (what){"a language tag", NULL, NULL})) <
                0 ||
            (rc = check_string(&ck, v->text, JISR_SEG_MAX, (what){"the ", v->lang, " text"})) < 0 ||
            (rc = check_meta(&ck, &v->meta, "a variant")) < 0)
            break;
        if (v->ntags > JISR_TAG_MAX) {
            rc =
                jisr_error_set(JISR_ETOOBIG, ck.name, u->line, u->col,
                               "more than %u inline tags in the %s segment", JISR_TAG_MAX, v->lang);
            break;
        }
        for (size_t t = 0; t < v->ntags && rc == 0; t++)
            rc = check_string(&ck, v->tags[t], JISR_SEG_MAX,
                              (what){"an inline tag of the ", v->lang, " text"});
        if (rc < 0 || (v->ntags && (rc = check_tag_use(&ck, v)) < 0))
            break;
        if ((rc = fmt_variant_canon_pua(v)) < 0) {
            jisr_error_set(rc, ck.name, u->line, u->col, "%s", jisr_error_last()->msg);
            break;
        }
        if (v->ntags) {
            jisr_buf_reset(&seg);
            if ((rc = fmt_seg_xml(&seg, v)) < 0)
                break;
            char why[256];
            if (!fmt_markup_ok(seg.data, seg.len, why, sizeof why)) {
                rc = jisr_error_set(JISR_EPARSE, ck.name, u->line, u->col,
                                    "the inline tags of the %s segment are not TMX 1.4 inline "
                                    "markup%s%s (bpt ept it ph hi ut sub, where and with the "
                                    "attributes tmx14.dtd allows; at most %d attributes of %d "
                                    "KiB each)",
                                    v->lang, why[0] ? ": " : "", why, JISR_ATTRS_MAX,
                                    JISR_ATTR_MAX >> 10);
                break;
            }
            /* each tag in its canonical spelling, the TMX reader's (fmt_tag_canon) */
            for (size_t t = 0; t < v->ntags && rc == 0; t++) {
                const char *tag = v->tags[t] ? v->tags[t] : "";
                if ((rc = fmt_tag_canon(tag, strlen(tag), &seg)) <= 0)
                    continue;
                rc = 0;
                if (seg.len > JISR_SEG_MAX)
                    rc = jisr_error_set(JISR_ETOOBIG, ck.name, u->line, u->col,
                                        "an inline tag of the %.60s text is longer than 1 MiB "
                                        "(escaped as TMX writes it)",
                                        v->lang);
                else {
                    char *d = jisr_strdup(seg.data ? seg.data : "");
                    if (!d)
                        rc = JISR_ENOMEM;
                    else {
                        free(v->tags[t]);
                        v->tags[t] = d;
                    }
                }
            }
            if (rc < 0)
                break;
        }
    }
    jisr_buf_free(&seg);
    return rc;
}
