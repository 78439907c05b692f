//! Real client: LibreOffice opens every template and every workbook `fix` writes, recalculates
//! every formula, and no cell shows an error value; derived cells keep the results we stored.

#[path = "support/grid.rs"]
mod grid;

#[path = "support/lo.rs"]
mod lo;

#[path = "support/cli.rs"]
mod cli;

#[path = "support/xlsx_xml.rs"]
mod xlsx_xml;

use calamine::{open_workbook, Data, Reader, Xlsx};
use fiscalform::form::{Catalog, Family};
use serde_json::Value;
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
    // 公开03表 printed without its 项目支出 column (E): fix writes the column back blank and the
    // totals beside it keep the published figure until it is filled.
    let mut without_project = grid::fixture("seed001_final.grid");
    without_project.sheet_mut("公开03表").delete_columns(4, 4);
    let books = (grid::SEEDS.iter())
        .map(|name| (name.to_string(), grid::fixture(&format!("{name}.grid"))))
        .chain([("seed001_final-03无项目支出".to_string(), without_project)]);
    for (name, book) in books {
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
        if name.ends_with("无项目支出") {
            // The totals kept are left to a person: said, and the exit code says so.
            let told = String::from_utf8_lossy(&o);
            assert_eq!(code, 1, "{told}");
            assert!(
                told.contains("核对  公开03表!C7  需人工核对：公开03表 缺少“项目支出”列"),
                "{told}"
            );
            let mut out: Xlsx<_> = open_workbook(&fixed).unwrap();
            let audit = out.worksheet_range("审核结果").unwrap();
            let told = |c: &Data| matches!(c, Data::String(t) if t.contains("公开03表 缺少“项目支出”列（第3栏）"));
            assert!(
                audit.used_cells().any(|(_, _, c)| told(c)),
                "审核结果 names the column"
            );
            let formulas = out.worksheet_formula("公开03表").unwrap();
            let kept = formulas
                .used_cells()
                .filter(|(_, _, f)| f.starts_with("IF(COUNT(E"));
            assert!(kept.count() >= 3, "the totals keep the published figures");
        }
        let n = compare_with_libreoffice(&fixed, &dir.join(format!("lo-{name}")));
        // The one-page report (seed 003) is text only.
        assert!(
            n > 0 || name == "seed003_report",
            "{name}: the fixed workbook has formulas"
        );
    }
}

/// Findings on 公开02表 that read no other table, but the suggestions to write blank zeros.
fn within_02(report: &Value) -> Vec<Value> {
    let reads_other = |f: &Value| {
        f["related"].as_array().is_some_and(|r| {
            r.iter()
                .any(|c| c.as_str().is_some_and(|c| c.contains('!')))
        })
    };
    cli::findings(report)
        .into_iter()
        .filter(|f| f["form"] == "final-02" && !reads_other(f) && f["rule"] != "blank-is-zero")
        .collect()
}

/// The code 201 as a clerk types it: text, or a number where the cell takes one.
fn is_201(cell: &Data) -> bool {
    matches!(cell, Data::String(s) if s == "201") || *cell == Data::Float(201.0)
}

/// A unit with more 科目 than spare rows inserts a row in the protected sheet, as a clerk does
/// in LibreOffice; the 合计 includes it, and check and fix treat it as one more 科目 row.
#[test]
fn a_row_inserted_in_a_protected_template_is_summed_and_read() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lo-insert-row");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let forms: Vec<_> = catalog.family(Family::Final).collect();
    let blank = dir.join("blank.xlsx");
    fiscalform::cli::write_template(&forms, Some("2024"), Some("测试单位"), &blank).unwrap();
    // 公开02表's spare 科目 rows are 8 … 22; the new row goes in at 10.
    let filled = dir.join("inserted.xlsx");
    let cells = ["A=201", "B=一般公共服务支出", "D=12.5"];
    assert!(
        lo::insert_row(&blank, &filled, "公开02表", 10, &cells),
        "inserting a row in the protected 公开02表 was refused"
    );
    let mut book: Xlsx<_> = open_workbook(&filled).unwrap();
    let range = book.worksheet_range("公开02表").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned();
    assert_eq!(at(6, 3), Some(Data::Float(12.5)), "合计·财政拨款收入 D7");
    assert!(
        at(9, 0).as_ref().is_some_and(is_201),
        "the new row: {:?}",
        at(9, 0)
    );

    // The new row copies the protection of the row above: its 本年收入合计 (a formula the
    // clerk fills down, or types) is not locked, nor are its figures.
    for col in ["C", "D", "E"] {
        assert!(
            !xlsx_xml::locked(&filled, "公开02表", &format!("{col}10")),
            "{col}10 of the inserted row is locked"
        );
    }
    let (_, report) = cli::check_json(&filled);
    let on_02 = within_02(&report);
    // The one thing wrong within 公开02表 (公开01表 is still blank) is the new row's
    // 本年收入合计, which a plain insertion leaves without the formula of its neighbours.
    assert_eq!(on_02.len(), 1, "{on_02:#?}");
    assert_eq!(on_02[0]["cell"], "C10");
    assert_eq!(on_02[0]["expected"], "12.50");

    let fixed = dir.join("fixed.xlsx");
    let (code, out, err) = cli::run(&[
        "fix",
        filled.to_str().unwrap(),
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{out}{err}");
    let (_, report) = cli::check_json(&fixed);
    let left = within_02(&report);
    assert!(left.is_empty(), "{left:#?}");
    let mut book: Xlsx<_> = open_workbook(&fixed).unwrap();
    let range = book.worksheet_range("公开02表").unwrap();
    let row_of_201 = range
        .rows()
        .position(|r| r.first().is_some_and(is_201))
        .expect("fix keeps the inserted 科目 row");
    assert_eq!(
        range.rows().nth(row_of_201).unwrap()[2],
        Data::Float(12.5),
        "its 本年收入合计"
    );
}
