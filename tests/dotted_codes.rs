//! 科目 codes written with their levels apart — dotted (`201.05.07`), dashed (`201-05`) or
//! spaced — in their own column or before the name in one cell (`201.05 统计信息事务`), in a
//! workbook (as text, or the dotted 款 typed as a number formatted `0.00`) or a Word document:
//! every 科目 table of the seeds reads as its plain table does, and is audited alike.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/continued.rs"]
mod continued;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use std::path::Path;

use docx::WordLayout;
use fiscalform::read::{Cell, Sheet};
use rust_decimal::Decimal;

/// The fixtures whose 科目 tables are rewritten.
const FIXTURES: [&str; 2] = ["seed001_final", "seed002_budget"];

/// What stands between a code's levels.
#[derive(Clone, Copy, Debug)]
enum Apart {
    Dot,
    Dash,
    Space,
}

impl Apart {
    fn text(self) -> &'static str {
        match self {
            Apart::Dot => ".",
            Apart::Dash => "-",
            Apart::Space => " ",
        }
    }
}

/// Where a code is written: in its own column, or before the name in the name's cell (the
/// code's cell then holding both, the name's left blank).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    OwnColumn,
    WithName,
}

/// The file a clerk writes the table in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A workbook, the codes as text.
    XlsxText,
    /// A workbook, each dotted 款 code typed as a number (201.05) formatted `0.00`.
    XlsxNumber,
    Docx,
}

/// A 科目 code cell of a table: its row, its column, the code.
type CodeCell = (u32, u16, String);

/// The cells of `sheet` holding a 科目 code (three, five or seven digits) with a name beside.
fn code_cells(sheet: &Sheet) -> Vec<CodeCell> {
    let code = |cell: &Cell| {
        let text = match cell {
            Cell::Number(d) if d.fract().is_zero() => d.to_string(),
            Cell::Text(t) => t.trim().to_string(),
            _ => return None,
        };
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        (digits && [3, 5, 7].contains(&text.len())).then_some(text)
    };
    let named = |r: u32, c: u16| sheet.get(r, c).as_text().is_some_and(|t| !t.is_ascii());
    (0..sheet.height())
        .flat_map(|r| (0..sheet.width()).map(move |c| (r, c)))
        .filter(|&(r, c)| named(r, c + 1))
        .filter_map(|(r, c)| Some((r, c, code(sheet.get(r, c))?)))
        .collect()
}

/// `code` with its levels (three digits, then two and two) apart.
fn apart(code: &str, how: Apart) -> String {
    let levels: Vec<&str> = [0..3, 3..5, 5..7]
        .into_iter()
        .filter_map(|r| code.get(r))
        .collect();
    levels.join(how.text())
}

/// `sheet` with its code cells rewritten `how`, placed as `place`; for `Kind::XlsxNumber` the
/// dotted 款 codes as numbers. Also the cells to format `0.00`.
fn rewritten(sheet: &Sheet, how: Apart, place: Place, kind: Kind) -> (Sheet, Vec<(u32, u16)>) {
    let mut cells: std::collections::BTreeMap<(u32, u16), Cell> =
        sheet.cells().map(|(r, c, v)| ((r, c), v.clone())).collect();
    let mut formatted = Vec::new();
    for (r, c, code) in code_cells(sheet) {
        let written = apart(&code, how);
        let cell = match (place, kind) {
            (Place::OwnColumn, Kind::XlsxNumber) if code.len() == 5 => {
                formatted.push((r, c));
                Cell::Number(written.parse::<Decimal>().unwrap())
            }
            (Place::OwnColumn, _) => Cell::Text(written),
            (Place::WithName, _) => {
                let name = cells.remove(&(r, c + 1)).unwrap().to_string();
                Cell::Text(format!("{written} {}", name.trim()))
            }
        };
        cells.insert((r, c), cell);
    }
    let cells: Vec<_> = cells.into_iter().map(|((r, c), v)| (r, c, v)).collect();
    let sheet = Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec());
    (sheet, formatted)
}

/// `sheet` written as a workbook at `path`, the cells `formatted` formatted `0.00`.
fn write_xlsx(sheet: &Sheet, formatted: &[(u32, u16)], path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(&sheet.name).unwrap();
    let plain = rust_xlsxwriter::Format::new();
    let two_places = rust_xlsxwriter::Format::new().set_num_format("0.00");
    for m in sheet.merges() {
        (ws.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, "", &plain)).unwrap();
    }
    for (r, c, cell) in sheet.cells() {
        let format = match formatted.contains(&(r, c)) {
            true => &two_places,
            false => &plain,
        };
        match cell {
            Cell::Number(d) => {
                let n = d.to_string().parse::<f64>().unwrap();
                ws.write_number_with_format(r, c, n, format)
            }
            other => ws.write_string_with_format(r, c, other.to_string(), format),
        }
        .unwrap();
    }
    wb.save(path).unwrap();
}

/// `sheet` written as a file of `kind` at `path` (its extension set).
fn write(sheet: &Sheet, formatted: &[(u32, u16)], kind: Kind, path: &Path) -> std::path::PathBuf {
    match kind {
        Kind::Docx => {
            let path = path.with_extension("docx");
            // A budget form has no 表号 line: its unit line is its second.
            let unit_second =
                (0..sheet.width()).any(|c| sheet.get(1, c).to_string().contains("单位"));
            let layout = WordLayout {
                lines_above: unit_second.then_some(2),
                ..WordLayout::default()
            };
            docx::ruled_form_docx(std::slice::from_ref(sheet), &layout, &path);
            path
        }
        _ => {
            let path = path.with_extension("xlsx");
            write_xlsx(sheet, formatted, &path);
            path
        }
    }
}

/// The seeds' sheets holding 科目 codes, each read back from a workbook written in `d`.
fn coded_sheets(d: &Path) -> Vec<Sheet> {
    let wanted: Vec<(&str, String)> = FIXTURES
        .iter()
        .flat_map(|f| {
            let book = grid::fixture(&format!("{f}.grid"));
            let names: Vec<String> = book.sheets.iter().map(|s| s.name.clone()).collect();
            names.into_iter().map(move |n| (*f, n))
        })
        .collect();
    let wanted: Vec<(&str, &str)> = wanted.iter().map(|(f, n)| (*f, n.as_str())).collect();
    continued::seed_sheets(d, &wanted)
        .into_iter()
        .filter(|s| code_cells(s).iter().any(|(_, _, code)| code.len() == 5))
        .collect()
}

/// Each 科目 sheet of the seeds with its codes written each way in each kind of file, read
/// unlike the plain sheet in the same kind of file: how each reads otherwise, and how many
/// were read.
fn misreads(tag: &str, kinds: &[Kind]) -> (Vec<String>, usize) {
    let d = continued::scratch("dotted-codes", tag);
    let mut problems = Vec::new();
    let mut tried = 0;
    for (s, sheet) in coded_sheets(&d).iter().enumerate() {
        for &kind in kinds {
            let plain = write(
                sheet,
                &[],
                kind,
                &d.join(format!("{s}-{}-plain", sheet.name)),
            );
            for how in [Apart::Dot, Apart::Dash, Apart::Space] {
                for place in [Place::OwnColumn, Place::WithName] {
                    let numbers = kind == Kind::XlsxNumber;
                    if numbers && !matches!((how, place), (Apart::Dot, Place::OwnColumn)) {
                        continue;
                    }
                    let (written, formatted) = rewritten(sheet, how, place, kind);
                    let name = format!("{s}-{}-{how:?}-{place:?}-{kind:?}", sheet.name);
                    let path = write(&written, &formatted, kind, &d.join(name));
                    tried += 1;
                    problems.extend(continued::unlike(&plain, &path));
                }
            }
        }
    }
    (problems, tried)
}

fn assert_read_alike((problems, tried): (Vec<String>, usize)) {
    assert!(tried > 0, "no 科目 table found in the seeds");
    assert!(
        problems.is_empty(),
        "{} of {tried} tables with codes written apart read unlike the plain table:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn codes_apart_in_workbooks_read_as_the_plain_codes() {
    assert_read_alike(misreads("xlsx", &[Kind::XlsxText, Kind::XlsxNumber]));
}

#[test]
fn codes_apart_in_word_documents_read_as_the_plain_codes() {
    assert_read_alike(misreads("docx", &[Kind::Docx]));
}
