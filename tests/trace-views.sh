#!/bin/sh
# tests/trace-views.sh: records the traces of tests/trace_programs under
# both backends and draws every view of each in every format: each file
# must be valid (SVG well-formed XML, JSON parsable, PNG and PDF with
# their magic, DOT non-empty; check_trace parses DOT with Graphviz).
# Bad command lines must exit 2 with a message.
set -u
b=${top_builddir:-.}
tool=$b/trace/weft-trace
progs=$b/tests/trace_programs
dir=$(mktemp -d /tmp/weft-trace-views.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail=0
say() { echo "trace-views: $*" >&2; fail=1; }

graphviz=1
if ! grep -q '^#define HAVE_GRAPHVIZ 1' "$b/config.h"; then graphviz=0; fi

python3 -c 'import xml.etree.ElementTree, json' 2>/dev/null || {
    echo "trace-views: python3 is needed to check SVG and JSON"; exit 77; }

record() { # name backend seed
    WEFT_BACKEND=$2 WEFT_SEED=$3 WEFT_TRACE=$dir/$1-$2.trace \
        "$progs" "$1" >/dev/null 2>&1
}

record bank sim 4
record bank real 0
record deadlock sim 1
record many sim 2
record misuse sim 3
record net sim 1

for t in "$dir"/*.trace; do
    n=${t%.trace}
    "$tool" dump "$t" >"$n.txt" 2>/dev/null || say "dump $t failed"
    [ -s "$n.txt" ] || say "dump $t is empty"
    "$tool" chrome "$t" -o "$n.json" 2>/dev/null || say "chrome $t failed"
    python3 -m json.tool "$n.json" >/dev/null 2>&1 || say "$n.json: bad JSON"
    python3 - "$n.json" <<'PY' || say "$n.json: not Chrome trace-event JSON"
import json, sys
d = json.load(open(sys.argv[1]))
need = {"M": ["name", "pid", "args"], "X": ["name", "pid", "tid", "ts", "dur"],
        "i": ["name", "pid", "tid", "ts", "s"],
        "s": ["name", "pid", "tid", "ts", "id"],
        "f": ["name", "pid", "tid", "ts", "id", "bp"]}
evs = d["traceEvents"]
assert evs and all(e["ph"] in need for e in evs)
assert all(k in e for e in evs for k in need[e["ph"]])
assert any(e["ph"] == "X" for e in evs)
PY
    for v in tasks waits timeline; do
        "$tool" $v "$t" -o "$n-$v.dot" 2>/dev/null || say "$v -T dot $t"
        grep -q '^digraph' "$n-$v.dot" || say "$n-$v.dot is not DOT"
        [ $graphviz = 1 ] || continue
        for f in svg png pdf; do
            "$tool" $v "$t" -o "$n-$v.$f" 2>/dev/null || say "$v $f $t"
        done
        python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' \
            "$n-$v.svg" 2>/dev/null || say "$n-$v.svg: not well-formed XML"
        head -c 4 "$n-$v.png" | grep -q PNG || say "$n-$v.png: not a PNG"
        head -c 4 "$n-$v.pdf" | grep -q '%PDF' || say "$n-$v.pdf: not a PDF"
    done
done

# The dump names tasks, sites and the deadlock's holders.
grep -q "teller A#" "$dir/bank-sim.txt" || say "dump lacks task names"
grep -q "trace_programs.c:" "$dir/bank-sim.txt" || say "dump lacks sites"
grep -q "waits-for.*held by" "$dir/deadlock-sim.txt" ||
    say "dump lacks the deadlock's holders"
grep -q "misuse" "$dir/misuse-sim.txt" || say "the aborted run lacks its misuse"

# The network: the dump says where segments went and what crashed; the
# timeline groups lanes by host and draws segments as arrows.
grep -q "net-deliver .*local -> db1" "$dir/net-sim.txt" ||
    say "dump lacks the network's deliveries"
grep -q "host-crash .*db1, incarnation 1" "$dir/net-sim.txt" ||
    say "dump lacks the crash"
grep -q 'label="host db1 10.0.0.1"' "$dir/net-sim-timeline.dot" ||
    say "timeline lacks the host's group of lanes"
grep -q 'label="db1: network"' "$dir/net-sim-timeline.dot" ||
    say "timeline lacks the host's network lane"
grep -q 'color="#00897b"' "$dir/net-sim-timeline.dot" ||
    say "timeline lacks the arrows of delivered segments"
grep -q 'color="#c62828", penwidth=1.5, style=dashed' \
    "$dir/net-sim-timeline.dot" || say "timeline lacks a dropped segment"

# Same seed: diff says the same (0); another seed: differs (1).
WEFT_BACKEND=sim WEFT_SEED=4 WEFT_TRACE=$dir/again.trace "$progs" bank \
    >/dev/null 2>&1
"$tool" diff "$dir/bank-sim.trace" "$dir/again.trace" >/dev/null ||
    say "diff of the same seed differs"
WEFT_BACKEND=sim WEFT_SEED=9 WEFT_TRACE=$dir/other.trace "$progs" bank \
    >/dev/null 2>&1
"$tool" diff "$dir/bank-sim.trace" "$dir/other.trace" >"$dir/diff.txt"
[ $? = 1 ] || say "diff of two seeds did not exit 1"
grep -q "diverge at event" "$dir/diff.txt" || say "diff does not say where"

# Filters.
"$tool" dump "$dir/bank-sim.trace" --task auditor | grep -v '^#' |
    grep -qv 'auditor' && say "--task let other tasks through"

# Bad command lines: exit 2 and a message.
for args in "" "frobnicate x" "dump" "tasks $dir/bank-sim.trace" \
    "dump $dir/bank-sim.trace --from soon" "dump a b" "diff onlyone" \
    "tasks $dir/bank-sim.trace -o x.svg --max 1"; do
    # shellcheck disable=SC2086
    "$tool" $args >/dev/null 2>"$dir/err.txt"
    rc=$?
    [ $rc = 2 ] || say "'weft-trace $args' exited $rc, not 2"
    grep -q "weft-trace:" "$dir/err.txt" || say "'weft-trace $args': no message"
done
"$tool" dump /nonexistent/x.trace >/dev/null 2>&1 && say "missing file accepted"
exit $fail
