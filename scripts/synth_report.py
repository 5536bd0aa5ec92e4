#!/usr/bin/env python3
"""synth_report.py: the nextpnr-ecp5 --report JSON -> build/synth/report.json and a readable table.

Reports LUT4 (nextpnr bel TRELLIS_COMB: a LUT4 or half a carry cell), FF (TRELLIS_FF), DP16KD and
MULT18X18D used / available, every clock's Fmax achieved against its constraint, the seed and the tool
versions. Standard library only. A missing or malformed input prints one line naming it and exits 1.
"""
import argparse
import json
import sys

RESOURCES = [("LUT4", "TRELLIS_COMB"), ("FF", "TRELLIS_FF"), ("DP16KD", "DP16KD"),
             ("MULT18X18D", "MULT18X18D"), ("EHXPLLL", "EHXPLLL"), ("IO", "TRELLIS_IO")]


def fail(msg):
    print(f"synth_report: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", required=True, help="nextpnr --report JSON")
    ap.add_argument("--log", help="nextpnr log (for the max-frequency lines, optional)")
    ap.add_argument("--versions", help="text file with the tool version lines")
    for k in ("board", "device", "package", "speed", "seed", "top"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--table", required=True)
    a = ap.parse_args()
    try:
        with open(a.report) as f:
            rep = json.load(f)
    except OSError as e:
        fail(f"{a.report}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(f"{a.report}: not JSON: {e}")
    util = rep.get("utilization")
    fmax = rep.get("fmax")
    if not isinstance(util, dict) or not isinstance(fmax, dict):
        fail(f"{a.report}: no 'utilization' or 'fmax' object (is it a nextpnr --report file?)")
    versions = []
    if a.versions:
        try:
            with open(a.versions) as f:
                versions = [ln.strip() for ln in f if ln.strip() and not ln.startswith("Preparing")]
        except OSError as e:
            fail(f"{a.versions}: cannot read: {e.strerror}")
    res = {}
    for name, bel in RESOURCES:
        u = util.get(bel, {"used": 0, "available": 0})
        res[name] = {"bel": bel, "used": int(u.get("used", 0)), "available": int(u.get("available", 0))}
    clocks = {}
    for clk, v in fmax.items():
        ach, con = float(v.get("achieved", 0.0)), float(v.get("constraint", 0.0))
        clocks[clk] = {"achieved_mhz": round(ach, 2), "constraint_mhz": round(con, 2), "met": ach >= con}
    out = {"board": a.board, "top": a.top, "device": a.device, "package": a.package, "speed": int(a.speed),
           "seed": int(a.seed), "tools": versions, "resources": res, "clocks": clocks,
           "all_bels": {k: v for k, v in sorted(util.items())}}
    with open(a.out, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    lines = [f"{a.top} on {a.board}: LFE5U-{a.device.upper()} {a.package} speed {a.speed}, nextpnr seed {a.seed}",
             "", f"{'resource':<12}{'used':>8}{'available':>11}{'%':>8}"]
    for name, r in res.items():
        pct = 100.0 * r["used"] / r["available"] if r["available"] else 0.0
        lines.append(f"{name:<12}{r['used']:>8}{r['available']:>11}{pct:>7.1f}%")
    lines += ["", f"{'clock':<32}{'Fmax MHz':>10}{'target':>9}  met"]
    for clk, c in clocks.items():
        lines.append(f"{clk:<32}{c['achieved_mhz']:>10.2f}{c['constraint_mhz']:>9.2f}  {'yes' if c['met'] else 'NO'}")
    lines += ["", "tools:"] + [f"  {v}" for v in versions]
    text = "\n".join(lines) + "\n"
    with open(a.table, "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
