//! Which rules of the form definitions ran on a workbook and how they came out — passed,
//! failed, no data, or not run and why — so that "not checked" never reads as "passed".

use crate::calc::{Agreement, BindError, Book, Calc};
use crate::expr::Val;
use crate::findings::{Finding, VALUES_NOT_PLACED};
use crate::form::{Catalog, Family, Form, Severity};
use crate::model::FormData;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How one rule of one form came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// Ran, and found an error or a warning.
    Failed,
    /// Could not run: a table it reads is missing or unreadable.
    NotRun,
    /// Ran on nothing: every cell it reads is blank (an empty table).
    NoData,
    /// Ran and found nothing beyond 尾差.
    Passed,
}

impl RunStatus {
    pub fn chinese(self) -> &'static str {
        match self {
            RunStatus::Failed => "未通过",
            RunStatus::NotRun => "未能核对",
            RunStatus::NoData => "无数据",
            RunStatus::Passed => "通过",
        }
    }
}

/// How the rules of one table came out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableTally {
    pub table_no: String,
    /// By [`RunStatus`] (its discriminant): failed, not run, no data, passed.
    pub counts: [usize; 4],
    /// Why rules did not run, each once.
    pub reasons: Vec<String>,
}

impl TableTally {
    pub fn count(&self, status: RunStatus) -> usize {
        self.counts[status as usize]
    }
    pub fn rules(&self) -> usize {
        self.counts.iter().sum()
    }
}

/// One rule of one form.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRun {
    pub form: String,
    pub table_no: String,
    pub rule: String,
    pub name: String,
    pub status: RunStatus,
    /// Why it did not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The form it reads that the workbook lacks.
    #[serde(skip)]
    pub lacks: Option<String>,
}

/// Every rule of every form a workbook holds or should hold.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    /// Forms of the workbook's set (公开01–09表, 部门公开表01–10) it does not hold, or holds
    /// unreadably.
    pub missing_forms: Vec<String>,
    pub rules: Vec<RuleRun>,
    /// The statements of the document's texts: agreed, differed, not tied to a table.
    pub statements: crate::statements::Tally,
}

impl Coverage {
    /// How many rules came out `status`.
    pub fn count(&self, status: RunStatus) -> usize {
        self.rules.iter().filter(|r| r.status == status).count()
    }

    /// How many rules did not run.
    pub fn not_run_count(&self) -> usize {
        self.count(RunStatus::NotRun)
    }

    /// The rules that did not run, with why.
    pub fn not_run(&self) -> impl Iterator<Item = &RuleRun> {
        self.rules.iter().filter(|r| r.status == RunStatus::NotRun)
    }

    /// The reasons rules did not run, each with how many, in the order first met.
    pub fn not_run_reasons(&self) -> Vec<(String, usize)> {
        let mut reasons: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
        for r in self.not_run() {
            *reasons
                .entry(r.reason.as_deref().unwrap_or(""))
                .or_default() += 1;
        }
        reasons
            .into_iter()
            .map(|(r, n)| (r.to_string(), n))
            .collect()
    }

    /// "规则 120 条：通过 100，未通过 2，无数据 10，未能核对 8"
    pub fn summary(&self) -> String {
        let parts: Vec<String> = [
            RunStatus::Passed,
            RunStatus::Failed,
            RunStatus::NoData,
            RunStatus::NotRun,
        ]
        .iter()
        .map(|s| format!("{} {}", s.chinese(), self.count(*s)))
        .collect();
        format!("规则 {} 条：{}", self.rules.len(), parts.join("，"))
    }

    /// One line per table, in the order met: its 表号 and how many of its rules came out
    /// each way, with why those not run did not — the short table of 审核结果.
    pub fn by_table(&self) -> Vec<TableTally> {
        let mut tables: indexmap::IndexMap<&str, TableTally> = indexmap::IndexMap::new();
        for r in &self.rules {
            let t = tables
                .entry(r.table_no.as_str())
                .or_insert_with(|| TableTally {
                    table_no: r.table_no.clone(),
                    ..TableTally::default()
                });
            t.counts[r.status as usize] += 1;
            if let Some(why) = r
                .reason
                .as_deref()
                .filter(|w| !t.reasons.iter().any(|x| x == w))
            {
                t.reasons.push(why.to_string());
            }
        }
        tables.into_values().collect()
    }

    /// Adds the forms of the workbook's set that it lacks (a 决算 or 预算 disclosure publishes
    /// all its tables; a 绩效 submission holds what its subject needs, so none is missing
    /// there), each rule of them not run. `reading` are the findings of reading the workbook:
    /// a form among them as values-not-placed was recognised but not read.
    pub fn add_missing(&mut self, catalog: &Catalog, book: &Book, reading: &[Finding]) {
        let unreadable: HashSet<String> = reading
            .iter()
            .filter(|f| f.rule == VALUES_NOT_PLACED)
            .map(|f| f.form.clone())
            .collect();
        let unreadable = &unreadable;
        let Some(family) = main_family(book) else {
            return;
        };
        if family == Family::Perf {
            return;
        }
        for form in catalog.family(family) {
            if book.form_index(&form.id).is_some() {
                continue;
            }
            let reason = missing_reason(form, unreadable);
            self.missing_forms.push(form.id.clone());
            for (rule, name) in rules_of(form) {
                self.rules.push(RuleRun {
                    form: form.id.clone(),
                    table_no: form.table_no.clone(),
                    rule: rule.to_string(),
                    name: name.to_string(),
                    status: RunStatus::NotRun,
                    reason: Some(reason.clone()),
                    lacks: None,
                });
            }
        }
        for r in &mut self.rules {
            if let Some(form) = r.lacks.as_deref().and_then(|id| catalog.get(id)) {
                r.reason = Some(missing_reason(form, unreadable));
            }
        }
    }
}

/// Why the rules of `form`, or reading it, could not run: absent, or its values unreadable.
fn missing_reason(form: &Form, unreadable: &HashSet<String>) -> String {
    if unreadable.contains(&form.id) {
        format!("{} 的数值未能读入表格，未审核", form.table_no)
    } else {
        format!("工作簿中没有 {}", form.table_no)
    }
}

/// The family most of the workbook's forms belong to.
fn main_family(book: &Book) -> Option<Family> {
    let mut counts: HashMap<Family, usize> = HashMap::new();
    for (form, _) in &book.forms {
        *counts.entry(form.family).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(f, _)| f)
}

fn rules_of(form: &Form) -> impl Iterator<Item = (&str, &str)> {
    form.derive()
        .iter()
        .chain(form.check())
        .map(|r| (&*r.id, &*r.name))
}

/// Why a rule could not be bound, as the 未检查 list says it.
fn why_not_bound(e: &BindError) -> String {
    match e {
        BindError::MissingForm(_) | BindError::AbsentColumn(_) | BindError::CodeUnknown(_) => {
            e.to_string()
        }
        other => format!("规则无法应用于本表：{other}"),
    }
}

/// The rules failed in a workbook: those with an error or a warning among the findings.
///
/// A finding counts for its form's table when the workbook holds one table of that form;
/// else (several 项目支出绩效自评表) for the table of the cell judged, or of the sheet named.
struct Failures<'a> {
    /// (form, rule) of every failing finding.
    by_form: HashSet<(&'a str, &'a str)>,
    /// (form, form index of the cell judged, rule).
    at: HashSet<(&'a str, usize, &'a str)>,
    /// (form, sheet, copy within the sheet, rule).
    on: HashSet<(&'a str, Option<&'a str>, Option<u32>, &'a str)>,
    /// How many tables of each form the workbook holds.
    held: HashMap<&'a str, usize>,
}

impl<'a> Failures<'a> {
    fn new(book: &'a Book, findings: &'a [Finding]) -> Self {
        let failing = || findings.iter().filter(|f| f.severity != Severity::Info);
        let by_form = failing()
            .map(|f| (f.form.as_str(), f.rule.as_str()))
            .collect();
        let at = failing()
            .filter_map(|f| Some((f.form.as_str(), f.target.as_ref()?.form, f.rule.as_str())))
            .collect();
        // A sheet holding several copies of the form: the copy whose rows hold the cell.
        let copy_of = |f: &Finding| {
            book.forms.iter().find_map(|(form, d)| {
                let c = d.copy.filter(|c| c.holds(f.cell.as_deref()))?;
                (form.id == f.form && d.sheet == f.sheet).then_some(c.n)
            })
        };
        let on = failing()
            .map(|f| {
                (
                    f.form.as_str(),
                    f.sheet.as_deref(),
                    copy_of(f),
                    f.rule.as_str(),
                )
            })
            .collect();
        let mut held: HashMap<&str, usize> = HashMap::new();
        for (f, _) in &book.forms {
            *held.entry(f.id.as_str()).or_default() += 1;
        }
        Failures {
            by_form,
            at,
            on,
            held,
        }
    }

    /// Whether `rule` failed on table `fi` of the book, of `form` holding `data`.
    fn has(&self, fi: usize, form: &Form, data: &FormData, rule: &str) -> bool {
        let alone = self.held.get(form.id.as_str()) == Some(&1);
        (alone && self.by_form.contains(&(form.id.as_str(), rule)))
            || self.at.contains(&(form.id.as_str(), fi, rule))
            || self.on.contains(&(
                form.id.as_str(),
                data.sheet.as_deref(),
                data.copy.map(|c| c.n),
                rule,
            ))
    }
}

/// The rules of the forms in `book`: derive rules from `calc`, check rules from what the audit
/// judged (`judged`: times, times with a filled cell) or could not bind (`not_bound`), failed
/// where `findings` hold an error or a warning of theirs.
pub fn of_rules(
    book: &Book,
    calc: &Calc,
    findings: &[Finding],
    judged: &HashMap<(usize, &str), (usize, usize)>,
    not_bound: &HashMap<(usize, &str), BindError>,
) -> Coverage {
    let failed = Failures::new(book, findings);
    let derived = derived_runs(calc);
    let mut not_bound = not_bound.clone();
    for (fi, rule, e) in &calc.unbound {
        not_bound.insert((*fi, rule.as_str()), e.clone());
    }
    for d in calc.derived.values() {
        if d.agreement == Agreement::PartsAbsent {
            let why = BindError::AbsentColumn(book.absent_named(&d.bound));
            not_bound.insert((d.cell.form, &*d.rule_id), why);
        }
    }
    let mut rules = Vec::new();
    for (fi, (form, data)) in book.forms.iter().enumerate() {
        for (rule, name) in rules_of(form) {
            let key = (fi, rule);
            let unbound = not_bound.get(&key);
            let (status, reason) = if let Some(e) = unbound {
                (RunStatus::NotRun, Some(why_not_bound(e)))
            } else if failed.has(fi, form, data, rule) {
                (RunStatus::Failed, None)
            } else {
                let (runs, with_data) = derived
                    .get(&key)
                    .or_else(|| judged.get(&key))
                    .copied()
                    .unwrap_or_default();
                let status = if runs == 0 || with_data == 0 {
                    RunStatus::NoData
                } else {
                    RunStatus::Passed
                };
                (status, None)
            };
            rules.push(RuleRun {
                form: form.id.clone(),
                table_no: form.table_no.clone(),
                rule: rule.to_string(),
                name: name.to_string(),
                status,
                reason,
                lacks: match unbound {
                    Some(BindError::MissingForm(id)) => Some(id.clone()),
                    _ => None,
                },
            });
        }
    }
    Coverage {
        rules,
        ..Coverage::default()
    }
}

/// Per (form index, derive rule): the cells it derived, and how many of them had anything to
/// compare (a filled value or a non-zero result).
fn derived_runs(calc: &Calc) -> HashMap<(usize, &str), (usize, usize)> {
    let zeroish = |v: &Val| v.is_blank() || matches!(v, Val::Num(d) if d.is_zero());
    let mut runs: HashMap<(usize, &str), (usize, usize)> = HashMap::new();
    for d in calc.derived.values() {
        let entry = runs.entry((d.cell.form, &*d.rule_id)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(!(zeroish(&d.filled) && zeroish(&d.expected)));
    }
    runs
}
