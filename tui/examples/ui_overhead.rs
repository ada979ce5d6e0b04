//! Measures what the debugger's UI costs a running simulation: runs an ELF for the same
//! number of instructions twice, once with bare `Machine::run_for` and once through
//! `App::update(Event::Tick)` slices with a full-screen frame drawn (into a TestBackend,
//! 160x48) after every slice, as the terminal loop does. Prints instructions/s of both, the
//! overhead and the frame rate. `ui_overhead ELF [BOARD] [INSTRUCTIONS]`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sim_core::board::Board;
use sim_core::console::Console;
use sim_core::loader::Image;
use sim_core::machine::Machine;
use std::path::Path;
use std::time::Instant;
use tui::{panes, App, Event, TuiOptions};

fn build(elf: &Path, board: &str) -> Machine {
    let image = Image::from_file(elf).expect("ELF");
    let board = Board::load(board).expect("board");
    let isa = Box::new(isa_thumb::Thumb::new(board.core, board.fpu()));
    let mut m = Machine::new(board, image, isa, Console::new(false)).expect("fits");
    let opts = peripherals::PeripheralOptions {
        semihosting_root: None,
        cmdline: elf.display().to_string(),
    };
    peripherals::attach(&mut m, &opts).expect("the board's chip attaches");
    m.reset().expect("reset");
    m
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let elf = Path::new(
        args.first()
            .map_or("firmware/prebuilt/kws-mps2-an386.elf", |s| s),
    );
    let board = args.get(1).map_or("mps2-an386", |s| s);
    let n: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000_000);

    let mut m = build(elf, board);
    m.limits.max_instructions = Some(n);
    let t0 = Instant::now();
    while m.run_for(1 << 20).is_none() {}
    let bare = t0.elapsed().as_secs_f64();
    let done = m.stats.instructions;

    let mut m = build(elf, board);
    m.limits.max_instructions = Some(done);
    let mut app = App::new(m, TuiOptions::default()).expect("app");
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::NONE,
    )));
    let t0 = Instant::now();
    let mut frames = 0u64;
    while app.running() {
        app.update(Event::Tick);
        term.draw(|f| panes::draw(&app, f)).expect("draw");
        frames += 1;
    }
    let ui = t0.elapsed().as_secs_f64();
    assert_eq!(app.machine.stats.instructions, done);
    println!(
        "{done} instructions: bare {:.1} M/s, with UI {:.1} M/s, overhead {:.1}%, {:.1} frames/s",
        done as f64 / bare / 1e6,
        done as f64 / ui / 1e6,
        100.0 * (ui - bare) / bare,
        frames as f64 / ui
    );
}
