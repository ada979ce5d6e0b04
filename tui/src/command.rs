//! The `:` command line: parsing of `break`, `delete`, `watch`, `x/N`, `set` and `goto`, and of
//! the address expressions they take (hex, decimal, a symbol, a register: `$sp+8`, `main+0x10`).

use sim_core::loader::Image;

/// A register the `set` command can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reg {
    /// R0–R15 (13 = active SP, 14 = LR, 15 = PC).
    R(u8),
    /// xPSR.
    Xpsr,
    /// Main stack pointer.
    Msp,
    /// Process stack pointer.
    Psp,
    /// PRIMASK.
    Primask,
    /// BASEPRI.
    Basepri,
    /// FAULTMASK.
    Faultmask,
    /// CONTROL.
    Control,
    /// S0–S31.
    S(u8),
    /// FPSCR.
    Fpscr,
}

impl Reg {
    /// Parses a register name ("r3", "sp", "lr", "pc", "xpsr", "msp", "s7", "fpscr", ...).
    pub fn parse(name: &str) -> Option<Reg> {
        let n = name.to_ascii_lowercase();
        let reg = match n.as_str() {
            "sp" => Reg::R(13),
            "lr" => Reg::R(14),
            "pc" => Reg::R(15),
            "xpsr" | "psr" | "cpsr" => Reg::Xpsr,
            "msp" => Reg::Msp,
            "psp" => Reg::Psp,
            "primask" => Reg::Primask,
            "basepri" => Reg::Basepri,
            "faultmask" => Reg::Faultmask,
            "control" => Reg::Control,
            "fpscr" => Reg::Fpscr,
            _ => {
                let (prefix, num) = n.split_at(1);
                let i: u8 = num.parse().ok()?;
                match prefix {
                    "r" if i < 16 => Reg::R(i),
                    "s" if i < 32 => Reg::S(i),
                    _ => return None,
                }
            }
        };
        Some(reg)
    }
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `break SYMBOL|ADDR`: set a breakpoint.
    Break(u32),
    /// `delete SYMBOL|ADDR`: clear a breakpoint or watchpoint.
    Delete(u32),
    /// `watch ADDR`: stop when the word at ADDR changes.
    Watch(u32),
    /// `x/N ADDR`: show N words at ADDR.
    Examine {
        /// Number of words.
        count: u32,
        /// First address.
        addr: u32,
    },
    /// `set REG VALUE`.
    Set {
        /// The register.
        reg: Reg,
        /// Its new value.
        value: u32,
    },
    /// `goto SYMBOL|ADDR`: show it in the disassembly (code) or memory view (data).
    Goto(u32),
}

/// Parses a number: `0x` hex, or decimal.
pub fn parse_number(s: &str) -> Option<u32> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u32::from_str_radix(h, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// Reads a register's value, for expressions (`$sp`, `$r0+8`).
pub type RegReader<'a> = &'a dyn Fn(Reg) -> u32;

/// Resolves an address: a number, `symbol` or `symbol+offset`; `*` before it is ignored
/// (gdb habit). Without registers; see [`parse_expr`].
pub fn parse_addr(s: &str, image: &Image) -> Result<u32, String> {
    parse_expr(s, image, None)
}

/// Splits an expression into signed terms at `+` and `-` outside parentheses (C++ signatures
/// keep theirs).
fn terms(s: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start, mut neg) = (0i32, 0usize, false);
    for (i, c) in s.char_indices() {
        match c {
            '(' | '<' => depth += 1,
            ')' | '>' => depth -= 1,
            '+' | '-' if depth == 0 && i > start => {
                out.push((neg, s[start..i].trim()));
                neg = c == '-';
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((neg, s[start..].trim()));
    out
}

/// Evaluates an address expression: terms joined by `+` or `-`, each a number (hex or
/// decimal), a register (`$sp`, `$r3`, `$pc`, or `sp`/`r3` when no symbol has that name and
/// `regs` is given), a symbol, or a C++ function by its demangled name (the first overload
/// when the name has no parameters). `*` before it is ignored (gdb habit).
pub fn parse_expr(s: &str, image: &Image, regs: Option<RegReader>) -> Result<u32, String> {
    let s = s.trim().trim_start_matches('*');
    if s.is_empty() {
        return Err("missing address or symbol".into());
    }
    let mut value = 0u32;
    for (neg, t) in terms(s) {
        if t.is_empty() {
            return Err(format!("missing term in '{s}'"));
        }
        let v = term(t, image, regs)?;
        value = if neg {
            value.wrapping_sub(v)
        } else {
            value.wrapping_add(v)
        };
    }
    Ok(value)
}

fn term(t: &str, image: &Image, regs: Option<RegReader>) -> Result<u32, String> {
    if let Some(n) = parse_number(t) {
        return Ok(n);
    }
    if let Some(name) = t.strip_prefix('$') {
        let reg = Reg::parse(name).ok_or_else(|| format!("unknown register '${name}'"))?;
        let read = regs.ok_or_else(|| format!("'${name}': no registers here"))?;
        return Ok(read(reg));
    }
    if let Some(sym) = image
        .symbol(t)
        .or_else(|| image.functions_named(t).first().copied())
    {
        return Ok(sym.addr);
    }
    match (Reg::parse(t), regs) {
        (Some(reg), Some(read)) => Ok(read(reg)),
        _ => Err(format!("no symbol, register or address '{t}'")),
    }
}

/// Parses one command line (without the leading `:`); addresses without registers.
pub fn parse(line: &str, image: &Image) -> Result<Command, String> {
    parse_with(line, image, None)
}

/// Parses one command line, with the registers for expressions (`x/8 $sp`).
pub fn parse_with(line: &str, image: &Image, regs: Option<RegReader>) -> Result<Command, String> {
    let parse_addr = |s: &str, image: &Image| parse_expr(s, image, regs);
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "break" | "b" | "br" => Ok(Command::Break(parse_addr(rest, image)? & !1)),
        "delete" | "d" | "clear" => Ok(Command::Delete(parse_addr(rest, image)? & !1)),
        "watch" | "w" => Ok(Command::Watch(parse_addr(rest, image)?)),
        "goto" | "g" => Ok(Command::Goto(parse_addr(rest, image)?)),
        "set" => {
            let (r, v) = rest
                .split_once(char::is_whitespace)
                .ok_or("usage: set REG VALUE")?;
            let reg = Reg::parse(r.trim()).ok_or_else(|| format!("unknown register '{r}'"))?;
            let value = parse_addr(v, image)?;
            Ok(Command::Set { reg, value })
        }
        w if w == "x" || w.starts_with("x/") => {
            let count = match w.strip_prefix("x/") {
                // gdb-style format letters after the count (x/4xw) are accepted and ignored.
                Some(c) => {
                    let digits: String = c.chars().take_while(char::is_ascii_digit).collect();
                    if digits.is_empty() {
                        1
                    } else {
                        digits
                            .parse::<u32>()
                            .map_err(|_| format!("bad count in '{w}'"))?
                    }
                }
                None => 1,
            };
            if count == 0 || count > 256 {
                return Err(format!("x/N: N is {count}, must be 1..=256"));
            }
            Ok(Command::Examine {
                count,
                addr: parse_addr(rest, image)?,
            })
        }
        "" => Err("empty command".into()),
        other => Err(format!(
            "unknown command '{other}' (break, delete, watch, x/N, set, goto)"
        )),
    }
}
