//! A hidden old copy of a table kept beside the shown one — named 上年, 备份, or plainly, of the
//! same project, or of an earlier year — is set aside, not audited: the workbook's findings are
//! those without it, plus one note on the hidden sheet naming the sheet audited. This holds for
//! a repeatable form too (附件3, one sheet per project), whose shown sheets are all audited.
//! Generated over every table of seed 002's budget, seed 001's 决算 and seeds 000 and 004's
//! self-evaluation workbooks.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/mutation.rs"]
mod mutation;

use grid::{GridBook, GridCell, GridSheet};
use layout_gen::Rng;
use serde_json::Value;

/// A finding without its message: (sheet, cell, form, rule, severity).
type Said = (String, String, String, String, String);

fn said(book: &GridBook, name: &str) -> (Vec<Said>, Vec<Value>) {
    let (_, all) = mutation::check_book(book, "hidden_copies", name);
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    let mut out: Vec<Said> = (all.iter())
        .map(|f| {
            (
                s(f, "sheet"),
                s(f, "cell"),
                s(f, "form"),
                s(f, "rule"),
                s(f, "severity"),
            )
        })
        .collect();
    out.sort();
    (out, all)
}

/// How the old copy differs from the shown one besides its figures.
#[derive(Clone, Copy, Debug)]
enum OldCopy {
    /// Named `名称(上年)`.
    NamedLastYear,
    /// Named `名称备份`.
    NamedBackup,
    /// Named `Sheet9`, the same in all but its figures.
    Plain,
    /// Named `Sheet9`, a year earlier, its project renamed.
    EarlierYear,
}

/// `sheet`'s old copy: every amount changed (audited, it would break the sums), hidden.
fn old_copy(sheet: &GridSheet, how: OldCopy) -> GridSheet {
    let mut copy = sheet.clone();
    copy.hidden = true;
    copy.name = match how {
        OldCopy::NamedLastYear => format!("{}(上年)", sheet.name),
        OldCopy::NamedBackup => format!("{}备份", sheet.name),
        _ => "Sheet9".to_string(),
    };
    let project = copy.find("项目支出名称").or_else(|| copy.find("项目名称"));
    for (r, row) in copy.rows.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            match cell {
                // Amounts only: 行次 and 栏次 stay as they are.
                GridCell::Number(n) if n.contains('.') => *n = format!("{n}1"),
                GridCell::Text(t) if matches!(how, OldCopy::EarlierYear) => {
                    *t = t.replace("2023", "2022").replace("2024", "2023");
                    if project.is_some_and(|(pr, pc)| pr == r as u32 && c as u16 > pc) {
                        t.push_str("（一期）");
                    }
                }
                _ => {}
            }
        }
    }
    copy
}

/// Each table of each seed workbook with a hidden old copy beside it (before or after it): the
/// findings are the workbook's without it, and one note on the copy naming the sheet audited.
#[test]
fn a_hidden_old_copy_is_set_aside_for_the_shown_one() {
    let seeds = [
        "seed002_budget.grid",
        "seed001_final.grid",
        "seed000_perf.grid",
        "seed004_perf.grid",
    ];
    let hows = [
        OldCopy::NamedLastYear,
        OldCopy::NamedBackup,
        OldCopy::Plain,
        OldCopy::EarlierYear,
    ];
    let (mut failed, mut cases) = (Vec::new(), 0);
    for (s, seed) in seeds.iter().enumerate() {
        let base = grid::fixture(seed);
        let (want, _) = said(&base, &format!("base-{s}"));
        let mut rng = Rng::new(0x041d_de11 + s as u64);
        for (t, sheet) in base.sheets.iter().enumerate() {
            let how = hows[rng.below(hows.len())];
            let copy = old_copy(sheet, how);
            let mut book = base.clone();
            book.sheets.insert(t + rng.below(2), copy.clone());
            let (got, all) = said(&book, &format!("copy-{s}-{t}"));
            cases += 1;
            let (on_copy, rest): (Vec<Said>, Vec<Said>) =
                got.into_iter().partition(|f| f.0 == copy.name);
            let note = (all.iter()).find(|f| f["sheet"] == copy.name.as_str());
            let names_shown = note
                .and_then(|f| f["message"].as_str())
                .is_some_and(|m| m.contains(&format!("审核的是工作表“{}”", sheet.name)));
            // A note (info), not a warning: an old copy hidden beside the shown one is usual.
            let one_note =
                on_copy.len() == 1 && on_copy[0].3 == "duplicate-form" && on_copy[0].4 == "info";
            if rest != want || !one_note || !names_shown {
                let extra: Vec<_> = rest.iter().filter(|f| !want.contains(f)).take(4).collect();
                let lost: Vec<_> = want.iter().filter(|f| !rest.contains(f)).take(4).collect();
                failed.push(format!(
                    "{seed} {} ({how:?}): on the copy {on_copy:?}, extra {extra:?}, lost {lost:?}",
                    sheet.name
                ));
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 20);
}

/// A hidden sheet that is the only copy of its table is read and audited as a shown one: the
/// workbook's findings are the same as with the sheet shown.
#[test]
fn a_hidden_only_copy_is_audited() {
    let (mut failed, mut cases) = (Vec::new(), 0);
    for (s, seed) in [
        "seed002_budget.grid",
        "seed001_final.grid",
        "seed000_perf.grid",
    ]
    .iter()
    .enumerate()
    {
        let base = grid::fixture(seed);
        let (want, _) = said(&base, &format!("shown-{s}"));
        for t in 0..base.sheets.len() {
            let mut book = base.clone();
            book.sheets[t].hidden = true;
            let (got, _) = said(&book, &format!("hidden-{s}-{t}"));
            cases += 1;
            if got != want {
                let extra: Vec<_> = got.iter().filter(|f| !want.contains(f)).take(4).collect();
                let lost: Vec<_> = want.iter().filter(|f| !got.contains(f)).take(4).collect();
                failed.push(format!(
                    "{seed} {}: extra {extra:?}, lost {lost:?}",
                    base.sheets[t].name
                ));
            }
        }
    }
    mutation::assert_cases_passed(&failed, cases, 20);
}
