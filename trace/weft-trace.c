/* trace/weft-trace.c: the weft-trace program (docs/TRACING.md): parses
 * the command line, loads the trace(s) and runs one view. Exit status:
 * 0 done (diff: the same), 1 failed or diff found a difference, 2 bad
 * command line or (diff) an unreadable file. */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "views.h"

static const char usage[] =
    "usage: weft-trace dump FILE [--task NAME] [--from T] [--to T]\n"
    "       weft-trace tasks FILE -o OUT.svg [--task NAME]\n"
    "       weft-trace waits FILE -o OUT.svg [--at T | --at #EVENT]\n"
    "       weft-trace timeline FILE -o OUT.svg [--task NAME] [--from T] "
    "[--to T]\n"
    "       weft-trace chrome FILE -o OUT.json\n"
    "       weft-trace diff A B\n"
    "  -o FILE   output (picture format from its suffix: svg png pdf dot)\n"
    "  -T FMT    output format, overriding the suffix\n"
    "  --max N   fold graphs past N nodes (default 300)\n"
    "  T: a time since the start of the run: 15, 15ns, 3us, 2ms, 1s\n";

static int bad_usage(const char *fmt, const char *arg) {
    fputs("weft-trace: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return 2;
}

static const char *suffix(const char *path) {
    const char *dot = path ? strrchr(path, '.') : NULL;
    return dot && !strchr(dot, '/') ? dot + 1 : NULL;
}

/* --from, --to and --at: a time, or for --at '#N' an event number. */
static int parse_when(int c, const char *arg, struct opts *o) {
    char *end;
    if (c == 'a' && arg[0] == '#') {
        o->at_event = strtoul(arg + 1, &end, 10);
        if (*end || !arg[1]) {
            return bad_usage("--at '%s': give a time or #EVENT", arg);
        }
        return 0;
    }
    int64_t *when = c == 'f' ? &o->from : c == 't' ? &o->to : &o->at;
    if (model_parse_time(arg, when)) {
        return bad_usage("'%s' is not a time (15, 3us, 2ms, 1s)", arg);
    }
    return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o) {
    static const struct option longs[] = {
        {"task", required_argument, NULL, 'k'},
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"at", required_argument, NULL, 'a'},
        {"max", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:T:h", longs, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'T': o->format = optarg; break;
        case 'k': o->task = optarg; break;
        case 'a': case 'f': case 't':
            if (parse_when(c, optarg, o)) return 2;
            break;
        case 'm':
            o->max_nodes = strtoul(optarg, &end, 10);
            if (*end || o->max_nodes < 10) {
                return bad_usage("--max '%s': give a number >= 10", optarg);
            }
            break;
        case 'h': fputs(usage, stdout); exit(0);
        default:
            return bad_usage("unknown or incomplete option '%s'",
                             argv[optind - 1]);
        }
    }
    if (!o->format) o->format = suffix(o->out);
    return 0;
}

static int load(const char *path, struct trace_file *tf) {
    char err[256];
    if (trace_load(path, tf, err, sizeof err)) {
        fprintf(stderr, "weft-trace: %s: %s\n", path, err);
        return -1;
    }
    if (tf->note[0]) fprintf(stderr, "weft-trace: %s: %s\n", path, tf->note);
    return 0;
}

static int run_view(const char *cmd, const struct trace_file *tf,
                    const struct opts *o) {
    if (!strcmp(cmd, "dump")) return view_dump(tf, o);
    if (!strcmp(cmd, "chrome")) return view_chrome(tf, o);
    if (!strcmp(cmd, "tasks")) return view_tasks(tf, o);
    if (!strcmp(cmd, "waits")) return view_waits(tf, o);
    return view_timeline(tf, o);
}

/* Pictures take svg, png, pdf or dot; chrome writes json; dump text. */
static bool bad_format(const char *cmd, const char *format) {
    if (!strcmp(cmd, "dump") || !strcmp(cmd, "diff")) return false;
    if (!format) return true;
    if (!strcmp(cmd, "chrome")) return strcmp(format, "json") != 0;
    static const char *const ok[] = {"svg", "png", "pdf", "dot"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        if (!strcmp(format, ok[i])) return false;
    }
    return true;
}

/* An unreadable file is trouble (2), as for diff(1). */
static int run_diff(const char *path_a, const char *path_b) {
    struct trace_file a, b;
    if (load(path_a, &a)) return 2;
    if (load(path_b, &b)) {
        trace_free(&a);
        return 2;
    }
    int rc = view_diff(&a, &b);
    trace_free(&a);
    trace_free(&b);
    return rc;
}

static bool needs_out(const char *cmd) {
    return strcmp(cmd, "dump") && strcmp(cmd, "diff");
}

int main(int argc, char **argv) {
    if (argc < 2) return bad_usage("%s", "no command given");
    const char *cmd = argv[1];
    static const char *const cmds[] = {"dump", "tasks", "waits", "timeline",
                                       "chrome", "diff", "help"};
    size_t k = 0;
    while (k < sizeof cmds / sizeof *cmds && strcmp(cmds[k], cmd)) k++;
    if (k == sizeof cmds / sizeof *cmds) {
        return bad_usage("unknown command '%s'", cmd);
    }
    if (!strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    struct opts o = {.to = INT64_MAX, .at = INT64_MAX, .at_event = SIZE_MAX,
                     .max_nodes = 300};
    if (parse_opts(argc - 1, argv + 1, &o)) return 2;
    int nfiles = argc - 1 - optind;
    char **files = argv + 1 + optind;
    int want = strcmp(cmd, "diff") ? 1 : 2;
    if (nfiles != want) {
        return bad_usage("%s", want == 1 ? "give exactly one trace file"
                                         : "diff takes two trace files");
    }
    if (needs_out(cmd) && !o.out) {
        return bad_usage("%s needs -o OUTPUT", cmd);
    }
    if (bad_format(cmd, o.format)) {
        return bad_usage("cannot write format '%s' here (pictures: svg, png, "
                         "pdf, dot; chrome: json)", o.format ? o.format : "");
    }
    if (want == 2) return run_diff(files[0], files[1]);
    struct trace_file a;
    if (load(files[0], &a)) return 1;
    int rc = run_view(cmd, &a, &o);
    trace_free(&a);
    return rc;
}
