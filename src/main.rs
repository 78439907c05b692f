//! Command-line entry point: parses arguments and hands them to the library.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = fiscalform::cli::run_with_progress(
        std::env::args_os(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        true,
    );
    std::process::exit(code);
}
