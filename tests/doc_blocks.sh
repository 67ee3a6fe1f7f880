#!/bin/sh
# tests/doc_blocks.sh: the code in the docs is the code that is compiled
# and run. A Markdown line `<!-- example: PATH -->` must be followed by a
# fenced block whose text is exactly the file PATH (built by make and run
# by tests/cookbook.sh). Every examples/cookbook/*.c is quoted in
# docs/COOKBOOK.md, and README.md quotes at least one example.
# A line `<!-- fragment of: PATH -->` before a fenced block says the block
# is part of PATH: its lines (less leading and trailing blank lines and
# lines that are only `...`; an indented block loses the fence's indent)
# must be one contiguous run of PATH's lines, exactly (the programs under
# examples/docs/, built by make and run by tests/doc_examples.sh). Every
# ```c block in README.md and docs/*.md needs one of the two markers
# (docs/TESTING-YOUR-PROGRAM.md's are checked by tests/guide.sh).
set -eu
top=${srcdir:-.}
perl -e '
    my ($top) = @ARGV;
    my $bad = 0;
    my $n = 0;
    my $nf = 0;
    my %quoted;
    for my $md ("README.md", map { s{^\Q$top\E/}{}r } glob("$top/docs/*.md")) {
        open(my $fh, "<", "$top/$md") or next;
        my @l = <$fh>;
        close $fh;
        for (my $i = 0; $i < @l; $i++) {
            if ($l[$i] =~ /^(\s*)```c\s*$/ && $md ne "docs/TESTING-YOUR-PROGRAM.md"
                && ($i == 0 || $l[$i - 1] !~ /^\s*<!-- (example|fragment of): \S+ -->\s*$/)) {
                print "doc_blocks: $md:", $i + 1, ": a C block with no example or fragment marker\n";
                $bad++;
            }
            if ($l[$i] =~ /^\s*<!-- fragment of: (\S+) -->\s*$/) {
                my $path = $1;
                $n++; $nf++;
                my $j = $i + 1;
                if ($j >= @l || $l[$j] !~ /^(\s*)```/) {
                    print "doc_blocks: $md:", $i + 1, ": no code block after the marker\n";
                    $bad++; next;
                }
                my $ind = $1;
                my @b;
                for ($j++; $j < @l && $l[$j] !~ /^\s*```\s*$/; $j++) {
                    (my $t = $l[$j]) =~ s/\s+$//;
                    $t =~ s/^\Q$ind\E//;
                    push @b, $t unless $t =~ /^\s*\.\.\.$/;
                }
                shift @b while @b && $b[0] eq "";
                pop @b while @b && $b[-1] eq "";
                open(my $ef, "<", "$top/$path") or do {
                    print "doc_blocks: $md:", $i + 1, ": $path does not exist\n";
                    $bad++; next;
                };
                my @f = map { s/\s+$//r } <$ef>;
                close $ef;
                my $found = 0;
                for (my $k = 0; !$found && @b && $k + @b <= @f; $k++) {
                    my $m = 1;
                    for (my $q = 0; $m && $q < @b; $q++) { $m = 0 if $f[$k + $q] ne $b[$q]; }
                    $found = $m;
                }
                if (!$found) {
                    print "doc_blocks: $md:", $i + 1, ": the block is not a run of lines of $path\n";
                    $bad++;
                }
                next;
            }
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
    print "doc_blocks: $n blocks ($nf fragments), ", ($bad ? "$bad bad" : "all match their files"), "\n";
    exit($bad ? 1 : 0);
' "$top"
