#!/bin/sh
# tests/doc_refs.sh: the docs stand alone. Every reference of the form
# docs/NAME.md "Section" in the sources and docs names a file that exists
# and a heading it has (a reference may wrap across comment lines), and
# nothing cites a design note outside the tree (a bare API.md, DESIGN.md
# or STYLE.md, or a path into ../shared).
set -eu
top=${srcdir:-.}
files=$(find "$top" \( -name '*.c' -o -name '*.h' -o -name '*.md' \
    -o -name '*.am' -o -name '*.mk' -o -name '*.sh' -o -name '*.in' \
    -o -name '.clang-format' \) -not -path '*/.git/*' \
    -not -path '*/_build/*' -not -path '*/autom4te.cache/*' \
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
                $h{$1} = 1 if $t =~ /^([^:]+):/;   # a short form
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
