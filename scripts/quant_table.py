#!/usr/bin/env python3
"""Table of the quantization runs (`shiftformer quantize --json`): FP32, PTQ and QAT per preset, with the
integer engine's MSE and both compression ratios. Usage: quant_table.py RUN.json ... > table.md"""
import json
import sys

runs = [json.load(open(p)) for p in sys.argv[1:]]
if not runs:
    sys.exit("usage: quant_table.py RUN.json ...")
print("| model | preset | test MSE | test MAE | integer engine MSE | x FP32 | deployed compression | paper compression |")
print("|---|---|---|---|---|---|---|---|")
seen = set()
for r in runs:
    name = r["checkpoint"].split("/")[-1].replace(".ckpt", "")
    c = r["compression"]
    fp = r["fp32"]["mse"]
    if name not in seen:
        seen.add(name)
        print(f"| {name} | FP32 | {fp:.4f} | {r['fp32']['mae']:.4f} | | 1.00 | 1.00x | 1.00x |")
    ptq_int = r["int_engine"]["mse"] if r.get("qat") is None else None
    print(f"| {name} | PTQ {r['preset']} | {r['ptq']['mse']:.4f} | {r['ptq']['mae']:.4f} | "
          f"{'' if ptq_int is None else f'{ptq_int:.4f}'} | {r['ptq']['mse'] / fp:.2f} | "
          f"{c['deployed_ratio']:.2f}x | {c['paper_ratio']:.2f}x |")
    if r.get("qat") is not None:
        q = r["qat"]
        print(f"| {name} | **QAT {r['preset']}** | {q['mse']:.4f} | {q['mae']:.4f} | {r['int_engine']['mse']:.4f} | "
              f"{r['int_engine']['mse'] / fp:.2f} | {c['deployed_ratio']:.2f}x | {c['paper_ratio']:.2f}x |")
b = runs[0]["baselines"]
print(f"| baseline | persistence | {b['persistence']['mse']:.4f} | {b['persistence']['mae']:.4f} | | | | |")
print(f"| baseline | ridge | {b['ridge']['mse']:.4f} | {b['ridge']['mae']:.4f} | | | | |")
print()
for r in runs:
    if r.get("qat") is not None:
        print(f"- {r['checkpoint']} {r['preset']}: QAT {r['qat_epochs']} epochs in {r['qat_seconds']:.0f} s; "
              f"stored {r['compression']['stored_bits']} bits for {r['compression']['params']} parameters")
