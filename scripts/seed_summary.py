#!/usr/bin/env python3
"""Summarize `shiftformer train --json` files of several seeds: a table and the mean test MSE."""
import json
import statistics
import sys

rows = [json.load(open(p)) for p in sys.argv[1:]]
if not rows:
    sys.exit("usage: seed_summary.py RUN.json ...")
print(f"{'seed':>5} {'test MSE':>9} {'test MAE':>9} {'val MSE':>8} {'epochs':>6} {'s/epoch':>8} {'seconds':>8}"
      f" {'persist.':>9} {'ridge':>8}")
for r in rows:
    b = r["baselines"]
    print(f"{r['seed']:>5} {r['test']['mse']:>9.4f} {r['test']['mae']:>9.4f} {r['val']['mse']:>8.4f}"
          f" {r['epochs_run']:>6} {r['seconds_per_epoch']:>8.2f} {r['seconds']:>8.1f}"
          f" {b['persistence']['mse']:>9.4f} {b['ridge']['mse']:>8.4f}")
mses = [r["test"]["mse"] for r in rows]
sd = statistics.stdev(mses) if len(mses) > 1 else 0.0
print(f"mean test MSE over {len(rows)} seeds: {statistics.mean(mses):.4f} (sd {sd:.4f})")
