#!/usr/bin/env python3
"""Plots of a run: training curves and forecasts against the ground truth, as PNG.

  plot_results.py --out-dir DIR [--train NAME=RUN.json ...] [--data ETTh1.csv --target OT
                  --forecast NAME=FORECASTS.csv ... --windows 0,1400,2800 --seq-len 48]

RUN.json: `shiftformer train --json` (key "history") or `quantize --json` (key "qat_history").
FORECASTS.csv: `shiftformer eval|quantize|engine --forecasts` (window,row,step,truth,forecast).
"""
import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def pairs(items, what):
    out = []
    for it in items:
        if "=" not in it:
            sys.exit(f"plot_results: {what} '{it}': expected NAME=FILE")
        name, path = it.split("=", 1)
        out.append((name, path))
    return out


def save(fig, path):
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=110, bbox_inches="tight")
    os.replace(tmp, path)
    print(f"wrote {path}")


def plot_training(runs, out):
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, path in runs:
        r = json.load(open(path))
        h = r.get("history") or r.get("qat_history") or []
        ep = [e["epoch"] for e in h]
        a.plot(ep, [e["train_loss"] for e in h], marker=".", label=name)
        b.plot(ep, [e["val_mse"] for e in h], marker=".", label=name)
    a.set(title="training loss (MSE, normalized)", xlabel="epoch")
    b.set(title="validation MSE (normalized)", xlabel="epoch")
    for ax in (a, b):
        ax.grid(alpha=0.3)
        ax.legend()
    save(fig, os.path.join(out, "training.png"))


def read_column(path, target):
    with open(path) as f:
        r = csv.reader(f)
        header = next(r)
        if target not in header:
            sys.exit(f"plot_results: {path}: no column {target}")
        c = header.index(target)
        return [float(row[c]) for row in r if row]


def plot_forecasts(series, forecasts, windows, seq_len, out):
    fc = {}
    for name, path in forecasts:
        d = {}
        with open(path) as f:
            for row in csv.DictReader(f):
                d.setdefault(int(row["window"]), []).append((int(row["row"]), float(row["truth"]), float(row["forecast"])))
        fc[name] = d
    fig, axes = plt.subplots(1, len(windows), figsize=(5.2 * len(windows), 3.6), squeeze=False)
    for ax, w in zip(axes[0], windows):
        first = next(iter(fc.values()))
        if w not in first:
            sys.exit(f"plot_results: window {w} is not in the forecasts")
        rows = [r for r, _, _ in first[w]]
        t0 = rows[0]
        hist = list(range(t0 - seq_len, t0))
        ax.plot([i - t0 for i in hist], [series[i] for i in hist], color="0.5", label=f"input ({seq_len} h)")
        ax.plot([r - t0 for r in rows], [t for _, t, _ in first[w]], color="k", lw=2, label="ground truth")
        for name, d in fc.items():
            ax.plot([r - t0 for r in rows], [f for _, _, f in d[w]], lw=1.5, label=name)
        ax.axvline(-0.5, color="0.8", lw=1)
        ax.set(title=f"test window {w} (forecast from row {t0})", xlabel="hours from the forecast start",
               ylabel="oil temperature (°C)")
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8)
    save(fig, os.path.join(out, "forecasts.png"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--train", action="append", default=[])
    p.add_argument("--data")
    p.add_argument("--target", default="OT")
    p.add_argument("--forecast", action="append", default=[])
    p.add_argument("--windows", default="0,1400,2800")
    p.add_argument("--seq-len", type=int, default=48)
    a = p.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    if a.train:
        plot_training(pairs(a.train, "--train"), a.out_dir)
    if a.forecast:
        if not a.data:
            sys.exit("plot_results: --forecast needs --data")
        plot_forecasts(read_column(a.data, a.target), pairs(a.forecast, "--forecast"),
                       [int(w) for w in a.windows.split(",")], a.seq_len, a.out_dir)


if __name__ == "__main__":
    main()
