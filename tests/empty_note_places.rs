//! An empty table's 空表说明 printed above its header — right under the title, under the 表号,
//! or under the unit line — as units do when the table has nothing to show, or left under the
//! table without its full stop or cut to its middle lines: over generated
//! layouts of seed 001's empty 公开07表 and 公开08表 (note with or without its full stop,
//! merged across the table or not, the 注 line kept or dropped), the note is read as the
//! table's (kept in its remarks), never taken for a header row and lost, and no false
//! "空表须有空表说明" error is raised. So is a note written as a row of the table's body
//! (above or under its 合计 row), over the published books with empty tables, in workbooks and
//! Word documents; a 合计 row writing 无 in every cell, without a note, is a warning, not an
//! error.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use grid::{GridBook, GridCell};
use layout_gen::Rng;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The empty tables of seed 001.
const EMPTY: [&str; 2] = ["公开07表", "公开08表"];

/// How their notes end.
const NOTE_ENDING: &str = "故本表无数据。";

/// One variant: the note of sheet `sheet` moved above the header at `place` (rows under the
/// title), returning the note as printed.
fn moved_note(book: &mut GridBook, sheet: &str, rng: &mut Rng) -> String {
    let s = book.sheet_mut(sheet);
    let (row, note) = (0..s.rows.len() as u32)
        .find_map(|r| {
            let text = s.cell(r, 0).as_str().to_string();
            text.ends_with(NOTE_ENDING).then_some((r, text))
        })
        .expect("the seed prints a note under the table");
    let note = match rng.below(2) {
        0 => note,
        _ => note.trim_end_matches('。').to_string(),
    };
    // Left under the table: without its full stop, or only its middle lines, as a print
    // shows a note wrapped in a row too low for it.
    if rng.below(4) == 0 {
        let chars: Vec<char> = note.chars().collect();
        let cut = rng.below(2) == 0;
        let note = match cut {
            false => note,
            true => chars[2..chars.len() - 7].iter().collect(),
        };
        s.put(row, 0, GridCell::text(&note));
        // Cut, right under the 合计 row: the 注 line and the blank row above it cut away too.
        let mut row = row;
        while cut && row > 0 {
            let above = s.cell(row - 1, 0).as_str().to_string();
            let blank = (0..s.width()).all(|c| s.cell(row - 1, c).as_str().is_empty());
            if !(blank || above.starts_with("注：")) {
                break;
            }
            s.delete_row(row - 1);
            row -= 1;
        }
        return note;
    }
    let width = s.width();
    s.delete_row(row);
    if rng.below(2) == 0 {
        let line = (0..s.rows.len() as u32).find(|&r| s.cell(r, 0).as_str().starts_with("注："));
        if let Some(r) = line {
            s.delete_row(r);
        }
    }
    // Under the title, under the 表号, or under the unit line right above the header.
    let at = 1 + rng.below(3) as u32;
    s.insert_row(at);
    s.put(at, 0, GridCell::text(&note));
    if rng.below(2) == 0 {
        s.merges.push((at, 0, at, width.saturating_sub(1)));
    }
    note
}

/// What is wrong with the reading of variant `seed`: a note lost, taken for a stray, or the
/// table said to have none.
fn problems(seed: u64, dir: &Path) -> Vec<String> {
    let mut book = grid::fixture("seed001_final.grid");
    let mut rng = Rng::new(seed);
    let notes: Vec<(&str, String)> = EMPTY
        .iter()
        .map(|&sheet| (sheet, moved_note(&mut book, sheet, &mut rng)))
        .collect();
    let path = dir.join(format!("note_{seed}.xlsx"));
    book.write_xlsx(&path);
    let out = dir.join(format!("note_{seed}.json"));
    let (code, _, err) = cli::run(&[
        "export",
        "-o",
        out.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "export failed: {err}");
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let mut problems = Vec::new();
    for (sheet, note) in &notes {
        let form = data["forms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["sheet"] == *sheet);
        let kept = form.is_some_and(|f| f["remarks"].to_string().contains(note.as_str()));
        if !kept {
            problems.push(format!("{sheet}: note “{note}” not kept as its remark"));
        }
    }
    let (_, report) = cli::check_json(&path);
    for f in cli::findings(&report) {
        let rule = f["rule"].as_str().unwrap_or("");
        if f["severity"] != "info" && matches!(rule, "empty-table-note" | "value-outside-form") {
            problems.push(format!("{rule} {}: {}", f["cell"], f["message"]));
        }
    }
    problems
}

#[test]
fn empty_table_notes_above_the_header_are_the_tables_notes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-note-places");
    std::fs::create_dir_all(&dir).unwrap();
    let mut failed = Vec::new();
    let cases = 24;
    for seed in 0..cases {
        let p = problems(seed, &dir);
        if !p.is_empty() {
            failed.push(format!("seed {seed}: {}", p.join("; ")));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {cases} layouts misread their notes:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// Notes of each empty table as a print lays them over its 栏次 row, in the 科目名称 column:
/// a 说明 cut by its cell, or the table's own 空表说明 without its full stop.
fn notes_over_column_numbers(book: &GridBook, sheet: &str) -> Vec<String> {
    let s = book.sheet(sheet);
    let own = (0..s.rows.len() as u32)
        .map(|r| s.cell(r, 0).as_str().to_string())
        .find(|t| t.ends_with(NOTE_ENDING))
        .expect("the seed prints a note under the table");
    let fund = match sheet {
        "公开07表" => "政府性基金预算财政拨",
        _ => "国有资本经营预算财政",
    };
    vec![
        format!("说明：本单位本年度没有{fund}"),
        own.trim_end_matches('。').to_string(),
    ]
}

/// A note printed over an empty table's 栏次 row (see [`notes_over_column_numbers`]) is no
/// 科目 row: no code-unknown for it, no rule judging its 栏次 numbers as its figures. (公开07表's
/// six 栏次 numbers are then values not placed: that row is not yet known for its 栏次.)
#[test]
fn a_note_printed_over_the_column_numbers_is_no_subject_row() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-note-over-numbers");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut failed, mut cases) = (Vec::new(), 0);
    for (i, sheet) in EMPTY.iter().enumerate() {
        let seed = grid::fixture("seed001_final.grid");
        for (j, note) in notes_over_column_numbers(&seed, sheet).iter().enumerate() {
            cases += 1;
            let mut book = seed.clone();
            let s = book.sheet_mut(sheet);
            let (r, _) = s.find("栏次").expect("the table has its 栏次 row");
            s.merges.retain(|m| !(m.0..=m.2).contains(&r));
            s.put(r, 1, GridCell::text(note));
            let path = dir.join(format!("note_{i}_{j}.xlsx"));
            book.write_xlsx(&path);
            let (_, report) = cli::check_json(&path);
            // A finding on the note as a row: code-unknown, or a rule at "C6（{note}·合计）".
            let as_row = format!("（{note}·");
            let misread = cli::findings(&report).into_iter().filter(|f| {
                f["rule"] == "code-unknown"
                    || f["message"].as_str().is_some_and(|m| m.contains(&as_row))
            });
            let found: Vec<String> = misread.map(|f| f["message"].to_string()).collect();
            if !found.is_empty() {
                failed.push(format!("{sheet} “{note}”: {}", found.join("; ")));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {cases} notes were read as 科目 rows:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// How units word an empty table's 空表说明, beside the forms' own sentences.
const NOTHING_WORDINGS: [&str; 16] = [
    "本单位无此项支出。",
    "注：本部门无此项收支，本表为空表。",
    "本表为空表。",
    "本单位无此项。",
    "本单位无该项收支。",
    "本单位本年度未发生此项支出。",
    "本单位2023年度未发生相关收支。",
    "本单位没有此类支出",
    "本表无数据",
    "说明：本单位无相关经费。",
    "本单位此项支出未发生。",
    "本单位无“三公”经费支出。",
    "本单位没有政府性基金支出，故本表为空。",
    "本单位未安排政府性基金预算财政拨款支出。",
    "本年度无国有资本经营预算支出。",
    "本部门没有使用国有资本经营预算安排的支出。",
];

/// Sentences under a table that say nothing of its being empty.
const NOT_NOTHING: [&str; 8] = [
    "本年无变化。",
    "支出增加，主要是人员增加。",
    "本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。",
    "年末结转和结余为尚未使用的资金。",
    "本年无偿调入资金10万元。",
    "支出未发生变化。",
    "本表金额转换成万元时，因四舍五入可能存在尾差。",
    "无法归类的支出列入其他支出。",
];

/// Every form with a 空表说明 takes every wording of nothing as one, and no near miss.
#[test]
fn every_wording_of_nothing_is_an_empty_note_of_every_form_and_no_near_miss_is() {
    let catalog = fiscalform::form::Catalog::embedded().unwrap();
    let forms: Vec<_> = catalog
        .forms
        .iter()
        .filter_map(|f| f.empty_note.as_ref().map(|n| (f, n)))
        .collect();
    assert!(
        forms.len() >= 4,
        "the budget and final 07/08 forms have empty notes"
    );
    let mut wrong = Vec::new();
    for (form, note) in &forms {
        for text in NOTHING_WORDINGS.iter().chain([&note.text.as_str()]) {
            if !note.said_by(text) {
                wrong.push(format!("{} 不认“{text}”", form.id));
            }
        }
        for text in NOT_NOTHING {
            if note.said_by(text) {
                wrong.push(format!("{} 误认“{text}”", form.id));
            }
        }
    }
    let cases = forms.len() * (NOTHING_WORDINGS.len() + 1 + NOT_NOTHING.len());
    assert!(
        wrong.is_empty(),
        "{} of {cases} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Seed 001's empty 公开07表 and 公开08表, their note replaced by `note`: the findings of the
/// empty-note rules.
fn empty_note_findings(note: &str, dir: &Path, name: &str) -> Vec<String> {
    let mut book = grid::fixture("seed001_final.grid");
    for sheet in EMPTY {
        let s = book.sheet_mut(sheet);
        let row = (0..s.rows.len() as u32)
            .find(|&r| s.cell(r, 0).as_str().ends_with(NOTE_ENDING))
            .expect("the seed prints a note under the table");
        s.put(row, 0, GridCell::text(note));
    }
    let path = dir.join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let (_, report) = cli::check_json(&path);
    cli::findings(&report)
        .into_iter()
        .filter(|f| f["rule"] == "empty-table-note")
        .map(|f| f["message"].to_string())
        .collect()
}

/// An empty table whose note says in any wording that there is nothing has its 空表说明; one
/// whose only sentence is a near miss has none.
#[test]
fn an_empty_table_noted_in_any_wording_of_nothing_has_its_note() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-note-wordings");
    std::fs::create_dir_all(&dir).unwrap();
    let mut wrong = Vec::new();
    for (i, note) in NOTHING_WORDINGS.iter().enumerate() {
        let found = empty_note_findings(note, &dir, &format!("yes_{i}"));
        if !found.is_empty() {
            wrong.push(format!("“{note}”: {}", found.join("; ")));
        }
    }
    for (i, note) in NOT_NOTHING.iter().enumerate() {
        if empty_note_findings(note, &dir, &format!("no_{i}")).len() != EMPTY.len() {
            wrong.push(format!("“{note}” taken for a 空表说明"));
        }
    }
    let cases = NOTHING_WORDINGS.len() + NOT_NOTHING.len();
    assert!(
        wrong.is_empty(),
        "{} of {cases} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The published books holding empty 公开07/08表: seed 001, the three Shanghai 2025
/// disclosures and the real 2024 one (its empty tables have blank rows and no 合计 row).
fn books_with_empty_tables() -> Vec<(&'static str, GridBook)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let read = |path: &str| {
        let wb = fiscalform::read::read_workbook(&root.join(path)).unwrap();
        GridBook::from_workbook(&wb)
    };
    vec![
        ("seed001", grid::fixture("seed001_final.grid")),
        ("宜川路", read("shanghai2025/2025决算-宜川路街道.xlsx")),
        (
            "文旅局",
            read("shanghai2025/2025决算-普陀区文化和旅游局.xlsx"),
        ),
        ("石泉路", read("shanghai2025/2025决算-石泉路街道.xlsx")),
        ("普陀财政", read("real/2024决算-上海普陀区财政局.xlsx")),
    ]
}

/// An empty table of a book: its sheet, the row of its 空表说明, the first row of its body
/// (under the last header row), its 合计 row if it prints one, and the first amount column
/// (right of 科目名称).
struct EmptyTable {
    sheet: String,
    note: u32,
    body: u32,
    total: Option<u32>,
    amounts: u16,
}

/// The empty tables of `book`: sheets whose column A holds a note ending the table (故本表…).
fn empty_tables(book: &GridBook) -> Vec<EmptyTable> {
    let found = book.sheets.iter().filter_map(|s| {
        let rows = 0..s.rows.len() as u32;
        let note = rows
            .clone()
            .find(|&r| s.cell(r, 0).as_str().contains("故本表"))?;
        let is_header = |r: u32| {
            (0..s.width()).any(|c| matches!(s.cell(r, c).as_str(), "栏次" | "科目名称" | "类"))
        };
        let header = rows.clone().filter(|&r| r < note && is_header(r)).max()?;
        let total = (header + 1..note).find(|&r| (0..2).any(|c| s.cell(r, c).as_str() == "合计"));
        let (_, name_col) = s.find("科目名称")?;
        Some(EmptyTable {
            sheet: s.name.clone(),
            note,
            body: header + 1,
            total,
            amounts: name_col + 1,
        })
    });
    found.collect()
}

/// Where a variant writes an empty table's 空表说明 inside its body.
#[derive(Clone, Copy, Debug)]
enum BodyNote {
    /// The first row under the header, above the 合计 row.
    AboveTotal,
    /// Right under the 合计 row (or the first body row when there is none).
    UnderTotal,
}

/// `book` with each empty table's note written in its body at `place` instead of under it,
/// merged across the table or not; the notes as written.
fn note_in_body(book: &mut GridBook, place: BodyNote, rng: &mut Rng) -> Vec<(String, String)> {
    let mut notes = Vec::new();
    for t in empty_tables(book) {
        // A text in a table's body is taken for its note from 8 characters on.
        let long: Vec<&str> = (NOTHING_WORDINGS.iter().copied())
            .filter(|w| w.chars().count() >= 8)
            .collect();
        let note = rng.choose(&long).to_string();
        let s = book.sheet_mut(&t.sheet);
        let width = s.width();
        s.delete_row(t.note);
        let at = match (place, t.total) {
            (BodyNote::UnderTotal, Some(total)) => total + 1,
            _ => t.body,
        };
        s.insert_row(at);
        s.put(at, 0, GridCell::text(&note));
        if rng.below(2) == 0 {
            s.merges.push((at, 0, at, width - 1));
        }
        notes.push((t.sheet, note));
    }
    notes
}

/// The findings of `path` that take a 空表说明 in `notes` for something else: a missing
/// note, or the note as a value outside the form.
fn notes_misread(path: &Path, notes: &[(String, String)]) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let misread = cli::findings(&report).into_iter().filter(|f| {
        let message = f["message"].as_str().unwrap_or("");
        f["rule"] == "empty-table-note"
            || (f["rule"] == "value-outside-form" && notes.iter().any(|(_, n)| message.contains(n)))
    });
    misread
        .map(|f| format!("{}: {}", f["rule"], f["message"]))
        .collect()
}

/// The notes of `notes` that `path`'s export does not keep as their table's remark.
fn notes_lost(path: &Path, notes: &[(String, String)]) -> Vec<String> {
    let (code, out, err) = cli::run(&["export", "-o", "-", path.to_str().unwrap()]);
    assert_eq!(code, 0, "export failed: {err}");
    let data: Value = serde_json::from_str(&out).unwrap();
    let forms = data["forms"].as_array().unwrap();
    let kept = |sheet: &str, note: &str| {
        let form = forms.iter().find(|f| f["sheet"] == sheet);
        form.is_some_and(|f| f["remarks"].to_string().contains(note))
    };
    let lost = notes.iter().filter(|(sheet, note)| !kept(sheet, note));
    lost.map(|(sheet, note)| format!("{sheet}: “{note}” not kept"))
        .collect()
}

/// An empty table's 空表说明 written as a row of its body — above its 合计 row or under it,
/// merged across the table or not — in any wording of nothing, in a workbook or a Word document: the note is the table's (kept in its remarks), not a value
/// outside the form, and no "空表须有空表说明" is reported.
#[test]
fn an_empty_tables_note_written_in_its_body_is_its_note() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-note-in-body");
    std::fs::create_dir_all(&dir).unwrap();
    let (mut failed, mut cases) = (Vec::new(), Vec::new());
    for (name, base) in books_with_empty_tables() {
        for (i, place) in [BodyNote::AboveTotal, BodyNote::UnderTotal]
            .iter()
            .enumerate()
        {
            for seed in 0..2u64 {
                let mut book = base.clone();
                let mut rng = Rng::new(0xB0D7 + seed * 7 + i as u64);
                let notes = note_in_body(&mut book, *place, &mut rng);
                let stem = format!("{name}-{place:?}-{seed}");
                let (xlsx, docx) = (
                    dir.join(format!("{stem}.xlsx")),
                    dir.join(format!("{stem}.docx")),
                );
                book.write_xlsx(&xlsx);
                docx::write_docx(&book, &docx);
                for path in [&xlsx, &docx] {
                    let mut wrong = notes_misread(path, &notes);
                    // A Word table's row of one merged text may print as a paragraph instead.
                    if path == &xlsx {
                        wrong.extend(notes_lost(path, &notes));
                    }
                    cases.push(path.clone());
                    if !wrong.is_empty() {
                        failed.push(format!("{}: {}", path.display(), wrong.join("; ")));
                    }
                }
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} documents misread a note in an empty table's body:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

/// Whether cell (r, c) of `s` is covered by a merge it does not start.
fn covered(s: &grid::GridSheet, r: u32, c: u16) -> bool {
    (s.merges.iter())
        .any(|m| (m.0..=m.2).contains(&r) && (m.1..=m.3).contains(&c) && (m.0, m.1) != (r, c))
}

/// `book` with each empty table's note gone and its 合计 row (written into the first body row
/// where the table prints none) showing `mark` in every cell right of 科目名称 that is not a
/// header word; how many tables.
fn total_marked(book: &mut GridBook, mark: &str) -> usize {
    let tables = empty_tables(book);
    for t in &tables {
        let s = book.sheet_mut(&t.sheet);
        s.delete_row(t.note);
        let total = t.total.unwrap_or_else(|| {
            s.put(t.body, 0, GridCell::text("合计"));
            t.body
        });
        for c in t.amounts..s.width() {
            let free = matches!(s.cell(total, c), GridCell::Empty | GridCell::Number(_));
            if free && !covered(s, total, c) {
                s.put(total, c, GridCell::text(mark));
            }
        }
    }
    tables.len()
}

/// The severities of the empty-note findings of `path`.
fn empty_note_severities(path: &Path) -> Vec<String> {
    let (_, report) = cli::check_json(path);
    let found = cli::findings(&report).into_iter();
    let found = found.filter(|f| f["rule"] == "empty-table-note");
    found
        .map(|f| f["severity"].as_str().unwrap_or("").to_string())
        .collect()
}

/// An empty table without a 空表说明 whose 合计 row writes 无 in every cell says it is empty,
/// only not why: a warning, not an error, in a workbook and a Word document. Left blank, the same 合计 row is still an error.
#[test]
fn an_empty_table_writing_wu_in_its_total_row_is_warned_not_failed() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("empty-note-wu");
    std::fs::create_dir_all(&dir).unwrap();
    let mut wants = Vec::new();
    for (name, base) in books_with_empty_tables() {
        for (mark, want) in [("无", "warning"), ("", "error")] {
            let mut book = base.clone();
            let n = total_marked(&mut book, mark);
            let stem = format!("{name}-{}", if mark.is_empty() { "blank" } else { "wu" });
            let (xlsx, docx) = (
                dir.join(format!("{stem}.xlsx")),
                dir.join(format!("{stem}.docx")),
            );
            book.write_xlsx(&xlsx);
            docx::write_docx(&book, &docx);
            wants.push((xlsx, vec![want; n]));
            wants.push((docx, vec![want; n]));
        }
    }
    let failed: Vec<String> = (wants.iter())
        .filter_map(|(path, want)| {
            let got = empty_note_severities(path);
            (got != *want).then(|| format!("{}: {got:?}, want {want:?}", path.display()))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} documents:\n{}",
        failed.len(),
        wants.len(),
        failed.join("\n")
    );
}
