//! Audits one file end to end (read → recognise → recompute → check) and renders the
//! findings as text for people or as the JSON contract scripts rely on.

use crate::calc::{compute, Book, Mode};
use crate::check::audit_covered;
use crate::coverage::Coverage;
use crate::findings::{counts, Finding, VALUES_NOT_PLACED};
use crate::form::{Catalog, Severity};
use crate::model::FormData;
use crate::prior::Prior;
use crate::recognize::{recognize_workbook, unplaced_numbers, Outcome};
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
}

/// The recognised forms of a workbook with their values, and what reading them noticed.
pub struct Recognized<'c> {
    pub forms: Vec<(&'c crate::form::Form, FormData)>,
    pub findings: Vec<Finding>,
}

/// Read and recognise a workbook; skipped sheets and reading notices become findings.
pub fn recognize_file<'c>(catalog: &'c Catalog, path: &Path) -> Result<Recognized<'c>, String> {
    let (wb, renamed) = crate::sheet_names::read(path)?;
    let mut rec = recognize_book(catalog, &wb);
    rec.findings
        .extend(crate::sheet_names::findings(&wb, &renamed));
    Ok(rec)
}

/// Recognise the forms of a workbook already read (fix also needs the sheets themselves).
pub fn recognize_book<'c>(catalog: &'c Catalog, wb: &crate::read::Workbook) -> Recognized<'c> {
    let mut forms = Vec::new();
    let mut findings = Vec::new();
    // The sheets a previous fix or merge wrote (审核结果, 汇总明细, the values kept beside a form) are not
    // forms the clerk filled, whatever text they hold.
    let own = |name: &str| {
        wb.sheet(name).is_some_and(|s| {
            crate::fix::is_own_audit_sheet(s)
                || crate::merge::is_own_detail_sheet(s)
                || crate::fix::kept_values_of(wb, s).is_some()
        })
    };
    for outcome in recognize_workbook(catalog, wb) {
        match outcome {
            Outcome::Form(rec) if rec.data.sheet.as_deref().is_some_and(own) => {}
            Outcome::Skipped { sheet, .. } if own(&sheet) => {}
            Outcome::Form(rec) if unplaced_numbers(&rec).is_some() => {
                findings.push(values_not_placed(&rec));
            }
            Outcome::Form(rec) => {
                for n in rec.notices {
                    findings.push(Finding::new(
                        n.severity,
                        n.rule,
                        &rec.form.id,
                        rec.data.sheet.clone(),
                        Some(n.cell),
                        n.message,
                    ));
                }
                if !rec.form.repeatable
                    && forms
                        .iter()
                        .any(|(f, _): &(&crate::form::Form, FormData)| f.id == rec.form.id)
                {
                    findings.push(Finding::new(
                        Severity::Warning,
                        "duplicate-form",
                        &rec.form.id,
                        rec.data.sheet.clone(),
                        None,
                        format!(
                            "工作表“{}”又是一张{}；只审核第一张，这一张已跳过",
                            rec.data.sheet.clone().unwrap_or_default(),
                            rec.form.table_no
                        ),
                    ));
                    continue;
                }
                forms.push((rec.form, rec.data));
            }
            Outcome::Skipped { sheet, reason } => findings.push(Finding::new(
                Severity::Info,
                "sheet-skipped",
                "",
                Some(sheet.clone()),
                None,
                format!("工作表“{sheet}”：{reason}"),
            )),
        }
    }
    set_aside_uncoded(&mut forms, &mut findings);
    // Values a previous fix kept beside a form are still values outside it.
    for sheet in &wb.sheets {
        let Some(base) = crate::fix::kept_values_of(wb, sheet) else {
            continue;
        };
        let form = forms
            .iter()
            .find(|(_, d): &&(&crate::form::Form, FormData)| d.sheet.as_deref() == Some(base))
            .map(|(f, _)| *f);
        for (r, c, cell) in sheet.cells() {
            let at = crate::normalize::a1(r, c);
            findings.push(Finding::new(
                Severity::Warning,
                "value-outside-form",
                form.map_or("", |f| f.id.as_str()),
                Some(sheet.name.clone()),
                Some(at.clone()),
                format!(
                    "{}!{at} 处有内容“{cell}”：原在{} {at}，表中没有对应的单元格，校正时保留在此；请核对是否填错位置",
                    sheet.name,
                    form.map_or(base, |f| f.table_no.as_str())
                ),
            ));
        }
    }
    Recognized { forms, findings }
}

/// Gives 科目 rows printed without codes the codes of their names in the other tables; a table
/// whose names cannot all be given codes is not judged (its sums would miss the rows left out):
/// it leaves `forms` with one code-unknown error, its sheet kept as it is.
fn set_aside_uncoded(forms: &mut Vec<(&crate::form::Form, FormData)>, findings: &mut Vec<Finding>) {
    let unknown = crate::recognize::resolve_uncoded(forms);
    let mut unjudged: Vec<usize> = unknown.iter().map(|u| u.form).collect();
    unjudged.dedup();
    for &fi in unjudged.iter().rev() {
        let (form, data) = forms.remove(fi);
        let rows: Vec<&crate::recognize::Uncoded> =
            unknown.iter().filter(|u| u.form == fi).collect();
        let names: Vec<String> = rows
            .iter()
            .map(|u| {
                format!(
                    "“{}”（{}）",
                    u.name,
                    u.cells.first().map_or("", String::as_str)
                )
            })
            .collect();
        findings.push(Finding::new(
            Severity::Error,
            "code-unknown",
            &form.id,
            data.sheet.clone(),
            rows.first().and_then(|u| u.cells.first().cloned()),
            format!(
                "{}：科目{}没有科目代码，工作簿其他表中也没有同名科目，无法确定代码；{}的审核（含表间核对）未进行，请补上科目代码",
                form.table_no,
                names.join("、"),
                form.table_no
            ),
        ));
    }
}

/// The one finding for a sheet taken for a form whose numbers could not be placed: which
/// cells, that none of its rules ran, and what to do. Its sheet is kept as it is.
fn values_not_placed(rec: &crate::recognize::Recognized) -> Finding {
    let cells = unplaced_numbers(rec).unwrap_or_default();
    let shown: Vec<&str> = cells.iter().take(8).map(String::as_str).collect();
    let more = if cells.len() > shown.len() {
        format!(" 等 {} 处", cells.len())
    } else {
        String::new()
    };
    let no = &rec.form.table_no;
    Finding::new(
        Severity::Error,
        VALUES_NOT_PLACED,
        &rec.form.id,
        rec.data.sheet.clone(),
        cells.first().cloned(),
        format!(
            "无法识别{no}的数值位置：{}{more}的数值对应不到表中的单元格，{no}的审核（含表间核对）\
             未进行；请按标准格式整理该表（标题、表头、行名），或用 fiscalform explain 查看读取情况",
            shown.join("、")
        ),
    )
}

/// Sets the PDF page of every finding at a cell of a sheet rebuilt from a PDF.
pub fn locate_pages(wb: &crate::read::Workbook, findings: &mut [Finding]) {
    for f in findings {
        let row = f.cell.as_deref().and_then(crate::normalize::parse_a1);
        if let (Some(sheet), Some((r, _))) = (&f.sheet, row) {
            f.page = wb.page_of(sheet, r);
        }
    }
}

/// Audit one file; a file that cannot be read gives a report with `error` set.
pub fn check_file(catalog: &Catalog, path: &Path) -> FileReport {
    check_file_against(catalog, path, None)
}

/// [`check_file`], compared with last year's workbook when there is one.
pub fn check_file_against(catalog: &Catalog, path: &Path, prior: Option<&Prior>) -> FileReport {
    let shown = path.display().to_string();
    let (wb, renamed) = match crate::sheet_names::read(path) {
        Ok(read) => read,
        Err(e) => {
            return FileReport {
                path: shown,
                forms: vec![],
                findings: vec![],
                error: Some(e),
                coverage: None,
                glance: None,
            }
        }
    };
    let mut rec = recognize_book(catalog, &wb);
    rec.findings
        .extend(crate::sheet_names::findings(&wb, &renamed));
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
    let (said, tally) = crate::statements::check(&catalog.statements, &wb, &book, &calc);
    findings.extend(said);
    coverage.statements = tally;
    locate_pages(&wb, &mut findings);
    sort_findings(&book, &mut findings);
    FileReport {
        path: shown,
        forms,
        findings,
        error: None,
        coverage: Some(coverage),
        glance: Some(crate::figures::glance(&book, &calc)),
    }
}

/// Audit many files on every core; reports come back in the order of `paths`.
/// [`check_file`], with a failure of ours on one file (a panic: a bug) turned into that
/// file's "could not run" report, so the other files of the batch keep theirs.
pub fn check_file_guarded(catalog: &Catalog, path: &Path, prior: Option<&Prior>) -> FileReport {
    let check = || Ok(check_file_against(catalog, path, prior));
    crate::batch::guarded(path, check).unwrap_or_else(|e| FileReport {
        path: path.display().to_string(),
        forms: vec![],
        findings: vec![],
        error: Some(e),
        coverage: None,
        glance: None,
    })
}

/// Checks `paths` on every core and hands each file's report to `emit` in the order given, as
/// soon as it and the ones before it are ready. A file whose check fails unexpectedly is
/// reported as could-not-run, and the batch goes on.
pub fn check_each(
    catalog: &Catalog,
    paths: &[&Path],
    prior: Option<&Prior>,
    emit: impl FnMut(usize, FileReport),
) {
    crate::batch::each_in_order(paths, |p| check_file_guarded(catalog, p, prior), emit);
}

/// Forms in workbook order (each sheet of a repeatable form in its place), then errors before
/// warnings before infos, then by cell.
fn sort_findings(book: &Book, findings: &mut [Finding]) {
    let pos = |f: &Finding| {
        book.forms
            .iter()
            .position(|(form, d)| form.id == f.form && (f.sheet.is_none() || d.sheet == f.sheet))
            .or_else(|| book.form_index(&f.form))
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_key(|f| (pos(f), f.severity));
}

/// One file's part of the text report: its findings from `shown` up (errors only, errors and
/// warnings, or all), and a summary that counts them all.
pub fn render_file_text(r: &FileReport, shown: Severity) -> String {
    let mut s = String::new();
    s.push_str(&format!("== {}\n", r.path));
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
        s.push_str(&format!("  {sev}  {form}  {at}  {}\n", f.message));
    }
    let (e, w, i) = counts(&r.findings);
    s.push_str(&format!(
        "  小结：识别 {} 张表（{}）；错误 {e} 条，警告 {w} 条，提示 {i} 条\n",
        r.forms.len(),
        r.forms
            .iter()
            .map(|f| f.id.as_str())
            .collect::<Vec<_>>()
            .join("、")
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
        self.files += 1;
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
