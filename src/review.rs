//! `review`: what a batch of checked files comes to for a reviewer — one row per file (汇总),
//! every finding (问题清单), every rule that could not run (未检查) — as tables that the
//! review workbook, CSV and JSON all render alike.

use crate::coverage::Coverage;
use crate::findings::Finding;
use crate::form::{Catalog, Family, Severity};
use crate::report::{FileReport, Totals};
use crate::spool::Spool;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::io;

/// One cell of a review table.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Text(String),
    Count(usize),
    Money(Decimal),
    Level(Severity),
    /// A file, shown by name and linked to its path.
    File(String),
    Empty,
}

/// A table's rows, read one at a time (from memory, or back from a spool).
pub type Rows<'a> = Box<dyn Iterator<Item = io::Result<Vec<Entry>>> + 'a>;

/// A table of the review: a sheet of the workbook, a CSV file, a member of the JSON.
pub struct Table<'a> {
    pub name: &'static str,
    /// What the sheet says above its header.
    pub note: String,
    /// Column headings with their widths in characters.
    pub columns: Vec<(String, f64)>,
    /// How many rows `rows` gives.
    pub len: usize,
    pub rows: Rows<'a>,
}

/// One file's row of 汇总, kept until the batch is sorted.
#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub path: String,
    pub unit: Option<String>,
    pub year: Option<String>,
    pub family: Option<Family>,
    pub forms: Vec<String>,
    pub missing_forms: Vec<String>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub not_run: usize,
    pub figures: indexmap::IndexMap<String, Decimal>,
    /// Why the file could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The unit of its file the row is on, when the file holds several units' sets (a row
    /// each): also its `unit`, so that the rows tell the units apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_set: Option<String>,
}

/// One finding of 问题清单.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueRow {
    pub unit: String,
    pub file: String,
    pub form: String,
    pub place: String,
    pub severity: Severity,
    pub rule: String,
    pub rule_name: String,
    pub message: String,
    pub fix: String,
}

/// One rule of 未检查.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UncheckedRow {
    pub unit: String,
    pub file: String,
    pub form: String,
    pub rule: String,
    pub rule_name: String,
    pub reason: String,
}

/// A batch's review, gathered file by file (each report is dropped once its rows are taken).
/// A file's row stays in memory until the batch is sorted; findings and rules not run, which
/// grow with the files, go to spools and are read back as they are written out.
#[derive(Debug, Default)]
pub struct Review {
    figure_names: Vec<String>,
    pub files: Vec<FileRow>,
    pub findings: Spool<IssueRow>,
    pub unchecked: Spool<UncheckedRow>,
    pub totals: Totals,
}

impl Review {
    pub fn new(catalog: &Catalog) -> Review {
        Review {
            figure_names: crate::figures::names(catalog),
            ..Review::default()
        }
    }

    /// Takes one file's report.
    pub fn add(&mut self, catalog: &Catalog, report: FileReport) {
        self.totals.add(&report);
        let row = file_row(catalog, &report);
        let unit = row.unit.clone().unwrap_or_default();
        for f in &report.findings {
            self.findings
                .push(&issue_row(catalog, &unit, &report.path, f));
        }
        if let Some(c) = &report.coverage {
            for row in unchecked_rows(&unit, &report.path, c) {
                self.unchecked.push(&row);
            }
        }
        self.files.push(row);
    }

    /// Compares each file with the file of the same unit and the year before, when the batch
    /// holds one (as `check --prior` would), adding what that finds to the file's rows; gives
    /// the exit code those findings call for (1 for an error, else 0).
    pub fn compare_years(&mut self, catalog: &Catalog) -> i32 {
        let mut code = 0;
        for (this, last) in self.year_pairs() {
            let last_path = std::path::Path::new(&self.files[last].path);
            let Ok(prior) = crate::prior::Prior::load(catalog, last_path) else {
                continue;
            };
            let path = std::path::Path::new(&self.files[this].path);
            let set = &self.files[this].unit_set;
            let reports = crate::report::check_units(catalog, path, Some(&prior));
            let Some(report) = reports.into_iter().find(|r| &r.unit == set) else {
                continue;
            };
            let unit = self.files[this].unit.clone().unwrap_or_default();
            for f in report.findings.iter().filter(|f| is_prior_rule(&f.rule)) {
                let row = &mut self.files[this];
                let (in_file, in_batch) = match f.severity {
                    Severity::Error => (&mut row.errors, &mut self.totals.errors),
                    Severity::Warning => (&mut row.warnings, &mut self.totals.warnings),
                    Severity::Info => (&mut row.infos, &mut self.totals.infos),
                };
                *in_file += 1;
                *in_batch += 1;
                if f.severity == Severity::Error {
                    code = 1;
                }
                self.findings
                    .push(&issue_row(catalog, &unit, &report.path, f));
            }
        }
        code
    }

    /// (this year's file, last year's file) of each unit that has both among the files.
    fn year_pairs(&self) -> Vec<(usize, usize)> {
        let key = |f: &FileRow| -> Option<(String, i32)> {
            let unit = crate::normalize::label_key(f.unit.as_deref()?);
            let year = crate::figures::year_number(f.year.as_deref()?)?;
            Some((unit, year))
        };
        let mut pairs = Vec::new();
        for (i, f) in self.files.iter().enumerate() {
            let Some((unit, year)) = key(f) else { continue };
            let last = self
                .files
                .iter()
                .position(|g| key(g) == Some((unit.clone(), year - 1)));
            if let Some(j) = last {
                pairs.push((i, j));
            }
        }
        pairs
    }

    /// Files with the most errors first (then warnings), otherwise in the order given.
    pub fn sort(&mut self) {
        self.files.sort_by_key(|f| {
            (
                std::cmp::Reverse(f.error.is_some()),
                std::cmp::Reverse(f.errors),
                std::cmp::Reverse(f.warnings),
            )
        });
    }

    /// The three tables: 汇总, 问题清单, 未检查. The last two read their spools back as they
    /// are written out; a spool that cannot be read is an error here, or later as a row.
    pub fn tables(&mut self) -> io::Result<[Table<'_>; 3]> {
        let summary = summary_table(&self.figure_names, &self.files, &self.totals);
        let issues = issues_table(self.findings.len(), self.findings.items()?);
        let unchecked = unchecked_table(self.unchecked.len(), self.unchecked.items()?);
        Ok([summary, issues, unchecked])
    }
}

impl Review {
    /// Writes the review as one JSON document (`files`, `findings`, `unchecked`, `totals`),
    /// each finding as it is read back from its spool.
    pub fn write_json(&mut self, w: &mut dyn io::Write) -> io::Result<()> {
        w.write_all(b"{\n  \"files\": ")?;
        serde_json::to_writer_pretty(&mut *w, &self.files)?;
        w.write_all(b",\n  \"findings\": ")?;
        json_array(self.findings.items()?, w)?;
        w.write_all(b",\n  \"unchecked\": ")?;
        json_array(self.unchecked.items()?, w)?;
        w.write_all(b",\n  \"totals\": ")?;
        serde_json::to_writer_pretty(&mut *w, &self.totals)?;
        w.write_all(b"\n}\n")
    }
}

/// A JSON array of `items`, one per line.
fn json_array<T: Serialize>(
    items: impl Iterator<Item = io::Result<T>>,
    w: &mut dyn io::Write,
) -> io::Result<()> {
    w.write_all(b"[")?;
    for (i, item) in items.enumerate() {
        w.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        serde_json::to_writer(&mut *w, &item?)?;
    }
    w.write_all(b"\n  ]")
}

fn summary_table<'a>(figures: &'a [String], files: &'a [FileRow], t: &Totals) -> Table<'a> {
    let mut columns = cols(&[
        ("单位", 26.0),
        ("年度", 7.0),
        ("类别", 12.0),
        ("识别的表", 10.0),
        ("缺少的表", 16.0),
        ("错误", 6.0),
        ("警告", 6.0),
        ("提示", 6.0),
        ("未能核对", 8.0),
    ]);
    columns.extend(figures.iter().map(|n| (n.clone(), 13.0)));
    columns.push(("文件".into(), 30.0));
    columns.push(("备注".into(), 40.0));
    Table {
        name: "汇总",
        note: format!(
            "共 {} 个文件（{} 个无法读取），识别 {} 张表；错误 {} 条，警告 {} 条，提示 {} 条。按错误条数排序；金额单位：万元。",
            t.files, t.unreadable, t.forms, t.errors, t.warnings, t.infos
        ),
        columns,
        len: files.len(),
        rows: Box::new(files.iter().map(|f| Ok(summary_row(figures, f)))),
    }
}

fn summary_row(figures: &[String], f: &FileRow) -> Vec<Entry> {
    let text = |s: &Option<String>| s.clone().map_or(Entry::Empty, Entry::Text);
    let family = f.family.map(|x| x.chinese().to_string());
    let mut row = vec![text(&f.unit), text(&f.year), text(&family)];
    match &f.error {
        Some(_) => {
            row.push(Entry::Text("无法读取".into()));
            row.extend(std::iter::repeat_n(Entry::Empty, 5 + figures.len()));
        }
        None => {
            row.push(Entry::Count(f.forms.len()));
            row.push(Entry::Text(f.missing_forms.join("、")));
            row.extend([f.errors, f.warnings, f.infos, f.not_run].map(Entry::Count));
            row.extend(
                figures
                    .iter()
                    .map(|n| f.figures.get(n).map_or(Entry::Empty, |d| Entry::Money(*d))),
            );
        }
    }
    row.push(Entry::File(f.path.clone()));
    // Why a file could not be read: the Chinese line (the English one repeats it).
    let said = f.error.as_deref().and_then(|e| e.lines().next());
    row.push(said.map_or(Entry::Empty, |e| Entry::Text(e.to_string())));
    row
}

fn issues_table<'a>(
    len: usize,
    findings: impl Iterator<Item = io::Result<IssueRow>> + 'a,
) -> Table<'a> {
    let row = |i: IssueRow| {
        vec![
            Entry::Text(i.unit),
            Entry::File(i.file),
            Entry::Text(i.form),
            Entry::Text(i.place),
            Entry::Level(i.severity),
            Entry::Text(i.rule_name),
            Entry::Text(i.message),
            Entry::Text(i.fix),
        ]
    };
    Table {
        name: "问题清单",
        note: format!("每个文件的每条审核结果，共 {len} 条。"),
        columns: cols(&[
            ("单位", 22.0),
            ("文件", 24.0),
            ("表", 10.0),
            ("单元格", 18.0),
            ("级别", 6.0),
            ("规则", 26.0),
            ("说明", 60.0),
            ("fix 的处理", 24.0),
        ]),
        len,
        rows: Box::new(findings.map(move |i| i.map(row))),
    }
}

fn unchecked_table<'a>(
    len: usize,
    rules: impl Iterator<Item = io::Result<UncheckedRow>> + 'a,
) -> Table<'a> {
    let row = |u: UncheckedRow| {
        vec![
            Entry::Text(u.unit),
            Entry::File(u.file),
            Entry::Text(u.form),
            Entry::Text(u.rule_name),
            Entry::Text(u.reason),
        ]
    };
    Table {
        name: "未检查",
        note: format!(
            "未能核对的规则（缺表、数值未能读入等），共 {len} 条：这些规则没有运行，不等于通过。"
        ),
        columns: cols(&[
            ("单位", 22.0),
            ("文件", 24.0),
            ("表", 10.0),
            ("规则", 40.0),
            ("原因", 40.0),
        ]),
        len,
        rows: Box::new(rules.map(move |u| u.map(row))),
    }
}

fn cols(c: &[(&str, f64)]) -> Vec<(String, f64)> {
    c.iter().map(|(n, w)| (n.to_string(), *w)).collect()
}

fn file_row(catalog: &Catalog, r: &FileReport) -> FileRow {
    let (errors, warnings, infos) = crate::findings::counts(&r.findings);
    let glance = r.glance.clone().unwrap_or_default();
    let table_no = |id: &String| catalog.get(id).map_or(id.clone(), |f| f.table_no.clone());
    FileRow {
        path: r.path.clone(),
        unit: r.unit.clone().or(glance.unit),
        year: glance
            .year
            .or_else(|| crate::figures::year_in_name(std::path::Path::new(&r.path))),
        family: glance.family,
        forms: r.forms.iter().map(|f| f.id.clone()).collect(),
        missing_forms: r
            .coverage
            .iter()
            .flat_map(|c| c.missing_forms.iter().map(table_no))
            .collect(),
        errors,
        warnings,
        infos,
        not_run: r.coverage.as_ref().map_or(0, Coverage::not_run_count),
        figures: glance.figures,
        error: r.error.clone(),
        unit_set: r.unit.clone(),
    }
}

fn issue_row(catalog: &Catalog, unit: &str, file: &str, f: &Finding) -> IssueRow {
    let form = catalog.get(&f.form);
    IssueRow {
        unit: unit.to_string(),
        file: file.to_string(),
        form: form.map_or(f.form.clone(), |x| x.table_no.clone()),
        place: f.place().unwrap_or_default(),
        severity: f.severity,
        rule: f.rule.clone(),
        rule_name: crate::check::rule_name(form, &f.rule),
        message: f.message.clone(),
        fix: fix_action(f).to_string(),
    }
}

/// What `fix` does with a finding.
fn fix_action(f: &Finding) -> &'static str {
    match (f.fixable, f.severity) {
        (true, Severity::Info) => "保留填报数（尾差）",
        (true, _) => "按公式重新计算；相差较大时标红，留待人工核对",
        (false, Severity::Info) => "无需处理",
        (false, _) => "需人工核对",
    }
}

fn unchecked_rows<'c>(
    unit: &'c str,
    file: &'c str,
    c: &'c Coverage,
) -> impl Iterator<Item = UncheckedRow> + 'c {
    c.not_run().map(move |r| UncheckedRow {
        unit: unit.to_string(),
        file: file.to_string(),
        form: r.table_no.clone(),
        rule: r.rule.clone(),
        rule_name: r.name.clone(),
        reason: r.reason.clone().unwrap_or_default(),
    })
}

/// Writes a table as CSV (UTF-8 with the byte-order mark Excel needs to read it as such), row
/// by row.
pub fn write_csv(t: Table<'_>, w: &mut dyn io::Write) -> io::Result<()> {
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| crate::interchange::csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    w.write_all("\u{feff}".as_bytes())?;
    let head = line(t.columns.iter().map(|(n, _)| n.clone()).collect());
    write!(w, "{head}\r\n")?;
    for row in t.rows {
        write!(w, "{}\r\n", line(row?.iter().map(entry_text).collect()))?;
    }
    Ok(())
}

/// An entry as plain text.
pub fn entry_text(e: &Entry) -> String {
    match e {
        Entry::Text(s) | Entry::File(s) => s.clone(),
        Entry::Count(n) => n.to_string(),
        Entry::Money(d) => format!("{:.2}", d),
        Entry::Level(s) => s.chinese().to_string(),
        Entry::Empty => String::new(),
    }
}

fn is_prior_rule(rule: &str) -> bool {
    use crate::findings::{PRIOR_CARRY, PRIOR_CHANGE, PRIOR_YEAR};
    [PRIOR_CARRY, PRIOR_CHANGE, PRIOR_YEAR].contains(&rule)
}
