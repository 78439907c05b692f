//! What `fix` writes beside the forms: each form's 注 once however the unit worded its copy,
//! a different remark kept; and, for a workbook of several units, each unit's corrected
//! workbook naming its unit.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use calamine::{open_workbook, Data, Reader, Xlsx};
use grid::{GridBook, GridCell};
use std::path::{Path, PathBuf};

/// A folder of its own under the tests' temporary directory, emptied.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every text cell of every sheet of a written workbook: (sheet, text).
fn texts(path: &Path) -> Vec<(String, String)> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for cell in range.used_cells() {
            if let Data::String(s) = cell.2 {
                out.push((name.clone(), s.clone()));
            }
        }
    }
    out
}

/// Whether a line under a table is a note: it opens with 注 or 说明.
fn is_note(text: &str) -> bool {
    let t = grid::squeeze(text);
    t.starts_with('注') || t.starts_with("说明")
}

/// One way of retyping a line: what it does, and the retyped line.
type Rewording = (&'static str, fn(&str) -> String);

/// Ways a unit retypes a form's standard note: punctuation changed, a word added, the year
/// written in.
const REWORDINGS: [Rewording; 4] = [
    ("as printed", |s| s.to_string()),
    ("no full stop, ASCII colon", |s| {
        s.trim_end_matches('。').replacen('：', ": ", 1)
    }),
    ("本部门 for 部门", |s| s.replacen("部门", "本部门", 1)),
    ("the year written in", |s| match s.find("本年度") {
        Some(i) => format!(
            "{}2023年{}",
            &s[..i + "本年度".len()],
            &s[i + "本年度".len()..]
        ),
        None => s.replacen('：', "：2023年", 1),
    }),
];

/// A statement of the unit's own, not any form's note.
const OWN_REMARK: &str = "本表金额按四舍五入保留两位小数。";

/// Every seed workbook's note lines retyped in each way (and, once, with a statement of the
/// unit's own under them): the fixed workbook carries each form's note once — never the
/// standard note and the unit's copy of it both — and the unit's own statement still.
#[test]
fn a_forms_note_is_written_once_however_it_was_typed() {
    let dir = fresh_dir("notes_once");
    let mut failed = Vec::new();
    let mut cases = 0;
    for seed in ["seed001_final", "seed002_budget", "seed004_perf"] {
        let base = grid::fixture(&format!("{seed}.grid"));
        for (how, reword) in REWORDINGS {
            for own in [false, true] {
                let book = retyped(&base, reword, own);
                let input = dir.join(format!("{seed}-{}-{own}.xlsx", cases));
                book.write_xlsx(&input);
                let output = dir.join(format!("{seed}-{cases}-out.xlsx"));
                cases += 1;
                let (code, out, err) = cli::run(&[
                    "fix",
                    input.to_str().unwrap(),
                    "-o",
                    output.to_str().unwrap(),
                ]);
                assert!(code < 2, "{seed} {how}: {out}{err}");
                let written = texts(&output);
                let twice = notes_twice(&written);
                let kept = written.iter().filter(|t| t.1 == OWN_REMARK).count();
                if !twice.is_empty() || (own && kept == 0) {
                    failed.push(format!(
                        "{seed} ({how}, own remark {own}): notes twice on {twice:?}, own remark kept {kept}"
                    ));
                }
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {cases}:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// `base` with each note line retyped by `reword`, and with `own` the unit's own statement on
/// the row below each.
fn retyped(base: &GridBook, reword: fn(&str) -> String, own: bool) -> GridBook {
    let mut book = base.clone();
    for sheet in &mut book.sheets {
        let at: Vec<(u32, u16)> = (sheet.rows.iter().enumerate())
            .flat_map(|(r, row)| {
                (row.iter().enumerate())
                    .filter(|(_, c)| matches!(c, GridCell::Text(t) if is_note(t)))
                    .map(move |(c, _)| (r as u32, c as u16))
            })
            .collect();
        for &(r, c) in at.iter().rev() {
            let text = reword(sheet.cell(r, c).as_str());
            sheet.put(r, c, GridCell::Text(text));
            if own {
                sheet.insert_row(r + 1);
                sheet.put(r + 1, c, GridCell::text(OWN_REMARK));
            }
        }
    }
    book
}

/// The sheets of a fixed workbook holding more than one note line.
fn notes_twice(written: &[(String, String)]) -> Vec<String> {
    let mut sheets: Vec<&String> = written.iter().map(|t| &t.0).collect();
    sheets.dedup();
    (sheets.into_iter())
        .filter(|s| s.as_str() != "审核结果")
        .filter(|s| {
            let notes = written.iter().filter(|t| &t.0 == *s && is_note(&t.1));
            notes.count() > 1
        })
        .cloned()
        .collect()
}

/// Seed 001's tables twice in one workbook, each unit's sheets named for it as `how` names
/// them (`甲-公开01表` or `公开01表（甲）`).
fn two_units(how: fn(&str, &str) -> String) -> GridBook {
    let base = grid::fixture("seed001_final.grid");
    let mut book = GridBook { sheets: Vec::new() };
    for unit in ["甲", "乙"] {
        for sheet in &base.sheets {
            let mut copy = sheet.clone();
            copy.name = how(unit, &sheet.name);
            book.sheets.push(copy);
        }
    }
    book
}

/// How workbooks name a unit's sheets.
const UNIT_SHEET_NAMES: [fn(&str, &str) -> String; 2] = [
    |unit, name| format!("{unit}-{name}"),
    |unit, name| format!("{name}（{unit}）"),
];

/// The text of 审核结果's line under its title (A2) in a fixed workbook.
fn audit_source_line(path: &Path) -> String {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range("审核结果").unwrap();
    range
        .get_value((1, 0))
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// Each unit's corrected workbook of a workbook holding two units' sets says in 审核结果
/// which unit's it is, beside the file it came from.
#[test]
fn each_units_audit_names_its_unit() {
    let dir = fresh_dir("units_named");
    let mut failed = Vec::new();
    for (i, how) in UNIT_SHEET_NAMES.iter().enumerate() {
        let input = dir.join(format!("两个单位{i}.xlsx"));
        two_units(*how).write_xlsx(&input);
        let (code, out, err) = cli::run(&["fix", input.to_str().unwrap()]);
        assert!(code < 2, "{out}{err}");
        for unit in ["甲", "乙"] {
            let fixed = dir.join(format!("两个单位{i}-{unit}-已校正.xlsx"));
            let line = audit_source_line(&fixed);
            if !line.contains(&format!("（单位：{unit}）")) {
                failed.push(format!("{}: {line}", fixed.display()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of 4:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// A folder holding a two-units workbook, fixed in place twice: the second run fixes the
/// original only, not the units' corrected copies; a review of the folder then counts each
/// unit once, from the original, and lists the copies it left out.
#[test]
fn a_units_corrected_copies_are_not_new_inputs() {
    let dir = fresh_dir("units_fixed_twice");
    for (i, how) in UNIT_SHEET_NAMES.iter().enumerate() {
        two_units(*how).write_xlsx(&dir.join(format!("两个单位{i}.xlsx")));
    }
    let folder = dir.to_str().unwrap();
    for _ in 0..2 {
        let (code, out, err) = cli::run(&["fix", folder]);
        assert!(code < 2, "{out}{err}");
    }
    let mut names: Vec<String> = (std::fs::read_dir(&dir).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    let review = dir.with_extension("review.json");
    let (code, out, err) = cli::run(
        &["review", folder, "--format", "json", "-o"]
            .into_iter()
            .chain([review.to_str().unwrap()])
            .collect::<Vec<_>>(),
    );
    assert!(code < 2, "{out}{err}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&review).unwrap()).unwrap();
    let reviewed = doc["files"].as_array().unwrap().len();
    assert_eq!(reviewed, 4, "two workbooks of two units each; {out}");
    assert!(out.contains("未审核 4 个校正稿"), "{out}");
}
