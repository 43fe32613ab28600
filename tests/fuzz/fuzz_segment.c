/*
 * fuzz_segment.c — arbitrary bytes as one paragraph, split by the Arabic and the English
 * segmenter; every span must lie inside the input, in order and non-empty.
 */
#include <stdint.h>
#include <stdlib.h>

#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jisr_segmenter *seg[2];
    static jisr_spans sp;
    if (!seg[0] && (jisr_segmenter_new(&seg[0], "ar", NULL) < 0 ||
                    jisr_segmenter_new(&seg[1], "en", NULL) < 0))
        abort();
    for (int k = 0; k < 2; k++) {
        if (jisr_segmenter_split(seg[k], (const char *)data, size, &sp) < 0)
            continue;
        size_t prev = 0;
        for (size_t i = 0; i < sp.n; i++) {
            if (sp.v[i].start < prev || sp.v[i].end <= sp.v[i].start || sp.v[i].end > size)
                abort();
            prev = sp.v[i].end;
        }
    }
    return 0;
}
