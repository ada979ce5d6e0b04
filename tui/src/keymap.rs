//! The key bindings, as data: the event handler looks keys up here and `?` prints this table.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Execute one instruction.
    Step,
    /// Execute one instruction, running through a BL/BLX call.
    Next,
    /// Run until the current function returns.
    Finish,
    /// Run until a breakpoint, a watchpoint or the end.
    Continue,
    /// Pause a run.
    Pause,
    /// Set or clear a breakpoint at the disassembly cursor.
    ToggleBreakpoint,
    /// Reset the machine.
    Reset,
    /// Prompt for an address or symbol to show.
    Goto,
    /// Open the `:` command line.
    Command,
    /// Show or hide the key help.
    Help,
    /// Show FPU registers instead of core registers, or back.
    ToggleFpu,
    /// Move the disassembly cursor up one instruction.
    CursorUp,
    /// Move the disassembly cursor down one instruction.
    CursorDown,
    /// Scroll the memory view back 16 bytes.
    MemoryUp,
    /// Scroll the memory view forward 16 bytes.
    MemoryDown,
    /// Leave the debugger.
    Quit,
}

/// One key binding.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The key.
    pub key: KeyCode,
    /// How the help shows the key.
    pub label: &'static str,
    /// What it does.
    pub action: Action,
    /// One line of help.
    pub help: &'static str,
}

/// All key bindings, in the order the help lists them.
pub const KEYMAP: &[Binding] = &[
    Binding {
        key: KeyCode::Char('s'),
        label: "s",
        action: Action::Step,
        help: "step one instruction",
    },
    Binding {
        key: KeyCode::Char('n'),
        label: "n",
        action: Action::Next,
        help: "next: step over BL/BLX calls",
    },
    Binding {
        key: KeyCode::Char('f'),
        label: "f",
        action: Action::Finish,
        help: "finish: run until this function returns",
    },
    Binding {
        key: KeyCode::Char('c'),
        label: "c",
        action: Action::Continue,
        help: "continue until a breakpoint or the end",
    },
    Binding {
        key: KeyCode::Esc,
        label: "Esc",
        action: Action::Pause,
        help: "pause a run (or cancel the prompt)",
    },
    Binding {
        key: KeyCode::Char('b'),
        label: "b",
        action: Action::ToggleBreakpoint,
        help: "toggle breakpoint at the cursor",
    },
    Binding {
        key: KeyCode::Char('r'),
        label: "r",
        action: Action::Reset,
        help: "reset the machine",
    },
    Binding {
        key: KeyCode::Char('g'),
        label: "g",
        action: Action::Goto,
        help: "go to an address or symbol",
    },
    Binding {
        key: KeyCode::Char(':'),
        label: ":",
        action: Action::Command,
        help: "command: break|delete|watch|x/N|set|goto",
    },
    Binding {
        key: KeyCode::Char('v'),
        label: "v",
        action: Action::ToggleFpu,
        help: "show FPU registers / core registers",
    },
    Binding {
        key: KeyCode::Up,
        label: "Up",
        action: Action::CursorUp,
        help: "disassembly cursor up",
    },
    Binding {
        key: KeyCode::Down,
        label: "Down",
        action: Action::CursorDown,
        help: "disassembly cursor down",
    },
    Binding {
        key: KeyCode::PageUp,
        label: "PgUp",
        action: Action::MemoryUp,
        help: "memory view back 16 bytes",
    },
    Binding {
        key: KeyCode::PageDown,
        label: "PgDn",
        action: Action::MemoryDown,
        help: "memory view forward 16 bytes",
    },
    Binding {
        key: KeyCode::Char('?'),
        label: "?",
        action: Action::Help,
        help: "show / hide this help",
    },
    Binding {
        key: KeyCode::Char('q'),
        label: "q",
        action: Action::Quit,
        help: "quit",
    },
];

/// The action bound to a key press, if any (Ctrl-C quits as well).
pub fn action_for(key: &KeyEvent) -> Option<Action> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        return Some(Action::Quit);
    }
    KEYMAP.iter().find(|b| b.key == key.code).map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_bound_once_and_the_issue_keys_exist() {
        for (i, a) in KEYMAP.iter().enumerate() {
            assert!(
                KEYMAP[i + 1..].iter().all(|b| b.key != a.key),
                "{} bound twice",
                a.label
            );
        }
        for (c, action) in [
            ('s', Action::Step),
            ('n', Action::Next),
            ('f', Action::Finish),
            ('c', Action::Continue),
            ('b', Action::ToggleBreakpoint),
            ('r', Action::Reset),
            ('g', Action::Goto),
            ('q', Action::Quit),
            ('?', Action::Help),
            (':', Action::Command),
        ] {
            let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
            assert_eq!(action_for(&k), Some(action), "key {c}");
        }
    }
}
