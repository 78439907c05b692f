//! Two forms printed by LibreOffice each on a page of its own, only its table (the print area), both tables standing as high and of different widths: the second form's page opens with a header at the same height as the table before it, as a page of further columns of that table would. It is another form: the PDF reads as two tables, neither said to hold further columns of the other. Every pair of consecutive forms of seed 001's 决算, seed 002's 预算 and the real Putuo 决算 (as typed) is printed.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use std::path::{Path, PathBuf};
use std::process::Command;
use xorshift::Xorshift;

/// One print: paper, orientation, and the height (points) of a row of the taller table.
#[derive(Debug)]
struct Print {
    paper: &'static str,
    orientation: &'static str,
    row: u32,
}

impl Print {
    fn draw(rng: &mut Xorshift) -> Print {
        Print {
            paper: ["A3", "A4"][rng.below(2)],
            orientation: "landscape",
            row: [12, 14][rng.below(2)],
        }
    }
}

/// What the print script did with a pair of sheets.
enum Pair {
    Printable(PathBuf),
    /// The two sheets are as wide: the second would read as the first going on.
    AsWide,
    NoMore,
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-forms-same-height")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sheets `first` and `first + 1` of `xlsx` set to print as `print` says, tables alone
/// (tests/support/lo_same_height.py).
fn printable(xlsx: &Path, print: &Print, first: usize) -> Pair {
    let out = xlsx.with_file_name(format!("pair{first}.xlsx"));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/lo_same_height.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(xlsx)
        .arg(&out)
        .arg(print.paper)
        .arg(print.orientation)
        .arg(print.row.to_string())
        .arg(first.to_string())
        .status()
        .expect("run python3");
    match status.code() {
        Some(0) => Pair::Printable(out),
        Some(3) => Pair::AsWide,
        Some(4) => Pair::NoMore,
        _ => panic!("lo_same_height.py {print:?} {first} failed"),
    }
}

/// How the PDF at `pdf` reads otherwise than as two tables of their own: the sheets it
/// reads, and the findings saying a table holds further columns of another.
fn misread(pdf: &Path) -> Option<String> {
    let path = pdf.to_str().unwrap();
    let (_, explained, _) = cli::run(&["explain", path]);
    let sheets = explained
        .lines()
        .filter(|l| l.starts_with("工作表“"))
        .count();
    let (_, checked, _) = cli::run(&["check", "--format", "json", path]);
    let doc: serde_json::Value = serde_json::from_str(&checked).unwrap();
    let findings = doc["files"][0]["findings"].as_array().unwrap();
    let said: Vec<&str> = (findings.iter())
        .filter(|f| f["rule"] == "columns-on-later-page")
        .filter_map(|f| f["message"].as_str())
        .collect();
    (sheets != 2 || !said.is_empty()).then(|| format!("{sheets} sheets; {said:?}"))
}

/// The pairs of consecutive forms of `book` that read otherwise than as two tables.
fn misread_pairs(book: &Path, seed: u64) -> Vec<String> {
    lo::require_chinese_font();
    let print = Print::draw(&mut Xorshift(seed));
    let mut failed = Vec::new();
    for first in 0.. {
        let xlsx = match printable(book, &print, first) {
            Pair::Printable(xlsx) => xlsx,
            Pair::AsWide => continue,
            Pair::NoMore => break,
        };
        let pdf = lo::convert(&xlsx, "pdf", book.parent().unwrap());
        if let Some(how) = misread(&pdf) {
            failed.push(format!("sheets {first}, {}: {how}", first + 1));
        }
    }
    failed
}

fn assert_each_read_alone(book: &Path, seed: u64) {
    let failed = misread_pairs(book, seed);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// A fixture's forms as a workbook in a folder of the test's own.
fn fixture_book(name: &str) -> PathBuf {
    let out = scratch(name).join("forms.xlsx");
    grid::fixture(name).write_xlsx(&out);
    out
}

#[test]
fn final_forms_as_high_as_the_one_before_read_each_alone() {
    assert_each_read_alone(&fixture_book("seed001_final.grid"), 0x0048_f001);
}

#[test]
fn budget_forms_as_high_as_the_one_before_read_each_alone() {
    assert_each_read_alone(&fixture_book("seed002_budget.grid"), 0x0048_b002);
}

#[test]
fn real_final_forms_as_high_as_the_one_before_read_each_alone() {
    let real = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx");
    let book = scratch("real").join("forms.xlsx");
    std::fs::copy(real, &book).unwrap();
    assert_each_read_alone(&book, 0x0048_7ea1);
}
