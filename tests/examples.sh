#!/bin/sh
# tests/examples.sh: the documented examples run and print what the docs
# say: exact virtual times under sim, the same results under real.
set -eu
ex=${top_builddir:-.}/examples
check() { # backend, program, expected line (a grep pattern)
    out=$(WEFT_BACKEND=$1 "$ex/$2") || true
    if ! printf '%s\n' "$out" | grep -q "$3"; then
        echo "examples: $1 $2: expected '$3', got: $out" >&2
        exit 1
    fi
}
check sim groups "join: Input/output error after 20 ms"
check real groups "join: Input/output error after"
check sim timeouts "move_on_after: rc=0 at 100 ms"
check sim timeouts "fail_after: Connection timed out, cleanup rc=0, at 250 ms"
check real timeouts "fail_after: Connection timed out, cleanup rc=0"
check sim start "server ready on port 8080 (rc=0)"
check real start "server ready on port 8080 (rc=0)"
# the racy example: seed 1 loses a deposit, seed 5 does not, real does not
check sim racy "" # builds and runs
WEFT_BACKEND=sim WEFT_SEED=1 "$ex/racy" | grep -q "lost update"
WEFT_BACKEND=sim WEFT_SEED=5 "$ex/racy" | grep -q "balance 60"
WEFT_BACKEND=real "$ex/racy" | grep -q "balance 60"
# The echo server: orders only (each step waits for the line that says
# the previous one happened), every wait bounded.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wait_for() { # pattern, file
    i=0
    until grep -qs "$1" "$2"; do
        i=$((i + 1))
        if [ $i -gt 400 ]; then
            echo "examples: echo: no '$1' in: $(cat "$2")" >&2
            exit 1
        fi
        sleep 0.05
    done
}
echo_run() { # idle_ms: starts a server, sets pid and port
    rm -f "$tmp/server" # else the last server's port could be read
    WEFT_BACKEND=real "$ex/echo" 0 "$1" >"$tmp/server" 2>&1 &
    pid=$!
    wait_for "listening on port" "$tmp/server"
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$tmp/server")
}
echo_stop() { # expected summary line
    kill -TERM $pid
    st=0
    wait $pid || st=$?
    if [ $st -ne 0 ] || ! grep -q "$1" "$tmp/server"; then
        echo "examples: echo: exit $st, expected '$1' in: $(cat "$tmp/server")" >&2
        exit 1
    fi
}
# a message echoed; a silent client closed by the idle timeout
echo_run 100
"$ex/echo" --client "$port" hello | grep -q "got 'hello'"
"$ex/echo" --idle "$port" | grep -q "closed by the server (eof)"
echo_stop "served 2 connection(s), 1 closed idle, 0 open; exit 0"
# SIGTERM with a connection open: it is closed, the server exits 0
echo_run 60000
"$ex/echo" --idle "$port" >"$tmp/client" &
cpid=$!
wait_for "connection 1 accepted" "$tmp/server"
echo_stop "served 1 connection(s), 0 closed idle, 0 open; exit 0"
wait $cpid
grep -q "closed by the server (eof)" "$tmp/client"
# under sim: it listens on the simulated network, but there are no
# signals to wait for (-ENOTSUP): the server shuts down at once, exit 1
out=$(WEFT_BACKEND=sim "$ex/echo" 2>&1) && exit 1
printf '%s\n' "$out" | grep -q "listening on port"
printf '%s\n' "$out" | grep -q "served 0 connection(s).*exit 1"
echo "examples: ok"
