//! Test support: tables continued by hand (a `续表` line, header rows typed again) compared with the uncut table they continue — the seeds' sheets as workbooks, where a table's header and rows are, and how two readings of one table differ. A test that includes it includes `support/cli.rs`, `support/export.rs` and `support/grid.rs` as `cli`, `export` and `grid` too.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fiscalform::read::Sheet;
use serde_json::Value;

use crate::{cli, export, grid};

/// A fresh folder `tag` under the test's `folder` of the target's scratch space.
pub fn scratch(folder: &str, tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(folder)
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The sheets `wanted` (fixture, sheet name) of the seeds, each written as a workbook in `d`
/// and read back.
pub fn seed_sheets(d: &Path, wanted: &[(&str, &str)]) -> Vec<Sheet> {
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

/// Sheet rows from the first to the end (exclusive).
pub type Rows = (u32, u32);

pub fn squeezed(sheet: &Sheet, r: u32, c: u16) -> String {
    let mut t = sheet.get(r, c).to_string();
    t.retain(|ch| !ch.is_whitespace());
    t
}

/// The indicator header of `sheet`: from the first row of the merges its `一级指标` row is
/// part of, through that row.
pub fn indicator_header(sheet: &Sheet) -> (u32, u32) {
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
pub fn table_end(sheet: &Sheet) -> u32 {
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
pub fn ambiguous_cut(sheet: &Sheet, row: u32) -> bool {
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
pub fn readings(doc: &Value) -> BTreeMap<(String, String), String> {
    let mut out = export::readings(doc);
    for v in out.values_mut() {
        v.retain(|c| !c.is_whitespace());
    }
    out
}

/// What `check --format json` finds in `path`, without where (its pages either), sorted.
pub fn findings(path: &Path) -> Vec<String> {
    let fields = ["form", "rule", "severity", "expected", "found", "message"];
    let mut found: Vec<String> = (cli::finding_fields(path, &fields).iter())
        .map(|f| without_pages(f))
        .collect();
    found.sort();
    found
}

/// `text` without the pages it names (`第3页 `): two prints of one table break pages apart.
pub fn without_pages(text: &str) -> String {
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
pub fn unlike(uncut: &Path, path: &Path) -> Option<String> {
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

pub fn check((problems, tried): (Vec<String>, usize)) {
    assert!(
        problems.is_empty(),
        "{} of {tried} continued tables read unlike the uncut one:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
