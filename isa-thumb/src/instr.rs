//! The typed instruction: what the decoder produces and the executor consumes.
//!
//! Variants are *semantic*: the 16-bit and the 32-bit encodings of one operation decode into
//! the same variant with the same field meanings (e.g. `ADDS r0, r1, #1` (ADD_imm_T1) and
//! `ADD.W r0, r1, #1` (ADD_imm_T3) are both [`Instr::DataProc`]). Every variant carries the
//! [`Enc`] it was decoded from, which gives the instruction width and the ARM ARM encoding name
//! (the disassembler needs it for `.w`/`addw` spellings; statistics can count encodings).
//!
//! Conventions the executor relies on:
//! - Register numbers are 0..=15; 13 is SP, 14 LR, 15 PC.
//! - A PC *operand* reads as the instruction address + 4; literal and ADR bases use
//!   `Align(PC, 4)` (the executor applies that when a base register is 15).
//! - Branch offsets are resolved and sign-extended: target = instruction address + 4 + offset.
//! - Shift amounts are already passed through `DecodeImmShift` (LSR/ASR #0 in the encoding is 32).
//! - Modified immediates are already expanded (`ThumbExpandImm_C`), with the carry-out.
//!
//! `Instr` stays at most 16 bytes (see the size test) because it lives in the decode cache.

use core::fmt;

/// The encoding an instruction was decoded from: a stable index into the encoding table.
///
/// Bit 15 is set for 32-bit encodings; the low bits index the decoder's
/// table of that width. [`Enc::NONE16`]/[`Enc::NONE32`] mean "no table entry matched".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Enc(pub u16);

impl Enc {
    /// Flag bit marking a 32-bit encoding.
    pub const WIDE: u16 = 0x8000;
    /// A 16-bit halfword that matched no encoding.
    pub const NONE16: Enc = Enc(0x7FFF);
    /// A 32-bit word that matched no encoding.
    pub const NONE32: Enc = Enc(0xFFFF);

    /// A DSP-extension instruction (decoded by `crate::dsp`, not by a table entry).
    pub const DSP: Enc = Enc(0xFFFE);
    /// A floating-point instruction (decoded by `crate::fp`, not by a table entry).
    pub const FP: Enc = Enc(0xFFFD);

    /// The encoding number `index` of the 16-bit table.
    pub const fn narrow(index: u16) -> Enc {
        Enc(index & 0x7FFF)
    }

    /// The encoding number `index` of the 32-bit table.
    pub const fn wide(index: u16) -> Enc {
        Enc(Self::WIDE | (index & 0x7FFF))
    }

    /// True for 32-bit encodings.
    pub const fn is_wide(self) -> bool {
        self.0 & Self::WIDE != 0
    }

    /// Instruction size in bytes: 2 or 4.
    pub const fn width(self) -> u32 {
        if self.is_wide() {
            4
        } else {
            2
        }
    }

    /// Index into the table of this width.
    pub const fn index(self) -> usize {
        (self.0 & 0x7FFF) as usize
    }
}

/// A condition code (ARM ARM A7.3): the `<c>` of `B<c>` and IT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Cond {
    /// Equal (Z).
    Eq = 0,
    /// Not equal (!Z).
    Ne,
    /// Carry set / unsigned higher or same (C).
    Cs,
    /// Carry clear / unsigned lower (!C).
    Cc,
    /// Minus (N).
    Mi,
    /// Plus or zero (!N).
    Pl,
    /// Overflow (V).
    Vs,
    /// No overflow (!V).
    Vc,
    /// Unsigned higher (C && !Z).
    Hi,
    /// Unsigned lower or same (!C || Z).
    Ls,
    /// Signed greater or equal (N == V).
    Ge,
    /// Signed less than (N != V).
    Lt,
    /// Signed greater than (!Z && N == V).
    Gt,
    /// Signed less or equal (Z || N != V).
    Le,
    /// Always.
    Al,
}

impl Cond {
    /// The condition with encoding `bits` (0..=14); 15 (the "never"/unconditional slot) maps
    /// to `Al`, which is how the places that can encode it treat it.
    pub const fn from_bits(bits: u8) -> Cond {
        match bits & 0xF {
            0 => Cond::Eq,
            1 => Cond::Ne,
            2 => Cond::Cs,
            3 => Cond::Cc,
            4 => Cond::Mi,
            5 => Cond::Pl,
            6 => Cond::Vs,
            7 => Cond::Vc,
            8 => Cond::Hi,
            9 => Cond::Ls,
            10 => Cond::Ge,
            11 => Cond::Lt,
            12 => Cond::Gt,
            13 => Cond::Le,
            _ => Cond::Al,
        }
    }

    /// The lower-case suffix as disassemblers print it ("" for always).
    pub const fn suffix(self) -> &'static str {
        match self {
            Cond::Eq => "eq",
            Cond::Ne => "ne",
            Cond::Cs => "hs",
            Cond::Cc => "lo",
            Cond::Mi => "mi",
            Cond::Pl => "pl",
            Cond::Vs => "vs",
            Cond::Vc => "vc",
            Cond::Hi => "hi",
            Cond::Ls => "ls",
            Cond::Ge => "ge",
            Cond::Lt => "lt",
            Cond::Gt => "gt",
            Cond::Le => "le",
            Cond::Al => "",
        }
    }
}

/// Shift types of shifted-register operands (ARM ARM A7.4.2, after `DecodeImmShift`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ShiftType {
    /// Logical shift left.
    Lsl,
    /// Logical shift right.
    Lsr,
    /// Arithmetic shift right.
    Asr,
    /// Rotate right.
    Ror,
    /// Rotate right by one through carry (amount is always 1).
    Rrx,
}

/// The flexible second operand of data-processing instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operand2 {
    /// An immediate, already expanded.
    Imm {
        /// The value.
        value: u32,
        /// The shifter carry-out of `ThumbExpandImm_C` when it differs from "carry unchanged"
        /// (`Some` only for rotated modified immediates); flag-setting logical ops write it to C.
        carry: Option<bool>,
    },
    /// A register shifted by an immediate amount.
    Reg {
        /// The register.
        rm: u8,
        /// Shift type.
        shift: ShiftType,
        /// Shift amount after `DecodeImmShift` (0 only with `Lsl`, meaning unshifted).
        amount: u8,
    },
    /// A register shifted by the bottom byte of another register (LSL/LSR/ASR/ROR register forms,
    /// which the ARM ARM defines as MOV with a register-shifted register).
    RegShiftedReg {
        /// The register shifted.
        rm: u8,
        /// Shift type (never `Rrx`).
        shift: ShiftType,
        /// The register holding the amount.
        rs: u8,
    },
}

impl Operand2 {
    /// A plain register operand (no shift).
    pub const fn reg(rm: u8) -> Operand2 {
        Operand2::Reg {
            rm,
            shift: ShiftType::Lsl,
            amount: 0,
        }
    }

    /// An immediate with "carry unchanged".
    pub const fn imm(value: u32) -> Operand2 {
        Operand2::Imm { value, carry: None }
    }
}

/// Data-processing operations (ARM ARM A5.3.1/A5.3.11 and the 16-bit forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum DpOp {
    /// rd = rn & op2.
    And,
    /// rd = rn & !op2.
    Bic,
    /// rd = rn | op2.
    Orr,
    /// rd = rn | !op2.
    Orn,
    /// rd = rn ^ op2.
    Eor,
    /// rd = rn + op2.
    Add,
    /// rd = rn + op2 + C.
    Adc,
    /// rd = rn - op2.
    Sub,
    /// rd = rn - op2 - !C.
    Sbc,
    /// rd = op2 - rn.
    Rsb,
    /// rd = op2 (rn unused). Also the shift instructions (LSL/LSR/ASR/ROR/RRX).
    Mov,
    /// rd = !op2 (rn unused).
    Mvn,
    /// Flags of rn & op2 (rd unused, s always true).
    Tst,
    /// Flags of rn ^ op2 (rd unused, s always true).
    Teq,
    /// Flags of rn - op2 (rd unused, s always true).
    Cmp,
    /// Flags of rn + op2 (rd unused, s always true).
    Cmn,
}

impl DpOp {
    /// True for the operations that only set flags (no destination register).
    pub const fn is_compare(self) -> bool {
        matches!(self, DpOp::Tst | DpOp::Teq | DpOp::Cmp | DpOp::Cmn)
    }

    /// True for the logical operations, whose C flag comes from the shifter.
    pub const fn is_logical(self) -> bool {
        matches!(
            self,
            DpOp::And
                | DpOp::Bic
                | DpOp::Orr
                | DpOp::Orn
                | DpOp::Eor
                | DpOp::Mov
                | DpOp::Mvn
                | DpOp::Tst
                | DpOp::Teq
        )
    }
}

/// Access size of loads and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MemSize {
    /// 8 bits.
    Byte,
    /// 16 bits.
    Half,
    /// 32 bits.
    Word,
}

impl MemSize {
    /// Size in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            MemSize::Byte => 1,
            MemSize::Half => 2,
            MemSize::Word => 4,
        }
    }
}

/// The offset part of an addressing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Offset {
    /// An immediate magnitude (direction in [`AddrMode::add`]), already scaled.
    Imm(u16),
    /// A register shifted left by 0..=3 (always added).
    Reg {
        /// The offset register.
        rm: u8,
        /// Left shift amount.
        shift: u8,
    },
}

/// Addressing mode of single and dual loads/stores (ARM ARM A7.6.2 index/add/wback).
///
/// offset_addr = add ? rn + offset : rn - offset; address = index ? offset_addr : rn;
/// if wback, rn = offset_addr. With rn = 15 (literal forms) the base is `Align(PC, 4)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddrMode {
    /// Base register.
    pub rn: u8,
    /// Offset.
    pub offset: Offset,
    /// Pre-indexed (true) or post-indexed (false).
    pub index: bool,
    /// Add (true) or subtract (false) the offset.
    pub add: bool,
    /// Write the offset address back to rn.
    pub wback: bool,
}

impl AddrMode {
    /// `[rn, #imm]`: pre-indexed, added, no writeback.
    pub const fn imm(rn: u8, imm: u16) -> AddrMode {
        AddrMode {
            rn,
            offset: Offset::Imm(imm),
            index: true,
            add: true,
            wback: false,
        }
    }

    /// `[rn, rm, lsl #shift]`.
    pub const fn reg(rn: u8, rm: u8, shift: u8) -> AddrMode {
        AddrMode {
            rn,
            offset: Offset::Reg { rm, shift },
            index: true,
            add: true,
            wback: false,
        }
    }
}

/// 64-bit multiplies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MulLongOp {
    /// Signed 32x32 -> 64.
    Smull,
    /// Unsigned 32x32 -> 64.
    Umull,
    /// Signed multiply-accumulate into rdhi:rdlo.
    Smlal,
    /// Unsigned multiply-accumulate into rdhi:rdlo.
    Umlal,
}

/// Byte/bit reversals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RevOp {
    /// Reverse the bytes of the word.
    Rev,
    /// Reverse the bytes of each halfword.
    Rev16,
    /// Reverse the bytes of the low halfword and sign-extend.
    Revsh,
    /// Reverse the bits of the word (v7-M).
    Rbit,
}

/// Hints (ARM ARM A7.7.x NOP-compatible hints).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hint {
    /// No operation.
    Nop,
    /// Yield to another thread (a NOP here).
    Yield,
    /// Wait for event.
    Wfe,
    /// Wait for interrupt.
    Wfi,
    /// Send event.
    Sev,
    /// Debug hint (v7-M DBG #option; a NOP here).
    Dbg(u8),
    /// An unallocated hint number: executes as a NOP (ARM ARM A5.2.5, A5.3.4).
    Unallocated(u8),
}

/// Memory barriers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Barrier {
    /// Data synchronization barrier.
    Dsb,
    /// Data memory barrier.
    Dmb,
    /// Instruction synchronization barrier.
    Isb,
}

/// Why an encoding decoded as [`Instr::Undefined`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum UndefReason {
    /// No instruction has this encoding (or it is UNDEFINED in the ARM ARM).
    Undefined,
    /// The encoding is UNPREDICTABLE; thimble's documented choice is to make it UNDEFINED
    /// (a UsageFault), which is what QEMU does for most of these and what tells a firmware author
    /// the most. See the decoder's comments for each case.
    Unpredictable,
    /// The instruction exists, but not in the selected architecture (e.g. a v7-M instruction
    /// on cortex-m0plus, a DSP instruction on cortex-m3).
    NotInArch,
    /// An encoding in the FPU's space (coprocessors 10 and 11) that the core's FPU lacks:
    /// double precision on a single-precision FPU, an FPv5 instruction on FPv4-SP, a D
    /// register above D15, or no FP instruction at all. As on silicon (and in QEMU), CP10
    /// access is checked first: NOCP when CPACR denies it, UNDEFINSTR otherwise.
    NotInFpu,
}

/// A decoded instruction. See the module documentation for field conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instr {
    /// Data processing: AND/BIC/ORR/ORN/EOR/ADD/ADC/SUB/SBC/RSB/MOV/MVN/TST/TEQ/CMP/CMN in
    /// every operand form, including ADDW/SUBW (imm12), ADD/SUB with SP, the shift instructions
    /// (MOV with a shifted register) and NEG (RSBS rd, rn, #0).
    DataProc {
        /// Encoding.
        enc: Enc,
        /// Operation.
        op: DpOp,
        /// Sets flags. Outside an IT block only: 16-bit encodings that "set flags outside IT"
        /// have `s = true` and the executor clears it inside an IT block.
        s: bool,
        /// Destination (unused by compares).
        rd: u8,
        /// First operand (unused by MOV/MVN).
        rn: u8,
        /// Second operand.
        op2: Operand2,
    },
    /// ADR: rd = Align(PC, 4) + offset.
    Adr {
        /// Encoding.
        enc: Enc,
        /// Destination.
        rd: u8,
        /// Signed offset (-4095..=4095).
        offset: i32,
    },
    /// MOVW: rd = imm16 (flags untouched).
    Movw {
        /// Encoding.
        enc: Enc,
        /// Destination.
        rd: u8,
        /// The 16-bit immediate.
        imm: u16,
    },
    /// MOVT: `rd[31:16]` = imm16.
    Movt {
        /// Encoding.
        enc: Enc,
        /// Destination.
        rd: u8,
        /// The 16-bit immediate.
        imm: u16,
    },
    /// MUL/MULS: rd = rn * rm (low 32 bits); `s` sets N and Z (16-bit MULS outside IT).
    Mul {
        /// Encoding.
        enc: Enc,
        /// Sets N and Z (16-bit form; cleared by the executor inside IT).
        s: bool,
        /// Destination.
        rd: u8,
        /// First operand.
        rn: u8,
        /// Second operand.
        rm: u8,
    },
    /// MLA (rd = ra + rn*rm) or MLS (rd = ra - rn*rm).
    Mla {
        /// Encoding.
        enc: Enc,
        /// MLS (subtract) instead of MLA.
        sub: bool,
        /// Destination.
        rd: u8,
        /// First factor.
        rn: u8,
        /// Second factor.
        rm: u8,
        /// Accumulator.
        ra: u8,
    },
    /// SMULL/UMULL/SMLAL/UMLAL: rdhi:rdlo (+)= rn * rm.
    MulLong {
        /// Encoding.
        enc: Enc,
        /// Operation.
        op: MulLongOp,
        /// Low result word.
        rdlo: u8,
        /// High result word.
        rdhi: u8,
        /// First factor.
        rn: u8,
        /// Second factor.
        rm: u8,
    },
    /// SDIV/UDIV: rd = rn / rm (division by zero per CCR.DIV_0_TRP: 0 or UsageFault).
    Div {
        /// Encoding.
        enc: Enc,
        /// SDIV (signed) instead of UDIV.
        signed: bool,
        /// Destination.
        rd: u8,
        /// Dividend.
        rn: u8,
        /// Divisor.
        rm: u8,
    },
    /// BFI (rn != 15) or BFC (rn == 15): insert `rn[width-1:0]` (or zeros) into `rd[msb:lsb]`.
    Bfi {
        /// Encoding.
        enc: Enc,
        /// Destination (read-modify-write).
        rd: u8,
        /// Source; 15 means BFC (insert zeros).
        rn: u8,
        /// Lowest bit.
        lsb: u8,
        /// Highest bit (>= lsb; the decoder makes msb < lsb UNPREDICTABLE).
        msb: u8,
    },
    /// SBFX/UBFX: rd = extract `rn[lsb + width - 1 : lsb]`, sign- or zero-extended.
    Bfx {
        /// Encoding.
        enc: Enc,
        /// SBFX instead of UBFX.
        signed: bool,
        /// Destination.
        rd: u8,
        /// Source.
        rn: u8,
        /// Lowest bit.
        lsb: u8,
        /// Field width 1..=32 (lsb + width <= 32).
        width: u8,
    },
    /// SXTB/SXTH/UXTB/UXTH: rd = extend(ROR(rm, rotation)[7:0 or 15:0]).
    Extend {
        /// Encoding.
        enc: Enc,
        /// Sign- instead of zero-extend.
        signed: bool,
        /// Source size: `Byte` or `Half`.
        size: MemSize,
        /// Destination.
        rd: u8,
        /// Source.
        rm: u8,
        /// Rotation 0, 8, 16 or 24.
        rotation: u8,
    },
    /// CLZ: rd = count of leading zeros of rm.
    Clz {
        /// Encoding.
        enc: Enc,
        /// Destination.
        rd: u8,
        /// Source.
        rm: u8,
    },
    /// REV/REV16/REVSH/RBIT.
    Rev {
        /// Encoding.
        enc: Enc,
        /// Operation.
        op: RevOp,
        /// Destination.
        rd: u8,
        /// Source.
        rm: u8,
    },
    /// SSAT/USAT: rd = saturate(shift(rn), sat_bits); sets Q on saturation.
    Sat {
        /// Encoding.
        enc: Enc,
        /// SSAT instead of USAT.
        signed: bool,
        /// Destination.
        rd: u8,
        /// Source.
        rn: u8,
        /// Saturation width: SSAT 1..=32, USAT 0..=31 (already `sat_imm + 1` for SSAT).
        sat_bits: u8,
        /// Shift applied first: `Lsl` or `Asr`.
        shift: ShiftType,
        /// Shift amount (ASR 1..=31 encoded; LSL 0..=31).
        amount: u8,
    },
    /// LDR/LDRB/LDRH/LDRSB/LDRSH (also LDRT family and literal forms): rt = `mem[addr]`.
    Load {
        /// Encoding.
        enc: Enc,
        /// Access size.
        size: MemSize,
        /// Sign-extend the loaded value.
        signed: bool,
        /// Destination (15: branch, interworking; word loads only).
        rt: u8,
        /// Addressing mode.
        addr: AddrMode,
    },
    /// STR/STRB/STRH (also STRT family): `mem[addr]` = rt.
    Store {
        /// Encoding.
        enc: Enc,
        /// Access size.
        size: MemSize,
        /// Source register.
        rt: u8,
        /// Addressing mode.
        addr: AddrMode,
    },
    /// LDRD: rt = `mem[addr]`, rt2 = `mem[addr + 4]` (immediate and literal forms).
    LoadDual {
        /// Encoding.
        enc: Enc,
        /// First destination.
        rt: u8,
        /// Second destination.
        rt2: u8,
        /// Addressing mode (immediate offset, multiple of 4).
        addr: AddrMode,
    },
    /// STRD: `mem[addr]` = rt, `mem[addr + 4]` = rt2.
    StoreDual {
        /// Encoding.
        enc: Enc,
        /// First source.
        rt: u8,
        /// Second source.
        rt2: u8,
        /// Addressing mode (immediate offset, multiple of 4).
        addr: AddrMode,
    },
    /// LDREX/LDREXB/LDREXH: rt = `mem[rn + imm]`, set the exclusive monitor.
    LoadExcl {
        /// Encoding.
        enc: Enc,
        /// Access size.
        size: MemSize,
        /// Destination.
        rt: u8,
        /// Base.
        rn: u8,
        /// Offset (word form only, multiple of 4).
        imm: u16,
    },
    /// STREX/STREXB/STREXH: if the monitor allows, `mem[rn + imm]` = rt and rd = 0, else rd = 1.
    StoreExcl {
        /// Encoding.
        enc: Enc,
        /// Access size.
        size: MemSize,
        /// Status destination.
        rd: u8,
        /// Source.
        rt: u8,
        /// Base.
        rn: u8,
        /// Offset (word form only, multiple of 4).
        imm: u16,
    },
    /// CLREX: clear the local exclusive monitor.
    Clrex {
        /// Encoding.
        enc: Enc,
    },
    /// LDM/LDMIA/LDMFD/LDMDB/POP: load the registers in `list` from consecutive words at rn
    /// (increment after, or decrement before when `db`). POP is LDM SP! .
    Ldm {
        /// Encoding.
        enc: Enc,
        /// Base.
        rn: u8,
        /// Register list, bit i = ri.
        list: u16,
        /// Write the final address back to rn.
        wback: bool,
        /// Decrement before (LDMDB) instead of increment after.
        db: bool,
    },
    /// STM/STMIA/STMDB/PUSH: store the registers in `list` (PUSH is STMDB SP!).
    Stm {
        /// Encoding.
        enc: Enc,
        /// Base.
        rn: u8,
        /// Register list, bit i = ri.
        list: u16,
        /// Write the final address back to rn.
        wback: bool,
        /// Decrement before (STMDB/PUSH) instead of increment after.
        db: bool,
    },
    /// PLD/PLI (preload hints): no architectural effect on Cortex-M; executes as a NOP.
    Preload {
        /// Encoding.
        enc: Enc,
        /// PLI (instruction) instead of PLD (data).
        instruction: bool,
        /// Addressing mode (never written back).
        addr: AddrMode,
    },
    /// `B` / `B<c>`: if cond passes, PC = address + 4 + offset.
    B {
        /// Encoding.
        enc: Enc,
        /// Condition (`Al` for the unconditional forms, which IT may still make conditional).
        cond: Cond,
        /// Resolved signed byte offset from address + 4.
        offset: i32,
    },
    /// BL: LR = next instruction | 1; PC = address + 4 + offset.
    Bl {
        /// Encoding.
        enc: Enc,
        /// Resolved signed byte offset from address + 4.
        offset: i32,
    },
    /// BX rm / BLX rm (interworking; also exception return with EXC_RETURN).
    Bx {
        /// Encoding.
        enc: Enc,
        /// BLX (link) instead of BX.
        link: bool,
        /// Target register.
        rm: u8,
    },
    /// CBZ/CBNZ: if (rn == 0) != nonzero, PC = address + 4 + offset.
    Cbz {
        /// Encoding.
        enc: Enc,
        /// CBNZ instead of CBZ.
        nonzero: bool,
        /// Register tested.
        rn: u8,
        /// Offset from address + 4 (0..=126, even).
        offset: u8,
    },
    /// TBB/TBH: PC = address + 4 + 2 * `table[rm]` where the table is at rn (15: address + 4).
    TableBranch {
        /// Encoding.
        enc: Enc,
        /// TBH (halfword table, index scaled by 2) instead of TBB.
        half: bool,
        /// Table base.
        rn: u8,
        /// Index.
        rm: u8,
    },
    /// IT: start an IT block (ITSTATE = firstcond:mask).
    It {
        /// Encoding.
        enc: Enc,
        /// First condition (bits 7:4 of ITSTATE).
        firstcond: u8,
        /// Mask (bits 3:0 of ITSTATE, never 0).
        mask: u8,
    },
    /// NOP-compatible hints: NOP, YIELD, WFE, WFI, SEV, DBG.
    Hint {
        /// Encoding.
        enc: Enc,
        /// Which hint.
        hint: Hint,
    },
    /// DSB/DMB/ISB with their option field.
    Barrier {
        /// Encoding.
        enc: Enc,
        /// Which barrier.
        kind: Barrier,
        /// The 4-bit option (15 = SY).
        option: u8,
    },
    /// MRS: rd = special register `sysm` (ARM ARM B5.2.2: 0-3,5-7 xPSR views, 8 MSP, 9 PSP,
    /// 16 PRIMASK, 17 BASEPRI, 18 BASEPRI_MAX, 19 FAULTMASK, 20 CONTROL).
    Mrs {
        /// Encoding.
        enc: Enc,
        /// Destination.
        rd: u8,
        /// Special register number.
        sysm: u8,
    },
    /// MSR: special register `sysm` = rn; for the APSR views `mask` bit 1 writes NZCVQ and
    /// bit 0 writes GE (v7E-M).
    Msr {
        /// Encoding.
        enc: Enc,
        /// Source.
        rn: u8,
        /// Special register number.
        sysm: u8,
        /// The mask<1:0> field.
        mask: u8,
    },
    /// CPSID/CPSIE: set (disable) or clear PRIMASK (`i`) and/or FAULTMASK (`f`).
    Cps {
        /// Encoding.
        enc: Enc,
        /// CPSID (disable: set the mask bits) instead of CPSIE.
        disable: bool,
        /// Affects PRIMASK.
        i: bool,
        /// Affects FAULTMASK (v7-M).
        f: bool,
    },
    /// SVC #imm: supervisor call exception.
    Svc {
        /// Encoding.
        enc: Enc,
        /// The comment field.
        imm: u8,
    },
    /// BKPT #imm: breakpoint (0xAB: semihosting).
    Bkpt {
        /// Encoding.
        enc: Enc,
        /// The comment field.
        imm: u8,
    },
    /// UDF #imm: permanently undefined (UsageFault UNDEFINSTR).
    Udf {
        /// Encoding.
        enc: Enc,
        /// The comment field (8 bits 16-bit, 16 bits 32-bit).
        imm: u16,
    },
    /// A generic coprocessor instruction (CDP/LDC/STC/MCR/MRC/MCRR/MRRC) for a coprocessor
    /// other than the FPU: no Cortex-M core has one, so executing it is a UsageFault NOCP.
    Coproc {
        /// Encoding.
        enc: Enc,
        /// Coprocessor number (bits 11:8 of the second halfword).
        cp: u8,
        /// The whole encoding (`hw1 << 16 | hw2`), for the disassembler.
        raw: u32,
    },
    /// An encoding that is UNDEFINED (or UNPREDICTABLE, or absent from the selected core):
    /// executing it is a UsageFault UNDEFINSTR.
    Undefined {
        /// The encoding that matched, or [`Enc::NONE16`]/[`Enc::NONE32`].
        enc: Enc,
        /// Why.
        reason: UndefReason,
    },
    /// DSP extension instruction (ARMv7E-M), decoded by [`crate::dsp`].
    Dsp {
        /// Encoding.
        enc: Enc,
        /// The operation.
        op: crate::dsp::DspInstr,
    },
    /// Floating-point instruction (FPv4-SP/FPv5), decoded by [`crate::fp`].
    Fp {
        /// Encoding.
        enc: Enc,
        /// The operation.
        op: crate::fp::FpInstr,
    },
}

impl Instr {
    /// The encoding this instruction was decoded from.
    pub const fn enc(&self) -> Enc {
        match *self {
            Instr::DataProc { enc, .. }
            | Instr::Adr { enc, .. }
            | Instr::Movw { enc, .. }
            | Instr::Movt { enc, .. }
            | Instr::Mul { enc, .. }
            | Instr::Mla { enc, .. }
            | Instr::MulLong { enc, .. }
            | Instr::Div { enc, .. }
            | Instr::Bfi { enc, .. }
            | Instr::Bfx { enc, .. }
            | Instr::Extend { enc, .. }
            | Instr::Clz { enc, .. }
            | Instr::Rev { enc, .. }
            | Instr::Sat { enc, .. }
            | Instr::Load { enc, .. }
            | Instr::Store { enc, .. }
            | Instr::LoadDual { enc, .. }
            | Instr::StoreDual { enc, .. }
            | Instr::LoadExcl { enc, .. }
            | Instr::StoreExcl { enc, .. }
            | Instr::Clrex { enc }
            | Instr::Ldm { enc, .. }
            | Instr::Stm { enc, .. }
            | Instr::Preload { enc, .. }
            | Instr::B { enc, .. }
            | Instr::Bl { enc, .. }
            | Instr::Bx { enc, .. }
            | Instr::Cbz { enc, .. }
            | Instr::TableBranch { enc, .. }
            | Instr::It { enc, .. }
            | Instr::Hint { enc, .. }
            | Instr::Barrier { enc, .. }
            | Instr::Mrs { enc, .. }
            | Instr::Msr { enc, .. }
            | Instr::Cps { enc, .. }
            | Instr::Svc { enc, .. }
            | Instr::Bkpt { enc, .. }
            | Instr::Udf { enc, .. }
            | Instr::Coproc { enc, .. }
            | Instr::Undefined { enc, .. }
            | Instr::Dsp { enc, .. }
            | Instr::Fp { enc, .. } => enc,
        }
    }

    /// Instruction size in bytes: 2 or 4.
    pub const fn width(&self) -> u32 {
        self.enc().width()
    }

    /// True for [`Instr::Undefined`] (any reason).
    pub const fn is_undefined(&self) -> bool {
        matches!(self, Instr::Undefined { .. })
    }
}

impl fmt::Display for ShiftType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ShiftType::Lsl => "lsl",
            ShiftType::Lsr => "lsr",
            ShiftType::Asr => "asr",
            ShiftType::Ror => "ror",
            ShiftType::Rrx => "rrx",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instr_fits_the_decode_cache_budget() {
        assert!(
            core::mem::size_of::<Instr>() <= 16,
            "Instr is {} bytes",
            core::mem::size_of::<Instr>()
        );
    }

    #[test]
    fn enc_width_and_index() {
        assert_eq!(Enc::narrow(5).width(), 2);
        assert_eq!(Enc::wide(5).width(), 4);
        assert_eq!(Enc::wide(5).index(), 5);
        assert!(Enc::NONE32.is_wide() && !Enc::NONE16.is_wide());
        let i = Instr::Undefined {
            enc: Enc::NONE32,
            reason: UndefReason::Undefined,
        };
        assert_eq!(i.width(), 4);
    }

    #[test]
    fn cond_round_trips() {
        for b in 0..15u8 {
            assert_eq!(Cond::from_bits(b) as u8, b);
        }
        assert_eq!(Cond::from_bits(15), Cond::Al);
    }
}
