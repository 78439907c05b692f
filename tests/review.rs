//! `review` over a folder of generated workbooks (seed 001's tables, one drawn in a generated
//! layout) with errors injected at known cells: every
//! injected error is in 问题清单 with its file and cell, the counts agree with `check --format
//! json`, the workbook has its three sheets and opens in LibreOffice, and CSV/JSON carry the
//! same rows.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/lo.rs"]
mod lo;

use calamine::{open_workbook, Data, Reader, Xlsx};
use cli::run;
use fiscalform::calc::{compute, Book, Mode};
use fiscalform::cellref::parse_a1;
use fiscalform::form::{Catalog, Form};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::read::{Cell, Sheet, Workbook};
use grid::{fixture, GridCell};
use layout_gen::{fixture_book, passing_layout, Rendered, Rng};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
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

/// Seed 001's 决算 as the library reads it, with the keys of the cells a derive rule computes,
/// per form id: injecting a wrong figure there is an error reported at that very cell.
fn seed_forms() -> (Workbook, Vec<(Form, FormData, BTreeSet<String>)>) {
    let catalog = Catalog::embedded().unwrap();
    let book = fixture_book("seed001_final.grid");
    let rec = recognize_book(&catalog, &book);
    let forms = Book::new(rec.forms);
    let calc = compute(&forms, Mode::Check, false);
    let mut out = Vec::new();
    for (i, (form, data)) in forms.forms.iter().enumerate() {
        let derived: BTreeSet<String> = calc
            .derived
            .values()
            .filter(|d| d.cell.form == i)
            .map(|d| d.cell.key())
            .collect();
        if !derived.is_empty() {
            out.push(((*form).clone(), data.clone(), derived));
        }
    }
    (book, out)
}

/// `cell` of `sheet` replaced by `value`.
fn with_cell(sheet: &Sheet, at: (u32, u16), value: Decimal) -> Sheet {
    let cells = sheet.cells().map(|(r, c, cell)| {
        let cell = if (r, c) == at {
            Cell::Number(value)
        } else {
            cell.clone()
        };
        (r, c, cell)
    });
    Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec())
}

/// The derived cells drawn in `r` holding a figure: (sheet, A1, value).
fn derived_figures(r: &Rendered, derived: &BTreeSet<String>) -> Vec<(String, String, Decimal)> {
    r.values
        .iter()
        .filter(|(_, _, key)| derived.contains(key))
        .filter_map(|(sheet, a1, _)| {
            let at = parse_a1(a1)?;
            let v = r.book.sheet(sheet)?.get(at.0, at.1).as_number()?;
            (v.abs() > Decimal::ONE).then(|| (sheet.clone(), a1.clone(), v))
        })
        .collect()
}

/// A folder of `n` workbooks of seed 001's nine tables, each with one table drawn in a
/// generated layout real units publish (the reading issue's generator: stacked panels, two
/// sheets, other headers, ordinals, units …) and one cell a derive rule computes made wrong
/// in it (doubled plus 37, wrong in any money unit); returns the folder and, per file name,
/// the (sheet, cell) made wrong.
fn generated_folder(tag: &str, n: usize) -> (PathBuf, BTreeMap<String, (String, String)>) {
    let d = dir(tag);
    let (seed_book, forms) = seed_forms();
    let mut injected = BTreeMap::new();
    let mut rng = Rng::new(0x2545_F491_4F6C_DD1D);
    for i in 0..n {
        // The tables in turn; 公开07/08表, empty in seed 001, have no figure to make wrong.
        let (mut r, candidates) = (0..forms.len())
            .find_map(|k| {
                let (form, data, derived) = &forms[(i + k) % forms.len()];
                let mut r = passing_layout(form, data, 4, rng.next());
                r.add_companions(&seed_book, data.sheet.as_deref());
                let candidates = derived_figures(&r, derived);
                (!candidates.is_empty()).then_some((r, candidates))
            })
            .expect("a table with derived figures");
        let (sheet, a1, v) = rng.choose(&candidates).clone();
        let at = parse_a1(&a1).unwrap();
        let wrong = v * Decimal::TWO + Decimal::from(37);
        for s in r.book.sheets.iter_mut().filter(|s| s.name == sheet) {
            *s = with_cell(s, at, wrong);
        }
        let name = format!("单位{i:04}.xlsx");
        r.write_xlsx(&d.join(&name));
        injected.insert(name, (sheet, a1));
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
    let files = std::env::var("FISCALFORM_REVIEW_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(27);
    let (folder, injected) = generated_folder("injected", files);
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
            "{name} {place}: {:#?}",
            issues.iter().filter(|r| r[1] == *name).collect::<Vec<_>>()
        );
    }
    // Each finding's file is a live link to it (a formula, streamed with its row).
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let formulas = wb.worksheet_formula("问题清单").unwrap();
    let link = formulas.get_value((3, 1)).unwrap();
    let target = std::path::absolute(folder.join(&issues[3][1])).unwrap();
    assert!(
        link.starts_with("HYPERLINK(\"file:///")
            && link.contains(target.to_string_lossy().trim_start_matches('/')),
        "{link}"
    );
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
    let input = folder.join("单位0000.xlsx");
    let before = std::fs::read(&input).unwrap();
    let (code, _, err) = run(&["review", s(&input), "-o", s(&input)]);
    assert_eq!(code, 2);
    assert!(err.contains("不会覆盖原表"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
    let (code, _, err) = run(&["review", s(&folder), "-o", s(&folder.join("汇总.csv"))]);
    assert_eq!(code, 2);
    assert!(err.contains(".xlsx"), "{err}");
}

/// A folder fixed in place and then reviewed: each unit once, by its original, and the
/// corrected copies named as left out; a corrected copy without its original beside it (the
/// unit sent only that) is reviewed.
#[test]
fn corrected_copies_beside_their_originals_are_not_reviewed_twice() {
    let (folder, injected) = generated_folder("fixed-in-place", 4);
    let (code, out, err) = run(&["fix", s(&folder)]);
    assert!(code == 0 || code == 1, "{out}{err}");
    let lone = folder.join("单位0003.xlsx");
    std::fs::remove_file(&lone).unwrap();
    let json_out = folder.parent().unwrap().join("fixed-in-place.json");
    let (code, out, err) = run(&["review", s(&folder), "--format", "json", "-o", s(&json_out)]);
    assert!(code == 0 || code == 1, "{out}{err}");
    let review: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let mut names: Vec<String> = (review["files"].as_array().unwrap().iter())
        .map(|f| file_name(f["path"].as_str().unwrap()))
        .collect();
    names.sort();
    let mut want: Vec<String> = injected.keys().take(3).cloned().collect();
    want.push("单位0003-已校正.xlsx".into());
    assert_eq!(names, want, "{out}");
    assert!(out.contains("未审核 3 个校正稿"), "{out}");
    for name in &want[..3] {
        assert!(
            out.contains(&name.replace(".xlsx", "-已校正.xlsx")),
            "{out}"
        );
    }
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
