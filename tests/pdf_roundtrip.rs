//! Our own filled workbooks, one per family, printed to PDF by LibreOffice read back to the same `export` as the workbook itself.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/lo.rs"]
mod lo;

use std::path::{Path, PathBuf};

use cli::run;
use export::logical_cells;
use rust_decimal::Decimal;
use serde_json::Value;

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("pdf-roundtrip")
        .join(tag);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn manifest(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `fiscalform export IN` as JSON.
fn export(input: &Path, output: &Path) -> Value {
    let (code, _, err) = run(&["export", s(input), "-o", s(output)]);
    assert_eq!(code, 0, "export {}: {err}", input.display());
    serde_json::from_str(&std::fs::read_to_string(output).unwrap()).unwrap()
}

/// `fiscalform fix IN -o OUT`: our own formatted workbook.
fn fix(input: &Path, output: &Path) {
    let (code, out, err) = run(&["fix", s(input), "-o", s(output)]);
    assert!(
        (code == 0 || code == 1) && output.exists(),
        "fix {}: {code} {out} {err}",
        input.display()
    );
}

/// Values as the audit sees them: numbers by value ("6.20" is 6.2), texts without the
/// spaces and line breaks a printed cell wraps at.
fn same_value(a: &Value, b: &Value) -> bool {
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => match (x.parse::<Decimal>(), y.parse::<Decimal>()) {
            (Ok(p), Ok(q)) => p == q,
            _ => squeeze(x) == squeeze(y),
        },
        _ => match (a, b, &a["text"], &b["text"]) {
            (.., Value::String(x), Value::String(y)) => squeeze(x) == squeeze(y),
            (Value::Array(x), Value::Array(y), ..) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
            }
            _ => a == b,
        },
    }
}

fn is_zero(v: &Value) -> bool {
    v.as_str()
        .and_then(|s| s.parse::<Decimal>().ok())
        .is_some_and(|d| d.is_zero())
}

/// The differences between two exports, one line each. Our amount formats print 0 as a blank
/// cell, so a zero and a blank are the same number.
fn differences(xlsx: &Value, pdf: &Value) -> Vec<String> {
    differences_in(xlsx, pdf, &["unit", "year", "remarks"])
}

/// [`differences`] over the logical cells and the form `fields` named.
fn differences_in(xlsx: &Value, pdf: &Value, fields: &[&str]) -> Vec<String> {
    let (a, b) = (logical_cells(xlsx, fields), logical_cells(pdf, fields));
    let mut out = Vec::new();
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let (v, w) = (
            a.get(k).unwrap_or(&Value::Null),
            b.get(k).unwrap_or(&Value::Null),
        );
        let blank_zero = (is_zero(v) && w.is_null()) || (v.is_null() && is_zero(w));
        if !same_value(v, w) && !blank_zero {
            out.push(format!("{} {}: xlsx {v}, pdf {w}", k.0, k.1));
        }
    }
    out
}

fn form_ids(doc: &Value) -> Vec<String> {
    doc["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// fix(input) → PDF by LibreOffice; the exports of the fixed workbook and of its PDF agree.
fn round_trip(tag: &str, input: &Path) {
    lo::require_chinese_font();
    let d = dir(tag);
    let fixed = d.join(format!("{tag}.xlsx"));
    fix(input, &fixed);
    let pdf = lo::convert(&fixed, "pdf", &d);
    let xlsx_json = export(&fixed, &d.join("xlsx.json"));
    let pdf_json = export(&pdf, &d.join("pdf.json"));
    assert!(
        !form_ids(&xlsx_json).is_empty(),
        "{tag}: no form in the xlsx"
    );
    assert_eq!(
        form_ids(&pdf_json),
        form_ids(&xlsx_json),
        "{tag}: the forms read from the PDF"
    );
    let diff = differences(&xlsx_json, &pdf_json);
    assert!(
        diff.is_empty(),
        "{tag}: {} logical cells differ:\n{}",
        diff.len(),
        diff.join("\n")
    );
}

fn from_fixture(tag: &str, fixture: &str) -> PathBuf {
    let book = grid::load(&manifest("tests/fixtures").join(fixture));
    let x = dir(tag).join(format!("{tag}-input.xlsx"));
    book.write_xlsx(&x);
    x
}

#[test]
fn final_accounts_workbook_reads_back_from_its_pdf() {
    round_trip(
        "final",
        &manifest("tests/fixtures/sample/2023决算-株洲.xlsx"),
    );
}

#[test]
fn budget_workbook_reads_back_from_its_pdf() {
    round_trip("budget", &from_fixture("budget", "seed002_budget.grid"));
}

/// Every 绩效自评 fixture printable in full (seed 003's 评价报告 holds a cell taller than a page,
/// which no spreadsheet prints whole).
#[test]
fn performance_workbooks_read_back_from_their_pdfs() {
    for (tag, fixture) in [
        ("perf", "seed000_perf.grid"),
        ("perf001", "seed001_perf.grid"),
        ("perf004", "seed004_perf.grid"),
    ] {
        round_trip(tag, &from_fixture(tag, fixture));
    }
}

/// A fixture's forms in seeded layouts real units publish (tests/support/layout_gen.rs, up to
/// three variations each), in one workbook printed as units print theirs — ruled tables,
/// fitted to the page's width — read back from the PDF to the same `export` as from the
/// workbook: the same forms, the same logical cells. (Not the unit's name nor the notes: a
/// line printed past the table's last column is cut at the page's edge.)
#[test]
fn generated_layouts_read_back_from_their_pdfs() {
    lo::require_chinese_font();
    let catalog = fiscalform::form::Catalog::embedded().unwrap();
    let mut problems = Vec::new();
    for (fixture, seed) in [
        ("seed001_final.grid", 1),
        ("seed001_final.grid", 2),
        ("seed002_budget.grid", 3),
        ("seed000_perf.grid", 4),
        ("seed001_perf.grid", 5),
        ("seed004_perf.grid", 6),
    ] {
        let tag = format!("gen-{}-{seed}", fixture.trim_end_matches(".grid"));
        let read = fiscalform::load::recognize_book(&catalog, &layout_gen::fixture_book(fixture));
        let drawn: Vec<layout_gen::Rendered> = read
            .forms
            .iter()
            .enumerate()
            .map(|(i, (form, data))| {
                layout_gen::passing_layout(form, data, 3, seed * 100 + i as u64)
            })
            .collect();
        let d = dir(&tag);
        let xlsx = d.join(format!("{tag}.xlsx"));
        one_workbook(drawn).write_ruled_xlsx(&xlsx);
        let pdf = lo::convert(&xlsx, "pdf", &d);
        let (xlsx_json, pdf_json) = (
            export(&xlsx, &d.join("xlsx.json")),
            export(&pdf, &d.join("pdf.json")),
        );
        if form_ids(&pdf_json) != form_ids(&xlsx_json) {
            problems.push(format!(
                "{tag}: forms {:?} from the PDF, {:?} from the workbook",
                form_ids(&pdf_json),
                form_ids(&xlsx_json)
            ));
            continue;
        }
        let diff = differences_in(&xlsx_json, &pdf_json, &["year"]);
        if !diff.is_empty() {
            problems.push(format!("{tag} ({}): {}", xlsx.display(), diff.join("; ")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The renderings' sheets in one workbook, a sheet whose name is taken renamed `名称(2)`.
fn one_workbook(drawn: Vec<layout_gen::Rendered>) -> layout_gen::Rendered {
    let mut parts = drawn.into_iter();
    let mut book = parts.next().expect("a rendering");
    for mut r in parts {
        for sheet in &mut r.book.sheets {
            let base = sheet.name.clone();
            let mut n = 2;
            while book.book.sheets.iter().any(|s| s.name == sheet.name) {
                sheet.name = format!("{base}({n})");
                n += 1;
            }
            for (name, _) in r.ruled.iter_mut().filter(|(name, _)| *name == base) {
                name.clone_from(&sheet.name);
            }
        }
        book.book.sheets.extend(r.book.sheets);
        book.ruled.extend(r.ruled);
    }
    book
}
