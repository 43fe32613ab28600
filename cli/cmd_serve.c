/*
 * cmd_serve.c — `jisr serve`: parse the options and run the HTTP server of serve/ (serve.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"

const char cmd_serve_help[] =
    "Usage: jisr serve [OPTIONS]\n"
    "\n"
    "Serve memories over HTTP: the tmserver/amaGama protocol that Weblate, Virtaal and Okapi\n"
    "speak (under /tmserver/ and /api/v1/), jisr's own JSON API (/v1/) and a search page (/).\n"
    "Reads are open; every write needs the token of --token-file (Authorization: Bearer).\n"
    "Listens on loopback unless told otherwise. Stops cleanly on SIGINT/SIGTERM/SIGHUP: requests "
    "in\n"
    "flight finish, an import whose upload is complete commits, one cut off stores nothing.\n"
    "\n"
    "Options:\n"
    "      --tm DIR[:PENALTY]  a memory to serve; repeat for several (matches are merged, PENALTY\n"
    "                        0-100 taken off the scores of that memory); the first one takes the\n"
    "                        writes (default: $JISR_TM, else ~/.local/share/jisr/tm); it must\n"
    "                        hold a memory unless --create is given\n"
    "      --create          make the first memory if its directory holds none\n"
    "  -l, --listen ADDR     IP:PORT or localhost:PORT to listen on (default 127.0.0.1:8080;\n"
    "                        [::1]:8080 for IPv6; port 0 picks a free one)\n"
    "      --token-file F    the bearer token (first line of F) that writes need; without it\n"
    "                        the server takes no writes\n"
    "      --private         every request needs the token (the page itself excepted)\n"
    "      --read-only       refuse every write; the memories are opened read-only\n"
    "      --cors ORIGIN     allow browser pages from ORIGIN (or *) to call the API\n"
    "      --allow-host NAME answer requests whose Host is NAME (repeatable); a loopback server\n"
    "                        answers only localhost, 127.0.0.1 and [::1] otherwise (421)\n"
    "      --threads N       I/O threads, each for many connections (default: one per core)\n"
    "      --query-threads N threads that run the queries (default: two per core), and N/2 at\n"
    "                        a lower priority for expensive ones (exhaustive, min below 25, more\n"
    "                        than 10 texts); one client runs at most all but one of either kind\n"
    "      --query-queue N   queries one client may have waiting for a thread (default 64);\n"
    "                        beyond, 503 busy at once\n"
    "      --inline-ms MS    a lookup of at most MS ms is answered on its I/O thread, a\n"
    "                        longer on a query thread (default 0: none)\n"
    "      --max-connections N           connections in all (default 1024)\n"
    "      --max-connections-per-client N  from one address (default 128)\n"
    "      --idle-timeout S  close a connection silent for S seconds (default 15)\n"
    "      --request-timeout S  a request must arrive within S seconds, body included\n"
    "                        (imports excepted; default 60)\n"
    "      --max-upload SIZE largest import body, e.g. 500M, 8G (default 8G)\n"
    "      --grace S         on SIGTERM, how long requests in flight get (default 30)\n"
    "      --query-timeout MS  the time one request's queries may take, from its arrival\n"
    "                        (a wait for a query thread counts; default 5000); longer: 503\n"
    "      --import-batch N  units per write transaction of an import (default 20000);\n"
    "                        a strict upload holds a few batches of prepared units\n"
    "      --ready-file F    write its URL (no final '/') to F once up, atomically; or exit 1\n"
    "      --no-snapshot     read the memories through LMDB only, without the in-memory\n"
    "                        directory of their last committed state (see docs/serve.md, Load)\n"
    "  -q, --quiet           no request log (one line per request on stderr otherwise)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Routes (see README, 'jisr serve'):\n"
    "  GET  /tmserver/SL/TL/unit/TEXT?min_similarity=75&max_candidates=5   (also /api/v1/…)\n"
    "  GET  /tmserver/languages/       PUT|POST /tmserver/SL/TL/unit/TEXT   POST …/store/\n"
    "  GET  /v1/query?q=&source=&target=&min=&max=   POST /v1/query {\"texts\":[…],…}\n"
    "  GET  /v1/concord?q=&lang=   /v1/stats   /v1/languages   /v1/units/ID   /v1/export\n"
    "  POST /v1/import?format=tmx|tsv|jsonl[&skip_bad=1]   POST /v1/delete {\"ids\":[…]}\n"
    "  DELETE /v1/units/ID\n"
    "\n"
    "Examples:\n"
    "  jisr serve --tm ~/tm/project --tm ~/tm/un:10\n"
    "  jisr serve --tm /srv/tm --listen 127.0.0.1:8080 --token-file /etc/jisr/token\n";

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    uint64_t m = 1;
    if (*end == 'k' || *end == 'K')
        m = 1ull << 10, end++;
    else if (*end == 'm' || *end == 'M')
        m = 1ull << 20, end++;
    else if (*end == 'g' || *end == 'G')
        m = 1ull << 30, end++;
    if (*end)
        return -1;
    *out = (uint64_t)(v * (double)m);
    return *out ? 0 : -1;
}

int cmd_serve(int argc, char **argv)
{
    enum {
        O_TM = 256,
        O_TOKEN,
        O_PRIVATE,
        O_RO,
        O_CORS,
        O_THREADS,
        O_MAXC,
        O_MAXCIP,
        O_IDLE,
        O_REQT,
        O_UPLOAD,
        O_GRACE,
        O_QMS,
        O_BATCH,
        O_READY,
        O_NOSNAP,
        O_CREATE,
        O_AHOST,
        O_QTHREADS,
        O_QQUEUE,
        O_INLINE
    };
    static const struct option longopts[] = {
        {"tm", required_argument, NULL, O_TM},
        {"listen", required_argument, NULL, 'l'},
        {"token-file", required_argument, NULL, O_TOKEN},
        {"private", no_argument, NULL, O_PRIVATE},
        {"read-only", no_argument, NULL, O_RO},
        {"cors", required_argument, NULL, O_CORS},
        {"threads", required_argument, NULL, O_THREADS},
        {"query-threads", required_argument, NULL, O_QTHREADS},
        {"query-queue", required_argument, NULL, O_QQUEUE},
        {"inline-ms", required_argument, NULL, O_INLINE},
        {"max-connections", required_argument, NULL, O_MAXC},
        {"max-connections-per-client", required_argument, NULL, O_MAXCIP},
        {"idle-timeout", required_argument, NULL, O_IDLE},
        {"request-timeout", required_argument, NULL, O_REQT},
        {"max-upload", required_argument, NULL, O_UPLOAD},
        {"grace", required_argument, NULL, O_GRACE},
        {"query-timeout", required_argument, NULL, O_QMS},
        {"import-batch", required_argument, NULL, O_BATCH},
        {"ready-file", required_argument, NULL, O_READY},
        {"no-snapshot", no_argument, NULL, O_NOSNAP},
        {"create", no_argument, NULL, O_CREATE},
        {"allow-host", required_argument, NULL, O_AHOST},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    serve_opts o;
    memset(&o, 0, sizeof o);
    serve_memory tms[64];
    char *dirs[64];
    const char *hosts[64];
    size_t ntms = 0, nhosts = 0;
    int c, status = CLI_USAGE;
    long v;
    optind = 1;
    opterr = 0; /* one message per error, ours */
    while ((c = getopt_long(argc, argv, ":l:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_TM:
            if (ntms == 64) {
                cli_usage_error("serve", "at most 64 memories");
                goto done;
            }
            if (cli_tm_penalty_typo(optarg)) { /* DIR:-3, DIR:ten: as query says it */
                cli_usage_error("serve",
                                "--tm %s: no such path, and '%s' is not a penalty (DIR:PENALTY "
                                "takes a number from 0 to 100)",
                                optarg, strrchr(optarg, ':') + 1);
                goto done;
            }
            if (serve_parse_tm(optarg, &dirs[ntms], &tms[ntms].penalty) < 0) {
                cli_usage_error("serve", "--tm %s: the penalty must be 0-100", optarg);
                goto done;
            }
            tms[ntms].dir = dirs[ntms];
            ntms++;
            break;
        case 'l':
            o.listen = optarg;
            break;
        case O_TOKEN:
            o.token_file = optarg;
            break;
        case O_PRIVATE:
            o.private_ = 1;
            break;
        case O_RO:
            o.read_only = 1;
            break;
        case O_CORS:
            o.cors_origin = optarg;
            break;
        case O_QTHREADS:
        case O_QQUEUE:
            if (cli_number(optarg, 1000000, &v) < 0 || v < 1 || v > 1024) {
                cli_usage_error("serve", "%s needs a number from 1 to 1024", argv[optind - 1]);
                goto done;
            }
            if (c == O_QTHREADS)
                o.query_threads = (unsigned)v;
            else
                o.query_queue = (unsigned)v;
            break;
        case O_INLINE:
            if (cli_number(optarg, 1000000, &v) < 0 || v < 0 || v > 100) {
                cli_usage_error("serve", "--inline-ms needs a number from 0 to 100");
                goto done;
            }
            o.inline_ms = (int)v;
            break;
        case O_THREADS:
        case O_MAXC:
        case O_MAXCIP:
        case O_IDLE:
        case O_REQT:
        case O_GRACE:
        case O_QMS:
        case O_BATCH:
            if (cli_number(optarg, 1000000, &v) < 0 || v < 1) {
                cli_usage_error("serve", "%s needs a positive number", argv[optind - 1]);
                goto done;
            }
            if (c == O_THREADS)
                o.threads = (unsigned)v;
            else if (c == O_MAXC)
                o.max_conns = (unsigned)v;
            else if (c == O_MAXCIP)
                o.max_conns_ip = (unsigned)v;
            else if (c == O_IDLE)
                o.idle_timeout = (unsigned)v;
            else if (c == O_REQT)
                o.request_time = (unsigned)v;
            else if (c == O_QMS)
                o.query_ms = (unsigned)v;
            else if (c == O_BATCH)
                o.import_batch = (unsigned)v;
            else
                o.grace = (unsigned)v;
            break;
        case O_UPLOAD:
            if (parse_size(optarg, &o.max_upload) < 0) {
                cli_usage_error("serve", "--max-upload needs a size such as 500M or 8G");
                goto done;
            }
            break;
        case O_READY:
            if (!*optarg) { /* found out only after binding, with exit 1, before */
                cli_usage_error("serve", "--ready-file needs a file name");
                goto done;
            }
            o.ready_file = optarg;
            break;
        case O_NOSNAP:
            o.no_snapshot = 1;
            break;
        case O_CREATE:
            o.create = 1;
            break;
        case O_AHOST:
            if (nhosts == 64) {
                cli_usage_error("serve", "at most 64 --allow-host names");
                goto done;
            }
            hosts[nhosts++] = optarg;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'h':
            status = cli_help("serve");
            goto done;
        default: /* ':' or '?' */
            cli_option_error("serve", c, argv);
            goto done;
        }
    }
    if (optind < argc) {
        cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
        goto done;
    }
    if (ntms == 0) {
        if (!(dirs[0] = cli_default_tm())) {
            status = cli_fail("no memory: use --tm DIR or set JISR_TM or HOME");
            goto done;
        }
        tms[0].dir = dirs[0];
        tms[0].penalty = 0;
        ntms = 1;
    }
    o.tms = tms;
    o.ntms = ntms;
    o.allow_hosts = hosts;
    o.nallow_hosts = nhosts;
    status = serve_run(&o) == 0 ? CLI_OK : CLI_FAIL;
done:
    for (size_t i = 0; i < ntms; i++)
        free(dirs[i]);
    return status;
}
