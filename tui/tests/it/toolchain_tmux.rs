//! The debugger in a real terminal: tmux runs the `debug` example (the same `tui::run_tui`
//! the binary's `thimble tui` calls) on a prebuilt firmware ELF with the real Thumb
//! executor; keys go in with send-keys and the screen comes back with capture-pane.
//! Needs tmux: fails when CI=true and it is missing, skips with a notice otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let bin = dir.join("debug");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let st = Command::new(cargo)
            .args(["build", "-p", "tui", "--example", "debug"])
            .status()
            .expect("cargo runs");
        assert!(st.success(), "building the debug example failed");
    }
    assert!(bin.exists(), "{} missing", bin.display());
    bin
}

struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let o = Command::new("tmux").args(args).output().expect("tmux runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.0])
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", self.0.as_str()];
        a.extend_from_slice(keys);
        self.run(&a);
    }

    /// Polls the screen (a real terminal redraws asynchronously) until `pred` holds.
    fn wait(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let t0 = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

#[test]
#[ignore = "toolchain: needs tmux; run by .ci/run"]
fn tui_steps_breaks_on_main_continues_and_quits_cleanly() {
    if !have("tmux") {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("tmux missing: the real-terminal test of the TUI needs it");
        }
        eprintln!("notice: tmux not found; skipping the real-terminal TUI test");
        return;
    }
    let elf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware/prebuilt/hello-cortex-m4.elf");
    assert!(elf.exists(), "{} missing", elf.display());
    let bin = example();
    let name = format!("thimble-tui-{}", std::process::id());
    let t = Tmux(name.clone());
    let cmd = format!(
        "{} {} mps2-an386; echo THIMBLE_EXIT=$?; sleep 120",
        bin.display(),
        elf.display()
    );
    let o = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "160",
            "-y",
            "48",
            &cmd,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Registers and disassembly at the reset handler.
    let s = t.wait("the first frame", |s| {
        s.contains("Registers") && s.contains("PAUSED")
    });
    assert!(s.contains("Disassembly — Reset_Handler"), "{s}");
    t.keys(&["s"]);
    t.wait("a step", |s| s.contains("stepped to"));
    t.keys(&[":break main", "Enter"]);
    t.wait("the breakpoint", |s| {
        s.contains("breakpoint at 0x") && s.contains("(main)")
    });
    t.keys(&["c"]);
    let s = t.wait("the stop at main", |s| {
        s.lines()
            .last_non_empty()
            .is_some_and(|l| l.contains("breakpoint at 0x") && l.trim_end().ends_with(" main"))
    });
    assert!(s.contains("Disassembly — main"), "{s}");
    assert!(s.contains("Call stack"), "{s}");
    t.keys(&["q"]);
    let s = t.wait("the exit", |s| s.contains("THIMBLE_EXIT="));
    assert!(s.contains("THIMBLE_EXIT=0"), "{s}");
    // The alternate screen is gone and nothing of the UI is left on the terminal.
    assert!(!s.contains("Registers") && !s.contains('┌'), "{s}");
    assert_eq!(
        t.run(&["display", "-p", "-t", &name, "#{alternate_on}"])
            .trim(),
        "0"
    );
}

trait LastNonEmpty<'a> {
    fn last_non_empty(self) -> Option<&'a str>;
}

impl<'a, I: DoubleEndedIterator<Item = &'a str>> LastNonEmpty<'a> for I {
    fn last_non_empty(mut self) -> Option<&'a str> {
        self.rfind(|l| !l.trim().is_empty())
    }
}
