//! Filled 公开01/02/04/05表 printed by LibreOffice as clerks print them: label columns 8–14 characters wide, labels wrapped (left, right or centred) in rows that keep their height, so each wrapped label is printed over the rows around it, on A4 or A5 pages: the figures and errors read from the PDF are the workbook's.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use xorshift::Xorshift;

/// The sheets printed: the forms whose labels wrap the most.
const SHEETS: &str = "公开01表,公开02表,公开04表,公开05表";
/// How many prints the generator draws.
const PRINTS: usize = 10;

/// One print: label column width (characters), alignment, paper and row height (points).
#[derive(Debug)]
struct Print {
    width: usize,
    align: &'static str,
    paper: &'static str,
    row_height: f64,
}

impl Print {
    /// A print drawn from `rng`. Rows of A5 pages are kept 13.5 points high or more: at 13
    /// points or less, 公开02表's last 科目 and 公开04表's 一般公共预算 column are lost still.
    fn draw(rng: &mut Xorshift) -> Print {
        let paper = ["A4", "A5"][rng.below(2)];
        let lowest = if paper == "A4" { 12.0 } else { 13.5 };
        Print {
            width: 8 + rng.below(7),
            align: ["left", "right", "center"][rng.below(3)],
            paper,
            row_height: lowest + 0.5 * rng.below(4) as f64,
        }
    }

    fn tag(&self) -> String {
        format!(
            "w{}{}-{}-h{}",
            self.width, self.align, self.paper, self.row_height
        )
    }
}

fn manifest(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The sample workbook restyled for `print` (tests/support/lo_wrap_labels.py) in `dir`.
fn restyled(print: &Print, dir: &Path) -> PathBuf {
    let out = dir.join(format!("{}.xlsx", print.tag()));
    let status = Command::new("python3")
        .arg(manifest("tests/support/lo_wrap_labels.py"))
        .arg(manifest("tests/fixtures/sample/2023决算-株洲.xlsx"))
        .arg(&out)
        .arg(SHEETS)
        .arg(print.width.to_string())
        .arg(print.align)
        .arg(print.paper)
        .arg(print.row_height.to_string())
        .status()
        .expect("run python3");
    assert!(status.success(), "restyling for {print:?} failed");
    out
}

/// The figures of `path`: (form, logical cell) → number, zero as blank.
fn figures(path: &Path) -> BTreeMap<(String, String), Decimal> {
    export::logical_cells(&export::exported(path), &[])
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_str()?.parse::<Decimal>().ok()?)))
        .filter(|(_, n)| !n.is_zero())
        .collect()
}

/// The errors `check` finds in `path`, as `form rule` lines, sorted.
fn errors(path: &Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let mut out: Vec<String> = cli::findings(&report)
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| format!("{} {}", f["form"], f["rule"]))
        .collect();
    out.sort();
    out
}

/// What the PDF of `xlsx` reads otherwise than the workbook: figures and errors.
fn differences(xlsx: &Path, pdf: &Path) -> Vec<String> {
    let (want, got) = (figures(xlsx), figures(pdf));
    let mut out: Vec<String> = want
        .keys()
        .chain(got.keys())
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| format!("{k:?}: workbook {:?}, PDF {:?}", want.get(k), got.get(k)))
        .collect();
    let (want, got) = (errors(xlsx), errors(pdf));
    if want != got {
        out.push(format!("errors: workbook {want:?}, PDF {got:?}"));
    }
    out
}

fn scratch() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pdf-wrapped-labels");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn wrapped_labels_printed_over_their_rows_read_as_the_workbook() {
    lo::require_chinese_font();
    let dir = scratch();
    let mut rng = Xorshift(0x25_a5_0c);
    let mut failed = Vec::new();
    for _ in 0..PRINTS {
        let print = Print::draw(&mut rng);
        let xlsx = restyled(&print, &dir);
        let pdf = lo::convert(&xlsx, "pdf", &dir);
        let diff = differences(&xlsx, &pdf);
        if !diff.is_empty() {
            failed.push(format!(
                "{} ({print:?}):\n  {}",
                pdf.display(),
                diff.join("\n  ")
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The real disclosure's workbook (no 行次 columns) with the labels of 公开01/04表 cut as a
/// narrow print shows them when a wrapped label's first line, and maybe its last, is cut off
/// (tests/support/clip_labels.py, seeded): each cut label still names its row, the next of
/// the rows it fits down the form (公开04表's 一般公共预算财政拨款 under 年初结转和结余 too).
#[test]
fn labels_cut_to_their_middle_lines_name_their_rows() {
    let dir = scratch();
    // Exported beside itself: a copy, so the fixtures folder is left as it is.
    let real = dir.join("real.xlsx");
    std::fs::copy(
        manifest("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx"),
        &real,
    )
    .unwrap();
    let mut failed = Vec::new();
    for seed in 1..=8 {
        let cut = dir.join(format!("cut-{seed}.xlsx"));
        let out = Command::new("python3")
            .arg(manifest("tests/support/clip_labels.py"))
            .arg(&real)
            .arg(&cut)
            .arg(seed.to_string())
            .arg("收入支出决算总表,财政拨款收入支出决算总表")
            .output()
            .expect("run python3");
        assert!(out.status.success(), "cutting labels (seed {seed}) failed");
        let diff = differences(&real, &cut);
        if !diff.is_empty() {
            let cuts = String::from_utf8_lossy(&out.stdout);
            failed.push(format!("seed {seed}:\n{cuts}  {}", diff.join("\n  ")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
