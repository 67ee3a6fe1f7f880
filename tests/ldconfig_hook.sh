#!/bin/sh
# tests/ldconfig_hook.sh: what `make install` does after installing the
# library (scripts/ldconfig-hook.sh), with a stand-in ldconfig that
# records its calls: runs ldconfig as root for a directory ldconfig
# scans, says to run it otherwise, gives the three ways out for a
# directory it does not scan, and does nothing for a staged install.
set -eu
hook=${srcdir:-.}/scripts/ldconfig-hook.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/known" "$tmp/unknown"
cat > "$tmp/bin/ldconfig" <<EOS
#!/bin/sh
if [ "\$*" = "-v -N -X" ]; then echo "$tmp/known: (from test.conf:1)"; exit 0; fi
echo "ldconfig \$*" >> "$tmp/calls"
EOS
chmod +x "$tmp/bin/ldconfig"
fail() { echo "ldconfig_hook: $*" >&2; exit 1; }

out=$(PATH="$tmp/bin:$PATH" sh "$hook" "$tmp/known" "")
if [ "$(id -u)" -eq 0 ]; then
    [ -f "$tmp/calls" ] || fail "root, known directory: ldconfig not run: $out"
else
    [ ! -f "$tmp/calls" ] || fail "not root: ldconfig run"
    echo "$out" | grep -q "sudo ldconfig" || fail "not root: no advice: $out"
fi
rm -f "$tmp/calls"

out=$(PATH="$tmp/bin:$PATH" sh "$hook" "$tmp/unknown" "")
[ ! -f "$tmp/calls" ] || fail "unknown directory: ldconfig run"
for way in LD_LIBRARY_PATH=$tmp/unknown "-Wl,-rpath,$tmp/unknown" \
           /etc/ld.so.conf.d/weft.conf; do
    echo "$out" | grep -qF -- "$way" || fail "unknown directory: no '$way': $out"
done

out=$(PATH="$tmp/bin:$PATH" sh "$hook" "$tmp/known" /stage)
[ -z "$out" ] && [ ! -f "$tmp/calls" ] || fail "staged install: $out"
echo "ldconfig_hook: ok"
