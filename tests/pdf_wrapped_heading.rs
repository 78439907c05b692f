//! Fixtures' forms printed to PDF by LibreOffice from sheets whose columns are sized to the tables' bodies, so the unit line above each table (`部门：…`, `金额单位：万元`) wraps in its narrow cells and spills over the table's top rule: read back to the workbook's values, unit and findings.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/export.rs"]
mod export;
#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;
#[path = "support/lo.rs"]
mod lo;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cli::run;
use export::logical_cells;
use serde_json::Value;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `fiscalform ARGS… --format json`'s JSON (export writes it to `-o`).
fn json(args: &[&str], output: Option<&Path>) -> Value {
    let (code, out, err) = run(args);
    assert!(code <= 1, "{args:?}: {code} {err}");
    match output {
        Some(o) => serde_json::from_str(&std::fs::read_to_string(o).unwrap()).unwrap(),
        None => serde_json::from_str(&out).unwrap(),
    }
}

/// The findings of `check` counted by form, rule and severity (their cells and sheet names
/// differ between a workbook and its PDF).
fn findings(path: &Path) -> BTreeMap<String, usize> {
    let doc = json(&["check", s(path), "--format", "json"], None);
    let mut out = BTreeMap::new();
    for f in doc["files"][0]["findings"].as_array().unwrap() {
        let key = format!("{} {} {}", f["form"], f["rule"], f["severity"]);
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// The logical cells, the unit and the year of `export`.
fn cells(path: &Path, out: &Path) -> BTreeMap<(String, String), String> {
    let doc = json(&["export", s(path), "-o", s(out)], Some(out));
    let squeeze = |v: &Value| {
        let t = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        match t.parse::<rust_decimal::Decimal>() {
            Ok(d) if d.is_zero() => String::new(),
            Ok(d) => d.normalize().to_string(),
            Err(_) if t == "null" => String::new(),
            Err(_) => t,
        }
    };
    logical_cells(&doc, &["unit", "year"])
        .into_iter()
        .map(|(k, v)| (k, squeeze(&v)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// A fixture's forms, drawn plainly (no layout variation), in one workbook whose heading
/// lines wrap; its PDF reads as the workbook does: the same values, the same
/// unit's name on every form, the same findings.
#[test]
fn a_unit_line_wrapped_in_narrow_cells_reads_as_the_workbook() {
    lo::require_chinese_font();
    let catalog = fiscalform::form::Catalog::embedded().unwrap();
    let mut problems = Vec::new();
    // (seed002_budget's 部门名称 wrapped apart from its 单位：万元 line still loses the unit's
    // name on 部门公开表01 and 06: not yet read.)
    for fixture in ["seed001_final.grid"] {
        let tag = fixture.trim_end_matches(".grid");
        let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("pdf-wrapped-heading")
            .join(tag);
        std::fs::create_dir_all(&d).unwrap();
        let read = fiscalform::load::recognize_book(&catalog, &layout_gen::fixture_book(fixture));
        let mut drawn = read
            .forms
            .iter()
            .map(|(form, data)| layout_gen::render(form, data, &[], 7));
        let mut book = drawn.next().expect("a form");
        for r in drawn {
            book.book.sheets.extend(r.book.sheets);
            book.ruled.extend(r.ruled);
        }
        let xlsx = d.join(format!("{tag}.xlsx"));
        book.write_ruled_xlsx_wrapped(&xlsx);
        let pdf = lo::convert(&xlsx, "pdf", &d);
        let (a, b) = (
            cells(&xlsx, &d.join("x.json")),
            cells(&pdf, &d.join("p.json")),
        );
        for k in a
            .keys()
            .chain(b.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            if a.get(k) != b.get(k) {
                problems.push(format!(
                    "{tag} {k:?}: xlsx {:?}, pdf {:?}",
                    a.get(k),
                    b.get(k)
                ));
            }
        }
        let (fa, fb) = (findings(&xlsx), findings(&pdf));
        if fa != fb {
            problems.push(format!("{tag} findings: xlsx {fa:?}\npdf {fb:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
