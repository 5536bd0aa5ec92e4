#!/usr/bin/env python3
"""timing_endpoints.py: the registers that limit Fmax, from nextpnr's detailed timing report.

nextpnr prints one critical path per clock; this lists every timing endpoint (flip-flop, block-RAM or
LUT-RAM input) whose data arrives late, grouped by register (bit indices folded: `u_w.s2_s0[]` is one
row for all its bits), worst first: the latest arrival in ns, the number of endpoint bits, the register
(its name in the Yosys netlist), the endpoint port (DI/M data, CE enable, LSR reset, ADA/ADB block-RAM
address, WD LUT-RAM data) and the last net before it. Input: `nextpnr --report R --detailed-timing-report`
and the netlist nextpnr read (top.json). Standard library only; a missing or malformed input prints one
line naming it and exits 1.

  timing_endpoints.py --report nextpnr_report.json --netlist top.json [--period NS] [--rows 40] --out F
--period: arrival time above which an endpoint is listed (default: the constraint of the report's
first clock); clock skew and setup are not added (nextpnr's ECP5 model gives 0 setup for slice inputs).
"""
import argparse
import collections
import json
import os
import re
import sys


def fail(msg):
    print(f"timing_endpoints: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path, what):
    try:
        with open(path) as f:
            return json.load(f)
    except OSError as e:
        fail(f"{path}: cannot read {what}: {e.strerror}")
    except json.JSONDecodeError as e:
        fail(f"{path}: {what} is not JSON: {e}")


def register_names(netlist, path):
    """cell name -> the name of the net on its Q output (Yosys JSON netlist of the top module)."""
    mods = netlist.get("modules") if isinstance(netlist, dict) else None
    if not isinstance(mods, dict):
        fail(f"{path}: no 'modules' in the netlist")
    top = [m for m in mods.values() if str(m.get("attributes", {}).get("top", "0")).strip("0") != ""]
    if len(top) != 1:
        fail(f"{path}: expected one top module, found {len(top)}")
    top = top[0]
    bitname = {}
    for name, nn in top.get("netnames", {}).items():
        if name.startswith("$"):
            continue
        for i, b in enumerate(nn.get("bits", [])):
            if isinstance(b, int):
                bitname.setdefault(b, f"{name}[{i}]")
    names = {}
    for cname, c in top.get("cells", {}).items():
        q = c.get("connections", {}).get("Q")
        if q and isinstance(q[0], int) and q[0] in bitname:
            names[cname] = bitname[q[0]]
    return names


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", required=True, help="nextpnr --report JSON (with --detailed-timing-report)")
    ap.add_argument("--netlist", required=True, help="the Yosys JSON netlist nextpnr placed")
    ap.add_argument("--period", type=float, help="list endpoints arriving later than this (ns)")
    ap.add_argument("--rows", type=int, default=40, help="register groups to print (default 40)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rep = load(a.report, "nextpnr report")
    nets = rep.get("detailed_net_timings") if isinstance(rep, dict) else None
    if not isinstance(nets, list):
        fail(f"{a.report}: no 'detailed_net_timings' (run nextpnr with --detailed-timing-report)")
    period = a.period
    if period is None:
        fmax = rep.get("fmax") or {}
        cons = [v.get("constraint") for v in fmax.values() if isinstance(v, dict) and v.get("constraint")]
        if not cons:
            fail(f"{a.report}: no clock constraint in 'fmax'; give --period")
        period = 1000.0 / float(max(cons))
    regs = register_names(load(a.netlist, "netlist"), a.netlist)

    groups = collections.defaultdict(list)
    total = 0
    for n in nets:
        for e in n.get("endpoints", []):
            try:
                arrival = float(e["delay"][1])
            except (KeyError, IndexError, TypeError, ValueError):
                fail(f"{a.report}: endpoint of net {n.get('net')!r} has no arrival time")
            if arrival <= period:
                continue
            total += 1
            reg = regs.get(e["cell"], e["cell"])
            port = re.sub(r"(?<=[A-Z])\d+$", "", e.get("port", "?"))   # ADB5, ADB6 .. -> ADB
            key = (re.sub(r"\[\d+\]", "[]", re.sub(r"\$\d+", "$", reg)), port)
            groups[key].append((arrival, n.get("net", "?")))
    rows = sorted(groups.items(), key=lambda kv: -max(x[0] for x in kv[1]))
    lines = [f"# endpoints arriving later than {period:.2f} ns: {total} bits in {len(rows)} register groups",
             f"# {'worst ns':>8} {'bits':>5}  register  port  <- last net (worst bit)"]
    for (reg, port), v in rows[:a.rows]:
        worst = max(v)
        lines.append(f"  {worst[0]:8.2f} {len(v):5d}  {reg}  {port}  <- {worst[1]}")
    if len(rows) > a.rows:
        lines.append(f"  ... {len(rows) - a.rows} more groups")
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, a.out)
    print("\n".join(lines[:12]))


if __name__ == "__main__":
    main()
