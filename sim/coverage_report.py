#!/usr/bin/env python3
"""Line coverage of the RTL units from a verilator_coverage --annotate directory.

usage: coverage_report.py ANNOTATE_DIR rtl/sf_x.v ...
Counts the annotated lines (those carrying a coverage point) per file: covered = count > 0. Prints a table
and the total; exits 1 when the total is below 90 %.
"""
import os
import re
import sys


def main():
    adir, files = sys.argv[1], sys.argv[2:]
    tot_c = tot_n = 0
    rows = []
    for f in files:
        p = os.path.join(adir, os.path.basename(f))
        if not os.path.exists(p):
            rows.append((os.path.basename(f), 0, 0, "not annotated"))
            continue
        cov = n = 0
        missed = []
        for ln, line in enumerate(open(p), 1):
            m = re.match(r"^([ %~])(\d{6,})\s", line)
            if not m:
                continue
            n += 1
            if int(m.group(2)) > 0:
                cov += 1
            else:
                missed.append(ln)
        tot_c += cov
        tot_n += n
        rows.append((os.path.basename(f), cov, n, "missed lines: %s" % missed[:12] if missed else ""))
    print("%-22s %8s %8s %7s" % ("file", "covered", "points", "%"))
    for name, c, n, note in rows:
        print("%-22s %8d %8d %6.1f%%  %s" % (name, c, n, 100.0 * c / n if n else 0.0, note))
    pct = 100.0 * tot_c / tot_n if tot_n else 0.0
    print("TOTAL line coverage of the units: %d / %d = %.1f%%" % (tot_c, tot_n, pct))
    return 0 if pct >= 90.0 else 1


if __name__ == "__main__":
    sys.exit(main())
