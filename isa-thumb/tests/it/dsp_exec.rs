//! Single-instruction property tests of the DSP extension: random operands, the encoding built
//! from fields, decoded and executed, compared with a reference written from the ARM ARM
//! pseudocode one instruction at a time (A7.7), independently of the executor's lane loops.

use isa_thumb::dsp::{decode32, execute};
use proptest::prelude::*;
use sim_core::Cpu;

fn sx16(v: u32) -> i64 {
    i64::from(v as u16 as i16)
}
fn hi16(v: u32) -> i64 {
    i64::from((v >> 16) as u16 as i16)
}
fn b(v: u32, i: u32) -> u32 {
    (v >> (8 * i)) & 0xff
}
fn sb(v: u32, i: u32) -> i64 {
    i64::from(((v >> (8 * i)) & 0xff) as u8 as i8)
}
fn sat_s(x: i64, n: u32) -> (i64, bool) {
    let hi = (1i64 << (n - 1)) - 1;
    let lo = -(1i64 << (n - 1));
    (x.clamp(lo, hi), x > hi || x < lo)
}
fn sat_u(x: i64, n: u32) -> (i64, bool) {
    let hi = (1i64 << n) - 1;
    (x.clamp(0, hi), x > hi || x < 0)
}

/// Result of the reference: Rd (or RdLo, RdHi), GE and the Q flag after.
#[derive(Debug, PartialEq)]
struct Out {
    regs: Vec<(u8, u32)>,
    ge: u8,
    q: bool,
}

/// Parallel ops, reference: name -> (result, ge or None).
fn parallel_ref(idx: usize, n: u32, m: u32) -> (u32, Option<u8>) {
    let pre = ["s", "q", "sh", "u", "uq", "uh"][idx / 6];
    let op = ["add16", "asx", "sax", "sub16", "add8", "sub8"][idx % 6];
    let signed = pre.starts_with('s') || pre == "q";
    // Lane pairs for 16-bit ops: (n lane, m lane, add)
    let is8 = op.ends_with('8');
    let pairs16: [(u32, u32, bool); 2] = match op {
        "add16" => [(0, 0, true), (1, 1, true)],
        "sub16" => [(0, 0, false), (1, 1, false)],
        "asx" => [(0, 1, false), (1, 0, true)],
        "sax" => [(0, 1, true), (1, 0, false)],
        _ => [(0, 0, true); 2],
    };
    let mut res = 0u32;
    let mut ge = 0u8;
    let lanes = if is8 { 4 } else { 2 };
    for i in 0..lanes {
        let (a, c, add) = if is8 {
            let (x, y) = if signed {
                (sb(n, i), sb(m, i))
            } else {
                (i64::from(b(n, i)), i64::from(b(m, i)))
            };
            (x, y, op == "add8")
        } else {
            let (ni, mi, add) = pairs16[i as usize];
            let get = |v: u32, l: u32| {
                if signed {
                    if l == 0 {
                        sx16(v)
                    } else {
                        hi16(v)
                    }
                } else {
                    i64::from((v >> (16 * l)) & 0xffff)
                }
            };
            (get(n, ni), get(m, mi), add)
        };
        let x = if add { a + c } else { a - c };
        let w = if is8 { 8 } else { 16 };
        let v = match pre {
            "s" | "u" => x,
            "q" => sat_s(x, w).0,
            "uq" => sat_u(x, w).0,
            _ => x.div_euclid(2),
        };
        res |= ((v as u32) & ((1 << w) - 1)) << (w * i);
        let g = match pre {
            "s" => x >= 0,
            "u" => {
                if add {
                    x >= 1 << w
                } else {
                    x >= 0
                }
            }
            _ => false,
        };
        if g {
            ge |= if is8 { 1 << i } else { 3 << (2 * i) };
        }
    }
    (res, (pre == "s" || pre == "u").then_some(ge))
}

fn cpu_with(regs: &[u32; 15], ge: u8, q: bool) -> Cpu {
    let mut c = Cpu::default();
    c.r[..15].copy_from_slice(regs);
    c.ge = ge;
    c.q = q;
    c
}

fn reg() -> impl Strategy<Value = u8> {
    prop_oneof![0u8..13, Just(14u8)]
}

/// Values with many interesting halfword/byte edges.
fn word() -> impl Strategy<Value = u32> {
    prop_oneof![
        any::<u32>(),
        prop::sample::select(vec![
            0u32,
            0x8000_8000,
            0x7fff_7fff,
            0xffff_ffff,
            0x8000_0000,
            0x7fff_ffff,
            0x0000_8000,
            0x8080_8080,
            0x7f7f_7f7f,
            1,
        ]),
    ]
}

const PAR: [&str; 36] = [
    "sadd16", "sasx", "ssax", "ssub16", "sadd8", "ssub8", "qadd16", "qasx", "qsax", "qsub16",
    "qadd8", "qsub8", "shadd16", "shasx", "shsax", "shsub16", "shadd8", "shsub8", "uadd16", "uasx",
    "usax", "usub16", "uadd8", "usub8", "uqadd16", "uqasx", "uqsax", "uqsub16", "uqadd8", "uqsub8",
    "uhadd16", "uhasx", "uhsax", "uhsub16", "uhadd8", "uhsub8",
];

fn par_encoding(idx: usize, rd: u8, rn: u8, rm: u8) -> (u16, u16) {
    let op1 = [1u16, 2, 6, 5, 0, 4][idx % 6];
    let (u, op2) = [(0u16, 0u16), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)][idx / 6];
    (
        0xfa80 | (op1 << 4) | u16::from(rn),
        0xf000 | (u16::from(rd) << 8) | (u << 6) | (op2 << 4) | u16::from(rm),
    )
}

fn run(hw1: u16, hw2: u16, regs: &[u32; 15], ge: u8, q: bool) -> Cpu {
    let i = decode32(hw1, hw2).unwrap_or_else(|| panic!("{hw1:04x} {hw2:04x} not decoded"));
    let mut c = cpu_with(regs, ge, q);
    execute(&i, &mut c).unwrap();
    c
}

fn check(c: &Cpu, regs: &[u32; 15], ge_before: u8, out: Out) -> Result<(), TestCaseError> {
    let mut expect = *regs;
    for &(r, v) in &out.regs {
        expect[usize::from(r)] = v;
    }
    prop_assert_eq!(&c.r[..15], &expect[..]);
    prop_assert_eq!(c.ge, out.ge, "GE (before {:04b})", ge_before);
    prop_assert_eq!(c.q, out.q);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parallel_add_sub(idx in 0usize..36, rd in reg(), rn in reg(), rm in reg(),
                        mut regs in prop::array::uniform15(any::<u32>()), a in word(), bb in word(),
                        ge in 0u8..16, q in any::<bool>()) {
        regs[usize::from(rn)] = a;
        regs[usize::from(rm)] = bb;
        let (n, m) = (regs[usize::from(rn)], regs[usize::from(rm)]);
        let (hw1, hw2) = par_encoding(idx, rd, rn, rm);
        let i = decode32(hw1, hw2).unwrap();
        prop_assert_eq!(i.mnemonic(), PAR[idx]);
        let c = run(hw1, hw2, &regs, ge, q);
        let (v, g) = parallel_ref(idx, n, m);
        check(&c, &regs, ge, Out { regs: vec![(rd, v)], ge: g.unwrap_or(ge), q })?;
    }

    #[test]
    fn q32_and_sel(op in 0u16..5, rd in reg(), rn in reg(), rm in reg(),
                   mut regs in prop::array::uniform15(any::<u32>()), a in word(), bb in word(),
                   ge in 0u8..16, q in any::<bool>()) {
        regs[usize::from(rn)] = a;
        regs[usize::from(rm)] = bb;
        let (n, m) = (i64::from(regs[usize::from(rn)] as i32), i64::from(regs[usize::from(rm)] as i32));
        let (hw1, op2) = if op == 4 { (0xfaa0, 0x8) } else { (0xfa80, 0x8 | op) };
        let c = run(hw1 | u16::from(rn), 0xf000 | (u16::from(rd) << 8) | (op2 << 4) | u16::from(rm), &regs, ge, q);
        let (v, qq) = match op {
            0 => sat_s(m + n, 32),
            1 => { let (d, s1) = sat_s(2 * n, 32); let (v, s2) = sat_s(m + d, 32); (v, s1 || s2) }
            2 => sat_s(m - n, 32),
            3 => { let (d, s1) = sat_s(2 * n, 32); let (v, s2) = sat_s(m - d, 32); (v, s1 || s2) }
            _ => {
                let (nn, mm) = (regs[usize::from(rn)], regs[usize::from(rm)]);
                let mut r = 0u32;
                for i in 0..4 { r |= if ge >> i & 1 == 1 { b(nn, i) } else { b(mm, i) } << (8 * i); }
                (i64::from(r), false)
            }
        };
        check(&c, &regs, ge, Out { regs: vec![(rd, v as u32)], ge, q: q || qq })?;
    }

    #[test]
    fn extend_add(op1 in 0u16..6, rot in 0u16..4, rd in reg(), rn in prop_oneof![reg(), Just(15u8)],
                  rm in reg(), regs in prop::array::uniform15(any::<u32>())) {
        let rn = if rn == 15 && !(2..4).contains(&op1) { 0 } else { rn };
        let c = run(0xfa00 | (op1 << 4) | u16::from(rn),
                    0xf080 | (u16::from(rd) << 8) | (rot << 4) | u16::from(rm), &regs, 0, false);
        let x = regs[usize::from(rm)].rotate_right(8 * u32::from(rot));
        let n = if rn == 15 { 0 } else { regs[usize::from(rn)] };
        let v = match op1 {
            0 => (i64::from(n) + sx16(x)) as u32,
            1 => n.wrapping_add(x & 0xffff),
            2 => {
                let lo = (i64::from(n & 0xffff) + sb(x, 0)) as u32 & 0xffff;
                let hi = (i64::from(n >> 16) + sb(x, 2)) as u32 & 0xffff;
                hi << 16 | lo
            }
            3 => {
                let lo = ((n & 0xffff) + b(x, 0)) & 0xffff;
                let hi = ((n >> 16) + b(x, 2)) & 0xffff;
                hi << 16 | lo
            }
            4 => (i64::from(n) + sb(x, 0)) as u32,
            _ => n.wrapping_add(b(x, 0)),
        };
        check(&c, &regs, 0, Out { regs: vec![(rd, v)], ge: 0, q: false })?;
    }

    #[test]
    fn pkh_and_sat16(tb in any::<bool>(), sh in 0u16..32, uns in any::<bool>(), sat in 0u16..16,
                     rd in reg(), rn in reg(), rm in reg(), mut regs in prop::array::uniform15(any::<u32>()),
                     a in word(), q in any::<bool>()) {
        regs[usize::from(rn)] = a;
        let (n, m) = (regs[usize::from(rn)], regs[usize::from(rm)]);
        let c = run(0xeac0 | u16::from(rn),
                    ((sh >> 2) << 12) | (u16::from(rd) << 8) | ((sh & 3) << 6) | (u16::from(tb) << 5) | u16::from(rm),
                    &regs, 0, q);
        let v = if tb {
            let s = if sh == 0 { (m as i32 >> 31) as u32 } else { (m as i32 >> sh) as u32 };
            (n & 0xffff_0000) | (s & 0xffff)
        } else {
            (n & 0xffff) | ((m << sh) & 0xffff_0000)
        };
        check(&c, &regs, 0, Out { regs: vec![(rd, v)], ge: 0, q })?;

        let hw1 = if uns { 0xf3a0 } else { 0xf320 } | u16::from(rn);
        let c = run(hw1, (u16::from(rd) << 8) | sat, &regs, 0, q);
        let f = |x: i64| if uns { sat_u(x, u32::from(sat)) } else { sat_s(x, u32::from(sat) + 1) };
        let (lo, q1) = f(sx16(n));
        let (hi, q2) = f(hi16(n));
        let v = ((hi as u32) << 16) | (lo as u32 & 0xffff);
        check(&c, &regs, 0, Out { regs: vec![(rd, v)], ge: 0, q: q || q1 || q2 })?;
    }

    #[test]
    fn multiply_accumulate(op1 in 1u16..8, op2 in 0u16..4, rd in reg(), rn in reg(), rm in reg(),
                           ra in prop_oneof![reg(), Just(15u8)], mut regs in prop::array::uniform15(any::<u32>()),
                           a in word(), bb in word(), q in any::<bool>()) {
        let op2 = match op1 { 1 => op2, 7 => 0, _ => op2 & 1 };
        let ra = if op1 == 6 && ra == 15 { 0 } else { ra };
        regs[usize::from(rn)] = a;
        regs[usize::from(rm)] = bb;
        let (n, m) = (regs[usize::from(rn)], regs[usize::from(rm)]);
        let acc = if ra == 15 { None } else { Some(regs[usize::from(ra)]) };
        let c = run(0xfb00 | (op1 << 4) | u16::from(rn),
                    (u16::from(ra) << 12) | (u16::from(rd) << 8) | (op2 << 4) | u16::from(rm), &regs, 0, q);
        let acc_s = acc.map_or(0, |x| i64::from(x as i32));
        let ovf = |v: i64| v != i64::from(v as i32);
        let (v, qq): (u32, bool) = match op1 {
            1 => {
                let x = if op2 & 2 != 0 { hi16(n) } else { sx16(n) };
                let y = if op2 & 1 != 0 { hi16(m) } else { sx16(m) };
                let r = x * y + acc_s;
                (r as u32, acc.is_some() && ovf(r))
            }
            2 | 4 => {
                let mm = if op2 & 1 != 0 { m.rotate_right(16) } else { m };
                let p1 = sx16(n) * sx16(mm);
                let p2 = hi16(n) * hi16(mm);
                let r = if op1 == 2 { p1 + p2 } else { p1 - p2 } + acc_s;
                (r as u32, ovf(r))
            }
            3 => {
                let y = if op2 & 1 != 0 { hi16(m) } else { sx16(m) };
                let r = (i64::from(n as i32) * y + (acc_s << 16)) >> 16;
                (r as u32, acc.is_some() && ovf(r))
            }
            5 | 6 => {
                let p = i128::from(n as i32) * i128::from(m as i32);
                let base = i128::from(acc_s) << 32;
                let mut r = if op1 == 5 { base + p } else { base - p };
                if op2 & 1 != 0 { r += 0x8000_0000; }
                ((r >> 32) as u32, false)
            }
            _ => {
                let s: u32 = (0..4).map(|i| b(n, i).abs_diff(b(m, i))).sum();
                (s.wrapping_add(acc.unwrap_or(0)), false)
            }
        };
        check(&c, &regs, 0, Out { regs: vec![(rd, v)], ge: 0, q: q || qq })?;
    }

    #[test]
    fn long_multiply_accumulate(kind in 0u16..5, nm in 0u16..4, lo in reg(), hi in reg(), rn in reg(), rm in reg(),
                                mut regs in prop::array::uniform15(any::<u32>()), a in word(), bb in word()) {
        let hi = if lo == hi { (lo + 1) % 13 } else { hi };
        regs[usize::from(rn)] = a;
        regs[usize::from(rm)] = bb;
        let (n, m) = (regs[usize::from(rn)], regs[usize::from(rm)]);
        let (op1, op2) = match kind { 0 => (0xc, 0x8 | nm), 1 => (0xc, 0xc | (nm & 1)), 2 => (0xd, 0xc | (nm & 1)), 3 => (0xe, 0x6), _ => (0xc, 0x8) };
        let c = run(0xfb00 | (op1 << 4) | u16::from(rn),
                    (u16::from(lo) << 12) | (u16::from(hi) << 8) | (op2 << 4) | u16::from(rm), &regs, 0, false);
        let acc = (i128::from(regs[usize::from(hi)]) << 32) | i128::from(regs[usize::from(lo)]);
        let r: i128 = match kind {
            0 | 4 => {
                let x = if op2 & 2 != 0 { hi16(n) } else { sx16(n) };
                let y = if op2 & 1 != 0 { hi16(m) } else { sx16(m) };
                acc + i128::from(x * y)
            }
            1 | 2 => {
                let mm = if op2 & 1 != 0 { m.rotate_right(16) } else { m };
                let p1 = i128::from(sx16(n) * sx16(mm));
                let p2 = i128::from(hi16(n) * hi16(mm));
                acc + if kind == 1 { p1 + p2 } else { p1 - p2 }
            }
            _ => i128::from(n) * i128::from(m) + i128::from(regs[usize::from(hi)]) + i128::from(regs[usize::from(lo)]),
        };
        check(&c, &regs, 0, Out { regs: vec![(lo, r as u32), (hi, (r >> 32) as u32)], ge: 0, q: false })?;
    }
}

#[test]
fn saturation_edges_set_q() {
    let mut regs = [0u32; 15];
    regs[1] = 0x7fff_ffff;
    regs[2] = 1;
    // qadd r0, r1, r2: Rm = r2, Rn = r1 in fields -> hw1 Rn=2? encode qadd r0, r1, r2 = fa82 f081.
    let c = run(0xfa82, 0xf081, &regs, 0, false);
    assert_eq!(c.r[0], 0x7fff_ffff);
    assert!(c.q);
    // smuad r0, r1, r1 with 0x8000_8000: 2^30 + 2^30 overflows -> Q.
    regs[1] = 0x8000_8000;
    let c = run(0xfb21, 0xf001, &regs, 0, false);
    assert_eq!(c.r[0], 0x8000_0000);
    assert!(c.q);
}
