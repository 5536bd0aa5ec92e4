# issue 7: the experiments report with tiny epoch budgets (build/report/REPORT.md, a few minutes)
stage report make report-quick
