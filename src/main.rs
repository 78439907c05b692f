//! Command-line entry point: parses arguments and hands them to the library.
fn main() {}
