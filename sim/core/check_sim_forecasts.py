#!/usr/bin/env python3
"""check_sim_forecasts.py: sf_sim --forecasts/--window-list/--preset against the integer engine (CTest).

  check_sim_forecasts.py SF_SIM SHIFTFORMER MODEL WORKDIR

Runs `sf_sim --window-list 3,1400 --preset check --forecasts F --json J` (the RTL core on two chosen test windows)
and `shiftformer engine --forecasts E` (the integer engine on the whole test split); every RTL row must be the
engine's row of that window (data row, step, truth, forecast in degrees), raw * 2^-6 the forecast, and the JSON
must name the model, the preset and exactly the two windows. `shiftformer compile --json` (the report's latency
point) must give the cycles per forecast the RTL took (sf_sim checks every window's o_done against the cycle model).
Exit 1 with one line on any difference.
"""
import csv
import json
import os
import subprocess
import sys


def fail(msg):
    print(f"check_sim_forecasts: {msg}")
    sys.exit(1)


def main():
    sf_sim, tool, model, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    f_rtl, j_rtl, f_eng = (os.path.join(work, n) for n in ("rtl.csv", "rtl.json", "engine.csv"))
    for f in (f_rtl, j_rtl, f_eng):
        if os.path.exists(f):
            os.remove(f)
    r = subprocess.run([sf_sim, "--model", model, "--window-list", "3,1400", "--preset", "check", "--threads", "2",
                        "--forecasts", f_rtl, "--json", j_rtl], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"sf_sim exit {r.returncode}: {r.stdout[-400:]} {r.stderr[-400:]}")
    r = subprocess.run([tool, "engine", "--model", model, "--forecasts", f_eng], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"shiftformer engine exit {r.returncode}: {r.stderr[-400:]}")
    j = json.load(open(j_rtl))
    if j.get("preset") != "check" or j.get("model") != model or j.get("window_list") != [3, 1400] or \
            j.get("windows") != 2 or j.get("bit_exact") != 2:
        fail(f"{j_rtl}: unexpected summary {j}")
    eng = {}
    for row in csv.DictReader(open(f_eng)):
        eng[(int(row["window"]), int(row["step"]))] = row
    rows = list(csv.DictReader(open(f_rtl)))
    if sorted({int(x["window"]) for x in rows}) != [3, 1400] or len(rows) != 2 * len({k[1] for k in eng}):
        fail(f"{f_rtl}: windows {sorted({int(x['window']) for x in rows})}, {len(rows)} rows")
    for x in rows:
        e = eng[(int(x["window"]), int(x["step"]))]
        if (x["row"], x["truth"], x["forecast"]) != (e["row"], e["truth"], e["forecast"]):
            fail(f"window {x['window']} step {x['step']}: RTL {dict(x)} engine {dict(e)}")
        if f"{int(x['raw']) / 64:.4f}" != x["forecast"]:
            fail(f"window {x['window']} step {x['step']}: raw {x['raw']} is not forecast {x['forecast']}")
    j_cmp = os.path.join(work, "compile.json")
    if os.path.exists(j_cmp):
        os.remove(j_cmp)
    r = subprocess.run([tool, "compile", "--model", model, "--json", j_cmp], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"shiftformer compile exit {r.returncode}: {r.stderr[-400:]}")
    c = json.load(open(j_cmp))
    if c.get("cycles_per_forecast") != j["cycles"] or j.get("trace_exact") != 2 or c.get("model") != model or \
            c.get("simulator_bit_exact") != c.get("simulator_windows"):
        fail(f"compile --json {c} against sf_sim cycles {j['cycles']}, trace_exact {j.get('trace_exact')}")
    print(f"compile --json: {c['cycles_per_forecast']} cycles per forecast, as the RTL took")
    print(f"sf_sim --forecasts: {len(rows)} rows of windows 3 and 1400 equal to the integer engine's; JSON names "
          f"model and preset")
    return 0


if __name__ == "__main__":
    sys.exit(main())
