/*
 * fuzz_srx.c — arbitrary bytes as an SRX document; when they compile, the rules split a fixed
 * mixed Arabic/English text (so rule evaluation, window mode and the atom filters run too).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
    "Dr. Smith met Mr. Jones in the U.S. yesterday. It rained! Did it? Yes... 3.5 km.\n"
    "قال د. أحمد: «وصلنا.» ثم غادر؟! انظر https://example.com/a?b=1 أو a.b@c.org. ١. أولاً ٢. ثانياً";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *langs[] = {"en", "ar", "fr"};
    jisr_spans sp = {0};
    for (int k = 0; k < 3; k++) {
        jisr_segmenter *seg = NULL;
        if (jisr_segmenter_new_srx_memory(&seg, langs[k], (const char *)data, size, "fuzz.srx") < 0)
            continue;
        if (jisr_segmenter_split(seg, sample, strlen(sample), &sp) == 0) {
            size_t prev = 0;
            for (size_t i = 0; i < sp.n; i++) {
                if (sp.v[i].start < prev || sp.v[i].end <= sp.v[i].start ||
                    sp.v[i].end > strlen(sample))
                    abort();
                prev = sp.v[i].end;
            }
        }
        jisr_segmenter_free(seg);
    }
    jisr_spans_free(&sp);
    return 0;
}
