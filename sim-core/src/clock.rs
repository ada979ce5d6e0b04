//! Simulated time and the core clock: time is kept in picoseconds, independent of the core
//! clock, and the core clock's period turns cycles into time. The core clock may change while
//! the firmware runs (a PLL switched in); the clock keeps one [`Segment`] per rate so that any
//! cycle count since reset converts to the time it happened at, and the report integrates
//! latency and energy over every change.
//!
//! The run loop counts cycles (`Bus::now`); devices schedule in picoseconds
//! ([`crate::device::Device::next_event`]) and the bus turns their deadlines into cycles at the
//! current rate. A clock change therefore moves no pending event in time: only the cycle at
//! which it falls.
//!
//! The clock controller of a chip also publishes the frequencies of the other clocks
//! (`"PCLK1"`, `"LFCLK"`, `"clk_peri"`): consumers (UART baud, timers) ask for them by name
//! instead of holding frequency constants.

/// Picoseconds per second.
pub const PS_PER_S: u64 = 1_000_000_000_000;

/// A stretch of time at one core clock rate: cycle `cycle` began at `ps` picoseconds, and
/// every later cycle (until the next segment) lasts `1/hz` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First cycle of the segment.
    pub cycle: u64,
    /// Time of that cycle in picoseconds since reset.
    pub ps: u64,
    /// Core clock in Hz.
    pub hz: u64,
}

impl Segment {
    /// The time cycle `cycle` begins (rounded down to the picosecond); cycles before the
    /// segment map to its start.
    #[inline]
    pub fn ps_at(&self, cycle: u64) -> u64 {
        let d = u128::from(cycle.saturating_sub(self.cycle));
        let ps = d * u128::from(PS_PER_S) / u128::from(self.hz);
        self.ps
            .saturating_add(u64::try_from(ps).unwrap_or(u64::MAX))
    }

    /// The first cycle that begins at or after `ps` (the exact inverse of [`Segment::ps_at`]:
    /// `cycle_at(ps_at(c)) == c`); times before the segment map to its first cycle.
    #[inline]
    pub fn cycle_at(&self, ps: u64) -> u64 {
        let d = u128::from(ps.saturating_sub(self.ps));
        let c = (d * u128::from(self.hz)).div_ceil(u128::from(PS_PER_S));
        self.cycle
            .saturating_add(u64::try_from(c).unwrap_or(u64::MAX))
    }
}

/// Where the core clock's rate comes from, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSource {
    /// The board's fixed clock (no clock controller is modelled: MPS2, custom boards).
    Board,
    /// The chip's reset clock: the firmware never changed it.
    Reset,
    /// The firmware configured it through the chip's clock controller.
    Firmware,
    /// `--clock` fixed it; what the firmware asked for is ignored (and reported).
    Override,
}

impl ClockSource {
    /// Words for the report ("configured by the firmware").
    pub fn describe(self) -> &'static str {
        match self {
            ClockSource::Board => "board clock",
            ClockSource::Reset => "reset clock, never changed by the firmware",
            ClockSource::Firmware => "configured by the firmware",
            ClockSource::Override => "--clock override",
        }
    }

    /// Stable key for JSON ("board", "reset", "firmware", "override").
    pub fn key(self) -> &'static str {
        match self {
            ClockSource::Board => "board",
            ClockSource::Reset => "reset",
            ClockSource::Firmware => "firmware",
            ClockSource::Override => "override",
        }
    }
}

/// Most clock segments kept: beyond this, the oldest are merged into the first one (old
/// cycles then convert at the rate of the segment that absorbed them; totals stay exact).
pub const MAX_SEGMENTS: usize = 4096;

/// The core clock over time and the chip's other clocks by name.
#[derive(Debug, Clone)]
pub struct Clock {
    /// Segments in cycle order; never empty; the last one is the current rate.
    segments: Vec<Segment>,
    /// How the current rate came about.
    source: ClockSource,
    /// The rate `--clock` fixed, if any.
    pinned: bool,
    /// What the firmware last asked for while the clock was pinned.
    requested_hz: Option<u64>,
    /// Clock changes the firmware made (whether or not pinned).
    changes: u64,
    /// The chip's other clocks: name and Hz (small; searched linearly).
    domains: Vec<(&'static str, u64)>,
    /// The rate at reset, for system reset.
    reset_hz: u64,
    reset_source: ClockSource,
    /// Bumped by every change of a rate (core or named clock): a device's next event, a time,
    /// is only known to stay put while this does (see `Bus::reschedule`).
    revision: u64,
}

impl Clock {
    /// A clock running at `hz` from cycle 0, its rate coming from `source`.
    pub fn new(hz: u64, source: ClockSource) -> Clock {
        let hz = hz.max(1);
        Clock {
            segments: vec![Segment {
                cycle: 0,
                ps: 0,
                hz,
            }],
            source,
            pinned: source == ClockSource::Override,
            requested_hz: None,
            changes: 0,
            domains: Vec::new(),
            reset_hz: hz,
            reset_source: source,
            revision: 0,
        }
    }

    /// A number that changes whenever a rate (core or named clock) changes.
    #[inline]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The current segment.
    #[inline]
    pub fn segment(&self) -> Segment {
        *self.segments.last().expect("a clock has a segment")
    }

    /// Core clock now, in Hz.
    #[inline]
    pub fn hz(&self) -> u64 {
        self.segment().hz
    }

    /// Where the current rate came from.
    pub fn source(&self) -> ClockSource {
        self.source
    }

    /// What the firmware asked for while `--clock` fixed the rate (the last request).
    pub fn requested_hz(&self) -> Option<u64> {
        self.requested_hz
    }

    /// Clock changes the firmware made.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// All segments, oldest first.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Time cycle `cycle` began, in picoseconds since reset (any cycle, past or present).
    pub fn ps_at(&self, cycle: u64) -> u64 {
        let i = self.segments.partition_point(|s| s.cycle <= cycle);
        self.segments[i.saturating_sub(1)].ps_at(cycle)
    }

    /// Seconds between two cycle counts.
    pub fn seconds_between(&self, from: u64, to: u64) -> f64 {
        self.ps_at(to).saturating_sub(self.ps_at(from)) as f64 / PS_PER_S as f64
    }

    /// The firmware set the core clock to `hz` at cycle `now`. Returns whether the rate
    /// changed (a pinned clock keeps its rate and remembers the request).
    pub fn set_core_hz(&mut self, now: u64, hz: u64) -> bool {
        let hz = hz.max(1);
        if self.pinned {
            if hz != self.hz() || self.requested_hz.is_some() {
                self.requested_hz = Some(hz);
            }
            return false;
        }
        self.changes += 1;
        self.source = ClockSource::Firmware;
        self.switch(now, hz)
    }

    /// Starts a segment at `now` running at `hz` (nothing when the rate is the same).
    fn switch(&mut self, now: u64, hz: u64) -> bool {
        let cur = self.segment();
        if hz == cur.hz {
            return false;
        }
        self.revision += 1;
        let seg = Segment {
            cycle: now,
            ps: cur.ps_at(now),
            hz,
        };
        if cur.cycle == now {
            *self.segments.last_mut().expect("non-empty") = seg;
        } else {
            if self.segments.len() >= MAX_SEGMENTS {
                self.segments.remove(1);
            }
            self.segments.push(seg);
        }
        true
    }

    /// Publishes the frequency of a named clock of the chip (0: stopped).
    pub fn set_domain(&mut self, name: &'static str, hz: u64) {
        match self.domains.iter_mut().find(|(n, _)| *n == name) {
            Some(d) if d.1 == hz => return,
            Some(d) => d.1 = hz,
            None => self.domains.push((name, hz)),
        }
        self.revision += 1;
    }

    /// The frequency of a named clock of the chip, if published.
    pub fn domain(&self, name: &str) -> Option<u64> {
        self.domains
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, hz)| *hz)
    }

    /// All published clocks, in the order they were first published.
    pub fn domains(&self) -> &[(&'static str, u64)] {
        &self.domains
    }

    /// System reset at cycle `now`: back to the reset rate (time goes on).
    pub fn reset(&mut self, now: u64) {
        self.switch(now, self.reset_hz);
        self.source = self.reset_source;
        self.domains.clear();
        self.revision += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_and_time_round_trip_at_awkward_rates() {
        for hz in [
            1,
            3,
            32_768,
            4_000_000,
            48_000_000,
            64_000_000,
            120_000_000,
            216_000_000,
        ] {
            let s = Segment {
                cycle: 1000,
                ps: 777,
                hz,
            };
            // u64 picoseconds last 213 days: large counts only at realistic rates.
            let big = if hz >= 32_768 { 1 << 34 } else { 12_345 };
            for c in [1000, 1001, 1002, 12_345, big] {
                assert_eq!(s.cycle_at(s.ps_at(c)), c, "hz {hz} cycle {c}");
            }
            // The first cycle at or after a time.
            let c = s.cycle_at(5_000_000);
            assert!(s.ps_at(c) >= 5_000_000 && (c == 1000 || s.ps_at(c - 1) < 5_000_000));
        }
    }

    #[test]
    fn a_clock_change_keeps_time_continuous_and_history_exact() {
        let mut c = Clock::new(4_000_000, ClockSource::Reset);
        assert_eq!(c.ps_at(4_000_000), PS_PER_S); // 1 s at 4 MHz
        assert!(c.set_core_hz(4_000_000, 120_000_000));
        assert_eq!(c.source(), ClockSource::Firmware);
        assert_eq!(c.ps_at(4_000_000), PS_PER_S);
        assert_eq!(c.ps_at(124_000_000), 2 * PS_PER_S);
        // Earlier cycles still convert at the old rate.
        assert_eq!(c.ps_at(2_000_000), PS_PER_S / 2);
        assert!((c.seconds_between(2_000_000, 64_000_000) - 1.0).abs() < 1e-12);
        assert!(!c.set_core_hz(200_000_000, 120_000_000), "same rate");
        c.reset(300_000_000);
        assert_eq!(c.hz(), 4_000_000);
        assert_eq!(c.source(), ClockSource::Reset);
    }

    #[test]
    fn a_pinned_clock_keeps_its_rate_and_remembers_the_request() {
        let mut c = Clock::new(80_000_000, ClockSource::Override);
        assert!(!c.set_core_hz(10, 120_000_000));
        assert_eq!(c.hz(), 80_000_000);
        assert_eq!(c.requested_hz(), Some(120_000_000));
        assert_eq!(c.source(), ClockSource::Override);
    }

    #[test]
    fn named_domains_are_published_and_read() {
        let mut c = Clock::new(1, ClockSource::Board);
        c.set_domain("PCLK1", 60_000_000);
        c.set_domain("PCLK1", 30_000_000);
        assert_eq!(c.domain("PCLK1"), Some(30_000_000));
        assert_eq!(c.domain("PCLK2"), None);
    }
}
