//! A money unit stated only in a note under the table (`注：本表金额单位为元。`, `单位：元`) is the
//! table's unit when its head states none: every seed form holding amounts, its unit moved
//! from the head into a note in several wordings, reads as it does with the unit in the head,
//! from a workbook, a Word document and its PDF. A head stating a unit wins over a note stating
//! another, with a warning naming both cells; a note merely naming an amount changes nothing.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/docx.rs"]
mod docx;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/lo.rs"]
mod lo;

use fiscalform::expr::Val;
use fiscalform::findings::Finding;
use fiscalform::form::{Catalog, Form};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::read::{Cell, Sheet};
use layout_gen::{fixture_book, render, Rendered, Variation};
use std::path::PathBuf;
use std::sync::OnceLock;

const FIXTURES: &[&str] = &[
    "seed000_perf.grid",
    "seed001_final.grid",
    "seed001_perf.grid",
    "seed002_budget.grid",
    "seed003_report.grid",
    "seed004_perf.grid",
];

/// The units a table may be drawn in: the variation scaling its amounts, and the unit's name.
const UNITS: [(Option<Variation>, &str); 3] = [
    (None, "万元"),
    (Some(Variation::MoneyThousand), "千元"),
    (Some(Variation::MoneyYuan), "元"),
];

/// Ways a note under the table states the unit (`{}`: the unit's name).
const WORDINGS: [&str; 4] = [
    "注：本表金额单位为{}。",
    "单位：{}",
    "金额单位：{}",
    "（单位：{}）",
];

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().unwrap())
}

/// Every filled form of the seeds that holds amounts in a unit its head states.
fn forms_with_amounts() -> Vec<(&'static Form, FormData)> {
    FIXTURES
        .iter()
        .flat_map(|f| recognize_book(catalog(), &fixture_book(f)).forms)
        .filter(|(form, _)| Variation::MoneyYuan.applies(form))
        .collect()
}

/// `form` filled with `data` drawn in `unit` (its head saying so), with `extra` variations.
fn drawn(form: &Form, data: &FormData, unit: Option<Variation>, extra: &[Variation]) -> Rendered {
    let variations: Vec<Variation> = unit.into_iter().chain(extra.iter().copied()).collect();
    render(form, data, &variations, 1)
}

/// Whether a text is the head's statement of the money unit (`金额单位：万元`, `单位：元`).
fn states_unit(text: &str) -> bool {
    let t = text.trim().replace(':', "：");
    ["单位：万元", "单位：千元", "单位：元"]
        .iter()
        .any(|u| t.ends_with(u))
}

/// `sheet` with its cells replaced by `cells`, its merges kept.
fn with_cells(sheet: &Sheet, cells: Vec<(u32, u16, Cell)>) -> Sheet {
    Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec())
}

/// The drawing with the head's statement of the unit taken out and `note` written under
/// everything else, `gap` empty rows below the last.
fn unit_in_note(r: &Rendered, note: &str, gap: u32) -> Rendered {
    let sheets = r.book.sheets.iter().map(|s| {
        let mut cells: Vec<(u32, u16, Cell)> = s
            .cells()
            .filter(|(_, _, c)| !c.as_text().is_some_and(states_unit))
            .map(|(r, c, cell)| (r, c, cell.clone()))
            .collect();
        assert!(cells.len() < s.cells().count(), "{} states no unit", s.name);
        cells.push((s.height() + gap, 0, Cell::Text(note.to_string())));
        with_cells(s, cells)
    });
    with_sheets(r, sheets.collect())
}

/// The drawing with `note` written under everything else (the head left as it is).
fn with_note(r: &Rendered, note: &str) -> Rendered {
    let sheets = r.book.sheets.iter().map(|s| {
        let mut cells: Vec<(u32, u16, Cell)> =
            s.cells().map(|(r, c, cell)| (r, c, cell.clone())).collect();
        cells.push((s.height(), 0, Cell::Text(note.to_string())));
        with_cells(s, cells)
    });
    with_sheets(r, sheets.collect())
}

/// The drawing `r` with `sheets` in place of its own.
fn with_sheets(r: &Rendered, sheets: Vec<Sheet>) -> Rendered {
    let mut out = r.clone();
    out.book.sheets = sheets;
    out
}

/// How a drawing reads: each form's values by logical cell, and what reading noticed.
fn read(r: &Rendered) -> (Reading, Vec<Finding>) {
    let rec = recognize_book(catalog(), &r.book);
    let values = rec
        .forms
        .iter()
        .map(|(form, data)| (form.id.clone(), values_of(data)))
        .collect();
    (values, rec.findings)
}

/// A form's values by logical cell (rows' cells as `key.column`).
fn values_of(data: &FormData) -> Vec<(String, Val)> {
    let rows = data.rows.iter().flat_map(|row| {
        row.values
            .iter()
            .map(move |(col, v)| (format!("{}.{col}", row.key), v.clone()))
    });
    let cells = data.grid.iter().map(|(k, v)| (k.clone(), v.clone()));
    rows.chain(cells).collect()
}

type Reading = Vec<(String, Vec<(String, Val)>)>;

/// The first logical cell two readings differ in, with both values.
fn first_difference(want: &Reading, got: &Reading) -> String {
    let cells = |r: &Reading| -> Vec<(String, Val)> {
        r.iter()
            .flat_map(|(id, vs)| {
                vs.iter()
                    .map(move |(k, v)| (format!("{id}!{k}"), v.clone()))
            })
            .collect()
    };
    let (w, g) = (cells(want), cells(got));
    let differs = w.iter().zip(&g).find(|(a, b)| a != b);
    let extra = |a: &[(String, Val)], b: &[(String, Val)]| -> Vec<String> {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(|x| format!("{x:?}"))
            .collect()
    };
    format!(
        "{differs:?}; only wanted: {:?}; only read: {:?}",
        extra(&w, &g),
        extra(&g, &w)
    )
}

/// Each form with amounts in each unit, its unit stated in a note under the table in each
/// wording (right under it, or a row lower), reads the values it reads with the unit in the
/// head.
#[test]
fn a_unit_stated_in_a_note_under_the_table_reads_as_one_in_its_head() {
    let forms = forms_with_amounts();
    assert!(forms.len() >= 15, "{} forms", forms.len());
    let mut failed = Vec::new();
    let mut tried = 0;
    for (form, data) in &forms {
        for (unit, name) in UNITS {
            let head = drawn(form, data, unit, &[]);
            let (want, _) = read(&head);
            for (i, wording) in WORDINGS.iter().enumerate() {
                let note = wording.replace("{}", name);
                let (got, _) = read(&unit_in_note(&head, &note, i as u32 % 2));
                tried += 1;
                if got != want {
                    failed.push(format!(
                        "{} {note}: {}",
                        form.id,
                        first_difference(&want, &got)
                    ));
                }
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {tried} read otherwise:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

/// The rules and cells of what reading noticed about money units.
fn unit_notices(findings: &[Finding]) -> Vec<(String, Option<String>, String)> {
    findings
        .iter()
        .filter(|f| f.rule.starts_with("money-unit"))
        .map(|f| (f.rule.clone(), f.cell.clone(), f.message.clone()))
        .collect()
}

/// A note naming an amount in another unit than the table's (`较上年增加120000元`) is no
/// statement of the unit: a table stating none stays in 万元, one stating 元 in 元, and
/// nothing is said of units.
#[test]
fn a_note_naming_an_amount_leaves_the_unit_as_it_is() {
    let ways = [
        (None, [Variation::NoUnitLine].as_slice(), "120000元"),
        (Some(Variation::MoneyYuan), [].as_slice(), "12万元"),
    ];
    for (form, data) in &forms_with_amounts() {
        for (unit, extra, amount) in ways {
            let plain = drawn(form, data, unit, extra);
            let (want, said) = read(&plain);
            let note = format!("注：本年收入较上年增加{amount}。");
            let (got, noticed) = read(&with_note(&plain, &note));
            assert!(got == want, "{} with {note}: read otherwise", form.id);
            assert_eq!(unit_notices(&noticed), unit_notices(&said), "{}", form.id);
        }
    }
}

/// A head stating 元 and a note stating 万元: read in 元, the head's, with a warning naming
/// both cells.
#[test]
fn a_note_stating_another_unit_than_the_head_is_warned_of() {
    for (form, data) in &forms_with_amounts() {
        let head = drawn(form, data, Some(Variation::MoneyYuan), &[]);
        let (want, _) = read(&head);
        let noted = with_note(&head, "注：本表金额单位为万元。");
        let (got, noticed) = read(&noted);
        assert!(got == want, "{}: read otherwise", form.id);
        let sheet = &noted.book.sheets[0];
        let note_at = fiscalform::normalize::a1(sheet.height() - 1, 0);
        let warned: Vec<&Finding> = noticed
            .iter()
            .filter(|f| f.rule == "money-unit-conflict")
            .collect();
        assert_eq!(warned.len(), 1, "{}: {noticed:#?}", form.id);
        let head_at = sheet
            .cells()
            .find(|(_, _, c)| c.as_text().is_some_and(states_unit))
            .map(|(r, c, _)| fiscalform::normalize::a1(r, c))
            .unwrap();
        let message = &warned[0].message;
        assert!(
            message.contains(&head_at) && message.contains(&note_at),
            "{}: {message}",
            form.id
        );
    }
}

fn scratch() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("unit-notes");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Seed 001's nine 决算 tables in 元 in one workbook, drawn by `draw` from each one's
/// drawing with the unit in its head.
fn final_book(draw: impl Fn(&Rendered) -> Rendered) -> Rendered {
    let forms = recognize_book(catalog(), &fixture_book("seed001_final.grid")).forms;
    let mut book: Option<Rendered> = None;
    for (form, data) in &forms {
        let drawing = draw(&drawn(form, data, Some(Variation::MoneyYuan), &[]));
        match &mut book {
            Some(b) => b.book.sheets.extend(drawing.book.sheets),
            None => book = Some(drawing),
        }
    }
    book.unwrap()
}

/// The figures a file exports.
fn exported_figures(
    path: &std::path::Path,
) -> std::collections::BTreeMap<(String, String), rust_decimal::Decimal> {
    export::figures(&export::exported(path))
}

/// Seed 001's tables in 元, the unit said in a note under each table, export the figures of
/// the workbook saying it in each head: as a workbook, typed in Word, and that printed to PDF.
#[test]
fn files_stating_the_unit_under_their_tables_export_as_those_stating_it_above() {
    let d = scratch();
    let head = d.join("head.xlsx");
    final_book(Rendered::clone).write_xlsx(&head);
    let want = exported_figures(&head);
    let noted = final_book(|r| unit_in_note(r, "注：本表金额单位为元。", 0));
    let xlsx = d.join("note.xlsx");
    noted.write_xlsx(&xlsx);
    let word = d.join("note.docx");
    docx::ruled_form_docx(&noted.book.sheets, &docx::WordLayout::default(), &word);
    lo::require_chinese_font();
    let pdf = lo::convert(&word, "pdf", &d);
    for path in [xlsx, word, pdf] {
        let got = exported_figures(&path);
        let differ: Vec<String> = (want.keys().chain(got.keys()))
            .filter(|k| want.get(*k) != got.get(*k))
            .map(|k| format!("{k:?}: {:?} → {:?}", want.get(k), got.get(k)))
            .collect();
        assert!(
            differ.is_empty(),
            "{}: {} figures differ\n{}",
            path.display(),
            differ.len(),
            differ.join("\n")
        );
    }
}
