//! Real client: LibreOffice opens every template and every workbook `fix` writes, recalculates
//! every formula, and no cell shows an error value; derived cells keep the results we stored.

#[path = "support/grid.rs"]
mod grid;

#[path = "support/lo.rs"]
mod lo;

use calamine::{open_workbook, Data, Reader, Xlsx};
use fiscalform::form::{Catalog, Family};
use std::path::PathBuf;

#[test]
fn libreoffice_recalculates_every_template_without_error_values() {
    let catalog = Catalog::embedded().unwrap();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lo-templates");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for family in [Family::Final, Family::Budget, Family::Perf] {
        let forms: Vec<_> = catalog.family(family).collect();
        if forms.is_empty() {
            continue;
        }
        let ours = dir.join(format!("{}.xlsx", family.as_str()));
        fiscalform::cli::write_template(&forms, Some("2023"), Some("测试单位"), &ours).unwrap();
        let theirs = lo::convert(&ours, "xlsx", &dir.join(format!("lo-{}", family.as_str())));
        let mut a: Xlsx<_> = open_workbook(&ours).unwrap();
        let mut b: Xlsx<_> = open_workbook(&theirs).unwrap();
        assert_eq!(a.sheet_names(), b.sheet_names());
        let mut formulas_seen = 0;
        for sheet in a.sheet_names() {
            let ra = a.worksheet_range(&sheet).unwrap();
            let fa = a.worksheet_formula(&sheet).unwrap();
            let rb = b.worksheet_range(&sheet).unwrap();
            for (r, c, v) in rb.used_cells() {
                let (r, c) = (
                    r as u32 + rb.start().unwrap().0,
                    c as u32 + rb.start().unwrap().1,
                );
                let bad = matches!(v, Data::Error(_))
                    || matches!(v, Data::String(s) if s.starts_with('#') || s.starts_with("Err:"));
                assert!(
                    !bad,
                    "{sheet} row {} col {}: LibreOffice shows {v:?}",
                    r + 1,
                    c + 1
                );
            }
            for (r, c, f) in fa.used_cells() {
                if f.is_empty() {
                    continue;
                }
                formulas_seen += 1;
                let pos = (
                    r as u32 + fa.start().unwrap().0,
                    c as u32 + fa.start().unwrap().1,
                );
                let ours = ra.get_value(pos).cloned().unwrap_or(Data::Empty);
                let theirs = rb.get_value(pos).cloned().unwrap_or(Data::Empty);
                let same = match (&ours, &theirs) {
                    (Data::Float(x), Data::Float(y)) => (x - y).abs() < 0.005,
                    (Data::Float(x), Data::Int(y)) | (Data::Int(y), Data::Float(x)) => {
                        (x - *y as f64).abs() < 0.005
                    }
                    (x, y) => x == y,
                };
                assert!(
                    same,
                    "{sheet} {pos:?} ={f}: we stored {ours:?}, LibreOffice computes {theirs:?}"
                );
            }
        }
        assert!(
            formulas_seen > 0,
            "{} templates have formulas",
            family.as_str()
        );
    }
}

/// Every formula cell of `ours` holds, to the cent, what LibreOffice computes for it, and no
/// cell of LibreOffice's copy is an error value; returns the number of formulas compared.
fn compare_with_libreoffice(ours: &std::path::Path, outdir: &std::path::Path) -> usize {
    let theirs = lo::convert(ours, "xlsx", outdir);
    let mut a: Xlsx<_> = open_workbook(ours).unwrap();
    let mut b: Xlsx<_> = open_workbook(&theirs).unwrap();
    assert_eq!(a.sheet_names(), b.sheet_names());
    let mut seen = 0;
    for sheet in a.sheet_names() {
        let ra = a.worksheet_range(&sheet).unwrap();
        let fa = a.worksheet_formula(&sheet).unwrap();
        let rb = b.worksheet_range(&sheet).unwrap();
        for (r, c, v) in rb.used_cells() {
            let bad = matches!(v, Data::Error(_))
                || matches!(v, Data::String(s) if s.starts_with("#DIV") || s.starts_with("#VALUE") || s.starts_with("#REF") || s.starts_with("#NAME") || s.starts_with("Err:"));
            assert!(
                !bad,
                "{}: {sheet} row {} col {}: LibreOffice shows {v:?}",
                ours.display(),
                r + 1,
                c + 1
            );
        }
        for (r, c, f) in fa.used_cells() {
            if f.is_empty() {
                continue;
            }
            seen += 1;
            let pos = (
                r as u32 + fa.start().unwrap().0,
                c as u32 + fa.start().unwrap().1,
            );
            let x = ra.get_value(pos).cloned().unwrap_or(Data::Empty);
            let y = rb.get_value(pos).cloned().unwrap_or(Data::Empty);
            let num = |d: &Data| match d {
                Data::Float(v) => Some(*v),
                Data::Int(v) => Some(*v as f64),
                _ => None,
            };
            let same = match (num(&x), num(&y)) {
                (Some(p), Some(q)) => (p - q).abs() < 0.005,
                _ => x == y,
            };
            assert!(
                same,
                "{}: {sheet} {pos:?} ={f}: we stored {x:?}, LibreOffice computes {y:?}",
                ours.display()
            );
        }
    }
    seen
}

#[test]
fn libreoffice_recalculates_what_fix_writes_to_our_stored_results() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lo-fix");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for name in [
        "seed001_final",
        "seed001_perf",
        "seed002_budget",
        "seed000_perf",
        "seed004_perf",
        "seed003_report",
    ] {
        let book = grid::load(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(format!("{name}.grid")),
        );
        let x = dir.join(format!("{name}.xlsx"));
        book.write_xlsx(&x);
        let fixed = dir.join(format!("{name}-fixed.xlsx"));
        let mut o = Vec::new();
        let mut e = Vec::new();
        let code = fiscalform::cli::run(
            [
                "fiscalform",
                "fix",
                x.to_str().unwrap(),
                "-o",
                fixed.to_str().unwrap(),
            ],
            &mut o,
            &mut e,
        );
        assert!(code == 0 || code == 1, "{}", String::from_utf8_lossy(&e));
        let n = compare_with_libreoffice(&fixed, &dir.join(format!("lo-{name}")));
        // The one-page report (seed 003) is text only.
        assert!(
            n > 0 || name == "seed003_report",
            "{name}: the fixed workbook has formulas"
        );
    }
}
