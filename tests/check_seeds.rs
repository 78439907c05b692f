//! `check` on workbooks laid out like the seeds' tables, with their numbers: the known
//! inconsistencies are reported at the right cells, the corrected workbooks give no error, and
//! layout variants read to the same values.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use grid::fixture;

use cli::{check_json, findings};
use serde_json::Value;
use std::path::PathBuf;

fn out(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("check-seeds");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Every seed's workbook is read as forms from end to end: each of its sheets is recognised as
/// a form, and `check` runs (exit 0 or 1).
#[test]
fn every_seed_workbook_is_recognised_sheet_by_sheet() {
    for name in grid::SEEDS {
        let book = fixture(&format!("{name}.grid"));
        let path = out(&format!("whole-{name}.xlsx"));
        book.write_xlsx(&path);
        let (code, json) = check_json(&path);
        assert!(code < 2, "{name}: {json:#}");
        let read: std::collections::BTreeSet<&str> = json["files"][0]["forms"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["sheet"].as_str())
            .collect();
        let sheets: std::collections::BTreeSet<&str> =
            book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(read, sheets, "{name}: the sheets read as forms");
    }
}

#[test]
fn one_item_changed_in_final_02_is_reported_up_the_hierarchy_and_across_tables() {
    let mut book = fixture("seed001_final.grid");
    let sheet = book.sheet_mut("公开02表");
    let (r, _) = sheet.find("2010450").expect("row 2010450");
    let a1 = grid::a1(r, 3); // 财政拨款收入 (column 2) of 事业运行
    sheet.set(&a1, grid::GridCell::num("400.00"));
    let path = out("seed001_changed_item.xlsx");
    book.write_xlsx(&path);
    let (code, json) = check_json(&path);
    assert_eq!(code, 1);
    let errors: Vec<_> = findings(&json)
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    let at = |form: &str, cell: &str| {
        errors
            .iter()
            .any(|f| f["form"] == form && f["cell"] == cell)
    };
    let book = fixture("seed001_final.grid");
    let s02 = book.sheet("公开02表");
    let row_of = |code: &str| s02.find(code).unwrap_or_else(|| panic!("row {code}")).0;
    let (kuan, lei, total) = (row_of("20104"), row_of("201"), s02.find("合计").unwrap().0);
    assert!(
        at("final-02", &grid::a1(r, 2)),
        "the 项's own 本年收入合计: {errors:#?}"
    );
    for row in [kuan, lei, total] {
        assert!(
            at("final-02", &grid::a1(row, 2)),
            "本年收入合计 of row {}",
            row + 1
        );
        assert!(
            at("final-02", &grid::a1(row, 3)),
            "财政拨款收入 of row {}",
            row + 1
        );
    }
    let s01 = book.sheet("公开01表");
    let (l27, c27) = s01.find("本年收入合计").unwrap();
    let cross = errors
        .iter()
        .find(|f| f["rule"] == "income-vs-final-02")
        .expect("final-01 ↔ final-02");
    assert_eq!(cross["cell"], grid::a1(l27, c27 + 2));
    assert!(cross["related"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x == &format!("'公开02表'!{}", grid::a1(total, 2))));
    let back = errors
        .iter()
        .find(|f| f["rule"] == "appropriation-vs-final-01")
        .expect("final-02 ↔ final-01");
    assert_eq!(back["cell"], grid::a1(total, 3));
    // Nothing else: the other tables still agree with each other.
    assert!(
        errors
            .iter()
            .all(|f| f["form"] == "final-02" || f["form"] == "final-01"),
        "{errors:#?}"
    );
    assert_eq!(errors.len(), 9, "{errors:#?}");
}

#[test]
fn seed_001_as_published_has_no_error_only_its_rounding_differences() {
    let path = out("seed001_final.xlsx");
    fixture("seed001_final.grid").write_xlsx(&path);
    let (code, json) = check_json(&path);
    assert_eq!(code, 0, "{json:#}");
    let all = findings(&json);
    // Besides 尾差 infos, only the unit name it misprints on 公开04表 (株州 for 株洲).
    let warnings: Vec<&Value> = all.iter().filter(|f| f["severity"] != "info").collect();
    assert_eq!(warnings.len(), 1, "{all:#?}");
    assert_eq!(
        (&warnings[0]["rule"], &warnings[0]["form"]),
        (&Value::from("unit-name"), &Value::from("final-04"))
    );
    // 公开01表 lines 32–57 add to 526.35 while 本年支出合计 is 526.36 (FORMS.md).
    let s01 = fixture("seed001_final.grid");
    let (r58, c58) = s01.sheet("公开01表").find("本年支出合计").unwrap();
    let tail = all
        .iter()
        .find(|f| f["form"] == "final-01" && f["cell"] == grid::a1(r58, c58 + 2))
        .expect("尾差 at line 58");
    assert_eq!(tail["expected"], "526.35");
    assert_eq!(tail["found"], "526.36");
    assert!(tail["message"].as_str().unwrap().contains("可能为尾差"));
    assert_eq!(json["files"][0]["forms"].as_array().unwrap().len(), 9);
}

/// The sample the README runs: seed 001's 公开01–09表 with one deliberate typo — 公开01表
/// 本年收入合计 (line 27) keyed as 562.36 instead of 526.36.
fn sample_book() -> grid::GridBook {
    let mut book = fixture("seed001_final.grid");
    let sheet = book.sheet_mut("公开01表");
    let (r, c) = sheet.find("本年收入合计").expect("line 27");
    sheet.set(&grid::a1(r, c + 2), grid::GridCell::num("562.36"));
    book
}

const SAMPLE: &str = "tests/fixtures/sample/2023决算-株洲.xlsx";

#[test]
fn the_shipped_sample_is_seed_001_with_its_deliberate_error() {
    let fresh = out("sample-fresh.xlsx");
    sample_book().write_xlsx(&fresh);
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    if std::env::var_os("FISCALFORM_WRITE_SAMPLE").is_some() {
        std::fs::copy(&fresh, &shipped).unwrap();
    }
    let a = fiscalform::read::read_workbook(&fresh).unwrap();
    let b = fiscalform::read::read_workbook(&shipped).expect("the sample ships with the project");
    assert_eq!(
        a.sheets, b.sheets,
        "regenerate with FISCALFORM_WRITE_SAMPLE=1 cargo test --test check_seeds"
    );
    let (code, json) = check_json(&shipped);
    assert_eq!(code, 1);
    let errors: Vec<_> = findings(&json)
        .into_iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.iter().any(|f| f["form"] == "final-01"
            && f["cell"] == "C33"
            && f["expected"] == "526.36"
            && f["found"] == "562.36"),
        "{errors:#?}"
    );
}

#[test]
fn a_batch_keeps_going_past_a_bad_file_and_exits_2() {
    let good = out("batch-good.xlsx");
    fixture("seed001_final.grid").write_xlsx(&good);
    let not_a_workbook = out("batch-notes.xlsx");
    std::fs::write(&not_a_workbook, "这不是工作簿").unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SAMPLE);
    let args = [
        "fiscalform",
        "check",
        "--format",
        "json",
        good.to_str().unwrap(),
        not_a_workbook.to_str().unwrap(),
        sample.to_str().unwrap(),
    ];
    let mut o = Vec::new();
    let mut e = Vec::new();
    let code = fiscalform::cli::run(args, &mut o, &mut e);
    assert_eq!(code, 2, "a file that cannot be read gives exit code 2");
    let json: serde_json::Value = serde_json::from_slice(&o).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0]["path"], good.to_str().unwrap());
    assert_eq!(files[0]["forms"].as_array().unwrap().len(), 9);
    let err = files[1]["error"].as_str().expect("the bad file says why");
    assert!(err.contains("batch-notes.xlsx"), "{err}");
    assert!(String::from_utf8(e).unwrap().contains("batch-notes.xlsx"));
    assert!(
        files[2]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["severity"] == "error"),
        "the sample after it was still checked"
    );
    // Text output: one summary line per file.
    let mut o = Vec::new();
    let mut e = Vec::new();
    fiscalform::cli::run(
        [
            "fiscalform",
            "check",
            good.to_str().unwrap(),
            sample.to_str().unwrap(),
        ],
        &mut o,
        &mut e,
    );
    let text = String::from_utf8(o).unwrap();
    assert_eq!(text.matches("小结：").count(), 2, "{text}");
    assert!(text.contains("错误  final-01  公开01表!C33"), "{text}");
}
