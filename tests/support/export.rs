//! Test support: the document `fiscalform export` writes, and its logical cells, to compare
//! two readings of the same forms cell by cell. A test that includes it includes
//! `support/cli.rs` as `cli` too.

#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The document `fiscalform export` writes for `path` (beside it, as `.json`).
pub fn exported(path: &Path) -> Value {
    let json = path.with_extension("json");
    let (input, output) = (path.to_str().unwrap(), json.to_str().unwrap());
    let (code, out, err) = super::cli::run(&["export", input, "-o", output]);
    assert_eq!(code, 0, "export {}: {out}{err}", path.display());
    serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap()
}

/// Logical cells of an exported document: (form, cell) → value. Forms by id, a form a
/// workbook holds several of (附件3 per project) by its place among them (`id`, `id#2`, …);
/// rows' cells as `key.col`, free cells by id, and each form field named in `fields`
/// ("unit", "year", "remarks") under its name.
pub fn logical_cells(doc: &Value, fields: &[&str]) -> BTreeMap<(String, String), Value> {
    let mut m = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in doc["forms"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap().to_string();
        let n = seen.entry(id.clone()).or_default();
        *n += 1;
        let id = if *n == 1 { id } else { format!("{id}#{n}") };
        for field in fields {
            m.insert((id.clone(), field.to_string()), f[*field].clone());
        }
        for r in f["rows"].as_array().unwrap() {
            let key = r["key"].as_str().unwrap();
            for (col, v) in r["values"].as_object().unwrap() {
                m.insert((id.clone(), format!("{key}.{col}")), v.clone());
            }
        }
        for (cid, v) in f["cells"].as_object().unwrap() {
            m.insert((id.clone(), cid.clone()), v.clone());
        }
    }
    m
}

/// The figures of an exported document: (form, logical cell) → number, zero as blank.
pub fn figures(doc: &Value) -> BTreeMap<(String, String), rust_decimal::Decimal> {
    logical_cells(doc, &[])
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_str()?.parse().ok()?)))
        .filter(|(_, n): &(_, rust_decimal::Decimal)| !n.is_zero())
        .collect()
}

/// The figures the PDF `pdf` reads otherwise than its workbook `xlsx`, each with both values.
pub fn pdf_differences(xlsx: &Path, pdf: &Path) -> Vec<String> {
    let want = figures(&exported(xlsx));
    let got = figures(&exported(pdf));
    want.keys()
        .chain(got.keys().filter(|k| !want.contains_key(*k)))
        .filter(|k| want.get(*k) != got.get(*k))
        .map(|k| format!("{k:?}: workbook {:?}, PDF {:?}", want.get(k), got.get(k)))
        .collect()
}

/// Every logical cell of an export and every row's label, amounts as numbers (normalised),
/// texts as exported but for the labels' spaces (where a printed cell wraps): (form, cell) →
/// value.
pub fn readings(doc: &Value) -> BTreeMap<(String, String), String> {
    let mut out: BTreeMap<(String, String), String> = logical_cells(doc, &[])
        .into_iter()
        .filter_map(|(k, v)| {
            let text = v.as_str()?.to_string();
            let number = text
                .parse::<rust_decimal::Decimal>()
                .map(|d| d.normalize().to_string());
            Some((k, number.unwrap_or(text)))
        })
        .collect();
    for f in doc["forms"].as_array().unwrap() {
        for r in f["rows"].as_array().unwrap() {
            let label: String = r["label"]
                .as_str()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let key = format!("{}.label", r["key"].as_str().unwrap());
            out.insert((f["id"].as_str().unwrap().to_string(), key), label);
        }
    }
    out
}
