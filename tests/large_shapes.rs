//! The generated large tables in their other shapes (`support/large_tables.rs`), which the
//! scale benchmark times: each must take the path it stands for, at a size a test can run.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/large_tables.rs"]
mod large_tables;

use export::exported;
use large_tables::Shape;
use serde_json::Value;
use std::path::PathBuf;

/// 3 类 of 2 款 of 10 项: 69 科目 rows, 60 of them 项.
const CLASSES: u32 = 3;
const GROUPS: u32 = 2;
const ITEMS: usize = 60;

/// The tables in `shape`, written for test `test` (tests run at once: each its own files).
fn written(shape: Shape, test: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("large-shapes")
        .join(test);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{shape:?}.xlsx"));
    large_tables::write_shaped(&path, CLASSES, GROUPS, shape);
    path
}

/// The codes of a form's 科目 rows and their 本年…合计 (c1), as exported.
fn coded_rows(doc: &Value, table_no: &str) -> Vec<(String, String)> {
    let form = doc["forms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["table_no"] == table_no)
        .unwrap_or_else(|| panic!("{table_no} exported"));
    form["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "coded")
        .map(|r| {
            let code = r["code"].as_str().unwrap_or_default().to_string();
            (
                code,
                r["values"]["c1"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn errors(path: &std::path::Path) -> Vec<Value> {
    let (_, report) = cli::check_json(path);
    cli::findings(&report)
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect()
}

#[test]
fn the_clean_pair_has_no_error() {
    assert_eq!(errors(&written(Shape::Coded, "clean")), Vec::<Value>::new());
}

#[test]
fn an_uncoded_expense_table_takes_the_income_tables_codes_and_checks_clean() {
    let coded = exported(&written(Shape::Coded, "uncoded"));
    let uncoded_path = written(Shape::Uncoded, "uncoded");
    let uncoded = exported(&uncoded_path);
    let rows = coded_rows(&uncoded, "公开03表");
    assert_eq!(rows.len(), large_tables::subjects(CLASSES, GROUPS).len());
    assert_eq!(rows, coded_rows(&coded, "公开03表"));
    assert_eq!(errors(&uncoded_path), Vec::<Value>::new());
}

#[test]
fn a_text_in_every_item_row_is_one_not_a_number_finding_each_and_nothing_else() {
    let errors = errors(&written(Shape::TextInEveryRow, "text"));
    let texts = errors
        .iter()
        .filter(|f| f["rule"] == "not-a-number")
        .count();
    assert_eq!(texts, ITEMS, "{errors:#?}");
    assert_eq!(errors.len(), ITEMS, "no other error: {errors:#?}");
}

#[test]
fn a_unit_with_other_items_merges_into_every_row_of_both() {
    let (a, b) = (
        written(Shape::Coded, "merge"),
        written(Shape::OtherItems, "merge"),
    );
    let out = a.with_file_name("merged.xlsx");
    let _ = std::fs::remove_file(&out);
    let (code, _, err) = cli::run(&[
        "merge",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let codes = |doc: &Value| -> Vec<String> {
        coded_rows(doc, "公开02表")
            .into_iter()
            .map(|(c, _)| c)
            .collect()
    };
    let mut both: Vec<String> = codes(&exported(&a));
    both.extend(codes(&exported(&b)));
    both.sort();
    both.dedup();
    // Every 科目 row of either unit, in order of code.
    assert_eq!(codes(&exported(&out)), both);
    assert_eq!(errors(&out), Vec::<Value>::new());
}
