#!/usr/bin/env python3
"""Regenerates objdump.txt: unique instruction encodings from the prebuilt firmware ELFs with
arm-none-eabi-objdump's disassembly, for tests/decode_objdump.rs.

Usage (from the repository root): python3 isa-thumb/tests/vectors/gen_objdump.py
Line format: arch <TAB> address <TAB> hex (as objdump prints it) <TAB> IT condition or '-' <TAB> objdump text.
"""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PREBUILT = ROOT / "firmware" / "prebuilt"
OUT = Path(__file__).resolve().parent / "objdump.txt"

# ELF name fragment -> architecture the firmware was built for.
ARCH = [("cortex-m0plus", "v6m"), ("cortex-m3", "v7m"), ("", "v7em")]
ELVES = [
    "alu-cortex-m0plus", "alu-cortex-m3", "alu-cortex-m4",
    "loadstore-cortex-m0plus", "loadstore-cortex-m3", "loadstore-cortex-m4",
    "exceptions-cortex-m0plus", "exceptions-cortex-m3", "exceptions-cortex-m4",
    "conv_int8-cortex-m0plus", "conv_int8-cortex-m3", "conv_int8-cortex-m4",
    "heap-cortex-m0plus", "heap-cortex-m3", "heap-cortex-m4",
    "semihost-cortex-m0plus", "semihost-cortex-m3", "semihost-cortex-m4",
    "nn_harness-cortex-m0plus", "nn_harness-cortex-m4",
    "dsp_intrinsics-cortex-m4", "dsp_intrinsics-cortex-m7",
    "float-cortex-m4", "kws-nano33ble", "micro_speech-mps2-an386", "vww-nano33ble",
    "ic-nano33ble", "ad-nano33ble",
]
INVERT = {"eq": "ne", "ne": "eq", "cs": "cc", "cc": "cs", "hs": "lo", "lo": "hs", "mi": "pl",
          "pl": "mi", "vs": "vc", "vc": "vs", "hi": "ls", "ls": "hi", "ge": "lt", "lt": "ge",
          "gt": "le", "le": "gt"}
LINE = re.compile(r"^\s*([0-9a-f]+):\t([0-9a-f]{4}(?: [0-9a-f]{4})?)\s*\t(.*)$")


def extra_object():
    """Assembles extra.S (encodings the firmware does not use) into a temporary object."""
    import tempfile
    obj = Path(tempfile.mkdtemp()) / "extra.o"
    subprocess.run(["arm-none-eabi-as", "-mcpu=cortex-m4", "-mthumb", "-o", str(obj),
                    str(Path(__file__).resolve().parent / "extra.S")], check=True)
    return obj


def main():
    seen = set()
    out = []
    for name in ELVES + ["extra"]:
        elf = extra_object() if name == "extra" else PREBUILT / f"{name}.elf"
        if not elf.exists():
            print(f"missing {elf}", file=sys.stderr)
            continue
        arch = next(a for frag, a in ARCH if frag in name)
        text = subprocess.run(["arm-none-eabi-objdump", "-d", str(elf)], check=True,
                              capture_output=True, text=True).stdout
        pending = []
        for line in text.splitlines():
            m = LINE.match(line)
            if not m:
                continue
            addr, hexs, asm = m.group(1), m.group(2), m.group(3).strip()
            if asm.startswith(".") or "UNDEFINED" in asm:
                pending = []
                continue
            mnem = asm.split()[0]
            cond = pending.pop(0) if pending else "-"
            if re.fullmatch(r"it[te]{0,3}", mnem):
                first = asm.split()[1]
                pending = [first] + [first if c == "t" else INVERT.get(first, first)
                                     for c in mnem[2:]]
            key = (arch, hexs, cond)
            if key in seen:
                continue
            seen.add(key)
            out.append(f"{arch}\t{addr}\t{hexs}\t{cond}\t{asm}")
    OUT.write_text("\n".join(out) + "\n")
    print(f"{len(out)} vectors -> {OUT}")


if __name__ == "__main__":
    main()
