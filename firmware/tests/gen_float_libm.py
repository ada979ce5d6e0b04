"""Writes firmware/tests/float_libm.c from float_libm.c.in and the instruction-form table
isa-thumb/tests/data/float_forms.txt (text | halfwords from arm-none-eabi-as | double-precision
block | cores), which isa-thumb/tests/it/fp_qemu_replica.rs replays against QEMU's output.

usage (from the repository root): python3 firmware/tests/gen_float_libm.py
"""
import os
import subprocess, re, sys
if len(sys.argv) == 1:
    sys.argv = [sys.argv[0], "firmware/tests/float_libm.c", "isa-thumb/tests/data/float_forms.txt",
                "firmware/tests/float_libm.c.in"]
single = []
for op in ["vadd","vsub","vmul","vnmul","vdiv","vmla","vmls","vnmla","vnmls","vfma","vfms","vfnma","vfnms"]:
    single.append(f"{op}.f32 s0, s1, s2")
for op in ["vabs","vneg","vsqrt","vmov"]:
    single.append(f"{op}.f32 s0, s1")
single += ["vcmp.f32 s1, s2","vcmpe.f32 s1, s2","vcmp.f32 s1, #0","vcmpe.f32 s1, #0"]
single += ["vcvt.s32.f32 s0, s1","vcvt.u32.f32 s0, s1","vcvtr.s32.f32 s0, s1","vcvtr.u32.f32 s0, s1","vcvt.f32.s32 s0, s1","vcvt.f32.u32 s0, s1"]
for t,fb in [("s16",1),("s16",8),("s16",16),("u16",4),("u16",16),("s32",1),("s32",16),("s32",32),("u32",8),("u32",32)]:
    single.append(f"vcvt.{t}.f32 s0, s0, #{fb}")
    single.append(f"vcvt.f32.{t} s0, s0, #{fb}")
single += ["vcvtb.f16.f32 s0, s1","vcvtt.f16.f32 s0, s1","vcvtb.f32.f16 s0, s1","vcvtt.f32.f16 s0, s1","vmov.f32 s0, #-1.5"]
v5s = ["vmaxnm.f32 s0, s1, s2","vminnm.f32 s0, s1, s2"]
v5s += [f"vrint{m}.f32 s0, s1" for m in "anpmxzr"]
v5s += [f"vcvt{m}.{t}.f32 s0, s1" for m in "anpm" for t in ["s32","u32"]]
v5s += [f"vsel{c}.f32 s0, s1, s2" for c in ["eq","vs","ge","gt"]]
dp = []
for op in ["vadd","vsub","vmul","vnmul","vdiv","vmla","vmls","vnmla","vnmls","vfma","vfms","vfnma","vfnms","vmaxnm","vminnm"]:
    dp.append(f"{op}.f64 d0, d1, d2")
for op in ["vabs","vneg","vsqrt","vmov"] + [f"vrint{m}" for m in "anpmxzr"]:
    dp.append(f"{op}.f64 d0, d1")
dp += ["vcmp.f64 d1, d2","vcmpe.f64 d1, d2","vcmp.f64 d1, #0","vcmpe.f64 d1, #0"]
dp += ["vcvt.s32.f64 s0, d1","vcvt.u32.f64 s0, d1","vcvtr.s32.f64 s0, d1","vcvtr.u32.f64 s0, d1","vcvt.f64.s32 d0, s2","vcvt.f64.u32 d0, s3"]
dp += [f"vcvt{m}.{t}.f64 s0, d1" for m in "anpm" for t in ["s32","u32"]]
for t,fb in [("s16",8),("u16",16),("s32",1),("s32",32),("u32",20)]:
    dp.append(f"vcvt.{t}.f64 d0, d0, #{fb}")
    dp.append(f"vcvt.f64.{t} d0, d0, #{fb}")
dp += ["vcvt.f64.f32 d0, s2","vcvt.f32.f64 s0, d1","vcvtb.f16.f64 s0, d1","vcvtt.f16.f64 s0, d1","vcvtb.f64.f16 d0, s2","vcvtt.f64.f16 d0, s3"]
dp += [f"vsel{c}.f64 d0, d1, d2" for c in ["eq","vs","ge","gt"]]
dp += ["vmov.f64 d0, #0.125"]

def enc(lines):
    src = ".syntax unified\n.thumb\n" + "\n".join(lines) + "\n"
    tmp = os.environ.get("TMPDIR", "/tmp")
    open(os.path.join(tmp, "e.s"), "w").write(src)
    subprocess.check_call(["arm-none-eabi-as","-mcpu=cortex-m7","-mfpu=fpv5-d16","-mthumb",os.path.join(tmp, "e.s"),"-o",os.path.join(tmp, "e.o")])
    out = subprocess.check_output(["arm-none-eabi-objdump","-d",os.path.join(tmp, "e.o")]).decode()
    hw = re.findall(r"^\s+[0-9a-f]+:\s+([0-9a-f]{4}) ([0-9a-f]{4})\s", out, re.M)
    assert len(hw) == len(lines), (len(hw), len(lines))
    return hw
forms = [(l, 0, "all") for l in single] + [(l, 0, "v5") for l in v5s] + [(l, 1, "v5") for l in dp]
hws = enc([f[0] for f in forms])
with open(sys.argv[2], "w") as f:
    f.write("# float_libm.c instruction forms: text|hw1 hw2|double-precision block|cores\n")
    for (t, d, c), (a, b) in zip(forms, hws):
        f.write(f"{t}|{a} {b}|{d}|{c}\n")
def cstr(forms):
    out = []
    for i,(t,d,c) in enumerate(forms):
        e = f'    {{"{t}", {d}, {"1" if c=="v5" else "0"}, {"0" if d else "as_%d" % i}, {"as_%d" % i if d else "0"}}},'
        out.append(f"#if FPV5\n{e}\n#endif" if c == "v5" else e)
    return "\n".join(out)
C = open(sys.argv[3]).read()
asm_defs = []
for i,(t,d,c) in enumerate(forms):
    guard = c == "v5"
    s = ""
    if guard: s += "#if FPV5\n"
    s += f'{"D" if d else "S"}FORM({i}, "{t}")\n'
    if guard: s += "#endif\n"
    asm_defs.append(s)
C = C.replace("/*FORMS_DEFS*/", "\n".join(asm_defs)).replace("/*FORMS_TABLE*/", cstr(forms))
open(sys.argv[1], "w").write(C)
