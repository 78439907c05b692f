//! A performance form whose title states another year than its dated columns (last year's
//! form with only its title brought up to date: 2025年度… over 2022年决算数 | 2023年预算数 |
//! 2023年决算数), or no year at all, reads its columns as they are headed.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use grid::{GridBook, GridCell};

/// The books whose 附件1 names its columns by their years.
const BOOKS: [&str; 2] = ["seed000_perf", "seed004_perf"];

/// The book with every title's year (a text ending in 表 that starts with 20xx年) moved by
/// `shift` years, or taken out when `shift` is none; the column headers left as they are.
fn retitled(book: &GridBook, shift: Option<i32>) -> GridBook {
    let mut out = book.clone();
    for sheet in &mut out.sheets {
        for row in &mut sheet.rows {
            for cell in row.iter_mut() {
                let GridCell::Text(t) = cell else { continue };
                let Some(year) = t.get(..4).and_then(|y| y.parse::<i32>().ok()) else {
                    continue;
                };
                if !t.trim_end().ends_with('表') || !t[4..].starts_with('年') {
                    continue;
                }
                let rest = t[4..].trim_start_matches(['年', '度']);
                *cell = GridCell::Text(match shift {
                    Some(s) => format!("{}{}", year + s, &t[4..]),
                    None => rest.to_string(),
                });
            }
        }
    }
    out
}

#[test]
fn dated_columns_are_read_whatever_year_the_title_states() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("column-years");
    std::fs::create_dir_all(&dir).unwrap();
    let mut failed = Vec::new();
    let shifts = [Some(1), Some(2), Some(-1), None];
    for name in BOOKS {
        let book = grid::fixture(&format!("{name}.grid"));
        let path = dir.join(format!("{name}.xlsx"));
        book.write_xlsx(&path);
        let want = export::readings(&export::exported(&path));
        let (want_code, _) = cli::check_json(&path);
        for shift in shifts {
            let path = dir.join(format!("{name}-{shift:?}.xlsx"));
            retitled(&book, shift).write_xlsx(&path);
            let got = export::readings(&export::exported(&path));
            let (code, _) = cli::check_json(&path);
            let lost = want.iter().filter(|(k, v)| got.get(*k) != Some(v)).count();
            if lost > 0 || code != want_code {
                failed.push(format!(
                    "{name} {shift:?}: {lost} lost, exit {code} (want {want_code})"
                ));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases:\n{}",
        failed.len(),
        BOOKS.len() * shifts.len(),
        failed.join("\n")
    );
}
