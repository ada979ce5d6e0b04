//! Flash accelerators: the small caches and prefetch buffers that sit between a Cortex-M core
//! and slow flash (STM32 ART, RP2040 XIP cache, nRF52 NVMC instruction cache), as a cycle model.
//!
//! The board TOML describes one in an optional `[flash_accel]` table ([`FlashAccelSpec`]); the
//! raw cost of one flash read is the flash region's `wait_states` (cycles beyond the single
//! cycle a zero-wait-state access takes). Without the table every flash access pays the region's
//! wait states (instruction fetch included when they are not 0).
//!
//! # The model
//! Flash is read `read_bytes` at a time (a *granule*: 64 bits on the STM32L4+ in dual-bank
//! mode). The executor calls [`FlashAccel::fetch`] whenever the fetch address enters another
//! granule (sequentially or by a branch) and [`FlashAccel::data`] for every data read of flash.
//! - Instruction side: a hit in the instruction cache costs 0; a granule the prefetcher has
//!   already read (the next sequential one) costs what remains of its read time; anything
//!   else is a miss and costs the wait states. After each granule the prefetcher (when
//!   enabled) starts reading the next one, which is ready `wait_states + 1` cycles after the
//!   current one arrived: straight-line code that spends at least that long per granule runs
//!   without stalls, faster code runs at the flash bandwidth, and taken branches out of the
//!   cache pay the wait states.
//! - Data side: the last granule read stays in a line buffer; a data cache (or, with
//!   `unified`, the instruction cache) keeps more; a miss costs the wait states and delays a
//!   prefetch in flight by one read (data accesses have priority on the flash port).
//! - Caches are set-associative with LRU replacement, in granules. Lines fill whole when
//!   first touched (a simplification: real fills stream).
//!
//! Everything here is off the executor's hot path: the run loop compares the fetch address
//! with the current granule (one xor, one and, one branch) and calls in only on a change;
//! boards without an accelerator never call in.

use serde::{Deserialize, Serialize};

/// Which accelerator a board has (documentation of the model's parameters; the mechanism is
/// the same for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccelKind {
    /// STM32 adaptive real-time accelerator: prefetch buffer, I-cache and D-cache.
    Art,
    /// RP2040 XIP cache in front of QSPI flash (unified, no prefetch).
    XipCache,
    /// nRF52 NVMC instruction cache (ICACHECNF).
    NrfIcache,
    /// No cache: every granule read pays the wait states (prefetch optional).
    None,
}

/// The `[flash_accel]` table of a board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlashAccelSpec {
    /// Kind of accelerator.
    pub kind: AccelKind,
    /// Bytes delivered by one flash read (a power of two, 2..=64).
    pub read_bytes: u32,
    /// Instruction cache size in bytes (0 = none).
    #[serde(default)]
    pub icache_bytes: u32,
    /// Instruction cache associativity.
    #[serde(default = "one")]
    pub icache_ways: u32,
    /// Data cache size in bytes (0 = only the one-granule line buffer).
    #[serde(default)]
    pub dcache_bytes: u32,
    /// Data cache associativity.
    #[serde(default = "one")]
    pub dcache_ways: u32,
    /// Data reads share the instruction cache (RP2040 XIP).
    #[serde(default)]
    pub unified: bool,
    /// Sequential instruction prefetch enabled.
    #[serde(default)]
    pub prefetch: bool,
    /// Where the numbers come from (or that they are estimates).
    pub source: String,
}

fn one() -> u32 {
    1
}

impl FlashAccelSpec {
    /// Checks the geometry; the message names the field and the number.
    pub fn validate(&self) -> Result<(), String> {
        if !self.read_bytes.is_power_of_two() || !(2..=64).contains(&self.read_bytes) {
            return Err(format!(
                "flash_accel.read_bytes {} is not a power of two in 2..=64",
                self.read_bytes
            ));
        }
        for (name, bytes, ways) in [
            ("icache", self.icache_bytes, self.icache_ways),
            ("dcache", self.dcache_bytes, self.dcache_ways),
        ] {
            if bytes == 0 {
                continue;
            }
            if ways == 0 {
                return Err(format!("flash_accel.{name}_ways is 0"));
            }
            let lines = bytes / self.read_bytes;
            if bytes % self.read_bytes != 0
                || lines % ways != 0
                || !(lines / ways).is_power_of_two()
            {
                return Err(format!(
                    "flash_accel.{name}_bytes {bytes} is not {ways} ways of a power-of-two number of {}-byte lines",
                    self.read_bytes
                ));
            }
        }
        Ok(())
    }
}

/// A set-associative cache of granule numbers with LRU replacement: each set keeps its tags
/// most recently used first, so a hit on the MRU way (the common case in loops) is one compare.
#[derive(Debug, Clone)]
struct Cache {
    set_mask: u32,
    ways: usize,
    tags: Vec<u32>,
}

const INVALID: u32 = u32::MAX;

impl Cache {
    fn new(bytes: u32, ways: u32, granule: u32) -> Option<Cache> {
        if bytes == 0 {
            return None;
        }
        let lines = (bytes / granule) as usize;
        Some(Cache {
            set_mask: (lines / ways as usize) as u32 - 1,
            ways: ways as usize,
            tags: vec![INVALID; lines],
        })
    }

    /// Looks `g` up; on a miss it replaces the least recently used way. Returns hit.
    #[inline]
    fn access(&mut self, g: u32) -> bool {
        let s = (g & self.set_mask) as usize * self.ways;
        // The MRU way first: loops hit there, and this path needs no stack frame.
        if self.tags.get(s) == Some(&g) {
            return true;
        }
        self.access_rest(s, g)
    }

    #[cold]
    #[inline(never)]
    fn access_rest(&mut self, s: usize, g: u32) -> bool {
        let set = &mut self.tags[s..s + self.ways];
        let pos = set.iter().position(|&t| t == g);
        // Move to front: the hit way, or the LRU (last) way for a miss.
        let from = pos.unwrap_or(set.len() - 1);
        set[..=from].rotate_right(1);
        set[0] = g;
        pos.is_some()
    }

    fn clear(&mut self) {
        self.tags.fill(INVALID);
    }
}

/// Counters of the accelerator, for reports and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccelStats {
    /// Instruction granules entered.
    pub fetches: u64,
    /// ... of which hit the instruction cache.
    pub fetch_hits: u64,
    /// ... of which were served by the prefetch buffer.
    pub prefetch_hits: u64,
    /// Stall cycles of instruction fetch.
    pub fetch_stall: u64,
    /// Data reads of flash.
    pub data_reads: u64,
    /// ... of which missed (paid the wait states).
    pub data_misses: u64,
    /// Accesses of cached RAM banks through the data cache (`[[region.bank]]` with `cached`).
    pub ram_accesses: u64,
    /// ... of which missed.
    pub ram_misses: u64,
}

/// The state of one board's flash accelerator.
#[derive(Debug, Clone)]
pub struct FlashAccel {
    /// The parameters.
    pub spec: FlashAccelSpec,
    /// Wait states of one flash read (the flash region's `wait_states`).
    pub wait_states: u32,
    /// First address of the accelerated flash region.
    pub base: u32,
    /// Its size in bytes.
    pub size: u32,
    /// Counters.
    pub stats: AccelStats,
    /// Prefetch switch, set by a chip's flash controller (FLASH_ACR PRFTEN); starts as the
    /// board file describes it. The caches' switches are [`FlashAccel::set_switches`]: a cache
    /// that is off is parked (neither hits nor fills), so the lookups cost nothing extra.
    pub prefetch_on: bool,
    icache_off: Option<Cache>,
    dcache_off: Option<Cache>,
    shift: u32,
    icache: Option<Cache>,
    dcache: Option<Cache>,
    /// Granule being prefetched (INVALID: none) and the cycle it is ready.
    pf: u32,
    pf_ready: u64,
    /// Granule in the data line buffer.
    dlast: u32,
}

impl FlashAccel {
    /// The model for a flash region at `base` of `size` bytes with `wait_states`.
    pub fn new(spec: &FlashAccelSpec, base: u32, size: u32, wait_states: u32) -> FlashAccel {
        let g = spec.read_bytes;
        FlashAccel {
            wait_states,
            base,
            size,
            stats: AccelStats::default(),
            shift: g.trailing_zeros(),
            icache: Cache::new(spec.icache_bytes, spec.icache_ways, g),
            dcache: if spec.unified {
                None
            } else {
                Cache::new(spec.dcache_bytes, spec.dcache_ways, g)
            },
            pf: INVALID,
            pf_ready: 0,
            dlast: INVALID,
            prefetch_on: spec.prefetch,
            icache_off: None,
            dcache_off: None,
            spec: spec.clone(),
        }
    }

    /// Sets the wait states of one flash read (a flash controller's LATENCY field).
    pub fn set_wait_states(&mut self, ws: u32) {
        self.wait_states = ws;
    }

    /// Turns the caches and the prefetcher on or off (FLASH_ACR ICEN/DCEN/PRFTEN, NVMC
    /// ICACHECNF.CACHEEN, the Cortex-M7's CCR.IC/DC); a cache turned off forgets its lines, so
    /// that turning it on again starts cold, as a cache reset does on silicon.
    pub fn set_switches(&mut self, icache: bool, dcache: bool, prefetch: bool) {
        fn switch(on: &mut Option<Cache>, off: &mut Option<Cache>, want: bool) {
            if want && on.is_none() {
                *on = off.take();
            } else if !want && on.is_some() {
                *off = on.take();
                if let Some(c) = off {
                    c.clear();
                }
            }
        }
        switch(&mut self.icache, &mut self.icache_off, icache);
        switch(&mut self.dcache, &mut self.dcache_off, dcache);
        if !prefetch {
            self.pf = INVALID;
        }
        self.prefetch_on = prefetch;
    }

    /// Whether the instruction (or unified) cache is on.
    pub fn icache_on(&self) -> bool {
        self.icache.is_some()
    }

    /// Whether the data cache is on.
    pub fn dcache_on(&self) -> bool {
        self.dcache.is_some()
    }

    /// Whether the cache data reads go through is on (the data cache, or the instruction
    /// cache when it is `unified`).
    pub fn data_cache_on(&self) -> bool {
        if self.spec.unified {
            self.icache.is_some()
        } else {
            self.dcache.is_some()
        }
    }

    /// Mask of the address bits that name a granule: the run loop calls [`FlashAccel::fetch`]
    /// when they change.
    pub fn granule_mask(&self) -> u32 {
        !(self.spec.read_bytes - 1)
    }

    /// Forgets cached lines and buffers (reset).
    pub fn reset(&mut self) {
        for c in [
            &mut self.icache,
            &mut self.dcache,
            &mut self.icache_off,
            &mut self.dcache_off,
        ]
        .into_iter()
        .flatten()
        {
            c.clear();
        }
        self.pf = INVALID;
        self.pf_ready = 0;
        self.dlast = INVALID;
    }

    /// Whether `addr` lies in the accelerated flash.
    #[inline]
    pub fn covers(&self, addr: u32) -> bool {
        addr.wrapping_sub(self.base) < self.size
    }

    /// Stall cycles of fetching the granule holding `pc` at cycle `now` (the fetch address
    /// just moved into it).
    #[inline]
    pub fn fetch(&mut self, pc: u32, now: u64) -> u32 {
        if !self.covers(pc) {
            return 0;
        }
        let g = pc >> self.shift;
        self.stats.fetches += 1;
        let ws = self.wait_states;
        let cached = self.icache.as_mut().is_some_and(|c| c.access(g));
        let stall = if cached {
            self.stats.fetch_hits += 1;
            0
        } else if g == self.pf {
            self.stats.prefetch_hits += 1;
            self.pf_ready.saturating_sub(now) as u32
        } else {
            ws
        };
        if self.prefetch_on {
            // The next read starts when this granule has arrived and takes ws + 1 (wasted
            // when the next granule is cached: the lookup then hits first).
            self.pf = g.wrapping_add(1);
            self.pf_ready = now + u64::from(stall) + u64::from(ws) + 1;
        }
        self.stats.fetch_stall += u64::from(stall);
        stall
    }

    /// A data access of a cached RAM bank at `addr` through the data cache (the Cortex-M7's
    /// L1 D-cache serves the AXI RAM as it serves flash; call only while it is on): looks the
    /// line up, allocates it on a miss, and returns whether it missed. No line buffer and no
    /// prefetch: those are the flash's.
    pub fn cached_data(&mut self, addr: u32) -> bool {
        self.stats.ram_accesses += 1;
        let g = addr >> self.shift;
        let cache = if self.spec.unified {
            self.icache.as_mut()
        } else {
            self.dcache.as_mut()
        };
        let miss = !cache.is_some_and(|c| c.access(g));
        if miss {
            self.stats.ram_misses += 1;
        }
        miss
    }

    /// Wait states of a data read of flash at `addr` at cycle `now`.
    pub fn data(&mut self, addr: u32, now: u64) -> u32 {
        self.stats.data_reads += 1;
        let g = addr >> self.shift;
        if g == self.dlast {
            return 0;
        }
        self.dlast = g;
        let cache = if self.spec.unified {
            self.icache.as_mut()
        } else {
            self.dcache.as_mut()
        };
        if cache.is_some_and(|c| c.access(g)) {
            return 0;
        }
        self.stats.data_misses += 1;
        let ws = self.wait_states;
        if self.pf != INVALID && self.pf_ready > now {
            // The data read takes the flash port first; the prefetch finishes one read later.
            self.pf_ready += u64::from(ws) + 1;
        }
        ws
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art() -> FlashAccel {
        let spec = FlashAccelSpec {
            kind: AccelKind::Art,
            read_bytes: 8,
            icache_bytes: 1024,
            icache_ways: 4,
            dcache_bytes: 256,
            dcache_ways: 4,
            unified: false,
            prefetch: true,
            source: "test".into(),
        };
        spec.validate().unwrap();
        FlashAccel::new(&spec, 0x0800_0000, 0x20_0000, 5)
    }

    #[test]
    fn switched_off_caches_miss_and_come_back_cold() {
        let mut a = art();
        a.set_switches(true, true, false);
        assert_eq!(a.fetch(0x0800_0000, 0), 5, "cold miss");
        assert_eq!(a.fetch(0x0800_0100, 10), 5);
        assert_eq!(a.fetch(0x0800_0000, 20), 0, "hit");
        a.set_switches(false, false, false);
        assert!(!a.icache_on() && !a.dcache_on());
        assert_eq!(a.fetch(0x0800_0100, 30), 5, "no cache: every granule pays");
        assert_eq!(a.fetch(0x0800_0000, 40), 5);
        a.set_switches(true, true, false);
        assert_eq!(a.fetch(0x0800_0000, 50), 5, "back on, but cold");
        a.set_wait_states(1);
        assert_eq!(a.fetch(0x0800_0200, 60), 1, "LATENCY drives the miss cost");
    }

    #[test]
    fn branch_miss_pays_wait_states_then_the_loop_hits() {
        let mut a = art();
        assert_eq!(a.fetch(0x0800_0100, 0), 5);
        // The core spends 3 cycles on the granule; the prefetched next one is ready at 5+6.
        assert_eq!(a.fetch(0x0800_0108, 8), 3);
        // Second time round: both granules are in the cache.
        assert_eq!(a.fetch(0x0800_0100, 20), 0);
        assert_eq!(a.fetch(0x0800_0108, 23), 0);
        assert_eq!(a.stats.fetch_hits, 2);
        assert_eq!(a.stats.prefetch_hits, 1);
    }

    #[test]
    fn slow_straight_line_code_hides_the_wait_states() {
        let mut a = art();
        let mut now = 0;
        let mut stalls = 0;
        for i in 0..16 {
            let s = a.fetch(0x0800_0000 + 8 * i, now);
            stalls += s;
            now += u64::from(s) + 6; // six cycles of work per granule
        }
        assert_eq!(stalls, 5, "only the first granule stalls");
    }

    #[test]
    fn data_reads_use_the_line_buffer_and_the_dcache() {
        let mut a = art();
        assert_eq!(a.data(0x0800_1000, 0), 5);
        assert_eq!(a.data(0x0800_1004, 1), 0, "same 64-bit granule");
        assert_eq!(a.data(0x0800_1008, 2), 5);
        assert_eq!(a.data(0x0800_1000, 3), 0, "D-cache hit");
        // 256 bytes of D-cache: streaming 4 KiB evicts everything.
        for k in 0..512 {
            a.data(0x0800_2000 + 8 * k, 10);
        }
        assert_eq!(a.data(0x0800_1000, 20), 5);
    }

    #[test]
    fn addresses_outside_the_flash_cost_nothing() {
        let mut a = art();
        assert_eq!(a.fetch(0x2000_0000, 0), 0);
        assert_eq!(a.stats.fetches, 0);
    }

    #[test]
    fn boards_build_their_accelerators() {
        use crate::board::Board;
        use crate::memory::MemoryMap;
        let accel = |name: &str| MemoryMap::new(&Board::load(name).unwrap()).accel;
        // The STM32 boards start at FLASH_ACR's reset latency, 0; the chip model sets more.
        let art = accel("nucleo-l4r5zi").unwrap();
        assert_eq!(
            (art.spec.kind, art.wait_states, art.base),
            (AccelKind::Art, 0, 0x0800_0000)
        );
        assert!(accel("mps2-an386").is_none(), "QEMU's SSRAM needs no model");
        // RP2040: one 2-way cache for code and data; no prefetch, so sequential code misses
        // once per 8-byte line, and data read once is then a hit for fetch too.
        let mut xip = accel("pico").unwrap();
        assert_eq!(xip.fetch(0x1000_0100, 0), 56);
        assert_eq!(xip.fetch(0x1000_0108, 60), 56);
        assert_eq!(xip.data(0x1000_0200, 100), 56);
        assert_eq!(xip.fetch(0x1000_0200, 200), 0);
        assert_eq!(xip.fetch(0x1000_0100, 300), 0);
        // nRF52840: the instruction cache does not serve data (DCODE) reads.
        let mut nrf = accel("nano33ble").unwrap();
        assert_eq!(nrf.fetch(0x100, 0), 2);
        assert_eq!(nrf.data(0x100, 10), 2);
        assert_eq!(nrf.data(0x200, 20), 2);
        assert_eq!(
            nrf.data(0x100, 30),
            2,
            "no data cache: only the line buffer"
        );
        assert_eq!(nrf.fetch(0x100, 40), 0);
    }

    #[test]
    fn a_bad_flash_accel_table_fails_the_board() {
        let t = r#"
name = "x"
description = "x"
core = "cortex-m4"
clock_hz = 1
[[region]]
name = "FLASH"
kind = "flash"
base = 0
size = 0x1000
wait_states = 3
[flash_accel]
kind = "art"
read_bytes = 12
source = "test"
"#;
        let e = crate::board::Board::from_toml(t, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("board x") && e.contains("read_bytes 12"), "{e}");
    }

    #[test]
    fn bad_geometry_is_named() {
        let mut s = art().spec;
        s.read_bytes = 12;
        assert!(s.validate().unwrap_err().contains("read_bytes 12"));
        let mut s = art().spec;
        s.icache_bytes = 1000;
        assert!(s.validate().unwrap_err().contains("icache_bytes 1000"));
    }
}
