#!/usr/bin/env python3
"""Cycle budget of one forecast of the default model on the architecture of docs/architecture.md.

usage: cycle_budget.py [--weight-out 32] [--weight-k 2] [--act 24] [--sm 8] [--rs-w 2] [--rs-a 2] [--ln 2]
Counts MACs of the model shape, the cycles of every layer on the units (from the unit timings documented in
rtl/*.v headers), and the overlapped schedule (phases A-D); prints Markdown tables. Stdlib only.
"""
import argparse
import math

ceil = lambda a, b: -(-a // b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=32)
    ap.add_argument("--dff", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--enc-layers", type=int, default=2)
    ap.add_argument("--dec-layers", type=int, default=1)
    ap.add_argument("--le", type=int, default=48)
    ap.add_argument("--ld", type=int, default=48)
    ap.add_argument("--pred", type=int, default=24)
    ap.add_argument("--weight-out", type=int, default=32, help="sf_qlinear LANES (outputs)")
    ap.add_argument("--weight-k", type=int, default=2, help="sf_qlinear KPAR (inputs per beat)")
    ap.add_argument("--act", type=int, default=24, help="sf_actmac LANES")
    ap.add_argument("--sm", type=int, default=8, help="sf_softmax LANES")
    ap.add_argument("--rs-w", type=int, default=2, help="sf_shift_rescale lanes behind sf_qlinear")
    ap.add_argument("--rs-a", type=int, default=2, help="sf_shift_rescale lanes behind sf_actmac")
    ap.add_argument("--ln", type=int, default=2, help="sf_layernorm instances")
    a = ap.parse_args()
    d, dff, H, Le, Ld, P = a.d, a.dff, a.heads, a.le, a.ld, a.pred
    dh = d // H
    WO, WK, AL = a.weight_out, a.weight_k, a.act
    WL = WO * WK

    # ---- MAC counts (dense) ----
    def lin_macs(r, k, n):
        return r * k * n
    enc_layer = lin_macs(Le, d, 3 * d) + lin_macs(Le, d, d) + lin_macs(Le, d, dff) + lin_macs(Le, dff, d)
    dec_layer = (lin_macs(Ld, d, 3 * d) + lin_macs(Ld, d, d) + lin_macs(Ld, d, d) + lin_macs(Le, d, 2 * d)
                 + lin_macs(Ld, d, d) + lin_macs(Ld, d, dff) + lin_macs(Ld, dff, d))
    w_macs = a.enc_layers * enc_layer + a.dec_layers * dec_layer + lin_macs(Le, 1, d) + lin_macs(Ld, 1, d) + lin_macs(P, d, 1)
    att = lambda lq, lk: 2 * lq * lk * d
    a_macs = a.enc_layers * att(Le, Le) + a.dec_layers * (att(Ld, Ld) + att(Ld, Le))
    exps = a.enc_layers * H * Le * Le + a.dec_layers * H * (Ld * Ld + Ld * Le)

    # ---- unit timings (rtl headers) ----
    def linear(r, k, n):  # sf_qlinear 2-bit: one beat per cycle; write-back through rs_w rescale lanes
        beats = r * ceil(n, WO) * ceil(k, WK)
        wb = r * ceil(n, a.rs_w)
        return max(beats, wb) + 2 + 4  # qlinear latency 2 + rescale latency 4 (pipeline drain)

    def ln_row(n):  # sf_layernorm: IN n, MEAN 1, VAR n + 2 (pipeline to Q), RSQ 4, OUT n (its pipeline drains
        return 3 * n + 7  # while the next row comes in)

    def sm_row(lk):  # sf_softmax: IN, EXP, OUT one beat per cycle each + pipeline to S (5) + LOG (3)
        return 3 * ceil(lk, a.sm) + 8

    def att_row_head(lk):  # act cycles per (query row, head): Q.K (lanes over keys), P.V (8 outputs x key chunks)
        qk = ceil(lk, AL) * dh
        pv = ceil(dh * lk, AL)
        resc = ceil(lk, a.rs_a) + ceil(dh, a.rs_a)
        return max(qk + pv, sm_row(lk), resc)

    def attention(lq, lk):
        per = att_row_head(lk)
        return lq * H * per + sm_row(lk) + 10, per  # + one softmax row and the pipelines to fill

    per_row = {
        "post": 16 * 0 + ceil(d, WO) * ceil(d, WK) + ceil(dff, WO) * ceil(d, WK) + ceil(d, WO) * ceil(dff, WK),
        "qkv": 3 * ceil(d, WO) * ceil(d, WK),
        "q": ceil(d, WO) * ceil(d, WK),
        "kv": 2 * ceil(d, WO) * ceil(d, WK),
        "o": ceil(d, WO) * ceil(d, WK),
    }
    att_e, per_e = attention(Le, Le)
    att_ds, _ = attention(Ld, Ld)
    att_dc, _ = attention(Ld, Le)
    lnr = ln_row(d)
    rows = []
    # Phase A: W: encoder/decoder input linears, decoder self-attention Q/K/V, encoder layer-1 Q/K/V;
    #          A: decoder self-attention (causal: row i needs decoder K/V rows <= i), row-streamed.
    wA = linear(Le, 1, d) + linear(Ld, 1, d) + linear(Ld, d, 3 * d) + linear(Le, d, 3 * d)
    aA = linear(Ld, 1, d) // Ld + per_row["qkv"] + att_ds
    rows.append(("A", "dec input linear, dec self Q/K/V (first), enc input linear, enc L1 Q/K/V", "dec self-attention (causal, dense count)", wA, aA, 0))
    # Phase B: A: enc L1 attention. W: enc L1 post-attention rows (O, FFN1, FFN2), enc L2 Q/K/V rows,
    #          dec self-attention post rows (O, cross Q). LN: 3 per row over a.ln instances.
    wB = Le * (per_row["post"] + per_row["qkv"]) + Ld * (per_row["o"] + per_row["q"])
    lnB = ceil(3 * Le * lnr, a.ln)
    rows.append(("B", "enc L1 O+FFN rows, enc L2 Q/K/V rows, dec O + cross Q rows", "enc L1 attention", wB, att_e, lnB))
    # Phase C: A: enc L2 attention. W: enc L2 post rows, cross K/V from the encoder output rows.
    wC = Le * (per_row["post"] + per_row["kv"])
    lnC = ceil(2 * Le * lnr, a.ln)
    rows.append(("C", "enc L2 O+FFN rows, cross K/V rows", "enc L2 attention", wC, att_e, lnC))
    # Phase D: A: cross attention. W: dec post rows (O, FFN1, FFN2), output linear on the last P rows.
    wD = Ld * per_row["post"] + P * ceil(1, WO) * ceil(d, WK)
    lnD = ceil(2 * Ld * lnr, a.ln)
    rows.append(("D", "dec O+FFN rows, output linear (last 24 rows)", "cross attention", wD, att_dc, lnD))
    tail = per_row["o"] + lnr + 2 * ceil(dff, WO) * ceil(d, WK) + lnr + ceil(d, WK) + 20

    total = 0
    print("## MAC counts of the default model\n")
    print("| quantity | count |\n|---|---:|")
    print("| weight MACs (dense) | %d |" % w_macs)
    print("| activation-by-activation MACs (dense) | %d |" % a_macs)
    print("| exponentials | %d |" % exps)
    print("\n## Overlapped schedule (cycles)\n")
    print("| phase | weight array (sf_qlinear %d lanes) | activation array (sf_actmac %d lanes + sf_softmax) | W cycles | A cycles | LN cycles (%d inst.) | phase cycles |" % (WL, AL, a.ln))
    print("|---|---|---|---:|---:|---:|---:|")
    for ph, wdesc, adesc, w, act, ln in rows:
        c = max(w, act, ln)
        total += c
        print("| %s | %s | %s | %d | %d | %d | **%d** |" % (ph, wdesc, adesc, w, act, ln, c))
    total += tail
    print("| tail | last decoder row: O, LN, FFN, LN, output | | | | | **%d** |" % tail)
    print("| **total** | | | | | | **%d** |" % total)
    w_busy = w_macs / WL
    print("\nTotal %d cycles = %.3f ms at 100 MHz (budget 50,000). Weight-MAC utilization %.1f %% "
          "(%d MACs / (%d lanes x %d cycles)); activation-MAC utilization %.1f %%; per (row, head) the "
          "activation array needs %d cycles, the softmax of a 48-element row %d cycles (hidden)."
          % (total, total / 1e5, 100 * w_macs / (WL * total), w_macs, WL, total,
             100 * a_macs / (AL * total), per_e, sm_row(Le)))
    seq = (linear(Le, 1, d) + linear(Ld, 1, d) + a.enc_layers * (linear(Le, d, 3 * d) + linear(Le, d, d) + linear(Le, d, dff) + linear(Le, dff, d))
           + a.dec_layers * (linear(Ld, d, 3 * d) + 2 * linear(Ld, d, d) + linear(Le, d, 2 * d) + linear(Ld, d, d) + linear(Ld, d, dff) + linear(Ld, dff, d))
           + linear(P, d, 1) + a.enc_layers * att_e + a.dec_layers * (att_ds + att_dc)
           + (2 * a.enc_layers + 3 * a.dec_layers) * Le * lnr)
    print("Without overlap (every layer after the previous one, one LN at a time): %d cycles (ideal weight "
          "phase alone %d)." % (seq, math.ceil(w_busy)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
