#!/bin/sh
# run_board_cli.sh SERVER SHIFTFORMER OUTDIR WINDOWS: CTest host.board_cli_100_windows. Starts the Verilated
# board top with the accelerator core on a pseudo-terminal (sf_board_core_pty --link OUTDIR/pty), runs
# `shiftformer board --port OUTDIR/pty --windows WINDOWS` against it (the shipped model), stops the server
# (by its process id) and exits with shiftformer's code (0: every forecast bit-exact).
set -u
server=$1; sf=$2; out=$3; windows=$4
mkdir -p "$out"
rm -f "$out/pty"
"$server" --link "$out/pty" > "$out/server.log" 2>&1 &
pid=$!
i=0
while [ ! -e "$out/pty" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -e "$out/pty" ]; then echo "run_board_cli: the server did not come up"; kill "$pid"; exit 1; fi
"$sf" board --port "$out/pty" --windows "$windows" --timeout-ms 20000 --json "$out/board.json"
rc=$?
kill "$pid"
wait "$pid" 2>/dev/null
cat "$out/server.log"
exit $rc
