#!/bin/sh
# tests/doc_blocks.sh: the code in the docs is the code that is compiled
# and run. A Markdown line `<!-- example: PATH -->` must be followed by a
# fenced block whose text is exactly the file PATH (built by make and run
# by tests/cookbook.sh). Every examples/cookbook/*.c is quoted in
# docs/COOKBOOK.md, and README.md quotes at least one example.
set -eu
top=${srcdir:-.}
perl -e '
    my ($top) = @ARGV;
    my $bad = 0;
    my $n = 0;
    my %quoted;
    for my $md ("README.md", map { s{^\Q$top\E/}{}r } glob("$top/docs/*.md")) {
        open(my $fh, "<", "$top/$md") or next;
        my @l = <$fh>;
        close $fh;
        for (my $i = 0; $i < @l; $i++) {
            next unless $l[$i] =~ /^<!-- example: (\S+) -->\s*$/;
            my $path = $1;
            $n++;
            $quoted{"$md:$path"} = 1;
            my $j = $i + 1;
            if ($j >= @l || $l[$j] !~ /^```/) {
                print "doc_blocks: $md:", $i + 1, ": no code block after the marker\n";
                $bad++; next;
            }
            my $block = "";
            for ($j++; $j < @l && $l[$j] !~ /^```\s*$/; $j++) { $block .= $l[$j]; }
            open(my $ef, "<", "$top/$path") or do {
                print "doc_blocks: $md:", $i + 1, ": $path does not exist\n";
                $bad++; next;
            };
            my $file = do { local $/; <$ef> };
            close $ef;
            if ($block ne $file) {
                print "doc_blocks: $md:", $i + 1, ": the block differs from $path\n";
                $bad++;
            }
        }
    }
    for my $c (glob("$top/examples/cookbook/*.c")) {
        (my $p = $c) =~ s{^\Q$top\E/}{};
        next if $quoted{"docs/COOKBOOK.md:$p"};
        print "doc_blocks: docs/COOKBOOK.md does not quote $p\n"; $bad++;
    }
    if (!grep { /^README\.md:/ } keys %quoted) {
        print "doc_blocks: README.md quotes no example file\n"; $bad++;
    }
    print "doc_blocks: $n blocks, ", ($bad ? "$bad bad" : "all match their files"), "\n";
    exit($bad ? 1 : 0);
' "$top"
