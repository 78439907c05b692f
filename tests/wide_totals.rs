//! A 合计 over more 类 rows than Excel takes arguments in one call (255): `fix` writes a
//! formula every call of which stays within the limit, adding every 类 row, with the computed
//! total stored beside it, and the corrected workbook checks clean.

#[path = "support/large_tables.rs"]
mod large_tables;

use calamine::{open_workbook, DataType, Reader, Xlsx};
use fiscalform::expr::{widest_call, EXCEL_MAX_ARGS};
use std::path::PathBuf;

/// 300 类 of one 款 of ten 项 each: the 类 rows are apart, so no range covers them.
const CLASSES: u32 = 300;

#[test]
fn a_total_over_300_class_rows_is_a_valid_formula_with_its_value() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("wide-totals");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("300类.xlsx");
    let output = dir.join("300类-已校正.xlsx");
    let _ = std::fs::remove_file(&output);
    large_tables::write(&input, CLASSES, 1);
    let rows = large_tables::subjects(CLASSES, 1);
    let (basic, project) = large_tables::total(&rows);

    let (mut o, mut e) = (Vec::new(), Vec::new());
    let args = ["fiscalform", "fix", input.to_str().unwrap(), "-o"];
    let code = fiscalform::cli::run(
        args.into_iter().chain([output.to_str().unwrap()]),
        &mut o,
        &mut e,
    );
    assert!(code <= 1, "{}", String::from_utf8_lossy(&e));

    let mut book: Xlsx<_> = open_workbook(&output).unwrap();
    let values = book.worksheet_range("公开02表").unwrap();
    let formulas = book.worksheet_formula("公开02表").unwrap();
    let (r, _, _) = values
        .cells()
        .find(|(_, _, v)| v.get_string().is_some_and(|s| s.trim() == "合计"))
        .expect("the 合计 row");
    // 财政拨款收入 (column D): the column adding the 类 rows.
    let at = (values.start().unwrap().0 + r as u32, 3);
    let formula = formulas
        .get_value(at)
        .expect("a formula in 合计 · 财政拨款收入");
    assert!(
        widest_call(formula) <= EXCEL_MAX_ARGS,
        "every call within Excel's 255 arguments: {formula}"
    );
    let refs = formula.matches('D').count();
    assert_eq!(refs, CLASSES as usize, "one term per 类 row: {formula}");
    let stored = values.get_value(at).and_then(|v| v.as_f64()).unwrap();
    assert!((stored - (basic + project) as f64 / 100.0).abs() < 1e-6);

    let (mut o, mut e) = (Vec::new(), Vec::new());
    let code = fiscalform::cli::run(
        ["fiscalform", "check", output.to_str().unwrap()],
        &mut o,
        &mut e,
    );
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&o));
}
