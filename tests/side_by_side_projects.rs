//! Two performance forms printed side by side in one sheet, each with its own title: two
//! projects' 项目支出绩效自评表 (附件3) next to each other, or the whole department's 自评表
//! (附件2) beside a project's. Each reads to the values of the two printed on sheets of their
//! own, each project its own form.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use std::path::PathBuf;

use grid::GridBook;

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("side-by-side-projects");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The book with sheet `from` printed into sheet `into`, `gap` empty columns right of it.
fn beside(book: &GridBook, from: &str, into: &str, gap: u16) -> GridBook {
    let mut out = book.clone();
    let moved = out.sheet(from).clone();
    out.sheets.retain(|s| s.name != from);
    let target = out.sheet_mut(into);
    let cols = target.width() + gap;
    for (r, line) in moved.rows.iter().enumerate() {
        for (c, cell) in line.iter().enumerate().filter(|(_, cell)| !cell.is_empty()) {
            target.put(r as u32, c as u16 + cols, cell.clone());
        }
    }
    let shift = |&(r1, c1, r2, c2): &(u32, u16, u32, u16)| (r1, c1 + cols, r2, c2 + cols);
    target.merges.extend(moved.merges.iter().map(shift));
    out
}

fn readings(book: &GridBook, name: &str) -> std::collections::BTreeMap<(String, String), String> {
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    export::readings(&export::exported(&path))
}

#[test]
fn two_performance_forms_side_by_side_read_as_on_two_sheets() {
    let book = grid::fixture("seed000_perf.grid");
    let want = readings(&book, "plain");
    assert!(want.keys().any(|(form, _)| form == "perf-project#2"));
    let mut failed = Vec::new();
    let pairs = [("附件3-2", "附件3-1"), ("附件3-1", "附件2")];
    for (from, into) in pairs {
        for gap in 0..3 {
            let name = format!("{into}-beside-{from}-gap{gap}");
            let got = readings(&beside(&book, from, into, gap), &name);
            let lost: Vec<_> = want
                .iter()
                .filter(|(k, v)| got.get(*k) != Some(v))
                .collect();
            let extra = got.keys().filter(|k| !want.contains_key(*k)).count();
            if !lost.is_empty() || extra > 0 {
                let first: Vec<_> = lost.iter().take(3).collect();
                failed.push(format!(
                    "{name}: {} lost {first:?}, {extra} extra",
                    lost.len()
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 6 cases:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
