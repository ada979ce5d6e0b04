#!/usr/bin/env python3
"""Generates a chip's register map (peripherals/src/<family>/<chip>_map.rs) from a vendor SVD file.

Usage: scripts/svd2regs.py CHIP.svd --chip NAME --source "TEXT" -o OUT.rs

The SVD is read, never copied: the output holds facts only (peripheral names, base addresses,
interrupt numbers, register names and offsets, reset values, which bits software may write,
which clear when written with one, field names and positions), as Rust data for
`sim_core::chip`. Commit the output, not the SVD; `--source` names where the SVD came from
(vendor, file, version, repository and commit) and goes into the output's first lines.

Handled: device/peripheral/register defaults for size, access and reset values; peripherals
`derivedFrom` another (their registers are shared); clusters and `dim` arrays (expanded as
`NAME[i]`, cluster members as `CLUSTER.NAME`); fields as bitOffset/bitWidth, lsb/msb or
bitRange; `modifiedWriteValues` oneToClear. Alternate views of one offset keep the first.
"""

import argparse
import re
import sys
import xml.etree.ElementTree as ET


def num(text, default=None):
    if text is None:
        return default
    t = text.strip().lower().replace("_", "")
    if t.startswith("#"):
        return int(t[1:].replace("x", "0"), 2)
    if t.startswith("0b"):
        return int(t[2:], 2)
    if len(t) > 1 and t[0] == "0" and t.isdigit():
        # Leading zeros without a prefix: STM32F746.svd's SPI I2SPR reset "00000010" is binary
        # (RM0385: 0x0002); decimal would need no leading zeros.
        return int(t, 2) if set(t) <= {"0", "1"} else int(t, 10)
    return int(t, 0)


def writable(access):
    return access not in ("read-only",)


def dim_names(elem):
    """[(suffix-substitution, index)] for a dim element, or [(None, 0)] for a plain one."""
    dim = num(elem.findtext("dim"))
    if dim is None:
        return [(None, 0)]
    index = elem.findtext("dimIndex")
    if index:
        index = index.strip()
        m = re.fullmatch(r"(\d+)-(\d+)", index)
        if m:
            names = [str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1)]
        else:
            names = [x.strip() for x in index.split(",")]
    else:
        names = [str(i) for i in range(dim)]
    return [(names[i], i) for i in range(dim)]


def expand_name(name, sub):
    if sub is None:
        return name
    if "[%s]" in name:
        return name.replace("[%s]", "[%s]" % sub)
    return name.replace("%s", sub)


def field_bits(f):
    if f.find("bitOffset") is not None:
        lsb = num(f.findtext("bitOffset"))
        width = num(f.findtext("bitWidth"), 1)
    elif f.find("lsb") is not None:
        lsb = num(f.findtext("lsb"))
        width = num(f.findtext("msb")) - lsb + 1
    else:
        m = re.fullmatch(r"\[(\d+):(\d+)\]", f.findtext("bitRange").strip())
        msb, lsb = int(m.group(1)), int(m.group(2))
        width = msb - lsb + 1
    return lsb, width


def register(r, prefix, offset, defaults):
    size = num(r.findtext("size"), defaults["size"])
    access = (r.findtext("access") or defaults["access"]).strip()
    reset = num(r.findtext("resetValue"), defaults["reset"])
    rmask = num(r.findtext("resetMask"), defaults["mask"])
    allbits = (1 << size) - 1 if size < 32 else 0xFFFFFFFF
    fields = []
    write_mask = 0
    w1c = 0
    fs = r.find("fields")
    for f in (fs.findall("field") if fs is not None else []):
        lsb, width = field_bits(f)
        bits = ((1 << width) - 1) << lsb
        faccess = (f.findtext("access") or access).strip()
        if writable(faccess):
            write_mask |= bits
        mwv = (f.findtext("modifiedWriteValues") or "").strip()
        if mwv == "oneToClear":
            w1c |= bits
        fields.append((f.findtext("name").strip(), lsb, width))
    if fs is None or not fields:
        write_mask = allbits if writable(access) else 0
    fields.sort(key=lambda x: x[1])
    return {
        "name": prefix + r.findtext("name").strip(),
        "offset": offset,
        "bits": size,
        "reset": reset & rmask & allbits,
        "write": write_mask & allbits,
        "w1c": w1c & allbits,
        "readable": access != "write-only",
        "fields": fields,
    }


def walk(container, prefix, base_off, defaults, out):
    for elem in container:
        if elem.tag == "register":
            off0 = num(elem.findtext("addressOffset"))
            inc = num(elem.findtext("dimIncrement"), 0)
            for sub, i in dim_names(elem):
                reg = register(elem, prefix, base_off + off0 + i * inc, defaults)
                reg["name"] = prefix + expand_name(elem.findtext("name").strip(), sub)
                out.append(reg)
        elif elem.tag == "cluster":
            off0 = num(elem.findtext("addressOffset"))
            inc = num(elem.findtext("dimIncrement"), 0)
            d = dict(defaults)
            for k, tag in (("size", "size"), ("access", "access"), ("reset", "resetValue"), ("mask", "resetMask")):
                v = elem.findtext(tag)
                if v is not None:
                    d[k] = v.strip() if k == "access" else num(v)
            for sub, i in dim_names(elem):
                name = expand_name(elem.findtext("name").strip(), sub)
                walk(elem, prefix + name + ".", base_off + off0 + i * inc, d, out)


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("svd")
    ap.add_argument("--chip", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("-o", "--out", required=True)
    a = ap.parse_args()

    dev = ET.parse(a.svd).getroot()
    dflt = {
        "size": num(dev.findtext("size"), 32),
        "access": (dev.findtext("access") or "read-write").strip(),
        "reset": num(dev.findtext("resetValue"), 0),
        "mask": num(dev.findtext("resetMask"), 0xFFFFFFFF),
    }
    pers = {}
    order = []
    for p in dev.find("peripherals").findall("peripheral"):
        pers[p.findtext("name").strip()] = p
        order.append(p)

    def regs_of(p):
        regs = p.find("registers")
        if regs is None and p.get("derivedFrom"):
            return regs_of(pers[p.get("derivedFrom")])
        return regs

    def block_of(p):
        b = p.findall("addressBlock")
        if not b and p.get("derivedFrom"):
            return block_of(pers[p.get("derivedFrom")])
        return b

    def defaults_of(p):
        d = dict(dflt)
        src = [p]
        if p.get("derivedFrom"):
            src.insert(0, pers[p.get("derivedFrom")])
        for q in src:
            for k, tag in (("size", "size"), ("access", "access"), ("reset", "resetValue"), ("mask", "resetMask")):
                v = q.findtext(tag)
                if v is not None:
                    d[k] = v.strip() if k == "access" else num(v)
        return d

    tables = {}  # key (name of the peripheral owning the register list) -> list
    entries = []
    for p in order:
        name = p.findtext("name").strip()
        base = num(p.findtext("baseAddress"))
        owner = name
        regs = p.find("registers")
        if regs is None and p.get("derivedFrom"):
            owner = p.get("derivedFrom")
            while pers[owner].find("registers") is None and pers[owner].get("derivedFrom"):
                owner = pers[owner].get("derivedFrom")
        if owner not in tables:
            out = []
            r = regs_of(pers[owner])
            if r is not None:
                walk(r, "", 0, defaults_of(pers[owner]), out)
            # One register per offset (alternate views keep the first), sorted.
            seen = {}
            for reg in out:
                seen.setdefault(reg["offset"], reg)
            tables[owner] = sorted(seen.values(), key=lambda x: x["offset"])
        size = 0
        for b in block_of(p):
            size = max(size, num(b.findtext("offset")) + num(b.findtext("size")))
        regs = tables[owner]
        if regs:
            size = max(size, max(r["offset"] + r["bits"] // 8 for r in regs))
        irqs = [(i.findtext("name").strip(), num(i.findtext("value"))) for i in p.findall("interrupt")]
        if not irqs and p.get("derivedFrom") is None:
            pass
        entries.append((name, base, size, irqs, owner))
    entries.sort(key=lambda e: (e[1], e[0]))

    def ident(owner):
        return "R_" + re.sub(r"[^A-Za-z0-9]", "_", owner).upper()

    w = []
    w.append("//! %s register map: peripherals, interrupts and registers (offset, reset value, writable\n" % a.chip)
    w.append("//! and write-one-to-clear bits, fields), generated by `scripts/svd2regs.py` from\n")
    for line in a.source.split("\n"):
        w.append("//! %s\n" % line)
    w.append("//! Facts only, no vendor text; regenerate rather than edit.\n\n")
    w.append("use sim_core::chip::{field as f, reg as r, ChipDesc, PeripheralDesc, RegDesc};\n\n")
    w.append("/// The %s as its SVD describes it.\n" % a.chip)
    w.append("pub static CHIP: ChipDesc = ChipDesc {\n    name: %s,\n    source: %s,\n    peripherals: &PERIPHERALS,\n};\n\n" % (rust_str(a.chip), rust_str(a.source.split("\n")[0])))
    w.append("static PERIPHERALS: [PeripheralDesc; %d] = [\n" % len(entries))
    for name, base, size, irqs, owner in entries:
        irq = ", ".join("(%s, %d)" % (rust_str(n), v) for n, v in irqs)
        w.append("    PeripheralDesc { name: %s, base: 0x%08X, size: 0x%X, irqs: &[%s], registers: &%s },\n" % (rust_str(name), base, size, irq, ident(owner)))
    w.append("];\n")
    for owner, regs in sorted(tables.items()):
        w.append("\nstatic %s: [RegDesc; %d] = [\n" % (ident(owner), len(regs)))
        for reg in regs:
            fields = ", ".join("f(%s, %d, %d)" % (rust_str(n), l, wd) for n, l, wd in reg["fields"])
            w.append("    r(%s, 0x%03X, %d, 0x%08X, 0x%08X, 0x%08X, %s, &[%s]),\n" % (
                rust_str(reg["name"]), reg["offset"], reg["bits"], reg["reset"], reg["write"], reg["w1c"],
                "true" if reg["readable"] else "false", fields))
        w.append("];\n")
    with open(a.out, "w") as fh:
        fh.write("".join(w))
    nregs = sum(len(v) for v in tables.values())
    print("%s: %d peripherals, %d register lists, %d registers" % (a.out, len(entries), len(tables), nregs), file=sys.stderr)


if __name__ == "__main__":
    main()
