//! 部门公开表09/10 (the seed 002 budget's 绩效目标 forms) printed by LibreOffice fitted to the page's width, so the print is shrunk and its text a few points high: the 部门名称 line right over the table stays a line above it, and the figures read from the PDF (单位编码 of every row under its merged cell, the 合计 资金总额) are the workbook's.

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

/// The fixture's sheets printed: 部门公开表09 and 10.
const SHEETS: [&str; 2] = ["项目支出绩效目标表", "部门整体支出绩效目标表"];
/// The first cell of both forms' header: the tables' rules start at its row.
const HEADER: &str = "单位编码";
/// How many prints the generator draws.
const PRINTS: usize = 8;

/// One print: paper, orientation and the factor columns are widened by.
#[derive(Debug)]
struct Print {
    paper: &'static str,
    orientation: &'static str,
    widen: f64,
}

impl Print {
    fn draw(rng: &mut Xorshift) -> Print {
        Print {
            paper: ["A3", "A4", "A5"][rng.below(3)],
            orientation: ["portrait", "landscape"][rng.below(2)],
            widen: 1.0 + 0.25 * rng.below(3) as f64,
        }
    }

    fn tag(&self) -> String {
        format!("{}-{}-x{}", self.paper, self.orientation, self.widen)
    }
}

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-fit-width");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The fixture's 09/10 sheets as a workbook in `dir`.
fn forms_workbook(dir: &Path) -> PathBuf {
    let book = grid::fixture("seed002_budget.grid");
    let sheets = SHEETS.iter().map(|s| book.sheet(s).clone()).collect();
    let out = dir.join("forms.xlsx");
    GridBook { sheets }.write_xlsx(&out);
    out
}

/// `xlsx` ruled and set to print fitted to the width as `print` says
/// (tests/support/lo_fit_width.py).
fn printable(xlsx: &Path, print: &Print, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}.xlsx", print.tag()));
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/lo_fit_width.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(xlsx)
        .arg(&out)
        .arg(HEADER)
        .arg(print.paper)
        .arg(print.orientation)
        .arg(print.widen.to_string())
        .status()
        .expect("run python3");
    assert!(status.success(), "lo_fit_width.py {print:?} failed");
    out
}

/// The figures the PDF `pdf` reads otherwise than its workbook `xlsx`.
fn differences(xlsx: &Path, pdf: &Path) -> Vec<String> {
    let want = export::figures(&export::exported(xlsx));
    let got = export::figures(&export::exported(pdf));
    want.keys()
        .chain(got.keys().filter(|k| !want.contains_key(*k)))
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| format!("{k:?}: workbook {:?}, PDF {:?}", want.get(k), got.get(k)))
        .collect()
}

#[test]
fn forms_shrunk_to_the_page_width_read_as_the_workbook() {
    lo::require_chinese_font();
    let dir = scratch();
    let forms = forms_workbook(&dir);
    let mut rng = Xorshift(0x0910_f17);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let print = Print::draw(&mut rng);
        let xlsx = printable(&forms, &print, &dir);
        let pdf = lo::convert(&xlsx, "pdf", &dir);
        let diff = differences(&xlsx, &pdf);
        if !diff.is_empty() {
            let shown = diff.iter().take(6).cloned().collect::<Vec<_>>();
            failed.push(format!(
                "{print:?}: {} figures differ:\n  {}",
                diff.len(),
                shown.join("\n  ")
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {PRINTS} prints:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
