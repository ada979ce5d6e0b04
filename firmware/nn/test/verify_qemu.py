#!/usr/bin/env python3
"""Bit-exact check of the model firmware against TFLite Micro, in QEMU.

    firmware/nn/test/verify_qemu.py [--models kws,ic] [--inputs N] [--seed S]
    firmware/nn/test/verify_qemu.py --thimble target/release/thimble [--board nano33ble] ...

For each model and N random inputs: writes the input bytes into a copy of
firmware/prebuilt/<model>-mps2-an386.elf at the file offset of the symbol
`model_input` (it lives in .data, so its initial bytes are in the file and
the startup code copies them to RAM), runs the copy in
`qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel`, parses the
`output-hex:` lines the mps2 build prints (QEMU sends semihosting output
to stderr; both streams are read), and compares them byte for byte
with scripts/tflm_ref.py's output for the same input. Exit status 1 on any
mismatch. Models are read from ../shared/models (beside the repository).

With --thimble BIN the same inputs go through the simulator instead, the way
a user would: `BIN run firmware/prebuilt/<model>-<board>.elf --board BOARD
--load model_input=IN --dump model_output=OUT` (DESIGN.md's CLI), and OUT is
compared with the reference. model_input lives in .data: --load must write
the symbol's bytes into the load image (the .data LMA copy in flash), or the
startup code's .data copy would overwrite them.
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import tflm_ref  # noqa: E402

MODELS = {
    "kws": "keyword_spotting.tflite",
    "vww": "visual_wake_words.tflite",
    "ic": "image_classification.tflite",
    "ad": "anomaly_detection.tflite",
    "micro_speech": "tflite_micro_speech.tflite",
}


def models_dir():
    for up in ("..", os.path.join("..", "..")):
        d = os.path.normpath(os.path.join(ROOT, up, "shared", "models"))
        if os.path.isdir(d):
            return d
    sys.exit("shared/models not found beside the repository")


def elf_symbol_file_offset(elf, name):
    """(file offset, size) of a data symbol in an ELF32 little-endian file."""
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        raise ValueError("not an ELF32 little-endian file")
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x2E)
    secs = [struct.unpack_from("<IIIIIIIIII", elf, shoff + i * shentsize) for i in range(shnum)]
    for s in secs:
        if s[1] != 2:  # SHT_SYMTAB
            continue
        strtab = secs[s[6]]
        for k in range(s[5] // 16):
            st_name, st_value, st_size, _info, _other, st_shndx = struct.unpack_from("<IIIBBH", elf, s[4] + k * 16)
            end = elf.index(b"\0", strtab[4] + st_name)
            if elf[strtab[4] + st_name:end].decode() == name:
                sec = secs[st_shndx]
                if sec[1] != 1:  # SHT_PROGBITS: bytes present in the file
                    raise ValueError(f"{name} is not in a PROGBITS section")
                return sec[4] + (st_value - sec[3]), st_size
    raise ValueError(f"symbol {name} not found")


def random_input(model_path, rng):
    from tflite_micro import runtime
    interp = runtime.Interpreter.from_file(model_path)
    det = interp.get_input_details(0)
    shape, dtype = tuple(det["shape"]), np.dtype(det["dtype"])
    n = int(np.prod(shape))
    if dtype == np.int8:
        return rng.integers(-128, 128, n, dtype=np.int8).tobytes()
    # Float input: normal values at a random magnitude, mostly off the
    # quantization grid, some saturating.
    x = rng.normal(0.0, 1.0, n) * rng.choice([0.5, 5.0, 50.0])
    return x.astype(np.float32).tobytes()


def run_qemu(elf_path):
    r = subprocess.run(
        ["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-semihosting", "-kernel", elf_path],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600, text=True)
    hexs = "".join(l[len("output-hex: "):].strip() for l in r.stdout.splitlines() if l.startswith("output-hex: "))
    return r.returncode, bytes.fromhex(hexs), r.stdout


def run_thimble(binary, elf_path, board, inp):
    with tempfile.TemporaryDirectory() as d:
        fin, fout = os.path.join(d, "in.bin"), os.path.join(d, "out.bin")
        with open(fin, "wb") as f:
            f.write(inp)
        r = subprocess.run([binary, "run", elf_path, "--board", board,
                            "--load", f"model_input={fin}", "--dump", f"model_output={fout}"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600, text=True)
        got = open(fout, "rb").read() if os.path.exists(fout) else b""
        return r.returncode, got, r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--thimble", help="run through this thimble binary instead of QEMU")
    ap.add_argument("--board", default="nano33ble", help="board for --thimble (ELF <model>-<board>.elf)")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--inputs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    mdir = models_dir()
    failures = 0
    for name in args.models.split(","):
        model_path = os.path.join(mdir, MODELS[name])
        elf_path = os.path.join(ROOT, "firmware", "prebuilt", f"{name}-mps2-an386.elf")
        elf = open(elf_path, "rb").read()
        off, size = elf_symbol_file_offset(elf, "model_input")
        ok = 0
        distinct = set()
        for i in range(args.inputs):
            inp = random_input(model_path, rng)
            if len(inp) != size:
                sys.exit(f"{name}: input of {len(inp)} bytes but model_input has {size}")
            want = tflm_ref.reference(model_path, inp)
            distinct.add(want)
            if args.thimble:
                target = os.path.join(ROOT, "firmware", "prebuilt", f"{name}-{args.board}.elf")
                rc, got, out = run_thimble(args.thimble, target, args.board, inp)
            else:
                patched = elf[:off] + inp + elf[off + size:]
                with tempfile.NamedTemporaryFile(suffix=".elf", delete=False) as f:
                    f.write(patched)
                try:
                    rc, got, out = run_qemu(f.name)
                finally:
                    os.unlink(f.name)
            if rc == 0 and got == want:
                ok += 1
            else:
                failures += 1
                diff = [k for k in range(min(len(got), len(want))) if got[k] != want[k]]
                print(f"{name} input {i}: MISMATCH rc={rc} got {len(got)} bytes, want {len(want)}; "
                      f"first differing bytes {diff[:8]}")
                if rc != 0:
                    print("  " + out[-500:].replace("\n", "\n  "))
                if len(got) == len(want) and len(want) <= 64:
                    print("  got ", got.hex())
                    print("  want", want.hex())
        print(f"{name}: {ok}/{args.inputs} bit-exact ({len(distinct)} distinct reference outputs)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
