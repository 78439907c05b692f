//! A form whose title is printed only in its sheet's page header (on every page, in no cell)
//! reads as the same form with its title in the cells, whatever its sheet is named; and a note
//! under a table (注：本表反映…情况) is never taken for the title of a sheet that prints none.
//! The same holds of an .xls, whose page headers are stored apart from its cells.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use std::path::PathBuf;

use grid::{GridBook, GridCell};

/// Workbooks of the three families: 决算 (公开01–09表), 预算 (its ten tables), 绩效自评.
const BOOKS: [&str; 5] = [
    "seed001_final",
    "seed002_budget",
    "seed000_perf",
    "seed001_perf",
    "seed004_perf",
];

/// How many of a sheet's first rows may hold its title lines.
const TOP_ROWS: u32 = 4;

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("page-header-titles");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Whether a row's only cell is a title line: a text naming a 表, not a 表号 (公开01表).
fn title_text(cells: &[GridCell]) -> Option<String> {
    let mut filled = cells.iter().filter(|c| !c.is_empty());
    let (Some(GridCell::Text(t)), None) = (filled.next(), filled.next()) else {
        return None;
    };
    let key = grid::squeeze(t);
    let table_no = key.starts_with("公开") && key.chars().count() <= 6;
    (key.ends_with('表') && !table_no).then(|| t.clone())
}

/// The book with each sheet's title lines taken out of its cells; into its page header
/// (centred, one line each) when `header`; the sheets named Sheet1… when `plain_names`.
fn variant(book: &GridBook, header: bool, plain_names: bool) -> GridBook {
    let mut out = book.clone();
    for (i, sheet) in out.sheets.iter_mut().enumerate() {
        let mut lines = Vec::new();
        for r in (0..TOP_ROWS).rev() {
            let row = sheet.rows.get(r as usize).cloned().unwrap_or_default();
            if let Some(t) = title_text(&row) {
                lines.insert(0, t);
                sheet.delete_row(r);
            }
        }
        assert!(!lines.is_empty(), "{}: no title line", sheet.name);
        if header {
            sheet.page_header = format!("&C{}", lines.join("\n"));
        }
        if plain_names {
            sheet.name = format!("Sheet{}", i + 1);
        }
    }
    out
}

/// Every logical cell `export` reads of a file, and the exit code of `check`.
type Reading = (i32, std::collections::BTreeMap<(String, String), String>);

fn reading(path: &std::path::Path) -> Reading {
    let (code, _) = cli::check_json(path);
    (code, export::readings(&export::exported(path)))
}

/// Each book as written, then each variant of it (`header`, each of `names`), as (tag, book).
fn cases(books: &[&str], header: bool, names: &[bool]) -> Vec<(String, GridBook)> {
    let mut out = Vec::new();
    for &name in books {
        let book = grid::fixture(&format!("{name}.grid"));
        // Named by `header` too: the tests run at once and must not share a file.
        out.push((format!("{name}-plain-header{header}"), book.clone()));
        for &plain_names in names {
            let tag = format!("{name}-header{header}-sheetn{plain_names}");
            out.push((tag, variant(&book, header, plain_names)));
        }
    }
    out
}

/// The cases written as xlsx, or re-saved as .xls by LibreOffice when `xls`.
fn written(cases: &[(String, GridBook)], xls: bool) -> Vec<std::path::PathBuf> {
    let paths: Vec<_> = (cases.iter())
        .map(|(tag, book)| {
            let path = dir().join(format!("{tag}-xls{xls}.xlsx"));
            book.write_xlsx(&path);
            path
        })
        .collect();
    match xls {
        true => lo::convert_all(&paths, "xls", &dir().join("xls")),
        false => paths,
    }
}

/// The variants of each book whose reading differs from the book's, described.
fn differing(books: &[&str], header: bool, names: &[bool], xls: bool) -> Vec<String> {
    let cases = cases(books, header, names);
    let paths = written(&cases, xls);
    let readings: Vec<Reading> = paths.iter().map(|p| reading(p)).collect();
    let mut failed = Vec::new();
    // Each book's cases: the book as written, then its variants.
    let per_book = 1 + names.len();
    for (group, read) in cases.chunks(per_book).zip(readings.chunks(per_book)) {
        let (want_code, want) = &read[0];
        for ((tag, _), (code, got)) in group.iter().zip(read).skip(1) {
            let lost: Vec<_> = want
                .iter()
                .filter(|(k, v)| got.get(*k) != Some(v))
                .collect();
            let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
            if code != want_code || !lost.is_empty() || !extra.is_empty() {
                failed.push(format!(
                    "{tag}: exit {code} (want {want_code}), {} lost/changed {:?}, {} extra {:?}",
                    lost.len(),
                    lost.iter().take(4).collect::<Vec<_>>(),
                    extra.len(),
                    extra.iter().take(4).collect::<Vec<_>>()
                ));
            }
        }
    }
    failed
}

#[test]
fn a_title_printed_only_in_the_page_header_names_the_form() {
    let failed = differing(&BOOKS, true, &[false, true], false);
    assert!(
        failed.is_empty(),
        "{} of {} cases:\n{}",
        failed.len(),
        2 * BOOKS.len(),
        failed.join("\n")
    );
}

#[test]
fn a_note_under_the_table_is_no_title() {
    // No title anywhere: each sheet is its form by its name, never by the note under it.
    // (The performance forms' headers name years only their titles state.)
    let failed = differing(&BOOKS[..2], false, &[false], false);
    assert!(
        failed.is_empty(),
        "{} of 2 cases:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn an_xls_title_printed_only_in_the_page_header_names_the_form() {
    let failed = differing(&BOOKS, true, &[false, true], true);
    assert!(
        failed.is_empty(),
        "{} of {} cases:\n{}",
        failed.len(),
        2 * BOOKS.len(),
        failed.join("\n")
    );
}
