#!/usr/bin/env python3
"""Copies an RTL file for Yosys, rewriting constructs that crash the pinned Yosys frontend (0.59) into
equivalent Verilog. Standard library only. Used by `make synth` (Makefile, ECP5 flow); the simulation and
lint flows read the original files.

Rewrite 1 (rtl/core/sf_eng_w.v): a `$signed(mem[idx])` cast connected directly to a module port makes
Yosys' AST frontend abort with "Assert `arg->is_signed == sig.as_wire()->is_signed' failed"
(genrtlil.cc, AST_CELL port arguments; YosysHQ/yosys issues #2654, #4158). Each such cast becomes a signed
wire of the same width, assigned from the memory read, and the port is connected to that wire: the same
value and signedness at the port, so the same circuit.

A file without the construct is copied unchanged (so a source already fixed passes through).
  yosys_compat.py IN OUT
"""
import re
import sys


def rewrite(text: str) -> tuple[str, int]:
    pat = re.compile(r"\.(\w+)\(\$signed\((\w+)\[(\w+)\]\)\)")
    decls = []

    def sub(m):
        port, mem, idx = m.group(1), m.group(2), m.group(3)
        w = f"yc_{mem}_{idx}"
        d = f"  wire signed [$bits({mem}[0])-1:0] {w} = {mem}[{idx}];  // yosys_compat.py"
        if d not in decls:
            decls.append(d)
        return f".{port}({w})"

    out_lines, n = [], 0
    for line in text.split("\n"):
        new, k = pat.subn(sub, line)
        n += k
        out_lines.append(new)
    if not n:
        return text, 0
    # declare the wires just before the first instantiation that uses them: find the line starting the
    # instance statement (the last line before the first use that contains " u_" and "(")
    first = next(i for i, l in enumerate(out_lines) if "yc_" in l)
    start = max(i for i in range(first + 1) if re.match(r"\s*\w+\s*(#\(.*\))?\s*u_\w+\s*\(", out_lines[i]))
    out_lines[start:start] = decls
    return "\n".join(out_lines), n


def main():
    src, dst = sys.argv[1], sys.argv[2]
    text = open(src).read()
    out, n = rewrite(text)
    open(dst, "w").write(out)
    print(f"yosys_compat: {src} -> {dst}: {n} port cast(s) rewritten")


if __name__ == "__main__":
    main()
