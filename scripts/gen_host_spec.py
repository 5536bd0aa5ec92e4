#!/usr/bin/env python3
"""gen_host_spec.py: spec/host_protocol.toml -> sf_host_spec.h (C++) and sf_host_spec.vh, sf_host_funcs.vh
(Verilog) in --out. Standard library only (tomllib, Python >= 3.11). Every check failure prints one line
naming the file, the table entry and the field, and exits 1. Files are rewritten only when they change.

usage: gen_host_spec.py [--spec spec/host_protocol.toml] --out build/generated
"""
import argparse
import os
import sys

try:
    import tomllib
except ModuleNotFoundError:
    print("gen_host_spec: needs Python >= 3.11 (tomllib); this is " + sys.version.split()[0], file=sys.stderr)
    sys.exit(1)

SIZES = {"u8": 1, "u16": 2, "u32": 4}


def fail(path, msg):
    print(f"gen_host_spec: {path}: {msg}", file=sys.stderr)
    sys.exit(1)


def crc16_ccitt_false(data, poly, init):
    crc = init
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ poly) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def need(path, table, where, key, kind=int, lo=None, hi=None):
    if key not in table:
        fail(path, f"{where}: missing field '{key}'")
    v = table[key]
    if kind is int and (not isinstance(v, int) or isinstance(v, bool)):
        fail(path, f"{where}: field '{key}' must be an integer, got {v!r}")
    if kind is str and not isinstance(v, str):
        fail(path, f"{where}: field '{key}' must be a string, got {v!r}")
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
    for sec in ("spec", "frame", "uart", "sample"):
        if sec not in s:
            fail(path, f"missing table [{sec}]")
    for arr in ("request", "reply", "error", "memory", "core"):
        if not isinstance(s.get(arr), list) or not s[arr]:
            fail(path, f"missing or empty array of tables [[{arr}]]")
    sp = {}
    sp["version"] = need(path, s["spec"], "[spec]", "version", int, 1, 0xFFFF)
    fr = s["frame"]
    sp["sof"] = need(path, fr, "[frame]", "start_byte", int, 0, 255)
    sp["max_payload"] = need(path, fr, "[frame]", "max_payload", int, 1, 0xFFFF)
    if need(path, fr, "[frame]", "header_bytes") != 4:
        fail(path, "[frame]: header_bytes must be 4 (SOF, TYPE, LEN u16)")
    if need(path, fr, "[frame]", "crc_bytes") != 2:
        fail(path, "[frame]: crc_bytes must be 2 (CRC-16)")
    sp["crc_poly"] = need(path, fr, "[frame]", "crc_poly", int, 1, 0xFFFF)
    sp["crc_init"] = need(path, fr, "[frame]", "crc_init", int, 0, 0xFFFF)
    check = need(path, fr, "[frame]", "crc_check", int, 0, 0xFFFF)
    got = crc16_ccitt_false(b"123456789", sp["crc_poly"], sp["crc_init"])
    if got != check:
        fail(path, f"[frame]: crc_check 0x{check:04X} does not match the CRC of '123456789' (0x{got:04X})")
    sp["crc_check"] = check
    sp["baud"] = need(path, s["uart"], "[uart]", "default_baud", int, 300, 12_000_000)
    sp["idle_timeout_bits"] = need(path, s["uart"], "[uart]", "idle_timeout_bits", int, 20, 0xFFFF)
    if need(path, s["sample"], "[sample]", "bytes") != 2:
        fail(path, "[sample]: bytes must be 2 (int16 readings)")

    def named(arr, key):
        out, seen_n, seen_c = [], set(), set()
        for i, e in enumerate(s[arr]):
            where = f"[[{arr}]] #{i + 1}"
            n = need(path, e, where, "name", str)
            if not n.isidentifier() or n.upper() != n:
                fail(path, f"{where}: name {n!r} must be an UPPER_CASE identifier")
            where = f"[[{arr}]] '{n}'"
            c = need(path, e, where, key, int, 0, 255)
            if n in seen_n:
                fail(path, f"{where}: duplicate name")
            if c in seen_c:
                fail(path, f"{where}: duplicate {key} 0x{c:02X}")
            seen_n.add(n)
            seen_c.add(c)
            out.append((n, c, e, where))
        return out

    sp["replies"] = []
    for n, c, e, where in named("reply", "code"):
        flds = e.get("fields")
        if not isinstance(flds, list) or not flds:
            fail(path, f"{where}: missing 'fields'")
        layout, off = [], 0
        for f in flds:
            if not (isinstance(f, list) and len(f) == 2 and all(isinstance(x, str) for x in f)):
                fail(path, f"{where}: each field must be [name, type], got {f!r}")
            fname, ftype = f
            if ftype == "i16[n]":
                layout.append((fname, ftype, off, None))
                off = None
                continue
            if ftype not in SIZES:
                fail(path, f"{where}: field '{fname}' has unknown type {ftype!r} (u8, u16, u32, i16[n])")
            if off is None:
                fail(path, f"{where}: field '{fname}' follows a variable-length field")
            layout.append((fname, ftype, off, SIZES[ftype]))
            off += SIZES[ftype]
        sp["replies"].append({"name": n, "code": c, "fields": layout, "bytes": off})
    reply_names = {r["name"] for r in sp["replies"]}
    if "ERROR" not in reply_names:
        fail(path, "[[reply]]: an ERROR reply is required")
    sp["requests"] = []
    for n, c, e, where in named("request", "code"):
        if c & 0x80:
            fail(path, f"{where}: request codes must be below 0x80 (replies have the top bit set)")
        lmin = need(path, e, where, "len_min", int, 0, sp["max_payload"])
        lmax = need(path, e, where, "len_max", int, lmin, sp["max_payload"])
        step = need(path, e, where, "len_step", int, 1, 0x8000)
        if step & (step - 1):
            fail(path, f"{where}: len_step {step} is not a power of two")
        rep = need(path, e, where, "reply", str)
        if rep not in reply_names:
            fail(path, f"{where}: reply {rep!r} is not a [[reply]] name")
        sp["requests"].append({"name": n, "code": c, "len_min": lmin, "len_max": lmax, "len_step": step,
                               "reply": rep})
    for r in sp["replies"]:
        if not r["code"] & 0x80:
            fail(path, f"[[reply]] '{r['name']}': reply codes must have the top bit set")
    sp["errors"] = [{"name": n, "code": c} for n, c, _, _ in named("error", "code")]
    sp["memories"] = []
    for n, c, e, where in named("memory", "id"):
        d = need(path, e, where, "depth", int, 1, 0x10000)
        sp["memories"].append({"name": n, "id": c, "depth": d})
    sp["cores"] = [{"name": n, "id": c} for n, c, _, _ in named("core", "id")]
    for req in ("WINDOW", "WRITE_MEM", "VERSION", "STATUS"):
        if req not in {r["name"] for r in sp["requests"]}:
            fail(path, f"[[request]]: the RTL implements {req}; it must be specified")
    for err in ("CRC", "LENGTH", "TYPE", "TOO_LONG", "MEM_ID", "ADDR"):
        if err not in {e["name"] for e in sp["errors"]}:
            fail(path, f"[[error]]: the RTL reports {err}; it must be specified")
    return sp


def camel(n):
    return "".join(p.capitalize() for p in n.lower().split("_"))


def gen_cpp(sp, src):
    o = [f"// GENERATED by scripts/gen_host_spec.py from {src}: do not edit.",
         "#pragma once", "#include <cstdint>", "", "namespace sf::hostspec {", "",
         f"constexpr uint16_t kVersion = {sp['version']};",
         f"constexpr uint8_t kStartByte = 0x{sp['sof']:02X};",
         f"constexpr int kMaxPayload = {sp['max_payload']};",
         "constexpr int kHeaderBytes = 4;  // SOF, TYPE, LEN_LO, LEN_HI",
         "constexpr int kCrcBytes = 2;     // CRC_HI, CRC_LO",
         f"constexpr uint16_t kCrcPoly = 0x{sp['crc_poly']:04X};",
         f"constexpr uint16_t kCrcInit = 0x{sp['crc_init']:04X};",
         f"constexpr uint16_t kCrcCheck = 0x{sp['crc_check']:04X};  // CRC of \"123456789\"",
         f"constexpr int kDefaultBaud = {sp['baud']};",
         f"constexpr int kIdleTimeoutBits = {sp['idle_timeout_bits']};", "",
         "// frame types: requests (host -> device) and replies (device -> host)",
         "enum class Type : uint8_t {"]
    for r in sp["requests"]:
        o.append(f"  {r['name']} = 0x{r['code']:02X},")
    for r in sp["replies"]:
        o.append(f"  {r['name']} = 0x{r['code']:02X},")
    o += ["};", "", "enum class Err : uint8_t {"]
    for e in sp["errors"]:
        o.append(f"  {e['name']} = 0x{e['code']:02X},")
    o += ["};", "", "struct RequestRule {", "  Type type;", "  const char* name;",
          "  int len_min, len_max, len_step;  // len_min <= L <= len_max, (L - len_min) % len_step == 0",
          "  Type reply;", "};", "constexpr RequestRule kRequests[] = {"]
    for r in sp["requests"]:
        o.append(f"    {{Type::{r['name']}, \"{r['name']}\", {r['len_min']}, {r['len_max']}, {r['len_step']}, "
                 f"Type::{r['reply']}}},")
    o += ["};", "struct ReplyInfo {", "  Type type;", "  const char* name;",
          "  int bytes;  // fixed payload size, -1: variable", "};", "constexpr ReplyInfo kReplies[] = {"]
    for r in sp["replies"]:
        b = r["bytes"] if r["bytes"] is not None else -1
        o.append(f"    {{Type::{r['name']}, \"{r['name']}\", {b}}},")
    o += ["};", "struct ErrorInfo {", "  Err code;", "  const char* name;", "};",
          "constexpr ErrorInfo kErrors[] = {"]
    for e in sp["errors"]:
        o.append(f"    {{Err::{e['name']}, \"{e['name']}\"}},")
    o += ["};", "", "// memory ids of WRITE_MEM; depth in 32-bit words", "enum class Mem : uint8_t {"]
    for m in sp["memories"]:
        o.append(f"  {m['name']} = 0x{m['id']:02X},")
    o += ["};", "struct MemoryInfo {", "  Mem id;", "  const char* name;", "  uint32_t depth;", "};",
          "constexpr MemoryInfo kMemories[] = {"]
    for m in sp["memories"]:
        o.append(f"    {{Mem::{m['name']}, \"{m['name']}\", {m['depth']}}},")
    o += ["};", "", "enum class Core : uint8_t {"]
    for c in sp["cores"]:
        o.append(f"  {c['name']} = 0x{c['id']:02X},")
    o += ["};", "", "// reply payload layouts: byte offset of each field (little-endian)"]
    for r in sp["replies"]:
        o.append(f"namespace {r['name'].lower()} {{")
        for fname, ftype, off, size in r["fields"]:
            if size is None:
                o.append(f"constexpr int {fname} = {off};  // {ftype}, to the end of the payload")
            else:
                o.append(f"constexpr int {fname} = {off};  // {ftype}")
        if r["bytes"] is not None:
            o.append(f"constexpr int kBytes = {r['bytes']};")
        o.append(f"}}  // namespace {r['name'].lower()}")
    o += ["", "}  // namespace sf::hostspec", ""]
    return "\n".join(o)


def gen_vh(sp, src):
    o = [f"// GENERATED by scripts/gen_host_spec.py from {src}: do not edit.",
         "`ifndef SF_HOST_SPEC_VH", "`define SF_HOST_SPEC_VH",
         f"`define SF_HOST_VERSION 16'd{sp['version']}",
         f"`define SF_HOST_SOF 8'h{sp['sof']:02X}",
         f"`define SF_HOST_MAX_PAYLOAD {sp['max_payload']}",
         f"`define SF_HOST_CRC_POLY 16'h{sp['crc_poly']:04X}",
         f"`define SF_HOST_CRC_INIT 16'h{sp['crc_init']:04X}",
         f"`define SF_HOST_DEFAULT_BAUD {sp['baud']}",
         f"`define SF_HOST_IDLE_TIMEOUT_BITS {sp['idle_timeout_bits']}"]
    for r in sp["requests"]:
        n = r["name"]
        o += [f"`define SF_HOST_T_{n} 8'h{r['code']:02X}",
              f"`define SF_HOST_{n}_LEN_MIN {r['len_min']}",
              f"`define SF_HOST_{n}_LEN_MAX {r['len_max']}",
              f"`define SF_HOST_{n}_LEN_STEP {r['len_step']}"]
    for r in sp["replies"]:
        o.append(f"`define SF_HOST_T_{r['name']} 8'h{r['code']:02X}")
        if r["bytes"] is not None:
            o.append(f"`define SF_HOST_{r['name']}_BYTES {r['bytes']}")
        for fname, ftype, off, size in r["fields"]:
            o.append(f"`define SF_HOST_{r['name']}_{fname.upper()}_OFF {off}  // {ftype}")
    for e in sp["errors"]:
        o.append(f"`define SF_HOST_E_{e['name']} 8'h{e['code']:02X}")
    for m in sp["memories"]:
        o += [f"`define SF_HOST_MEM_{m['name']} 8'h{m['id']:02X}",
              f"`define SF_HOST_MEM_{m['name']}_DEPTH {m['depth']}"]
    for c in sp["cores"]:
        o.append(f"`define SF_HOST_CORE_{c['name']} 8'h{c['id']:02X}")
    o += ["`endif", ""]
    return "\n".join(o)


def gen_funcs(sp, src):
    """Verilog functions, included inside a module body (after sf_host_spec.vh)."""
    o = [f"// GENERATED by scripts/gen_host_spec.py from {src}: do not edit.",
         "// Include inside a module body. Request rules and memory depths of the host protocol.",
         "function automatic sf_host_type_known(input [7:0] t);",
         "  begin",
         "    case (t)"]
    for r in sp["requests"]:
        o.append(f"      8'h{r['code']:02X}: sf_host_type_known = 1'b1;  // {r['name']}")
    o += ["      default: sf_host_type_known = 1'b0;", "    endcase", "  end", "endfunction", "",
          "function automatic sf_host_len_ok(input [7:0] t, input [15:0] len);",
          "  begin",
          "    case (t)"]
    for r in sp["requests"]:
        mask = r["len_step"] - 1
        if r["len_min"] == r["len_max"]:
            cond = [f"len == 16'd{r['len_min']}"]
        else:
            cond = [f"len <= 16'd{r['len_max']}"]
            if r["len_min"] > 0:
                cond.insert(0, f"len >= 16'd{r['len_min']}")
            if mask:
                cond.append(f"((len - 16'd{r['len_min']}) & 16'd{mask}) == 16'd0")
        o.append(f"      8'h{r['code']:02X}: sf_host_len_ok = {' && '.join(cond)};  // {r['name']}")
    o += ["      default: sf_host_len_ok = 1'b0;", "    endcase", "  end", "endfunction", "",
          "function automatic sf_host_mem_known(input [7:0] id);",
          "  begin", "    case (id)"]
    for m in sp["memories"]:
        o.append(f"      8'h{m['id']:02X}: sf_host_mem_known = 1'b1;  // {m['name']}")
    o += ["      default: sf_host_mem_known = 1'b0;", "    endcase", "  end", "endfunction", "",
          "function automatic [16:0] sf_host_mem_depth(input [7:0] id);",
          "  begin", "    case (id)"]
    for m in sp["memories"]:
        o.append(f"      8'h{m['id']:02X}: sf_host_mem_depth = 17'd{m['depth']};  // {m['name']}")
    o += ["      default: sf_host_mem_depth = 17'd0;", "    endcase", "  end", "endfunction", ""]
    return "\n".join(o)


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=os.path.join(here, "..", "spec", "host_protocol.toml"))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    sp = load(a.spec)
    src = "spec/host_protocol.toml"
    os.makedirs(a.out, exist_ok=True)
    write_if_changed(os.path.join(a.out, "sf_host_spec.h"), gen_cpp(sp, src))
    write_if_changed(os.path.join(a.out, "sf_host_spec.vh"), gen_vh(sp, src))
    write_if_changed(os.path.join(a.out, "sf_host_funcs.vh"), gen_funcs(sp, src))


if __name__ == "__main__":
    main()
