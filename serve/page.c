/*
 * page.c — the search page, compiled into the binary (the files of serve/page/, turned into C
 * arrays by cmake/embed.cmake): nothing is ever read from the file system, no CDN, no framework.
 */
#include <string.h>

#include "serve/server.h"
#include "serve_page_index_html.h"
#include "serve_page_page_css.h"
#include "serve_page_page_js.h"

const unsigned char *srv_page_get(const char *name, size_t *n, const char **ctype)
{
    if (!name[0] || strcmp(name, "index.html") == 0) {
        *n = serve_page_index_html_len;
        *ctype = "text/html; charset=utf-8";
        return serve_page_index_html;
    }
    if (strcmp(name, "page.css") == 0) {
        *n = serve_page_page_css_len;
        *ctype = "text/css; charset=utf-8";
        return serve_page_page_css;
    }
    if (strcmp(name, "page.js") == 0) {
        *n = serve_page_page_js_len;
        *ctype = "text/javascript; charset=utf-8";
        return serve_page_page_js;
    }
    return NULL;
}
