#!/bin/sh
# tests/doc_refs.sh: the docs stand alone. In the sources and docs:
# - every docs/NAME.md named exists, and so does every relative Markdown
#   link;
# - a reference of the form docs/NAME.md "Section" names a heading of that
#   file (a reference may wrap across comment lines; backquotes aside, and
#   "Short" matches a heading "Short: longer" or "Short (aside)");
# - nothing cites a design note outside the tree (a bare API.md, DESIGN.md
#   or STYLE.md, or a path into ../shared).
set -eu
top=${srcdir:-.}
files=$(find "$top" \( -name '*.c' -o -name '*.h' -o -name '*.md' \
    -o -name '*.am' -o -name '*.mk' -o -name '*.sh' -o -name '*.in' \
    -o -name '.clang-format' \) -not -path '*/.git/*' \
    -not -path '*/_build/*' -not -path '*/autom4te.cache/*' \
    -not -path "$top/build-*" -not -path "$top/weft-*" \
    -not -name doc_refs.sh -print)
# shellcheck disable=SC2086
perl -e '
    my ($top, @files) = @ARGV;
    my $bad = 0;
    my %heads;
    sub heads {
        my ($doc) = @_;
        return $heads{$doc} if $heads{$doc};
        my %h;
        if (open(my $fh, "<", "$top/$doc")) {
            while (<$fh>) {
                next unless /^#+\s+(.*?)\s*$/;
                (my $t = $1) =~ s/`//g;
                $h{$t} = 1;
                $h{$1} = 1 if $t =~ /^([^:]+):/;   # short forms
                $h{$1} = 1 if $t =~ /^(.*?)\s*\([^()]*\)$/;
            }
            close $fh;
        }
        return $heads{$doc} = \%h;
    }
    for my $f (@files) {
        open(my $fh, "<", $f) or die "$f: $!";
        my $text = do { local $/; <$fh> };
        close $fh;
        (my $name = $f) =~ s{^\Q$top\E/}{};
        my $flat = $text;
        $flat =~ s{\n\s*(?:\*|#|//)?\s*}{ }g;   # join wrapped comment lines
        while ($flat =~ m{\b(docs/[A-Z][A-Z0-9_-]*\.md)(?:,)?\s+"([^"]+)"}g) {
            my ($doc, $sec) = ($1, $2);
            $sec =~ s/`//g;
            if (!-f "$top/$doc") {
                print "doc_refs: $name: $doc does not exist\n"; $bad++;
            } elsif (!heads($doc)->{$sec}) {
                print "doc_refs: $name: $doc has no heading \"$sec\"\n";
                $bad++;
            }
        }
        my %seen;
        while ($flat =~ m{\b(docs/[A-Z][A-Za-z0-9_-]*\.md)\b}g) {
            next if $seen{$1}++ || -f "$top/$1";
            print "doc_refs: $name: $1 does not exist\n"; $bad++;
        }
        if ($name =~ m{^(.*/)?[^/]+\.md$}) {   # relative Markdown links
            my $dir = $1 // "";
            while ($text =~ m{\]\(([^):#\s]+\.md)(?:#[^)]*)?\)}g) {
                next if -f "$top/$dir$1";
                print "doc_refs: $name: link to $1, which does not exist\n";
                $bad++;
            }
        }
        while ($text =~ m{(^|[^/\w])((?:API|DESIGN|STYLE)\.md)}mg) {
            print "doc_refs: $name: cites $2, which is not in the tree\n";
            $bad++;
        }
        if ($text =~ m{\.\./shared|/work/shared}) {
            print "doc_refs: $name: cites a path outside the tree\n"; $bad++;
        }
    }
    print "doc_refs: ", scalar(@files), " files, ",
        ($bad ? "$bad bad references" : "every reference resolves"), "\n";
    exit($bad ? 1 : 0);
' "$top" $files
