#!/bin/sh
# scripts/gen-man.sh TEMPLATE HEADER...: writes the weft(3) man page to
# stdout: TEMPLATE with its @FUNCTIONS@ line replaced by every public
# function of the headers, grouped by header, in the headers' order. A
# function is a declaration that starts with WEFT_API (joined across
# lines up to its ';'), a static inline weft_ function, or a
# function-like macro named weft_* or WEFT_* (the calls that record
# their caller's file and line), X-macro lists aside. Run at build time, so the list follows
# the headers.
set -eu
template=$1
shift
list=$(awk '
    function flush() {
        sub(/;.*/, ";", decl)            # a trailing comment
        gsub(/[ \t]+/, " ", decl); sub(/^ /, "", decl); sub(/ ;$/, ";", decl)
        gsub(/\( /, "(", decl); gsub(/ \)/, ")", decl)
        gsub(/\\/, "\\e", decl)
        if (!shown) {
            if (open) print ".fi"
            printf ".SS <%s>\n.nf\n", hdr; shown = 1; open = 1
        }
        print decl
        decl = ""
    }
    FNR == 1 {
        hdr = FILENAME; sub(/.*include\//, "", hdr); shown = 0; in_decl = 0
    }
    END { if (open) print ".fi" }
    in_decl {
        decl = decl " " $0
        if ($0 ~ /;/) { in_decl = 0; flush() }
        next
    }
    /^WEFT_API / {
        decl = $0; sub(/^WEFT_API /, "", decl)
        if ($0 ~ /;/) flush(); else in_decl = 1
        next
    }
    /^static inline .*weft_[a-z_0-9]*\(/ {
        decl = $0; sub(/^static inline /, "", decl); sub(/ *\{.*/, ";", decl)
        flush(); next
    }
    /^#define (weft|WEFT)_[A-Za-z_0-9]*\(/ {
        decl = $2
        for (i = 3; i <= NF && decl !~ /\)$/; i++) decl = decl " " $i
        # X-macro lists (WEFT_<THING>_MAP(X)) and their helpers are not calls
        if (decl ~ /_(MAP|ENUM)\(/ || decl ~ /\(X\)$/) next
        decl = "#define " decl; flush(); next
    }
' "$@")
[ -n "$list" ] || { echo "gen-man.sh: no WEFT_API declaration found" >&2; exit 1; }
printf '%s\n' "$list" > "${TMPDIR:-/tmp}/weft-man.$$"
awk -v f="${TMPDIR:-/tmp}/weft-man.$$" '
    /^@FUNCTIONS@$/ { while ((getline l < f) > 0) print l; next }
    { print }
' "$template"
rm -f "${TMPDIR:-/tmp}/weft-man.$$"
