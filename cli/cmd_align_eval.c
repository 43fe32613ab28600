/*
 * cmd_align_eval.c — `jisr align-eval`: strict and lax precision, recall and F1 of alignments
 * against gold alignments, exactly as vecalign's score.py computes them (counts summed over all
 * documents before dividing). The scoring lives in the align layer; this file reads files.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align.h"
#include "cli/cli.h"
#include "util/plural.h"

const char cmd_align_eval_help[] =
    "Usage: jisr align-eval [--json] GOLD TEST\n"
    "       jisr align-eval [--json] [--ext EXT] --list LIST --dir DIR\n"
    "\n"
    "Score sentence alignments against gold alignments with the strict and lax precision,\n"
    "recall and F1 of vecalign's score.py (Thompson & Koehn 2019). Both files are ladders,\n"
    "one bead per line: [0]:[0]  [1,2]:[1]  [3]:[]  (0-based sentence indices; a third\n"
    "':score' field is ignored). A test bead is a strict hit when it equals a gold bead and a\n"
    "lax hit when it shares a source and a target sentence with one; precision is over all\n"
    "test beads, recall over the gold beads that are not 0-1/1-0. With --list, the counts of\n"
    "all documents are summed before dividing.\n"
    "\n"
    "Options:\n"
    "  -l, --list LIST   a list of documents: rows id<TAB>src<TAB>tgt<TAB>GOLD[<TAB>...] (the\n"
    "                    lists of bible-ar-en/align) or id<TAB>GOLD; GOLD is relative to\n"
    "                    LIST's directory\n"
    "  -d, --dir DIR     where the test ladders are: DIR/ID.EXT (what `jisr align --batch LIST\n"
    "                    --out-dir DIR -f ladder` writes)\n"
    "  -e, --ext EXT     extension of the test ladders (default: ladder)\n"
    "      --json        print one JSON object instead of the table\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 on success, 1 on an error (unreadable or malformed ladder), 2 on bad\n"
    "usage.\n"
    "\n"
    "Examples:\n"
    "  jisr align -s ar -t en --presegmented -f ladder -o test.ladder doc.ar doc.en\n"
    "  jisr align-eval doc.gold test.ladder\n"
    "  jisr align --presegmented -f ladder --batch dev.list --out-dir out/\n"
    "  jisr align-eval --list dev.list --dir out/\n";

static void print_scores(const jisr_align_counts *c, size_t docs, int json)
{
    jisr_align_scores s;
    jisr_align_score_finish(c, &s);
    if (json) {
        printf("{\"documents\":%zu,\"precision_strict\":%.6f,\"recall_strict\":%.6f,"
               "\"f1_strict\":%.6f,\"precision_lax\":%.6f,\"recall_lax\":%.6f,\"f1_lax\":%.6f,"
               "\"test_beads\":%llu,\"gold_beads\":%llu}\n",
               docs, s.p_strict, s.r_strict, s.f_strict, s.p_lax, s.r_lax, s.f_lax,
               (unsigned long long)(c->p_strict_hit + c->p_strict_miss),
               (unsigned long long)(c->r_strict_hit + c->r_strict_miss));
        return;
    }
    printf("             strict      lax\n");
    printf("precision    %.4f   %.4f\n", s.p_strict, s.p_lax);
    printf("recall       %.4f   %.4f\n", s.r_strict, s.r_lax);
    printf("F1           %.4f   %.4f\n", s.f_strict, s.f_lax);
    unsigned long long test = c->p_strict_hit + c->p_strict_miss,
                       gold = c->r_strict_hit + c->r_strict_miss;
    printf("%zu %s, %llu test %s, %llu gold %s (without 0-1/1-0)\n", docs,
           jisr_plural(docs, "document", "documents"), test, jisr_plural(test, "bead", "beads"),
           gold, jisr_plural(gold, "bead", "beads"));
}

static int score_pair(jisr_align_counts *c, const char *gold, const char *test)
{
    jisr_ladder g = {0}, t = {0};
    int rc;
    if ((rc = jisr_ladder_read(&g, gold)) == 0 && (rc = jisr_ladder_read(&t, test)) == 0)
        rc = jisr_align_score_add(c, &g, &t);
    jisr_ladder_free(&g);
    jisr_ladder_free(&t);
    return rc;
}

int cmd_align_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"list", required_argument, NULL, 'l'}, {"dir", required_argument, NULL, 'd'},
        {"ext", required_argument, NULL, 'e'},  {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *list = NULL, *dir = NULL, *ext = "ladder";
    int json = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:d:e:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            list = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
        case 'e':
            ext = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'h':
            return cli_help("align-eval");
        default: /* ':' or '?' */
            return cli_option_error("align-eval", c, argv);
        }
    }
    jisr_align_counts counts = {0};
    int rc = 0;
    if (list || dir) {
        if (!list || !dir)
            return cli_usage_error("align-eval", "--list and --dir go together");
        if (optind != argc)
            return cli_usage_error("align-eval", "no GOLD/TEST files with --list");
        jisr_align_list l;
        if ((rc = jisr_align_list_read(&l, list, 2, 0)) < 0)
            return cli_error(rc);
        for (size_t i = 0; rc == 0 && i < l.n; i++) {
            const jisr_align_list_row *r = &l.rows[i];
            char *gold = jisr_align_list_path(&l, r->f[r->n >= 4 ? 3 : 1]);
            jisr_buf test = {0};
            jisr_buf_printf(&test, "%s/%s.%s", dir, r->f[0], ext);
            rc = gold && test.data ? score_pair(&counts, gold, test.data) : JISR_ENOMEM;
            free(gold);
            jisr_buf_free(&test);
        }
        size_t n = l.n;
        jisr_align_list_free(&l);
        if (rc < 0)
            return cli_error(rc);
        print_scores(&counts, n, json);
        return CLI_OK;
    }
    if (argc - optind != 2)
        return cli_usage_error("align-eval", "expected GOLD and TEST ladder files");
    if ((rc = score_pair(&counts, argv[optind], argv[optind + 1])) < 0)
        return cli_error(rc);
    print_scores(&counts, 1, json);
    return CLI_OK;
}
