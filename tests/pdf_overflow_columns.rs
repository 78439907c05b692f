//! 公开01/02/03/05表 (seed 001's 决算) printed by LibreOffice wider than the page and not fitted to its width: the right-hand columns go on later pages ("down, then over"), and with tall rows the rows over several pages too, all row-pages of the left part first. The figures read from the PDF are the workbook's.

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

use grid::GridBook;
use std::path::{Path, PathBuf};
use std::process::Command;
use xorshift::Xorshift;

/// The forms printed: each wider than the page when its columns are widened.
const SHEETS: [&str; 4] = ["公开01表", "公开02表", "公开03表", "公开05表"];
/// The first cell of the forms' header: the tables' rules start at its row.
const HEADER: &str = "项目";
/// How many prints each test draws.
const PRINTS: usize = 5;

/// One print: paper, orientation, the factor columns are widened by, and for a long print
/// the rows' height (points) and whether the heading rows repeat on every page.
#[derive(Debug)]
struct Print {
    paper: &'static str,
    orientation: &'static str,
    widen: f64,
    tall_rows: Option<f64>,
    titles: bool,
}

impl Print {
    /// A print of each form on one page's height, its right-hand columns on the next.
    fn draw(rng: &mut Xorshift) -> Print {
        Print {
            paper: "A4",
            orientation: "portrait",
            widen: 1.0 + 0.25 * rng.below(3) as f64,
            tall_rows: None,
            titles: false,
        }
    }

    /// A print of tall rows: each form down over several pages, then over.
    fn draw_long(rng: &mut Xorshift) -> Print {
        Print {
            paper: "A4",
            orientation: "portrait",
            widen: 1.0 + 0.25 * rng.below(2) as f64,
            tall_rows: Some([24.0, 30.0][rng.below(2)]),
            titles: rng.below(2) == 1,
        }
    }

    fn tag(&self) -> String {
        let rows = self.tall_rows.map(|h| format!("-h{h}")).unwrap_or_default();
        let titles = if self.titles { "-titles" } else { "" };
        format!(
            "{}-{}-x{}{rows}{titles}",
            self.paper, self.orientation, self.widen
        )
    }
}

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-overflow-columns");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture's forms as a workbook in `dir`.
fn forms_workbook(dir: &Path) -> PathBuf {
    let book = grid::fixture("seed001_final.grid");
    let sheets = SHEETS.iter().map(|s| book.sheet(s).clone()).collect();
    let out = dir.join("forms.xlsx");
    GridBook { sheets }.write_xlsx(&out);
    out
}

/// `xlsx` ruled and set to print as `print` says (tests/support/lo_overflow.py).
fn printable(xlsx: &Path, print: &Print, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}.xlsx", print.tag()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/lo_overflow.py");
    let height = print.tall_rows.map_or("-".to_string(), |h| h.to_string());
    let status = Command::new("python3")
        .arg(script)
        .arg(xlsx)
        .arg(&out)
        .arg(HEADER)
        .arg(print.paper)
        .arg(print.orientation)
        .arg(print.widen.to_string())
        .arg(height)
        .arg(if print.titles { "titles" } else { "-" })
        .status()
        .expect("run python3");
    assert!(status.success(), "lo_overflow.py {print:?} failed");
    out
}

/// How many pages `pdf` has (pdfinfo).
fn page_count(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("run pdfinfo");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let pages = text.lines().find_map(|l| l.strip_prefix("Pages:"));
    pages.and_then(|p| p.trim().parse().ok()).unwrap_or(0)
}

/// The prints `draw` gives that read otherwise than their workbook, each with what differs.
fn misread_prints(seed: u64, draw: fn(&mut Xorshift) -> Print) -> Vec<String> {
    lo::require_chinese_font();
    // A folder per test: the tests run at once.
    let dir = scratch().join(format!("{seed:x}"));
    std::fs::create_dir_all(&dir).unwrap();
    let forms = forms_workbook(&dir);
    let mut rng = Xorshift(seed);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let print = draw(&mut rng);
        let xlsx = printable(&forms, &print, &dir);
        let pdf = lo::convert(&xlsx, "pdf", &dir);
        // Every form goes over at least two pages: the print is wider than the page.
        let pages = page_count(&pdf);
        assert!(pages >= 2 * SHEETS.len(), "{print:?}: {pages} pages");
        let diff = export::pdf_differences(&xlsx, &pdf);
        if !diff.is_empty() {
            let shown = diff.iter().take(6).cloned().collect::<Vec<_>>();
            failed.push(format!(
                "{print:?} ({pages} pages): {} figures differ:\n  {}",
                diff.len(),
                shown.join("\n  ")
            ));
        }
    }
    failed
}

#[test]
#[ignore = "known gap: 5 of 5 prints misread (78-104 figures): 公开01/02表's right-hand part prints under the sheet's 表号 and unit line, and a page with lines above its table is not taken for further columns; 公开03表 is cut inside its code and name columns"]
fn right_hand_columns_on_the_next_page_read_beside_their_rows() {
    let failed = misread_prints(0x0042_0c01, Print::draw);
    assert!(
        failed.is_empty(),
        "{} of {PRINTS} prints:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// A long form cut down and over: all row-pages of the left-hand columns, then all of the
/// right-hand ones, each page of these beside its page of those.
#[test]
#[ignore = "known gap: 5 of 5 prints misread (47-78 figures): the one-page prints' gaps above, over several row-pages"]
fn long_forms_cut_down_and_over_read_as_the_workbook() {
    let failed = misread_prints(0x0042_1095, Print::draw_long);
    assert!(
        failed.is_empty(),
        "{} of {PRINTS} prints:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
