//! Audits one file end to end (load → recompute → check) and renders the
//! findings as text for people or as the JSON contract scripts rely on.

use crate::calc::{compute, Book, Mode};
use crate::check::audit_covered;
use crate::coverage::Coverage;
use crate::findings::{counts, Finding};
use crate::form::{Catalog, Severity};
use crate::prior::Prior;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct FormRef {
    pub id: String,
    pub sheet: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: String,
    pub forms: Vec<FormRef>,
    pub findings: Vec<Finding>,
    /// Why the file could not be read at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Which rules ran and how they came out (none for a file that could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// Unit, year, family and key figures (none for a file that could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glance: Option<crate::figures::Glance>,
    /// The unit audited, when the file holds several units' sets (one report each).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether this is the report on a second unit of its file or a later one.
    #[serde(skip)]
    pub later_unit: bool,
}

impl FileReport {
    /// The report on a file that could not be read, and why.
    fn unreadable(path: String, error: String) -> FileReport {
        FileReport {
            path,
            forms: vec![],
            findings: vec![],
            error: Some(error),
            coverage: None,
            glance: None,
            unit: None,
            later_unit: false,
        }
    }
}

/// Audit one file; a file that cannot be read gives a report with `error` set. Of a file
/// holding several units' sets, the first unit's report ([`check_units`] gives each).
pub fn check_file(catalog: &Catalog, path: &Path) -> FileReport {
    check_units(catalog, path, None).remove(0)
}

/// Audits one file, compared with last year's workbook when there is one: one report per
/// unit whose set of forms it holds, each audited within itself (one for most files, and
/// one with `error` set for a file that cannot be read).
pub fn check_units(catalog: &Catalog, path: &Path, prior: Option<&Prior>) -> Vec<FileReport> {
    let shown = path.display().to_string();
    match crate::load::read(catalog, path) {
        Ok((wb, units)) => (units.into_iter().enumerate())
            .map(|(i, rec)| check_unit(catalog, &wb, &shown, rec, prior, i > 0))
            .collect(),
        Err(e) => vec![FileReport::unreadable(shown, e.to_string())],
    }
}

/// The report on one unit's set of forms of workbook `wb`; its findings name the unit when
/// the workbook holds several.
fn check_unit(
    catalog: &Catalog,
    wb: &crate::read::Workbook,
    shown: &str,
    rec: crate::load::Recognized,
    prior: Option<&Prior>,
    later_unit: bool,
) -> FileReport {
    let unit = rec.unit.as_ref().map(|u| u.name.clone());
    let forms: Vec<FormRef> = rec
        .forms
        .iter()
        .map(|(f, d)| FormRef {
            id: f.id.clone(),
            sheet: d.sheet.clone().unwrap_or_default(),
        })
        .collect();
    let book = Book::new(rec.forms);
    let calc = compute(&book, Mode::Check, false);
    let mut findings = rec.findings;
    let (audited, mut coverage) = audit_covered(&book, &calc);
    coverage.add_missing(catalog, &book, &findings);
    findings.extend(audited);
    if let Some(prior) = prior {
        findings.extend(crate::prior::compare(&book, &calc, prior));
    }
    let (said, tally) = crate::statements::check(&catalog.statements, wb, &book, &calc);
    findings.extend(said);
    crate::load::drop_retold(&mut findings, &[]);
    coverage.statements = tally;
    crate::load::locate_pages(wb, &mut findings);
    sort_findings(&book, &mut findings);
    for f in findings.iter_mut() {
        f.unit.clone_from(&unit);
    }
    FileReport {
        path: shown.to_string(),
        forms,
        findings,
        error: None,
        coverage: Some(coverage),
        glance: Some(crate::figures::glance(&book, &calc)),
        unit,
        later_unit,
    }
}

/// Audit many files on every core; reports come back in the order of `paths`.
/// [`check_file`], with a failure of ours on one file (a panic: a bug) turned into that
/// file's "could not run" report, so the other files of the batch keep theirs.
pub fn check_file_guarded(
    catalog: &Catalog,
    path: &Path,
    prior: Option<&Prior>,
) -> Vec<FileReport> {
    let check = || Ok(check_units(catalog, path, prior));
    crate::batch::guarded(path, check)
        .unwrap_or_else(|e| vec![FileReport::unreadable(path.display().to_string(), e)])
}

/// Checks `paths` on every core and hands each file's reports (one per unit) to `emit` in the
/// order given, as soon as it and the ones before it are ready. A file whose check fails unexpectedly is
/// reported as could-not-run, and the batch goes on.
pub fn check_each(
    catalog: &Catalog,
    paths: &[&Path],
    prior: Option<&Prior>,
    emit: impl FnMut(usize, Vec<FileReport>),
) {
    crate::batch::each_in_order(paths, |p| check_file_guarded(catalog, p, prior), emit);
}

/// Forms in workbook order (each sheet of a repeatable form in its place), then errors before
/// warnings before infos, then by cell.
fn sort_findings(book: &Book, findings: &mut [Finding]) {
    let pos = |f: &Finding| {
        book.forms
            .iter()
            .position(|(form, d)| {
                let in_copy = d.copy.is_none_or(|c| c.holds(f.cell.as_deref()));
                form.id == f.form && (f.sheet.is_none() || d.sheet == f.sheet && in_copy)
            })
            .or_else(|| book.form_index(&f.form))
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_key(|f| (pos(f), f.severity));
}

/// One file's part of the text report: its findings from `shown` up (errors only, errors and
/// warnings, or all), and a summary that counts them all.
pub fn render_file_text(r: &FileReport, shown: Severity) -> String {
    let mut s = String::new();
    match &r.unit {
        Some(unit) => s.push_str(&format!("== {}（单位：{unit}）\n", r.path)),
        None => s.push_str(&format!("== {}\n", r.path)),
    }
    if let Some(e) = &r.error {
        s.push_str(&format!("  无法读取：{e}\n"));
        return s;
    }
    for f in r.findings.iter().filter(|f| f.severity <= shown) {
        let sev = f.severity.chinese();
        let at = f.place().unwrap_or_else(|| "-".into());
        let form = if f.form.is_empty() {
            "-"
        } else {
            f.form.as_str()
        };
        // One line a finding: a text quoted from a cell wrapped in it keeps its words.
        let message = f.message.replace(['\r', '\n'], " ");
        s.push_str(&format!("  {sev}  {form}  {at}  {message}\n"));
    }
    let (e, w, i) = counts(&r.findings);
    let ids: Vec<&str> = r.forms.iter().map(|f| f.id.as_str()).collect();
    let named = if ids.is_empty() {
        String::new()
    } else {
        format!("（{}）", ids.join("、"))
    };
    s.push_str(&format!(
        "  小结：识别 {} 张表{named}；错误 {e} 条，警告 {w} 条，提示 {i} 条\n",
        r.forms.len(),
    ));
    if let Some(c) = &r.coverage {
        s.push_str(&format!("  核对范围：{}\n", c.summary()));
        if !c.statements.is_empty() {
            s.push_str(&format!("  文字核对：{}\n", c.statements.summary()));
        }
        for (reason, n) in c.not_run_reasons() {
            s.push_str(&format!("  未能核对：{reason}（{n} 条规则）\n"));
        }
    }
    s
}

/// One file's report as a member of the JSON report's `files`, indented to sit in it.
pub fn render_file_json(r: &FileReport) -> String {
    let (errors, warnings, infos) = counts(&r.findings);
    let mut value = serde_json::to_value(r).unwrap_or_default();
    if let Some(fields) = value.as_object_mut() {
        let counts = serde_json::json!({ "errors": errors, "warnings": warnings, "infos": infos });
        fields.insert("counts".into(), counts);
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file's exit code: 0 clean, 1 when a finding is an error, 2 when it could not be read
/// (a batch's is the largest of its files').
pub fn file_exit_code(r: &FileReport) -> i32 {
    if r.error.is_some() {
        2
    } else if r.findings.iter().any(|f| f.severity == Severity::Error) {
        1
    } else {
        0
    }
}

/// What a batch found, added up file by file as the reports go by.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub files: usize,
    pub unreadable: usize,
    pub forms: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Totals {
    pub fn add(&mut self, r: &FileReport) {
        let (e, w, i) = counts(&r.findings);
        self.files += usize::from(!r.later_unit);
        self.unreadable += usize::from(r.error.is_some());
        self.forms += r.forms.len();
        self.errors += e;
        self.warnings += w;
        self.infos += i;
    }

    /// The batch's closing line.
    pub fn line(&self) -> String {
        format!(
            "合计：{} 个文件（{} 个无法读取），识别 {} 张表；错误 {} 条，警告 {} 条，提示 {} 条\n",
            self.files, self.unreadable, self.forms, self.errors, self.warnings, self.infos
        )
    }
}
