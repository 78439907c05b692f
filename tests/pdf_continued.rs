//! Tables continued by hand on a new page, printed to PDF: the seeds' indicator tables (预算 绩效目标表, 绩效自评 附件2 and 附件3) and the sample's 公开02表 and 公开03表, typed in Word, cut after each row into a second table on the next page, under a `续表` line or none, its header rows typed again or not — read back as the uncut table's print, with its findings.

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

use std::path::PathBuf;

use continued::{ambiguous_cut, check, indicator_header, seed_sheets, table_end, unlike, Rows};
use docx::{Continued, WordLayout};
use fiscalform::read::Sheet;

/// A sheet as Word types it: its layout, and its header rows.
struct Typed {
    sheet: Sheet,
    layout: WordLayout,
    header: Rows,
}

/// The seeds' indicator tables: both 绩效目标表 of seed 002 (部门公开表10 and the 部门整体
/// one), 附件2 and 附件3-1 of seed 000; two lines (附件, title) over each, landscape.
fn indicator_tables(tag: &str) -> Vec<Typed> {
    let wanted = [
        ("seed002_budget", "项目支出绩效目标表"),
        ("seed002_budget", "部门整体支出绩效目标表"),
        ("seed000_perf", "附件2"),
        ("seed000_perf", "附件3-1"),
    ];
    let layout = WordLayout {
        lines_above: Some(2),
        landscape: true,
        ..WordLayout::default()
    };
    (seed_sheets(&continued::scratch("pdf-continued", tag), &wanted).into_iter())
        .map(|sheet| Typed {
            header: indicator_header(&sheet),
            sheet,
            layout: layout.clone(),
        })
        .collect()
}

/// 公开02表 and 公开03表 of the sample, as read from its workbook: three lines (title, 表号,
/// unit line) over each.
fn code_tables() -> Vec<Typed> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
    let sheets = fiscalform::read::read_workbook(&path).unwrap().sheets;
    (sheets.into_iter())
        .filter(|s| ["公开02表", "公开03表"].contains(&s.name.as_str()))
        .map(|sheet| Typed {
            header: (3, docx::header_end(&sheet, 3)),
            sheet,
            layout: WordLayout::default(),
        })
        .collect()
}

/// The ways a clerk continues a table on a new page: under a `续表` line, the header rows typed
/// again or not; the header typed again alone; nothing (the first two with a mark over the last
/// two, in that order: [`MARKED`]).
fn continuations(header: Rows) -> [Continued; 4] {
    [
        (None, true),
        (Some(header), true),
        (Some(header), false),
        (None, false),
    ]
    .map(|(header, mark)| Continued {
        row: 0,
        header,
        split: Some(mark),
        new_page: true,
    })
}

/// Each continuation under a `续表` line beside the same one without it, by index.
const MARKED: [(usize, usize); 2] = [(0, 3), (1, 2)];

/// How one cut print reads: the sheet, the row cut before, the way it was continued, and
/// how it reads unlike the uncut Word document (none: alike).
struct Read {
    sheet: usize,
    row: u32,
    way: usize,
    problem: Option<String>,
}

/// Each table typed uncut and cut after every `step`-th of its rows in each of
/// [`continuations`], printed to PDF: how each print (the uncut one's too, as way 4) reads.
fn pdf_reads(tag: &str, tables: &[Typed], step: usize) -> Vec<Read> {
    lo::require_chinese_font();
    let d = continued::scratch("pdf-continued", tag);
    let mut cases: Vec<(PathBuf, PathBuf, usize, u32, usize)> = Vec::new();
    for (s, t) in tables.iter().enumerate() {
        let sheet = std::slice::from_ref(&t.sheet);
        let uncut = d.join(format!("{s}-uncut.docx"));
        docx::ruled_form_docx(sheet, &t.layout, &uncut);
        cases.push((uncut.clone(), uncut.clone(), s, 0, 4));
        let rows = (t.header.1 + 1..table_end(&t.sheet)).filter(|&r| !ambiguous_cut(&t.sheet, r));
        for row in rows.step_by(step) {
            for (way, cut) in continuations(t.header).into_iter().enumerate() {
                let layout = WordLayout {
                    continued: Some(Continued { row, ..cut }),
                    ..t.layout.clone()
                };
                let path = d.join(format!("{s}-{row}-{way}.docx"));
                docx::ruled_form_docx(sheet, &layout, &path);
                cases.push((uncut.clone(), path, s, row, way));
            }
        }
    }
    let docs: Vec<PathBuf> = cases.iter().map(|c| c.1.clone()).collect();
    let pdfs = lo::convert_all(&docs, "pdf", &d.join("pdf"));
    (cases.into_iter().zip(&pdfs))
        .map(|((uncut, _, sheet, row, way), pdf)| Read {
            sheet,
            row,
            way,
            problem: unlike(&uncut, pdf),
        })
        .collect()
}

/// 公开02表 and 公开03表 continued on a new page after any row, in each of the ways, read as
/// the Word document.
#[test]
fn code_tables_continued_on_a_new_page_print_as_one_table() {
    let reads = pdf_reads("codes", &code_tables(), 1);
    let tried = reads.len();
    check((reads.into_iter().filter_map(|r| r.problem).collect(), tried));
}

/// The indicator tables continued on a new page under a `续表` line read as the Word document
/// wherever the same continuation without the line does: the line is no row, no title and no
/// cell's text, and the table goes on under it. (Where Word's own page breaks cut a tall
/// merged cell, the print reads apart from the document with or without the line.)
#[test]
fn indicator_tables_continued_under_a_mark_print_as_without_it() {
    let reads = pdf_reads("indicators", &indicator_tables("indicators"), 1);
    let find = |r: &Read, way: usize| {
        (reads.iter()).find(|o| (o.sheet, o.row, o.way) == (r.sheet, r.row, way))
    };
    let mut tried = 0;
    let mut problems = Vec::new();
    for r in reads.iter().filter(|r| MARKED.iter().any(|m| m.0 == r.way)) {
        let plain = MARKED.iter().find(|m| m.0 == r.way).map(|m| m.1).unwrap();
        if find(r, plain).is_some_and(|p| p.problem.is_none()) {
            tried += 1;
            problems.extend(r.problem.clone());
        }
    }
    check((problems, tried));
}
