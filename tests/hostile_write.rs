//! Hostile and broken inputs on the writing side: a symlink planted where a temporary file
//! used to be predictable, a CSV set that fails half-way, deep expressions in form
//! definitions, a quadratic import, duplicate sheet names and over-long strings.

#[path = "support/cli.rs"]
mod cli;

use std::path::{Path, PathBuf};

/// A fresh folder of its own for one test (the tests run at once).
fn dir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_write")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn names(d: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

fn temporaries(d: &Path) -> Vec<String> {
    names(d)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

// ------------------------------------------------------------------ temporary output file

#[cfg(unix)]
#[test]
fn a_symlink_at_the_old_temporary_name_cannot_make_fix_overwrite_the_input() {
    let d = dir("symlink");
    let input = d.join("in.xlsx");
    std::fs::copy(sample(), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let out = d.join("out.xlsx");
    // The name the temporary file used to have: `.out.xlsx.<pid>.tmp`.
    let planted = d.join(format!(".out.xlsx.{}.tmp", std::process::id()));
    std::os::unix::fs::symlink(&input, &planted).unwrap();
    let (code, _, err) = cli::run(&["fix", s(&input), "-o", s(&out)]);
    assert!(code <= 1, "{err}");
    assert!(
        std::fs::read(&input).unwrap() == before,
        "the input is unchanged"
    );
    assert!(out.exists());
    assert!(std::fs::symlink_metadata(&planted)
        .unwrap()
        .file_type()
        .is_symlink());
    // The written workbook is an ordinary file, readable by others as a new file would be.
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.is_file());
    use std::os::unix::fs::PermissionsExt;
    assert_ne!(
        meta.permissions().mode() & 0o044,
        0,
        "not a private 0600 file"
    );
}

#[test]
fn a_failed_write_leaves_no_temporary_file() {
    let d = dir("failed-write");
    // The output's name is taken by a folder with something in it: the rename fails.
    let out = d.join("out.xlsx");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "x").unwrap();
    let (code, _, err) = cli::run(&["fix", s(&sample()), "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("无法写入文件") && err.contains("out.xlsx"),
        "{err}"
    );
    assert_eq!(names(&d), ["out.xlsx"]);
    assert_eq!(names(&out), ["keep.txt"]);
}

#[test]
fn a_later_run_removes_temporaries_an_interrupted_run_left_an_hour_ago() {
    let d = dir("stale");
    let old = d.join(".fiscalform-OLDOLDOLD0.tmp");
    let fresh = d.join(".fiscalform-NEWNEWNEW0.tmp");
    let other = d.join(".other-old.tmp");
    for p in [&old, &fresh, &other] {
        std::fs::write(p, b"half").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    for p in [&old, &other] {
        std::fs::File::options()
            .write(true)
            .open(p)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let out = d.join("out.xlsx");
    let (code, _, err) = cli::run(&["fix", s(&sample()), "-o", s(&out)]);
    assert!(code <= 1, "{err}");
    assert!(!old.exists(), "an hour-old leftover of ours is removed");
    assert!(fresh.exists(), "a run may still be writing a recent one");
    assert!(other.exists(), "files not ours are left alone");
}

// ------------------------------------------------------------------ CSV set

fn csv_names(d: &Path) -> Vec<String> {
    names(d)
        .into_iter()
        .filter(|n| n.ends_with(".csv"))
        .collect()
}

#[test]
fn a_csv_set_that_fails_at_one_form_leaves_none_of_the_others() {
    let d = dir("csv");
    // The full set, to learn the names.
    let full = d.join("full");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&full)]);
    assert_eq!(code, 0, "{err}");
    let set = csv_names(&full);
    assert!(set.len() >= 5, "{set:?}");
    assert!(temporaries(&d).is_empty(), "{:?}", names(&d));

    // Into an existing folder whose fifth file name is taken by a folder: nothing written,
    // and an older file of the set is put back as it was.
    let out = d.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::create_dir(out.join(&set[4])).unwrap();
    std::fs::write(out.join(&set[4]).join("x"), "x").unwrap();
    std::fs::write(out.join(&set[0]), "older export").unwrap();
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&set[4]) && err.contains("未写出"), "{err}");
    assert_eq!(csv_names(&out), [set[0].clone(), set[4].clone()]);
    assert_eq!(
        std::fs::read_to_string(out.join(&set[0])).unwrap(),
        "older export"
    );
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
    assert!(temporaries(&d).is_empty(), "{:?}", names(&d));

    // Once the name is free, the same export writes the whole set over the older file.
    std::fs::remove_dir_all(out.join(&set[4])).unwrap();
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv_names(&out), set);
    for n in &set {
        assert!(
            std::fs::read(out.join(n)).unwrap() == std::fs::read(full.join(n)).unwrap(),
            "{n}"
        );
    }
    assert!(temporaries(&out).is_empty(), "{:?}", names(&out));
}

#[cfg(unix)]
#[test]
fn a_new_csv_folder_appears_whole_or_not_at_all() {
    let d = dir("csv-new");
    // A folder that cannot be created where a file has its name: nothing is left beside it.
    let blocked = d.join("blocked");
    std::fs::write(&blocked, "a file").unwrap();
    let out = blocked.join("out");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("无法写入目录"), "{err}");
    assert_eq!(names(&d), ["blocked"]);
    // A new folder in a folder that does not exist yet.
    let out = d.join("a").join("b");
    let (code, _, err) = cli::run(&["export", s(&sample()), "--format", "csv", "-o", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert!(csv_names(&out).len() >= 5);
    assert!(temporaries(&d.join("a")).is_empty());
}

// ------------------------------------------------------------------ expression depth

/// The shipped definitions copied into a folder of their own, with `rule` appended to
/// final-01.toml as one more check.
fn templates_with(name: &str, expr: &str) -> PathBuf {
    let d = dir(name);
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates");
    for e in std::fs::read_dir(&shipped).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    let path = d.join("final-01.toml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(&format!(
        "\n[[check]]\nid = \"deep\"\nname = \"很深的规则\"\nexpr = \"{expr}\"\n"
    ));
    std::fs::write(&path, text).unwrap();
    d
}

/// `fiscalform check SAMPLE --templates DIR`: exit code and standard error.
fn check_with(templates: &Path) -> (i32, String) {
    let (code, _, err) = cli::run(&["--templates", s(templates), "check", s(&sample())]);
    (code, err)
}

fn assert_refused_as_too_deep(name: &str, expr: &str) {
    let (code, err) = check_with(&templates_with(name, expr));
    assert_eq!(code, 2, "{name}: {err}");
    for said in ["final-01.toml", "final-01", "deep", "嵌套过深", "sum("] {
        assert!(err.contains(said), "{name}: {said} missing from {err}");
    }
}

#[test]
fn deeply_nested_parentheses_are_refused_with_the_rule_named() {
    let n = 3000;
    let expr = format!("{}L27{} == L27", "(".repeat(n), ")".repeat(n));
    assert_refused_as_too_deep("parens", &expr);
    // Through functions, minus signs and `not` as well.
    let expr = format!("{}L27{} == L27", "abs(".repeat(n), ")".repeat(n));
    assert_refused_as_too_deep("calls", &expr);
    let expr = format!("{}L27 == L27", "-".repeat(n));
    assert_refused_as_too_deep("minus", &expr);
    let expr = format!("{}L27 == L27", "not ".repeat(n));
    assert_refused_as_too_deep("not", &expr);
}

#[test]
fn long_operator_chains_are_refused_not_overflowed() {
    // 6,000 terms overflowed the binder; 200,000 the dropping of the parsed tree.
    for (name, n) in [("chain-6000", 6_000), ("chain-200000", 200_000)] {
        let expr = format!("L27{} == L27", " + L27".repeat(n));
        assert_refused_as_too_deep(name, &expr);
    }
    let expr = format!("L27{} == L27", " * L27".repeat(6_000));
    assert_refused_as_too_deep("product", &expr);
    let expr = format!("L27 == L27{}", " and L27 == L27".repeat(6_000));
    assert_refused_as_too_deep("and", &expr);
}

#[test]
fn rules_within_the_limit_still_run() {
    // 150 parentheses, and a sum of 5,000 terms written as a function's arguments.
    let n = 150;
    let expr = format!("{}L27{} == L27", "(".repeat(n), ")".repeat(n));
    let (code, err) = check_with(&templates_with("within-parens", &expr));
    assert!(code <= 1, "{err}");
    let expr = format!("sum(L27{}) == 5000 * L27", ", L27".repeat(4_999));
    let (code, err) = check_with(&templates_with("within-sum", &expr));
    assert!(code <= 1, "{err}");
    let expr = format!("L27{} == 100 * L27", " + L27".repeat(99));
    let (code, err) = check_with(&templates_with("within-chain", &expr));
    assert!(code <= 1, "{err}");
}

// ------------------------------------------------------------------ linear import

fn col_name(mut c: u32) -> String {
    let mut s = String::new();
    c += 1;
    while c > 0 {
        s.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    s
}

/// The sample's export with a sheet of `rows` × 100 cells beside the forms, every second row
/// merged across pairs of columns (`merges` regions, each two cells wide), and `strays`
/// numbers below 公开01表, each heading a merge two cells wide.
fn big_export(rows: u32, merges: usize, strays: u32) -> serde_json::Value {
    let (code, json, err) = cli::run(&["export", s(&sample()), "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut cells = Vec::new();
    for r in 0..rows {
        for c in 0..100 {
            let cell = format!("{}{}", col_name(c), r + 1);
            cells.push(if c % 3 == 0 {
                serde_json::json!({"cell": cell, "text": format!("项目{r}-{c}")})
            } else {
                serde_json::json!({"cell": cell, "number": format!("{r}.{c:02}")})
            });
        }
    }
    let mut regions = Vec::new();
    'rows: for r in (0..rows).step_by(2) {
        for c in (0..100).step_by(2) {
            if regions.len() == merges {
                break 'rows;
            }
            regions.push(serde_json::json!(format!(
                "{}{}:{}{}",
                col_name(c),
                r + 1,
                col_name(c + 1),
                r + 1
            )));
        }
    }
    assert_eq!(regions.len(), merges, "enough rows for the merges");
    doc["other_sheets"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "附表", "cells": cells, "merges": regions}));
    let form = &mut doc["forms"][0];
    let kept = form["strays"].as_array_mut().unwrap();
    for r in 0..strays {
        let row = 1000 + r;
        kept.push(serde_json::json!({
            "cell": format!("Z{row}"),
            "number": format!("{r}"),
            "merge": format!("Z{row}:AA{row}"),
        }));
    }
    doc
}

#[test]
fn a_large_import_is_linear_and_keeps_every_cell() {
    // 200,000 cells, 20,000 merges and 20,000 merged strays: a search through the cells read
    // so far for each new one took minutes here; linear, it is about a second.
    let d = dir("big-import");
    let doc = big_export(2_000, 20_000, 20_000);
    let input = d.join("big.json");
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = d.join("big.xlsx");
    let (code, _, err) = cli::run(&["import", s(&input), "-o", s(&out)]);
    assert!(code <= 1, "{err}");
    // Every cell and merge of the extra sheet, and every stray, is in the workbook written.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let range = wb.worksheet_range("附表").unwrap();
    assert_eq!(range.used_cells().count(), 200_000);
    assert_eq!(
        range.get_value((1999, 98)),
        Some(&calamine::Data::Float(1999.98))
    );
    assert_eq!(
        range.get_value((1999, 99)),
        Some(&calamine::Data::String("项目1999-99".into()))
    );
    assert_eq!(wb.merge_cells_by_sheet_name("附表").unwrap().len(), 20_000);
    let kept = wb
        .sheet_names()
        .into_iter()
        .find(|n| n.contains("表外"))
        .expect("the strays' sheet");
    let range = wb.worksheet_range(&kept).unwrap();
    assert_eq!(
        range.used_cells().count(),
        doc["forms"][0]["strays"].as_array().unwrap().len()
    );
    assert_eq!(wb.merge_cells_by_sheet_name(&kept).unwrap().len(), 20_000);
}

#[test]
fn overlapping_merges_are_refused_naming_both() {
    let d = dir("overlap");
    let mut doc = big_export(4, 0, 0);
    let sheet = doc["other_sheets"]
        .as_array_mut()
        .unwrap()
        .last_mut()
        .unwrap();
    sheet["merges"] = serde_json::json!(["A1:B1", "D1:E3", "A3:B3", "C2:D2"]);
    let input = d.join("overlap.json");
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = d.join("overlap.xlsx");
    let (code, _, err) = cli::run(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("C2:D2") && err.contains("D1:E3") && err.contains("重叠"),
        "{err}"
    );
    assert!(err.contains(".merges[3]"), "{err}");
    assert!(!out.exists());
    // Among the strays of a form as well.
    let mut doc = big_export(4, 0, 2);
    let strays = doc["forms"][0]["strays"].as_array_mut().unwrap();
    let n = strays.len();
    strays[n - 1]["cell"] = "Y1000".into();
    strays[n - 1]["merge"] = "Y1000:Z1000".into();
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let (code, _, err) = cli::run(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Y1000:Z1000") && err.contains("Z1000:AA1000"),
        "{err}"
    );
    assert!(!out.exists());
}

// ------------------------------------------------------------------ duplicate sheet names

/// The sample with one more sheet per name in `extra` (each holding `第N份说明` in A1),
/// listed in xl/workbook.xml as a hand edit could: Excel itself refuses names twice.
fn with_extra_sheets(path: &Path, extra: &[&str]) {
    let texts: Vec<String> = (1..=extra.len()).map(|i| format!("第{i}份说明")).collect();
    with_sheets_holding(path, extra, &texts);
}

/// The sample with one more sheet per name in `extra`, holding the text of the same place in
/// `texts` in A1 (written as the file's own XML: a writer would refuse a text too long).
fn with_sheets_holding(path: &Path, extra: &[&str], texts: &[String]) {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::fs::File::open(sample()).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        let each = |f: &dyn Fn(usize, &str) -> String| -> String {
            extra.iter().enumerate().map(|(i, n)| f(i, n)).collect()
        };
        let text = match name.as_str() {
            "xl/workbook.xml" => String::from_utf8(text).unwrap().replace(
                "</sheets>",
                &(each(&|i, n| {
                    format!(r#"<sheet name="{n}" sheetId="{}" r:id="rIdX{i}"/>"#, 100 + i)
                }) + "</sheets>"),
            ),
            "xl/_rels/workbook.xml.rels" => String::from_utf8(text).unwrap().replace(
                "</Relationships>",
                &(each(&|i, _| {
                    format!(
                        r#"<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/extra{i}.xml"/>"#
                    )
                }) + "</Relationships>"),
            ),
            "[Content_Types].xml" => String::from_utf8(text).unwrap().replace(
                "</Types>",
                &(each(&|i, _| {
                    format!(
                        r#"<Override PartName="/xl/worksheets/extra{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
                    )
                }) + "</Types>"),
            ),
            _ => {
                zout.start_file(name, options).unwrap();
                zout.write_all(&text).unwrap();
                continue;
            }
        };
        zout.start_file(name, options).unwrap();
        zout.write_all(text.as_bytes()).unwrap();
    }
    for (i, text) in texts.iter().enumerate() {
        zout.start_file(format!("xl/worksheets/extra{i}.xml"), options)
            .unwrap();
        write!(
            zout,
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row></sheetData></worksheet>"#
        )
        .unwrap();
    }
    zout.finish().unwrap();
}

/// Sheet names of a written workbook and the text of every cell, by sheet.
fn sheets_of(path: &Path) -> Vec<(String, Vec<String>)> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    wb.sheet_names()
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let texts = range.used_cells().map(|(_, _, v)| v.to_string()).collect();
            (n, texts)
        })
        .collect()
}

#[test]
fn fix_keeps_both_sheets_of_one_name_and_says_it_renamed_one() {
    let d = dir("duplicate-sheets");
    let long = "一二三四五六七八九十".repeat(3) + "长";
    assert_eq!(long.chars().count(), 31);
    for (case, extra, expected) in [
        (
            "two-others",
            vec!["说明", "说明"],
            vec!["说明".to_string(), "说明 (2)".to_string()],
        ),
        (
            "beside-a-form",
            vec!["公开09表"],
            vec!["公开09表 (2)".to_string()],
        ),
        (
            "long",
            vec![long.as_str(), long.as_str()],
            vec![
                long.clone(),
                "一二三四五六七八九十".repeat(2) + "一二三四五六七 (2)",
            ],
        ),
    ] {
        let input = d.join(format!("{case}.xlsx"));
        with_extra_sheets(&input, &extra);
        let out = d.join(format!("{case}-已校正.xlsx"));
        let (code, _, err) = cli::run(&["fix", s(&input), "-o", s(&out)]);
        assert!(code <= 1, "{case}: {err}");
        let sheets = sheets_of(&out);
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        let start = names.len() - expected.len();
        assert_eq!(names[start..], expected, "{case}: {names:?}");
        // Every sheet's content, none read twice.
        for (i, name) in expected.iter().enumerate() {
            let texts = &sheets[start + i].1;
            assert_eq!(texts, &[format!("第{}份说明", i + 1)], "{case}: {name}");
        }
        // The audit says which sheet was renamed to what.
        let audit = sheets[0].1.join("\n");
        let renamed = expected.last().unwrap();
        assert!(
            audit.contains("同名") && audit.contains(&format!("已改名为“{renamed}”")),
            "{case}: {audit}"
        );
        assert!(renamed.chars().count() <= 31);
    }
}

#[test]
fn check_reads_both_sheets_of_one_name_too() {
    let d = dir("duplicate-check");
    let input = d.join("two.xlsx");
    with_extra_sheets(&input, &["公开09表", "公开09表"]);
    let (_, report) = cli::check_json(&input);
    let findings = cli::findings(&report);
    let renamed: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "duplicate-sheet-name")
        .map(|f| f["sheet"].as_str().unwrap())
        .collect();
    assert_eq!(renamed, ["公开09表 (2)", "公开09表 (3)"], "{report:#}");
    // The renamed sheets hold notes, not a second 公开09表: no duplicate-form.
    assert!(
        !findings.iter().any(|f| f["rule"] == "duplicate-form"),
        "{report:#}"
    );
}

// ------------------------------------------------------------------ texts beyond a cell

/// A text of `n` characters that says where it ends.
fn long_text(n: usize) -> String {
    let mut t = "说明文字".repeat(n / 4);
    t.truncate(t.len() - "说明文字".len());
    t.push_str("结尾四字");
    assert_eq!(t.chars().count(), n);
    t
}

fn audit_lines(path: &Path) -> Vec<String> {
    sheets_of(path).remove(0).1
}

#[test]
fn a_text_beyond_excels_limit_is_cut_at_its_cell_and_reported() {
    let d = dir("long-text");
    // From a workbook: a sheet beside the forms holding 40,000 characters in A1.
    let input = d.join("long.xlsx");
    with_sheets_holding(&input, &["附注"], &[long_text(40_000)]);
    let out = d.join("long-已校正.xlsx");
    let (code, _, err) = cli::run(&["fix", s(&input), "-o", s(&out)]);
    assert_eq!(code, 1, "a cut text is left for a person: {err}");
    let sheets = sheets_of(&out);
    let (_, texts) = sheets.iter().find(|(n, _)| n == "附注").unwrap();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].starts_with("说明文字说明文字"));
    assert!(
        texts[0].ends_with("…（超长，已截断）"),
        "the cell shows it is cut"
    );
    assert!(texts[0].encode_utf16().count() <= 32_767);
    let audit = audit_lines(&out).join("\n");
    assert!(
        audit.contains("附注!A1") && audit.contains("40000 个字符") && audit.contains("未写入"),
        "{audit}"
    );

    // From JSON: a remark, a text typed where an amount belongs, and a value outside the form.
    let (code, json, err) = cli::run(&["export", s(&sample()), "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let form = &mut doc["forms"][0];
    form["remarks"][0] = long_text(33_000).into();
    let row = form["rows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["values"]["amount"] == "526.36")
        .unwrap();
    row["values"]["amount"] = serde_json::json!({"text": long_text(50_000)});
    form["strays"] = serde_json::json!([{"cell": "H80", "text": long_text(32_768)}]);
    let input = d.join("long.json");
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = d.join("long-import.xlsx");
    let (code, _, err) = cli::run(&["import", s(&input), "-o", s(&out)]);
    assert_eq!(code, 1, "{err}");
    let audit = audit_lines(&out).join("\n");
    for said in [
        "33000 个字符",
        "50000 个字符",
        "32768 个字符",
        "公开01表!H80",
    ] {
        assert!(audit.contains(said), "{said} missing: {audit}");
    }
    let sheets = sheets_of(&out);
    let cut: Vec<&String> = sheets
        .iter()
        .flat_map(|(_, t)| t)
        .filter(|t| t.ends_with("…（超长，已截断）"))
        .collect();
    assert_eq!(cut.len(), 3, "the remark, the amount cell and the stray");
    assert!(cut.iter().all(|t| t.encode_utf16().count() <= 32_767));
}

#[test]
fn a_second_fix_carries_many_kept_values_back_in_linear_time() {
    // 20,000 merged values outside 公开01表: the corrected workbook keeps them on a sheet of
    // their own, which a second fix carries back beside the form. Each was looked for among
    // all those carried so far (and each merge among all merges): quadratic.
    let d = dir("fix-of-fix");
    let doc = big_export(0, 0, 20_000);
    let input = d.join("strays.json");
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let first = d.join("first.xlsx");
    let (code, _, err) = cli::run(&["import", s(&input), "-o", s(&first)]);
    assert!(code <= 1, "{err}");
    let second = d.join("second.xlsx");
    let (code, _, err) = cli::run(&["fix", s(&first), "-o", s(&second)]);
    assert!(code <= 1, "{err}");
    let kept = |path: &Path| {
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
        let name = wb
            .sheet_names()
            .into_iter()
            .find(|n| n.contains("表外"))
            .expect("the strays' sheet");
        let cells = wb.worksheet_range(&name).unwrap().used_cells().count();
        (cells, wb.merge_cells_by_sheet_name(&name).unwrap().len())
    };
    assert_eq!(kept(&first), (20_000, 20_000));
    assert_eq!(kept(&second), kept(&first));
}
