//! `review`: what a batch of checked files comes to for a reviewer — one row per file (汇总),
//! every finding (问题清单), every rule that could not run (未检查) — as tables that the
//! review workbook, CSV and JSON all render alike.

use crate::coverage::Coverage;
use crate::findings::Finding;
use crate::form::{Catalog, Family, Severity};
use crate::report::{FileReport, Totals};
use rust_decimal::Decimal;
use serde::Serialize;

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

/// A table of the review: a sheet of the workbook, a CSV file, a member of the JSON.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: &'static str,
    /// What the sheet says above its header.
    pub note: String,
    /// Column headings with their widths in characters.
    pub columns: Vec<(String, f64)>,
    pub rows: Vec<Vec<Entry>>,
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
}

/// One finding of 问题清单.
#[derive(Debug, Clone, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct UncheckedRow {
    pub unit: String,
    pub file: String,
    pub form: String,
    pub rule: String,
    pub rule_name: String,
    pub reason: String,
}

/// A batch's review, gathered file by file (each report is dropped once its rows are taken).
#[derive(Debug, Default, Serialize)]
pub struct Review {
    #[serde(skip)]
    figure_names: Vec<String>,
    pub files: Vec<FileRow>,
    pub findings: Vec<IssueRow>,
    pub unchecked: Vec<UncheckedRow>,
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
                .push(issue_row(catalog, &unit, &report.path, f));
        }
        if let Some(c) = &report.coverage {
            self.unchecked
                .extend(unchecked_rows(&unit, &report.path, c));
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
            let report = crate::report::check_file_against(catalog, path, Some(&prior));
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
                    .push(issue_row(catalog, &unit, &report.path, f));
            }
        }
        code
    }

    /// (this year's file, last year's file) of each unit that has both among the files.
    fn year_pairs(&self) -> Vec<(usize, usize)> {
        let key = |f: &FileRow| -> Option<(String, i32)> {
            let unit = crate::normalize::label_key(f.unit.as_deref()?);
            let year = f.year.as_deref()?.trim_end_matches('年').parse().ok()?;
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

    /// The three tables: 汇总, 问题清单, 未检查.
    pub fn tables(&self) -> [Table; 3] {
        [self.summary(), self.issues(), self.not_checked()]
    }

    fn summary(&self) -> Table {
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
        columns.extend(self.figure_names.iter().map(|n| (n.clone(), 13.0)));
        columns.push(("文件".into(), 30.0));
        columns.push(("备注".into(), 40.0));
        let rows = self.files.iter().map(|f| self.summary_row(f)).collect();
        let t = &self.totals;
        Table {
            name: "汇总",
            note: format!(
                "共 {} 个文件（{} 个无法读取），识别 {} 张表；错误 {} 条，警告 {} 条，提示 {} 条。按错误条数排序；金额单位：万元。",
                t.files, t.unreadable, t.forms, t.errors, t.warnings, t.infos
            ),
            columns,
            rows,
        }
    }

    fn summary_row(&self, f: &FileRow) -> Vec<Entry> {
        let text = |s: &Option<String>| s.clone().map_or(Entry::Empty, Entry::Text);
        let family = f.family.map(|x| x.chinese().to_string());
        let mut row = vec![text(&f.unit), text(&f.year), text(&family)];
        match &f.error {
            Some(_) => {
                row.push(Entry::Text("无法读取".into()));
                row.extend(std::iter::repeat_n(
                    Entry::Empty,
                    5 + self.figure_names.len(),
                ));
            }
            None => {
                row.push(Entry::Count(f.forms.len()));
                row.push(Entry::Text(f.missing_forms.join("、")));
                row.extend([f.errors, f.warnings, f.infos, f.not_run].map(Entry::Count));
                row.extend(
                    self.figure_names
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

    fn issues(&self) -> Table {
        let rows = self
            .findings
            .iter()
            .map(|i| {
                vec![
                    Entry::Text(i.unit.clone()),
                    Entry::File(i.file.clone()),
                    Entry::Text(i.form.clone()),
                    Entry::Text(i.place.clone()),
                    Entry::Level(i.severity),
                    Entry::Text(i.rule_name.clone()),
                    Entry::Text(i.message.clone()),
                    Entry::Text(i.fix.clone()),
                ]
            })
            .collect();
        Table {
            name: "问题清单",
            note: format!("每个文件的每条审核结果，共 {} 条。", self.findings.len()),
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
            rows,
        }
    }

    fn not_checked(&self) -> Table {
        let rows = self
            .unchecked
            .iter()
            .map(|u| {
                vec![
                    Entry::Text(u.unit.clone()),
                    Entry::File(u.file.clone()),
                    Entry::Text(u.form.clone()),
                    Entry::Text(u.rule_name.clone()),
                    Entry::Text(u.reason.clone()),
                ]
            })
            .collect();
        Table {
            name: "未检查",
            note: format!(
                "未能核对的规则（缺表、数值未能读入等），共 {} 条：这些规则没有运行，不等于通过。",
                self.unchecked.len()
            ),
            columns: cols(&[
                ("单位", 22.0),
                ("文件", 24.0),
                ("表", 10.0),
                ("规则", 40.0),
                ("原因", 40.0),
            ]),
            rows,
        }
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
        unit: glance.unit,
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

/// A table as CSV (UTF-8 with the byte-order mark Excel needs to read it as such).
pub fn to_csv(t: &Table) -> String {
    let mut out = String::from('\u{feff}');
    let line = |cells: Vec<String>| {
        cells
            .iter()
            .map(|c| crate::interchange::csv_field(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    out.push_str(&line(t.columns.iter().map(|(n, _)| n.clone()).collect()));
    out.push_str("\r\n");
    for row in &t.rows {
        out.push_str(&line(row.iter().map(entry_text).collect()));
        out.push_str("\r\n");
    }
    out
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
