#!/usr/bin/env python3
"""sim_speed.py: Verilator against Icarus Verilog on the same top (sf_core, the RTL file list of
sim/core/core_rtl.cmake) and the same windows, measured side by side in one run, compared bit for bit.

  sim_speed.py --sf-sim build/bin/sf_sim --vvp build/sim/tb_core_iv.vvp --model M.sfint [--preset NAME]
               [--windows N | --window-list I,J] --work DIR --json OUT

1. `sf_sim --threads 1 --stim-dir DIR` simulates the windows on the Verilated core, checked against the
   integer engine and the cycle model, writes the stimulus ($readmemh files) and times one plain run of the same
   stimulus (DIR/verilator.json: every clock cycle, seconds, o_done cycles, forecasts).
2. `vvp tb_core_iv.vvp +dir=DIR` runs the same stimulus under Icarus (sim/core/tb_core_iv.v), timed here.
3. Both must agree on every forecast, every o_done cycle and the number of clock cycles; then OUT gets
   {"design", "model", "preset", "windows", "window_list", "bit_exact": true, "load_avg", "runs": [{"simulator",
   "version", "cycles", "seconds", "cpu_seconds", "cycles_per_s"}]}. Any difference: one line, exit 1.
Simulated cycles per second = every clock cycle of the run (reset, host load, readings, forecasts, reads)
over its wall time; both simulators run the identical cycle sequence, one thread each.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time


def fail(msg):
    print(f"sim_speed: {msg}", file=sys.stderr)
    sys.exit(1)


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sf-sim", required=True)
    ap.add_argument("--vvp", required=True, help="tb_core_iv compiled by iverilog (build/sim/tb_core_iv.vvp)")
    ap.add_argument("--vvp-bin", default="vvp")
    ap.add_argument("--model", required=True)
    ap.add_argument("--preset", default="")
    ap.add_argument("--windows", type=int, default=0)
    ap.add_argument("--window-list", default="")
    ap.add_argument("--data", default="")
    ap.add_argument("--target", default="")
    ap.add_argument("--work", required=True)
    ap.add_argument("--json", required=True)
    a = ap.parse_args()
    if a.windows <= 0 and not a.window_list:
        fail("give --windows N or --window-list")
    for f in (a.sf_sim, a.vvp, a.model):
        if not os.path.exists(f):
            fail(f"{f}: not found")
    os.makedirs(a.work, exist_ok=True)
    for f in ("verilator.json", "iverilog_out.txt"):
        if os.path.exists(os.path.join(a.work, f)):
            os.remove(os.path.join(a.work, f))
    load0 = os.getloadavg()
    cmd = [a.sf_sim, "--model", a.model, "--threads", "1", "--stim-dir", a.work,
           "--json", os.path.join(a.work, "checked.json")]
    if a.preset:
        cmd += ["--preset", a.preset]
    if a.windows > 0:
        cmd += ["--windows", str(a.windows)]
    if a.window_list:
        cmd += ["--window-list", a.window_list]
    if a.data:
        cmd += ["--data", a.data]
    if a.target:
        cmd += ["--target", a.target]
    r = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)}: exit {r.returncode}: {(r.stdout + r.stderr).strip().splitlines()[-1:]}")
    ver = json.load(open(os.path.join(a.work, "verilator.json")))
    checked = json.load(open(os.path.join(a.work, "checked.json")))

    t0, c0 = time.monotonic(), child_cpu()
    r = subprocess.run([a.vvp_bin, "-n", a.vvp, f"+dir={a.work}"], capture_output=True, text=True)
    secs, cpu = time.monotonic() - t0, child_cpu() - c0
    out = os.path.join(a.work, "iverilog_out.txt")
    if r.returncode != 0 or not os.path.exists(out):
        fail(f"vvp {a.vvp}: exit {r.returncode}, no {out}: {(r.stdout + r.stderr).strip()[-300:]}")
    done, fc, cycles = [], [], None
    for ln in open(out):
        t = ln.split()
        if not t:
            continue
        if t[0] == "window":
            done.append(int(t[3]))
        elif t[0] == "cycles":
            cycles = int(t[1])
        else:
            fc.append(int(t[0]))
    n = checked["windows"]
    if len(done) != n or cycles is None:
        fail(f"{out}: {len(done)} windows (want {n}), cycles {'missing' if cycles is None else cycles}")
    if done != ver["done"]:
        fail(f"o_done cycles differ: Icarus {done}, Verilator {ver['done']}")
    if fc != ver["forecasts"]:
        k = next(i for i, (x, y) in enumerate(zip(fc, ver["forecasts"])) if x != y) if len(fc) == len(
            ver["forecasts"]) else -1
        fail(f"forecasts differ (first at value {k}): Icarus {len(fc)} values, Verilator {len(ver['forecasts'])}")
    if cycles != ver["cycles"]:
        fail(f"clock cycles differ: Icarus {cycles}, Verilator {ver['cycles']}")
    vr = subprocess.run([a.vvp_bin, "-V"], capture_output=True, text=True)
    iv_version = (vr.stdout + vr.stderr).strip().splitlines()
    runs = [
        {"simulator": "Verilator", "version": ver["version"], "threads": 1, "cycles": ver["cycles"],
         "seconds": ver["seconds"], "cpu_seconds": ver["cpu_seconds"],
         "cycles_per_s": ver["cycles"] / ver["seconds"]},
        {"simulator": "Icarus Verilog (vvp)", "version": iv_version[0] if iv_version else "?", "threads": 1,
         "cycles": cycles, "seconds": secs, "cpu_seconds": cpu, "cycles_per_s": cycles / secs},
    ]
    res = {"design": "sf_core (rtl files of sim/core/core_rtl.cmake; sim/core/tb_core_iv.v, sim/core/core_bench.h)",
           "model": a.model, "preset": checked.get("preset", a.preset), "windows": n,
           "window_list": checked.get("window_list", []), "cycles_per_forecast": checked["cycles"],
           "bit_exact": True, "engine_bit_exact": checked["bit_exact"], "load_avg": [load0, os.getloadavg()],
           "runs": runs}
    tmp = a.json + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(a.json)), exist_ok=True)
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1)
    os.replace(tmp, a.json)
    for x in runs:
        print(f"{x['simulator']:22s} {x['cycles']:>10,} cycles in {x['seconds']:8.2f} s: {x['cycles_per_s']:>12,.0f} "
              f"cycles/s (CPU {x['cpu_seconds']:.2f} s)")
    print(f"Icarus = Verilator bit for bit on {n} windows ({len(fc)} forecasts, o_done cycles, {cycles:,} clock "
          f"cycles); Verilator {runs[0]['cycles_per_s'] / runs[1]['cycles_per_s']:.0f}x faster; wrote {a.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
