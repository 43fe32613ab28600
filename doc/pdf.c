/*
 * pdf.c — PDF through poppler's pdftotext, run as a subprocess: `pdftotext -enc UTF-8 -eol unix
 * FILE -`. Never -raw: it keeps the content stream's order, which reverses the words of Arabic
 * lines; the default (reading order) mode gives logical order. pdftotext brackets right-to-left
 * runs with directional embeddings (U+202A–U+202E) and isolates (U+2066–U+2069): they are
 * stripped. Arabic text extracted from a PDF may still carry ligatures split or reordered (a
 * lam-alef drawn as one glyph), so a warning says so whenever the text holds Arabic letters.
 *
 * When pdftotext is not installed the document is refused with JISR_EUNSUPPORTED and a message
 * saying how to install it (callers that read many files skip it). The child's output is
 * bounded (opts.max_bytes) and so is its time (DOC_PDF_TIMEOUT seconds): past either it is
 * killed and the file refused. A buffer is written to a private temporary file first.
 *
 * Paragraphs: pdftotext separates pages with a form feed and blocks of text with blank lines;
 * each block is a paragraph (its lines joined by single newlines) with its page number.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "doc/doc_int.h"
#include "util/utf8.h"

#define DOC_PDF_TIMEOUT 300

extern char **environ;

/* The program's path when it can be run: prog itself when it has a '/', else through PATH. */
static int find_program(const char *prog, char *out, size_t outsz)
{
    if (strchr(prog, '/')) {
        snprintf(out, outsz, "%s", prog);
        return access(prog, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, outsz, "%.*s/%s", (int)n, n ? path : ".", prog);
        if (access(out, X_OK) == 0)
            return 1;
        path += n + (colon ? 1 : 0);
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run pdftotext on path; its standard output into out. */
static int run(jisr_doc *d, const char *path, jisr_buf *out)
{
    char prog[4096];
    if (!find_program(d->pdftotext, prog, sizeof prog))
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0,
                         "cannot read PDF: %s is not installed (Debian: apt-get install "
                         "poppler-utils); skipped",
                         d->pdftotext);
    int po[2] = {-1, -1}, pe[2] = {-1, -1};
    if (pipe(po) < 0 || pipe(pe) < 0) {
        int e = errno;
        if (po[0] >= 0) {
            close(po[0]);
            close(po[1]);
        }
        return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot run pdftotext: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, po[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
    posix_spawn_file_actions_addclose(&fa, po[0]);
    posix_spawn_file_actions_addclose(&fa, pe[0]);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    char *argv[] = {prog, "-enc", "UTF-8", "-eol", "unix", (char *)path, "-", NULL};
    pid_t pid;
    int src = posix_spawn(&pid, prog, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(po[1]);
    close(pe[1]);
    if (src != 0) {
        close(po[0]);
        close(pe[0]);
        return doc_error(d, JISR_EUNSUPPORTED, NULL, 0, 0, "cannot run %s: %s; PDF skipped", prog,
                         strerror(src));
    }
    char errbuf[1024];
    size_t nerr = 0;
    int rc = 0, open_o = 1, open_e = 1;
    double start = now();
    while ((open_o || open_e) && rc == 0) {
        struct pollfd fds[2] = {{po[0], POLLIN, 0}, {pe[0], POLLIN, 0}};
        if (!open_o)
            fds[0].fd = -1;
        if (!open_e)
            fds[1].fd = -1;
        int pr = poll(fds, 2, 1000);
        if (pr < 0 && errno != EINTR) {
            rc = doc_error(d, JISR_EIO, NULL, 0, 0, "poll: %s", strerror(errno));
            break;
        }
        if (now() - start > DOC_PDF_TIMEOUT) {
            rc = doc_error(d, JISR_ETOOBIG, NULL, 0, 0,
                           "pdftotext took more than %d s: stopped, PDF refused", DOC_PDF_TIMEOUT);
            break;
        }
        if (pr <= 0)
            continue;
        if (open_o && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (jisr_buf_reserve(out, 65536) < 0) {
                rc = doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            ssize_t g = read(po[0], out->data + out->len, 65536);
            if (g > 0) {
                out->len += (size_t)g;
                out->data[out->len] = '\0';
                if (out->len > d->opts.max_bytes)
                    rc = doc_error(d, JISR_ETOOBIG, NULL, 0, 0,
                                   "pdftotext printed more than %llu bytes: PDF refused",
                                   (unsigned long long)d->opts.max_bytes);
            } else if (g == 0 || errno != EINTR) {
                open_o = 0;
            }
        }
        if (open_e && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            char tmp[512];
            ssize_t g = read(pe[0], tmp, sizeof tmp);
            if (g > 0) {
                size_t k =
                    (size_t)g < sizeof errbuf - 1 - nerr ? (size_t)g : sizeof errbuf - 1 - nerr;
                memcpy(errbuf + nerr, tmp, k);
                nerr += k;
            } else if (g == 0 || errno != EINTR) {
                open_e = 0;
            }
        }
    }
    errbuf[nerr] = '\0';
    close(po[0]);
    close(pe[0]);
    int status = 0;
    if (rc < 0)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc < 0)
        return rc;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char *nl = strchr(errbuf, '\n');
        if (nl)
            *nl = '\0';
        return doc_error(d, JISR_EPARSE, NULL, 0, 0, "pdftotext failed (%s %d)%s%s",
                         WIFEXITED(status) ? "exit status" : "signal",
                         WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                         errbuf[0] ? ": " : "", errbuf);
    }
    return 0;
}

int doc_pdf_text(jisr_doc *d, const char *text, size_t n)
{
    /* strip the directional controls, keep valid UTF-8 (U+FFFD for anything else) */
    jisr_buf b = {0};
    int rc = jisr_buf_reserve(&b, n);
    int arabic = 0;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0, len; rc == 0 && i < n; i += len) {
        int32_t c = jisr_utf8_decode(s, n, i, &len);
        if (c == 0)
            continue;
        if (c < 0) {
            d->replaced++;
            rc = jisr_buf_puts(&b, "\xEF\xBF\xBD");
            continue;
        }
        if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
            continue;
        if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
            (c >= 0xFE70 && c <= 0xFEFF))
            arabic = 1;
        rc = jisr_buf_append(&b, text + i, len);
    }
    if (rc < 0) {
        jisr_buf_free(&b);
        return doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (arabic)
        doc_warn(d, NULL, 0,
                 "Arabic text extracted from a PDF: ligatures (lam-alef …) may come out split "
                 "or reordered; check the paragraphs");
    /* blocks between blank lines (or page breaks) are paragraphs */
    const char *p = b.data ? b.data : "", *end = p + b.len;
    unsigned long page = 1, line = 1;
    jisr_buf para = {0};
    unsigned long pline = 0, ppage = 1;
    while (rc == 0 && p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        /* form feeds start pages */
        const char *q = p;
        int ff = 0;
        while (q < e && *q == '\f') {
            q++;
            ff++;
        }
        int blank = 1;
        for (const char *k = q; k < e; k++)
            if (*k != ' ' && *k != '\t' && *k != '\r' && *k != '\f')
                blank = 0;
        if ((blank || ff) && para.len) {
            rc = doc_add(d, para.data, para.len, JISR_PARA_BODY, 0, JISR_DIR_NONE, NULL, NULL, NULL,
                         pline, 1);
            if (rc == 0 && d->npara)
                d->paras[d->npara - 1].page = ppage;
            jisr_buf_reset(&para);
        }
        page += (unsigned long)ff;
        if (!blank) {
            if (!para.len) {
                pline = line;
                ppage = page;
            } else if (jisr_buf_putc(&para, '\n') < 0) {
                rc = JISR_ENOMEM;
            }
            if (rc == 0 && jisr_buf_append(&para, q, (size_t)(e - q)) < 0)
                rc = JISR_ENOMEM;
            if (rc == 0 && para.len > d->opts.max_para)
                rc = doc_error(d, JISR_ETOOBIG, NULL, pline, 0,
                               "paragraph longer than the limit of %zu bytes", d->opts.max_para);
        }
        line++;
        if (!nl)
            break;
        p = nl + 1;
    }
    if (rc == 0 && para.len) {
        rc = doc_add(d, para.data, para.len, JISR_PARA_BODY, 0, JISR_DIR_NONE, NULL, NULL, NULL,
                     pline, 1);
        if (rc == 0 && d->npara)
            d->paras[d->npara - 1].page = ppage;
    }
    if (rc == JISR_ENOMEM && !d->err)
        rc = doc_error(d, JISR_ENOMEM, NULL, 0, 0, "out of memory");
    jisr_buf_free(&para);
    jisr_buf_free(&b);
    return rc;
}

int doc_pdf_read(jisr_doc *d, const char *path, const void *data, size_t n)
{
    char tmp[4096] = "";
    int rc = 0;
    if (!path) {
        const char *dir = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/jisr-pdf-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(tmp);
        if (fd < 0)
            return doc_error(d, JISR_EIO, NULL, 0, 0, "cannot create a temporary file: %s",
                             strerror(errno));
        const char *p = data;
        size_t left = n;
        while (left) {
            ssize_t w = write(fd, p, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                rc = doc_error(d, JISR_EIO, NULL, 0, 0, "cannot write a temporary file: %s",
                               strerror(errno));
                break;
            }
            p += w;
            left -= (size_t)w;
        }
        close(fd);
        path = tmp;
    }
    jisr_buf out = {0};
    if (rc == 0)
        rc = run(d, path, &out);
    if (tmp[0])
        unlink(tmp);
    if (rc == 0)
        rc = doc_pdf_text(d, out.data ? out.data : "", out.len);
    jisr_buf_free(&out);
    return rc;
}
