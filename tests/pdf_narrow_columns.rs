//! Filled forms printed to PDF by LibreOffice as a clerk prints them with label columns narrower than their labels: the figures read from the PDF are the workbook's, and the print adds no error.
//!
//! A label longer than its column runs on over the cell to its right when that cell is empty
//! (`十五、商业服务业等支|出`) and is cut short under a filled one (`一、一般公共预算财政` |
//! 2,940.05). The set: the 决算 and 预算 fixtures' forms in seeded layouts
//! (tests/support/layout_gen.rs), every text column cut to one of several widths, printed once
//! per test binary and shared by the tests.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/lo.rs"]
mod lo;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Widths (characters; a Chinese character takes about two) the text columns are cut to.
const WIDTHS: [f64; 3] = [16.0, 19.0, 23.0];

/// (fixture, layout seed, the 行次 columns left out) of each workbook printed at every width.
/// Without its 行次 column, a fixed row is known by its label alone, cut or not.
const BOOKS: [(&str, u64, bool); 3] = [
    ("seed001_final.grid", 11, false),
    ("seed001_final.grid", 12, true),
    ("seed002_budget.grid", 13, true),
];

/// The tables the fixtures' forms are printed from: the ledgers, not the 绩效目标表, whose
/// columns of long texts (indicators, scoring) a clerk never cuts.
fn printed(form: &fiscalform::form::Form) -> bool {
    !matches!(form.id.as_str(), "budget-09" | "budget-10")
}

/// One printed case: the workbook and the PDF LibreOffice printed from it.
struct Case {
    tag: String,
    xlsx: PathBuf,
    pdf: PathBuf,
}

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-narrow-columns")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The renderings of a fixture's forms in one workbook (one sheet each), without their 行次
/// columns when `no_lines`.
fn drawn_book(fixture: &str, seed: u64, no_lines: bool) -> layout_gen::Rendered {
    let catalog = fiscalform::form::Catalog::embedded().unwrap();
    let read = fiscalform::load::recognize_book(&catalog, &layout_gen::fixture_book(fixture));
    let no_line = layout_gen::Variation::NoLineColumn;
    let mut drawn = read
        .forms
        .iter()
        .filter(|(form, _)| printed(form))
        .enumerate()
        .map(|(i, (form, data))| {
            let seed = seed * 100 + i as u64;
            match no_lines && no_line.applies(form) {
                true => layout_gen::render(form, data, &[no_line], seed),
                false => layout_gen::passing_layout(form, data, 2, seed),
            }
        });
    let mut book = drawn.next().expect("a form");
    for r in drawn {
        book.book.sheets.extend(r.book.sheets);
        book.ruled.extend(r.ruled);
    }
    book
}

/// Every case, printed once.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        lo::require_chinese_font();
        let mut out = Vec::new();
        for (fixture, seed, no_lines) in BOOKS {
            let book = drawn_book(fixture, seed, no_lines);
            for width in WIDTHS {
                let tag = format!("{}-{seed}-w{width}", fixture.trim_end_matches(".grid"));
                let d = dir(&tag);
                let xlsx = d.join(format!("{tag}.xlsx"));
                book.write_printed_xlsx(&xlsx, Some(width));
                let pdf = lo::convert(&xlsx, "pdf", &d);
                out.push(Case { tag, xlsx, pdf });
            }
        }
        out
    })
}

/// The errors `check` finds, as `form cell rule` lines.
fn errors(path: &Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    cli::findings(&report)
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f["form"], f["cell"], f["rule"], f["message"]
            )
        })
        .collect()
}

#[test]
fn figures_read_from_a_narrow_print_are_the_workbooks() {
    let mut failed = Vec::new();
    for case in cases() {
        let (xlsx, pdf) = (export::exported(&case.xlsx), export::exported(&case.pdf));
        let (want, got) = (export::figures(&xlsx), export::figures(&pdf));
        assert!(!want.is_empty(), "{}: no figure in the workbook", case.tag);
        let keys: std::collections::BTreeSet<_> = want.keys().chain(got.keys()).collect();
        let wrong: Vec<String> = keys
            .into_iter()
            .filter(|k| want.get(*k) != got.get(*k))
            .map(|k| format!("{} {}: {:?} / {:?}", k.0, k.1, want.get(k), got.get(k)))
            .collect();
        if !wrong.is_empty() {
            failed.push(format!(
                "{} ({} cells): {}",
                case.tag,
                wrong.len(),
                wrong.join("; ")
            ));
        }
    }
    none_failed("read other figures", &failed);
}

/// Fails naming the prints in `failed` and what they did.
fn none_failed(what: &str, failed: &[String]) {
    let all = cases().len();
    let shown = failed.join("\n");
    assert!(
        failed.is_empty(),
        "{} of {all} prints {what}:\n{shown}",
        failed.len()
    );
}

#[test]
fn a_narrow_print_adds_no_error() {
    let mut failed = Vec::new();
    let place = |f: &String| f.split(':').next().unwrap_or_default().to_string();
    for case in cases() {
        let before: Vec<String> = errors(&case.xlsx).iter().map(place).collect();
        let added: Vec<String> = errors(&case.pdf)
            .into_iter()
            .filter(|f| !before.contains(&place(f)))
            .collect();
        if !added.is_empty() {
            failed.push(format!("{}: {}", case.tag, added.join("\n  ")));
        }
    }
    none_failed("found more errors", &failed);
}

/// The narrowest prints cut labels, and each cut label read is said, naming the row taken.
#[test]
fn a_cut_label_read_is_said() {
    let mut said = 0;
    for case in cases()
        .iter()
        .filter(|c| c.tag.ends_with(&format!("w{}", WIDTHS[0])))
    {
        let (_, report) = cli::check_json(&case.pdf);
        for f in cli::findings(&report) {
            if f["rule"] == "cut-label" {
                let message = f["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("名称被截断") && message.contains("已按“"),
                    "{message}"
                );
                said += 1;
            }
        }
    }
    assert!(said > 0, "no cut label said in the narrowest prints");
}

/// The errors and warnings `check` gives a reviewer's file under tests/fixtures/review, and its
/// findings of the cut-label rule, of any severity.
fn review_findings(name: &str) -> (Vec<String>, Vec<String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review")
        .join(name);
    let (_, report) = cli::check_json(&path);
    let all = cli::findings(&report);
    let said = |f: &Value| format!("{} {} {}", f["rule"], f["cell"], f["message"]);
    let errors = all.iter().filter(|f| f["severity"] == "error").map(said);
    let cut = all.iter().filter(|f| f["rule"] == "cut-label").map(said);
    (errors.collect(), cut.collect())
}

/// A workbook's own shorter wording (公开04表's income rows as 一般公共预算 / 政府性基金预算 /
/// 国有资本经营预算) is no label cut by a printer: it is never taken for a later row it begins
/// (一般公共预算财政拨款 under 年初结转和结余, which moved 2,940.05 there and gave two false errors).
#[test]
fn a_workbooks_short_label_is_not_taken_as_cut() {
    let (errors, cut) = review_findings("04收入行简写.xlsx");
    assert!(cut.is_empty(), "{cut:?}");
    // Row 1's 21.63 is never compared as if it were the income (the moved rows' sums).
    let moved: Vec<&String> = (errors.iter())
        .filter(|e| e.contains("应为 21.63") || e.contains("\"B32\""))
        .collect();
    assert!(moved.is_empty(), "{moved:?}");
}

/// A label running on over a filled cell, printed by a writer that does not clip it (公开03表's
/// `社会保障和就业支|出` over 326.72), and right-aligned labels running back over the empty amount
/// cell on their left (公开01表 at a label width of 12): the amounts stay numbers in their cells.
#[test]
fn labels_over_a_rule_leave_the_amounts_beside_them() {
    for name in ["03-标签越线不裁剪.pdf", "01-标签右对齐窄列.pdf"] {
        let (errors, _) = review_findings(name);
        let not_numbers: Vec<&String> = errors.iter().filter(|e| e.contains("应为数字")).collect();
        let mangled: Vec<&String> = (not_numbers.iter().copied())
            .filter(|e| e.contains("326.72") || e.contains("0.94") || e.contains("445.69"))
            .collect();
        assert!(mangled.is_empty(), "{name}: {mangled:?}");
        let sums: Vec<&String> = (errors.iter())
            .filter(|e| e.contains("balance") || e.contains("hierarchy"))
            .collect();
        assert!(sums.is_empty(), "{name}: {sums:?}");
    }
}
