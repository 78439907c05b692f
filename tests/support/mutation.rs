//! Test support: one harness for "every rule, both ways" — a rule stays quiet on a good
//! workbook and, once a cell is broken, fires at the cell it names with its severity, once,
//! and with exit code 1 when it is an error. The final, budget and perf families share it.

#![allow(dead_code)]

use super::cli;
use super::grid::GridBook;
use serde_json::Value;
use std::path::PathBuf;

/// The exit code and findings of `check` on `book`, written as `<name>.xlsx` in the test
/// scratch folder `dir` (one folder per test file, one name per case: no two tests share a
/// path).
pub fn check_book(book: &GridBook, dir: &str, name: &str) -> (i32, Vec<Value>) {
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(dir);
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(format!("{name}.xlsx"));
    book.write_xlsx(&path);
    let (code, json) = cli::check_json(&path);
    (code, cli::findings(&json))
}

/// Which findings are a rule's: those of one form, or (the perf family, whose forms repeat
/// on several sheets) those on one sheet.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Form(&'a str),
    Sheet(&'a str),
}

/// A case's rule: its name (for the messages of failed assertions), its id and its scope.
#[derive(Clone, Copy)]
pub struct RuleOf<'a> {
    pub name: &'a str,
    pub rule: &'a str,
    pub scope: Scope<'a>,
}

impl RuleOf<'_> {
    /// A finding of this rule, in its scope.
    pub fn is_rule(&self, f: &Value) -> bool {
        f["rule"] == self.rule
            && match self.scope {
                Scope::Form(form) => f["form"] == form,
                Scope::Sheet(sheet) => f["sheet"] == sheet,
            }
    }
}

/// The finding a broken cell must give.
pub struct Expected<'a> {
    pub of: RuleOf<'a>,
    /// The sheet the finding must name, when the family tells its cells apart by sheet.
    pub sheet: Option<&'a str>,
    /// A1 of the cell, as the finding names it.
    pub cell: &'a str,
    pub severity: &'a str,
}

impl Expected<'_> {
    fn is_hit(&self, f: &Value) -> bool {
        self.of.is_rule(f)
            && self.sheet.is_none_or(|sheet| f["sheet"] == sheet)
            && f["cell"] == self.cell
    }
}

/// How much of the rule a good workbook may show.
#[derive(Clone, Copy, PartialEq)]
pub enum Quiet {
    /// Nothing of the rule at all.
    Silent,
    /// At most infos (a 尾差 the rule accepts).
    InfosOnly,
}

/// The rule gives nothing (or only infos) on the good workbook's findings.
pub fn assert_quiet(rule: &RuleOf, good: &[Value], quiet: Quiet, what: &str) {
    let loud = |f: &&Value| rule.is_rule(f) && (quiet == Quiet::Silent || f["severity"] != "info");
    let fired: Vec<&Value> = good.iter().filter(loud).collect();
    assert!(
        fired.is_empty(),
        "{}: rule {} fires on {what}: {fired:#?}",
        rule.name,
        rule.rule
    );
}

/// The broken workbook's findings hold the expected finding once, at its cell, with its
/// severity and a message naming the cell; an error gives exit code 1. Returns the finding.
pub fn assert_fires<'f>(expected: &Expected, code: i32, broken: &'f [Value]) -> &'f Value {
    let name = expected.of.name;
    let hits: Vec<&Value> = broken.iter().filter(|f| expected.is_hit(f)).collect();
    let Some(hit) = hits.first() else {
        panic!(
            "{}: no {} finding of rule {} at {}{}: {broken:#?}",
            name,
            expected.severity,
            expected.of.rule,
            expected.sheet.map(|s| format!("{s}!")).unwrap_or_default(),
            expected.cell
        );
    };
    assert_eq!(hits.len(), 1, "{}: reported once: {hits:#?}", name);
    assert_eq!(hit["severity"], expected.severity, "{}: {hit:#?}", name);
    assert!(
        hit["message"].as_str().unwrap().contains(expected.cell),
        "{}: the message names the cell: {hit:#?}",
        name
    );
    if expected.severity == "error" {
        assert_eq!(code, 1, "{}: errors give exit code 1", name);
    }
    hit
}

/// Fails with every generated case named in `failed` (of `cases` run), and when fewer than
/// `least` cases were run (the generator found less to vary than it should).
pub fn assert_cases_passed(failed: &[String], cases: usize, least: usize) {
    assert!(cases >= least, "only {cases} cases");
    let (n, report) = (failed.len(), failed.join("\n"));
    assert!(n == 0, "{n} of {cases} cases failed:\n{report}");
}
