#!/usr/bin/env python3
"""report.py: assembles build/report/REPORT.md and its PNG figures from the sweep points of one run.

  report.py --points DIR --out DIR --variant full|quick [--start-file F] [--data CSV] [--build DIR]
            [--synth-json F] [--hw-dir DIR] [--sim-json F] [--speed-json F] [--rtl-forecasts CSV] ...

It runs nothing but reads: every figure comes from the JSON the sweep points wrote (mk/report.mk), and
the hardware figures from the files below when they exist ("not yet measured" otherwise, never made up).
Standard library and matplotlib only. A missing or malformed point prints one line and exits 1.

Hardware inputs (written by the RTL/synthesis flow, read when present):
  --synth-json   scripts/synth_report.py output (build/synth/report.json): "top", "resources"
                 {"LUT4": {"used", "available"}, "DP16KD": ..., "MULT18X18D": ...}, "clocks"
                 {name: {"achieved_mhz", ...}}. Shown as is; joined to a sweep point only if it carries
                 "preset" (the quantize spec string, e.g. "all2").
  --hw-dir       any number of files *.json in the same format, each with "preset" (a sweep point's spec,
                 e.g. "all2" or "all2,*.cross=32") and optionally "core" (a configuration name) and
                 "cycles_per_forecast" and "clock_mhz"; they fill the Pareto table's hardware columns.
                 Files with "w_max" instead (synth_units.py --qlinear-wmax: the weight array sf_qlinear out of
                 context, "resources", "config", "source") are joined to every sweep point whose widest deployed
                 weight fits W_MAX (the smallest such W_MAX): the weight-array LUT4 column.
  POINTS/cycles-allN.json  `shiftformer compile --json` of the bit-width points (cycle model): "cycles_per_forecast",
                 "wmem_words", ...; or {"error"} when the model does not fit the core: the latency column.
  --sim-json     the core simulation's summary, as sim/core/sf_sim --json writes it: {"windows", "bit_exact",
                 "cycles" (per forecast), "mse_rtl", "mse_engine", "cycles_per_s", "threads", ...}, optionally
                 "preset" (joins its latency to that sweep point) and "clock_mhz" (default 100).
  --rtl-forecasts  the core simulation's test forecasts, CSV window,row,step,truth,forecast[,raw] (degrees), as
                 `sf_sim --forecasts` writes: the RTL line of the forecast plot, compared value by value (Q10.6)
                 with the integer engine's forecasts of the 2-bit point (POINTS/bits-all2.forecasts.csv).
  --speed-json   Verilator against Icarus on the same top and windows (scripts/sim_speed.py): {"design",
                 "windows", "runs": [{"simulator", "version", "cycles", "seconds", "cpu_seconds"}], "bit_exact"}
                 -> simulated cycles per second.
  --load-log     "epoch-seconds load1" lines sampled while the points ran (mk/report.mk).
"""
import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import (FormatStrFormatter, LogLocator, MaxNLocator, NullFormatter,  # noqa: E402
                               ScalarFormatter)

GROUPS = [  # tag, label, linear layers of the default model it covers
    ("enc_in", "encoder input embedding", ["enc_in"]),
    ("dec_in", "decoder input embedding", ["dec_in"]),
    ("selfattn", "self-attention projections (encoder + decoder)", ["enc*.attn", "dec*.self"]),
    ("cross", "context (cross) attention", ["dec*.cross"]),
    ("ff", "feed-forward", ["*.ff1", "*.ff2"]),
    ("out", "output head", ["out"]),
]
WIDTHS = [8, 4, 3, 2, 1]
NA = "not yet measured"


def fail(msg):
    print(f"report: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path, required=True):
    if not os.path.exists(path):
        if required:
            fail(f"{path}: missing (run the sweep point: make {path})")
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        fail(f"{path}: cannot read: {e}")


def run(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "not found"


def environment(build):
    cxx = "c++"
    cache = os.path.join(build, "CMakeCache.txt")
    if os.path.exists(cache):
        for ln in open(cache):
            if ln.startswith("CMAKE_CXX_COMPILER:"):
                cxx = ln.split("=", 1)[1].strip()
    cpu = "?"
    try:
        for ln in open("/proc/cpuinfo"):
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = run(["git", "rev-parse", "--short=12", "HEAD"])
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return [
        ("git commit", commit + (" (working tree has uncommitted changes)" if dirty else "")),
        ("C++ compiler", f"{cxx}: {run([cxx, '--version'])}"),
        ("CMake", run(["cmake", "--version"])),
        ("Python", platform.python_version() + f" ({sys.executable})"),
        ("matplotlib", matplotlib.__version__),
        ("machine", f"{os.cpu_count()} logical CPUs (nproc {run(['nproc'])}), {cpu}"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("date", time.strftime("%Y-%m-%d %H:%M:%S %Z")),
    ]


def f4(x):
    return "" if x is None else f"{x:.4f}"


def qmse(p):
    q = p.get("qat")
    return q["mse"] if isinstance(q, dict) else None


def save(fig, path):
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    plt.close(fig)
    os.replace(tmp, path)


def read_forecasts(path):
    d = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            d.setdefault(int(row["window"]), []).append((int(row["row"]), float(row["truth"]), float(row["forecast"])))
    return d


def read_column(path, target):
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        if target not in header:
            fail(f"{path}: no column {target}")
        c = header.index(target)
        return [float(row[c]) for row in r if row]


def plot_forecasts(series, lines, windows, seq_len, unit, title, path):
    """lines: [(label, forecasts dict, style)]; the truth comes from the first."""
    fig, axes = plt.subplots(1, len(windows), figsize=(5.0 * len(windows), 3.7), squeeze=False, sharey=False)
    first = lines[0][1]
    for ax, w in zip(axes[0], windows):
        rows = [r for r, _, _ in first[w]]
        t0 = rows[0]
        hist = list(range(max(0, t0 - seq_len), t0))
        rel = lambda rr: [r - t0 for r in rr]  # noqa: E731
        ax.plot(rel(hist), [series[r] for r in hist], color="0.55", lw=1.2, label="input (48 h)")
        ax.plot(rel(rows), [t for _, t, _ in first[w]], color="black", lw=1.8, label="ground truth")
        for label, fc, style in lines:
            ax.plot(rel(rows), [f for _, _, f in fc[w]], label=label, **style)
        ax.axvline(-0.5, color="0.8", lw=0.8, ls=":")
        ax.set_title(f"test window {w} (data rows {t0}..{rows[-1]})", fontsize=9)
        ax.set_xlabel("hours relative to forecast start")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(unit)
    hs, ls = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.legend(hs, ls, loc="lower center", ncol=len(ls), fontsize=9, frameon=False)
    save(fig, path)


def deployed_width(spec):
    """Widest deployed weight of a quantize spec ("all2", "fp32,*.ff=2", "all2,enc_in=32"): float (fp32, =32)
    deploys at 8 bits; None when the spec is not understood."""
    widest = 0
    for i, part in enumerate(spec.split(",")):
        v = part if i == 0 else part.split("=", 1)[-1]
        if i == 0 and v in ("fp32", "paper"):
            b = 8
        elif i == 0 and v.startswith("all") and v[3:].isdigit():
            b = int(v[3:])
        elif i > 0 and v.isdigit():
            b = int(v)
        else:
            return None
        widest = max(widest, 8 if b >= 32 else b)
    return widest


def wmax_for(width, arrays):
    """The smallest synthesized W_MAX that runs weights of `width` bits (the core's modes are 2, 4, 8)."""
    if width is None:
        return None
    fit = sorted(w for w in arrays if w >= width)
    return fit[0] if fit else None


DP16KD_BITS = 18 * 1024


def pareto_front(pts):
    """pts: [(compression, mse, ...)]; front = no other point has >= compression and <= mse (one strictly)."""
    front = []
    for p in pts:
        dominated = any((q[0] >= p[0] and q[1] <= p[1]) and (q[0] > p[0] or q[1] < p[1]) for q in pts)
        front.append(not dominated)
    return front


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--variant", required=True, choices=["full", "quick"])
    ap.add_argument("--start-file", help="epoch seconds and load averages when make report started")
    ap.add_argument("--end-file", help="epoch seconds when the points were done (default: now)")
    ap.add_argument("--data", default="data/ETT/ETTh1.csv")
    ap.add_argument("--config", default="configs/default.toml")
    ap.add_argument("--build", default="build")
    ap.add_argument("--synth-json", default="build/synth/report.json")
    ap.add_argument("--hw-dir", default="build/synth/points")
    ap.add_argument("--sim-json", default="build/sim/summary.json")
    ap.add_argument("--speed-json", default="build/sim/speed.json")
    ap.add_argument("--rtl-forecasts", default="build/sim/forecasts.csv")
    ap.add_argument("--gen-target", default="HUFL")
    ap.add_argument("--gen-data", default="data/ETT/ETTh1.csv")
    ap.add_argument("--make-jobs", default="")
    ap.add_argument("--train-args", default="", help="the FP32 points' extra options (for the budget line)")
    ap.add_argument("--qat-bits-args", default="", help="the bit-width points' QAT options")
    ap.add_argument("--qat-sens-args", default="", help="the sensitivity points' QAT options")
    ap.add_argument("--windows", default="0,1400,2800", help="test windows of the forecast plots")
    ap.add_argument("--load-log", default="", help="load averages sampled during the run")
    ap.add_argument("--sim-windows", default="", help="the RTL simulation point's window options (for the text)")
    a = ap.parse_args()
    P = a.points
    os.makedirs(a.out, exist_ok=True)
    t_end = time.time()
    t_start, load_start = None, None
    if a.start_file and os.path.exists(a.start_file):
        f = open(a.start_file).read().split()  # epoch seconds, then the 1/5/15-minute load averages
        t_start = float(f[0])
        load_start = " / ".join(f[1:4]) if len(f) >= 4 else None
    load_end = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    if a.end_file and os.path.exists(a.end_file):
        t_end = float(open(a.end_file).read().split()[0])
        if len(open(a.end_file).read().split()) >= 4:
            load_end = " / ".join(open(a.end_file).read().split()[1:4])

    train = load(f"{P}/fp32.train.json")
    ev = load(f"{P}/fp32.eval.json")
    bits = {w: load(f"{P}/bits-all{w}.json") for w in WIDTHS}
    ref_fp = load(f"{P}/ref-fp32.json")
    only2 = {g: load(f"{P}/only2-{g}.json") for g, _, _ in GROUPS}
    keep = {g: load(f"{P}/keep-{g}.json") for g, _, _ in GROUPS}
    gen_train = load(f"{P}/gen-fp32.train.json", required=(a.variant == "full"))
    gen_eval = load(f"{P}/gen-fp32.eval.json", required=(a.variant == "full"))
    gen_q = load(f"{P}/gen-all2.json", required=(a.variant == "full"))
    base = train["baselines"]
    fp_mse = ev["test"]["mse"]
    quant_points = [("all%d" % w, bits[w]) for w in WIDTHS] + [("fp32 weights, 8-bit act.", ref_fp)] + \
        [(f"only {g} 2-bit", only2[g]) for g, _, _ in GROUPS] + [(f"all2, {g} kept", keep[g]) for g, _, _ in GROUPS]
    point_seconds = train["seconds"] + sum(p.get("seconds", 0.0) for _, p in quant_points)
    if gen_train:
        point_seconds += gen_train["seconds"] + gen_q.get("seconds", 0.0)

    # params per group, from the FP32 model's breakdown (weights + biases of its linear layers)
    br = {r["layer"]: r for r in ev["param_breakdown"]}

    def group_params(g):
        def match(layer):
            if g == "enc_in" or g == "dec_in" or g == "out":
                return layer == g
            if g == "selfattn":
                return layer.endswith(".attn") or layer.endswith(".self")
            if g == "cross":
                return layer.endswith(".cross")
            return layer.endswith(".ff1") or layer.endswith(".ff2")
        return sum(r["total"] for lname, r in br.items() if match(lname))

    total_params = ev["params"]

    # ---------------- figures ----------------
    figs = []
    # 1. training curves: FP32 per epoch, QAT per epoch at each width
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11.5, 3.9))
    h = train["history"]
    ax1.plot([e["epoch"] for e in h], [e["train_loss"] for e in h], marker="o", ms=3, label="training loss")
    ax1.plot([e["epoch"] for e in h], [e["val_mse"] for e in h], marker="o", ms=3, label="validation MSE")
    ax1.axvline(train["best_epoch"], color="0.6", ls=":", lw=1)
    ax1.annotate(f"best epoch {train['best_epoch']}", (train["best_epoch"], ax1.get_ylim()[1]), fontsize=8,
                 ha="left", va="top", xytext=(3, -3), textcoords="offset points")
    ax1.set(title="FP32 training (normalized MSE)", xlabel="epoch", ylabel="MSE")
    for w in WIDTHS:
        qh = bits[w].get("qat_history") or []
        if qh:
            ax2.plot([e["epoch"] for e in qh], [e["val_mse"] for e in qh], marker="o", ms=3, label=f"QAT all{w}")
    ax2.axhline(train["val"]["mse"], color="black", ls="--", lw=1, label="FP32 best (validation)")
    ax2.set(title="QAT fine-tuning: validation MSE per epoch", xlabel="QAT epoch", ylabel="MSE")
    for ax in (ax1, ax2):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, f"{a.out}/training.png")
    figs.append(("training.png", "training and validation curves"))

    # 2. forecasts in degrees Celsius
    seq_len = 48
    windows = [int(x) for x in a.windows.split(",")]
    fc_fp = read_forecasts(f"{P}/fp32.forecasts.csv")
    fc_q2 = read_forecasts(f"{P}/bits-all2.forecasts.csv")
    windows = [w for w in windows if w in fc_fp]
    series = read_column(a.data, "OT")
    lines = [("FP32", fc_fp, {"color": "tab:blue", "lw": 1.4}),
             ("QAT 2-bit, integer engine", fc_q2, {"color": "tab:red", "lw": 1.4, "ls": "--"})]
    rtl = os.path.exists(a.rtl_forecasts)
    sim = load(a.sim_json, required=False)
    if not isinstance(sim, dict):
        sim = None
    fc_rtl, rtl_check = {}, None
    if rtl:
        fc_rtl = read_forecasts(a.rtl_forecasts)
        # the RTL forecasts against the integer engine's of the same windows, as Q10.6 integers (the CSVs carry
        # degrees to 4 decimals; steps of 1/64 degree are recovered exactly)
        n_cmp = n_eq = 0
        first_diff = None
        for wi, rows in sorted(fc_rtl.items()):
            if wi not in fc_q2:
                continue
            for (r1, _, f1), (r2, _, f2) in zip(rows, fc_q2[wi]):
                n_cmp += 1
                same = r1 == r2 and round(f1 * 64) == round(f2 * 64)
                n_eq += same
                if not same and first_diff is None:
                    first_diff = (wi, r1, f1, f2)
        rtl_check = (n_cmp, n_eq, len(fc_rtl), first_diff)
        if all(w in fc_rtl for w in windows):
            who = f", {sim['preset']}" if sim and sim.get("preset") else ""
            lines.append((f"RTL sf_core (Verilator{who})", fc_rtl,
                          {"color": "tab:green", "lw": 0, "marker": "x", "ms": 5}))
        else:
            rtl = False
    plot_forecasts(series, lines, windows, seq_len, "oil temperature (°C)",
                   "ETTh1 oil temperature (OT): 24 h forecasts on test windows (FP32, QAT 2-bit"
                   + (", RTL)" if rtl else ")"), f"{a.out}/forecasts.png")
    figs.append(("forecasts.png", "forecast against ground truth (°C)"))

    # 2b. QAT against PTQ by bit width
    fig, ax = plt.subplots(figsize=(6.8, 4.0))
    xs = list(range(len(WIDTHS)))
    ax.plot(xs, [bits[b]["ptq"]["mse"] for b in WIDTHS], marker="s", color="tab:orange", label="PTQ")
    ax.plot(xs, [bits[b]["int_engine"]["mse"] for b in WIDTHS], marker="o", color="tab:blue",
            label="QAT (integer engine)")
    for i, b in enumerate(WIDTHS):
        for v, dy in ((bits[b]["ptq"]["mse"], 5), (bits[b]["int_engine"]["mse"], -11)):
            ax.annotate(f"{v:.4f}", (i, v), fontsize=7, ha="center", xytext=(0, dy), textcoords="offset points")
    ax.axhline(fp_mse, color="black", ls=":", lw=1, label=f"FP32 {fp_mse:.4f}")
    ax.axhline(base["persistence"]["mse"], color="0.5", ls="-.", lw=1,
               label=f"persistence {base['persistence']['mse']:.4f}")
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{b} bit{'s' if b > 1 else ''}\n{bits[b]['compression']['deployed_ratio']:.1f}x"
                        for b in WIDTHS])
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9)))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%.3g"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set(ylabel="test MSE (normalized, log scale)", title="every linear layer at N bits: PTQ and QAT")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    save(fig, f"{a.out}/bitwidth.png")
    figs.append(("bitwidth.png", "QAT against PTQ by bit width"))

    # 3. sensitivity bars
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    labels = [g for g, _, _ in GROUPS]
    x = range(len(labels))
    wbar = 0.38
    for ax, pts, ref, ref_label, title in (
            (ax1, only2, ref_fp, "none 2-bit (fp32 weights)", "(a) this group alone at 2 bits, rest float"),
            (ax2, keep, bits[2], "all 2-bit", "(b) this group alone kept high precision, rest 2 bits")):
        ax.bar([i - wbar / 2 for i in x], [p["ptq"]["mse"] for p in (pts[g] for g in labels)], wbar,
               label="PTQ", color="tab:orange")
        ax.bar([i + wbar / 2 for i in x], [p["int_engine"]["mse"] for p in (pts[g] for g in labels)], wbar,
               label="QAT (integer engine)", color="tab:blue")
        ax.axhline(ref["int_engine"]["mse"], color="tab:blue", ls="--", lw=1, label=f"QAT, {ref_label}")
        ax.axhline(ref["ptq"]["mse"], color="tab:orange", ls="--", lw=1, label=f"PTQ, {ref_label}")
        ax.axhline(fp_mse, color="black", ls=":", lw=1, label="FP32")
        ax.axhline(base["persistence"]["mse"], color="0.5", ls="-.", lw=1, label="persistence")
        ax.set_xticks(list(x))
        ax.set_xticklabels(labels)
        ax.set(title=title, ylabel="test MSE (normalized)")
        allv = [p["ptq"]["mse"] for p in pts.values()] + [p["int_engine"]["mse"] for p in pts.values()] + \
            [ref["ptq"]["mse"], ref["int_engine"]["mse"], fp_mse, base["persistence"]["mse"]]
        lo, hi = min(allv), max(allv)
        ax.set_ylim(lo - 0.15 * (hi - lo) - 1e-4, hi + 0.1 * (hi - lo) + 1e-4)
        ax.grid(alpha=0.3, axis="y")
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    fig.tight_layout()
    save(fig, f"{a.out}/sensitivity.png")
    figs.append(("sensitivity.png", "per-group sensitivity"))

    # 4. Pareto: integer-engine MSE against deployed compression, every quantized point
    hw, arrays = {}, {}
    if os.path.isdir(a.hw_dir):
        for fn in sorted(os.listdir(a.hw_dir)):
            if fn.endswith(".json"):
                j = load(os.path.join(a.hw_dir, fn))
                if isinstance(j, dict) and "preset" in j:
                    hw.setdefault(j["preset"], []).append(j)
                elif isinstance(j, dict) and isinstance(j.get("w_max"), int):
                    try:
                        j["_lut4"] = int(j["resources"]["LUT4"]["used"])
                    except (KeyError, TypeError, ValueError):
                        fail(f"{a.hw_dir}/{fn}: no resources.LUT4.used; see scripts/report.py's docstring")
                    j["_file"] = f"{a.hw_dir}/{fn}"
                    arrays[j["w_max"]] = j
    cycles = {w_: load(f"{P}/cycles-all{w_}.json", required=False) for w_ in WIDTHS}
    synth = load(a.synth_json, required=False)
    if isinstance(synth, dict) and "preset" in synth:
        hw.setdefault(synth["preset"], []).append(synth)
    # sim/core/sf_sim --json: "cycles" is the cycles per forecast; "preset" (optional) names the sweep point
    sim_cycles = sim.get("cycles_per_forecast", sim.get("cycles")) if sim else None
    sim_mhz = (sim or {}).get("clock_mhz", 100.0)
    speed = load(a.speed_json, required=False)
    pts = [(p["compression"]["deployed_ratio"], p["int_engine"]["mse"], name, p) for name, p in quant_points]
    front = pareto_front(pts)
    fig, ax = plt.subplots(figsize=(8.5, 5.2))
    n_lab = 0
    for (cx, my, name, p), on in sorted(zip(pts, front), key=lambda t: t[0][0]):
        kind = "tab:red" if name.startswith("all") and "kept" not in name else (
            "tab:purple" if "kept" in name else "tab:green")
        ax.scatter(cx, my, s=40 if on else 22, color=kind, edgecolor="black" if on else "none", zorder=3)
        if kind == "tab:red":  # every-layer points to the right, alternately above and below (close pairs)
            ax.annotate(name, (cx, my), fontsize=7, xytext=(6, 3) if n_lab % 2 == 0 else (6, -9),
                        textcoords="offset points")
            n_lab += 1
        elif on:  # other front points to the left
            ax.annotate(name, (cx, my), fontsize=7, xytext=(-6, -3), ha="right", textcoords="offset points")
    fr = sorted([(cx, my) for (cx, my, _, _), on in zip(pts, front) if on])
    ax.plot([c for c, _ in fr], [m for _, m in fr], color="black", lw=1, ls="-", zorder=2, label="Pareto front")
    ax.axhline(fp_mse, color="tab:blue", ls=":", lw=1, label=f"FP32 {fp_mse:.4f}")
    ys = [m for _, m, _, _ in pts] + [fp_mse]
    if base["persistence"]["mse"] < max(ys) + 0.5 * (max(ys) - min(ys)):  # only when it does not flatten the plot
        ax.axhline(base["persistence"]["mse"], color="0.5", ls="-.", lw=1,
                   label=f"persistence {base['persistence']['mse']:.4f}")
    else:
        ax.scatter([], [], marker="", label=f"(persistence {base['persistence']['mse']:.4f}: above the plot)")
    for c, l in (("tab:red", "every layer at N bits"), ("tab:green", "one group 2-bit, rest float (8-bit deployed)"),
                 ("tab:purple", "all 2-bit, one group kept (8-bit deployed)")):
        ax.scatter([], [], color=c, label=l)
    ax.set_xscale("log", base=2)
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.set_xticks([2, 3, 4, 6, 8, 12, 16])
    cxs = [c for c, _, _, _ in pts]
    ax.set_xlim(min(cxs) / 1.15, max(cxs) * 1.25)
    ax.set(xlabel="deployed compression (x, log scale)", ylabel="test MSE, integer engine (normalized)",
           title="accuracy against compression (every quantized sweep point)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="upper left")
    ymax = sorted(m for _, m, _, _ in pts)
    if ymax[-1] > 3 * fp_mse:  # keep the interesting range visible; say which points are off the plot
        ax.set_ylim(top=max(3 * fp_mse, ymax[-2] * 1.05 if len(ymax) > 1 else ymax[-1]))
        off = [f"{n} ({m:.3f})" for _, m, n, _ in pts if m > ax.get_ylim()[1]]
        if off:
            ax.text(0.99, 0.98, "above the plot: " + ", ".join(off), transform=ax.transAxes, ha="right",
                    va="top", fontsize=7)
    fig.tight_layout()
    save(fig, f"{a.out}/pareto.png")
    figs.append(("pareto.png", "Pareto front"))
    # hardware Pareto: engine MSE against the weight array's LUT4, the weight storage in block RAM and the
    # latency per forecast, each with its own front (fewer is better on every hardware axis)
    def hw_of(p):
        """(LUT4 or None, source, DP16KD lower bound, cycles or None) of one sweep point"""
        spec = p.get("preset", "")
        lut, src = None, None
        for hj in hw.get(spec, [])[:1]:  # a synthesized core configuration of exactly this spec
            v = hj.get("resources", {}).get("LUT4", {}).get("used")
            if isinstance(v, (int, float)):
                lut, src = v, "core"
        wm = wmax_for(deployed_width(spec), arrays)
        if lut is None and wm is not None:
            lut, src = arrays[wm]["_lut4"], f"W_MAX={wm}"
        bram = -(-p["compression"]["stored_bits"] // DP16KD_BITS)
        cyc = None
        for hj in hw.get(spec, [])[:1]:
            cyc = hj.get("cycles_per_forecast")
        if cyc is None and spec.startswith("all") and spec[3:].isdigit():
            cj = cycles.get(int(spec[3:]))
            if isinstance(cj, dict):
                cyc = cj.get("cycles_per_forecast")
        return lut, src, bram, cyc

    hpts_all = [(name, my, p) + hw_of(p) for cx, my, name, p in pts]
    axes_def = [("LUT4 of the weight array (sf_qlinear out of context)" if arrays else "LUT4 (synthesized core)",
                 3), ("weight storage: DP16KD lower bound (stored bits / 18 Kbit)", 5),
                ("latency per forecast (cycles, cycle model)", 6)]
    if any(h[3] is not None for h in hpts_all):
        fig, axs = plt.subplots(1, 3, figsize=(15.5, 4.6))
        for ax, (xlabel, col) in zip(axs, axes_def):
            q = [(-h[col], h[1], h[0], h[col]) for h in hpts_all if h[col] is not None]
            if not q:
                ax.text(0.5, 0.5, NA, ha="center", va="center", transform=ax.transAxes)
                ax.set(xlabel=xlabel)
                continue
            hfront = pareto_front(q)
            for (_, my, name, xv), on in zip(q, hfront):
                ax.scatter(xv, my, s=40 if on else 18, color="tab:red" if on else "tab:gray",
                           edgecolor="black" if on else "none", zorder=3)
                if on:
                    ax.annotate(name, (xv, my), fontsize=7, xytext=(4, 3), textcoords="offset points")
            fr = sorted((xv, my) for (_, my, _, xv), on in zip(q, hfront) if on)
            ax.step([x_ for x_, _ in fr], [y_ for _, y_ in fr], where="post", color="black", lw=1,
                    label="Pareto front")
            ys_ = sorted(my for _, my, _, _ in q)
            if len(ys_) > 1 and ys_[-1] > 3 * fp_mse:
                ax.set_ylim(top=max(3 * fp_mse, ys_[-2] * 1.05))
            ax.set(xlabel=xlabel, ylabel="test MSE, integer engine (normalized)")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.suptitle("accuracy against hardware cost (every quantized sweep point that has the figure)", fontsize=11)
        fig.tight_layout()
        save(fig, f"{a.out}/pareto_hw.png")
        figs.append(("pareto_hw.png", "Pareto fronts against LUT4, block RAM and latency"))

    # 5. generalization forecasts
    if gen_q:
        gseries = read_column(a.gen_data, a.gen_target)
        gfp = read_forecasts(f"{P}/gen-fp32.forecasts.csv")
        gq = read_forecasts(f"{P}/gen-all2.forecasts.csv")
        plot_forecasts(gseries, [("FP32", gfp, {"color": "tab:blue", "lw": 1.4}),
                                 ("QAT 2-bit, integer engine", gq, {"color": "tab:red", "lw": 1.4, "ls": "--"})],
                       [w for w in windows if w in gfp], seq_len, f"{a.gen_target} (data units)",
                       f"generalization: {os.path.basename(a.gen_data)} column {a.gen_target}",
                       f"{a.out}/generalization.png")
        figs.append(("generalization.png", "generalization run"))

    # ---------------- REPORT.md ----------------
    L = []
    w = L.append
    wall = (t_end - t_start) if t_start else None
    w(f"# shiftformer experiments report ({a.variant} sweep)")
    w("")
    w("Generated by `make report" + ("-quick" if a.variant == "quick" else "") + "` (mk/report.mk, "
      "scripts/report.py). Every figure below comes from the sweep points of this run "
      f"(`{P}/*.json`); hardware figures are read from their files when present and are otherwise marked "
      f"*{NA}*.")
    if a.variant == "quick":
        w("")
        w("**Quick variant**: a smaller model (d_model 16, 2 heads, d_ff 32, 1 encoder + 1 decoder layer), 1024 "
          "training windows, FP32 3 epochs, QAT 1 epoch: it checks the pipeline end to end; its figures are not "
          "those of the default model. Run `make report` for the real sweep.")
    w("")
    w("## Run")
    w("")
    w("| | |")
    w("|---|---|")
    if wall is not None:
        w(f"| wall time of this `make report` (start to the last point) | {wall / 60:.1f} min ({wall:.0f} s)"
          + (f", make flags `{a.make_jobs}`" if a.make_jobs else ", points run one after another") + " |")
    if t_start:
        files = [os.path.join(P, fn) for fn in os.listdir(P) if fn.endswith(".json")]
        reused = [fn for fn in files if os.path.getmtime(fn) < t_start]
        if reused:
            w(f"| points reused | {len(reused)} of {len(files)} point files predate this `make` (up to date from an "
              "earlier run), so the wall time above excludes them; `make report-clean` forces a full rerun |")
    w(f"| sum of the points' own timers (training and QAT runs) | {point_seconds / 60:.1f} min |")
    tw, tc, tn = 0.0, 0.0, 0
    for fn in sorted(os.listdir(P)):
        if fn.endswith(".time"):  # GNU time: "wall user sys" (last line; a failed command adds a line first)
            try:
                f3 = [float(x) for x in open(os.path.join(P, fn)).read().split("\n")[-2].split()]
                tw, tc, tn = tw + f3[0], tc + f3[1] + f3[2], tn + 1
            except (OSError, ValueError, IndexError):
                pass
    for hf in sorted(os.listdir(a.hw_dir)) if os.path.isdir(a.hw_dir) else []:
        if hf.endswith(".time"):
            try:
                f3 = [float(x) for x in open(os.path.join(a.hw_dir, hf)).read().split("\n")[-2].split()]
                tw, tc, tn = tw + f3[0], tc + f3[1] + f3[2], tn + 1
            except (OSError, ValueError, IndexError):
                pass
    if tn:
        w(f"| CPU time of the points (user + system, `/usr/bin/time`, {tn} commands) | {tc / 60:.1f} core-minutes "
          f"(their wall times add up to {tw / 60:.1f} min): on {os.cpu_count()} otherwise idle cores the points need "
          f"about {tc / 60 / os.cpu_count():.1f} min or more |")
    samples, stamps = [], []
    if a.load_log and os.path.exists(a.load_log):
        for ln in open(a.load_log):
            try:
                stamps.append(float(ln.split()[0]))
                samples.append(float(ln.split()[1]))
            except (IndexError, ValueError):
                pass
    if samples:
        span = f", {(stamps[-1] - stamps[0]) / 60:.0f} min" + (
            f" from {(stamps[0] - t_start) / 60:.0f} min after the start" if t_start and stamps[0] - t_start > 60 else "")
        w(f"| 1-minute load average while the points ran ({len(samples)} samples every 30 s{span}) | mean "
          f"{sum(samples) / len(samples):.2f}, max {max(samples):.2f} on {os.cpu_count()} CPUs |")
    busy = max(float(x) for x in ((load_start or "0").split(" / ") + load_end.split(" / "))) > os.cpu_count()
    w(f"| load average (1 / 5 / 15 min) at start; at end | {load_start or '?'}; {load_end}"
      + (f" (above {os.cpu_count()}: other jobs shared the cores, so the times are longer than on an idle "
         "machine)" if busy else "") + " |")
    nq = len(quant_points) + (1 if gen_q else 0)
    w(f"| points | {2 if gen_train else 1} FP32 training{'s' if gen_train else ''}, {nq} quantize runs (each PTQ + QAT + integer engine) |")
    w(f"| FP32 epoch budget | up to {budget(a.train_args, config_epochs(a.config))} epochs, early stopping "
      f"patience 8; ran {train['epochs_run']} (best {train['best_epoch']}) in {train['seconds']:.0f} s, "
      f"{train['seconds_per_epoch']:.1f} s/epoch, {train['threads']} threads |")
    qb = max(len(bits[w_].get("qat_history") or []) for w_ in WIDTHS)
    qs = max(len(p.get("qat_history") or []) for p in list(only2.values()) + list(keep.values()))
    w(f"| QAT epoch budget | bit-width points up to {budget(a.qat_bits_args)} epochs, sensitivity points up to "
      f"{budget(a.qat_sens_args)} (patience 3, best epoch kept); runs took up to {max(qb, qs)} epochs |")
    w(f"| point options | train `{a.train_args or '(config defaults)'}`; QAT bit widths `{a.qat_bits_args}`, "
      f"sensitivity `{a.qat_sens_args}` |")
    w("")
    w("| tool / machine | version |")
    w("|---|---|")
    for k, v in environment(a.build):
        w(f"| {k} | {v} |")
    w("")
    w("Data: `data/ETT/ETTh1.csv` column OT (CC BY-ND 4.0, unmodified), Informer split, 48 h in, 24 h out, "
      f"test split {ev['test']['windows']} windows; MSE on the z-scored scale. Model: `{a.config}`"
      + (" with the quick overrides" if a.variant == "quick" else "") + f", {total_params:,} parameters.")
    w("")
    w("| reference | test MSE | test MAE |")
    w("|---|---|---|")
    w(f"| FP32 Transformer (this run) | {fp_mse:.4f} | {ev['test']['mae']:.4f} |")
    w(f"| persistence | {base['persistence']['mse']:.4f} | {base['persistence']['mae']:.4f} |")
    w(f"| seasonal naive (24 h) | {base['seasonal_naive']['mse']:.4f} | {base['seasonal_naive']['mae']:.4f} |")
    w(f"| ridge 48 -> 24 | {base['ridge']['mse']:.4f} | {base['ridge']['mae']:.4f} |")
    w("")

    # 1. sensitivity
    w("## 1. Layer sensitivity: which layers need high precision")
    w("")
    w("Each group (a) quantized **alone** to 2 bits with every other linear layer float (fake-quant; deployed at "
      "8 bits), and (b) kept **alone** at high precision (float in fake-quant, 8 bits deployed) with every other "
      "linear layer at 2 bits. Activations are 8 bits throughout. `quantize --preset fp32 --bits GROUP=2` and "
      "`quantize --preset all2 --bits GROUP=32`. MSE: test split; *engine* = the integer-only engine on the "
      "exported model (what the hardware computes). Delta: engine MSE minus the reference row's.")
    w("")
    w("| group | params | (a) PTQ | (a) QAT | (a) engine | (a) delta | (a) compression | (b) PTQ | (b) QAT | "
      "(b) engine | (b) delta | (b) compression |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    ra, rb = ref_fp["int_engine"]["mse"], bits[2]["int_engine"]["mse"]
    for g, label, _ in GROUPS:
        p, q = only2[g], keep[g]
        w(f"| {label} | {group_params(g):,} | {f4(p['ptq']['mse'])} | {f4(qmse(p))} | {f4(p['int_engine']['mse'])} "
          f"| {p['int_engine']['mse'] - ra:+.4f} | {p['compression']['deployed_ratio']:.2f}x | {f4(q['ptq']['mse'])} "
          f"| {f4(qmse(q))} | {f4(q['int_engine']['mse'])} | {q['int_engine']['mse'] - rb:+.4f} "
          f"| {q['compression']['deployed_ratio']:.2f}x / {q['compression']['paper_ratio']:.2f}x |")
    w(f"| *reference: no group 2-bit* (`--preset fp32`) | | {f4(ref_fp['ptq']['mse'])} | {f4(qmse(ref_fp))} | "
      f"{f4(ra)} | | {ref_fp['compression']['deployed_ratio']:.2f}x | | | | | |")
    w(f"| *reference: every group 2-bit* (`--preset all2`) | | | | | | | {f4(bits[2]['ptq']['mse'])} | "
      f"{f4(qmse(bits[2]))} | {f4(rb)} | | {bits[2]['compression']['deployed_ratio']:.2f}x |")
    w("")
    w("(b) compression: deployed / paper accounting (kept layers counted at 32 bits). The sensitivity points "
      f"use a QAT budget of {budget(a.qat_sens_args)} epochs, the all-2-bit reference {budget(a.qat_bits_args)}.")
    w("")
    sa = sorted(GROUPS, key=lambda t: only2[t[0]]["ptq"]["mse"], reverse=True)
    sb = sorted(GROUPS, key=lambda t: keep[t[0]]["int_engine"]["mse"])
    w(f"Measured: with PTQ alone the group that hurts most at 2 bits is **{sa[0][1]}** (PTQ MSE "
      f"{only2[sa[0][0]]['ptq']['mse']:.4f} against {ref_fp['ptq']['mse']:.4f} with no group at 2 bits); "
      f"after QAT the largest loss from one 2-bit group is {max(only2[g]['int_engine']['mse'] - ra for g, _, _ in GROUPS):+.4f}. "
      f"Keeping one group at high precision in an otherwise 2-bit model helps most for **{sb[0][1]}** "
      f"(engine MSE {keep[sb[0][0]]['int_engine']['mse']:.4f} against {rb:.4f} all 2-bit).")
    w("")
    w("![sensitivity](sensitivity.png)")
    w("")

    # 2. QAT vs PTQ
    w("## 2. QAT against PTQ by bit width")
    w("")
    w("Every linear layer at N bits (`--preset allN`; 1 bit = binary weights +-2^e, 3 bits run in the MAC "
      "array's 4-bit mode), activations 8 bits. PTQ: calibration only; QAT: fine-tuned from the PTQ start.")
    w("")
    w("| bits | PTQ MSE | QAT MSE | integer engine MSE | engine / FP32 | stored bits | deployed compression "
      "| QAT epochs | QAT time |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b in WIDTHS:
        p = bits[b]
        w(f"| {b} | {p['ptq']['mse']:.4f} | {f4(qmse(p))} | {p['int_engine']['mse']:.4f} | "
          f"{p['int_engine']['mse'] / fp_mse:.2f} | {p['compression']['stored_bits']:,} | "
          f"{p['compression']['deployed_ratio']:.2f}x | {p.get('qat_epochs', '')} | {p.get('qat_seconds', 0):.0f} s |")
    w(f"| FP32 | {fp_mse:.4f} | | | 1.00 | {32 * total_params:,} | 1.00x | | |")
    w("")
    usable = [b for b in WIDTHS if bits[b]["int_engine"]["mse"] < base["persistence"]["mse"]]
    w(f"Lowest width whose integer engine beats persistence ({base['persistence']['mse']:.4f}): "
      + (f"**{min(usable)} bit{'s' if min(usable) > 1 else ''}** (engine MSE {bits[min(usable)]['int_engine']['mse']:.4f})." if usable
         else "none in this run."))
    w("")
    w("![bit widths](bitwidth.png)")
    w("")
    w("![training](training.png)")
    w("")

    # 3. Pareto
    w("## 3. Pareto: accuracy against compression and hardware")
    w("")
    w("All quantized points of this run; **front** = no other point is both at least as compressed and at least "
      "as accurate. Hardware columns, each from its own sweep point or file (never estimated from a model):")
    w("")
    w("- **weight array LUT4**: the W unit's MAC array `sf_qlinear` synthesized out of context (Yosys "
      "`synth_ecp5`) with the smallest weight-width mode that runs the point's widest deployed weight "
      "(`W_MAX` 2: 1-2 bits, 4: 3-4 bits, 8: up to 8; float groups deploy at 8 bits): what selective precision "
      f"costs in logic. Files `{a.hw_dir}/qlinear-wN.json`"
      + (" (" + ", ".join(f"W_MAX={k}: {v['_lut4']:,} LUT4" for k, v in sorted(arrays.items())) + ")" if arrays
         else f": *{NA}*") + ".")
    w("- **weight storage**: a lower bound on block RAM for the weights, ceil(stored bits / 18 Kbit DP16KD), from "
      "the point's own stored-bit count; the core's WMEM words used (compiler) where the point was compiled.")
    w("- **latency per forecast**: the cycle model of the compiled program (`shiftformer compile --json`, "
      f"`{P}/cycles-allN.json`; the RTL simulation matches it cycle for cycle, section 4), for the bit-width "
      "points; in microseconds at the core's target clock of 100 MHz"
      + (f" and at the Fmax of `{a.synth_json}`" if isinstance(synth, dict) and synth.get("clocks") else "") + ".")
    w("- **core (synthesized)**: a whole-core synthesis carrying this point's `preset`, when one exists "
      f"(`{a.hw_dir}/*.json` with `preset`, or `{a.synth_json}`).")
    w("")
    fmax_whole = None
    if isinstance(synth, dict) and synth.get("clocks"):
        fmax_whole = min((c.get("achieved_mhz", 0) for c in synth["clocks"].values()), default=None)
    w("| point | spec | engine MSE | deployed compression | front | weight array LUT4 | weight storage | "
      "latency per forecast | core (synthesized): LUT4 / DP16KD / MULT18X18D / Fmax |")
    w("|---|---|---:|---:|:---:|---:|---:|---:|---|")
    order = sorted(zip(pts, front), key=lambda t: t[0][0])
    n_hw = 0
    for (cx, my, name, p), on in order:
        spec = p.get("preset", "")
        wm = wmax_for(deployed_width(spec), arrays)
        c_arr = f"{arrays[wm]['_lut4']:,} (W_MAX {wm})" if wm is not None else f"*{NA}*"
        bram = -(-p["compression"]["stored_bits"] // DP16KD_BITS)
        c_st = f">= {bram} DP16KD"
        cj = cycles.get(int(spec[3:])) if spec.startswith("all") and spec[3:].isdigit() else None
        c_lat = f"*{NA}*"
        if isinstance(cj, dict) and "error" in cj:
            c_lat = f"does not fit: {cj['error'].replace('|', '/')}"
        elif isinstance(cj, dict) and cj.get("cycles_per_forecast"):
            cyc = cj["cycles_per_forecast"]
            c_lat = f"{cyc:,} cycles = {cyc / 100:.1f} us at 100 MHz" + (
                f", {cyc / fmax_whole:.0f} us at {fmax_whole:.1f} MHz" if fmax_whole else "")
            if cj.get("wmem_words"):
                c_st += f"; WMEM {cj['wmem_words']:,} words"
        c_core = f"*{NA}*"
        for hj in hw.get(spec, [])[:1]:
            try:
                r = hj.get("resources", {})
                clocks = hj.get("clocks", {})
                fmax = min((c.get("achieved_mhz", 0) for c in clocks.values()), default=None)
                cyc = hj.get("cycles_per_forecast")
                mhz = hj.get("clock_mhz", fmax)
                c_core = " / ".join([f"{r['LUT4']['used']:,}" if "LUT4" in r else "?",
                                     str(r.get("DP16KD", {}).get("used", "?")),
                                     str(r.get("MULT18X18D", {}).get("used", "?")),
                                     f"{fmax:.1f} MHz" if fmax else "?"])
                if cyc and mhz:
                    c_lat = f"{cyc:,} cycles, {cyc / mhz:.1f} us"
            except (AttributeError, KeyError, TypeError, ValueError, ZeroDivisionError) as e:
                fail(f"hardware file for preset '{spec}': unexpected format ({e}); see scripts/report.py's docstring")
            n_hw += 1
        if c_lat == f"*{NA}*" and sim and sim.get("preset") == spec and sim_cycles:
            c_lat = f"{sim_cycles:,} cycles, {sim_cycles / sim_mhz:.1f} us (simulation)"
        w(f"| {name} | `{spec}` | {my:.4f} | {cx:.2f}x | {'**yes**' if on else ''} | {c_arr} | {c_st} | {c_lat} "
          f"| {c_core} |")
    w("")
    if n_hw == 0:
        w(f"Core (synthesized) column: *{NA}*: no whole-core synthesis carries a sweep point's `preset` (the full "
          "core takes about 20 min of Yosys and 25 min of nextpnr here, too slow for the sweep; section 6 quotes "
          f"`{a.synth_json}` when present).")
        w("")
    w("![pareto](pareto.png)")
    if any(f == "pareto_hw.png" for f, _ in figs):
        w("")
        w("![pareto against LUT4, block RAM and latency](pareto_hw.png)")
    w("")

    # 4. forecasts
    w("## 4. Forecasts in degrees Celsius")
    w("")
    w(f"Test windows {', '.join(map(str, windows))}: the 48 input hours, the ground truth and the 24-hour "
      "forecasts of the FP32 model and of the 2-bit QAT model run by the integer-only engine"
      + (f", and of the RTL core `sf_core` simulated by Verilator on the same exported model (`{a.rtl_forecasts}`, "
         "crosses)." if rtl else
         f". RTL line: *{NA}* (added when the core simulation writes `{a.rtl_forecasts}`)."))
    if rtl_check is not None:
        n_cmp, n_eq, n_win_rtl, first_diff = rtl_check
        w("")
        if n_cmp and n_eq == n_cmp:
            w(f"**RTL = integer engine, bit for bit**: {n_eq:,} of {n_cmp:,} forecast values equal (Q10.6) on the "
              f"{n_win_rtl} simulated test windows (`{a.rtl_forecasts}` against `{P}/bits-all2.forecasts.csv`, "
              "compared here by report.py).")
        else:
            w(f"**RTL differs from the integer engine**: {n_eq:,} of {n_cmp:,} forecast values equal on "
              f"{n_win_rtl} simulated windows" + (f"; first difference window {first_diff[0]} row {first_diff[1]}: "
                                                  f"RTL {first_diff[2]:.4f}, engine {first_diff[3]:.4f} °C"
                                                  if first_diff else "") + ".")
        if sim:
            w("")
            w(f"| on the {sim.get('windows', '?')} simulated windows (`{a.sim_json}`"
              + (f", `{a.sim_windows}`" if a.sim_windows else "") + ") | MSE (normalized) | MAE (°C) |")
            w("|---|---:|---:|")
            sub = sorted(fc_rtl)

            def mae_c(fc):
                v = [abs(f - t) for w_ in sub if w_ in fc for _, t, f in fc[w_]]
                return f"{sum(v) / len(v):.3f}" if v else ""
            w(f"| FP32 | | {mae_c(fc_fp)} |")
            w(f"| QAT 2-bit, integer engine | {sim.get('mse_engine', float('nan')):.4f} | {mae_c(fc_q2)} |")
            w(f"| RTL sf_core (Verilator), preset `{sim.get('preset', '?')}` | {sim.get('mse_rtl', float('nan')):.4f} "
              f"| {mae_c(fc_rtl)} |")
            w(f"| persistence | {sim.get('mse_persistence', float('nan')):.4f} | |")
            w("")
            w(f"sf_sim also checked every scratch-memory and forecast write against the cycle model: "
              f"{sim.get('trace_exact', '?')} of {sim.get('windows', '?')} windows write-exact, "
              f"{sim.get('bit_exact', '?')} bit-exact against the engine, {sim_cycles:,} cycles per forecast.")
    mae_fp = sum(abs(f - t) for w_ in fc_fp for _, t, f in fc_fp[w_]) / sum(len(v) for v in fc_fp.values())
    mae_q2 = sum(abs(f - t) for w_ in fc_q2 for _, t, f in fc_q2[w_]) / sum(len(v) for v in fc_q2.values())
    w(f"Mean absolute error over every test window and step, in °C: FP32 {mae_fp:.3f}, "
      f"QAT 2-bit integer engine {mae_q2:.3f}.")
    w("")
    w("![forecasts](forecasts.png)")
    w("")

    # 5. generalization
    w("## 5. Generalization: another target column or CSV")
    w("")
    if gen_q:
        gb = gen_train["baselines"]
        w(f"The same pipeline (train, PTQ + QAT 2-bit, export, integer engine) on `{a.gen_data}` column "
          f"**{a.gen_target}** (`shiftformer train --data {a.gen_data} --target {a.gen_target}`; the quantize "
          "step reads data and target from the checkpoint).")
        w("")
        w("| model | test MSE | test MAE |")
        w("|---|---:|---:|")
        w(f"| FP32 ({gen_train['epochs_run']} epochs, best {gen_train['best_epoch']}) | "
          f"{gen_eval['test']['mse']:.4f} | {gen_eval['test']['mae']:.4f} |")
        w(f"| PTQ 2-bit | {gen_q['ptq']['mse']:.4f} | {gen_q['ptq']['mae']:.4f} |")
        w(f"| QAT 2-bit, integer engine | {gen_q['int_engine']['mse']:.4f} | {gen_q['int_engine']['mae']:.4f} |")
        w(f"| persistence | {gb['persistence']['mse']:.4f} | {gb['persistence']['mae']:.4f} |")
        w(f"| seasonal naive (24 h) | {gb['seasonal_naive']['mse']:.4f} | {gb['seasonal_naive']['mae']:.4f} |")
        w(f"| ridge | {gb['ridge']['mse']:.4f} | {gb['ridge']['mae']:.4f} |")
        w("")
        w("The bitstream step (whole-core synthesis, place and route: about 45 min here) is not part of the sweep; "
          "`make synth` and `make pnr` take the exported model's core build.")
        w("")
        w("![generalization](generalization.png)")
    else:
        w("Not part of the quick variant; `make report` runs it (target column `RP_GEN_TARGET`, CSV "
          "`RP_GEN_DATA`).")
    w("")

    # 6. hardware and simulation speed
    w("## 6. Hardware and simulation speed")
    w("")
    if isinstance(synth, dict):
        r = synth.get("resources", {})
        w(f"Whole design, from `{a.synth_json}` (an earlier `make synth`, not this sweep): top `{synth.get('top', '?')}` on {synth.get('board', '?')} "
          f"(LFE5U-{str(synth.get('device', '?')).upper()}, nextpnr seed {synth.get('seed', '?')}): "
          + ", ".join(f"{k} {v.get('used', '?'):,}" for k, v in r.items() if k in ("LUT4", "FF", "DP16KD", "MULT18X18D"))
          + "; " + ", ".join(f"{k} {v.get('achieved_mhz', 0):.1f} MHz" for k, v in synth.get("clocks", {}).items())
          + ("" if "preset" in synth else ". It carries no `preset`, so it is not a quantized core configuration "
             "and stays out of the Pareto table."))
    else:
        w(f"Whole-design synthesis: *{NA}* (`{a.synth_json}` absent; `make synth`, about 45 min here, is not part "
          "of the sweep).")
    w("")
    if arrays:
        w("Weight array out of context (the report's synthesized points; Yosys `synth_ecp5`, no place and route):")
        w("")
        w("| configuration | LUT4 | CCU2C | FF | DP16KD | MULT18X18D | file | tool |")
        w("|---|---:|---:|---:|---:|---:|---|---|")
        for k, v in sorted(arrays.items()):
            r = v.get("resources", {})
            g = lambda n: r.get(n, {}).get("used", "?")  # noqa: E731
            w(f"| `{v.get('config', k)}` | {g('LUT4'):,} | {g('CCU2C')} | {g('FF')} | {g('DP16KD')} | "
              f"{g('MULT18X18D')} | `{v['_file']}` | {v.get('tool', '?')} |")
        w("")
    if sim:
        w(f"Core simulation (`{a.sim_json}`, from its own run and model file"
          + (f", preset `{sim['preset']}`" if sim.get("preset") else "") + "):"
          + (f" {sim_cycles:,} cycles per forecast = {sim_cycles / sim_mhz:.1f} us at {sim_mhz:g} MHz"
             + ("" if "clock_mhz" in sim else " (the design's target clock)") + ";" if sim_cycles else "")
          + (f" RTL MSE {sim['mse_rtl']:.4f} against the integer engine's {sim.get('mse_engine', float('nan')):.4f}"
             f" on {sim.get('windows', '?')} windows;" if "mse_rtl" in sim else "")
          + (f" bit-exact {sim['bit_exact']} / {sim.get('windows', '?')};" if "bit_exact" in sim else "")
          + (f" {sim['cycles_per_s']:,.0f} simulated cycles/s with {sim.get('threads', '?')} threads."
             if "cycles_per_s" in sim else ""))
        if not sim.get("preset"):
            w("")
            w("It names no `preset`, so its latency is not joined to a sweep point in the Pareto table.")
    else:
        w(f"Core simulation: *{NA}* (`{a.sim_json}` absent).")
    w("")
    w("**Verilator against Icarus Verilog** (same top-level design, same windows, simulated cycles per second):")
    w("")
    if isinstance(speed, dict) and speed.get("runs"):
        w(f"Design `{speed.get('design', '?')}`, {speed.get('windows', '?')} test windows"
          + (f" ({', '.join(map(str, speed['window_list']))})" if speed.get("window_list") else "")
          + (f" of `{speed['model']}`" if speed.get("model") else "") + ", one thread each, the same cycle sequence "
          "(reset, program and images through the host port, readings, run, forecast reads)"
          + (f"; {speed['cycles_per_forecast']:,} cycles per forecast" if speed.get("cycles_per_forecast") else "")
          + ". " + ("Both simulators produced the same forecasts, o_done cycles and clock-cycle count, bit for bit "
                    "(`scripts/sim_speed.py` fails otherwise)." if speed.get("bit_exact") else ""))
        w("")
        w("| simulator | version | clock cycles | wall s | CPU s | cycles / s (wall) | cycles / s (CPU) |")
        w("|---|---|---:|---:|---:|---:|---:|")
        cps_cpu = []
        for rr in speed["runs"]:
            cps = rr["cycles"] / rr["seconds"] if rr.get("seconds") else 0
            cpu = rr.get("cpu_seconds")
            cps_cpu.append(rr["cycles"] / cpu if cpu else None)
            w(f"| {rr.get('simulator', '?')} | {rr.get('version', '')} | {rr.get('cycles', 0):,} | "
              f"{rr.get('seconds', 0):.2f} | {f'{cpu:.2f}' if cpu is not None else ''} | {cps:,.0f} | "
              f"{f'{cps_cpu[-1]:,.0f}' if cps_cpu[-1] else ''} |")
        la = speed.get("load_avg")
        if len(speed["runs"]) == 2 and all(speed["runs"][i].get("seconds") for i in (0, 1)):
            r0, r1 = speed["runs"]
            ratio_w = (r0["cycles"] / r0["seconds"]) / (r1["cycles"] / r1["seconds"])
            w("")
            w(f"{r0['simulator']} / {r1['simulator']}: {ratio_w:,.0f}x by wall time"
              + (f", {cps_cpu[0] / cps_cpu[1]:,.0f}x by CPU time" if all(cps_cpu) else "")
              + (f" (load average {la[0][0]:.2f} at the start, {la[1][0]:.2f} at the end: on a shared machine the "
                 "CPU-time rate is the comparable one)" if la else "") + ".")
    else:
        w(f"*{NA}*: placeholder until the core's top-level simulation writes `{a.speed_json}` "
          "(format in scripts/report.py).")
    w("")

    # 7. reproduce
    w("## Reproduce")
    w("")
    w("```sh")
    w("make report            # this sweep; points in build/report/points/, one make target each")
    w("make -j2 report        # fan the points out through make's job server (or GNU parallel, see README)")
    w("make report-quick      # tiny budgets (CI)")
    w("make report-clean      # forget the points, so the next make report reruns them all")
    w("```")
    w("")
    w("Figures: " + ", ".join(f"[{d}]({f})" for f, d in figs) + ".")
    text = "\n".join(L) + "\n"
    tmp = f"{a.out}/REPORT.md.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, f"{a.out}/REPORT.md")
    summary = {"variant": a.variant, "wall_seconds": wall, "point_seconds": point_seconds, "fp32_mse": fp_mse,
               "bits": {str(b): {"ptq": bits[b]["ptq"]["mse"], "qat": qmse(bits[b]),
                                 "engine": bits[b]["int_engine"]["mse"],
                                 "compression": bits[b]["compression"]["deployed_ratio"]} for b in WIDTHS}}
    tmp = f"{a.out}/summary.json.tmp"
    with open(tmp, "w") as f:
        json.dump(summary, f, indent=2)
    os.replace(tmp, f"{a.out}/summary.json")
    print(f"wrote {a.out}/REPORT.md ({len(figs)} figures)" + (f", wall time {wall / 60:.1f} min" if wall else ""))


def config_epochs(path):
    """train.epochs of a TOML config (the FP32 budget when the point gives no --epochs)."""
    section = ""
    try:
        for ln in open(path):
            ln = ln.split("#", 1)[0].strip()
            if ln.startswith("["):
                section = ln.strip("[] ")
            elif section == "train" and ln.replace(" ", "").startswith("epochs="):
                return ln.split("=", 1)[1].strip()
    except OSError:
        pass
    return "?"


def budget(args, default="6"):
    """The --epochs value of a point's option string (the tool's default otherwise)."""
    t = args.split()
    return t[t.index("--epochs") + 1] if "--epochs" in t[:-1] else default


if __name__ == "__main__":
    main()
