//! Each board's linker script (firmware/ld/<board>.ld) declares exactly the flash and SRAM of
//! the board TOML that thimble embeds, so firmware linked for a board fits it in the simulator
//! exactly as on the hardware.

use sim_core::board::{Board, RegionKind};

fn parse_region(script: &str, name: &str) -> (u64, u64) {
    let line = script
        .lines()
        .map(str::trim)
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} region in linker script"));
    let num = |key: &str| {
        let rest = &line[line
            .find(key)
            .unwrap_or_else(|| panic!("{key} missing in {line}"))
            + key.len()..];
        let tok = rest
            .trim_start_matches([' ', '='])
            .split([',', ' '])
            .next()
            .unwrap();
        u64::from_str_radix(tok.trim_start_matches("0x"), 16)
            .unwrap_or_else(|_| panic!("bad number {tok}"))
    };
    (num("ORIGIN"), num("LENGTH"))
}

#[test]
fn every_board_has_a_matching_linker_script() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for board in Board::builtin() {
        let path = root.join("firmware/ld").join(format!("{}.ld", board.name));
        let script =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (ld_name, kind) in [("FLASH", RegionKind::Flash), ("RAM", RegionKind::Sram)] {
            let region = board
                .regions
                .iter()
                .find(|r| r.kind == kind)
                .unwrap_or_else(|| panic!("{} has no {kind:?} region", board.name));
            let (origin, length) = parse_region(&script, ld_name);
            assert_eq!(
                (origin, length),
                (u64::from(region.base), u64::from(region.size)),
                "{}: {ld_name} in {} disagrees with the board TOML",
                board.name,
                path.display()
            );
        }
    }
}
