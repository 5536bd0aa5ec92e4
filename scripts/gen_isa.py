#!/usr/bin/env python3
"""gen_isa.py: spec/isa.toml -> sf_isa.h (C++, namespace sf::isa) and sf_isa.vh (Verilog `define macros) in
--out. Standard library only (tomllib, Python >= 3.11). A check failure prints one line naming the file,
the entry and the field, and exits 1. Files are rewritten only when they change.

usage: gen_isa.py [--spec spec/isa.toml] --out build/generated
"""
import argparse
import os
import sys

try:
    import tomllib
except ModuleNotFoundError:
    print("gen_isa: needs Python >= 3.11 (tomllib); this is " + sys.version.split()[0], file=sys.stderr)
    sys.exit(1)


def fail(path, msg):
    print(f"gen_isa: {path}: {msg}", file=sys.stderr)
    sys.exit(1)


def need_int(path, table, where, key, lo=None, hi=None):
    if key not in table:
        fail(path, f"{where}: missing field '{key}'")
    v = table[key]
    if not isinstance(v, int) or isinstance(v, bool):
        fail(path, f"{where}: field '{key}' must be an integer, got {v!r}")
    if lo is not None and v < lo:
        fail(path, f"{where}: field '{key}' = {v} is below {lo}")
    if hi is not None and v > hi:
        fail(path, f"{where}: field '{key}' = {v} is above {hi}")
    return v


def load(path):
    try:
        with open(path, "rb") as f:
            s = tomllib.load(f)
    except OSError as e:
        fail(path, f"cannot read: {e.strerror}")
    except tomllib.TOMLDecodeError as e:
        fail(path, f"not valid TOML: {e}")
    for sec in ("isa", "unit", "opcode", "flag", "field", "params", "memory", "maxima", "core", "timing"):
        if sec not in s:
            fail(path, f"missing section [{sec}]")
    isa = s["isa"]
    need_int(path, isa, "[isa]", "version", 1, 0xFFF)  # bits 15..12 of program word 0: the build id
    need_int(path, isa, "[isa]", "magic", 0, 0xFFFF)
    iw = need_int(path, isa, "[isa]", "instr_words", 1, 64)
    need_int(path, isa, "[isa]", "header_words", 2 + 2 * len(s["unit"]), 256)
    units = [u["name"] for u in sorted(s["unit"], key=lambda u: u["id"])]
    for i, u in enumerate(sorted(s["unit"], key=lambda u: u["id"])):
        if u["id"] != i:
            fail(path, f"[[unit]] {u['name']}: ids must be 0..{len(units) - 1}")
    codes = set()
    for o in s["opcode"]:
        c = need_int(path, o, f"[[opcode]] {o.get('name')}", "code", 0, 15)
        if c in codes:
            fail(path, f"[[opcode]] {o['name']}: code {c} used twice")
        codes.add(c)
        if o["unit"] != "any" and o["unit"] not in units:
            fail(path, f"[[opcode]] {o['name']}: unknown unit '{o['unit']}'")
    used = {}
    for f in s["field"]:
        where = f"[[field]] {f.get('name')}"
        w = need_int(path, f, where, "word", 0, iw - 1)
        lsb = need_int(path, f, where, "lsb", 0, 31)
        width = need_int(path, f, where, "width", 1, 32)
        if lsb + width > 32:
            fail(path, f"{where}: bits {lsb}..{lsb + width - 1} do not fit a 32-bit word")
        for b in range(lsb, lsb + width):
            if (w, b) in used:
                fail(path, f"{where}: word {w} bit {b} already used by field '{used[(w, b)]}'")
            used[(w, b)] = f["name"]
    for m in s["memory"]:
        where = f"[[memory]] {m.get('name')}"
        need_int(path, m, where, "width", 1, 1024)
        need_int(path, m, where, "depth", 1, 1 << 20)
    for sec in ("scratch", "pregion"):
        if sec not in s:
            fail(path, f"missing section [{sec}]")
    unit_names = {u["name"] for u in s["unit"]}
    sids = set()
    for m in s["scratch"]:
        where = f"[[scratch]] {m.get('name')}"
        i = need_int(path, m, where, "id", 0, 15)
        if i in sids:
            fail(path, f"{where}: id {i} used twice")
        sids.add(i)
        w = need_int(path, m, where, "width", 8, 1024)
        if w % 8 or (w // 8) & (w // 8 - 1):
            fail(path, f"{where}: width {w} must be 8 times a power of two")
        d = need_int(path, m, where, "depth", w // 8, 1 << 16)
        if d % (w // 8):
            fail(path, f"{where}: depth {d} bytes is not a whole number of {w}-bit words")
        for k in ("writer", "reader"):
            if m.get(k) not in unit_names:
                fail(path, f"{where}: {k} '{m.get(k)}' is not a unit")
    if sorted(sids) != list(range(len(sids))):
        fail(path, "[[scratch]]: ids must be 0..n-1")
    pr = s["pregion"]
    regs = []
    for u in ("w", "a", "io", "n"):
        b = need_int(path, pr, "[pregion]", u + "_base", 0)
        d = need_int(path, pr, "[pregion]", u + "_depth", 1)
        regs.append((b, b + d, u))
    regs.sort()
    for (b0, e0, u0), (b1, e1, u1) in zip(regs, regs[1:]):
        if b1 < e0:
            fail(path, f"[pregion]: regions {u0} and {u1} overlap")
    pm = [m for m in s["memory"] if m["name"] == "PMEM"]
    if pm and regs[-1][1] > pm[0]["depth"]:
        fail(path, f"[pregion]: region {regs[-1][2]} ends at {regs[-1][1]}, past PMEM depth {pm[0]['depth']}")
    ids = [m["host_id"] for m in s["memory"] if m["host_id"] >= 0]
    if len(ids) != len(set(ids)):
        fail(path, "[[memory]]: host_id used twice")
    builds = s.get("build")
    if not builds:
        fail(path, "missing [[build]] (at least the default build)")
    bids, bnames = set(), set()
    for k, b in enumerate(builds):
        where = f"[[build]] {b.get('name')}"
        if not isinstance(b.get("name"), str) or not b["name"].isidentifier():
            fail(path, f"{where}: name must be an identifier")
        if b["name"] in bnames:
            fail(path, f"{where}: name used twice")
        bnames.add(b["name"])
        i = need_int(path, b, where, "id", 0, 15)
        if i in bids:
            fail(path, f"{where}: id {i} used twice")
        bids.add(i)
        if k == 0 and len(b) != 2:
            fail(path, f"{where}: the first build is the default and overrides nothing")
        for key in b:
            if key in ("name", "id"):
                continue
            if build_scalar(s, key) is None:
                fail(path, f"{where}: '{key}' is not an overridable key ([core] key, <memory>_depth, "
                           f"[pregion] <unit>_depth)")
            need_int(path, b, where, key, 1)
        bs = build_values(s, b)
        ends = [(bs["PREG_" + u.upper() + "_BASE"] + bs["PREG_" + u.upper() + "_DEPTH"], u)
                for u in ("w", "a", "io", "n")]
        for e, u in ends:
            if e > bs["PMEM_DEPTH"]:
                fail(path, f"{where}: [pregion] {u} ends at {e}, past PMEM depth {bs['PMEM_DEPTH']}")
    fields = {f["name"]: f for f in s["field"]}
    for need in ("op", "flags", "rows", "r0", "a", "b", "c", "d", "pbase"):
        if need not in fields:
            fail(path, f"[[field]]: missing required field '{need}'")
    for u in units:
        if "wait_" + u.lower() not in fields:
            fail(path, f"[[field]]: missing wait_{u.lower()} for unit {u}")
    return s


def build_scalar(s, key):
    """The generated scalar a [[build]] key overrides, or None."""
    if key in s["core"]:
        return key.upper()
    if key.endswith("_depth"):
        stem = key[:-len("_depth")]
        if any(m["name"].lower() == stem for m in s["memory"]):
            return stem.upper() + "_DEPTH"
        if stem + "_base" in s["pregion"]:
            return "PREG_" + stem.upper() + "_DEPTH"
    return None


def build_values(s, b):
    """Every memory depth, [pregion] and [core] value of build b (the default's, overridden)."""
    v = {m["name"] + "_DEPTH": m["depth"] for m in s["memory"]}
    v.update({"PREG_" + k.upper(): x for k, x in s["pregion"].items()})
    v.update({k.upper(): x for k, x in s["core"].items()})
    for key, x in b.items():
        if key not in ("name", "id"):
            v[build_scalar(s, key)] = x
    return v


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--spec", default=os.path.join(here, "..", "spec", "isa.toml"))
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    s = load(args.spec)
    units = sorted(s["unit"], key=lambda u: u["id"])
    isa = s["isa"]
    src = "spec/" + os.path.basename(args.spec)

    scal = [("VERSION", isa["version"]), ("MAGIC", isa["magic"]), ("INSTR_WORDS", isa["instr_words"]),
            ("HEADER_WORDS", isa["header_words"]), ("N_UNITS", len(units))]
    scal += [("RESCALE_WORDS", s["params"]["rescale_words"]), ("ATTN_WORDS", s["params"]["attn_words"]),
             ("ADDNORM_FIXED_WORDS", s["params"]["addnorm_fixed_words"])]
    scal += [("MAX_" + k.upper(), v) for k, v in s["maxima"].items()]
    scal += [(k.upper(), v) for k, v in s["core"].items()]
    scal += [("T_" + k.upper(), v) for k, v in s["timing"].items()]
    scal += [("PREG_" + k.upper(), v) for k, v in s["pregion"].items()]
    scr = sorted(s["scratch"], key=lambda m: m["id"])
    scal += [("N_SCRATCH", len(scr))]
    for m in scr:
        scal += [("SCR_" + m["name"], m["id"]), ("SCR_" + m["name"] + "_WIDTH", m["width"]),
                 ("SCR_" + m["name"] + "_DEPTH", m["depth"])]
    for m in s["memory"]:
        scal += [(m["name"] + "_WIDTH", m["width"]), (m["name"] + "_DEPTH", m["depth"]),
                 (m["name"] + "_HOST_ID", m["host_id"])]

    builds = s["build"]
    bval = [build_values(s, b) for b in builds]
    over = sorted({build_scalar(s, k) for b in builds for k in b if k not in ("name", "id")})

    h = [f"// GENERATED by scripts/gen_isa.py from {src} -- do not edit.", "#pragma once", "#include <cstdint>",
         "#include <string_view>", "namespace sf::isa {"]
    h.append(f"// the scalars below are the default build's ({builds[0]['name']}); BUILDS[] has every build")
    h += [f"inline constexpr int {k} = {v};" for k, v in scal]
    h.append("// a build of the core ([[build]]): what differs between builds; the program word 0 carries id")
    h.append("struct Build { const char* name; int id; int prog_depth, wmem_depth, bmem_depth, pmem_depth; "
             "int preg_depth[4]; int w_max, rs_mult, a_lanes, ln_units; };  // preg_depth by unit id")
    unit_keys = ["PREG_" + u["name"].upper() + "_DEPTH" for u in units]
    rows = []
    for b, bv in zip(builds, bval):
        rows.append(f'  {{"{b["name"]}", {b["id"]}, {bv["PROG_DEPTH"]}, {bv["WMEM_DEPTH"]}, {bv["BMEM_DEPTH"]}, '
                    f'{bv["PMEM_DEPTH"]}, {{{", ".join(str(bv[k]) for k in unit_keys)}}}, {bv["W_MAX"]}, '
                    f'{bv["RS_MULT"]}, {bv["A_LANES"]}, {bv["LN_UNITS"]}}},')
    h.append("inline constexpr Build BUILDS[] = {")
    h += rows
    h.append("};")
    h.append(f"inline constexpr int N_BUILDS = {len(builds)};")
    h.append("inline constexpr const Build* find_build(std::string_view name) {")
    h.append("  for (const Build& b : BUILDS) if (name == b.name) return &b;")
    h.append("  return nullptr;")
    h.append("}")
    h.append("inline constexpr const Build* build_by_id(int id) {")
    h.append("  for (const Build& b : BUILDS) if (id == b.id) return &b;")
    h.append("  return nullptr;")
    h.append("}")
    h.append("enum Unit : int { " + ", ".join(f"UNIT_{u['name']} = {u['id']}" for u in units) + " };")
    h.append("inline constexpr const char* UNIT_NAMES[] = {" + ", ".join(f'"{u["name"]}"' for u in units) + "};")
    h.append("enum Op : int { " + ", ".join(f"OP_{o['name']} = {o['code']}" for o in s["opcode"]) + " };")
    unit_of = {u["name"]: u["id"] for u in units}
    h.append("// unit of each opcode (-1: any)")
    h.append("inline constexpr int op_unit(int op) {")
    for o in s["opcode"]:
        h.append(f"  if (op == {o['code']}) return {unit_of.get(o['unit'], -1)};")
    h.append("  return -2;  // unknown opcode")
    h.append("}")
    h.append("inline constexpr const char* op_name(int op) {")
    for o in s["opcode"]:
        h.append(f"  if (op == {o['code']}) return \"{o['name']}\";")
    h.append("  return \"?\";")
    h.append("}")
    h += [f"inline constexpr int FLAG_{f['name']} = 1 << {f['bit']};" for f in s["flag"]]
    h.append("inline constexpr const char* SCR_NAMES[] = {" + ", ".join(f'"{m["name"]}"' for m in scr) + "};")
    h.append("inline constexpr int SCR_WIDTH[] = {" + ", ".join(str(m["width"]) for m in scr) + "};")
    h.append("inline constexpr int SCR_DEPTH[] = {" + ", ".join(str(m["depth"]) for m in scr) + "};")
    h.append("inline constexpr int SCR_WRITER[] = {" + ", ".join(str(unit_of[m["writer"]]) for m in scr) + "};")
    h.append("inline constexpr int SCR_READER[] = {" + ", ".join(str(unit_of[m["reader"]]) for m in scr) + "};")
    h.append("struct Field { int word, lsb, width; };")
    h += [f"inline constexpr Field F_{f['name'].upper()} = {{{f['word']}, {f['lsb']}, {f['width']}}};"
          for f in s["field"]]
    h.append("inline constexpr Field F_WAIT[] = {" + ", ".join(f"F_WAIT_{u['name']}" for u in units) + "};")
    h.append("}  // namespace sf::isa")

    v = [f"// GENERATED by scripts/gen_isa.py from {src} -- do not edit.", "`ifndef SF_ISA_VH", "`define SF_ISA_VH"]
    v += [f"`define SF_ISA_{k} {v_}" for k, v_ in scal if v_ >= 0 and k not in over]
    v.append("// the build: -DSF_BUILD_<NAME> (" + ", ".join(b["name"].upper() for b in builds[1:]) +
             f"); none: {builds[0]['name']}")
    for k, (b, bv) in enumerate(list(zip(builds, bval))[1:] + [(builds[0], bval[0])]):
        last = k == len(builds) - 1
        v.append("`else" if last else (f"`ifdef SF_BUILD_{b['name'].upper()}" if k == 0
                                       else f"`elsif SF_BUILD_{b['name'].upper()}"))
        v.append(f"`define SF_ISA_BUILD_ID {b['id']}")
        v += [f"`define SF_ISA_{key} {bv[key]}" for key in over]
    v.append("`endif")
    v += [f"`define SF_UNIT_{u['name']} {u['id']}" for u in units]
    v += [f"`define SF_OP_{o['name']} 4'd{o['code']}" for o in s["opcode"]]
    v += [f"`define SF_FLAG_{f['name']} {f['bit']}" for f in s["flag"]]
    iw = isa["instr_words"]
    v.append(f"// fields of the {32 * iw}-bit instruction (word w bit b at bit 32 w + b)")
    for f in s["field"]:
        lo = 32 * f["word"] + f["lsb"]
        v.append(f"`define SF_F_{f['name'].upper()} {lo + f['width'] - 1}:{lo}")
    v.append("`endif")

    os.makedirs(args.out, exist_ok=True)
    for fn, lines in (("sf_isa.h", h), ("sf_isa.vh", v)):
        path = os.path.join(args.out, fn)
        text = "\n".join(lines) + "\n"
        old = open(path).read() if os.path.exists(path) else None
        if old != text:
            with open(path, "w") as f:
                f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
