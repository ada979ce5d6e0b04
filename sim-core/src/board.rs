//! Boards: the core profile, clock, memory regions with their limits and wait states, devices
//! and power facts of a development board, read from TOML (built-in boards are embedded).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;

/// Architecture version implemented by a core profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arch {
    /// ARMv6-M (Cortex-M0/M0+): Thumb subset, every unaligned access faults.
    V6M,
    /// ARMv7-M (Cortex-M3): Thumb-2, no DSP extension.
    V7M,
    /// ARMv7E-M (Cortex-M4/M7): ARMv7-M plus the DSP extension.
    V7EM,
}

/// The floating-point unit a core carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FpuKind {
    /// No FPU: coprocessor instructions are UNDEFINED (NOCP UsageFault).
    None,
    /// FPv4-SP (Cortex-M4F): single precision.
    Fpv4Sp,
    /// FPv5 single precision (e.g. Cortex-M7 on STM32F746).
    Fpv5Sp,
    /// FPv5 with double precision (e.g. Cortex-M7 on QEMU's mps2-an500).
    Fpv5Dp,
}

/// A Cortex-M core profile: the instruction set, FPU and timing table it selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CoreProfile {
    /// Cortex-M0+ (ARMv6-M).
    CortexM0plus,
    /// Cortex-M3 (ARMv7-M).
    CortexM3,
    /// Cortex-M4 without FPU (ARMv7E-M).
    CortexM4,
    /// Cortex-M4 with FPv4-SP (ARMv7E-M).
    CortexM4f,
    /// Cortex-M7 (ARMv7E-M, FPv5; dual issue approximated).
    CortexM7,
}

impl CoreProfile {
    /// All profiles, in the order `thimble boards` lists them.
    pub const ALL: [CoreProfile; 5] = [
        CoreProfile::CortexM0plus,
        CoreProfile::CortexM3,
        CoreProfile::CortexM4,
        CoreProfile::CortexM4f,
        CoreProfile::CortexM7,
    ];

    /// The architecture the core implements.
    pub fn arch(self) -> Arch {
        match self {
            CoreProfile::CortexM0plus => Arch::V6M,
            CoreProfile::CortexM3 => Arch::V7M,
            CoreProfile::CortexM4 | CoreProfile::CortexM4f | CoreProfile::CortexM7 => Arch::V7EM,
        }
    }

    /// The FPU this core has when the board does not say otherwise.
    pub fn default_fpu(self) -> FpuKind {
        match self {
            CoreProfile::CortexM4f => FpuKind::Fpv4Sp,
            CoreProfile::CortexM7 => FpuKind::Fpv5Sp,
            _ => FpuKind::None,
        }
    }

    /// The name used on the command line and in board files ("cortex-m4f").
    pub fn name(self) -> &'static str {
        match self {
            CoreProfile::CortexM0plus => "cortex-m0plus",
            CoreProfile::CortexM3 => "cortex-m3",
            CoreProfile::CortexM4 => "cortex-m4",
            CoreProfile::CortexM4f => "cortex-m4f",
            CoreProfile::CortexM7 => "cortex-m7",
        }
    }

    /// Parses a profile name as [`CoreProfile::name`] prints it.
    pub fn parse(s: &str) -> Option<CoreProfile> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }
}

impl fmt::Display for CoreProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a memory region is; decides permissions and how the report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegionKind {
    /// Non-volatile code/constant memory: loaded from the ELF, read-only at run time.
    Flash,
    /// Read/write RAM.
    Sram,
    /// Read-only memory the chip itself provides (a boot ROM): its contents come from the
    /// chip's set-up, never from the ELF, and it counts as neither flash nor SRAM.
    Rom,
}

/// One memory region of a board, as written in its TOML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Name used in messages and reports ("FLASH", "SRAM").
    pub name: String,
    /// Flash or SRAM.
    pub kind: RegionKind,
    /// First address.
    pub base: u32,
    /// Size in bytes: the limit every high-water mark is measured against.
    pub size: u32,
    /// Wait states per access at the board clock (0 = single-cycle).
    #[serde(default)]
    pub wait_states: u32,
    /// The RAM blocks behind an SRAM region when they are reached by different paths
    /// (`[[region.bank]]`: the Cortex-M7's TCM and AXI RAM of the STM32F746); they cover the
    /// region without gaps and give its timing (the region's own `wait_states` stay 0).
    /// Empty: one timing for the whole region.
    #[serde(default, rename = "bank", skip_serializing_if = "Vec::is_empty")]
    pub banks: Vec<BankSpec>,
}

/// The path between the core and a RAM bank ([`BankSpec::bus`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BankBus {
    /// A tightly coupled memory port of the core (Cortex-M7 ITCM/DTCM, DDI 0489 §5.1): single
    /// cycle, never cached.
    Tcm,
    /// The core's AXI master port (Cortex-M7 AXIM, DDI 0489 §5.1) through the chip's
    /// interconnect: cacheable by the core's L1 data cache.
    Axi,
    /// An AHB port (Cortex-M7 AHBP, or a bus matrix without cache).
    Ahb,
}

/// One RAM bank inside a region (see [`RegionSpec::banks`]), with its own access timing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankSpec {
    /// The bank's name in the chip's reference manual ("DTCM", "SRAM1").
    pub name: String,
    /// Which core port reaches it.
    pub bus: BankBus,
    /// First address (inside the region).
    pub base: u32,
    /// Size in bytes.
    pub size: u32,
    /// Wait states of a data read that the cache does not serve (an uncached read, or a
    /// cache miss: the line fill's first beat), beyond the single cycle of a TCM access.
    #[serde(default)]
    pub wait_states: u32,
    /// Whether data reads and writes go through the board's data cache (the `[flash_accel]`
    /// data cache, which stands for the core's L1 D-cache) while it is switched on; writes
    /// never wait (the core's store buffer takes them, DDI 0489 §5).
    #[serde(default)]
    pub cached: bool,
    /// Where the numbers come from.
    #[serde(default)]
    pub source: String,
}

impl BankSpec {
    /// One past the last address.
    pub fn end(&self) -> u64 {
        u64::from(self.base) + u64::from(self.size)
    }
}

impl RegionSpec {
    /// One past the last address, as u64 so that a region ending at 4 GiB does not overflow.
    pub fn end(&self) -> u64 {
        u64::from(self.base) + u64::from(self.size)
    }

    /// Whether `addr` lies inside the region.
    pub fn contains(&self, addr: u32) -> bool {
        addr >= self.base && u64::from(addr) < self.end()
    }
}

/// A memory-mapped device of a board beyond the Cortex-M system control space.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceSpec {
    /// Device model: "cmsdk-uart" is the only one so far.
    pub kind: String,
    /// Instance name ("UART0").
    pub name: String,
    /// Base address.
    pub base: u32,
    /// Interrupt number (IRQn) of the device, if it raises one.
    #[serde(default)]
    pub irq: Option<u32>,
}

/// Power facts of a board, used by the energy model; every number names its source in the TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PowerSpec {
    /// Supply voltage in volts.
    pub supply_v: f64,
    /// Run current per MHz executing from flash, in µA/MHz.
    pub run_ua_per_mhz: f64,
    /// Static (clock-independent) run current in µA.
    #[serde(default)]
    pub static_ua: f64,
    /// Current in WFI sleep, in µA.
    pub sleep_ua: f64,
    /// Where the numbers come from.
    pub source: String,
    /// Core energy per cycle of each instruction class relative to an ALU cycle
    /// (`[power.weights]`; defaults: the estimates of [`crate::power::ClassWeights`]).
    #[serde(default)]
    pub weights: crate::power::ClassWeights,
    /// Memory-access energies (`[power.access]`; defaults: [`crate::power::AccessWeights`]).
    #[serde(default)]
    pub access: crate::power::AccessWeights,
}

/// A development board: core, clock, regions and devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Board {
    /// Short name ("nano33ble").
    pub name: String,
    /// One line: the board and MCU.
    pub description: String,
    /// Core profile.
    pub core: CoreProfile,
    /// FPU, when it differs from the core's default.
    #[serde(default)]
    pub fpu: Option<FpuKind>,
    /// Core clock in Hz at reset: what the core runs at until the firmware configures the
    /// chip's clock controller (on boards without a chip model, the fixed clock).
    pub clock_hz: u64,
    /// The fastest core clock the chip supports (documentation, `thimble boards`).
    #[serde(default)]
    pub max_clock_hz: Option<u64>,
    /// The chip whose register map and peripheral models the board carries ("nrf52840");
    /// `None`: only the Cortex-M system peripherals and the board's `[[device]]`s.
    #[serde(default)]
    pub chip: Option<String>,
    /// `--clock` fixed the core clock: the firmware's clock configuration is ignored.
    #[serde(skip)]
    pub clock_pinned: bool,
    /// Number of NVIC priority bits implemented (2 on M0+, 3 on nRF52, 4 on STM32).
    #[serde(default = "default_priority_bits")]
    pub priority_bits: u8,
    /// Number of external interrupts.
    #[serde(default = "default_irqs")]
    pub irqs: u32,
    /// Address of the vector table at reset (VTOR's reset value); default: the first flash region.
    #[serde(default)]
    pub vector_table: Option<u32>,
    /// Memory regions.
    #[serde(rename = "region")]
    pub regions: Vec<RegionSpec>,
    /// Board devices (UARTs).
    #[serde(default, rename = "device")]
    pub devices: Vec<DeviceSpec>,
    /// Power model facts.
    #[serde(default)]
    pub power: Option<PowerSpec>,
    /// Flash accelerator (prefetch/cache) in front of the flash region, if any.
    #[serde(default)]
    pub flash_accel: Option<crate::fetch::FlashAccelSpec>,
    /// Crystals and external clock inputs fitted on the board, in Hz, by the chip's name for
    /// the oscillator they drive (`HSE`, `LSE` on STM32; `HFXO`, `LFXO` on nRF52; `XOSC` on
    /// RP2040). A clock controller asked to start an oscillator the board does not fit never
    /// sets its ready bit, as on silicon.
    #[serde(default)]
    pub oscillators: std::collections::BTreeMap<String, u64>,
}

/// The most memory a board's regions may describe together (host memory is allocated for all
/// of it): 512 MiB, far above any microcontroller (MPS2's 8 MiB is the largest built in).
pub const MAX_BOARD_MEMORY: u64 = 512 << 20;

fn default_priority_bits() -> u8 {
    3
}

fn default_irqs() -> u32 {
    64
}

/// The boards compiled into thimble, as (name, TOML text).
pub const BUILTIN: [(&str, &str); 7] = [
    ("nano33ble", include_str!("../boards/nano33ble.toml")),
    (
        "nucleo-l4r5zi",
        include_str!("../boards/nucleo-l4r5zi.toml"),
    ),
    ("disco-f746ng", include_str!("../boards/disco-f746ng.toml")),
    ("pico", include_str!("../boards/pico.toml")),
    ("mps2-an385", include_str!("../boards/mps2-an385.toml")),
    ("mps2-an386", include_str!("../boards/mps2-an386.toml")),
    ("mps2-an500", include_str!("../boards/mps2-an500.toml")),
];

/// The board used when none is named.
pub const DEFAULT_BOARD: &str = "nano33ble";

/// Why a board could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// Neither a built-in name nor a readable file.
    #[error("unknown board '{name}': not a built-in board ({known}) and no such file")]
    Unknown {
        /// What was asked for.
        name: String,
        /// The built-in names.
        known: String,
    },
    /// The file could not be read.
    #[error("board file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML did not parse or has wrong fields.
    #[error("board file {path}: {message}")]
    Parse {
        /// The file (or built-in name).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The board's facts contradict each other.
    #[error("board {name}: {message}")]
    Invalid {
        /// The board.
        name: String,
        /// What is wrong.
        message: String,
    },
}

impl Board {
    /// Parses a board from TOML; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Board, BoardError> {
        let board: Board = toml::from_str(text).map_err(|e| BoardError::Parse {
            path: origin.to_string(),
            message: e.message().to_string(),
        })?;
        board.validate()?;
        Ok(board)
    }

    /// A built-in board by name, or a TOML file when `name_or_path` is a path to one.
    pub fn load(name_or_path: &str) -> Result<Board, BoardError> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_path) {
            return Board::from_toml(text, name_or_path);
        }
        let path = Path::new(name_or_path);
        if path.exists() {
            let text = crate::input::read_text(path, crate::input::MAX_BOARD_BYTES, "a board file")
                .map_err(|e| BoardError::Io {
                    path: name_or_path.to_string(),
                    source: std::io::Error::other(e),
                })?;
            return Board::from_toml(&text, name_or_path);
        }
        Err(BoardError::Unknown {
            name: name_or_path.to_string(),
            known: BUILTIN
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// All built-in boards.
    pub fn builtin() -> Vec<Board> {
        BUILTIN
            .iter()
            .map(|(n, t)| Board::from_toml(t, n).expect("built-in board parses"))
            .collect()
    }

    /// The FPU in effect (board override or the core's default).
    pub fn fpu(&self) -> FpuKind {
        self.fpu.unwrap_or(self.core.default_fpu())
    }

    /// The reset value of VTOR.
    pub fn reset_vtor(&self) -> u32 {
        self.vector_table.unwrap_or_else(|| {
            self.regions
                .iter()
                .find(|r| r.kind == RegionKind::Flash)
                .map_or(0, |r| r.base)
        })
    }

    /// Total bytes of regions of one kind.
    pub fn total(&self, kind: RegionKind) -> u64 {
        self.regions
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| u64::from(r.size))
            .sum()
    }

    /// Changes the core profile (`--core`); the FPU follows the new core.
    pub fn set_core(&mut self, core: CoreProfile) {
        self.core = core;
        self.fpu = None;
    }

    fn validate(&self) -> Result<(), BoardError> {
        let bad = |message: String| BoardError::Invalid {
            name: self.name.clone(),
            message,
        };
        if self.clock_hz == 0 {
            return Err(bad("clock_hz is 0".into()));
        }
        if self.regions.is_empty() {
            return Err(bad("no memory regions".into()));
        }
        if !(2..=8).contains(&self.priority_bits) {
            return Err(bad(format!(
                "priority_bits {} outside 2..=8",
                self.priority_bits
            )));
        }
        if let Some(p) = &self.power {
            crate::power::validate(p).map_err(bad)?;
        }
        if self.irqs > 496 {
            return Err(bad(format!("irqs {} above the NVIC's 496", self.irqs)));
        }
        let total: u64 = self.regions.iter().map(|r| u64::from(r.size)).sum();
        if total > MAX_BOARD_MEMORY {
            return Err(bad(format!(
                "regions total {} bytes, above thimble's limit of {} bytes ({} MiB) per board",
                total,
                MAX_BOARD_MEMORY,
                MAX_BOARD_MEMORY >> 20
            )));
        }
        let mut sorted: Vec<&RegionSpec> = self.regions.iter().collect();
        sorted.sort_by_key(|r| r.base);
        for r in &sorted {
            if r.size == 0 {
                return Err(bad(format!("region {} has size 0", r.name)));
            }
            if r.end() > 0xE000_0000 {
                return Err(bad(format!(
                    "region {} (0x{:08x}+0x{:x}) reaches the system space at 0xE0000000",
                    r.name, r.base, r.size
                )));
            }
        }
        if let Some((name, _)) = self.oscillators.iter().find(|(_, hz)| **hz == 0) {
            return Err(bad(format!("oscillators.{name} is 0 Hz")));
        }
        if let Some(a) = &self.flash_accel {
            a.validate().map_err(bad)?;
            if !self.regions.iter().any(|r| r.kind == RegionKind::Flash) {
                return Err(bad("flash_accel without a flash region".into()));
            }
        }
        for w in sorted.windows(2) {
            if w[0].end() > u64::from(w[1].base) {
                return Err(bad(format!(
                    "regions {} and {} overlap at 0x{:08x}",
                    w[0].name, w[1].name, w[1].base
                )));
            }
        }
        for r in &sorted {
            self.validate_banks(r).map_err(bad)?;
        }
        Ok(())
    }

    /// The banks of `r` lie inside it without overlapping; TCM banks have no wait states
    /// and no cache; a cached bank needs a data cache (`[flash_accel]`).
    fn validate_banks(&self, r: &RegionSpec) -> Result<(), String> {
        if r.banks.is_empty() {
            return Ok(());
        }
        if r.kind != RegionKind::Sram || r.wait_states != 0 {
            return Err(format!(
                "region {} has banks: it must be sram, and its banks give the wait states",
                r.name
            ));
        }
        let mut banks: Vec<&BankSpec> = r.banks.iter().collect();
        banks.sort_by_key(|b| b.base);
        for b in &banks {
            if b.size == 0 || b.base < r.base || b.end() > r.end() {
                return Err(format!(
                    "bank {} (0x{:08x}+0x{:x}) is not inside region {} (0x{:08x}+0x{:x})",
                    b.name, b.base, b.size, r.name, r.base, r.size
                ));
            }
            if b.bus == BankBus::Tcm && (b.wait_states != 0 || b.cached) {
                return Err(format!(
                    "bank {} is on a TCM port: it has no wait states and no cache",
                    b.name
                ));
            }
            if b.cached
                && !self
                    .flash_accel
                    .as_ref()
                    .is_some_and(|a| a.dcache_bytes > 0 || a.unified)
            {
                return Err(format!(
                    "bank {} is cached but the board has no data cache ([flash_accel])",
                    b.name
                ));
            }
        }
        for w in banks.windows(2) {
            if w[0].end() != u64::from(w[1].base) {
                return Err(format!(
                    "banks {} and {} of region {} overlap or leave a gap at 0x{:08x}",
                    w[0].name,
                    w[1].name,
                    r.name,
                    w[0].end()
                ));
            }
        }
        let (first, last) = (banks[0], banks[banks.len() - 1]);
        if first.base != r.base || last.end() != r.end() {
            return Err(format!(
                "the banks of region {} cover 0x{:08x}..0x{:08x}, not the whole region \
                 (0x{:08x}..0x{:08x})",
                r.name,
                first.base,
                last.end(),
                r.base,
                r.end()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_boards_parse_with_datasheet_facts() {
        let boards = Board::builtin();
        assert_eq!(boards.len(), 7);
        let nano = Board::load("nano33ble").unwrap();
        assert_eq!(nano.core, CoreProfile::CortexM4f);
        assert_eq!(nano.clock_hz, 64_000_000);
        assert_eq!(nano.total(RegionKind::Flash), 1024 * 1024);
        assert_eq!(nano.total(RegionKind::Sram), 256 * 1024);
        let nucleo = Board::load("nucleo-l4r5zi").unwrap();
        assert_eq!(nucleo.reset_vtor(), 0x0800_0000);
        assert_eq!(nucleo.total(RegionKind::Sram), 640 * 1024);
        let pico = Board::load("pico").unwrap();
        assert_eq!(pico.core.arch(), Arch::V6M);
        for b in &boards {
            assert_eq!(Board::load(&b.name).unwrap().name, b.name);
        }
    }

    #[test]
    fn the_f746_ram_banks_cover_its_sram_and_bad_banks_are_named() {
        let disco = Board::load("disco-f746ng").unwrap();
        let sram = disco.regions.iter().find(|r| r.name == "SRAM").unwrap();
        let banks: Vec<(&str, BankBus, u32, bool)> = sram
            .banks
            .iter()
            .map(|b| (b.name.as_str(), b.bus, b.size, b.cached))
            .collect();
        assert_eq!(
            banks,
            [
                ("DTCM", BankBus::Tcm, 64 * 1024, false),
                ("SRAM1", BankBus::Axi, 240 * 1024, true),
                ("SRAM2", BankBus::Axi, 16 * 1024, true),
            ]
        );
        let broken = |edit: fn(&mut Board)| {
            let mut b = disco.clone();
            edit(&mut b);
            b.validate().unwrap_err().to_string()
        };
        let e = broken(|b| b.regions[1].banks[2].size = 0x2000);
        assert!(e.contains("banks of region SRAM cover"), "{e}");
        let e = broken(|b| b.regions[1].banks[0].wait_states = 1);
        assert!(e.contains("bank DTCM is on a TCM port"), "{e}");
        let e = broken(|b| b.flash_accel = None);
        assert!(
            e.contains("bank SRAM1 is cached but the board has no data cache"),
            "{e}"
        );
        let e = broken(|b| b.regions[1].banks[1].base += 0x100);
        assert!(e.contains("banks DTCM and SRAM1 of region SRAM"), "{e}");
    }

    #[test]
    fn unknown_board_names_the_builtins() {
        let e = Board::load("no-such-board").unwrap_err().to_string();
        assert!(
            e.contains("no-such-board") && e.contains("nano33ble"),
            "{e}"
        );
    }

    #[test]
    fn overlapping_regions_are_rejected() {
        let t = r#"
name = "x"
description = "x"
core = "cortex-m3"
clock_hz = 1
[[region]]
name = "A"
kind = "flash"
base = 0
size = 0x2000
[[region]]
name = "B"
kind = "sram"
base = 0x1000
size = 0x1000
"#;
        let e = Board::from_toml(t, "x.toml").unwrap_err().to_string();
        assert!(e.contains("overlap at 0x00001000"), "{e}");
    }

    #[test]
    fn oscillators_are_read_and_zero_hz_is_refused() {
        let t = |osc: &str| {
            format!(
                "name = \"x\"\ndescription = \"x\"\ncore = \"cortex-m4\"\nclock_hz = 1\n\
                 [[region]]\nname = \"F\"\nkind = \"flash\"\nbase = 0\nsize = 0x1000\n\
                 [oscillators]\n{osc}\n"
            )
        };
        let b = Board::from_toml(&t("HSE = 25_000_000\nLSE = 32_768"), "x.toml").unwrap();
        assert_eq!(b.oscillators.get("HSE"), Some(&25_000_000));
        assert_eq!(b.oscillators.get("LSE"), Some(&32_768));
        let e = Board::from_toml(&t("HSE = 0"), "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("oscillators.HSE is 0 Hz"), "{e}");
    }

    #[test]
    fn boards_describing_more_memory_than_the_limit_are_refused() {
        let t = r#"
name = "x"
description = "x"
core = "cortex-m3"
clock_hz = 1
[[region]]
name = "A"
kind = "flash"
base = 0
size = 0x1000_0000
[[region]]
name = "B"
kind = "sram"
base = 0x2000_0000
size = 0x1000_0001
"#;
        let e = Board::from_toml(t, "x.toml").unwrap_err().to_string();
        assert!(
            e.contains("regions total 536870913 bytes") && e.contains("512 MiB"),
            "{e}"
        );
    }

    #[test]
    fn core_names_round_trip() {
        for p in CoreProfile::ALL {
            assert_eq!(CoreProfile::parse(p.name()), Some(p));
        }
        assert_eq!(CoreProfile::parse("cortex-m99"), None);
    }
}
