//! A sign-off line (单位负责人：张三 | 财务负责人：李四 | 制表人：王五 | 报出日期：…) printed under a
//! table, right under its last row or after a blank one, in one cell or spread over several:
//! it ends the table and is kept as a remark, so the findings are those of the table without
//! it (a list of units or indicators must not take it for an item).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell};
use serde_json::Value;

/// How the line is printed.
#[derive(Clone, Copy, Debug)]
struct Line {
    /// Blank rows between the table's last row and the line.
    gap: u32,
    /// Each field in a cell of its own (else all in the first cell, spaced).
    spread: bool,
}

const FIELDS: [&str; 4] = [
    "单位负责人：张三",
    "财务负责人：李四",
    "制表人：王五",
    "报出日期：2025年3月31日",
];

/// A finding as compared here: the rows below the line move down, so its cell is left out.
fn said(f: &Value) -> [String; 6] {
    ["sheet", "form", "rule", "severity", "expected", "found"]
        .map(|k| f[k].as_str().unwrap_or_default().to_string())
}

fn findings(book: &GridBook, name: &str) -> Vec<[String; 6]> {
    let (_, all) = mutation::check_book(book, "sign_off_lines", name);
    let mut out: Vec<_> = all.iter().map(said).collect();
    out.sort();
    out
}

/// `book` with `line` under the last row holding a number of every sheet.
fn signed(book: &GridBook, line: Line) -> GridBook {
    let mut out = book.clone();
    for s in &mut out.sheets {
        let Some(last) = s.numbers().iter().map(|&(r, _, _)| r).max() else {
            continue;
        };
        let at = last + 1 + line.gap;
        for r in last + 1..=at {
            s.insert_row(r);
        }
        if line.spread {
            for (c, field) in FIELDS.iter().enumerate() {
                s.put(at, c as u16, GridCell::text(field));
            }
        } else {
            s.put(at, 0, GridCell::text(&FIELDS.join("    ")));
        }
    }
    out
}

#[test]
fn a_sign_off_line_under_a_table_is_no_row_of_it() {
    let mut failed = Vec::new();
    let mut tried = 0;
    for seed in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{seed}.grid"));
        let want = findings(&book, seed);
        for gap in [0, 1] {
            for spread in [true, false] {
                let line = Line { gap, spread };
                tried += 1;
                let got = findings(&signed(&book, line), &format!("{seed}-{gap}-{spread}"));
                if got != want {
                    let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).collect();
                    failed.push(format!("{seed} {line:?}: extra {extra:?}"));
                }
            }
        }
    }
    assert_eq!(tried, 8);
    assert!(
        failed.is_empty(),
        "{} of {tried}:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
