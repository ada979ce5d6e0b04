//! The disassembler: prints an [`Instr`] in capstone's Thumb syntax (UAL, lower case, `.w`
//! where capstone writes it, flag-setting `s` suffixes as outside an IT block, `#0x..` for
//! immediates above 9, absolute branch targets, r9-r12 as `sb`/`sl`/`fp`/`ip`), so the decoder
//! can be cross-checked against capstone and the TUI can show code.

use core::fmt::{self, Write as _};

use crate::decode::encoding_name;
use crate::instr::{
    AddrMode, Barrier, Cond, DpOp, Hint, Instr, MemSize, MulLongOp, Offset, Operand2, RevOp,
    ShiftType, UndefReason,
};

/// Register names as capstone prints them.
pub const REG_NAMES: [&str; 16] = [
    "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "sb", "sl", "fp", "ip", "sp", "lr", "pc",
];

fn reg(r: u8) -> &'static str {
    REG_NAMES[usize::from(r & 15)]
}

/// Formats an immediate as capstone does: decimal up to 9, hex above, signed.
pub fn imm(v: i64) -> String {
    if v >= 0 {
        if v > 9 {
            format!("#0x{v:x}")
        } else {
            format!("#{v}")
        }
    } else if v < -9 {
        format!("#-0x{:x}", -v)
    } else {
        format!("#-{}", -v)
    }
}

/// A 32-bit value printed as capstone prints `int32` operands.
fn imm32(v: u32) -> String {
    imm(i64::from(v as i32))
}

/// A register list `{r0, r1, lr}`.
pub fn reg_list(list: u16) -> String {
    let mut s = String::from("{");
    for r in 0..16u8 {
        if list & (1 << r) != 0 {
            if s.len() > 1 {
                s.push_str(", ");
            }
            s.push_str(reg(r));
        }
    }
    s.push('}');
    s
}

fn dp_name(op: DpOp) -> &'static str {
    match op {
        DpOp::And => "and",
        DpOp::Bic => "bic",
        DpOp::Orr => "orr",
        DpOp::Orn => "orn",
        DpOp::Eor => "eor",
        DpOp::Add => "add",
        DpOp::Adc => "adc",
        DpOp::Sub => "sub",
        DpOp::Sbc => "sbc",
        DpOp::Rsb => "rsb",
        DpOp::Mov => "mov",
        DpOp::Mvn => "mvn",
        DpOp::Tst => "tst",
        DpOp::Teq => "teq",
        DpOp::Cmp => "cmp",
        DpOp::Cmn => "cmn",
    }
}

fn shift_suffix(shift: ShiftType, amount: u8) -> String {
    match shift {
        ShiftType::Lsl if amount == 0 => String::new(),
        ShiftType::Rrx => ", rrx".to_string(),
        _ => format!(", {shift} #{amount}"),
    }
}

/// How capstone prints the immediate offset of each addressing-mode family.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// 16-bit immediate forms: `[rn]` for zero.
    T16,
    /// 16-bit literal: always `[pc, #imm]`.
    T16Lit,
    /// 32-bit imm12 and unprivileged forms: `[rn]` for zero.
    Imm12,
    /// 32-bit literal: positive `#imm` (zero included), negative always hex.
    Lit,
    /// 32-bit imm8 with P/U/W: pre-indexed negative offsets always hex, post-indexed signed.
    Imm8,
    /// LDRD/STRD: negative offsets always hex.
    Dual,
}

fn neg_hex(v: u16) -> String {
    format!("#-0x{v:x}")
}

fn addr_mode(a: &AddrMode, style: Style) -> String {
    let base = reg(a.rn);
    match a.offset {
        Offset::Imm(i) => {
            let pos = imm(i64::from(i));
            let off = match (style, a.add) {
                (Style::T16Lit, _) => format!(", {pos}"),
                (Style::Lit, true) => format!(", {pos}"),
                (_, true) if i == 0 && a.index && !a.wback => String::new(),
                (_, true) => format!(", {pos}"),
                (Style::Imm8 | Style::Dual, false) if !a.index && i == 0 => ", #-0".to_string(),
                (Style::Imm8 | Style::Dual, false) if !a.index => {
                    format!(", {}", imm(-i64::from(i)))
                }
                (_, false) => format!(", {}", neg_hex(i)),
            };
            match (a.index, a.wback) {
                (true, false) => format!("[{base}{off}]"),
                (true, true) => format!("[{base}{off}]!"),
                (false, _) => format!("[{base}]{off}"),
            }
        }
        Offset::Reg { rm, shift } => {
            if shift == 0 {
                format!("[{base}, {}]", reg(rm))
            } else {
                format!("[{base}, {}, lsl #{shift}]", reg(rm))
            }
        }
    }
}

/// The addressing style of a single load/store, from its encoding.
fn ls_style(name: &str, pattern: &str, wide: bool, a: &AddrMode) -> Style {
    if !wide {
        if a.rn == 15 {
            Style::T16Lit
        } else {
            Style::T16
        }
    } else if a.rn == 15 {
        Style::Lit
    } else if pattern.contains("1puw") && !name.ends_with("T_T1") {
        Style::Imm8
    } else {
        Style::Imm12
    }
}

fn size_suffix(size: MemSize, signed: bool) -> &'static str {
    match (size, signed) {
        (MemSize::Word, _) => "",
        (MemSize::Half, false) => "h",
        (MemSize::Half, true) => "sh",
        (MemSize::Byte, false) => "b",
        (MemSize::Byte, true) => "sb",
    }
}

fn sysm_name(sysm: u8) -> String {
    match sysm {
        0 => "apsr".into(),
        1 => "iapsr".into(),
        2 => "eapsr".into(),
        3 => "xpsr".into(),
        5 => "ipsr".into(),
        6 => "epsr".into(),
        7 => "iepsr".into(),
        8 => "msp".into(),
        9 => "psp".into(),
        16 => "primask".into(),
        17 => "basepri".into(),
        18 => "basepri_max".into(),
        19 => "faultmask".into(),
        20 => "control".into(),
        n => format!("#{n}"),
    }
}

fn it_suffix(firstcond: u8, mask: u8) -> String {
    let mut s = String::new();
    let n = 4 - mask.trailing_zeros() as u8;
    for i in 1..n {
        let bit = (mask >> (4 - i)) & 1;
        s.push(if bit == (firstcond & 1) { 't' } else { 'e' });
    }
    s
}

/// Mnemonic and operands of `instr` at address `addr`, separately (as capstone returns them).
pub fn parts(instr: &Instr, addr: u32) -> (String, String) {
    let name = encoding_name(instr.enc());
    let pattern = crate::decode::encoding(instr.enc()).map_or("", |e| e.pattern);
    let wide = instr.width() == 4;
    let w = if wide { ".w" } else { "" };
    let target = |off: i32| imm(i64::from(addr.wrapping_add(4).wrapping_add(off as u32)));
    let (m, o): (String, String) = match *instr {
        Instr::DataProc {
            op, s, rd, rn, op2, ..
        } => return dataproc(name, wide, op, s, rd, rn, &op2),
        Instr::Adr { rd, offset, .. } => {
            if wide {
                // capstone prints the 32-bit forms as ADDW/SUBW from PC.
                let m = if offset < 0 { "subw" } else { "addw" };
                (
                    m.into(),
                    format!("{}, pc, {}", reg(rd), imm(i64::from(offset).abs())),
                )
            } else {
                (
                    "adr".into(),
                    format!("{}, {}", reg(rd), imm(i64::from(offset))),
                )
            }
        }
        Instr::Movw { rd, imm: i, .. } => {
            ("movw".into(), format!("{}, {}", reg(rd), imm(i64::from(i))))
        }
        Instr::Movt { rd, imm: i, .. } => {
            ("movt".into(), format!("{}, {}", reg(rd), imm(i64::from(i))))
        }
        Instr::Mul { s, rd, rn, rm, .. } => (
            if s { "muls".into() } else { "mul".into() },
            format!("{}, {}, {}", reg(rd), reg(rn), reg(rm)),
        ),
        Instr::Mla {
            sub,
            rd,
            rn,
            rm,
            ra,
            ..
        } => (
            if sub { "mls".into() } else { "mla".into() },
            format!("{}, {}, {}, {}", reg(rd), reg(rn), reg(rm), reg(ra)),
        ),
        Instr::MulLong {
            op,
            rdlo,
            rdhi,
            rn,
            rm,
            ..
        } => (
            match op {
                MulLongOp::Smull => "smull",
                MulLongOp::Umull => "umull",
                MulLongOp::Smlal => "smlal",
                MulLongOp::Umlal => "umlal",
            }
            .into(),
            format!("{}, {}, {}, {}", reg(rdlo), reg(rdhi), reg(rn), reg(rm)),
        ),
        Instr::Div {
            signed, rd, rn, rm, ..
        } => (
            if signed { "sdiv".into() } else { "udiv".into() },
            format!("{}, {}, {}", reg(rd), reg(rn), reg(rm)),
        ),
        Instr::Bfi {
            rd, rn, lsb, msb, ..
        } => {
            let width = i64::from(msb) - i64::from(lsb) + 1;
            if rn == 15 {
                (
                    "bfc".into(),
                    format!("{}, {}, {}", reg(rd), imm(lsb.into()), imm(width)),
                )
            } else {
                (
                    "bfi".into(),
                    format!(
                        "{}, {}, {}, {}",
                        reg(rd),
                        reg(rn),
                        imm(lsb.into()),
                        imm(width)
                    ),
                )
            }
        }
        Instr::Bfx {
            signed,
            rd,
            rn,
            lsb,
            width,
            ..
        } => (
            if signed { "sbfx".into() } else { "ubfx".into() },
            format!(
                "{}, {}, {}, {}",
                reg(rd),
                reg(rn),
                imm(lsb.into()),
                imm(width.into())
            ),
        ),
        Instr::Extend {
            signed,
            size,
            rd,
            rm,
            rotation,
            ..
        } => {
            let m = format!(
                "{}xt{}{w}",
                if signed { "s" } else { "u" },
                if size == MemSize::Byte { "b" } else { "h" }
            );
            let rot = if rotation != 0 {
                format!(", ror #{rotation}")
            } else {
                String::new()
            };
            (m, format!("{}, {}{rot}", reg(rd), reg(rm)))
        }
        Instr::Clz { rd, rm, .. } => ("clz".into(), format!("{}, {}", reg(rd), reg(rm))),
        Instr::Rev { op, rd, rm, .. } => {
            let m = match op {
                RevOp::Rev => "rev",
                RevOp::Rev16 => "rev16",
                RevOp::Revsh => "revsh",
                RevOp::Rbit => "rbit",
            };
            let m = if op == RevOp::Rbit {
                m.to_string()
            } else {
                format!("{m}{w}")
            };
            (m, format!("{}, {}", reg(rd), reg(rm)))
        }
        Instr::Sat {
            signed,
            rd,
            rn,
            sat_bits,
            shift,
            amount,
            ..
        } => {
            let sh = match (shift, amount) {
                (ShiftType::Lsl, 0) => String::new(),
                (s, a) => format!(", {s} {}", imm(a.into())),
            };
            (
                if signed { "ssat".into() } else { "usat".into() },
                format!("{}, {}, {}{sh}", reg(rd), imm(sat_bits.into()), reg(rn)),
            )
        }
        Instr::Load {
            size,
            signed,
            rt,
            addr: a,
            ..
        } => {
            let t = if name.ends_with("T_T1") { "t" } else { "" };
            if name == "POP_T3" {
                ("pop.w".into(), reg_list(1 << rt))
            } else {
                let style = ls_style(name, pattern, wide, &a);
                let mw = if wide && t.is_empty() && style != Style::Imm8 {
                    ".w"
                } else {
                    ""
                };
                (
                    format!("ldr{}{t}{mw}", size_suffix(size, signed)),
                    format!("{}, {}", reg(rt), addr_mode(&a, style)),
                )
            }
        }
        Instr::Store {
            size, rt, addr: a, ..
        } => {
            let t = if name.ends_with("T_T1") { "t" } else { "" };
            if name == "PUSH_T3" {
                ("push.w".into(), reg_list(1 << rt))
            } else {
                let style = ls_style(name, pattern, wide, &a);
                let mw = if wide && t.is_empty() && style != Style::Imm8 {
                    ".w"
                } else {
                    ""
                };
                (
                    format!("str{}{t}{mw}", size_suffix(size, false)),
                    format!("{}, {}", reg(rt), addr_mode(&a, style)),
                )
            }
        }
        Instr::LoadDual {
            rt, rt2, addr: a, ..
        } => (
            "ldrd".into(),
            format!("{}, {}, {}", reg(rt), reg(rt2), addr_mode(&a, Style::Dual)),
        ),
        Instr::StoreDual {
            rt, rt2, addr: a, ..
        } => (
            "strd".into(),
            format!("{}, {}, {}", reg(rt), reg(rt2), addr_mode(&a, Style::Dual)),
        ),
        Instr::LoadExcl {
            size,
            rt,
            rn,
            imm: i,
            ..
        } => {
            let off = if i != 0 {
                format!(", {}", imm(i.into()))
            } else {
                String::new()
            };
            (
                format!("ldrex{}", size_suffix(size, false)),
                format!("{}, [{}{off}]", reg(rt), reg(rn)),
            )
        }
        Instr::StoreExcl {
            size,
            rd,
            rt,
            rn,
            imm: i,
            ..
        } => {
            let off = if i != 0 {
                format!(", {}", imm(i.into()))
            } else {
                String::new()
            };
            (
                format!("strex{}", size_suffix(size, false)),
                format!("{}, {}, [{}{off}]", reg(rd), reg(rt), reg(rn)),
            )
        }
        Instr::Clrex { .. } => ("clrex".into(), String::new()),
        Instr::Ldm {
            rn,
            list,
            wback,
            db,
            ..
        } => {
            if rn == 13 && wback && !db {
                (format!("pop{w}"), reg_list(list))
            } else {
                let m = if db {
                    "ldmdb".to_string()
                } else {
                    format!("ldm{w}")
                };
                (
                    m,
                    format!(
                        "{}{}, {}",
                        reg(rn),
                        if wback { "!" } else { "" },
                        reg_list(list)
                    ),
                )
            }
        }
        Instr::Stm {
            rn,
            list,
            wback,
            db,
            ..
        } => {
            if rn == 13 && wback && db {
                (format!("push{w}"), reg_list(list))
            } else {
                let m = if db {
                    "stmdb".to_string()
                } else {
                    format!("stm{w}")
                };
                (
                    m,
                    format!(
                        "{}{}, {}",
                        reg(rn),
                        if wback { "!" } else { "" },
                        reg_list(list)
                    ),
                )
            }
        }
        Instr::Preload {
            instruction,
            addr: a,
            ..
        } => (
            if instruction {
                "pli".into()
            } else {
                "pld".into()
            },
            addr_mode(&a, if a.rn == 15 { Style::Lit } else { Style::Imm12 }),
        ),
        Instr::B { cond, offset, .. } => {
            let c = cond.suffix();
            let mw = if wide { ".w" } else { "" };
            (format!("b{c}{mw}"), target(offset))
        }
        Instr::Bl { offset, .. } => ("bl".into(), target(offset)),
        Instr::Bx { link, rm, .. } => (
            if link { "blx".into() } else { "bx".into() },
            reg(rm).into(),
        ),
        Instr::Cbz {
            nonzero,
            rn,
            offset,
            ..
        } => (
            if nonzero { "cbnz".into() } else { "cbz".into() },
            format!("{}, {}", reg(rn), target(i32::from(offset))),
        ),
        Instr::TableBranch { half, rn, rm, .. } => {
            if half {
                ("tbh".into(), format!("[{}, {}, lsl #1]", reg(rn), reg(rm)))
            } else {
                ("tbb".into(), format!("[{}, {}]", reg(rn), reg(rm)))
            }
        }
        Instr::It {
            firstcond, mask, ..
        } => (
            format!("it{}", it_suffix(firstcond, mask)),
            match Cond::from_bits(firstcond) {
                Cond::Al => "al".to_string(),
                c => c.suffix().to_string(),
            },
        ),
        Instr::Hint { hint, .. } => {
            let m = match hint {
                Hint::Nop => "nop",
                Hint::Yield => "yield",
                Hint::Wfe => "wfe",
                Hint::Wfi => "wfi",
                Hint::Sev => "sev",
                Hint::Dbg(n) => return ("dbg".into(), imm(n.into())),
                Hint::Unallocated(n) => return (format!("hint{w}"), imm(n.into())),
            };
            (format!("{m}{w}"), String::new())
        }
        Instr::Barrier { kind, option, .. } => {
            let m = match kind {
                Barrier::Dsb => "dsb",
                Barrier::Dmb => "dmb",
                Barrier::Isb => "isb",
            };
            let o = match (kind, option) {
                (_, 15) => "sy".to_string(),
                (Barrier::Isb, n) => imm(n.into()),
                (_, 14) => "st".to_string(),
                (_, 13) => "ld".to_string(),
                (_, 11) => "ish".to_string(),
                (_, 10) => "ishst".to_string(),
                (_, 9) => "ishld".to_string(),
                (_, 7) => "nsh".to_string(),
                (_, 6) => "nshst".to_string(),
                (_, 5) => "nshld".to_string(),
                (_, 3) => "osh".to_string(),
                (_, 2) => "oshst".to_string(),
                (_, 1) => "oshld".to_string(),
                (_, n) => imm(n.into()),
            };
            (m.into(), o)
        }
        Instr::Mrs { rd, sysm, .. } => ("mrs".into(), format!("{}, {}", reg(rd), sysm_name(sysm))),
        Instr::Msr { rn, sysm, mask, .. } => {
            let mut s = sysm_name(sysm);
            if sysm <= 3 {
                s.push_str(match mask {
                    1 => "_g",
                    2 => "_nzcvq",
                    _ => "_nzcvqg",
                });
            }
            ("msr".into(), format!("{s}, {}", reg(rn)))
        }
        Instr::Cps { disable, i, f, .. } => {
            let flags = format!("{}{}", if i { "i" } else { "" }, if f { "f" } else { "" });
            (
                if disable {
                    "cpsid".into()
                } else {
                    "cpsie".into()
                },
                flags,
            )
        }
        Instr::Svc { imm: i, .. } => ("svc".into(), imm(i.into())),
        Instr::Bkpt { imm: i, .. } => ("bkpt".into(), imm(i.into())),
        Instr::Udf { imm: i, .. } => (format!("udf{w}"), imm(i.into())),
        Instr::Coproc { raw, .. } => coproc(raw),
        Instr::Undefined { reason, .. } => (
            match reason {
                UndefReason::Undefined => "<undefined>",
                UndefReason::Unpredictable => "<unpredictable>",
                UndefReason::NotInArch => "<not in arch>",
                UndefReason::NotInFpu => "<not in this FPU>",
            }
            .into(),
            String::new(),
        ),
        Instr::Dsp { op, .. } => (op.mnemonic(), op.operands()),
        Instr::Fp { op, .. } => {
            let text = op.to_string();
            match text.split_once(' ') {
                Some((m, o)) => (m.to_string(), o.to_string()),
                None => (text, String::new()),
            }
        }
    };
    (m, o)
}

/// CDP/MCR/MRC/MCRR/MRRC/LDC/STC and their "2" forms (ARM ARM A5.3.18), as capstone prints
/// them.
fn coproc(x: u32) -> (String, String) {
    let field = |lo: u32, w: u32| (x >> lo) & ((1 << w) - 1);
    let two = if x & (1 << 28) != 0 { "2" } else { "" };
    let cp = field(8, 4);
    let load = x & (1 << 20) != 0;
    let op1 = field(20, 6);
    if op1 & 0b11_1110 == 0b00_0100 {
        let m = if load { "mrrc" } else { "mcrr" };
        let o = format!(
            "p{cp}, {}, {}, {}, c{}",
            imm(field(4, 4).into()),
            reg(field(12, 4) as u8),
            reg(field(16, 4) as u8),
            field(0, 4)
        );
        return (format!("{m}{two}"), o);
    }
    if op1 & 0b10_0000 == 0 {
        // LDC/STC: P U D W L.
        let (p, u, d, w) = (
            x & (1 << 24) != 0,
            x & (1 << 23) != 0,
            x & (1 << 22) != 0,
            x & (1 << 21) != 0,
        );
        let m = format!(
            "{}{two}{}",
            if load { "ldc" } else { "stc" },
            if d { "l" } else { "" }
        );
        let rn = reg(field(16, 4) as u8);
        let imm8 = field(0, 8);
        let off = i64::from(imm8 * 4);
        let signed = if u {
            imm(off)
        } else if off == 0 {
            "#-0".into()
        } else {
            imm(-off)
        };
        let addr = match (p, w) {
            (true, false) if u && off == 0 => format!("[{rn}]"),
            (true, wb) => format!("[{rn}, {signed}]{}", if wb { "!" } else { "" }),
            (false, true) => format!("[{rn}], {signed}"),
            (false, false) => format!("[{rn}], {{{}}}", &imm(imm8.into())[1..]),
        };
        return (m, format!("p{cp}, c{}, {addr}", field(12, 4)));
    }
    if x & (1 << 4) == 0 {
        let o = format!(
            "p{cp}, {}, c{}, c{}, c{}, {}",
            imm(field(20, 4).into()),
            field(12, 4),
            field(16, 4),
            field(0, 4),
            imm(field(5, 3).into())
        );
        return (format!("cdp{two}"), o);
    }
    let rt = field(12, 4) as u8;
    let rt = if load && rt == 15 {
        "apsr_nzcv"
    } else {
        reg(rt)
    };
    let o = format!(
        "p{cp}, {}, {rt}, c{}, c{}, {}",
        imm(field(21, 3).into()),
        field(16, 4),
        field(0, 4),
        imm(field(5, 3).into())
    );
    (format!("{}{two}", if load { "mrc" } else { "mcr" }), o)
}

fn dataproc(
    name: &str,
    wide: bool,
    op: DpOp,
    s: bool,
    rd: u8,
    rn: u8,
    op2: &Operand2,
) -> (String, String) {
    let sfx = if s && !op.is_compare() { "s" } else { "" };
    let mut m = format!("{}{sfx}", dp_name(op));
    let mut o = String::new();
    match *op2 {
        Operand2::Imm { value, .. } => {
            let imm32 = |v: u32| {
                // capstone prints the logical ones unsigned, the others as int32.
                if wide
                    && matches!(
                        op,
                        DpOp::And | DpOp::Bic | DpOp::Orr | DpOp::Eor | DpOp::Mvn
                    )
                {
                    imm(i64::from(v))
                } else {
                    imm32(v)
                }
            };
            if name.ends_with("imm_T4") || name == "SUB_SP_imm_T3" {
                m = format!("{}w", dp_name(op));
            } else if wide
                && matches!(
                    op,
                    DpOp::Add
                        | DpOp::Sub
                        | DpOp::Mov
                        | DpOp::Cmp
                        | DpOp::Cmn
                        | DpOp::Rsb
                        | DpOp::Tst
                        | DpOp::Teq
                )
            {
                m.push_str(".w");
            }
            if matches!(
                name,
                "ADD_imm_T2" | "SUB_imm_T2" | "ADD_SP_imm_T2" | "SUB_SP_imm_T1"
            ) {
                // Two-operand 16-bit forms: adds r0, #1 / add sp, #4.
                let _ = write!(o, "{}, {}", reg(rd), imm32(value));
            } else if op == DpOp::Mov || op == DpOp::Mvn {
                let _ = write!(o, "{}, {}", reg(rd), imm32(value));
            } else if op.is_compare() {
                let _ = write!(o, "{}, {}", reg(rn), imm32(value));
            } else {
                let _ = write!(o, "{}, {}, {}", reg(rd), reg(rn), imm32(value));
            }
        }
        Operand2::Reg { rm, shift, amount } => {
            if op == DpOp::Mov && !(shift == ShiftType::Lsl && amount == 0) {
                // The shift instructions.
                m = format!("{shift}{sfx}");
                if wide && shift != ShiftType::Rrx {
                    m.push_str(".w");
                }
                if shift == ShiftType::Rrx {
                    let _ = write!(o, "{}, {}", reg(rd), reg(rm));
                } else {
                    let _ = write!(o, "{}, {}, {}", reg(rd), reg(rm), imm(amount.into()));
                }
                return (m, o);
            }
            if wide && op != DpOp::Orn && op != DpOp::Rsb {
                m.push_str(".w");
            }
            let sh = shift_suffix(shift, amount);
            if op == DpOp::Mov || op == DpOp::Mvn {
                let _ = write!(o, "{}, {}{sh}", reg(rd), reg(rm));
            } else if op.is_compare() {
                let _ = write!(o, "{}, {}{sh}", reg(rn), reg(rm));
            } else if name == "ADD_SP_reg_T1" {
                let _ = write!(o, "{}, sp, {}", reg(rd), reg(rd));
            } else if !wide && rd == rn && name != "ADD_reg_T1" && name != "SUB_reg_T1" {
                let _ = write!(o, "{}, {}", reg(rd), reg(rm));
            } else {
                let _ = write!(o, "{}, {}, {}{sh}", reg(rd), reg(rn), reg(rm));
            }
        }
        Operand2::RegShiftedReg { rm, shift, rs } => {
            m = format!("{shift}{sfx}");
            if wide {
                m.push_str(".w");
                let _ = write!(o, "{}, {}, {}", reg(rd), reg(rm), reg(rs));
            } else {
                let _ = write!(o, "{}, {}", reg(rd), reg(rs));
            }
        }
    }
    (m, o)
}

/// The disassembly of `instr` at `addr` as one string ("adds r0, r1, #1").
pub fn disasm(instr: &Instr, addr: u32) -> String {
    let (m, o) = parts(instr, addr);
    if o.is_empty() {
        m
    } else {
        format!("{m} {o}")
    }
}

/// An instruction with its address, printable with `{}`.
pub struct Disasm<'a> {
    /// The instruction.
    pub instr: &'a Instr,
    /// Its address (for branch targets).
    pub addr: u32,
}

impl fmt::Display for Disasm<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&disasm(self.instr, self.addr))
    }
}
