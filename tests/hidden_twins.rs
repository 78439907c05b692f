//! A clerk copies last year's workbook, inserts this year's rows or columns and hides last
//! year's: a hidden row or column with a visible twin beside it (the same texts, or a column
//! headed alike or 上年决算数) is no part of the table. The visible one is audited; the hidden
//! one's values are kept as values outside the form and said. Generated over every table of
//! seed 001's 决算 and seed 002's budget workbooks: a seeded choice of rows copied above or
//! below, of amount columns copied left or right; collapsed rows without a twin stay read.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use grid::{GridBook, GridCell, GridSheet};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hidden-twins");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The tests' deterministic generator, so that failures repeat.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        let mut x = xorshift::Xorshift(self.0);
        let drawn = x.next();
        self.0 = x.0;
        drawn % n
    }
}

/// Where the hidden copy of last year's figures stands.
#[derive(Debug, Clone, Copy)]
enum Twin {
    RowAbove,
    RowBelow,
    ColumnLeft,
    ColumnRight,
    /// Left, headed 上年决算数 rather than as this year's column.
    LastYearLeft,
}

const TWINS: [Twin; 5] = [
    Twin::RowAbove,
    Twin::RowBelow,
    Twin::ColumnLeft,
    Twin::ColumnRight,
    Twin::LastYearLeft,
];

/// What a check and an export of a written book say: the errors and warnings but those about
/// values outside the form or in hidden cells, as (rule, cell text), and the figures read.
struct Reading {
    judged: Vec<(String, String)>,
    findings: Vec<Value>,
    figures: BTreeMap<(String, String), rust_decimal::Decimal>,
}

fn reading(book: &GridBook, path: &Path) -> Reading {
    book.write_xlsx(path);
    reading_of(path)
}

/// [`reading`] of a workbook on disk.
fn reading_of(path: &Path) -> Reading {
    let (_, report) = cli::check_json(path);
    let findings = cli::findings(&report);
    let mut judged: Vec<(String, String)> = (findings.iter())
        .filter(|f| f["severity"] != "info")
        .filter(|f| f["rule"] != "value-outside-form" && f["rule"] != "hidden-cells")
        .map(|f| (f["rule"].as_str().unwrap_or("").to_string(), form_of(f)))
        .collect();
    judged.sort();
    let figures = export::figures(&export::exported(path));
    Reading {
        judged,
        findings,
        figures,
    }
}

fn form_of(f: &Value) -> String {
    f["form"].as_str().unwrap_or("").to_string()
}

/// Whether the cell holds an amount other than zero: a number written with decimals (行次,
/// 栏次 and codes are whole numbers).
fn is_figure(cell: &GridCell) -> bool {
    matches!(cell, GridCell::Number(n)
        if n.contains('.') && n.parse::<f64>().is_ok_and(|v| v != 0.0))
}

/// Last year's figure for this year's `cell`: 87 hundredths of it; other cells as they are.
fn last_year(cell: &GridCell) -> GridCell {
    match cell {
        GridCell::Number(n) if is_figure(cell) => {
            let v: rust_decimal::Decimal = n.parse().unwrap();
            let old = (v * rust_decimal::Decimal::new(87, 2)).round_dp(2);
            GridCell::num(&format!("{old:.2}"))
        }
        other => other.clone(),
    }
}

/// The rows holding a figure, and the columns.
fn figure_lines(s: &GridSheet) -> (Vec<u32>, Vec<u16>) {
    let mut rows = Vec::new();
    let mut cols = Vec::new();
    for (r, row) in s.rows.iter().enumerate() {
        for (c, _) in row.iter().enumerate().filter(|(_, c)| is_figure(c)) {
            rows.push(r as u32);
            cols.push(c as u16);
        }
    }
    rows.dedup();
    cols.sort_unstable();
    cols.dedup();
    (rows, cols)
}

/// About half of `lines`, at least one, chosen by `rng`, last first.
fn some<T: Copy + Ord>(lines: &[T], rng: &mut Rng) -> Vec<T> {
    let mut out: Vec<T> = lines
        .iter()
        .copied()
        .filter(|_| rng.below(2) == 0)
        .collect();
    if out.is_empty() {
        out.extend(lines.get(rng.below(lines.len() as u64) as usize));
    }
    out.sort_unstable_by(|a, b| b.cmp(a));
    out
}

/// Sheet `s` with a hidden copy of row `r` holding last year's figures above or below it.
fn copy_row(s: &mut GridSheet, r: u32, below: bool) {
    let old: Vec<GridCell> = s.rows[r as usize].iter().map(last_year).collect();
    let at = if below { r + 1 } else { r };
    s.insert_row(at);
    for h in s.hidden_rows.iter_mut().filter(|h| **h >= at) {
        *h += 1;
    }
    for (c, cell) in old.into_iter().enumerate() {
        s.put(at, c as u16, cell);
    }
    s.hidden_rows.push(at);
}

/// The merge covering (r, c), if any.
fn merge_at(s: &GridSheet, r: u32, c: u16) -> Option<(u32, u16, u32, u16)> {
    (s.merges.iter().copied()).find(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3)
}

/// Sheet `s` with a hidden copy of amount column `c` left or right of it: its header texts
/// (or 上年决算数) and last year's figures.
fn copy_col(s: &mut GridSheet, c: u16, right: bool, header: Option<&str>) {
    let first = (0..s.rows.len() as u32)
        .find(|&r| is_figure(s.cell(r, c)))
        .unwrap();
    let shown = |s: &GridSheet, r: u32| match merge_at(s, r, c) {
        Some(m) => s.cell(m.0, m.1).clone(),
        None => s.cell(r, c).clone(),
    };
    let heads: Vec<GridCell> = (0..first).map(|r| shown(s, r)).collect();
    let old: Vec<GridCell> = (first..s.rows.len() as u32)
        .map(|r| last_year(s.cell(r, c)))
        .collect();
    let at = if right { c + 1 } else { c };
    s.insert_col(at);
    for h in s.hidden_cols.iter_mut().filter(|h| **h >= at) {
        *h += 1;
    }
    let mut named = false;
    for (r, head) in heads.into_iter().enumerate() {
        let r = r as u32;
        let free = merge_at(s, r, at).is_none();
        match (header, head) {
            (_, GridCell::Text(_)) if !free => {}
            (Some(h), GridCell::Text(_)) if !named => {
                s.put(r, at, GridCell::text(h));
                named = true;
            }
            (None, head @ GridCell::Text(_)) => s.put(r, at, head),
            _ => {}
        }
    }
    for (i, cell) in old.into_iter().enumerate() {
        if is_figure(&cell) {
            s.put(first + i as u32, at, cell);
        }
    }
    s.hidden_cols.push(at);
}

/// Sheet `name` of `book` with hidden twins of a seeded choice of its lines.
fn with_twins(book: &GridBook, name: &str, twin: Twin, rng: &mut Rng) -> Option<GridBook> {
    let mut book = book.clone();
    let s = book.sheet_mut(name);
    let (rows, cols) = figure_lines(s);
    if rows.is_empty() {
        return None;
    }
    match twin {
        Twin::RowAbove | Twin::RowBelow => {
            for r in some(&rows, rng) {
                copy_row(s, r, matches!(twin, Twin::RowBelow));
            }
        }
        Twin::ColumnLeft | Twin::ColumnRight | Twin::LastYearLeft => {
            let header = matches!(twin, Twin::LastYearLeft).then_some("上年决算数");
            for c in some(&cols, rng) {
                copy_col(s, c, matches!(twin, Twin::ColumnRight), header);
            }
        }
    }
    s.hidden_rows.sort_unstable();
    Some(book)
}

/// What is amiss in `got`, the reading of `plain`'s book with hidden twins on `sheet`: audited
/// or read otherwise, a hidden cell read, the hidden figures not kept and said in one warning.
fn set_aside_problems(got: &Reading, plain: &Reading, sheet: &str) -> Vec<String> {
    let on_sheet = |rule: &str| -> Vec<&Value> {
        (got.findings.iter())
            .filter(|f| f["rule"] == rule && f["sheet"] == sheet)
            .collect()
    };
    let kept = on_sheet("value-outside-form");
    let said = kept.len() == 1 && kept[0]["message"].as_str().unwrap().contains("隐藏");
    let problems = [
        (got.judged != plain.judged).then(|| format!("audited {:?}", got.judged)),
        (got.figures != plain.figures).then(|| "figures differ".to_string()),
        (!on_sheet("hidden-cells").is_empty()).then(|| "read hidden".to_string()),
        (!said).then(|| format!("kept {kept:?}")),
    ];
    problems.into_iter().flatten().collect()
}

/// Every table with hidden twins of its rows (above, below) or amount columns (left, right,
/// headed 上年决算数): audited as without them, every figure read as before, nothing read
/// from the hidden cells, and the hidden figures kept and said in one warning for the table.
#[test]
fn hidden_twins_of_rows_and_columns_are_set_aside() {
    let d = dir();
    let mut rng = Rng(0x5eed_4040);
    let mut failed = Vec::new();
    let mut cases = 0;
    for fixture in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{fixture}.grid"));
        let plain = reading(&book, &d.join(format!("{fixture}.xlsx")));
        for sheet in &book.sheets {
            for twin in TWINS {
                let Some(twinned) = with_twins(&book, &sheet.name, twin, &mut rng) else {
                    continue;
                };
                cases += 1;
                let what = format!("{fixture} {} {twin:?}", sheet.name);
                let path = d.join(format!("{fixture}-{}-{twin:?}.xlsx", sheet.name));
                let got = reading(&twinned, &path);
                let problems = set_aside_problems(&got, &plain, &sheet.name);
                if !problems.is_empty() {
                    failed.push(format!("{what}: {}", problems.join("; ")));
                }
            }
        }
    }
    assert!(cases >= 40, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Rows collapsed in an outline (hidden, no visible twin) beside hidden twins of other rows:
/// the collapsed rows are read and audited as before (and said), the twins set aside.
#[test]
fn collapsed_rows_without_a_twin_stay_read_beside_twins() {
    let d = dir();
    let book = grid::fixture("seed001_final.grid");
    let plain = reading(&book, &d.join("outline-plain.xlsx"));
    let mut rng = Rng(0x0171_4e40);
    let mut failed = Vec::new();
    for sheet in &book.sheets {
        let Some(mut twinned) = with_twins(&book, &sheet.name, Twin::RowAbove, &mut rng) else {
            continue;
        };
        let s = twinned.sheet_mut(&sheet.name);
        // The last row holding a figure that has no copy: collapsed.
        let twins = s.hidden_rows.clone();
        let (rows, _) = figure_lines(s);
        let lone = rows.iter().rev().find(|&&r| {
            !twins.contains(&r)
                && !twins.contains(&(r.wrapping_sub(1)))
                && !twins.contains(&(r + 1))
        });
        let Some(&lone) = lone else { continue };
        s.hidden_rows.push(lone);
        s.hidden_rows.sort_unstable();
        let got = reading(&twinned, &d.join(format!("outline-{}.xlsx", sheet.name)));
        let read_hidden = (got.findings.iter())
            .filter(|f| f["rule"] == "hidden-cells" && f["sheet"] == *sheet.name)
            .any(|f| {
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("第{}行", lone + 1))
            });
        if got.judged != plain.judged || got.figures != plain.figures || !read_hidden {
            failed.push(format!("{} row {}", sheet.name, lone + 1));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

/// A 科目 row collapsed under its parent of the same name (2079999 其他文化旅游体育与传媒支出
/// under 20799 其他文化旅游体育与传媒支出) is no twin of it: its code differs. Every coded row
/// right under its parent, renamed so and hidden alone, stays read and audited.
#[test]
fn a_collapsed_row_named_as_its_parent_is_no_twin() {
    let d = dir();
    let book = grid::fixture("seed001_final.grid");
    let code = |cell: &GridCell| {
        let t = cell.as_str().trim().to_string();
        (t.len() >= 3 && t.chars().all(|ch| ch.is_ascii_digit())).then_some(t)
    };
    let mut failed = Vec::new();
    let mut cases = 0;
    for sheet in &book.sheets {
        for r in 1..sheet.rows.len() {
            let (upper, row) = (&sheet.rows[r - 1], &sheet.rows[r]);
            let (Some(parent), Some(own)) =
                (upper.first().and_then(code), row.first().and_then(code))
            else {
                continue;
            };
            if !own.starts_with(&parent) || own == parent || row.len() < 2 || upper.len() < 2 {
                continue;
            }
            cases += 1;
            let mut named = book.clone();
            let s = named.sheet_mut(&sheet.name);
            s.rows[r][1] = upper[1].clone();
            let plain = reading(&named, &d.join("parent-name-plain.xlsx"));
            named.sheet_mut(&sheet.name).hidden_rows.push(r as u32);
            let got = reading(&named, &d.join("parent-name-hidden.xlsx"));
            if got.judged != plain.judged || got.figures != plain.figures {
                failed.push(format!("{} row {}", sheet.name, r + 1));
            }
            break;
        }
    }
    assert!(cases >= 2, "only {cases} cases");
    assert!(failed.is_empty(), "{failed:#?}");
}

/// The twins of [`hidden_twins_of_rows_and_columns_are_set_aside`] saved by LibreOffice as
/// .xls and as .ods, whose hidden rows and columns calamine does not tell: read as the same
/// book saved so without them, nothing read from the hidden cells, the hidden figures said.
/// Each sheet gets one way of hiding, drawn, so that every way comes over the sheets.
#[test]
fn hidden_twins_in_xls_and_ods_are_set_aside() {
    let d = dir().join("lo");
    std::fs::create_dir_all(&d).unwrap();
    let mut rng = Rng(0x0d5_4e44);
    let fixtures = ["seed001_final", "seed002_budget"];
    // The plain books first, then (fixture, what, sheet) of each twinned one.
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut cases: Vec<(usize, String, String)> = Vec::new();
    for (i, fixture) in fixtures.iter().enumerate() {
        let book = grid::fixture(&format!("{fixture}.grid"));
        inputs.insert(i, d.join(format!("{fixture}.xlsx")));
        book.write_xlsx(&inputs[i]);
        for sheet in &book.sheets {
            let twin = TWINS[rng.below(TWINS.len() as u64) as usize];
            let Some(twinned) = with_twins(&book, &sheet.name, twin, &mut rng) else {
                continue;
            };
            let path = d.join(format!("{fixture}-{}-{twin:?}.xlsx", sheet.name));
            twinned.write_xlsx(&path);
            inputs.push(path);
            cases.push((
                i,
                format!("{fixture} {} {twin:?}", sheet.name),
                sheet.name.clone(),
            ));
        }
    }
    let mut failed = Vec::new();
    for format in ["xls", "ods"] {
        let saved = lo::convert_all(&inputs, format, &d.join(format));
        let plains: Vec<Reading> = saved[..fixtures.len()]
            .iter()
            .map(|p| reading_of(p))
            .collect();
        for ((fixture, what, sheet), path) in cases.iter().zip(&saved[fixtures.len()..]) {
            let problems = set_aside_problems(&reading_of(path), &plains[*fixture], sheet);
            if !problems.is_empty() {
                failed.push(format!("{format} {what}: {}", problems.join("; ")));
            }
        }
    }
    let n = 2 * cases.len();
    assert!(n >= 30, "only {n} cases");
    assert!(
        failed.is_empty(),
        "{} of {n} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Rows a collapsed outline hides, each beside its own hidden copy of last year's (so neither
/// has a visible twin), on sheets whose other copies stand hidden beside visible twins, above
/// or below: the copy is set aside as the sheet's other copies are, the collapsed row read
/// (and said), the table audited and read as without the copies.
#[test]
fn a_collapsed_row_beside_its_hidden_copy_is_read_and_the_copy_set_aside() {
    let d = dir();
    let mut rng = Rng(0x0171_4e44);
    let mut failed = Vec::new();
    let mut cases = 0;
    for fixture in ["seed001_final", "seed002_budget"] {
        let book = grid::fixture(&format!("{fixture}.grid"));
        let plain = reading(&book, &d.join(format!("pair-{fixture}.xlsx")));
        for sheet in &book.sheets {
            for twin in [Twin::RowAbove, Twin::RowBelow] {
                let Some(mut twinned) = with_twins(&book, &sheet.name, twin, &mut rng) else {
                    continue;
                };
                let s = twinned.sheet_mut(&sheet.name);
                let Some(collapsed) = collapse_beside_copies(s, twin, &mut rng) else {
                    continue;
                };
                cases += 1;
                let path = d.join(format!("pair-{fixture}-{}-{twin:?}.xlsx", sheet.name));
                let got = reading(&twinned, &path);
                let said = |r: &u32| {
                    let named = |m: &str| {
                        let n = r + 1;
                        [
                            format!("第{n}、"),
                            format!("第{n}行"),
                            format!("、{n}、"),
                            format!("、{n}行"),
                        ]
                        .iter()
                        .any(|at| m.contains(at.as_str()))
                    };
                    (got.findings.iter())
                        .filter(|f| f["rule"] == "hidden-cells" && f["sheet"] == *sheet.name)
                        .any(|f| named(f["message"].as_str().unwrap()))
                };
                let problems = [
                    (got.judged != plain.judged).then(|| format!("audited {:?}", got.judged)),
                    (got.figures != plain.figures).then(|| "figures differ".to_string()),
                    (!collapsed.iter().all(said)).then(|| "collapsed rows not said".to_string()),
                ];
                let problems: Vec<String> = problems.into_iter().flatten().collect();
                if !problems.is_empty() {
                    let what = format!("{fixture} {} {twin:?}", sheet.name);
                    failed.push(format!("{what}: {}", problems.join("; ")));
                }
            }
        }
    }
    assert!(cases >= 12, "only {cases} cases");
    assert!(
        failed.is_empty(),
        "{} of {cases} failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Up to two rows of figures of `s` with no copy beside them, each given a hidden copy where
/// `twin` puts the sheet's copies and hidden itself (collapsed): their rows after, None when
/// the sheet has no such row.
fn collapse_beside_copies(s: &mut GridSheet, twin: Twin, rng: &mut Rng) -> Option<Vec<u32>> {
    let copies = s.hidden_rows.clone();
    let (rows, _) = figure_lines(s);
    let lone: Vec<u32> = (rows.iter().copied())
        .filter(|&r| !(r.saturating_sub(1)..=r + 1).any(|n| copies.contains(&n)))
        .collect();
    if lone.is_empty() {
        return None;
    }
    let below = matches!(twin, Twin::RowBelow);
    let mut chosen = some(&lone, rng);
    // Apart, so that each copy moves the rows chosen above it by one.
    chosen.dedup_by(|r, kept| kept.abs_diff(*r) < 2);
    chosen.truncate(2);
    // Last first: a copy put in moves the rows below it.
    for &r in &chosen {
        copy_row(s, r, below);
        let own = if below { r } else { r + 1 };
        s.hidden_rows.push(own);
    }
    s.hidden_rows.sort_unstable();
    let shifted = |i: usize, r: u32| r + (chosen.len() - 1 - i) as u32 + u32::from(!below);
    Some(
        chosen
            .iter()
            .enumerate()
            .map(|(i, &r)| shifted(i, r))
            .collect(),
    )
}
