//! Prints what the reader makes of a file (PDF, Word or workbook): every sheet row by row with its PDF page, then the free text. Run: `cargo run --release --example dump FILE` (`DUMP_DEBUG=1` shows each cell's type).

use fiscalform::read::read_workbook;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump FILE");
        std::process::exit(2);
    };
    let wb = match read_workbook(std::path::Path::new(&path)) {
        Ok(wb) => wb,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    for s in &wb.sheets {
        let merges: Vec<String> = s.merges().iter().map(|m| m.to_string()).collect();
        println!("=== {} {merges:?}", s.name);
        for r in 0..s.height() {
            let row: Vec<String> = (0..s.width())
                .map(|c| {
                    if std::env::var("DUMP_DEBUG").is_ok() {
                        format!("{:?}", s.get(r, c))
                    } else {
                        s.get(r, c).to_string()
                    }
                })
                .collect();
            println!(
                "{:>3} {:?} {}",
                r + 1,
                wb.page_of(&s.name, r),
                row.join(" | ")
            );
        }
    }
    for p in &wb.text {
        println!("{:?} {}", p.page, p.text);
    }
}
