//! Architectural CPU state of an M-profile core: registers, flags, banked stack pointers,
//! special registers and the FPU register file.

/// Processor mode (ARMv7-M B1.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Thread mode: application code, on MSP or PSP by CONTROL.SPSEL.
    Thread,
    /// Handler mode: an exception handler, always on MSP.
    Handler,
}

/// CONTROL register bits.
pub mod control {
    /// nPRIV: thread mode is unprivileged.
    pub const NPRIV: u8 = 1 << 0;
    /// SPSEL: thread mode uses PSP.
    pub const SPSEL: u8 = 1 << 1;
    /// FPCA: floating-point context active.
    pub const FPCA: u8 = 1 << 2;
}

/// The register file and special registers of the core.
///
/// `r[13]` is always the *active* stack pointer; the inactive one lives in `sp_banked` and is
/// swapped in by [`Cpu::set_mode`] and [`Cpu::set_control`]. `r[15]` holds the address of the
/// instruction about to execute (reads of PC as an operand add 4; that is the executor's job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpu {
    /// R0–R15; R13 is the active SP, R15 the address of the next instruction.
    pub r: [u32; 16],
    /// The stack pointer not currently selected (PSP while on MSP, MSP while on PSP).
    pub sp_banked: u32,
    /// Negative flag.
    pub n: bool,
    /// Zero flag.
    pub z: bool,
    /// Carry flag.
    pub c: bool,
    /// Overflow flag.
    pub v: bool,
    /// Sticky saturation flag.
    pub q: bool,
    /// GE\[3:0\] flags of the DSP extension.
    pub ge: u8,
    /// ITSTATE (EPSR IT bits, IT\[7:0\]); 0 outside an IT block.
    pub itstate: u8,
    /// EPSR.T; clearing it makes the next instruction an INVSTATE UsageFault.
    pub thumb: bool,
    /// IPSR: the number of the exception being handled, 0 in thread mode.
    pub ipsr: u16,
    /// Current mode.
    pub mode: Mode,
    /// PRIMASK.PM.
    pub primask: bool,
    /// FAULTMASK.FM.
    pub faultmask: bool,
    /// BASEPRI (8 bits, implemented bits only).
    pub basepri: u8,
    /// CONTROL: nPRIV, SPSEL, FPCA.
    pub control: u8,
    /// S0–S31 (D0–D15 overlap them in pairs).
    pub s: [u32; 32],
    /// FPSCR.
    pub fpscr: u32,
    /// The event register of WFE/SEV.
    pub event: bool,
    /// Set when the core has locked up (fault in HardFault/NMI); nothing executes after it.
    pub lockup: bool,
    /// How many times the active stack pointer changed between MSP and PSP (wrapping): lets
    /// observers such as [`crate::stats::Stats`] cache per-stack state between switches.
    pub stack_switches: u32,
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu {
            r: [0; 16],
            sp_banked: 0,
            n: false,
            z: false,
            c: false,
            v: false,
            q: false,
            ge: 0,
            itstate: 0,
            thumb: true,
            ipsr: 0,
            mode: Mode::Thread,
            primask: false,
            faultmask: false,
            basepri: 0,
            control: 0,
            s: [0; 32],
            fpscr: 0,
            event: false,
            lockup: false,
            stack_switches: 0,
        }
    }
}

impl Cpu {
    /// The program counter (address of the next instruction).
    #[inline]
    pub fn pc(&self) -> u32 {
        self.r[15]
    }

    /// The active stack pointer.
    #[inline]
    pub fn sp(&self) -> u32 {
        self.r[13]
    }

    /// Whether the active stack pointer is PSP.
    #[inline]
    pub fn on_psp(&self) -> bool {
        self.mode == Mode::Thread && self.control & control::SPSEL != 0
    }

    /// Main stack pointer.
    pub fn msp(&self) -> u32 {
        if self.on_psp() {
            self.sp_banked
        } else {
            self.r[13]
        }
    }

    /// Process stack pointer.
    pub fn psp(&self) -> u32 {
        if self.on_psp() {
            self.r[13]
        } else {
            self.sp_banked
        }
    }

    /// Writes MSP (bits \[1:0\] are forced to zero as the architecture requires).
    pub fn set_msp(&mut self, v: u32) {
        let v = v & !3;
        if self.on_psp() {
            self.sp_banked = v;
        } else {
            self.r[13] = v;
        }
    }

    /// Writes PSP (bits \[1:0\] forced to zero).
    pub fn set_psp(&mut self, v: u32) {
        let v = v & !3;
        if self.on_psp() {
            self.r[13] = v;
        } else {
            self.sp_banked = v;
        }
    }

    /// Changes mode, swapping the banked stack pointer when the active one changes.
    pub fn set_mode(&mut self, mode: Mode) {
        let before = self.on_psp();
        self.mode = mode;
        if before != self.on_psp() {
            std::mem::swap(&mut self.r[13], &mut self.sp_banked);
            self.stack_switches = self.stack_switches.wrapping_add(1);
        }
    }

    /// Writes CONTROL, swapping the banked stack pointer when SPSEL changes the active one.
    pub fn set_control(&mut self, value: u8) {
        let before = self.on_psp();
        self.control = value & (control::NPRIV | control::SPSEL | control::FPCA);
        if before != self.on_psp() {
            std::mem::swap(&mut self.r[13], &mut self.sp_banked);
            self.stack_switches = self.stack_switches.wrapping_add(1);
        }
    }

    /// APSR as a word: N Z C V Q in bits 31..27, GE in 19..16.
    pub fn apsr(&self) -> u32 {
        (u32::from(self.n) << 31)
            | (u32::from(self.z) << 30)
            | (u32::from(self.c) << 29)
            | (u32::from(self.v) << 28)
            | (u32::from(self.q) << 27)
            | (u32::from(self.ge & 0xf) << 16)
    }

    /// Sets N Z C V Q from bits 31..27 of `v`.
    pub fn set_nzcvq(&mut self, v: u32) {
        self.n = v & (1 << 31) != 0;
        self.z = v & (1 << 30) != 0;
        self.c = v & (1 << 29) != 0;
        self.v = v & (1 << 28) != 0;
        self.q = v & (1 << 27) != 0;
    }

    /// EPSR as a word: T in bit 24, ICI/IT split over bits 26:25 and 15:10.
    pub fn epsr(&self) -> u32 {
        let it = u32::from(self.itstate);
        (u32::from(self.thumb) << 24) | ((it & 0x3) << 25) | ((it >> 2) << 10)
    }

    /// xPSR: APSR | IPSR | EPSR.
    pub fn xpsr(&self) -> u32 {
        self.apsr() | self.epsr() | u32::from(self.ipsr)
    }

    /// Restores xPSR (exception return, debugger writes): flags, GE, IT, T and IPSR.
    pub fn set_xpsr(&mut self, v: u32) {
        self.set_nzcvq(v);
        self.ge = ((v >> 16) & 0xf) as u8;
        self.itstate = (((v >> 25) & 0x3) | (((v >> 10) & 0x3f) << 2)) as u8;
        self.thumb = v & (1 << 24) != 0;
        self.ipsr = (v & 0x1ff) as u16;
    }

    /// Whether the core is privileged (handler mode, or thread mode with nPRIV clear).
    pub fn privileged(&self) -> bool {
        self.mode == Mode::Handler || self.control & control::NPRIV == 0
    }

    /// Double-precision register Dn (FPv5-DP), made of S(2n+1):S(2n).
    pub fn d(&self, n: usize) -> u64 {
        u64::from(self.s[2 * n]) | (u64::from(self.s[2 * n + 1]) << 32)
    }

    /// Writes double-precision register Dn.
    pub fn set_d(&mut self, n: usize, v: u64) {
        self.s[2 * n] = v as u32;
        self.s[2 * n + 1] = (v >> 32) as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banked_sp_follows_mode_and_spsel() {
        let mut c = Cpu::default();
        c.set_msp(0x2000_1000);
        c.set_psp(0x2000_0800);
        assert_eq!(c.sp(), 0x2000_1000);
        c.set_control(control::SPSEL);
        assert_eq!(c.sp(), 0x2000_0800);
        assert_eq!(c.msp(), 0x2000_1000);
        c.set_mode(Mode::Handler);
        assert_eq!(c.sp(), 0x2000_1000, "handler mode always runs on MSP");
        assert_eq!(c.psp(), 0x2000_0800);
        c.set_mode(Mode::Thread);
        assert_eq!(c.sp(), 0x2000_0800);
    }

    #[test]
    fn xpsr_round_trips_it_and_flags() {
        let mut c = Cpu::default();
        let v = 0xF80F_0000 | (1 << 24) | (0b10 << 25) | (0b101101 << 10) | 0x2B;
        c.set_xpsr(v);
        assert_eq!(c.xpsr(), v);
        assert_eq!(c.itstate, 0b1011_0110);
        assert_eq!(c.ipsr, 0x2B);
    }
}
