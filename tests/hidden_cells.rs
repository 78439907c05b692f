//! Figures in rows or columns a sheet hides are read and audited like any others, and said once
//! per table (`hidden-cells`), since the printed or published table does not show them; hidden
//! rows holding no figure (a template's spare rows) are not. Every table row of seed 001's
//! 决算 and seed 002's budget tables holding a figure is hidden in turn, in a written .xlsx.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use grid::{GridBook, GridCell};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hidden-cells");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The findings of checking `book` written to `path`, and the exit code.
fn checked(book: &GridBook, path: &Path) -> (i32, Vec<Value>) {
    book.write_xlsx(path);
    let (code, report) = cli::check_json(path);
    (code, cli::findings(&report))
}

fn of_rule<'a>(findings: &'a [Value], rule: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

/// Errors and warnings but the hidden-cells ones, as (rule, sheet, cell).
fn judged(findings: &[Value]) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .filter(|f| f["severity"] != "info" && f["rule"] != "hidden-cells")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("rule"), s("sheet"), s("cell"))
        })
        .collect();
    out.sort();
    out
}

/// Whether the cell holds an amount other than zero: a number written with decimals (行次,
/// 栏次 and codes are whole numbers).
fn is_figure(cell: &GridCell) -> bool {
    matches!(cell, GridCell::Number(n)
        if n.contains('.') && n.parse::<f64>().is_ok_and(|v| v != 0.0))
}

/// Row by row, the first four rows of every sheet holding an amount: hidden alone, one warning
/// for its table naming the row, the rest of the findings as before; a row of zeros hidden:
/// nothing said.
#[test]
fn a_hidden_row_with_figures_is_said_and_still_audited() {
    let d = dir();
    for fixture in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{fixture}.grid"));
        let (_, base) = checked(&book, &d.join(format!("{fixture}.xlsx")));
        assert!(of_rule(&base, "hidden-cells").is_empty());
        let base_judged = judged(&base);
        let mut tried = 0;
        for sheet in &book.sheets {
            let figure_rows: Vec<u32> = (0..sheet.rows.len() as u32)
                .filter(|&r| sheet.rows[r as usize].iter().any(is_figure))
                .collect();
            for &r in figure_rows.iter().take(4) {
                tried += 1;
                let mut hidden = book.clone();
                hidden.sheet_mut(&sheet.name).hidden_rows = vec![r];
                let path = d.join(format!("{fixture}-{}-{r}.xlsx", sheet.name));
                let (_, found) = checked(&hidden, &path);
                let said = of_rule(&found, "hidden-cells");
                let what = format!("{fixture} {} row {} hidden", sheet.name, r + 1);
                assert_eq!(said.len(), 1, "{what}: {said:#?}");
                assert_eq!(said[0]["sheet"], sheet.name.as_str(), "{what}");
                assert_eq!(said[0]["severity"], "warning", "{what}");
                let message = said[0]["message"].as_str().unwrap();
                assert!(
                    message.contains(&format!("隐藏的第{}行", r + 1)),
                    "{what}: {message}"
                );
                assert_eq!(judged(&found), base_judged, "{what}: audited otherwise");
            }
            // A row of zeros under its code and name: nothing a reader misses.
            let zeros = |row: &Vec<GridCell>| {
                row.iter()
                    .any(|c| matches!(c, GridCell::Number(n) if n.contains('.')))
                    && row.iter().enumerate().all(|(i, c)| match c {
                        GridCell::Number(n) => i < 2 || n.parse::<f64>() == Ok(0.0),
                        GridCell::Text(_) => i < 2,
                        GridCell::Empty => true,
                    })
            };
            let blank_row = (0..sheet.rows.len() as u32).find(|&r| zeros(&sheet.rows[r as usize]));
            if let Some(r) = blank_row {
                let mut hidden = book.clone();
                hidden.sheet_mut(&sheet.name).hidden_rows = vec![r];
                let path = d.join(format!("{fixture}-{}-blank-{r}.xlsx", sheet.name));
                let (_, found) = checked(&hidden, &path);
                let said = of_rule(&found, "hidden-cells");
                assert!(
                    said.is_empty(),
                    "{fixture} {} row {}: {said:#?}",
                    sheet.name,
                    r + 1
                );
            }
        }
        assert!(tried >= 20, "{fixture}: only {tried} rows hidden");
    }
}

/// 公开05表's 项目支出 column hidden: said with its letter; 公开02表's 经营收入 column (zeros)
/// hidden: nothing said.
#[test]
fn a_hidden_column_with_figures_is_said_and_one_of_zeros_is_not() {
    let d = dir();
    let book = grid::fixture("seed001_final.grid");
    let mut hidden = book.clone();
    hidden.sheet_mut("公开05表").hidden_cols = vec![4];
    hidden.sheet_mut("公开02表").hidden_cols = vec![6];
    let (_, found) = checked(&hidden, &d.join("columns.xlsx"));
    let said = of_rule(&found, "hidden-cells");
    assert_eq!(said.len(), 1, "{said:#?}");
    assert_eq!(said[0]["form"], "final-05");
    let message = said[0]["message"].as_str().unwrap();
    assert!(message.contains("隐藏的E列"), "{message}");
}

/// Errors and warnings but those about values outside the form, as (rule, sheet), counted.
fn judged_by_rule(findings: &[Value]) -> Vec<(String, String)> {
    let mut out: Vec<_> = (findings.iter())
        .filter(|f| f["severity"] != "info" && f["rule"] != "value-outside-form")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("rule"), s("sheet"))
        })
        .collect();
    out.sort();
    out
}

/// Sheet `name` of `book` with a hidden column of last year's figures (nine tenths of each
/// amount of its row, without a header): right of the table, or inside it after its first
/// amount column.
fn with_old_figures(book: &GridBook, name: &str, inside: bool) -> Option<GridBook> {
    let mut book = book.clone();
    let s = book.sheet_mut(name);
    let figures: Vec<(u32, u16, String)> = (s.numbers().into_iter())
        .filter(|(r, c, _)| is_figure(s.cell(*r, *c)))
        .collect();
    let first_amount = figures.iter().map(|f| f.1).min()?;
    let at = match inside {
        true => first_amount + 1,
        false => s.width(),
    };
    if inside {
        s.insert_col(at);
    }
    let mut rows: Vec<u32> = figures.iter().map(|f| f.0).collect();
    rows.dedup();
    for r in rows {
        let amount = figures.iter().find(|f| f.0 == r && f.1 == first_amount);
        let value = amount.map_or(1.0, |f| f.2.parse::<f64>().unwrap_or(1.0));
        s.put(r, at, GridCell::num(&format!("{:.2}", value * 0.9 + 0.01)));
    }
    s.hidden_cols = vec![at];
    Some(book)
}

/// A column of old figures a clerk hid rather than deleted, in every table of seed 001's 决算
/// and seed 002's budget workbooks in turn, right of the table or inside it: the table reads
/// and audits as before, and the hidden figures, kept, are said in one warning for the table
/// naming them, not one "填错位置" warning a cell.
#[test]
fn a_hidden_column_of_old_figures_is_said_once_a_table() {
    let d = dir();
    let mut failed = Vec::new();
    let mut cases = 0;
    for fixture in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{fixture}.grid"));
        let (_, plain) = checked(&book, &d.join(format!("{fixture}-plain.xlsx")));
        let plain = judged_by_rule(&plain);
        for sheet in &book.sheets {
            for inside in [false, true] {
                let Some(hidden) = with_old_figures(&book, &sheet.name, inside) else {
                    continue;
                };
                cases += 1;
                let path = d.join(format!("{fixture}-{}-old-{inside}.xlsx", sheet.name));
                let (_, found) = checked(&hidden, &path);
                let outside: Vec<&Value> = (of_rule(&found, "value-outside-form").into_iter())
                    .filter(|f| f["sheet"] == *sheet.name && f["severity"] == "warning")
                    .collect();
                let judged = judged_by_rule(&found);
                if outside.len() != 1 || judged != plain {
                    failed.push(format!(
                        "{fixture} {} inside={inside}: {} outside warnings; other findings {}",
                        sheet.name,
                        outside.len(),
                        if judged == plain {
                            "as before"
                        } else {
                            "changed"
                        }
                    ));
                }
            }
        }
    }
    assert!(cases >= 20, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} tables with a hidden column of old figures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Words no form column claims that units head an added column with (a figure before
/// adjustment, a share, a change, a year not the table's, a reason), and made-up ones.
const STRANGER_HEADERS: [&str; 12] = [
    "调整前",
    "占比",
    "占比%",
    "比重(%)",
    "增长%",
    "同比增减",
    "2030年决算数",
    "变动原因",
    "说明",
    "X",
    "甲乙丙",
    "临时栏",
];

/// The lowest header row of the table holding the hidden column `at`: the nearest row above
/// its first figure holding a text and no number.
fn lowest_header_row(sheet: &grid::GridSheet, at: u16) -> Option<u32> {
    let first = (0..sheet.rows.len() as u32).find(|&r| !sheet.cell(r, at).is_empty())?;
    (0..first).rev().find(|&r| {
        let row = &sheet.rows[r as usize];
        row.iter().any(|c| matches!(c, GridCell::Text(_)))
            && !row.iter().any(|c| matches!(c, GridCell::Number(_)))
    })
}

/// The hidden column of old figures of [`a_hidden_column_of_old_figures_is_said_once_a_table`]
/// headed on the table's lowest header row (beside 科目编码 | 科目名称) by a word no form
/// column claims: the table reads and audits as before, the column said once.
#[test]
fn a_hidden_column_headed_by_an_unknown_word_leaves_the_table_read() {
    let d = dir();
    let mut failed = Vec::new();
    let mut cases = 0;
    for fixture in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{fixture}.grid"));
        // Its own name: the tests run at once and must not share a file.
        let (_, plain) = checked(&book, &d.join(format!("{fixture}-plain-headed.xlsx")));
        let plain = judged_by_rule(&plain);
        for sheet in &book.sheets {
            for inside in [false, true] {
                let Some(mut hidden) = with_old_figures(&book, &sheet.name, inside) else {
                    continue;
                };
                let word = STRANGER_HEADERS[cases % STRANGER_HEADERS.len()];
                let s = hidden.sheet_mut(&sheet.name);
                let at = s.hidden_cols[0];
                let Some(r) = lowest_header_row(s, at) else {
                    continue;
                };
                s.put(r, at, GridCell::text(word));
                cases += 1;
                let path = d.join(format!("{fixture}-{}-headed-{inside}.xlsx", sheet.name));
                let (_, found) = checked(&hidden, &path);
                let said = (of_rule(&found, "value-outside-form").into_iter())
                    .filter(|f| f["sheet"] == *sheet.name && f["severity"] == "warning")
                    .count();
                if judged_by_rule(&found) != plain || said != 1 {
                    failed.push(format!("{fixture} {} inside={inside} “{word}”", sheet.name));
                }
            }
        }
    }
    assert!(cases >= 20, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} tables with a hidden column headed by an unknown word:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
