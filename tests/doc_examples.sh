#!/bin/sh
# tests/doc_examples.sh: the programs under examples/docs/, whose parts
# docs/*.md quote as fragments, do what the docs say: each checks the
# claims itself and fails when one does not hold. Under sim (virtual
# time: exact), and under real.
set -eu
ex=${top_builddir:-.}/examples/docs
progs="guide sync patterns io exploration fuzzing tracing"
for b in sim real; do
    for p in $progs; do
        out=$(WEFT_BACKEND=$b "$ex/$p" 2>&1) || {
            echo "doc_examples: $b $p failed: $out" >&2
            exit 1
        }
    done
done
echo "doc_examples: ok"
