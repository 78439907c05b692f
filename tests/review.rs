//! `review` over a folder of generated workbooks with errors injected at known cells: every
//! injected error is in 问题清单 with its file and cell, the counts agree with `check --format
//! json`, the workbook has its three sheets and opens in LibreOffice, and CSV/JSON carry the
//! same rows.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/lo.rs"]
mod lo;

use calamine::{open_workbook, Data, Reader, Xlsx};
use cli::run;
use fiscalform::calc::{compute, Book, Mode};
use fiscalform::form::Catalog;
use fiscalform::load::recognize_book;
use grid::{fixture, GridCell};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("review")
        .join(tag);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The cells of seed 001's 决算 that a derive rule computes and that hold a figure:
/// (sheet, A1, value). Changing one is an error reported at that very cell.
fn derived_cells() -> Vec<(String, String, f64)> {
    let catalog = Catalog::embedded().unwrap();
    let path = dir("seed").join("seed001.xlsx");
    fixture("seed001_final.grid").write_xlsx(&path);
    let wb = fiscalform::read::read_workbook(&path).unwrap();
    let rec = recognize_book(&catalog, &wb);
    let book = Book::new(rec.forms);
    let calc = compute(&book, Mode::Check, false);
    let mut cells = Vec::new();
    for d in calc.derived.values() {
        let data = &book.forms[d.cell.form].1;
        let (Some(sheet), Some(at)) = (&data.sheet, data.origin.get(&d.cell.key())) else {
            continue;
        };
        if let fiscalform::expr::Val::Num(v) = book.input(&d.cell) {
            let v: f64 = v.to_string().parse().unwrap();
            if v.abs() > 1.0 {
                cells.push((sheet.clone(), at.clone(), v));
            }
        }
    }
    cells.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    cells
}

/// A folder of `n` copies of seed 001's 决算, each with one derived cell made wrong by a
/// seeded choice; returns the folder and, per file name, the (sheet, cell) made wrong.
fn generated_folder(tag: &str, n: usize) -> (PathBuf, BTreeMap<String, (String, String)>) {
    let d = dir(tag);
    let cells = derived_cells();
    assert!(cells.len() > 20, "{cells:?}");
    let mut injected = BTreeMap::new();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let (sheet, at, v) = &cells[(state % cells.len() as u64) as usize];
        let mut book = fixture("seed001_final.grid");
        book.sheet_mut(sheet)
            .set(at, GridCell::num(&format!("{:.2}", v + 37.0)));
        let name = format!("单位{i:03}.xlsx");
        book.write_xlsx(&d.join(&name));
        injected.insert(name, (sheet.clone(), at.clone()));
    }
    (d, injected)
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string()
}

#[test]
fn every_injected_error_is_listed_at_its_file_and_cell_and_counts_agree_with_check() {
    let (folder, injected) = generated_folder("injected", 24);
    let json_out = folder.parent().unwrap().join("injected.json");
    let (code, out, err) = run(&["review", s(&folder), "--format", "json", "-o", s(&json_out)]);
    assert_eq!(code, 1, "{out}{err}");
    let review: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let findings = review["findings"].as_array().unwrap();
    for (name, (sheet, cell)) in &injected {
        let place = format!("{sheet}!{cell}");
        assert!(
            findings
                .iter()
                .any(|f| file_name(f["file"].as_str().unwrap()) == *name
                    && f["place"] == place.as_str()
                    && f["severity"] == "error"),
            "{name}: no error at {place}"
        );
    }

    let (_, checked) = cli::check_json(&folder);
    let per_file: BTreeMap<String, Value> = checked["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (file_name(f["path"].as_str().unwrap()), f["counts"].clone()))
        .collect();
    let rows = review["files"].as_array().unwrap();
    assert_eq!(rows.len(), injected.len());
    for row in rows {
        let counts = &per_file[&file_name(row["path"].as_str().unwrap())];
        for k in ["errors", "warnings", "infos"] {
            assert_eq!(row[k], counts[k], "{k} of {}", row["path"]);
        }
    }
    assert_eq!(review["totals"], checked["totals"]);
    let errors: Vec<u64> = rows.iter().map(|r| r["errors"].as_u64().unwrap()).collect();
    assert!(
        errors.windows(2).all(|w| w[0] >= w[1]),
        "sorted by errors: {errors:?}"
    );
}

fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn the_workbook_has_its_three_sheets_and_the_csv_the_same_rows() {
    let (folder, injected) = generated_folder("workbook", 4);
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real/2024决算-上海普陀区财政局.xlsx"),
        folder.join("真实.xlsx"),
    )
    .unwrap();
    std::fs::write(folder.join("坏.xlsx"), "不是工作簿").unwrap();
    let mut partial = fixture("seed001_final.grid");
    partial.sheets.retain(|s| s.name == "公开01表");
    partial.write_xlsx(&folder.join("缺表.xlsx"));

    let out = folder.parent().unwrap().join("审核汇总.xlsx");
    let (code, text, err) = run(&["review", s(&folder), "-o", s(&out)]);
    assert_eq!(code, 2, "a file could not be read: {text}{err}");
    assert!(text.contains("合计：7 个文件（1 个无法读取）"), "{text}");
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["汇总", "问题清单", "未检查"]);

    let summary = sheet_rows(&out, "汇总");
    assert_eq!(summary[2][0], "单位");
    assert_eq!(
        summary.len(),
        3 + 7,
        "title, note, header and one row per file"
    );
    assert_eq!(
        summary[3][3], "无法读取",
        "the unreadable file first: {:?}",
        summary[3]
    );
    let header = &summary[2];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let missing_row = summary
        .iter()
        .find(|r| r[col("文件")] == "缺表.xlsx")
        .unwrap();
    assert!(
        missing_row[col("缺少的表")].contains("公开09表"),
        "{missing_row:?}"
    );
    let real_row = summary
        .iter()
        .find(|r| r[col("文件")] == "真实.xlsx")
        .unwrap();
    assert_eq!(real_row[col("本年支出合计")], "2940.05");
    assert_eq!(
        real_row[col("年度")],
        "",
        "neither its tables nor its name state the year"
    );

    let issues = sheet_rows(&out, "问题清单");
    let (_, checked) = cli::check_json(&folder);
    let total: u64 = checked["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["findings"].as_array().unwrap().len() as u64)
        .sum();
    assert_eq!(issues.len() as u64 - 3, total);
    for (name, (sheet, cell)) in &injected {
        let place = format!("{sheet}!{cell}");
        assert!(
            issues
                .iter()
                .any(|r| r[1] == *name && r[3] == place && r[4] == "错误"),
            "{name} {place}"
        );
    }
    let unchecked = sheet_rows(&out, "未检查");
    assert!(
        unchecked
            .iter()
            .any(|r| r[1] == "缺表.xlsx" && r[4] == "工作簿中没有 公开02表"),
        "{unchecked:?}"
    );

    let csv_dir = folder.parent().unwrap().join("csv");
    run(&["review", s(&folder), "--format", "csv", "-o", s(&csv_dir)]);
    let csv = std::fs::read_to_string(csv_dir.join("问题清单.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    let records = csv.matches("\r\n").count() as u64;
    assert!(
        records > total,
        "header and {total} findings (messages may hold line breaks)"
    );

    let converted = lo::convert(&out, "ods", &folder.parent().unwrap().join("lo"));
    assert!(std::fs::metadata(converted).unwrap().len() > 0);
}

#[test]
fn review_refuses_to_write_over_an_input_or_a_non_xlsx_name() {
    let (folder, _) = generated_folder("refuse", 1);
    let input = folder.join("单位000.xlsx");
    let before = std::fs::read(&input).unwrap();
    let (code, _, err) = run(&["review", s(&input), "-o", s(&input)]);
    assert_eq!(code, 2);
    assert!(err.contains("不会覆盖原表"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let (code, _, err) = run(&["review", s(&folder), "-o", s(&folder.join("汇总.csv"))]);
    assert_eq!(code, 2);
    assert!(err.contains(".xlsx"), "{err}");
}

/// A unit's file of the year before among the inputs is compared as `check --prior` would:
/// the carry-over and change findings are in 问题清单 and counted in 汇总, for the later year
/// only.
#[test]
fn a_units_file_of_the_year_before_is_found_among_the_inputs() {
    let d = dir("two-years");
    let folder = d.join("收到");
    std::fs::create_dir_all(&folder).unwrap();
    let this = folder.join("2023决算.xlsx");
    let last = folder.join("2022决算.xlsx");
    fixture("seed001_final.grid").write_xlsx(&this);
    let mut before = fixture("seed001_final.grid");
    let sheet = before.sheet_mut("公开09表");
    // The data row (预算数 and 决算数, 合计 13.35 first); last year's figures a quarter of
    // this year's: every 三公 item moved.
    let (r, _) = sheet.find("13.35").expect("三公 row");
    for col in 0..sheet.width() {
        if let Ok(v) = sheet.cell(r, col).as_str().parse::<f64>() {
            sheet.put(r, col, GridCell::num(&format!("{:.2}", v / 4.0)));
        }
    }
    before.write_xlsx(&last);

    let json_out = d.join("review.json");
    let (code, out, err) = run(&["review", s(&folder), "--format", "json", "-o", s(&json_out)]);
    assert_eq!(code, 0, "changes are warnings: {out}{err}");
    let review: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let prior: Vec<&Value> = review["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("prior-"))
        .collect();
    assert!(!prior.is_empty(), "{review:#}");
    assert!(prior
        .iter()
        .all(|f| file_name(f["file"].as_str().unwrap()) == "2023决算.xlsx"));
    assert!(prior.iter().any(|f| f["rule"] == "prior-change"
        && f["form"] == "公开09表"
        && f["message"].as_str().unwrap().contains("2022决算.xlsx")));

    let (_, text, _) = run(&["check", "--format", "json", "--prior", s(&last), s(&this)]);
    let checked: Value = serde_json::from_str(&text).unwrap();
    let row = review["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| file_name(f["path"].as_str().unwrap()) == "2023决算.xlsx")
        .unwrap();
    for k in ["errors", "warnings", "infos"] {
        assert_eq!(row[k], checked["files"][0]["counts"][k], "{k}");
    }
}
