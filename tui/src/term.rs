//! The terminal side: raw mode and the alternate screen (restored on every exit path, panics
//! included), and the loop that draws frames, reads keys and feeds [`App::update`].

use crate::app::{App, Event, TuiOptions};
use crate::panes;
use crate::TuiError;
use crossterm::event::{self, Event as CtEvent};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use sim_core::machine::Machine;
use std::io::{stdout, Stdout};
use std::time::Duration;

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Runs the debugger on `machine` in the terminal until the user quits (`q`). The terminal is
/// restored however it ends.
pub fn run_tui(machine: Machine, opts: TuiOptions) -> Result<(), TuiError> {
    let mut app = App::new(machine, opts)?;
    enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen) {
        restore();
        return Err(e.into());
    }
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    let result = Terminal::new(CrosstermBackend::new(stdout()))
        .map_err(TuiError::from)
        .and_then(|mut t| event_loop(&mut t, &mut app));
    restore();
    let _ = std::panic::take_hook();
    result
}

fn event_loop(t: &mut Terminal<CrosstermBackend<Stdout>>, app: &mut App) -> Result<(), TuiError> {
    loop {
        t.draw(|f| panes::draw(app, f))?;
        if app.quit {
            return Ok(());
        }
        // Paused: wait for a key. Running: take the keys already typed, then run a slice.
        let mut wait = if app.running() {
            Duration::ZERO
        } else {
            Duration::from_millis(250)
        };
        while event::poll(wait)? {
            if let CtEvent::Key(k) = event::read()? {
                app.update(Event::Key(k));
            }
            wait = Duration::ZERO;
        }
        if app.running() {
            app.update(Event::Tick);
        }
    }
}
