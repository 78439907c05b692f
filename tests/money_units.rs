//! Amounts a sheet states in 元 or 千元 are read in 万元, the conversion is said, and the 尾差
//! tolerance follows the digits the sheet shows: seed 001's 公开01表 lines that add to 526.35
//! against 526.36 are rounding in 万元 and in 千元, but 100 元 off in a table of whole 元.

#[path = "support/grid.rs"]
mod grid;
#[path = "support/layout_gen.rs"]
mod layout_gen;

use fiscalform::findings::Finding;
use fiscalform::form::Severity;
use fiscalform::form::{Catalog, Form};
use fiscalform::load::recognize_book;
use fiscalform::model::FormData;
use fiscalform::report::check_file;
use layout_gen::{fixture_book, render, Variation};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn final_01(catalog: &Catalog) -> (&Form, FormData) {
    recognize_book(catalog, &fixture_book("seed001_final.grid"))
        .forms
        .into_iter()
        .find(|(f, _)| f.id == "final-01")
        .expect("seed 001 has 公开01表")
}

/// The findings of `check` on 公开01表 drawn with `variations`.
fn check_drawn(name: &str, variations: &[Variation]) -> Vec<Finding> {
    let catalog = Catalog::embedded().unwrap();
    let (form, data) = final_01(&catalog);
    let drawn = render(form, &data, variations, 1);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("money_units");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.xlsx"));
    drawn.write_xlsx(&path);
    let report = check_file(&catalog, &path);
    assert!(report.error.is_none(), "{:?}", report.error);
    report.findings
}

fn cells(findings: &[Finding], severity: &str, rule_other_than: &str) -> BTreeSet<String> {
    findings
        .iter()
        .filter(|f| f.severity.as_str() == severity && f.rule != rule_other_than)
        .filter_map(|f| f.cell.clone())
        .collect()
}

#[test]
fn tail_differences_follow_the_unit_the_sheet_shows() {
    let wan = check_drawn("wan", &[]);
    let tails = cells(&wan, "info", "money-unit");
    assert!(!tails.is_empty(), "seed 001 公开01表 has 尾差: {wan:#?}");
    assert!(cells(&wan, "error", "").is_empty(), "{wan:#?}");
    assert!(wan.iter().all(|f| f.rule != "money-unit"));

    // 千元 with one decimal: 5263.5 against 5263.6 is still rounding.
    let thousand = check_drawn("thousand", &[Variation::MoneyThousand]);
    assert_eq!(
        cells(&thousand, "info", "money-unit"),
        tails,
        "{thousand:#?}"
    );
    assert!(cells(&thousand, "error", "").is_empty(), "{thousand:#?}");

    // Whole 元: 5263500 against 5263600 is a difference of 100 元, not rounding.
    let yuan = check_drawn("yuan", &[Variation::MoneyYuan]);
    // (the totals computed from it then differ too: 总计 on both sides.)
    let errors = cells(&yuan, "error", "");
    assert!(tails.is_subset(&errors), "{yuan:#?}");
    assert!(cells(&yuan, "info", "money-unit").is_empty(), "{yuan:#?}");
}

#[test]
fn the_conversion_is_said_once_at_the_unit_line() {
    let yuan = check_drawn("yuan-said", &[Variation::MoneyYuan]);
    let said: Vec<&Finding> = yuan.iter().filter(|f| f.rule == "money-unit").collect();
    assert_eq!(said.len(), 1, "{yuan:#?}");
    let cell = said[0].cell.as_deref().expect("the unit line's cell");
    assert!(said[0].message.contains(cell), "{}", said[0].message);
    assert!(said[0].message.contains("元") && said[0].message.contains("万元"));
    assert_eq!(said[0].severity, Severity::Info);
}
