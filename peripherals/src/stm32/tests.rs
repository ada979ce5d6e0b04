//! Unit tests of the STM32 models on a machine of each board: register sequences as ST's
//! reference manuals give them, checked against the clock, flash timing, console and NVIC.

use crate::testutil::{chip_machine, run_to, run_us};
use sim_core::clock::ClockSource;
use sim_core::exception::num;
use sim_core::Machine;

// STM32L4R5 addresses (RM0432 §2.2.2).
const L4_RCC: u32 = 0x4002_1000;
const L4_PWR: u32 = 0x4000_7000;
const L4_FLASH: u32 = 0x4002_2000;
const L4_LPUART1: u32 = 0x4000_8000;
const L4_TIM6: u32 = 0x4000_1000;
const L4_GPIOB: u32 = 0x4800_0400;
const L4_RNG: u32 = 0x5006_0800;
// STM32F746 addresses (RM0385 §2.2.2).
const F7_RCC: u32 = 0x4002_3800;
const F7_PWR: u32 = 0x4000_7000;
const F7_FLASH: u32 = 0x4002_3C00;
const F7_USART1: u32 = 0x4001_1000;

fn rd(m: &mut Machine, a: u32) -> u32 {
    m.bus.read32(a).unwrap()
}

fn wr(m: &mut Machine, a: u32, v: u32) {
    m.bus.write32(a, v).unwrap();
}

fn set(m: &mut Machine, a: u32, bits: u32) {
    let v = rd(m, a);
    wr(m, a, v | bits);
}

fn clr(m: &mut Machine, a: u32, bits: u32) {
    let v = rd(m, a);
    wr(m, a, v & !bits);
}

fn domain(m: &Machine, name: &str) -> u64 {
    m.bus.clock.domain(name).unwrap_or(0)
}

/// The L4R5 at 120 MHz as STM32Cube's SystemClock_Config for NUCLEO-L4R5ZI leaves it:
/// range 1 boost, MSI 4 MHz -> PLL M=1 N=60 R=2, LATENCY 5.
fn l4_to_120mhz(m: &mut Machine) {
    wr(m, L4_PWR + 0x80, 0); // CR5.R1MODE = 0: boost
    wr(m, L4_FLASH, 0x0000_0705); // LATENCY 5, PRFTEN, ICEN, DCEN
    wr(m, L4_RCC + 0x0C, 1 | (60 << 8) | (1 << 24)); // PLLSRC MSI, PLLM /1, N 60, REN, R /2
    set(m, L4_RCC, 1 << 24); // PLLON
    run_us(&mut m.bus, 50);
    assert_ne!(rd(m, L4_RCC) & (1 << 25), 0, "PLLRDY");
    wr(m, L4_RCC + 0x08, 3); // SW = PLL
    assert_eq!((rd(m, L4_RCC + 0x08) >> 2) & 3, 3, "SWS = PLL");
}

#[test]
fn l4r5_resets_to_msi_4mhz_and_publishes_its_clocks() {
    let m = chip_machine("nucleo-l4r5zi");
    assert_eq!(m.bus.clock.hz(), 4_000_000);
    assert_eq!(m.bus.clock.source(), ClockSource::Reset);
    for d in [
        "SYSCLK", "HCLK", "PCLK1", "PCLK2", "TIMCLK1", "LPUART1", "USART1",
    ] {
        assert_eq!(domain(&m, d), 4_000_000, "{d}");
    }
    // HSI48 is off: the RNG has no clock.
    assert_eq!(domain(&m, "CLK48"), 0);
    // FLASH_ACR at reset: zero wait states, caches on, prefetch off.
    let f = m
        .bus
        .map
        .regions
        .iter()
        .find(|r| r.base == 0x0800_0000)
        .unwrap();
    assert_eq!(f.wait_states, 0);
    let a = m.bus.map.accel.as_ref().unwrap();
    assert!(a.icache_on() && a.dcache_on() && !a.prefetch_on);
}

#[test]
fn l4r5_ready_bits_follow_enables_after_the_start_up_time() {
    let mut m = chip_machine("nucleo-l4r5zi");
    set(&mut m, L4_RCC, 1 << 8); // HSION
    assert_eq!(rd(&mut m, L4_RCC) & (1 << 10), 0, "HSIRDY not at once");
    // 1 µs at 4 MHz = 4 cycles.
    let t0 = m.bus.now;
    assert_eq!(m.bus.next_event, t0 + 4);
    run_to(&mut m.bus, t0 + 3);
    assert_eq!(rd(&mut m, L4_RCC) & (1 << 10), 0);
    run_to(&mut m.bus, t0 + 4);
    assert_ne!(rd(&mut m, L4_RCC) & (1 << 10), 0, "HSIRDY after 1 µs");
    // Switching off clears the ready bit.
    clr(&mut m, L4_RCC, 1 << 8);
    assert_eq!(rd(&mut m, L4_RCC) & (1 << 10), 0);
    // No HSE on the board: HSERDY never sets, and nothing is scheduled for it.
    set(&mut m, L4_RCC, 1 << 16);
    assert_eq!(m.bus.next_event, u64::MAX);
    run_us(&mut m.bus, 10_000);
    assert_eq!(rd(&mut m, L4_RCC) & (1 << 17), 0);
}

#[test]
fn l4r5_pll_at_120mhz_becomes_the_core_clock() {
    let mut m = chip_machine("nucleo-l4r5zi");
    l4_to_120mhz(&mut m);
    assert_eq!(m.bus.clock.hz(), 120_000_000);
    assert_eq!(m.bus.clock.source(), ClockSource::Firmware);
    assert_eq!(domain(&m, "PCLK1"), 120_000_000);
    assert_eq!(domain(&m, "PLL"), 120_000_000);
    // APB1 /4: PCLK1 30 MHz, its timers twice that.
    wr(&mut m, L4_RCC + 0x08, 3 | (5 << 8));
    assert_eq!(domain(&m, "PCLK1"), 30_000_000);
    assert_eq!(domain(&m, "TIMCLK1"), 60_000_000);
    assert_eq!(domain(&m, "LPUART1"), 30_000_000);
    // AHB /2: the core at 60 MHz.
    wr(&mut m, L4_RCC + 0x08, 3 | (8 << 4));
    assert_eq!(m.bus.clock.hz(), 60_000_000);
    // MSI feeds the PLL that runs the core: MSION cannot be cleared.
    clr(&mut m, L4_RCC, 1);
    assert_ne!(rd(&mut m, L4_RCC) & 1, 0, "MSION kept");
}

#[test]
fn l4r5_switch_to_a_clock_not_ready_waits_for_it() {
    let mut m = chip_machine("nucleo-l4r5zi");
    set(&mut m, L4_RCC, 1 << 8); // HSION
    wr(&mut m, L4_RCC + 0x08, 1); // SW = HSI16 before it is ready
    assert_eq!((rd(&mut m, L4_RCC + 0x08) >> 2) & 3, 0, "still MSI");
    assert_eq!(m.bus.clock.hz(), 4_000_000);
    run_us(&mut m.bus, 2);
    assert_eq!((rd(&mut m, L4_RCC + 0x08) >> 2) & 3, 1, "SWS = HSI16");
    assert_eq!(m.bus.clock.hz(), 16_000_000);
}

#[test]
fn l4r5_voltage_scaling_busy_flag_and_boost() {
    let mut m = chip_machine("nucleo-l4r5zi");
    assert_eq!(rd(&mut m, L4_PWR + 0x80), 1 << 8, "CR5 reset: R1MODE");
    wr(&mut m, L4_PWR, 2 << 9); // VOS range 2
    assert_ne!(rd(&mut m, L4_PWR + 0x14) & (1 << 10), 0, "VOSF set");
    run_us(&mut m.bus, 25);
    assert_eq!(
        rd(&mut m, L4_PWR + 0x14) & (1 << 10),
        0,
        "VOSF clear after 20 µs"
    );
    wr(&mut m, L4_PWR + 0x80, 0);
    assert_eq!(rd(&mut m, L4_PWR + 0x80), 0, "boost");
}

#[test]
fn l4r5_flash_acr_drives_wait_states_and_switches() {
    let mut m = chip_machine("nucleo-l4r5zi");
    wr(&mut m, L4_FLASH, 0x0000_0105); // LATENCY 5, PRFTEN, caches off
    assert_eq!(rd(&mut m, L4_FLASH) & 0xF, 5, "LATENCY reads back");
    let f = m
        .bus
        .map
        .regions
        .iter()
        .find(|r| r.base == 0x0800_0000)
        .unwrap();
    assert_eq!(f.wait_states, 5);
    let a = m.bus.map.accel.as_ref().unwrap();
    assert_eq!(
        (a.wait_states, a.icache_on(), a.dcache_on(), a.prefetch_on),
        (5, false, false, true)
    );
    // Flash programming is not modelled: named.
    wr(&mut m, L4_FLASH + 0x08, 0x4567_0123);
    assert!(m
        .bus
        .mmio
        .entries
        .values()
        .any(|e| e.peripheral == "FLASH" && e.register == "KEYR"));
}

#[test]
fn lpuart1_prints_at_the_baud_rate_of_its_kernel_clock() {
    let mut m = chip_machine("nucleo-l4r5zi");
    // 115200 Bd at 4 MHz: BRR = 256 * 4e6 / 115200 = 8889 (RM0432 §51.4.7).
    wr(&mut m, L4_LPUART1 + 0x0C, 8889);
    wr(&mut m, L4_LPUART1, 0b1101); // UE, RE, TE
    let isr = rd(&mut m, L4_LPUART1 + 0x1C);
    assert_eq!(isr & (0b11 << 21), 0b11 << 21, "TEACK and REACK");
    assert_ne!(isr & (1 << 7), 0, "TXE");
    let t0 = m.bus.clock.ps_at(m.bus.now);
    wr(&mut m, L4_LPUART1 + 0x28, u32::from(b'h'));
    assert_eq!(m.bus.console.text(), "h");
    assert_ne!(
        rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 7),
        0,
        "TXE: the shift register took it"
    );
    assert_eq!(rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 6), 0, "TC clear");
    wr(&mut m, L4_LPUART1 + 0x28, u32::from(b'i'));
    assert_eq!(
        rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 7),
        0,
        "TXE clear: TDR full"
    );
    assert_eq!(m.bus.console.text(), "h");
    // 10 bits at 8889/(256 * 4 MHz) each: 86.8 µs per frame.
    let frame_ps = 10 * 8889 * 1_000_000_000_000u64 / (256 * 4_000_000);
    let t1 = m.bus.next_event;
    assert_eq!(
        m.bus.clock.ps_at(t1) - t0,
        frame_ps.div_ceil(250_000) * 250_000
    );
    run_to(&mut m.bus, t1);
    assert_eq!(m.bus.console.text(), "hi");
    assert_ne!(rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 7), 0);
    assert_eq!(
        rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 6),
        0,
        "TC: 'i' still on the line"
    );
    run_us(&mut m.bus, 90);
    assert_ne!(
        rd(&mut m, L4_LPUART1 + 0x1C) & (1 << 6),
        0,
        "TC after the last frame"
    );
}

#[test]
fn tim6_update_interrupt_at_its_period() {
    let mut m = chip_machine("nucleo-l4r5zi");
    m.bus.exc.set_irq_enabled(num::IRQ0 + 54, true);
    m.bus.exc.dirty = false; // as the run loop would, so that next_event shows the timer
                             // 4 MHz / (3+1) = 1 MHz counter, ARR 99: an update every 100 µs = 400 cycles.
    wr(&mut m, L4_TIM6 + 0x28, 3);
    wr(&mut m, L4_TIM6 + 0x2C, 99);
    wr(&mut m, L4_TIM6 + 0x14, 1); // UG: loads PSC, sets UIF
    assert_eq!(rd(&mut m, L4_TIM6 + 0x10), 1);
    wr(&mut m, L4_TIM6 + 0x10, 0);
    wr(&mut m, L4_TIM6 + 0x0C, 1); // UIE
    let t0 = m.bus.now;
    wr(&mut m, L4_TIM6, 1); // CEN
    assert_eq!(m.bus.next_event, t0 + 400);
    run_to(&mut m.bus, t0 + 200);
    assert_eq!(rd(&mut m, L4_TIM6 + 0x24), 50, "CNT halfway");
    assert!(!m.bus.exc.is_pending(num::IRQ0 + 54));
    run_to(&mut m.bus, t0 + 400);
    assert!(m.bus.exc.is_pending(num::IRQ0 + 54), "update interrupt");
    assert_eq!(rd(&mut m, L4_TIM6 + 0x10), 1, "UIF");
    assert_eq!(rd(&mut m, L4_TIM6 + 0x24), 0);
    m.bus.exc.clear_pending(num::IRQ0 + 54);
    m.bus.exc.dirty = false;
    wr(&mut m, L4_TIM6 + 0x10, 0);
    assert_eq!(m.bus.next_event, t0 + 800, "next period");
    // Ten periods later, read lazily: CNT and UIF as the counter left them.
    wr(&mut m, L4_TIM6 + 0x0C, 0);
    run_to(&mut m.bus, t0 + 4_000 + 73 * 4);
    assert_eq!(rd(&mut m, L4_TIM6 + 0x24), 73);
    assert_eq!(rd(&mut m, L4_TIM6 + 0x10), 1);
}

#[test]
fn tim6_update_flag_left_set_pends_again_after_return_and_through_icpr() {
    const ICPR: u32 = 0xE000_E280;
    let n = num::IRQ0 + 54;
    let mut m = chip_machine("nucleo-l4r5zi");
    wr(&mut m, L4_TIM6 + 0x28, 3);
    wr(&mut m, L4_TIM6 + 0x2C, 99);
    wr(&mut m, L4_TIM6 + 0x0C, 1); // UIE
    wr(&mut m, L4_TIM6, 1); // CEN
    let t0 = m.bus.now;
    run_to(&mut m.bus, t0 + 400);
    assert!(m.bus.exc.is_pending(n), "update interrupt");
    m.bus.exc.activate(n); // the handler returns without clearing UIF
    m.bus.exc.deactivate(n);
    assert!(
        m.bus.exc.is_pending(n),
        "UIF & UIE still set: pending again"
    );
    wr(&mut m, ICPR + 4, 1 << (54 - 32));
    assert!(m.bus.exc.is_pending(n), "ICPR while the line is high");
    wr(&mut m, L4_TIM6 + 0x10, 0); // rc_w0: UIF cleared
    wr(&mut m, ICPR + 4, 1 << (54 - 32));
    assert!(!m.bus.exc.is_pending(n));
    m.bus.exc.activate(n);
    m.bus.exc.deactivate(n);
    assert!(!m.bus.exc.is_pending(n));
    // A flag set while its interrupt is disabled raises the line when UIE is set.
    wr(&mut m, L4_TIM6 + 0x0C, 0);
    wr(&mut m, L4_TIM6 + 0x14, 1); // UG sets UIF
    assert!(!m.bus.exc.is_pending(n));
    wr(&mut m, L4_TIM6 + 0x0C, 1);
    assert!(m.bus.exc.is_pending(n));
}

#[test]
fn gpio_outputs_follow_bsrr_and_inputs_their_pulls() {
    let mut m = chip_machine("nucleo-l4r5zi");
    // PB7 (LD2 on NUCLEO-L4R5ZI) as output, PB0 input with pull-up.
    let moder = rd(&mut m, L4_GPIOB) & !(3 << 14) & !3;
    wr(&mut m, L4_GPIOB, moder | (1 << 14));
    wr(&mut m, L4_GPIOB + 0x0C, 1);
    wr(&mut m, L4_GPIOB + 0x18, 1 << 7);
    assert_eq!(rd(&mut m, L4_GPIOB + 0x14), 1 << 7, "ODR");
    assert_eq!(
        rd(&mut m, L4_GPIOB + 0x10) & 0x81,
        0x81,
        "IDR: PB7 driven, PB0 pulled up"
    );
    wr(&mut m, L4_GPIOB + 0x18, (1 << 23) | (1 << 7));
    assert_eq!(rd(&mut m, L4_GPIOB + 0x14), 1 << 7, "set wins");
    wr(&mut m, L4_GPIOB + 0x28, 1 << 7); // BRR
    assert_eq!(rd(&mut m, L4_GPIOB + 0x14), 0);
}

#[test]
fn rng_needs_its_clock_and_repeats_its_sequence() {
    let sample = || {
        let mut m = chip_machine("nucleo-l4r5zi");
        wr(&mut m, L4_RNG, 1 << 2); // RNGEN without a 48 MHz clock
        assert_eq!(rd(&mut m, L4_RNG + 0x04) & 0b10, 0b10, "CECS");
        wr(&mut m, L4_RNG, 0);
        wr(&mut m, L4_RCC + 0x98, 1); // HSI48ON
        run_us(&mut m.bus, 10);
        assert_eq!(domain(&m, "CLK48"), 48_000_000);
        wr(&mut m, L4_RNG, 1 << 2);
        assert_eq!(rd(&mut m, L4_RNG + 0x04) & 1, 0, "not ready at once");
        run_us(&mut m.bus, 1);
        assert_eq!(
            rd(&mut m, L4_RNG + 0x04) & 1,
            1,
            "DRDY after 42 periods of 48 MHz"
        );
        let a = rd(&mut m, L4_RNG + 0x08);
        run_us(&mut m.bus, 1);
        let b = rd(&mut m, L4_RNG + 0x08);
        assert_ne!(a, b);
        (a, b)
    };
    assert_eq!(sample(), sample(), "deterministic");
}

#[test]
fn ids_and_signature() {
    let mut m = chip_machine("nucleo-l4r5zi");
    assert_eq!(rd(&mut m, 0xE004_2000), 0x1001_0470);
    assert_eq!(rd(&mut m, 0x1FFF_7590), 0x0041_0020);
    assert_eq!(m.bus.read16(0x1FFF_75E0).unwrap(), 2048, "2 MiB");
    assert!(
        m.bus.write32(0x1FFF_7590, 0).is_err(),
        "system memory is read-only"
    );
    let mut f = chip_machine("disco-f746ng");
    assert_eq!(rd(&mut f, 0xE004_2000), 0x1001_0449);
    assert_eq!(f.bus.read16(0x1FF0_F442).unwrap(), 1024, "1 MiB");
    assert_eq!(rd(&mut f, 0x1FF0_F428) >> 24, u32::from(b'E'));
}

#[test]
fn f746_resets_to_hsi_and_reaches_216mhz_with_overdrive() {
    let mut m = chip_machine("disco-f746ng");
    assert_eq!(m.bus.clock.hz(), 16_000_000);
    let a = m.bus.map.accel.as_ref().unwrap();
    assert!(
        !a.icache_on() && !a.dcache_on() && !a.prefetch_on,
        "M7 caches off at reset"
    );
    // HSE 25 MHz crystal: ready after its 2 ms start-up.
    set(&mut m, F7_RCC, 1 << 16);
    run_us(&mut m.bus, 1_999);
    assert_eq!(rd(&mut m, F7_RCC) & (1 << 17), 0);
    run_us(&mut m.bus, 2);
    assert_ne!(rd(&mut m, F7_RCC) & (1 << 17), 0, "HSERDY");
    // PLL: HSE /25 *432 /2 = 216 MHz, Q /9 = 48 MHz (STM32Cube's SystemClock_Config).
    wr(
        &mut m,
        F7_RCC + 0x04,
        25 | (432 << 6) | (1 << 22) | (9 << 24),
    );
    set(&mut m, F7_RCC, 1 << 24);
    assert_eq!(
        rd(&mut m, F7_PWR + 0x04) & (1 << 14),
        0,
        "VOSRDY needs the PLL"
    );
    set(&mut m, F7_PWR, 1 << 16); // ODEN
    run_us(&mut m.bus, 60);
    assert_ne!(rd(&mut m, F7_PWR + 0x04) & (1 << 16), 0, "ODRDY");
    set(&mut m, F7_PWR, 1 << 17); // ODSWEN
    assert_eq!(rd(&mut m, F7_PWR + 0x04) & (1 << 17), 0);
    run_us(&mut m.bus, 100);
    assert_ne!(rd(&mut m, F7_PWR + 0x04) & (1 << 17), 0, "ODSWRDY");
    assert_ne!(rd(&mut m, F7_RCC) & (1 << 25), 0, "PLLRDY");
    assert_ne!(rd(&mut m, F7_PWR + 0x04) & (1 << 14), 0, "VOSRDY");
    wr(&mut m, F7_FLASH, 7 | (1 << 8));
    // APB1 /4, APB2 /2, SW = PLL.
    wr(&mut m, F7_RCC + 0x08, 2 | (5 << 10) | (4 << 13));
    assert_eq!((rd(&mut m, F7_RCC + 0x08) >> 2) & 3, 2);
    assert_eq!(m.bus.clock.hz(), 216_000_000);
    assert_eq!(domain(&m, "PCLK1"), 54_000_000);
    assert_eq!(domain(&m, "PCLK2"), 108_000_000);
    assert_eq!(domain(&m, "TIMCLK1"), 108_000_000);
    assert_eq!(domain(&m, "USART1"), 108_000_000);
    assert_eq!(domain(&m, "CLK48"), 48_000_000);
    let f = m
        .bus
        .map
        .regions
        .iter()
        .find(|r| r.base == 0x0800_0000)
        .unwrap();
    assert_eq!(f.wait_states, 7);
}

#[test]
fn f746_usart1_prints() {
    let mut m = chip_machine("disco-f746ng");
    // 115200 Bd at 16 MHz, OVER8 = 0: BRR = 139.
    wr(&mut m, F7_USART1 + 0x0C, 139);
    wr(&mut m, F7_USART1, 0b1001); // UE, TE
    for b in b"ok\n" {
        while rd(&mut m, F7_USART1 + 0x1C) & (1 << 7) == 0 {
            let t = m.bus.now + 1;
            run_to(&mut m.bus, t);
        }
        wr(&mut m, F7_USART1 + 0x28, u32::from(*b));
    }
    assert_eq!(m.bus.console.text(), "ok", "the last byte waits in TDR");
    run_us(&mut m.bus, 100);
    assert_eq!(m.bus.console.text(), "ok\n");
}
