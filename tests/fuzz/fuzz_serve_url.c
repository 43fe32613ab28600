/*
 * fuzz_serve_url.c — libFuzzer target for the server's URL/route parser (serve/route.c): the
 * first byte picks the method, the rest is the raw request target. Whatever the input, the
 * parse returns 0 or an HTTP status, and every decoded string it hands out is valid UTF-8
 * without NUL, the tmserver text at most SRV_TEXT_MAX characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_str(const char *s)
{
    if (s && !srv_utf8_valid(s, strlen(s)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET",    "HEAD",    "POST", "PUT",
                                          "DELETE", "OPTIONS", "PATCH"};
    if (size < 1)
        return 0;
    const char *method = methods[data[0] % 7];
    srv_route r;
    int rc = srv_route_parse(&r, method, (const char *)data + 1, size - 1);
    if (rc != 0 && rc != 400 && rc != 404 && rc != 405 && rc != 414)
        abort();
    if (rc == 0 || rc == 405) {
        check_str(r.sl);
        check_str(r.tl);
        check_str(r.text);
        if (r.text && r.id == SRV_R_TMS_UNIT) {
            if (strlen(r.text) != r.text_len)
                abort();
            size_t chars = 0;
            for (size_t i = 0; i < r.text_len; i++)
                chars += ((unsigned char)r.text[i] & 0xC0) != 0x80;
            if (chars > SRV_TEXT_MAX)
                abort();
        }
        for (size_t i = 0; i < r.nparams; i++) {
            check_str(r.params[i].key);
            check_str(r.params[i].val);
            if (strlen(r.params[i].val) != r.params[i].vlen)
                abort();
        }
        char out[64];
        if (r.sl && srv_lang_normalize(r.sl, out, sizeof out) == 0) {
            char w[64];
            srv_lang_weblate(out, w, sizeof w);
        }
        if (r.tl)
            srv_lang_normalize(r.tl, out, sizeof out);
        srv_param_get(&r, "q");
    } else if (!r.error) {
        abort();
    }
    srv_route_free(&r);
    return 0;
}
