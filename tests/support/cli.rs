//! Test support: runs `fiscalform check --format json` in-process on one workbook and reads
//! the report.

use serde_json::Value;
use std::path::Path;

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
