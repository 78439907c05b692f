#[path = "support/grid.rs"]
mod grid;

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

#[test]
fn smoke() {
    for f in ["seed001_final.grid", "seed001_perf.grid", "seed000_perf.grid", "seed004_perf.grid", "seed002_budget.grid"] {
        let b = grid::load(&fixture(f));
        let dir = std::env::temp_dir();
        b.write_xlsx(&dir.join("smoke.xlsx"));
        for s in &b.sheets {
            println!("{} {} rows {} cols", s.name, s.rows.len(), s.width());
        }
    }
}
