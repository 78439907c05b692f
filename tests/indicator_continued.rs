//! Indicator tables (绩效自评 附件2, 预算 绩效目标表) continued by hand in Word: cut at every row into two tables with or without a `续表` line between, their header rows typed again over the continuation (or typed again in the middle of one table) — read back as the uncut table, with its findings.

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

use continued::{ambiguous_cut, check, indicator_header, seed_sheets, table_end, unlike, Rows};
use docx::{Continued, WordLayout};
use fiscalform::read::Sheet;

fn scratch(tag: &str) -> std::path::PathBuf {
    continued::scratch("indicator-continued", tag)
}

/// The indicator tables of the seeds as workbook sheets: 附件2 of seed 000, the 部门整体 form
/// of seed 001, both 绩效目标表 of seed 002.
fn indicator_sheets(d: &Path) -> Vec<Sheet> {
    let wanted = [
        ("seed000_perf", "附件2"),
        ("seed001_perf", "部门整体支出绩效自评表"),
        ("seed002_budget", "项目支出绩效目标表"),
        ("seed002_budget", "部门整体支出绩效目标表"),
    ];
    seed_sheets(d, &wanted)
}

/// The ways a clerk continues a table after a row: a new table under `续表` (header typed
/// again or not), a new table with the header typed again and no 续表 line, and the header
/// typed again in the middle of the same table.
fn continuations(header: Rows) -> [(Option<Rows>, Option<bool>); 4] {
    [
        (None, Some(true)),
        (Some(header), Some(true)),
        (Some(header), Some(false)),
        (Some(header), None),
    ]
}

/// The base layout of the indicator sheets in Word: two lines (附件, title) over the table,
/// landscape.
fn base_layout() -> WordLayout {
    WordLayout {
        lines_above: Some(2),
        landscape: true,
        ..WordLayout::default()
    }
}

/// Each indicator sheet typed in Word uncut and continued after each of its indicator rows in
/// each of [`continuations`]: the documents that read unlike the uncut one, and how many were read.
fn docx_misreads(tag: &str) -> (Vec<String>, usize) {
    let d = scratch(tag);
    let mut problems = Vec::new();
    let mut tried = 0;
    for (s, sheet) in indicator_sheets(&d).iter().enumerate() {
        let base = base_layout();
        let uncut = d.join(format!("{s}-uncut.docx"));
        docx::ruled_form_docx(std::slice::from_ref(sheet), &base, &uncut);
        let header = indicator_header(sheet);
        for row in (header.1 + 1..table_end(sheet)).filter(|&r| !ambiguous_cut(sheet, r)) {
            for (k, (again, split)) in continuations(header).into_iter().enumerate() {
                let layout = WordLayout {
                    continued: Some(Continued {
                        row,
                        header: again,
                        split,
                        new_page: false,
                    }),
                    ..base.clone()
                };
                let path = d.join(format!("{s}-{row}-{k}.docx"));
                docx::ruled_form_docx(std::slice::from_ref(sheet), &layout, &path);
                tried += 1;
                problems.extend(unlike(&uncut, &path));
            }
        }
    }
    (problems, tried)
}

/// Word documents whose indicator table is continued after any row — under `续表` or not,
/// the header typed again or not, in a table of its own or the same one — read as the uncut
/// table, with its findings.
#[test]
fn indicator_tables_continued_in_word_read_as_one_table() {
    check(docx_misreads("docx"));
}
