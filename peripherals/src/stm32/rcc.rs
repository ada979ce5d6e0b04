//! Reset and clock control: the oscillators and PLLs (an enable bit, and a ready bit that
//! follows it after the datasheet's start-up time, through the scheduler), the system clock
//! switch (SW, and SWS once the selected clock is ready) and the clock tree that turns the
//! PLL and prescaler fields into SYSCLK, HCLK (the core clock, published with
//! `set_core_hz`), PCLK1/PCLK2, the timer clocks and the UARTs' kernel clocks (published as
//! named clocks for the peripherals to ask for).
//!
//! One model for both chips, parameterised by [`Variant`]: the STM32L4+ (RM0432 rev 9, §6
//! "Reset and clock control") and the STM32F7 (RM0385 rev 8, §5). The registers differ in
//! layout but the mechanism is the same.
//!
//! Not modelled: the clock security system (CSSON is kept, it never fires), MCO outputs,
//! clock gating by the peripheral enable registers (`*ENR` are storage: a peripheral whose
//! clock is off still works), the backup-domain write protection (PWR DBP), MSI PLL mode
//! (MSIPLLEN: MSI runs at its nominal rate either way). PLL configuration written while the
//! PLL runs takes effect at once (RM0432 says those fields may only be written with the PLL
//! off).

use super::unmodelled;
use sim_core::board::Board;
use sim_core::chip::{merge_sub_word, sub_word, PeripheralDesc, RegisterFile};
use sim_core::clock::Clock;
use sim_core::device::{Device, DeviceCtx, DeviceError, Peek, Width};
use sim_core::exception::IrqLine;

/// Which RCC: the register layout and the clock tree's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// STM32L4+ (L4R5): MSI at reset, SW 0..3 = MSI, HSI16, HSE, PLL.
    L4,
    /// STM32F7 (F746): HSI at reset, SW 0..2 = HSI, HSE, PLL; over-drive for 216 MHz.
    F7,
}

/// One picosecond-per-microsecond.
const US: u64 = 1_000_000;

/// An oscillator or PLL: its enable bit, its ready bit, how long the ready bit takes.
#[derive(Debug, Clone, Copy)]
struct Osc {
    name: &'static str,
    /// Register holding the enable and ready bits.
    reg: u32,
    on: u32,
    rdy: u32,
    /// Start-up (or lock) time in picoseconds.
    startup_ps: u64,
    kind: Kind,
    /// Bit of the ready interrupt in the interrupt enable/flag registers.
    int_bit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// An RC oscillator inside the chip: always there.
    Internal,
    /// A crystal or clock input the board may or may not fit (its name in the board file).
    External(&'static str),
    /// A PLL: locks only once its input clock is ready.
    Pll,
}

// RM0432 §6.4 register offsets (L4+).
mod l4 {
    pub const CR: u32 = 0x00;
    pub const CFGR: u32 = 0x08;
    pub const PLLCFGR: u32 = 0x0C;
    pub const PLLSAI1CFGR: u32 = 0x10;
    pub const CIER: u32 = 0x18;
    pub const CIFR: u32 = 0x1C;
    pub const CICR: u32 = 0x20;
    pub const CCIPR: u32 = 0x88;
    pub const BDCR: u32 = 0x90;
    pub const CSR: u32 = 0x94;
    pub const CRRCR: u32 = 0x98;
    /// CR: MSI range select (1: MSIRANGE in CR, 0: MSISRANGE in CSR).
    pub const MSIRGSEL: u32 = 1 << 3;
    /// CSR: remove reset flags; the flags are bits 31:24.
    pub const RMVF: u32 = 1 << 23;
    pub const RESET_FLAGS: u32 = 0xFF00_0000;
}

// RM0385 §5.3 register offsets (F7).
mod f7 {
    pub const CR: u32 = 0x00;
    pub const PLLCFGR: u32 = 0x04;
    pub const CFGR: u32 = 0x08;
    pub const CIR: u32 = 0x0C;
    pub const BDCR: u32 = 0x70;
    pub const CSR: u32 = 0x74;
    pub const PLLSAICFGR: u32 = 0x88;
    pub const DCKCFGR1: u32 = 0x8C;
    pub const DCKCFGR2: u32 = 0x90;
    /// CSR: remove reset flags; the flags are bits 31:25.
    pub const RMVF: u32 = 1 << 24;
    pub const RESET_FLAGS: u32 = 0xFE00_0000;
    /// DCKCFGR1: timer clock prescaler selection.
    pub const TIMPRE: u32 = 1 << 24;
}

/// Start-up times, STM32L4R5 datasheet DS12023 §6.3.7-6.3.9 (typical values; the HSE and
/// LSE figures are those of a crystal, a bypassed clock input is ready after a few cycles).
/// Recalled from the datasheet tables, not re-read against the PDF: they are the right
/// order of magnitude, which is what firmware timeouts (milliseconds) care about.
const L4_OSCS: [Osc; 9] = [
    osc("MSI", l4::CR, 0, 1, 6 * US, Kind::Internal, 2),
    osc("HSI16", l4::CR, 8, 10, US, Kind::Internal, 3),
    osc("HSE", l4::CR, 16, 17, 2_000 * US, Kind::External("HSE"), 4),
    osc("PLL", l4::CR, 24, 25, 40 * US, Kind::Pll, 5),
    osc("PLLSAI1", l4::CR, 26, 27, 40 * US, Kind::Pll, 6),
    osc("PLLSAI2", l4::CR, 28, 29, 40 * US, Kind::Pll, 7),
    osc(
        "LSE",
        l4::BDCR,
        0,
        1,
        2_000_000 * US,
        Kind::External("LSE"),
        1,
    ),
    osc("LSI", l4::CSR, 0, 1, 80 * US, Kind::Internal, 0),
    osc("HSI48", l4::CRRCR, 0, 1, 6 * US, Kind::Internal, 10),
];

/// Start-up times, STM32F746 datasheet DS10916 §6.3.8-6.3.10 (typical; PLL lock at a VCO
/// of 432 MHz). Same caveat as [`L4_OSCS`].
const F7_OSCS: [Osc; 7] = [
    osc("HSI", f7::CR, 0, 1, 2 * US + US / 5, Kind::Internal, 2),
    osc("HSE", f7::CR, 16, 17, 2_000 * US, Kind::External("HSE"), 3),
    osc("PLL", f7::CR, 24, 25, 100 * US, Kind::Pll, 4),
    osc("PLLI2S", f7::CR, 26, 27, 100 * US, Kind::Pll, 5),
    osc("PLLSAI", f7::CR, 28, 29, 100 * US, Kind::Pll, 6),
    osc(
        "LSE",
        f7::BDCR,
        0,
        1,
        2_000_000 * US,
        Kind::External("LSE"),
        1,
    ),
    osc("LSI", f7::CSR, 0, 1, 15 * US, Kind::Internal, 0),
];

const fn osc(
    name: &'static str,
    reg: u32,
    on: u32,
    rdy: u32,
    startup_ps: u64,
    kind: Kind,
    int_bit: u32,
) -> Osc {
    Osc {
        name,
        reg,
        on: 1 << on,
        rdy: 1 << rdy,
        startup_ps,
        kind,
        int_bit,
    }
}

/// A bypassed external clock (HSEBYP) is usable after a few of its cycles: 1 µs.
const BYPASS_PS: u64 = US;

/// HSI16 / HSI frequency (RM0432 §6.2.2, RM0385 §5.2.2).
const HSI_HZ: u64 = 16_000_000;
/// HSI48 (RM0432 §6.2.4).
const HSI48_HZ: u64 = 48_000_000;
/// LSI (RM0432 §6.2.6: 32 kHz; RM0385 §5.2.5: 32 kHz).
const LSI_HZ: u64 = 32_000;

/// MSI ranges 0..=11 (RM0432 §6.4.1, CR.MSIRANGE).
const MSI_HZ: [u64; 12] = [
    100_000, 200_000, 400_000, 800_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000,
    24_000_000, 32_000_000, 48_000_000,
];

/// AHB prescaler HPRE (RM0432 §6.4.3, RM0385 §5.3.3): 0xxx: 1, then 2..512 without 32.
fn hpre_div(v: u32) -> u64 {
    match v & 0xF {
        0..=7 => 1,
        8 => 2,
        9 => 4,
        10 => 8,
        11 => 16,
        12 => 64,
        13 => 128,
        14 => 256,
        _ => 512,
    }
}

/// APB prescaler PPREx: 0xx: 1, 100: 2, 101: 4, 110: 8, 111: 16.
fn ppre_div(v: u32) -> u64 {
    match v & 7 {
        0..=3 => 1,
        p => 1 << (p - 3),
    }
}

/// The clocks of the tree, in Hz (0: stopped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// System clock (the SWS selection).
    pub sysclk: u64,
    /// AHB clock: the core clock.
    pub hclk: u64,
    /// APB1 and APB2 clocks.
    pub pclk: [u64; 2],
    /// Timer clocks of APB1 and APB2.
    pub timclk: [u64; 2],
    /// Main PLL system output (R on L4, P on F7) while locked.
    pub pll: u64,
    /// The 48 MHz clock of USB/RNG/SDMMC.
    pub clk48: u64,
    /// Kernel clocks of the U(S)ARTs: (instance name, Hz).
    pub uarts: Vec<(&'static str, u64)>,
}

impl Tree {
    /// The named clocks a clock controller publishes (`Clock::set_domain`).
    pub fn domains(&self) -> Vec<(&'static str, u64)> {
        let mut d = vec![
            ("SYSCLK", self.sysclk),
            ("HCLK", self.hclk),
            ("PCLK1", self.pclk[0]),
            ("PCLK2", self.pclk[1]),
            ("TIMCLK1", self.timclk[0]),
            ("TIMCLK2", self.timclk[1]),
            ("PLL", self.pll),
            ("CLK48", self.clk48),
        ];
        d.extend(self.uarts.iter().copied());
        d
    }
}

/// The RCC.
pub struct Rcc {
    variant: Variant,
    regs: RegisterFile,
    oscs: &'static [Osc],
    /// Frequencies of the board's crystals / clock inputs (HSE, LSE), if fitted.
    hse_hz: Option<u64>,
    lse_hz: Option<u64>,
    /// Ready bits on their way: (index into `oscs`, time in ps).
    pending: Vec<(usize, u64)>,
    /// HCLK last published as the core clock.
    published_hclk: u64,
    /// The RCC interrupt: high while an enabled ready flag is set.
    line: IrqLine,
}

impl Rcc {
    /// The RCC described by `desc`, on `board` (its oscillators).
    pub fn new(variant: Variant, desc: &'static PeripheralDesc, board: &Board) -> Rcc {
        let osc = |n: &str| board.oscillators.get(n).copied();
        let mut r = Rcc {
            variant,
            regs: RegisterFile::new(desc),
            oscs: match variant {
                Variant::L4 => &L4_OSCS,
                Variant::F7 => &F7_OSCS,
            },
            hse_hz: osc("HSE"),
            lse_hz: osc("LSE"),
            pending: Vec::new(),
            published_hclk: 0,
            line: IrqLine::new(Some(desc.irq().unwrap_or(5))),
        };
        r.reset_state();
        r
    }

    /// Registers at reset: the reset clock on and ready (MSION/MSIRDY on L4, HSION/HSIRDY
    /// on F7: RM0432 CR reset 0x63, RM0385 CR reset 0x83).
    fn reset_state(&mut self) {
        self.regs.reset();
        self.pending.clear();
        self.regs.modify(0, 0, 0b11);
        if self.variant == Variant::F7 {
            // RM0385 §5.3.25-26: DCKCFGR1/2 reset to 0 (the SVD says 0x2000_3000).
            self.regs.set(f7::DCKCFGR1, 0);
            self.regs.set(f7::DCKCFGR2, 0);
        }
        self.published_hclk = self.tree().hclk;
    }

    fn get(&self, off: u32) -> u32 {
        self.regs.get(off).unwrap_or(0)
    }

    fn bits(&self, off: u32, lsb: u32, width: u32) -> u32 {
        (self.get(off) >> lsb) & ((1 << width) - 1)
    }

    fn ready(&self, name: &str) -> bool {
        self.oscs
            .iter()
            .find(|o| o.name == name)
            .is_some_and(|o| self.get(o.reg) & o.rdy != 0)
    }

    fn msi_hz(&self) -> u64 {
        let range = if self.get(l4::CR) & l4::MSIRGSEL != 0 {
            self.bits(l4::CR, 4, 4)
        } else {
            self.bits(l4::CSR, 8, 4)
        };
        MSI_HZ.get(range as usize).copied().unwrap_or(0)
    }

    /// The frequency of an oscillator if it is ready, else 0.
    fn osc_hz(&self, name: &str) -> u64 {
        if !self.ready(name) {
            return 0;
        }
        match name {
            "MSI" => self.msi_hz(),
            "HSI16" | "HSI" => HSI_HZ,
            "HSE" => self.hse_hz.unwrap_or(0),
            "LSE" => self.lse_hz.unwrap_or(0),
            "LSI" => LSI_HZ,
            "HSI48" => HSI48_HZ,
            _ => 0,
        }
    }

    /// The PLLs' common input clock (before the M divider), whether or not ready.
    fn pll_input(&self) -> (&'static str, u64) {
        let src = match self.variant {
            Variant::L4 => match self.bits(l4::PLLCFGR, 0, 2) {
                1 => "MSI",
                2 => "HSI16",
                3 => "HSE",
                _ => return ("none", 0),
            },
            Variant::F7 => {
                if self.bits(f7::PLLCFGR, 22, 1) == 1 {
                    "HSE"
                } else {
                    "HSI"
                }
            }
        };
        let hz = match src {
            "MSI" => self.msi_hz(),
            "HSE" => self.hse_hz.unwrap_or(0),
            _ => HSI_HZ,
        };
        (src, hz)
    }

    /// VCO output of a PLL configured by register `cfg` (L4: M of the main PLL in `m_reg`).
    fn vco(&self, cfg: u32) -> u64 {
        let (_, input) = self.pll_input();
        let (m, n) = match self.variant {
            // RM0432 §6.4.4: PLLM [7:4] = M-1, PLLN [14:8]; PLLSAI1 likewise.
            Variant::L4 => (self.bits(cfg, 4, 4) + 1, self.bits(cfg, 8, 7)),
            // RM0385 §5.3.2: PLLM [5:0] (shared by every PLL), PLLN [14:6].
            Variant::F7 => (self.bits(f7::PLLCFGR, 0, 6), self.bits(cfg, 6, 9)),
        };
        if m == 0 {
            return 0;
        }
        input * u64::from(n) / u64::from(m)
    }

    /// The PLL outputs that matter: (system output, 48 MHz output), 0 unless locked and
    /// enabled.
    fn pll_outputs(&self) -> (u64, u64) {
        match self.variant {
            Variant::L4 => {
                let locked = self.ready("PLL");
                let vco = self.vco(l4::PLLCFGR);
                let r = vco / u64::from(2 * (self.bits(l4::PLLCFGR, 25, 2) + 1));
                let q = vco / u64::from(2 * (self.bits(l4::PLLCFGR, 21, 2) + 1));
                // PLLREN / PLLQEN gate the outputs (RM0432 §6.4.4).
                let r_on = locked && self.bits(l4::PLLCFGR, 24, 1) == 1;
                let q_on = locked && self.bits(l4::PLLCFGR, 20, 1) == 1;
                (if r_on { r } else { 0 }, if q_on { q } else { 0 })
            }
            Variant::F7 => {
                if !self.ready("PLL") {
                    return (0, 0);
                }
                let vco = self.vco(f7::PLLCFGR);
                let p = vco / u64::from(2 * (self.bits(f7::PLLCFGR, 16, 2) + 1));
                let q = match self.bits(f7::PLLCFGR, 24, 4) {
                    0 | 1 => 0,
                    q => vco / u64::from(q),
                };
                (p, q)
            }
        }
    }

    /// The clock SW/SWS value `sw` selects, in Hz (0 if it is not running).
    fn source_hz(&self, sw: u32) -> u64 {
        match (self.variant, sw) {
            (Variant::L4, 0) => self.osc_hz("MSI"),
            (Variant::L4, 1) => self.osc_hz("HSI16"),
            (Variant::F7, 0) => self.osc_hz("HSI"),
            (Variant::L4, 2) | (Variant::F7, 1) => self.osc_hz("HSE"),
            (Variant::L4, 3) | (Variant::F7, 2) => self.pll_outputs().0,
            _ => 0,
        }
    }

    /// Whether the clock SW value `sw` selects is ready (a switch to it completes).
    fn source_ready(&self, sw: u32) -> bool {
        match (self.variant, sw) {
            (Variant::L4, 0) => self.ready("MSI"),
            (Variant::L4, 1) => self.ready("HSI16"),
            (Variant::F7, 0) => self.ready("HSI"),
            (Variant::L4, 2) | (Variant::F7, 1) => self.ready("HSE"),
            (Variant::L4, 3) | (Variant::F7, 2) => self.ready("PLL"),
            _ => false,
        }
    }

    fn cfgr(&self) -> u32 {
        match self.variant {
            Variant::L4 => l4::CFGR,
            Variant::F7 => f7::CFGR,
        }
    }

    /// The clock tree as the registers configure it now.
    pub fn tree(&self) -> Tree {
        let cfgr = self.get(self.cfgr());
        let sws = (cfgr >> 2) & 3;
        let sysclk = self.source_hz(sws);
        let hclk = sysclk / hpre_div(cfgr >> 4);
        let (p1, p2) = match self.variant {
            // RM0432: PPRE1 [10:8], PPRE2 [13:11]; RM0385: PPRE1 [12:10], PPRE2 [15:13].
            Variant::L4 => (ppre_div(cfgr >> 8), ppre_div(cfgr >> 11)),
            Variant::F7 => (ppre_div(cfgr >> 10), ppre_div(cfgr >> 13)),
        };
        let pclk = [hclk / p1, hclk / p2];
        let timpre = self.variant == Variant::F7 && self.get(f7::DCKCFGR1) & f7::TIMPRE != 0;
        // RM0432 §6.2.14 / RM0385 §5.2: timers run at PCLK when the APB prescaler is 1,
        // else at twice PCLK; with F7's TIMPRE at HCLK for prescalers up to 4, else 4x PCLK.
        let tim = |div: u64, pclk: u64| match (timpre, div) {
            (false, 1) => pclk,
            (false, _) => 2 * pclk,
            (true, 1 | 2 | 4) => hclk,
            (true, _) => 4 * pclk,
        };
        let timclk = [tim(p1, pclk[0]), tim(p2, pclk[1])];
        let (pll, pll48) = self.pll_outputs();
        let hsi = self.osc_hz(match self.variant {
            Variant::L4 => "HSI16",
            Variant::F7 => "HSI",
        });
        let lse = self.osc_hz("LSE");
        // Kernel clock selection: 00 PCLK, 01 SYSCLK, 10 HSI, 11 LSE (RM0432 §6.4.28 CCIPR,
        // RM0385 §5.3.26 DCKCFGR2).
        let kernel = |sel: u32, apb: u64| match sel & 3 {
            0 => apb,
            1 => sysclk,
            2 => hsi,
            _ => lse,
        };
        let (uarts, clk48) = match self.variant {
            Variant::L4 => {
                let c = self.get(l4::CCIPR);
                let uarts = vec![
                    ("USART1", kernel(c, pclk[1])),
                    ("USART2", kernel(c >> 2, pclk[0])),
                    ("USART3", kernel(c >> 4, pclk[0])),
                    ("UART4", kernel(c >> 6, pclk[0])),
                    ("UART5", kernel(c >> 8, pclk[0])),
                    ("LPUART1", kernel(c >> 10, pclk[0])),
                ];
                // CLK48SEL [27:26]: HSI48, PLLSAI1 Q, PLL Q, MSI.
                let clk48 = match (c >> 26) & 3 {
                    0 => self.osc_hz("HSI48"),
                    1 => {
                        let cfg = l4::PLLSAI1CFGR;
                        let on = self.ready("PLLSAI1") && self.bits(cfg, 20, 1) == 1;
                        let q = self.vco(cfg) / u64::from(2 * (self.bits(cfg, 21, 2) + 1));
                        if on {
                            q
                        } else {
                            0
                        }
                    }
                    2 => pll48,
                    _ => self.osc_hz("MSI"),
                };
                (uarts, clk48)
            }
            Variant::F7 => {
                let c = self.get(f7::DCKCFGR2);
                let uarts = vec![
                    ("USART1", kernel(c, pclk[1])),
                    ("USART2", kernel(c >> 2, pclk[0])),
                    ("USART3", kernel(c >> 4, pclk[0])),
                    ("UART4", kernel(c >> 6, pclk[0])),
                    ("UART5", kernel(c >> 8, pclk[0])),
                    ("USART6", kernel(c >> 10, pclk[1])),
                    ("UART7", kernel(c >> 12, pclk[0])),
                    ("UART8", kernel(c >> 14, pclk[0])),
                ];
                // CK48MSEL (bit 27): PLL Q, or PLLSAI P.
                let clk48 = if c & (1 << 27) == 0 {
                    pll48
                } else if self.ready("PLLSAI") {
                    let cfg = f7::PLLSAICFGR;
                    self.vco(cfg) / u64::from(2 * (self.bits(cfg, 16, 2) + 1))
                } else {
                    0
                };
                (uarts, clk48)
            }
        };
        Tree {
            sysclk,
            hclk,
            pclk,
            timclk,
            pll,
            clk48,
            uarts,
        }
    }

    /// Publishes the tree: HCLK as the core clock (when it changed), the rest by name.
    fn publish(&mut self, ctx: &mut DeviceCtx) {
        let t = self.tree();
        if t.hclk != self.published_hclk && t.hclk != 0 {
            ctx.clock.set_core_hz(ctx.now, t.hclk);
            self.published_hclk = t.hclk;
        }
        for (name, hz) in t.domains() {
            ctx.clock.set_domain(name, hz);
        }
    }

    /// Whether oscillator `i` can become ready now (its crystal is fitted, its PLL input runs).
    fn can_start(&self, i: usize) -> bool {
        let o = &self.oscs[i];
        match o.kind {
            Kind::Internal => true,
            Kind::External("HSE") => self.hse_hz.is_some(),
            Kind::External(_) => self.lse_hz.is_some(),
            Kind::Pll => {
                let (src, hz) = self.pll_input();
                hz != 0 && self.ready(src)
            }
        }
    }

    fn startup_ps(&self, i: usize) -> u64 {
        let o = &self.oscs[i];
        let bypass = match (o.name, self.variant) {
            ("HSE", _) => self.get(0) & (1 << 18) != 0,
            ("LSE", Variant::L4) => self.get(l4::BDCR) & (1 << 2) != 0,
            ("LSE", Variant::F7) => self.get(f7::BDCR) & (1 << 2) != 0,
            _ => false,
        };
        if bypass {
            BYPASS_PS
        } else {
            o.startup_ps
        }
    }

    /// Starts the oscillators whose enable bit is set and whose ready bit is neither set nor
    /// on its way; clears the ready bit of those switched off.
    fn follow_enables(&mut self, now_ps: u64) {
        for i in 0..self.oscs.len() {
            let o = self.oscs[i];
            let v = self.get(o.reg);
            let waiting = self.pending.iter().any(|p| p.0 == i);
            if v & o.on == 0 {
                if v & o.rdy != 0 || waiting {
                    self.regs.modify(o.reg, o.rdy, 0);
                    self.pending.retain(|p| p.0 != i);
                }
            } else if v & o.rdy == 0 && !waiting && self.can_start(i) {
                self.pending.push((i, now_ps + self.startup_ps(i)));
            }
        }
    }

    /// The enable bits hardware keeps set (RM0432 §6.4.1, RM0385 §5.3.1): the oscillator
    /// that is the system clock cannot be stopped, nor the PLL's input while the PLL runs
    /// it.
    fn forced_on(&self, reg: u32) -> u32 {
        let sws = (self.get(self.cfgr()) >> 2) & 3;
        let mut keep = 0;
        for o in self.oscs.iter().filter(|o| o.reg == reg) {
            let is_sys = match (self.variant, o.name) {
                (Variant::L4, "MSI") => sws == 0,
                (Variant::L4, "HSI16") => sws == 1,
                (Variant::F7, "HSI") => sws == 0,
                (Variant::L4, "HSE") => sws == 2,
                (Variant::F7, "HSE") => sws == 1,
                (Variant::L4, "PLL") => sws == 3,
                (Variant::F7, "PLL") => sws == 2,
                _ => false,
            };
            let pll_sys = match self.variant {
                Variant::L4 => sws == 3,
                Variant::F7 => sws == 2,
            };
            let feeds = pll_sys && self.pll_input().0 == o.name;
            if is_sys || feeds {
                keep |= o.on;
            }
        }
        keep
    }

    /// Completes the switch SW asks for when its clock is ready (SWS follows SW).
    fn follow_switch(&mut self) {
        let cfgr = self.cfgr();
        let v = self.get(cfgr);
        let sw = v & 3;
        if (v >> 2) & 3 != sw && self.source_ready(sw) {
            self.regs.set(cfgr, (v & !0xC) | (sw << 2));
        }
    }

    /// Applies ready bits that are due at `now_ps`, in time order.
    fn advance(&mut self, ctx: &mut DeviceCtx) {
        let now_ps = ctx.now_ps();
        let mut changed = false;
        loop {
            let due = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, p)| p.1 <= now_ps)
                .min_by_key(|(_, p)| p.1)
                .map(|(k, p)| (k, *p));
            let Some((k, (i, _))) = due else { break };
            self.pending.swap_remove(k);
            let o = self.oscs[i];
            self.regs.modify(o.reg, 0, o.rdy);
            self.ready_interrupt(o.int_bit, ctx);
            changed = true;
            // A PLL waiting for this oscillator starts locking now.
            self.follow_enables(now_ps);
        }
        if changed {
            self.follow_switch();
            self.publish(ctx);
        }
    }

    /// A ready flag for the RCC interrupt, when its enable bit is set.
    fn ready_interrupt(&mut self, bit: u32, ctx: &mut DeviceCtx) {
        let m = 1 << bit;
        let enabled = match self.variant {
            Variant::L4 => self.get(l4::CIER) & m != 0,
            Variant::F7 => self.get(f7::CIR) & (m << 8) != 0,
        };
        if enabled {
            let flags = match self.variant {
                Variant::L4 => l4::CIFR,
                Variant::F7 => f7::CIR,
            };
            self.regs.modify(flags, 0, m);
        }
        self.drive_line(ctx);
    }

    /// Drives the interrupt line from the ready flags and their enables (CIFR & CIER on L4,
    /// CIR flags 6:0 & enables 14:8 on F7; CSSF goes to the NMI, not here).
    fn drive_line(&mut self, ctx: &mut DeviceCtx) {
        let high = match self.variant {
            Variant::L4 => self.get(l4::CIFR) & self.get(l4::CIER) & 0x7FF != 0,
            Variant::F7 => {
                let cir = self.get(f7::CIR);
                cir & (cir >> 8) & 0x7F != 0
            }
        };
        self.line.drive(high, ctx.exc);
    }

    fn write_reg(&mut self, off: u32, new: u32, ctx: &mut DeviceCtx) {
        match (self.variant, off) {
            (Variant::L4, l4::CICR) => self.regs.modify(l4::CIFR, new & 0x7FF, 0),
            (Variant::F7, f7::CIR) => {
                // Bits 23:16 clear the flags 7:0; 14:8 are the enables.
                let v = self.get(f7::CIR);
                let flags = (v & 0xFF) & !(new >> 16);
                self.regs.set(f7::CIR, flags | (new & 0x7F00));
            }
            (Variant::L4, l4::CSR) if new & l4::RMVF != 0 => {
                self.regs.write(off, 4, new & !l4::RMVF);
                self.regs.modify(off, l4::RESET_FLAGS, 0);
            }
            (Variant::F7, f7::CSR) if new & f7::RMVF != 0 => {
                self.regs.write(off, 4, new & !f7::RMVF);
                self.regs.modify(off, f7::RESET_FLAGS, 0);
            }
            _ => {
                // Enable bits are writable, ready bits never (the F7 SVD misses PLLSAION).
                let (mut mask, mut ro) =
                    (self.regs.desc.register(off).map_or(0, |r| r.write_mask), 0);
                for o in self.oscs.iter().filter(|o| o.reg == off) {
                    mask |= o.on;
                    ro |= o.rdy;
                }
                let mask = mask & !ro;
                let old = self.get(off);
                let keep = self.forced_on(off);
                self.regs.set(off, (old & !mask) | ((new | keep) & mask));
            }
        }
        let now_ps = ctx.now_ps();
        self.follow_enables(now_ps);
        self.follow_switch();
        self.publish(ctx);
        self.drive_line(ctx);
    }
}

impl Device for Rcc {
    fn name(&self) -> &str {
        self.regs.desc.name
    }

    fn read(&mut self, offset: u32, width: Width, ctx: &mut DeviceCtx) -> Result<u32, DeviceError> {
        self.advance(ctx);
        match self.regs.read(offset, width) {
            Some(v) => Ok(v),
            None => {
                unmodelled(&self.regs, offset, false, ctx)?;
                Ok(0)
            }
        }
    }

    fn write(
        &mut self,
        offset: u32,
        width: Width,
        value: u32,
        ctx: &mut DeviceCtx,
    ) -> Result<(), DeviceError> {
        self.advance(ctx);
        let off = offset & !3;
        let Some(old) = self.regs.get(off) else {
            return unmodelled(&self.regs, offset, true, ctx);
        };
        let new = merge_sub_word(old, offset, width, value);
        self.write_reg(off, new, ctx);
        Ok(())
    }

    fn peek(&self, offset: u32, width: Width, at: &Peek) -> Option<u32> {
        let now = at.now_ps();
        let off = offset & !3;
        let mut v = self.regs.get(off)?;
        // Ready bits already due (an event not yet serviced) read as set.
        for (i, t) in &self.pending {
            let o = &self.oscs[*i];
            if o.reg == off && *t <= now {
                v |= o.rdy;
            }
        }
        Some(sub_word(v, offset, width))
    }

    fn next_event(&self, _: &Clock) -> Option<u64> {
        self.pending.iter().map(|p| p.1).min()
    }

    fn on_event(&mut self, ctx: &mut DeviceCtx) {
        self.advance(ctx);
    }

    fn reset(&mut self, ctx: &mut DeviceCtx) {
        self.reset_state();
        self.drive_line(ctx);
        for (name, hz) in self.tree().domains() {
            ctx.clock.set_domain(name, hz);
        }
    }
}
