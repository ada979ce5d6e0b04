//! Snapshot tests of every pane on a fixed machine state (ratatui TestBackend + insta), and
//! the keys and commands that lead there. No sleeps: runs are driven by `Event::Tick`.

use crate::common;

use common::{data_dir, demo_machine};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use tui::app::RunState;
use tui::{panes, App, Event, TuiOptions};

fn app() -> App {
    let opts = TuiOptions {
        source_dirs: vec![data_dir()],
        ..TuiOptions::default()
    };
    App::new(demo_machine(), opts).expect("app")
}

fn key(app: &mut App, c: char) {
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )));
}

fn code(app: &mut App, k: KeyCode) {
    app.update(Event::Key(KeyEvent::new(k, KeyModifiers::NONE)));
}

fn command(app: &mut App, line: &str) {
    key(app, ':');
    for c in line.chars() {
        key(app, c);
    }
    code(app, KeyCode::Enter);
}

fn run_until_paused(app: &mut App) {
    for _ in 0..10_000 {
        if !app.running() {
            return;
        }
        app.update(Event::Tick);
    }
    panic!("still running after 10000 slices");
}

/// The fixed state: stopped at a breakpoint on `mix`, called from `accumulate` from `main`.
fn at_mix() -> App {
    let mut a = app();
    command(&mut a, "break mix");
    key(&mut a, 'c');
    run_until_paused(&mut a);
    assert_eq!(a.state, RunState::Paused);
    let mix = a.machine.image.symbol("mix").unwrap().addr;
    assert_eq!(a.machine.cpu.pc(), mix, "{}", a.message);
    a
}

fn render(app: &App, w: u16, h: u16, draw: fn(&App, &mut ratatui::Frame, Rect)) -> TestBackend {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(app, f, f.area())).unwrap();
    t.backend().clone()
}

#[test]
fn disassembly_pane_at_breakpoint() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 60, 14, panes::draw_disassembly));
}

#[test]
fn source_pane_shows_the_dwarf_line() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 60, 9, panes::draw_source));
}

#[test]
fn registers_pane_and_fpu_toggle() {
    let mut a = at_mix();
    insta::assert_snapshot!("registers_core", render(&a, 34, 15, panes::draw_registers));
    key(&mut a, 'v');
    insta::assert_snapshot!("registers_fpu", render(&a, 34, 19, panes::draw_registers));
}

#[test]
fn changed_registers_are_highlighted() {
    let mut a = at_mix();
    key(&mut a, 's'); // ldr r3, [pc, #12]: only r3 and pc change
    let b = render(&a, 34, 15, panes::draw_registers);
    let buf = b.buffer();
    // Row 4 (r3): value at column 6 (border + "r3   "); row 8: pc in the right column.
    assert_eq!(buf[(6, 4)].fg, panes::CHANGED, "r3 changed");
    assert_ne!(buf[(6, 1)].fg, panes::CHANGED, "r0 did not change");
    assert_eq!(buf[(21, 8)].fg, panes::CHANGED, "pc changed");
    assert_ne!(buf[(21, 7)].fg, panes::CHANGED, "lr did not change");
}

#[test]
fn memory_pane_goes_to_a_symbol() {
    let mut a = at_mix();
    key(&mut a, 'g');
    for c in "table".chars() {
        key(&mut a, c);
    }
    code(&mut a, KeyCode::Enter);
    insta::assert_snapshot!(render(&a, 78, 6, panes::draw_memory));
}

#[test]
fn call_stack_pane_walks_bl_and_returns() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 40, 6, panes::draw_call_stack));
}

#[test]
fn console_pane_shows_guest_output() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 40, 4, panes::draw_console));
}

#[test]
fn stats_pane() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 34, 10, panes::draw_stats));
}

#[test]
fn memory_gauges_pane() {
    let a = at_mix();
    insta::assert_snapshot!(render(&a, 40, 8, panes::draw_gauges));
}

#[test]
fn profile_pane_after_the_program_ends() {
    let mut a = at_mix();
    command(&mut a, "delete mix");
    key(&mut a, 'c');
    run_until_paused(&mut a);
    assert!(a.message.contains("exited with status 0"), "{}", a.message);
    insta::assert_snapshot!(render(&a, 64, 8, panes::draw_profile));
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut a = at_mix();
    key(&mut a, '?');
    assert!(a.show_help);
    insta::assert_snapshot!(render(&a, 64, 22, panes::draw_help));
    key(&mut a, '?');
    assert!(!a.show_help);
}

#[test]
fn whole_screen() {
    let a = at_mix();
    let mut t = Terminal::new(TestBackend::new(160, 48)).unwrap();
    t.draw(|f| panes::draw(&a, f)).unwrap();
    insta::assert_snapshot!(t.backend());
}

#[test]
fn next_steps_over_a_call_and_finish_returns() {
    let mut a = app();
    command(&mut a, "break main");
    key(&mut a, 'c');
    run_until_paused(&mut a);
    let main = a.machine.image.symbol("main").unwrap().addr;
    assert_eq!(a.machine.cpu.pc(), main);
    // Step to the BL accumulate (main+0xa), then `n` runs through the call.
    while a.machine.cpu.pc() != main + 0xa {
        key(&mut a, 's');
    }
    key(&mut a, 'n');
    run_until_paused(&mut a);
    assert_eq!(a.machine.cpu.pc(), main + 0xe, "{}", a.message);
    assert!(a.machine.stats.call_stack.is_empty() || a.machine.stats.call_stack.len() == 1);
    // Into mix, then finish back to accumulate.
    command(&mut a, "break mix");
    key(&mut a, 'r');
    key(&mut a, 'c');
    run_until_paused(&mut a);
    assert_eq!(
        a.machine.cpu.pc(),
        main,
        "reset, then main's breakpoint again"
    );
    key(&mut a, 'c');
    run_until_paused(&mut a);
    let mix = a.machine.image.symbol("mix").unwrap().addr;
    assert_eq!(a.machine.cpu.pc(), mix);
    key(&mut a, 'f');
    run_until_paused(&mut a);
    let acc = a.machine.image.symbol("accumulate").unwrap().addr;
    assert_eq!(a.machine.cpu.pc(), acc + 0x16, "{}", a.message);
}

#[test]
fn commands_set_watch_examine_and_report_errors() {
    let mut a = app();
    command(&mut a, "set r7 0x1234");
    assert_eq!(a.machine.cpu.r[7], 0x1234);
    command(&mut a, "x/2 counter");
    assert!(a.message.starts_with("0x20000000: "), "{}", a.message);
    // Reset_Handler's first instruction, push {r3, lr}, stores LR (0xffffffff) just below
    // the initial SP.
    command(&mut a, "watch 0x2000fffc");
    key(&mut a, 'c');
    run_until_paused(&mut a);
    assert!(a.message.contains("watch 0x2000fffc"), "{}", a.message);
    assert!(
        a.message
            .contains("0x00000000 -> 0xffffffff written at Reset_Handler"),
        "{}",
        a.message
    );
    command(&mut a, "break no_such_symbol");
    assert_eq!(a.message, "no symbol, register or address 'no_such_symbol'");
    command(&mut a, "frobnicate");
    assert!(a.message.starts_with("unknown command 'frobnicate'"));
    command(&mut a, "x/0 0");
    assert!(a.message.contains("must be 1..=256"));
}

#[test]
fn examine_takes_register_expressions() {
    let mut a = app();
    let sp = a.machine.cpu.r[13];
    command(&mut a, "x/8 $sp");
    assert!(
        a.message.starts_with(&format!("0x{sp:08x}: ")),
        "x/8 $sp shows memory at SP 0x{sp:08x}: {}",
        a.message
    );
    command(&mut a, "x/2 $sp+8");
    assert!(
        a.message.starts_with(&format!("0x{:08x}: ", sp + 8)),
        "{}",
        a.message
    );
    command(&mut a, "set r7 0x20000010");
    command(&mut a, "x/1 r7-0x10");
    assert!(a.message.starts_with("0x20000000: "), "{}", a.message);
    command(&mut a, "x/1 $nope");
    assert_eq!(a.message, "unknown register '$nope'");
}

#[test]
fn long_names_are_shortened_at_word_boundaries() {
    use tui::panes::fit_name;
    assert_eq!(fit_name("model_invoke", 21), "model_invoke");
    assert_eq!(
        fit_name(
            "tiny::infer(tiny::Layer const&, short const*, unsigned long)",
            21
        ),
        "tiny::infer(…)"
    );
    assert_eq!(
        fit_name("arm_convolve_s8_fast_path_kernel", 21),
        "arm_convolve_s8_fast…"
    );
    assert_eq!(
        fit_name("tiny::detail::Quantizer::apply(int)", 21),
        "tiny::detail…"
    );
    for n in [
        "arm_depthwise_conv_s8_opt",
        "QuantizeMultiplierSmallerThanOne",
    ] {
        let f = fit_name(n, 16);
        assert!(f.chars().count() <= 16, "{f}");
        let kept = f.trim_end_matches('…');
        assert!(
            n.starts_with(kept)
                && matches!(
                    n[kept.len()..].chars().next(),
                    Some('_' | 'M' | 'S' | 'T' | 'O')
                ),
            "{n} cut inside a word: {f}"
        );
    }
}

#[test]
fn keys_are_ignored_while_running_except_pause() {
    let mut a = app();
    key(&mut a, 'c');
    assert!(a.running());
    key(&mut a, 's');
    assert!(a.running());
    code(&mut a, KeyCode::Esc);
    assert!(!a.running());
    assert!(a.message.starts_with("paused at"), "{}", a.message);
    key(&mut a, 'q');
    assert!(a.quit);
}

#[test]
fn stats_pane_shows_energy_and_power_on_a_board_with_power_facts() {
    let mut a = App::new(common::demo_machine_on("nano33ble"), TuiOptions::default()).unwrap();
    key(&mut a, 'c');
    run_until_paused(&mut a);
    let b = render(&a, 34, 10, panes::draw_stats);
    let text = format!("{b}");
    let energy = text.lines().find(|l| l.contains("energy")).unwrap();
    let power = text.lines().find(|l| l.contains("avg power")).unwrap();
    assert!(energy.contains(" µJ"), "{text}");
    // nRF52840 at 64 MHz, 52 µA/MHz, 3.0 V: 9.984 mW for the calibration mix; the energy
    // model weighs this program's own mix, so allow ±25 % (tests/it/energy.rs).
    let mw: f64 = power
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("no number in {power:?}"));
    assert!((7.49..=12.48).contains(&mw), "{text}");
}

#[test]
fn pins_pane_shows_the_chips_gpio() {
    // nano33ble with its nRF52840 models: P1.03 (UART TX) driven high, P0.13 (LED) low,
    // P0.11 a pulled-up input.
    let mut m = common::demo_machine_on("nano33ble");
    peripherals::attach(&mut m, &peripherals::PeripheralOptions::default()).unwrap();
    let b = &mut m.bus;
    b.write32(0x5000_0808, 1 << 3).unwrap(); // P1.OUTSET
    b.write32(0x5000_0818, 1 << 3).unwrap(); // P1.DIRSET
    b.write32(0x5000_0518, 1 << 13).unwrap(); // P0.DIRSET
    b.write32(0x5000_0700 + 4 * 11, 0xC).unwrap(); // P0.PIN_CNF[11]: pull-up
    let a = App::new(m, TuiOptions::default()).expect("app");
    insta::assert_snapshot!(render(&a, 44, 4, panes::draw_pins));
}
