//! Numbers no real form holds (4e28 in summed cells, 1e-28 under a ratio) are refused at their
//! cell instead of overflowing the arithmetic, from a workbook and from `import` JSON; one
//! bad file never costs the rest of a batch its report.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/grid.rs"]
mod grid;

use grid::fixture;

use grid::GridCell;
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx")
}

/// Seed 001 with two of 公开01表's summed income lines at 4e28: their sum would overflow.
fn huge_amounts(name: &str) -> PathBuf {
    let mut book = fixture("seed001_final.grid");
    let sheet = book.sheet_mut("公开01表");
    for label in ["五、事业收入", "六、经营收入"] {
        let (r, _) = sheet.find(label).unwrap_or_else(|| panic!("{label}"));
        sheet.put(r, 2, GridCell::num("40000000000000000000000000000"));
    }
    // One file per test: the tests run at once.
    let path = dir().join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    path
}

fn out_of_range(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["rule"] == "value-out-of-range")
        .map(|f| {
            format!(
                "{}!{}",
                f["sheet"].as_str().unwrap(),
                f["cell"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn amounts_beyond_any_real_figure_are_refused_at_their_cells() {
    let (code, report) = cli::check_json(&huge_amounts("huge-alone"));
    assert_eq!(code, 1, "{report:#}");
    let findings = cli::findings(&report);
    assert_eq!(
        out_of_range(&findings),
        ["公开01表!C11", "公开01表!C12"],
        "{findings:#?}"
    );
    // The plain sample stays clean of that rule.
    let (_, plain) = cli::check_json(&sample());
    assert!(out_of_range(&cli::findings(&plain)).is_empty());
}

#[test]
fn a_tiny_budget_under_a_ratio_is_refused_not_divided_by() {
    let mut book = fixture("seed000_perf.grid");
    let sheet = book
        .sheets
        .iter_mut()
        .find(|s| s.name.contains("3"))
        .expect("附件3");
    let (r, c) = sheet
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            row.iter()
                .position(|c| c.as_str() == "308.42")
                .map(|c| (r as u32, c as u16))
        })
        .expect("年度资金总额 全年预算数 308.42");
    sheet.put(r, c, GridCell::num("0.0000000000000000000000000001"));
    let path = dir().join("tiny.xlsx");
    book.write_xlsx(&path);
    let (code, report) = cli::check_json(&path);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(out_of_range(&cli::findings(&report)).len(), 1, "{report:#}");
}

#[test]
fn import_refuses_numbers_out_of_range_and_booleans_as_amounts() {
    let (code, json, err) = cli::run(&["export", sample().to_str().unwrap(), "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    for (bad, said) in [
        ("\"5e28\"", "超出范围"),
        ("true", "true/false"),
        ("1e-28", "超出范围"),
    ] {
        let doc = json.replacen("\"526.36\"", bad, 1);
        assert_ne!(doc, json, "the sample exports 526.36");
        let input = dir().join("bad.json");
        std::fs::write(&input, &doc).unwrap();
        let out = dir().join("from-bad.xlsx");
        let _ = std::fs::remove_file(&out);
        let (code, _, err) = cli::run(&[
            "import",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(said), "{bad}: {err}");
        assert!(!out.exists(), "{bad}: nothing written");
    }
}

#[test]
fn a_batch_keeps_every_file_report() {
    let huge = huge_amounts("huge-in-batch");
    let (code, out, _) = cli::run(&[
        "check",
        "--format",
        "json",
        huge.to_str().unwrap(),
        sample().to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&out).unwrap();
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(files.iter().all(|f| f["error"].is_null()), "{report:#}");
    assert!(files[1]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["severity"] == "error"));
}
