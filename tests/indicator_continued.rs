//! Indicator tables (绩效自评 附件2, 预算 绩效目标表) continued by hand in Word: cut at every row into two tables with or without a `续表` line between, their header rows typed again over the continuation (or typed again in the middle of one table) — read back as the uncut table, with its findings.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use docx::{Continued, WordLayout};
use fiscalform::read::Sheet;
use serde_json::Value;

fn scratch(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("indicator-continued")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
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
    wanted
        .iter()
        .map(|(seed, name)| {
            let path = d.join(format!("{seed}-{}.xlsx", name.len()));
            let sheet = grid::fixture(&format!("{seed}.grid")).sheet(name).clone();
            grid::GridBook {
                sheets: vec![sheet],
            }
            .write_xlsx(&path);
            fiscalform::read::read_workbook(&path)
                .unwrap()
                .sheets
                .remove(0)
        })
        .collect()
}

fn squeezed(sheet: &Sheet, r: u32, c: u16) -> String {
    let mut t = sheet.get(r, c).to_string();
    t.retain(|ch| !ch.is_whitespace());
    t
}

/// The indicator header of `sheet`: from the first row of the merges its `一级指标` row is
/// part of, through that row.
fn indicator_header(sheet: &Sheet) -> (u32, u32) {
    let row = (0..sheet.height())
        .find(|&r| (0..sheet.width()).any(|c| squeezed(sheet, r, c) == "一级指标"))
        .expect("an indicator header");
    let first = sheet
        .merges()
        .iter()
        .filter(|m| m.first_row < row && row <= m.last_row)
        .map(|m| m.first_row)
        .fold(row, u32::min);
    (first, row + 1)
}

/// The last row of the table: notes (注…) and empty rows below it are paragraphs.
fn table_end(sheet: &Sheet) -> u32 {
    (0..sheet.height())
        .rev()
        .find(|&r| {
            let t = squeezed(sheet, r, 0);
            (0..sheet.width()).any(|c| !squeezed(sheet, r, c).is_empty()) && !t.starts_with('注')
        })
        .map_or(0, |r| r + 1)
}

/// Whether a cut before `row` leaves a lone blank box under it that nothing tells from a
/// box of its own: the last row of a merged box the cut splits (typed once, above), or a
/// box left blank as published right under a merged box ending above the cut (which a
/// merged box going on over the cut, blank below it, looks like).
fn ambiguous_cut(sheet: &Sheet, row: u32) -> bool {
    let merges = sheet.merges();
    let lone_rest = merges
        .iter()
        .any(|m| m.first_row < row && m.last_row == row);
    let blank_under_box = merges.iter().any(|m| {
        m.first_row + 1 < row
            && m.last_row + 1 == row
            && squeezed(sheet, row, m.first_col).is_empty()
            && !merges
                .iter()
                .any(|o| o.first_row < row && o.contains(row, m.first_col))
    });
    lone_rest || blank_under_box
}

/// Every logical cell of an export and every row's label, spaces squeezed out, amounts as
/// numbers: (form, cell) → value (see [`export::readings`]).
fn readings(doc: &Value) -> BTreeMap<(String, String), String> {
    let mut out = export::readings(doc);
    for v in out.values_mut() {
        v.retain(|c| !c.is_whitespace());
    }
    out
}

/// What `check --format json` finds in `path`, without where (its pages either), sorted.
fn findings(path: &Path) -> Vec<String> {
    let fields = ["form", "rule", "severity", "expected", "found", "message"];
    let mut found: Vec<String> = (cli::finding_fields(path, &fields).iter())
        .map(|f| without_pages(f))
        .collect();
    found.sort();
    found
}

/// `text` without the pages it names (`第3页 `): two prints of one table break pages apart.
fn without_pages(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('第') {
        out.push_str(&rest[..at]);
        let after = &rest[at + '第'.len_utf8()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match after[digits..].strip_prefix('页').filter(|_| digits > 0) {
            Some(tail) => rest = tail.trim_start(),
            None => {
                out.push('第');
                rest = after;
            }
        }
    }
    out + rest
}

/// How `path` reads unlike `uncut`: differing cells, and findings beyond or short of its.
fn unlike(uncut: &Path, path: &Path) -> Option<String> {
    let (want, got) = (
        readings(&export::exported(uncut)),
        readings(&export::exported(path)),
    );
    let keys: std::collections::BTreeSet<_> = want.keys().chain(got.keys()).collect();
    let cells: Vec<String> = keys
        .into_iter()
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| {
            format!(
                "{} {}: uncut {:?}, cut {:?}",
                k.0,
                k.1,
                want.get(k),
                got.get(k)
            )
        })
        .collect();
    let (a, b) = (findings(uncut), findings(path));
    let extra: Vec<&String> = b.iter().filter(|f| !a.contains(f)).collect();
    let lost: Vec<&String> = a.iter().filter(|f| !b.contains(f)).collect();
    (!cells.is_empty() || !extra.is_empty() || !lost.is_empty()).then(|| {
        format!(
            "{}:\n  {}\n  findings beyond the uncut table's {extra:#?}, missing {lost:#?}",
            path.display(),
            cells.join("\n  ")
        )
    })
}

/// Sheet rows from the first to the end (exclusive).
type Rows = (u32, u32);

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

fn check((problems, tried): (Vec<String>, usize)) {
    assert!(
        problems.is_empty(),
        "{} of {tried} continued tables read unlike the uncut one:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Word documents whose indicator table is continued after any row — under `续表` or not,
/// the header typed again or not, in a table of its own or the same one — read as the uncut
/// table, with its findings.
#[test]
fn indicator_tables_continued_in_word_read_as_one_table() {
    check(docx_misreads("docx"));
}
