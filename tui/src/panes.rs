//! The panes: one pure `draw_*(&App, &mut Frame, Rect)` function each, a shared block helper
//! and named colours; [`draw`] lays them all out.

use crate::app::{App, PromptKind, RunState};
use crate::keymap::KEYMAP;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph};
use ratatui::Frame;
use sim_core::cpu::Mode;
use sim_core::exception::exception_name;
use sim_core::loader::Image;
use sim_core::units::bytes;

/// Pane borders and titles.
pub const BORDER: Color = Color::DarkGray;
/// The line at PC.
pub const PC_LINE: Color = Color::Green;
/// The disassembly cursor.
pub const CURSOR: Color = Color::Cyan;
/// Breakpoint marks.
pub const BREAKPOINT: Color = Color::Red;
/// Registers changed by the last step or run.
pub const CHANGED: Color = Color::Yellow;
/// Symbols and labels.
pub const SYMBOL: Color = Color::Magenta;
/// Secondary text (addresses, encodings).
pub const DIM: Color = Color::Gray;
/// Gauges.
pub const GAUGE: Color = Color::Blue;
/// Gauges near their limit.
pub const GAUGE_HOT: Color = Color::Red;
/// Output pins driven high.
pub const PIN_HIGH: Color = Color::Green;

fn block(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(Style::default().fg(BORDER))
        .title(Span::styled(
            format!(" {title} "),
            Style::default().add_modifier(Modifier::BOLD),
        ))
}

/// Draws the whole screen.
pub fn draw(app: &App, f: &mut Frame) {
    let [main, status] =
        Layout::vertical([Constraint::Min(10), Constraint::Length(1)]).areas(f.area());
    let [top, mid, bottom] = Layout::vertical([
        Constraint::Percentage(50),
        Constraint::Percentage(25),
        Constraint::Percentage(25),
    ])
    .areas(main);
    let [dis, src, regs] = Layout::horizontal([
        Constraint::Percentage(45),
        Constraint::Min(20),
        Constraint::Length(34),
    ])
    .areas(top);
    let [mem, stack, console] = Layout::horizontal([
        Constraint::Length(78),
        Constraint::Percentage(40),
        Constraint::Min(20),
    ])
    .areas(mid);
    let [stats, gauges, profile] = Layout::horizontal([
        Constraint::Length(34),
        Constraint::Length(40),
        Constraint::Min(30),
    ])
    .areas(bottom);
    draw_disassembly(app, f, dis);
    draw_source(app, f, src);
    draw_registers(app, f, regs);
    draw_memory(app, f, mem);
    draw_call_stack(app, f, stack);
    let pins = app.machine.bus.pins();
    if pins.is_empty() {
        draw_console(app, f, console);
    } else {
        let [console, pin_area] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(pins.len() as u16 + 2),
        ])
        .areas(console);
        draw_console(app, f, console);
        draw_pins(app, f, pin_area);
    }
    draw_stats(app, f, stats);
    draw_gauges(app, f, gauges);
    draw_profile(app, f, profile);
    draw_status(app, f, status);
    if app.show_help {
        draw_help(app, f, f.area());
    }
}

/// Disassembly around the cursor: breakpoints, PC, symbols at function starts.
pub fn draw_disassembly(app: &App, f: &mut Frame, area: Rect) {
    let m = &app.machine;
    let rows = area.height.saturating_sub(2) as usize;
    let before = rows / 3;
    let insns = app.disasm.window(
        &m.bus,
        &m.image,
        app.cursor,
        before,
        rows.saturating_sub(before + 1),
    );
    let pc = m.cpu.pc();
    let mut lines = Vec::new();
    for i in insns {
        if lines.len() >= rows {
            break;
        }
        if let Some(s) = m.image.function_at(i.addr).filter(|s| s.addr == i.addr) {
            if !lines.is_empty() && lines.len() + 1 < rows {
                lines.push(Line::from(Span::styled(
                    format!("{}:", s.name),
                    Style::default().fg(SYMBOL),
                )));
            }
        }
        let bp = app.debugger.has_breakpoint(i.addr) && app.user_breakpoints.contains(&i.addr);
        let mark = match (bp, i.addr == pc) {
            (true, true) => "●▶",
            (true, false) => "● ",
            (false, true) => " ▶",
            _ => "  ",
        };
        let mut style = Style::default();
        if i.addr == pc {
            style = style.fg(PC_LINE).add_modifier(Modifier::BOLD);
        }
        if i.addr == app.cursor && app.cursor != pc {
            style = style.fg(CURSOR).add_modifier(Modifier::REVERSED);
        }
        lines.push(Line::from(vec![
            Span::styled(mark, Style::default().fg(BREAKPOINT)),
            Span::styled(format!("{:08x} ", i.addr), Style::default().fg(DIM)),
            Span::styled(format!("{:<10}", i.hex), Style::default().fg(DIM)),
            Span::styled(i.text, style),
        ]));
    }
    let title = format!("Disassembly — {}", m.image.describe_addr(app.cursor));
    f.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

/// The source file around the cursor's line, when DWARF names one that is found on disk.
pub fn draw_source(app: &App, f: &mut Frame, area: Rect) {
    let rows = area.height.saturating_sub(2) as usize;
    let (title, lines) = match &app.source {
        None => (
            "Source".to_string(),
            vec![Line::from(if app.lines.is_some() {
                "no line information here"
            } else {
                "no DWARF line information (build with -g)"
            })],
        ),
        Some(sv) => {
            let title = format!("Source — {}:{}", sv.loc.file, sv.loc.line);
            match &sv.lines {
                None => (
                    title,
                    vec![Line::from(format!("{} not found", sv.loc.file))],
                ),
                Some(text) => {
                    let cur = sv.loc.line as usize;
                    let first = cur.saturating_sub(rows / 2).max(1);
                    let lines = (first..first + rows)
                        .filter_map(|n| {
                            let t = text.get(n - 1)?;
                            let style = if n == cur {
                                Style::default().fg(PC_LINE).add_modifier(Modifier::BOLD)
                            } else {
                                Style::default()
                            };
                            Some(Line::from(vec![
                                Span::styled(format!("{n:4} "), Style::default().fg(DIM)),
                                Span::styled(t.clone(), style),
                            ]))
                        })
                        .collect();
                    (title, lines)
                }
            }
        }
    };
    f.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

fn reg_span(name: &str, v: u32, old: u32) -> Vec<Span<'static>> {
    let style = if v != old {
        Style::default().fg(CHANGED).add_modifier(Modifier::BOLD)
    } else {
        Style::default()
    };
    vec![
        Span::styled(format!("{name:<4} "), Style::default().fg(DIM)),
        Span::styled(format!("{v:08x}"), style),
    ]
}

fn flag(letter: char, set: bool) -> Span<'static> {
    if set {
        Span::styled(
            letter.to_string(),
            Style::default().fg(CHANGED).add_modifier(Modifier::BOLD),
        )
    } else {
        Span::styled(
            letter.to_ascii_lowercase().to_string(),
            Style::default().fg(DIM),
        )
    }
}

/// Core registers (or the FPU's with `v`), changed ones highlighted, xPSR decoded.
pub fn draw_registers(app: &App, f: &mut Frame, area: Rect) {
    let c = &app.machine.cpu;
    let p = &app.prev;
    let mut lines: Vec<Line> = Vec::new();
    if app.show_fpu {
        for i in 0..16 {
            let mut l = reg_span(&format!("s{i}"), c.s[i], p.s[i]);
            l.push(Span::raw("  "));
            l.extend(reg_span(&format!("s{}", i + 16), c.s[i + 16], p.s[i + 16]));
            lines.push(Line::from(l));
        }
        lines.push(Line::from(reg_span("fpscr", c.fpscr, p.fpscr)));
        f.render_widget(
            Paragraph::new(lines).block(block("Registers — FPU (v)")),
            area,
        );
        return;
    }
    let names = ["sp", "lr", "pc"];
    for i in 0..8 {
        let mut l = reg_span(&format!("r{i}"), c.r[i], p.r[i]);
        l.push(Span::raw("  "));
        let j = i + 8;
        let name = if j >= 13 {
            names[j - 13].to_string()
        } else {
            format!("r{j}")
        };
        l.extend(reg_span(&name, c.r[j], p.r[j]));
        lines.push(Line::from(l));
    }
    let mut x = reg_span("xPSR", c.xpsr(), p.xpsr());
    x.push(Span::raw("  "));
    for (ch, set) in [('N', c.n), ('Z', c.z), ('C', c.c), ('V', c.v), ('Q', c.q)] {
        x.push(flag(ch, set));
    }
    x.push(Span::raw(" "));
    x.push(flag('T', c.thumb));
    lines.push(Line::from(x));
    let mode = match c.mode {
        Mode::Thread => "Thread".to_string(),
        Mode::Handler => exception_name(c.ipsr),
    };
    lines.push(Line::from(vec![Span::styled(
        format!("GE {:04b} IT {:02x} {mode} ({})", c.ge, c.itstate, c.ipsr),
        Style::default().fg(DIM),
    )]));
    let mut sp = reg_span("msp", c.msp(), p.msp());
    sp.push(Span::raw("  "));
    sp.extend(reg_span("psp", c.psp(), p.psp()));
    lines.push(Line::from(sp));
    lines.push(Line::from(vec![
        Span::styled("PRIMASK ", Style::default().fg(DIM)),
        Span::raw(format!("{} ", u8::from(c.primask))),
        Span::styled("BASEPRI ", Style::default().fg(DIM)),
        Span::raw(format!("{:02x}", c.basepri)),
    ]));
    lines.push(Line::from(vec![
        Span::styled("FAULTMASK ", Style::default().fg(DIM)),
        Span::raw(format!("{} ", u8::from(c.faultmask))),
        Span::styled("CONTROL ", Style::default().fg(DIM)),
        Span::raw(format!("{}", c.control)),
    ]));
    f.render_widget(Paragraph::new(lines).block(block("Registers")), area);
}

/// Hex and ASCII of memory from the view address (`g`, `x/N`, PgUp/PgDn).
pub fn draw_memory(app: &App, f: &mut Frame, area: Rect) {
    let bus = &app.machine.bus;
    let rows = area.height.saturating_sub(2) as u32;
    let mut lines = Vec::new();
    for r in 0..rows {
        let base = app.mem_addr.wrapping_add(16 * r);
        let mut hex = String::new();
        let mut ascii = String::new();
        for i in 0..16 {
            match bus.peek(base.wrapping_add(i), 1) {
                Some(b) => {
                    hex.push_str(&format!("{b:02x} "));
                    let c = b as u8;
                    ascii.push(if c.is_ascii_graphic() || c == b' ' {
                        c as char
                    } else {
                        '.'
                    });
                }
                None => {
                    hex.push_str("?? ");
                    ascii.push(' ');
                }
            }
            if i == 7 {
                hex.push(' ');
            }
        }
        lines.push(Line::from(vec![
            Span::styled(format!("{base:08x}  "), Style::default().fg(DIM)),
            Span::raw(hex),
            Span::styled(format!("|{ascii}|"), Style::default().fg(DIM)),
        ]));
    }
    let title = format!(
        "Memory — {}",
        describe_data(&app.machine.image, app.mem_addr)
    );
    f.render_widget(Paragraph::new(lines).block(block(&title)), area);
}

/// A function name shortened to `width` characters without cutting a word: a C++ name loses
/// its parameters first (`tiny::infer(…)`), then whole words or `::` parts from the end, and an
/// ellipsis says so.
pub fn fit_name(name: &str, width: usize) -> String {
    if name.chars().count() <= width {
        return name.to_string();
    }
    let bare = sim_core::names::without_parameters(name);
    if bare.len() < name.len() {
        let short = format!("{bare}(…)");
        if short.chars().count() <= width {
            return short;
        }
    }
    // Cut before the last word boundary that leaves room for the ellipsis.
    let room = width.saturating_sub(1);
    let chars: Vec<char> = bare.chars().collect();
    let mut cut = 0;
    for i in 1..chars.len().min(room + 1) {
        let boundary = matches!(chars[i], '_' | ':' | ' ' | '.' | '(' | '<' | ',')
            || (chars[i].is_ascii_uppercase() && chars[i - 1].is_ascii_lowercase());
        if boundary {
            cut = i;
        }
    }
    if cut == 0 {
        // One word longer than the room: only then is it cut inside.
        cut = room.min(chars.len());
    }
    let head: String = chars[..cut].iter().collect();
    format!("{}…", head.trim_end_matches([':', '_', ' ', '.', ',']))
}

/// The call stack from the shadow stack kept by the statistics (BL/BLX and returns).
pub fn draw_call_stack(app: &App, f: &mut Frame, area: Rect) {
    let m = &app.machine;
    let img = &m.image;
    // "#12 0800abcd " before the name, and the block's borders.
    let name_width = (area.width as usize).saturating_sub(16).max(8);
    let pc = m.cpu.pc();
    let mut lines = Vec::new();
    if m.cpu.ipsr != 0 {
        lines.push(Line::from(Span::styled(
            format!("in {} handler", exception_name(m.cpu.ipsr)),
            Style::default().fg(CHANGED),
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("#0 ", Style::default().fg(DIM)),
        Span::styled(format!("{pc:08x} "), Style::default().fg(DIM)),
        Span::styled(
            fit_name(&img.describe_addr(pc), name_width),
            Style::default().fg(SYMBOL),
        ),
    ]));
    for (n, fr) in m.stats.call_stack.iter().rev().enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("#{} ", n + 1), Style::default().fg(DIM)),
            Span::styled(format!("{:08x} ", fr.ret), Style::default().fg(DIM)),
            Span::styled(
                fit_name(&img.describe_addr(fr.ret), name_width),
                Style::default().fg(SYMBOL),
            ),
        ]));
    }
    f.render_widget(Paragraph::new(lines).block(block("Call stack")), area);
}

/// Guest output (semihosting, UART), last lines.
pub fn draw_console(app: &App, f: &mut Frame, area: Rect) {
    let rows = area.height.saturating_sub(2) as usize;
    let text = String::from_utf8_lossy(&app.machine.bus.console.captured);
    let all: Vec<&str> = text.lines().collect();
    let lines: Vec<Line> = all[all.len().saturating_sub(rows)..]
        .iter()
        .map(|l| Line::from(l.to_string()))
        .collect();
    f.render_widget(Paragraph::new(lines).block(block("Console")), area);
}

/// A pin as one character: an output's level (`1`/`0`), an input that reads high (`h`) or
/// low (`.`).
pub fn pin_char(port: &sim_core::device::PortPins, n: u8) -> char {
    let out = port.output >> n & 1 != 0;
    let high = port.level >> n & 1 != 0;
    match (out, high) {
        (true, true) => '1',
        (true, false) => '0',
        (false, true) => 'h',
        (false, false) => '.',
    }
}

/// GPIO pins of the chip's ports (shown when a GPIO model exposes them): one line per port,
/// pin 0 first, in groups of eight.
pub fn draw_pins(app: &App, f: &mut Frame, area: Rect) {
    let lines: Vec<Line> = app
        .machine
        .bus
        .pins()
        .iter()
        .map(|p| {
            let mut spans = vec![Span::styled(
                format!("{} ", p.name),
                Style::default().fg(DIM),
            )];
            for n in 0..p.count.min(32) {
                if n > 0 && n % 8 == 0 {
                    spans.push(Span::raw(" "));
                }
                let c = pin_char(p, n);
                let style = match c {
                    '1' => Style::default().fg(PIN_HIGH).add_modifier(Modifier::BOLD),
                    '0' => Style::default(),
                    _ => Style::default().fg(DIM),
                };
                spans.push(Span::styled(c.to_string(), style));
            }
            Line::from(spans)
        })
        .collect();
    f.render_widget(
        Paragraph::new(lines).block(block("Pins (1/0 out, h/. in)")),
        area,
    );
}

fn row(name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{name:<13}"), Style::default().fg(DIM)),
        Span::raw(value),
    ])
}

/// Counters: instructions, cycles, CPI, time at the board clock, energy and power (from the
/// run report's power model; "—" for boards without power facts).
pub fn draw_stats(app: &App, f: &mut Frame, area: Rect) {
    let m = &app.machine;
    let instr = m.stats.instructions;
    let cycles = m.bus.now;
    let active = cycles.saturating_sub(m.stats.sleep_cycles);
    let cpi = if instr == 0 {
        "—".to_string()
    } else {
        format!("{:.3}", active as f64 / instr as f64)
    };
    let secs = m.elapsed_seconds();
    let r = report(app);
    let uj = r
        .energy_uj
        .map_or_else(|| "—".into(), |e| format!("{e:.3} µJ"));
    let mw = match r.avg_power_mw {
        Some(p) if secs > 0.0 => format!("{p:.3} mW"),
        _ => "—".into(),
    };
    let lines = vec![
        row("instructions", instr.to_string()),
        row("cycles", cycles.to_string()),
        row("CPI", cpi),
        row(
            "time",
            format!("{} @ {} MHz", fmt_secs(secs), m.clock_hz() as f64 / 1e6),
        ),
        row("energy", uj),
        row("avg power", mw),
        row("exceptions", m.stats.exceptions.to_string()),
        row("sleep cycles", m.stats.sleep_cycles.to_string()),
    ];
    f.render_widget(
        Paragraph::new(lines).block(block(&format!("Stats — {}", m.board.name))),
        area,
    );
}

/// The run report of the machine so far (its numbers feed the stats and memory panes, so
/// they agree with `thimble run`).
fn report(app: &App) -> sim_core::report::Report {
    let m = &app.machine;
    let reason = m
        .stopped()
        .cloned()
        .unwrap_or(sim_core::machine::StopReason::InstructionLimit(
            m.stats.instructions,
        ));
    sim_core::report::Report::new(m, &reason)
}

/// Seconds with a unit that keeps 3 significant digits.
pub fn fmt_secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.3} µs", s * 1e6)
    }
}

fn gauge<'a>(label: &'a str, used: u64, limit: u64) -> Gauge<'a> {
    let ratio = if limit == 0 {
        0.0
    } else {
        (used as f64 / limit as f64).min(1.0)
    };
    let color = if ratio > 0.9 { GAUGE_HOT } else { GAUGE };
    Gauge::default()
        .gauge_style(Style::default().fg(color))
        .ratio(ratio)
        .label(format!("{label} {} / {}", bytes(used), bytes(limit)))
}

/// Flash, static SRAM, stack and heap high-water marks against the board's limits (the
/// same numbers as the run report), and a stack/static-data collision when one happened.
pub fn draw_gauges(app: &App, f: &mut Frame, area: Rect) {
    let mem = report(app).memory;
    let fp = &app.footprint;
    let b = block("Memory use");
    let inner = b.inner(area);
    f.render_widget(b, area);
    let [g1, g2, g3, g4, g5, note] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(gauge("flash", mem.flash_used, mem.flash_size), g1);
    f.render_widget(gauge("static SRAM", mem.sram_static, mem.sram_size), g2);
    f.render_widget(gauge("stack", mem.stack_peak, fp.stack_room()), g3);
    f.render_widget(gauge("heap", mem.heap_peak, fp.stack_room()), g4);
    f.render_widget(gauge("SRAM peak", mem.sram_peak, mem.sram_size), g5);
    if let Some(c) = mem.collision {
        f.render_widget(
            Paragraph::new(Line::from(Span::styled(c, Style::default().fg(GAUGE_HOT))))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            note,
        );
    }
}

/// Top functions by cycles (callees excluded).
pub fn draw_profile(app: &App, f: &mut Frame, area: Rect) {
    let rows = area.height.saturating_sub(3) as usize;
    let total = app.machine.bus.now.max(1);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:<22}{:>7}{:>12}{:>7}{:>12}",
            "function", "calls", "self cyc", "%", "incl cyc"
        ),
        Style::default().fg(DIM),
    ))];
    for r in app.profile().into_iter().take(rows) {
        let name = fit_name(&r.name, 21);
        lines.push(Line::from(format!(
            "{name:<22}{:>7}{:>12}{:>6.1}%{:>12}",
            r.calls,
            r.exclusive,
            100.0 * r.exclusive as f64 / total as f64,
            r.inclusive
        )));
    }
    f.render_widget(Paragraph::new(lines).block(block("Profile")), area);
}

/// Run state and message, or the prompt being typed.
pub fn draw_status(app: &App, f: &mut Frame, area: Rect) {
    let line = match &app.prompt {
        Some(p) => {
            let lead = match p.kind {
                PromptKind::Command => ":",
                PromptKind::Goto => "go to (address or symbol): ",
            };
            Line::from(vec![
                Span::raw(lead),
                Span::raw(p.text.clone()),
                Span::raw("█"),
            ])
        }
        None => {
            let state = match app.state {
                RunState::Paused => {
                    Span::styled(" PAUSED ", Style::default().fg(Color::Black).bg(CHANGED))
                }
                RunState::Running(_) => Span::styled(
                    format!(" RUNNING {:.1} MIPS ", app.speed / 1e6),
                    Style::default().fg(Color::Black).bg(PC_LINE),
                ),
            };
            Line::from(vec![state, Span::raw(" "), Span::raw(app.message.clone())])
        }
    };
    f.render_widget(Paragraph::new(line), area);
}

/// The key help, from the keymap.
pub fn draw_help(_app: &App, f: &mut Frame, area: Rect) {
    let h = (KEYMAP.len() as u16 + 4).min(area.height);
    let w = 60.min(area.width);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    let mut lines: Vec<Line> = KEYMAP
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>6}  ", b.label), Style::default().fg(CHANGED)),
                Span::raw(b.help),
            ])
        })
        .collect();
    lines.push(Line::from(Span::styled(
        " :break :delete SYM|ADDR  :watch ADDR  :x/N ADDR  :set R V",
        Style::default().fg(DIM),
    )));
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block("Keys")), r);
}

/// "symbol+0x10" for a data address (any symbol whose extent holds it), else the address.
pub fn describe_data(img: &Image, addr: u32) -> String {
    let idx = img.symbols.partition_point(|s| s.addr <= addr);
    match img.symbols[..idx]
        .iter()
        .rev()
        .find(|s| addr < s.addr.wrapping_add(s.size.max(1)))
    {
        Some(s) if s.addr == addr => format!("0x{addr:08x} {}", s.name),
        Some(s) => format!("0x{addr:08x} {}+0x{:x}", s.name, addr - s.addr),
        None => format!("0x{addr:08x}"),
    }
}
