//! Every check lists which rules ran, passed, failed, had no data, or could not run and why —
//! in the JSON's `coverage` and in the text summary — so that "not checked" never reads as
//! "passed".

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use grid::fixture;

use cli::{check_json, run};
use fiscalform::form::Catalog;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn out(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("coverage");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

fn coverage(path: &Path) -> Value {
    let (_, json) = check_json(path);
    json["files"][0]["coverage"].clone()
}

fn rules(c: &Value) -> Vec<Value> {
    c["rules"].as_array().unwrap().clone()
}

fn status_of(c: &Value, form: &str, rule: &str) -> String {
    let hit: Vec<Value> = rules(c)
        .into_iter()
        .filter(|r| r["form"] == form && r["rule"] == rule)
        .collect();
    assert_eq!(hit.len(), 1, "{form} {rule} listed once: {hit:?}");
    hit[0]["status"].as_str().unwrap().to_string()
}

/// Every derive and check rule of the forms of `family`, once each.
fn every_rule(family: &str) -> Vec<(String, String)> {
    let catalog = Catalog::embedded().unwrap();
    let mut all: Vec<(String, String)> = catalog
        .forms
        .iter()
        .filter(|f| f.family.as_str() == family)
        .flat_map(|f| {
            f.derive()
                .iter()
                .chain(f.check())
                .map(|r| (f.id.clone(), r.id.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    all.sort();
    all
}

fn listed(c: &Value) -> Vec<(String, String)> {
    let mut l: Vec<(String, String)> = rules(c)
        .iter()
        .map(|r| {
            (
                r["form"].as_str().unwrap().to_string(),
                r["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    l.sort();
    l
}

#[test]
fn the_sample_lists_every_rule_once_with_the_failed_one_failed() {
    let c = coverage(&sample());
    assert_eq!(listed(&c), every_rule("final"));
    assert_eq!(status_of(&c, "final-01", "income-total"), "failed");
    assert_eq!(status_of(&c, "final-01", "balance"), "passed");
    assert_eq!(c["missing_forms"], serde_json::json!([]));
    assert!(rules(&c).iter().all(|r| r["status"] != "not-run"), "{c:#}");
    // 公开08表 of the sample is empty: its sums ran on nothing.
    assert_eq!(status_of(&c, "final-08", "row-total"), "no-data");
}

#[test]
fn a_fixed_workbook_passes_the_rule_that_failed() {
    let fixed = out("fixed.xlsx");
    let (code, _, err) = run(&[
        "fix",
        sample().to_str().unwrap(),
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let c = coverage(&fixed);
    assert_eq!(status_of(&c, "final-01", "income-total"), "passed");
}

#[test]
fn missing_tables_and_the_cross_table_rules_that_need_them_are_not_run() {
    let mut book = fixture("seed001_final.grid");
    book.sheets
        .retain(|s| s.name == "公开01表" || s.name == "公开03表");
    let path = out("two-tables.xlsx");
    book.write_xlsx(&path);
    let c = coverage(&path);
    let missing: Vec<&str> = c["missing_forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        missing,
        ["final-02", "final-04", "final-05", "final-06", "final-07", "final-08", "final-09"]
    );
    assert_eq!(
        listed(&c),
        every_rule("final"),
        "the missing forms' rules are listed too"
    );
    let cross = rules(&c)
        .into_iter()
        .find(|r| r["form"] == "final-01" && r["rule"] == "income-vs-final-02")
        .unwrap();
    assert_eq!(cross["status"], "not-run");
    assert_eq!(cross["reason"], "工作簿中没有 公开02表");
    assert_eq!(status_of(&c, "final-01", "income-total"), "passed");

    let (_, text, _) = run(&["check", path.to_str().unwrap()]);
    assert!(
        text.contains("未能核对：工作簿中没有 公开02表（10 条规则）"),
        "{text}"
    );
    assert!(text.contains("核对范围：规则 65 条："), "{text}");
}

#[test]
fn a_blank_template_has_nothing_passed() {
    let path = out("blank.xlsx");
    run(&[
        "template",
        "--family",
        "final",
        "-o",
        path.to_str().unwrap(),
    ]);
    let c = coverage(&path);
    let statuses: std::collections::BTreeSet<String> = rules(&c)
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses.into_iter().collect::<Vec<_>>(),
        ["no-data"],
        "{c:#}"
    );
}

#[test]
fn a_performance_workbook_misses_no_form_for_holding_only_some() {
    let path = out("perf.xlsx");
    fixture("seed004_perf.grid").write_xlsx(&path);
    let c = coverage(&path);
    assert_eq!(c["missing_forms"], serde_json::json!([]));
    assert!(!rules(&c).is_empty());
}

#[test]
fn an_unreadable_file_has_no_coverage_rather_than_an_empty_one() {
    let (code, json) = check_json(Path::new("不存在的文件.xlsx"));
    assert_eq!(code, 2);
    assert!(json["files"][0].get("coverage").is_none(), "{json:#}");
}

#[test]
fn the_audit_sheet_of_fix_says_which_rules_could_not_run() {
    use calamine::{open_workbook, Reader, Xlsx};
    let mut book = fixture("seed001_final.grid");
    book.sheets.retain(|s| s.name == "公开01表");
    let path = out("only-01.xlsx");
    book.write_xlsx(&path);
    let fixed = out("only-01-fixed.xlsx");
    let (code, _, err) = run(&["fix", path.to_str().unwrap(), "-o", fixed.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&fixed).unwrap();
    let sheet = wb.worksheet_range("审核结果").unwrap();
    let summary = sheet.get_value((1, 0)).unwrap().to_string();
    assert!(summary.contains("核对范围（校正后）：规则 "), "{summary}");
    assert!(
        summary.contains("未能核对：工作簿中没有 公开02表（10 条）"),
        "{summary}"
    );
    assert!(
        summary.contains("工作簿中没有 公开09表（4 条）"),
        "{summary}"
    );

    let (code, _, err) = run(&[
        "fix",
        sample().to_str().unwrap(),
        "-o",
        fixed.to_str().unwrap(),
    ]);
    assert!(code <= 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&fixed).unwrap();
    let sheet = wb.worksheet_range("审核结果").unwrap();
    let summary = sheet.get_value((1, 0)).unwrap().to_string();
    assert!(summary.contains("未能核对 0"), "{summary}");
    assert!(!summary.contains("未能核对："), "{summary}");
}

/// Under its findings, 审核结果 has a short 核对范围 table: one line per table with its rules
/// passed, failed, without data and not run (and why), then the sum — the same counts `check`
/// gives of the corrected workbook.
#[test]
fn the_audit_sheet_ends_with_a_table_of_what_each_table_had_checked() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book = fixture("seed001_final.grid");
    book.sheets
        .retain(|s| s.name == "公开01表" || s.name == "公开04表");
    let path = out("only-01-04.xlsx");
    book.write_xlsx(&path);
    let fixed = out("only-01-04-fixed.xlsx");
    let (code, _, err) = run(&["fix", path.to_str().unwrap(), "-o", fixed.to_str().unwrap()]);
    assert!(code <= 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&fixed).unwrap();
    let sheet = wb.worksheet_range("审核结果").unwrap();
    let text = |c: &Data| c.to_string();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(text).collect()).collect();
    let title = rows
        .iter()
        .position(|r| r[0] == "核对范围（校正后）")
        .expect("a 核对范围 table");
    assert_eq!(rows[title + 1][3], "规则");
    let line = |table: &str| -> &Vec<String> {
        rows[title + 2..]
            .iter()
            .find(|r| r[1] == table)
            .unwrap_or_else(|| panic!("{table} in {rows:?}"))
    };

    let c = coverage(&fixed);
    let count = |form: &str, status: &str| {
        rules(&c)
            .iter()
            .filter(|r| r["form"] == form && (status.is_empty() || r["status"] == status))
            .count()
            .to_string()
    };
    for (form, table) in [("final-01", "公开01表"), ("final-04", "公开04表")] {
        let l = line(table);
        assert_eq!(l[3], count(form, ""), "{table}: {l:?}");
        assert_eq!(l[4], count(form, "passed"), "{table}: {l:?}");
        let rest = format!(
            "未通过 {}，无数据 {}，未能核对 {}",
            count(form, "failed"),
            count(form, "no-data"),
            count(form, "not-run")
        );
        assert_eq!(l[5], rest, "{table}: {l:?}");
    }
    let missing = line("公开02表");
    assert_eq!(missing[4], "0");
    assert!(missing[5].ends_with(&format!("未能核对 {}", count("final-02", ""))));
    assert_eq!(missing[6], "工作簿中没有 公开02表");
    let total = line("合计");
    assert_eq!(total[3], rules(&c).len().to_string());
}
