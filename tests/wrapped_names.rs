//! Names of a list typed over two rows: every project's or unit's name of the fixtures' lists
//! (部门公开表07's units, 部门公开表09's unit row, 附件1's projects) cut at several points, its
//! rest typed in a row inserted below (no merge, nothing else in the row), reads as the plain
//! workbook, in .xlsx and .docx alike; and a row below holding a whole name of its own, without
//! figures, stays an item of the list.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use grid::{GridBook, GridCell};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixtures holding lists whose items are named (projects, units).
const FIXTURES: [&str; 3] = [
    "seed002_budget.grid",
    "seed000_perf.grid",
    "seed004_perf.grid",
];

/// The columns of a list naming its items.
const NAME_COLUMNS: [&str; 2] = ["name", "unit_name"];

#[derive(Clone, Copy, Debug)]
enum Format {
    Xlsx,
    Docx,
}

fn scratch(name: &str, format: Format) -> PathBuf {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wrapped_names");
    std::fs::create_dir_all(&folder).unwrap();
    let ext = match format {
        Format::Xlsx => "xlsx",
        Format::Docx => "docx",
    };
    folder.join(format!("{name}.{ext}"))
}

fn write(book: &GridBook, path: &Path, format: Format) {
    match format {
        Format::Xlsx => book.write_xlsx(path),
        Format::Docx => docx::write_docx(book, path),
    }
}

/// What a workbook reads as: its logical cells, and its findings without where (an inserted
/// row moves the cells below it).
struct Reading {
    cells: BTreeMap<(String, String), Value>,
    findings: Vec<String>,
}

fn reading(book: &GridBook, name: &str, format: Format) -> Reading {
    let path = scratch(name, format);
    write(book, &path, format);
    let cells = export::logical_cells(&export::exported(&path), &["unit", "year"]);
    let findings = cli::finding_fields(&path, &["form", "rule", "severity"]);
    Reading { cells, findings }
}

/// The names of list items in a reading, each with its form and logical cell.
fn item_names(r: &Reading) -> Vec<(String, String, String)> {
    r.cells
        .iter()
        .filter(|((_, cell), _)| {
            cell.starts_with('#')
                && NAME_COLUMNS
                    .iter()
                    .any(|c| cell.ends_with(&format!(".{c}")))
        })
        .filter_map(|((form, cell), v)| Some((form.clone(), cell.clone(), v.as_str()?.to_string())))
        .fold(Vec::new(), |mut names, n| {
            // A unit's name carried down its indicator rows is one name.
            if !names.iter().any(|m: &(String, String, String)| m.2 == n.2) {
                names.push(n);
            }
            names
        })
}

/// Where the name `text` stands in `book` in a cell of its row alone (not merged down): sheet,
/// row, column.
fn single_row_cell(book: &GridBook, text: &str) -> Option<(usize, u32, u16)> {
    book.sheets.iter().enumerate().find_map(|(i, s)| {
        let (r, c) = s.find(text)?;
        let merged_down = s
            .merges
            .iter()
            .any(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3 && m.0 < m.2);
        (!merged_down).then_some((i, r, c))
    })
}

/// `book` with the cell at (`sheet`, `r`, `c`) holding `head` and a row inserted below it
/// holding `rest` in the same column, nothing else.
fn wrapped(book: &GridBook, (sheet, r, c): (usize, u32, u16), head: &str, rest: &str) -> GridBook {
    let mut out = book.clone();
    let s = &mut out.sheets[sheet];
    s.put(r, c, GridCell::text(head));
    s.insert_row(r + 1);
    s.put(r + 1, c, GridCell::text(rest));
    out
}

/// The points a name is cut at, in characters: after two characters past its indent and item
/// number, in the middle of what follows, and before its last character.
fn cut_points(name: &str) -> Vec<usize> {
    let chars: Vec<char> = name.chars().collect();
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
    let number = chars[indent..]
        .iter()
        .position(|c| matches!(c, '、' | '.' | '．'))
        .filter(|&p| p <= 3)
        .map_or(0, |p| p + 1);
    let lead = indent + number;
    let body = chars.len() - lead;
    let mut points = vec![lead + 2, lead + body / 2, chars.len() - 1];
    points.retain(|&p| p > lead && p < chars.len());
    points.dedup();
    points
}

fn split_at_char(name: &str, at: usize) -> (String, String) {
    let head: String = name.chars().take(at).collect();
    let rest: String = name.chars().skip(at).collect();
    (head, rest)
}

/// How `got` reads otherwise than `want`, described; empty when it does not.
fn differences(want: &Reading, got: &Reading) -> Vec<String> {
    let mut out = Vec::new();
    for k in want.cells.keys().chain(got.cells.keys()) {
        let (w, g) = (want.cells.get(k), got.cells.get(k));
        if w != g
            && !out
                .iter()
                .any(|o: &String| o.starts_with(&format!("{k:?}")))
        {
            out.push(format!("{k:?}: plain {w:?}, wrapped {g:?}"));
        }
    }
    if want.findings != got.findings {
        let extra: Vec<_> = (got.findings.iter())
            .filter(|f| !want.findings.contains(f))
            .collect();
        let gone: Vec<_> = (want.findings.iter())
            .filter(|f| !got.findings.contains(f))
            .collect();
        out.push(format!("findings: extra {extra:?}, gone {gone:?}"));
    }
    out
}

/// Every list item's name of every fixture, cut at each of its cut points in `format`: the
/// cases that read otherwise than the plain workbook, and how many were tried.
fn wrapped_cases(format: Format) -> (Vec<String>, usize) {
    let (mut failed, mut tried) = (Vec::new(), 0);
    for fixture in FIXTURES {
        let book = grid::fixture(fixture);
        let stem = fixture.trim_end_matches(".grid");
        let want = reading(&book, &format!("{stem}-plain"), format);
        for (form, cell, name) in item_names(&want) {
            let Some(at) = single_row_cell(&book, &name) else {
                continue;
            };
            for cut in cut_points(&name) {
                let (head, rest) = split_at_char(&name, cut);
                let case = format!("{stem}-{form}-{cell}-{cut}");
                let got = reading(&wrapped(&book, at, &head, &rest), &case, format);
                tried += 1;
                let diff = differences(&want, &got);
                if !diff.is_empty() {
                    failed.push(format!("{case} ({head}|{rest}):\n  {}", diff.join("\n  ")));
                }
            }
        }
    }
    (failed, tried)
}

fn assert_all_read_plain(format: Format) {
    let (failed, tried) = wrapped_cases(format);
    assert!(tried >= 15, "only {tried} names cut in the fixtures' lists");
    assert!(
        failed.is_empty(),
        "{} of {tried} wrapped names read otherwise:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn names_wrapped_into_the_next_row_read_as_one_name_in_xlsx() {
    assert_all_read_plain(Format::Xlsx);
}

#[test]
fn names_wrapped_into_the_next_row_read_as_one_name_in_docx() {
    assert_all_read_plain(Format::Docx);
}

/// A row inserted under a list item holding only a whole name of its own (numbered as the list
/// numbers its items, a unit's name after a unit's name, or with its code): an item with
/// nothing filled in, read as one; the item above keeps its name.
#[test]
fn a_whole_name_without_figures_below_an_item_stays_an_item() {
    let mut wrong = Vec::new();
    let mut tried = 0;
    for fixture in FIXTURES {
        let book = grid::fixture(fixture);
        let stem = fixture.trim_end_matches(".grid");
        // Its own name: the tests run at once and must not share a file.
        let want = reading(&book, &format!("{stem}-plain-items"), Format::Xlsx);
        for (form, cell, name) in item_names(&want) {
            let Some((sheet, r, c)) = single_row_cell(&book, &name) else {
                continue;
            };
            let new_item = whole_name_like(&name);
            let mut book = book.clone();
            let s = &mut book.sheets[sheet];
            s.insert_row(r + 1);
            for col in 0..c {
                // A code or 序号 left of the name is the new item's too.
                let left = s.cell(r, col).clone();
                if !left.is_empty() {
                    s.put(r + 1, col, left);
                }
            }
            s.put(r + 1, c, GridCell::text(&new_item));
            let got = reading(&book, &format!("{stem}-{form}-{cell}-item"), Format::Xlsx);
            tried += 1;
            let names: Vec<String> = item_names(&got).into_iter().map(|n| n.2).collect();
            if !names.contains(&new_item) || !names.contains(&name) {
                wrong.push(format!(
                    "{stem} {form} {cell}: {name} + {new_item} read as {names:?}"
                ));
            }
        }
    }
    assert!(tried >= 5, "only {tried} items tried");
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A whole name of the kind of `name`: the next number of a numbered list, a unit's name for a
/// unit's, a project's otherwise.
fn whole_name_like(name: &str) -> String {
    let bare = name.trim_start();
    let number: String = bare.chars().take_while(char::is_ascii_digit).collect();
    if let Ok(n) = number.parse::<u32>() {
        format!("{}、新增办公设备购置经费", n + 100)
    } else if ["中心", "办公室", "局"].iter().any(|e| name.ends_with(e)) {
        "长沙市某某事务中心".to_string()
    } else {
        "新增办公设备购置经费".to_string()
    }
}
