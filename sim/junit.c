/* sim/junit.c: weft-explore --junit FILE, the campaign as a JUnit XML
 * report CI systems display: one testsuite with one testcase for the
 * campaign (the program, strategy and seeds), failed when a run failed,
 * a saved failure still failed or a required cover mark was missed; the
 * failure's text lists each failing run with its replay command. The
 * elements and attributes are those the JUnit schema requires
 * (testsuite: name, tests, failures, errors; testcase: name,
 * classname; failure: message, type). */
#include "config.h"

#include "junit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "explore.h"
#include "explore_cli.h"

static void xml(FILE *f, const char *s) {
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n') fputc(*s, f);
        }
    }
}

static void failures(FILE *f, const struct weft__junit *j) {
    const weft_explore_failure *x = j->nfail ? &j->fail[0] : NULL;
    char head[400];
    snprintf(head, sizeof head, "%s: %s", x ? weft_failure_name(x->kind)
                                            : "cover", x ? x->message
                                            : "a required mark not reached");
    fputs("      <failure message=\"", f);
    xml(f, head);
    fprintf(f, "\" type=\"%s\">", x ? weft_failure_name(x->kind) : "cover");
    for (size_t i = 0; i < j->nfail; i++) {
        char buf[2048];
        FILE *m = fmemopen(buf, sizeof buf, "w");
        if (!m) break;
        weft__print_failure(m, &j->fail[i], j->program, false);
        fclose(m);
        buf[sizeof buf - 1] = '\0';
        xml(f, buf);
    }
    for (size_t i = 0; i < j->nmissing; i++) {
        fputs("no run reached the cover mark '", f);
        xml(f, j->missing[i]);
        fputs("'\n", f);
    }
    fputs("</failure>\n", f);
}

int weft__junit_write(const char *path, const struct weft__junit *j) {
    FILE *f = fopen(path, "w");
    if (!f) return -errno;
    bool failed = j->nfail || j->nmissing;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"weft-explore\" tests=\"1\" "
               "failures=\"%d\" errors=\"0\" time=\"%.3f\">\n"
               "  <testsuite name=\"weft-explore\" tests=\"1\" "
               "failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n"
               "    <testcase name=\"",
            failed, j->seconds, failed, j->seconds);
    xml(f, j->name);
    fputs("\" classname=\"weft-explore.", f);
    xml(f, j->program);
    fprintf(f, "\" time=\"%.3f\">\n", j->seconds);
    if (failed) failures(f, j);
    fprintf(f, "      <system-out>");
    xml(f, j->summary);
    fprintf(f, "</system-out>\n    </testcase>\n  </testsuite>\n"
               "</testsuites>\n");
    return fclose(f) ? -errno : 0;
}
