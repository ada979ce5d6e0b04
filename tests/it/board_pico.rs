//! The Raspberry Pi Pico board (RP2040): every prebuilt pico ELF boots as the chip does (boot
//! ROM -> boot2 with its CRC -> the image's vector table), brings the clocks up through the
//! CLOCKS/XOSC/PLL models and prints over UART0 exactly what it should; images the ROM would
//! refuse are refused. No toolchain needed.

use crate::common;
use common::*;
use serde_json::Value;

/// Runs `elf` on pico; returns (stdout + "exit=N", stderr, JSON report).
fn run(elf: &str, extra: &[&str]) -> (String, String, Value) {
    let json = temp_path(&format!("pico-{elf}.json"));
    let p = prebuilt(elf);
    let mut args = vec!["run", s(&p), "--board", "pico", "--json", s(&json)];
    args.extend_from_slice(extra);
    let o = thimble(&args);
    let mut out = String::from_utf8_lossy(&o.stdout).into_owned();
    out.push_str(&format!("exit={}\n", o.status.code().unwrap_or(-1)));
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let report = std::fs::read_to_string(&json)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(Value::Null);
    let _ = std::fs::remove_file(&json);
    (out, err, report)
}

/// The report says the firmware brought clk_sys to 125 MHz, and no register access was left
/// unmodelled.
fn assert_125_mhz_all_modelled(r: &Value, err: &str) {
    assert_eq!(r["clock_hz"], 125_000_000, "{err}");
    assert_eq!(r["clock_source"], "firmware");
    // clk_ref -> XOSC moves clk_sys (still on clk_ref) to 12 MHz, then clk_sys -> PLL_SYS.
    assert_eq!(r["clock_changes"], 2);
    assert_eq!(r["unmodelled"], Value::Array(vec![]), "{err}");
}

#[test]
fn hello_prints_over_uart0_the_clocks_it_configured() {
    let (out, err, r) = run("hello-pico", &[]);
    assert_eq!(
        out,
        "hello from pico\n\
         clk_sys 125000000 Hz: PLL_SYS = 12 MHz / 1 x 125 / 6 / 2\n\
         clk_peri 125000000 Hz, UART0 115207 baud (IBRD 67, FBRD 52)\n\
         exit=0\n",
        "{err}"
    );
    assert_125_mhz_all_modelled(&r, &err);
    // 125 characters at 115207 baud, 10 bits each: the UART takes 10.85 ms to send them and
    // the program waits on TXFF for all but the last 32 (the FIFO).
    let secs = r["seconds"].as_f64().unwrap();
    assert!((0.0105..0.013).contains(&secs), "{secs} s");
}

#[test]
fn timer_alarm_interrupts_come_every_millisecond() {
    let (out, err, r) = run("timer-pico", &[]);
    assert_eq!(
        out,
        "timer: 10 alarm 0 interrupts, 1000 us apart\n\
         first interval: 998 us by TIMERAWL, 124720 core cycles by SysTick\n\
         next 8 intervals: 1000..1000 us by TIMERAWL, 125000..125000 core cycles by SysTick\n\
         exit=0\n",
        "{err}"
    );
    assert_125_mhz_all_modelled(&r, &err);
    // main sleeps in WFI between the interrupts.
    assert!(r["sleep_cycles"].as_u64().unwrap() > 1_000_000);
}

#[test]
fn the_boot_rom_routines_answer_through_its_tables() {
    let (out, err, r) = run("rom-pico", &[]);
    assert_eq!(
        out,
        "rom: magic Mu01 version 3\n\
         popcount32(0xf0f0f00f) = 16\n\
         clz32(0x00010000) = 15\n\
         ctz32(0x00010000) = 16\n\
         reverse32(0x00000001) = 0x80000000\n\
         memset/memcpy/memcpy44: hash 0xaa78ed19, dst[3] 8, dst[40] 0xa5, dst[63] 165\n\
         float table found, double table found, size byte 32\n\
         fadd 0x40700000 fmul 0xc0900000 fdiv 0x3eaaaaab fsqrt 0x3fb504f3\n\
         float2int(-1.5) = -2, float2fix(0.5, 16) = 0x8000, float2uint(-3) = 0\n\
         fexp(1) 0x402df854 fln(2) 0x3f317218\n\
         dadd 0x3fd3333333333334 ddiv 0x3fd5555555555555\n\
         dsqrt 0x3ff6a09e667f3bcd float2double 0x3fb99999a0000000\n\
         exit=0\n",
        "{err}"
    );
    assert!(
        err.contains("boot ROM flash_flush_cache() does nothing in thimble"),
        "{err}"
    );
    // No start-up code: the core stays on the ROSC at the nominal 6.5 MHz the ROM leaves.
    assert_eq!(r["clock_hz"], 6_500_000);
    assert_eq!(r["clock_source"], "reset");
    // ROM routines are profiled under their names.
    let funcs = r["functions"].as_array().unwrap();
    assert!(
        funcs.iter().any(|f| f["name"] == "rom_table_lookup"),
        "{funcs:?}"
    );
}

/// The model apps print what the other boards print (the models' outputs are checked against
/// TFLite Micro by tests/it/toolchain_models.rs).
#[test]
fn the_five_models_run_at_125_mhz_and_print_their_scores() {
    let want = [
        (
            "kws-pico",
            "model: kws\ntop: 5 on\nscore 0: 0.082031\nscore 1: 0.000000\nscore 2: 0.000000\n\
             score 3: 0.000000\nscore 4: 0.007813\nscore 5: 0.707031\nscore 6: 0.000000\n\
             score 7: 0.000000\nscore 8: 0.203125\nscore 9: 0.000000\nscore 10: 0.000000\n\
             score 11: 0.000000\n",
        ),
        (
            "vww-pico",
            "model: vww\ntop: 1 person\nscore 0: 0.007813\nscore 1: 0.992188\n",
        ),
        (
            "ic-pico",
            "model: ic\ntop: 6 frog\nscore 0: -128\nscore 1: -127\nscore 2: -107\n\
             score 3: -110\nscore 4: -128\nscore 5: -128\nscore 6: 87\nscore 7: -128\n\
             score 8: -128\nscore 9: -128\n",
        ),
        (
            "ad-pico",
            "model: ad\nanomaly score (mse): 5620\nscore 0: 98.525284\nscore 1: 114.219574\n\
             score 2: 112.475761\nscore 3: 121.194817\nscore 4: 134.273392\n\
             score 5: 145.608154\nscore 6: 157.814835\nscore 7: 155.199112\n",
        ),
        (
            "micro_speech-pico",
            "model: micro_speech\ntop: 0 silence\nscore 0: -33\nscore 1: -62\nscore 2: -33\n\
             score 3: -128\n",
        ),
    ];
    for (elf, text) in want {
        let (out, err, r) = run(elf, &["--roi", "model_invoke"]);
        assert_eq!(out, format!("{text}exit=0\n"), "{elf}: {err}");
        assert_125_mhz_all_modelled(&r, &err);
        let roi = &r["roi"][0];
        assert_eq!(roi["calls"], 1, "{elf}");
        assert!(roi["latency_ms"].as_f64().unwrap() > 1.0, "{elf}: {roi}");
    }
}

/// The hardware paths the pico-sdk check (docs/boards.md) found the models got wrong, at
/// register level: boot2's literals in its last words (the ROM's stack must lie below boot2,
/// else boot2.S's push lands on the image's vector-table address and the image never starts),
/// TIMER.INTR acknowledged through its CLR alias (a W1C flag cleared by `hw_clear_bits`: each
/// alarm interrupts again), USB's PHY power-down every pico-sdk runtime does, GPIO 25, and
/// core 1's launch with its stack above `__HeapLimit` (pico-sdk's layout).
#[test]
fn sdk_hardware_paths_boot2_stack_clr_alias_usb_power_down_and_the_led() {
    let (out, err, r) = run("sdkpath-pico", &["--strict-mmio"]);
    assert_eq!(
        out,
        "USB SIE_CTRL 0x00000000 at reset, 0x00040000 with the PHY powered down\n\
         alarm 0 acknowledged through INTR's CLR alias: 3 of 3 alarms interrupted, INTR 0x0\n\
         LED GPIO 25: GPIO_OUT 0x02000000 on, 0x00000000 off (GPIO_IN bit 1, 0)\n\
         core 1 launch: 6 words echoed through the SIO FIFO\n\
         boot ROM initial SP 0x20041f00, boot2 copied to 0x20041f00\n\
         exit=0\n",
        "{err}"
    );
    assert_125_mhz_all_modelled(&r, &err);
    // The stack peak is the image's, from the top its vector table gives (0x2004_2000), not
    // from the ROM's (0x2004_1F00, which would make it 256 bytes less), and the ROM's and
    // boot2's stack does not count.
    assert_eq!(r["memory"]["stack_peak"], 440, "{err}");
    // Core 1's stack was written in SCRATCH_X, above __HeapLimit (0x2004_0000): not heap.
    assert_eq!(r["memory"]["heap_peak"], 528, "{err}");
    assert!(
        err.contains(
            "core 1 launched through the SIO FIFO (vector table 0x10000100, stack \
                      0x20040ff8"
        ),
        "{err}"
    );
}

#[test]
fn our_firmware_touches_no_unmodelled_register_even_when_strict() {
    for elf in ["hello-pico", "timer-pico"] {
        let (out, err, _) = run(elf, &["--strict-mmio", "--quiet"]);
        assert!(out.ends_with("exit=0\n"), "{elf}: {out}{err}");
    }
}

#[test]
fn clock_override_pins_the_core_and_reports_what_the_firmware_asked_for() {
    let (out, err, r) = run("hello-pico", &["--clock", "50000000", "--quiet"]);
    assert!(out.starts_with("hello from pico\n"), "{out}{err}");
    assert_eq!(r["clock_hz"], 50_000_000);
    assert_eq!(r["clock_source"], "override");
    assert_eq!(r["clock_requested_hz"], 125_000_000);
}

/// The file offset of the ELF section loaded at `addr` (ELF32 little-endian section headers).
fn section_offset(elf: &[u8], addr: u32) -> usize {
    let u16_at = |o: usize| u16::from_le_bytes([elf[o], elf[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes([elf[o], elf[o + 1], elf[o + 2], elf[o + 3]]);
    let (shoff, shentsize, shnum) = (u32_at(0x20) as usize, u16_at(0x2E), u16_at(0x30));
    (0..shnum)
        .map(|i| shoff + i * shentsize)
        .find(|&h| u32_at(h + 0x0C) == addr && u32_at(h + 0x14) == 256)
        .map(|h| u32_at(h + 0x10) as usize)
        .expect("a 256-byte section at the address")
}

#[test]
fn an_image_without_a_valid_boot2_is_refused_naming_file_and_crcs() {
    let mut elf = std::fs::read(prebuilt("hello-pico")).unwrap();
    let off = section_offset(&elf, 0x1000_0000);
    let stored = u32::from_le_bytes(elf[off + 252..off + 256].try_into().unwrap());
    elf[off + 7] ^= 0x40;
    let dir = temp_path("boot2");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("broken-boot2.elf");
    std::fs::write(&p, &elf).unwrap();
    let o = thimble(&["run", s(&p), "--board", "pico"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(65), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{err}");
    for needle in [
        "broken-boot2.elf",
        "no valid boot2",
        &format!("0x{stored:08x}"),
        "0x100000fc",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
}

#[test]
fn an_elf_linked_for_the_mps2_map_is_refused_on_the_pico() {
    // Its vector table and code are linked at 0x0, where the RP2040 has its boot ROM.
    let p = prebuilt("hello-cortex-m0plus");
    let o = thimble(&["run", s(&p), "--board", "pico"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(67), "{err}");
    assert!(
        err.contains("boot ROM") && err.contains("0x00000000"),
        "{err}"
    );
}
