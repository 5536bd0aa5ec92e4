#!/usr/bin/env python3
"""scripts/pll_params.py against ecppll and the RTL: the 100 MHz settings it derives must be the defaults
written in rtl/board/sf_pll.v and in every board top (one clock, two places: the Makefile passes the
derived ones, simulation uses the defaults); any clock it accepts must make the requested frequency from
25 MHz with a VCO in the ECP5's 400..800 MHz; bad requests exit non-zero naming the option; --out rewrites
the file only when the settings change. Usage: test_pll_params.py <repo root>"""
import os
import re
import subprocess
import sys
import tempfile

root = sys.argv[1] if len(sys.argv) > 1 else "."
script = os.path.join(root, "scripts", "pll_params.py")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")


def run(*args):
    return subprocess.run([sys.executable, script, *args], capture_output=True, text=True, timeout=900)


def params(out):
    return {k: int(v) for k, v in re.findall(r"-chparam (\w+) (\d+)", out)}


def verilog_defaults(path, prefix=""):
    text = open(path).read()
    return {k: int(v.replace("_", "")) for k, v in re.findall(r"parameter integer (%s\w+)\s*=\s*([0-9_]+)" % prefix, text)}


r = run("--in-mhz", "25", "--out-mhz", "100")
check(r.returncode == 0, f"100 MHz: exit {r.returncode} {r.stderr}")
p100 = params(r.stdout)
pll = verilog_defaults(os.path.join(root, "rtl", "board", "sf_pll.v"))
for k in ("CLKI_DIV", "CLKFB_DIV", "CLKOP_DIV", "CLKOP_CPHASE"):
    check(p100.get("PLL_" + k) == pll.get(k), f"sf_pll.v default {k}={pll.get(k)} != ecppll's {p100.get('PLL_' + k)}")
boards = os.path.join(root, "synth", "boards")
for b in sorted(os.listdir(boards)):
    for f in os.listdir(os.path.join(boards, b)):
        if f.endswith("_top.v"):
            top = verilog_defaults(os.path.join(boards, b, f))
            for k, v in p100.items():
                check(top.get(k) == v, f"{b}/{f}: default {k}={top.get(k)} != {v} (100 MHz)")

for mhz in (75, 50, 100):
    r = run("--in-mhz", "25", "--out-mhz", str(mhz))
    p = params(r.stdout)
    check(r.returncode == 0 and len(p) == 5, f"{mhz} MHz: exit {r.returncode}, {r.stdout.strip()}")
    if len(p) == 5:
        pfd = 25.0 / p["PLL_CLKI_DIV"]
        out = pfd * p["PLL_CLKFB_DIV"]              # feedback from CLKOP
        vco = out * p["PLL_CLKOP_DIV"]
        check(abs(out - mhz) < 1e-6 and p["CLK_HZ"] == mhz * 1000000, f"{mhz} MHz: the divisors make {out} MHz")
        check(400.0 <= vco <= 800.0, f"{mhz} MHz: VCO {vco} MHz outside 400..800")

for args, name in ((["--in-mhz", "25", "--out-mhz", "0"], "--out-mhz"),
                   (["--in-mhz", "-5", "--out-mhz", "75"], "--in-mhz"),
                   (["--in-mhz", "25", "--out-mhz", "68", "--tolerance", "0"], "cannot make")):
    r = run(*args)
    check(r.returncode != 0 and name in r.stderr and r.stdout == "",
          f"{args}: expected a non-zero exit naming '{name}', got {r.returncode} {r.stderr.strip()!r}")

with tempfile.TemporaryDirectory() as tmp:
    f = os.path.join(tmp, "pll_params.txt")
    r1 = run("--in-mhz", "25", "--out-mhz", "75", "--out", f)
    m1 = os.stat(f).st_mtime_ns
    content = open(f).read()
    os.utime(f, ns=(m1 - 10**9, m1 - 10**9))
    r2 = run("--in-mhz", "25", "--out-mhz", "75", "--out", f)
    check(r1.returncode == 0 and r2.returncode == 0, "--out: exit status")
    check(os.stat(f).st_mtime_ns == m1 - 10**9, "--out rewrote an unchanged file (make would re-synthesize)")
    run("--in-mhz", "25", "--out-mhz", "50", "--out", f)
    check(open(f).read() != content and "CLK_HZ 50000000" in open(f).read(), "--out did not follow a new clock")
    check(not os.path.exists(f + ".tmp"), "--out left its temporary file")

print(f"test_pll_params: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
