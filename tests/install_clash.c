/*
 * install_clash.c — a program linked with the installed static libjisr.a that has functions and
 * variables of its own named like libjisr's internals (tm_distance, doc_error, cmap_find …: names
 * a C program may well use). libjisr.a exports only its jisr_ API (its internals are local
 * symbols of one relocatable object), so this links; with the internals global it failed with
 * "multiple definition of `tm_distance'". The library must still call its own tm_distance:
 * jisr_tm_score_texts scores as the matcher does.
 *
 * usage: install_clash; prints "ok" and exits 0 when all is as expected.
 */
#include <stdio.h>
#include <string.h>

#include <jisr/jisr.h>

/* the program's own, unrelated to the library's functions and variables of these names */
int tm_distance(const char *a, const char *b);
void doc_error(const char *msg);
int cmap_find(int x);
double al_aligner_params(void);
int jisr_u64set_add(int x);
extern int corpus_pair;
extern int txt_norm_force_icu;

int tm_distance(const char *a, const char *b)
{
    return (int)(strlen(a) + strlen(b)) + 1000;
}

void doc_error(const char *msg)
{
    fprintf(stderr, "install_clash: %s\n", msg);
}

int cmap_find(int x)
{
    return x + 1;
}

double al_aligner_params(void)
{
    return 1.5;
}

int jisr_u64set_add(int x) /* an internal of libjisr's despite its prefix */
{
    return 2 * x;
}

int corpus_pair = 7;
int txt_norm_force_icu = 9;

int main(void)
{
    int same = -1, near = -1;
    if (jisr_tm_score_texts("The file was saved.", "The file was saved.", &same) != 0 ||
        jisr_tm_score_texts("The file was saved.", "The file was deleted.", &near) != 0) {
        doc_error("jisr_tm_score_texts failed");
        return 1;
    }
    if (same != 100 || near <= 0 || near >= 100) {
        fprintf(stderr, "install_clash: scores %d and %d (100 and between)\n", same, near);
        return 1;
    }
    jisr_buf b = {0};
    if (jisr_text_normalize("Ｆｉｌｅ", strlen("Ｆｉｌｅ"), JISR_NORM_MATCH, &b) != 0 ||
        strcmp(b.data, "file") != 0) {
        fprintf(stderr, "install_clash: normalised to '%s'\n", b.data ? b.data : "");
        return 1;
    }
    jisr_buf_free(&b);
    if (tm_distance("a", "b") != 1002 || cmap_find(1) != 2 || al_aligner_params() != 1.5 ||
        jisr_u64set_add(4) != 8 || corpus_pair != 7 || txt_norm_force_icu != 9) {
        doc_error("the program's own functions and variables are not its own");
        return 1;
    }
    printf("ok\n");
    return 0;
}
