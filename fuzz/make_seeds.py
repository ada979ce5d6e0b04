#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/seed-*) from the committed
prebuilt firmware, the built-in boards, a real .tflite model and a gdb-multiarch session
recorded against thimble (gdb-session.txt).
Needs arm-none-eabi-objcopy/strip and nm. Re-run after firmware changes; libFuzzer adds its
own finds beside the seeds when a run is given the corpus directory."""
import os, shutil, struct, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PRE = os.path.join(ROOT, "firmware", "prebuilt")
OUT = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def stripped(elf):
    with tempfile.TemporaryDirectory() as t:
        out = os.path.join(t, "s.elf")
        subprocess.run(["arm-none-eabi-strip", "--strip-debug", "-o", out, elf], check=True)
        return open(out, "rb").read()


def text_of(elf, symbol, limit=2048):
    """The bytes of function `symbol` (up to `limit`) from the ELF's loadable image."""
    nm = subprocess.run(["arm-none-eabi-nm", "-S", elf], check=True, capture_output=True, text=True).stdout
    for line in nm.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == symbol:
            addr, size = int(f[0], 16) & ~1, int(f[1], 16)
            break
    else:
        raise SystemExit(f"{elf}: no {symbol}")
    with tempfile.TemporaryDirectory() as t:
        b = os.path.join(t, "b.bin")
        subprocess.run(["arm-none-eabi-objcopy", "-O", "binary", "-j", ".text", elf, b], check=True)
        text = open(b, "rb").read()
    hdr = subprocess.run(["arm-none-eabi-objdump", "-h", elf], check=True, capture_output=True, text=True).stdout
    vma = next(int(l.split()[3], 16) for l in hdr.splitlines() if " .text " in l)
    return text[addr - vma: addr - vma + min(size, limit)]


def main():
    if os.path.isdir(OUT):
        for t in os.listdir(OUT):
            for f in os.listdir(os.path.join(OUT, t)):
                if f.startswith("seed-"):
                    os.remove(os.path.join(OUT, t, f))
    for name in ["hello-cortex-m4", "exceptions-cortex-m3", "float-cortex-m4", "bad-spin-nano33ble",
                 "semihost-cortex-m0plus"]:
        put("elf", name, stripped(os.path.join(PRE, name + ".elf")))
    # exec: profile byte, flags (1: CPACR on, 2: run from SRAM), 13 registers (selector, u32),
    # then code taken from real functions.
    regs = b"".join(bytes([i % 4]) + struct.pack("<I", 0x100 * i) for i in range(13))
    for (elf, sym, profile) in [("alu-cortex-m3", "main", 1), ("float-cortex-m4", "main", 3),
                                ("dsp_intrinsics-cortex-m7", "main", 5),
                                ("exceptions-cortex-m0plus", "main", 0),
                                ("loadstore-cortex-m4", "main", 2)]:
        code = text_of(os.path.join(PRE, elf + ".elf"), sym)
        for flags in (1, 3):
            put("exec", f"{elf}-{flags}", bytes([profile, flags]) + regs + code)
    # gdb: mode 0 frames each line as a packet; mode 1 is raw bytes.
    session = [b"+", b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;xmlRegisters=arm",
               b"vMustReplyEmpty", b"QStartNoAckMode", b"Hg0", b"qXfer:features:read:target.xml:0,ffb",
               b"qTStatus", b"?", b"qfThreadInfo", b"qC", b"qAttached", b"Hc-1", b"qOffsets", b"g",
               b"m0,4", b"p0f", b"P0f=01020000", b"Z0,100,2", b"Z1,104,2", b"Z2,2000fffc,4", b"c",
               b"z0,100,2", b"vCont?", b"vCont;s:1", b"s", b"M20000100,4:efbeadde",
               b"X20000104,2:\xab\xcd", b"m20000100,8", b"G" + b"00" * 68,
               b"qRcmd,6379636c6573", b"qRcmd,7265706f7274", b"qRcmd,7265736574", b"\x03",
               b"D"]
    put("gdb_packet", "session", b"\x00" + b"\n".join(session))
    # The packets gdb-multiarch 13.1 sent to `thimble gdb` on hello-cortex-m4 (break main,
    # continue, info registers, x/4xw $sp, stepi, next, watch, monitor cycles/report, register
    # and memory writes, detach), recorded with `set debug remote 1`: gdb-session.txt.
    real = open(os.path.join(HERE, "gdb-session.txt"), "rb").read().splitlines()
    put("gdb_packet", "gdb-multiarch", b"\x00" + b"\n".join(real))
    put("gdb_packet", "kill", b"\x00" + b"\n".join([b"qSupported", b"g", b"c", b"k"]))
    put("gdb_packet", "raw", b"\x01" + b"\x00junk$m0,4#00+$g#67$m0,4#fd\x03$D#44")
    shutil.copy(os.path.join(ROOT, "..", "shared", "models", "tflite_micro_speech.tflite"),
                os.path.join(OUT, "tflite", "seed-micro_speech.tflite")) if os.path.isdir(
        os.path.join(ROOT, "..", "shared", "models")) else None
    for f in sorted(os.listdir(os.path.join(ROOT, "sim-core", "boards"))):
        put("board_toml", f, open(os.path.join(ROOT, "sim-core", "boards", f), "rb").read())
    put("budget", "all", b"cycles=1000,sram=256K,flash=1M\nstack=8K,latency_ms=2.5,energy_uj=12.5")
    put("budget", "bad", b"cycles=-1\nram=1\nsram=1e308M")


if __name__ == "__main__":
    sys.exit(main())
