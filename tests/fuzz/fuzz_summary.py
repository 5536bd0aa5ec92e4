#!/usr/bin/env python3
"""One Markdown row per libFuzzer log (make fuzz-quick / fuzz-long): executions, seconds, exec/s, edge
coverage (cov), features (ft), corpus size, peak RSS and the outcome (ok, or the first error line)."""
import argparse
import os
import re

ap = argparse.ArgumentParser()
ap.add_argument("--seconds", type=int, default=0, help="requested run time (for the table)")
ap.add_argument("logs", nargs="+")
a = ap.parse_args()
print("| target | requested s | executions | exec/s | cov (edges) | ft | corpus | peak RSS MB | outcome |")
print("|---|---|---|---|---|---|---|---|---|")
for path in a.logs:
    text = open(path, errors="replace").read()
    target = os.path.splitext(os.path.basename(path))[0]
    stat = dict(re.findall(r"stat::(\w+):\s+(\d+)", text))
    last = re.findall(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)", text)
    cov = ft = corp = "?"
    if last:
        _, cov, ft, corp = last[-1]
    execs = int(stat.get("number_of_executed_units", 0))
    rate = stat.get("average_exec_per_sec", "?")
    err = re.search(r"^(==\d+==ERROR: .*|SUMMARY: .*|.*runtime error: .*|fuzz: .*)$", text, re.M)
    done = re.search(r"Done (\d+) runs in (\d+) second", text)
    outcome = "ok" if done and not err else (err.group(1).strip() if err else "did not finish")
    print(f"| {target} | {a.seconds} | {execs:,} | {rate} | {cov} | {ft} | {corp} | {stat.get('peak_rss_mb', '?')} | {outcome} |")
