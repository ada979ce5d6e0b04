//! thimble command line.
fn main() {}
