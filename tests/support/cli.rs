//! Test support: runs fiscalform in-process — any command, or `check --format json` on one
//! workbook with its report read.

#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;

/// Exit code, standard output and standard error of `fiscalform ARGS…`, run in-process.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let (mut o, mut e) = (Vec::new(), Vec::new());
    let mut all = vec!["fiscalform"];
    all.extend_from_slice(args);
    let code = fiscalform::cli::run(all, &mut o, &mut e);
    (
        code,
        String::from_utf8(o).unwrap(),
        String::from_utf8(e).unwrap(),
    )
}

/// The exit code and the JSON report of `fiscalform check --format json PATH`.
pub fn check_json(path: &Path) -> (i32, Value) {
    let mut o = Vec::new();
    let mut e = Vec::new();
    let code = fiscalform::cli::run(
        [
            "fiscalform",
            "check",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
        &mut o,
        &mut e,
    );
    (code, serde_json::from_slice(&o).expect("json output"))
}

/// The findings of the report's first file.
pub fn findings(report: &Value) -> Vec<Value> {
    report["files"][0]["findings"].as_array().unwrap().clone()
}

/// What `check` finds in `path`, without where: each finding's `fields` joined by spaces,
/// sorted (two readings of one table compared finding by finding).
pub fn finding_fields(path: &Path, fields: &[&str]) -> Vec<String> {
    let (_, report) = check_json(path);
    let all = report["files"][0]["findings"].as_array().cloned();
    let mut found: Vec<String> = (all.unwrap_or_default().iter())
        .map(|f| {
            let field = |k: &&str| f[*k].as_str().unwrap_or("").to_string();
            fields.iter().map(field).collect::<Vec<_>>().join(" ")
        })
        .collect();
    found.sort();
    found
}

/// A finding without its message: (sheet, cell, form, rule, severity).
pub type Said = (String, String, String, String, String);

/// Where a finding of a `check --format json` report is and what rule says it.
pub fn said(f: &Value) -> Said {
    let at = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (
        at("sheet"),
        at("cell"),
        at("form"),
        at("rule"),
        at("severity"),
    )
}
