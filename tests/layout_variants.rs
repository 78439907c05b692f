//! Real workbooks are laid out in many ways: the same seed-001 tables with split 类/款/项
//! codes, amounts as text with thousands separators, no 行次 column, renamed and reordered
//! sheets, the header lower down, extra empty rows and columns, and as .xls and .ods copies
//! must read to exactly the same values by logical cell as the plain workbook.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use fiscalform::expr::Val;
use fiscalform::form::Catalog;
use fiscalform::form::Severity;
use fiscalform::load::recognize_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("layout-variants");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Every recognised value: (form, logical cell) → value, plus unit, year and row labels.
fn values(catalog: &Catalog, path: &Path) -> BTreeMap<(String, String), String> {
    let rec = recognize_file(catalog, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for (form, data) in &rec.forms {
        let id = form.id.clone();
        out.insert(
            (id.clone(), "unit".into()),
            data.unit.clone().unwrap_or_default(),
        );
        for row in &data.rows {
            if let Some(label) = &row.label {
                out.insert((id.clone(), format!("{}#label", row.key)), label.clone());
            }
            for (col, v) in &row.values {
                let shown = match v {
                    Val::Num(d) => d.normalize().to_string(),
                    other => format!("{other:?}"),
                };
                out.insert((id.clone(), format!("{}.{col}", row.key)), shown);
            }
        }
        for (k, v) in &data.grid {
            out.insert((id.clone(), k.clone()), format!("{v:?}"));
        }
    }
    let warnings: Vec<_> = rec
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    assert!(
        warnings.is_empty(),
        "{}: reading found {warnings:#?}",
        path.display()
    );
    out
}

fn same_as_plain(name: &str, book: &grid::GridBook) {
    let catalog = Catalog::embedded().unwrap();
    let plain = dir().join(format!("plain-{name}.xlsx"));
    let base = grid::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"),
    );
    base.write_xlsx(&plain);
    let want = values(&catalog, &plain);
    assert!(
        want.len() > 300,
        "the plain workbook reads {} values",
        want.len()
    );
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let got = values(&catalog, &path);
    assert_eq!(got, want, "variant {name} reads differently");
}

fn seed() -> grid::GridBook {
    grid::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed001_final.grid"))
}

#[test]
fn split_codes_read_like_one_code_column() {
    same_as_plain("split-codes", &seed().split_codes());
}

#[test]
fn amounts_as_text_with_thousands_separators() {
    same_as_plain("commas", &seed().amounts_as_text_with_commas());
}

#[test]
fn no_line_number_column() {
    same_as_plain("no-line", &seed().drop_line_number_column());
}

#[test]
fn renamed_and_reordered_sheets() {
    same_as_plain("renamed", &seed().rename_and_reorder_sheets());
}

#[test]
fn header_two_rows_lower_and_extra_empty_rows_and_columns() {
    same_as_plain("lower", &seed().shift_down(2));
    same_as_plain("extra", &seed().extra_empty_rows_and_cols());
    same_as_plain(
        "all-at-once",
        &seed()
            .shift_down(2)
            .extra_empty_rows_and_cols()
            .amounts_as_text_with_commas()
            .split_codes(),
    );
}

#[test]
fn xls_and_ods_copies_read_like_the_xlsx() {
    let catalog = Catalog::embedded().unwrap();
    let plain = dir().join("plain-for-lo.xlsx");
    seed().write_xlsx(&plain);
    let want = values(&catalog, &plain);
    for fmt in ["xls", "ods"] {
        let copy = lo::convert(&plain, fmt, &dir().join(format!("lo-{fmt}")));
        assert_eq!(
            values(&catalog, &copy),
            want,
            "{fmt} copy reads differently"
        );
    }
}
