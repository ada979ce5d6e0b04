//! The debugger's command line takes C++ functions by their demangled names
//! (firmware/tests/ci/cpp_roi.cpp, built into firmware/prebuilt/cpp_roi-nano33ble.elf).

use sim_core::loader::Image;
use std::path::Path;
use tui::command::{parse, Command};

fn image() -> Image {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware/prebuilt/cpp_roi-nano33ble.elf");
    Image::from_file(&p).expect("cpp_roi ELF")
}

#[test]
fn break_takes_a_demangled_name_with_or_without_parameters() {
    let img = image();
    let run = img
        .symbol("_ZNK4tiny5Model3runEPKaPKsm")
        .expect("mangled symbol")
        .addr;
    assert_eq!(
        parse("break tiny::Model::run", &img),
        Ok(Command::Break(run))
    );
    assert_eq!(
        parse(
            "break tiny::Model::run(signed char const*, short const*, unsigned long) const",
            &img
        ),
        Ok(Command::Break(run))
    );
    let i16 = img.symbol("_ZN4tiny5inferERKNS_5LayerEPKsm").unwrap().addr;
    assert_eq!(
        parse(
            "b tiny::infer(tiny::Layer const&, short const*, unsigned long)",
            &img
        ),
        Ok(Command::Break(i16))
    );
    assert_eq!(
        img.describe_addr(run + 4),
        "tiny::Model::run(signed char const*, short const*, unsigned long) const+0x4"
    );
}

#[test]
fn dwarf_file_names_are_found_under_a_source_dir() {
    // firmware/ is built with -ffile-prefix-map=firmware=., so DWARF names
    // ./tests/ci/ci_fault.c: found under --source-dir firmware from any directory.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let elf = root.join("firmware/prebuilt/ci_fault-nano33ble.elf");
    let img = Image::from_file(&elf).unwrap();
    let lines = tui::dwarf::LineInfo::load(&img.bytes).expect("DWARF");
    let f = img.symbol("read_sample").unwrap();
    let loc = lines.location(f.addr).expect("line of read_sample");
    assert!(loc.file.ends_with("tests/ci/ci_fault.c"), "{}", loc.file);
    assert_eq!(
        tui::dwarf::find_source(&loc.file, &[]).is_some(),
        Path::new(&loc.file).is_file()
    );
    let found = tui::dwarf::find_source(&loc.file, &[root.join("firmware")]).expect("found");
    let text = std::fs::read_to_string(found).unwrap();
    assert!(text
        .lines()
        .nth(loc.line as usize - 1)
        .unwrap()
        .contains("return fifo[i]"));
}
