//! A table printed without one of its form's amount columns: said once, where the column
//! belongs, and the sums that read the missing column are left unjudged ("未能核对") rather
//! than reported against zeros — over every amount column of every table of the fixtures,
//! each dropped in turn. A real error beside the missing column is still an error.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::calc::{compute, Book, Mode};
use fiscalform::check::audit_covered;
use fiscalform::coverage::Coverage;
use fiscalform::findings::{Finding, COLUMN_ABSENT};
use fiscalform::form::{Catalog, ColKind, Form, Severity};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::recognize::COLUMN_BY_MARK;
use grid::{GridBook, GridCell};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

const FIXTURES: &[&str] = &[
    "seed000_perf.grid",
    "seed001_final.grid",
    "seed001_perf.grid",
    "seed002_budget.grid",
    "seed004_perf.grid",
];

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

fn fixture(name: &str) -> GridBook {
    grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
}

/// What checking `g` gives: the forms read, the findings and the rules' coverage.
fn checked(g: &GridBook) -> (Vec<(String, FormData)>, Vec<Finding>, Coverage) {
    let wb = layout_gen::grid_workbook(g, PathBuf::from("absent.xlsx"));
    let rec = recognize_book(catalog(), &wb);
    let forms: Vec<(String, FormData)> = rec
        .forms
        .iter()
        .map(|(f, d)| (f.id.clone(), d.clone()))
        .collect();
    let book = Book::new(rec.forms);
    let calc = compute(&book, Mode::Check, false);
    let (mut findings, coverage) = audit_covered(&book, &calc);
    findings.extend(rec.findings);
    (forms, findings, coverage)
}

/// Errors by (form, rule): how many.
fn errors(findings: &[Finding]) -> BTreeMap<(String, String), usize> {
    let mut out = BTreeMap::new();
    for f in findings.iter().filter(|f| f.severity == Severity::Error) {
        *out.entry((f.form.clone(), f.rule.clone())).or_default() += 1;
    }
    out
}

/// One amount column of a table as read: its form, panel, id, label and sheet column.
struct Column {
    form: String,
    sheet: String,
    col: String,
    label: String,
    at: u16,
    /// The sheet row of its first cell read.
    row: u32,
    /// Whether it held a figure other than zero.
    filled: bool,
}

/// The amount columns of every panel with two or more, with the sheet column each was read
/// from (every cell of one column read from the same sheet column).
fn amount_columns(form: &Form, data: &FormData) -> Vec<Column> {
    let mut out = Vec::new();
    // A sheet column dropped from a form with grid blocks (绩效 forms: cells above the table in
    // the same columns) would take cells of those too: not a table printed without a column.
    let Some(sheet) = data
        .sheet
        .clone()
        .filter(|_| form.blocks.iter().all(|b| b.is_table()))
    else {
        return out;
    };
    for panel in form.blocks.iter().flat_map(|b| &b.panels) {
        let amounts: Vec<_> = panel
            .columns
            .iter()
            .filter(|c| c.kind == ColKind::Amount)
            .collect();
        if amounts.len() < 2 {
            continue;
        }
        // Columns without a label of their own are under another panel's header: tried there.
        for c in amounts.into_iter().filter(|c| c.label.is_some()) {
            let rows = data.rows.iter().filter(|r| r.panel == panel.id);
            let places: Vec<_> = rows
                .clone()
                .filter_map(|r| data.origin.get(&format!("{}.{}", r.key, c.id)))
                .filter(|p| p.sheet.is_none())
                .map(|p| (p.row, p.col))
                .collect();
            let Some(&(row, at)) = places.first() else {
                continue;
            };
            if places.iter().any(|&(_, p)| p != at) {
                continue;
            }
            let filled = rows
                .clone()
                .any(|r| matches!(r.get(&c.id), fiscalform::expr::Val::Num(d) if !d.is_zero()));
            out.push(Column {
                form: form.id.clone(),
                sheet: sheet.clone(),
                col: c.id.to_string(),
                label: c.label.clone().unwrap_or_default(),
                at,
                row,
                filled,
            });
        }
    }
    out
}

/// `g` without `column`: the sheet columns its cells span (merged across, in the row of its
/// first cell) deleted, the cells right of them moved left.
fn without(g: &GridBook, column: &Column) -> GridBook {
    let s = g.sheet(&column.sheet);
    let last = (s.merges.iter())
        .filter(|m| (m.0, m.1) == (column.row, column.at))
        .map(|m| m.3)
        .max()
        .unwrap_or(column.at);
    let mut g = g.clone();
    g.sheet_mut(&column.sheet).delete_columns(column.at, last);
    g
}

/// Every amount column of every table, dropped in turn: one `column-absent` warning naming it,
/// for its form, and no error the fixture as published does not have.
#[test]
fn every_amount_column_dropped_is_said_once_and_adds_no_error() {
    let mut tried = 0;
    let mut unjudged = 0;
    let mut filled = 0;
    for name in FIXTURES {
        let g = fixture(name);
        let (forms, base, _) = checked(&g);
        let base_errors = errors(&base);
        assert!(
            !base.iter().any(|f| f.rule == COLUMN_ABSENT),
            "{name}: a column taken for absent in the fixture as published: {:?}",
            base.iter()
                .filter(|f| f.rule == COLUMN_ABSENT)
                .collect::<Vec<_>>()
        );
        for (id, data) in &forms {
            let form = catalog().get(id).unwrap();
            for column in amount_columns(form, data) {
                tried += 1;
                filled += usize::from(column.filled);
                let what = format!(
                    "{name} {} without {} ({})",
                    column.form, column.col, column.label
                );
                let (_, found, coverage) = checked(&without(&g, &column));
                let absent: Vec<&Finding> =
                    found.iter().filter(|f| f.rule == COLUMN_ABSENT).collect();
                // Panels stacked under one header lose the column together: one warning.
                assert_eq!(absent.len(), 1, "{what}: {absent:#?}");
                assert_eq!(absent[0].form, column.form, "{what}");
                assert_eq!(absent[0].severity, Severity::Warning, "{what}");
                assert!(
                    absent[0]
                        .message
                        .contains(&format!("缺少“{}”列", column.label)),
                    "{what}: {}",
                    absent[0].message
                );
                for (key, n) in errors(&found) {
                    let had = base_errors.get(&key).copied().unwrap_or(0);
                    assert!(
                        n <= had,
                        "{what}: {n} errors of {key:?}, {had} as published: {:#?}",
                        found
                            .iter()
                            .filter(|f| f.severity == Severity::Error && f.rule == key.1)
                            .collect::<Vec<_>>()
                    );
                }
                let reason = format!("缺少“{}”列", column.label);
                if coverage
                    .not_run()
                    .any(|r| r.reason.as_deref().is_some_and(|w| w.contains(&reason)))
                {
                    unjudged += 1;
                }
                // No finding takes the missing column's cells for blanks counted as 0.
                let zeros = format!("·{}） 未填写，按 0 计算", column.label);
                let judged_on_zeros: Vec<&Finding> = (found.iter())
                    .filter(|f| f.form == column.form && f.message.contains(&zeros))
                    .collect();
                assert!(judged_on_zeros.is_empty(), "{what}: {judged_on_zeros:#?}");
            }
        }
    }
    println!(
        "{tried} columns dropped, {filled} holding figures, {unjudged} leaving a rule unjudged"
    );
    assert!(tried >= 60, "only {tried} columns tried");
    assert!(filled >= 30, "only {filled} columns holding figures tried");
    assert!(
        unjudged >= 5,
        "only {unjudged} droppings left rules unjudged"
    );
}

/// 公开03表 without its 项目支出 column: the totals that include 项目支出 are not judged (their
/// rule is 未能核对 for that reason, each total noted as a 提示), while a wrong 基本支出 in a 项
/// row beside the missing column is still the error it is.
#[test]
fn a_wrong_figure_beside_the_missing_column_is_still_an_error() {
    let g = fixture("seed001_final.grid");
    let (forms, base, _) = checked(&g);
    let (_, data) = forms.iter().find(|(id, _)| id == "final-03").unwrap();
    let form = catalog().get("final-03").unwrap();
    let columns = amount_columns(form, data);
    let project = columns.iter().find(|c| c.label == "项目支出").unwrap();
    let basic = columns.iter().find(|c| c.label == "基本支出").unwrap();
    let dropped = without(&g, project);

    let (_, found, coverage) = checked(&dropped);
    assert_eq!(
        errors(&found),
        errors(&base),
        "no error added by the missing column"
    );
    let reasons = coverage.not_run_reasons();
    assert!(
        reasons
            .iter()
            .any(|(why, _)| why == "公开03表 缺少“项目支出”列"),
        "{reasons:?}"
    );
    let unjudged: Vec<&Finding> = found
        .iter()
        .filter(|f| f.form == "final-03" && f.message.contains("差额可能在该列"))
        .collect();
    assert!(!unjudged.is_empty(), "{found:#?}");
    assert!(unjudged.iter().all(|f| f.severity == Severity::Info));

    // A 项 row's 基本支出 typed wrong: its 款 no longer adds up.
    let mut wrong = dropped.clone();
    let s = wrong.sheet_mut(&project.sheet);
    let row = s
        .rows
        .iter()
        .position(|r| matches!(r.first(), Some(GridCell::Number(n)) if n.len() == 7))
        .expect("a 项 row");
    let GridCell::Number(n) = &s.rows[row][basic.at as usize] else {
        panic!("no 基本支出 figure in row {row}");
    };
    let plus_one =
        (n.parse::<rust_decimal::Decimal>().unwrap() + rust_decimal::Decimal::ONE).to_string();
    s.rows[row][basic.at as usize] = GridCell::Number(plus_one);
    let (_, found, _) = checked(&wrong);
    let letter = grid::col_name(basic.at);
    let at_basic: Vec<&Finding> = found
        .iter()
        .filter(|f| f.severity == Severity::Error && f.form == "final-03")
        .filter(|f| f.cell.as_deref().is_some_and(|c| c.starts_with(&letter)))
        .collect();
    assert!(
        !at_basic.is_empty(),
        "the wrong 基本支出 went unreported: {found:#?}"
    );
}

/// 公开03表's 项目支出 headed with words no form knows (项目经费支出), its 栏次 mark blank: the
/// column is said unread, with the letter of the column whose figures found no cell, not
/// missing.
#[test]
fn a_column_under_an_unknown_header_is_said_unread_not_missing() {
    let mut g = fixture("seed001_final.grid");
    let sheet = g.sheet_mut("公开03表");
    let header = (sheet.rows.iter_mut().flatten())
        .find(|c| **c == GridCell::Text("项目支出".into()))
        .expect("the 项目支出 header");
    *header = GridCell::Text("项目经费支出".into());
    // Its 栏次 mark blank too: a number would say which column it is.
    sheet.rows[5][4] = GridCell::Empty;
    let (_, found, _) = checked(&g);
    let said: Vec<&Finding> = found.iter().filter(|f| f.rule == COLUMN_ABSENT).collect();
    assert_eq!(said.len(), 1, "{said:#?}");
    assert!(
        said[0]
            .message
            .starts_with("公开03表 未读到“项目支出”列（第3栏）")
            && said[0].message.contains("而 E 列有"),
        "{}",
        said[0].message
    );
    assert_eq!(said[0].cell.as_deref(), Some("E7"));
    let unjudged: Vec<&Finding> = (found.iter())
        .filter(|f| f.message.contains("差额可能在该列"))
        .collect();
    assert!(!unjudged.is_empty(), "{found:#?}");
    assert!(
        (unjudged.iter()).all(|f| f.message.contains("公开03表 未读到“项目支出”列")),
        "{unjudged:#?}"
    );
}

/// `g` with the lowest header word over `column` (the text nearest above its first cell, past
/// its 栏次 mark) written as a word no form knows. False when no such text is found.
fn reworded(g: &GridBook, column: &Column) -> Option<GridBook> {
    let s = g.sheet(&column.sheet);
    let header = (0..column.row)
        .rev()
        .find(|&r| match s.cell(r, column.at) {
            GridCell::Text(t) => !is_mark(t),
            _ => false,
        })?;
    let mut g = g.clone();
    g.sheet_mut(&column.sheet).rows[header as usize][column.at as usize] =
        GridCell::Text("本单位自列栏目".into());
    Some(g)
}

/// A 栏次 row's cell: `栏次`, `**`, or a number.
fn is_mark(t: &str) -> bool {
    let t = t.trim();
    t == "栏次" || t.chars().all(|c| c == '*' || c.is_ascii_digit())
}

/// Each row's values of form `id` among `forms`, by row key and column.
fn values_of(forms: &[(String, FormData)], id: &str) -> BTreeMap<String, String> {
    let data = &forms
        .iter()
        .find(|(f, _)| f == id)
        .expect("the form read")
        .1;
    let mut out = BTreeMap::new();
    for r in data.rows.iter() {
        for (col, v) in r.values.iter() {
            out.insert(format!("{}.{col}", r.key), format!("{v:?}"));
        }
    }
    out
}

/// Every amount column of every table under a header word no form knows: where the table has
/// a 栏次 row, the column is read by its number, every value as before, with one note naming
/// the column at its mark, and no column is said missing. Without a 栏次 row (or the form
/// leaving the column unnumbered) it is never read by a number, and never into another column.
#[test]
fn every_amount_column_under_an_unknown_header_is_read_by_its_column_number() {
    let (mut by_mark, mut unnumbered) = (0, 0);
    for name in FIXTURES {
        let g = fixture(name);
        let (forms, _, _) = checked(&g);
        for (id, data) in &forms {
            let form = catalog().get(id).unwrap();
            for column in amount_columns(form, data) {
                let Some(changed) = reworded(&g, &column) else {
                    continue;
                };
                let what = format!("{name} {id} {} ({})", column.col, column.label);
                let (read, found, _) = checked(&changed);
                let notes: Vec<&Finding> = (found.iter())
                    .filter(|f| f.rule == COLUMN_BY_MARK && f.form == *id)
                    .collect();
                let absent = found.iter().any(|f| f.rule == COLUMN_ABSENT);
                let sheet = changed.sheet(&column.sheet);
                let numbered = (0..column.row).any(|r| match sheet.cell(r, column.at) {
                    GridCell::Text(t) | GridCell::Number(t) => {
                        !t.trim().is_empty() && t.trim().chars().all(|c| c.is_ascii_digit())
                    }
                    GridCell::Empty => false,
                });
                if numbered {
                    assert!(notes.len() <= 1, "{what}: {notes:#?}");
                    assert!(!absent, "{what}: said missing");
                    assert_eq!(values_of(&read, id), values_of(&forms, id), "{what}");
                    if let [note] = notes[..] {
                        by_mark += 1;
                        assert_eq!(note.severity, Severity::Info, "{what}");
                        let said = format!("“本单位自列栏目”，不是标准格式的“{}”", column.label);
                        assert!(note.message.contains(&said), "{what}: {}", note.message);
                    }
                } else {
                    unnumbered += 1;
                    assert!(
                        notes.is_empty(),
                        "{what}: read by a number it has not: {notes:#?}"
                    );
                }
            }
        }
    }
    println!("{by_mark} columns read by their 栏次, {unnumbered} without one");
    assert!(by_mark >= 40, "only {by_mark} columns read by their 栏次");
}
