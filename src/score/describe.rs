//! `fiscalform rules`: tells people how a 评（扣）分标准 text is understood (shape, thresholds,
//! points, whether a machine can score it), for one text or for every indicator of a workbook.

use super::check::{indicators, Indicator, RuleSource};
use super::rules::{parse_rule, Rule};
use crate::calc::Book;
use crate::expr::{CellId, Val};
use crate::findings::cell_a1;
use crate::form::{Catalog, Form};
use crate::normalize::decimal_text;
use crate::quantity::text::fmt_num;
use serde::Serialize;
use std::path::Path;

/// How one rule text is understood, as data (the JSON of `rules FILE --format json`).
#[derive(Debug, Clone, Serialize)]
pub struct Understood {
    /// Shape in Chinese (分档计分, 超限扣分 …).
    pub shape: String,
    /// The rule restated: thresholds and points.
    pub explanation: String,
    /// Full marks the text itself states.
    pub stated_full: Option<String>,
    /// Whether a machine can score it.
    pub scorable: bool,
    /// What it needs to be scored, or why a person must.
    pub scoring: String,
}

fn understood(rule: &Rule) -> Understood {
    let (scorable, scoring) = rule.scorability();
    Understood {
        shape: rule.shape().name().to_string(),
        explanation: rule.explain(),
        stated_full: rule.stated_full_points().map(fmt_num),
        scorable,
        scoring: scoring.to_string(),
    }
}

const NOT_A_RULE: &str = "不是可识别的计分规则：该指标的自评得分由人工评定";
const EXAMPLES: &str = "可识别的写法如：“90%（含）以上计10分；80%（含）-90%，计8分；低于80%计0分”，“100%以下（含）计满分，每超出1%扣1分，扣完为止”，“全部完成得满分，未完成按比例计分”，“偏离目标10%以内得满分；偏离20%及以上不得分”";

/// `fiscalform rules "TEXT"`: the text and how it is understood, one item a line.
pub fn describe_text(text: &str) -> String {
    let mut s = format!("评（扣）分标准：{}\n", text.trim());
    match parse_rule(text) {
        Some(rule) => {
            let u = understood(&rule);
            s.push_str(&format!("  类型：{}\n", u.shape));
            s.push_str(&format!("  理解：{}\n", u.explanation));
            if let Some(f) = &u.stated_full {
                s.push_str(&format!(
                    "  文本写明满分：{f} 分（与指标分值不同时按分值折算，审核时提示）\n"
                ));
            }
            s.push_str(&format!("  自动计分：{}\n", u.scoring));
        }
        None => {
            s.push_str(&format!("  {NOT_A_RULE}\n"));
            s.push_str(&format!("  {EXAMPLES}\n"));
        }
    }
    s
}

/// `fiscalform rules "TEXT" --format json`: `{"rules": [{"text": …, "understood": {…} | null}]}`.
pub fn describe_texts_json(texts: &[&str]) -> String {
    #[derive(Serialize)]
    struct One<'a> {
        text: &'a str,
        understood: Option<Understood>,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        rules: Vec<One<'a>>,
    }
    let rules = texts
        .iter()
        .map(|t| One {
            text: t,
            understood: parse_rule(t).as_ref().map(understood),
        })
        .collect();
    serde_json::to_string_pretty(&Out { rules })
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// One indicator row of a workbook, described.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    pub form: String,
    pub sheet: Option<String>,
    /// The cell holding the rule text (or the 年度指标值 when there is none).
    pub cell: Option<String>,
    pub indicator: String,
    /// "rule" (评（扣）分标准 column), "target" (a rule written as 年度指标值), or null (no rule).
    pub source: Option<&'static str>,
    /// The rule text, or the 年度指标值 when the row has no rule.
    pub text: String,
    /// `None`: not a rule, the person scores it.
    pub understood: Option<Understood>,
    pub weight: Option<String>,
    pub actual: Option<String>,
    /// What the rule gives for the row's values, with the computation.
    pub expected: Option<String>,
    pub computation: Option<String>,
    pub reported: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRules {
    pub path: String,
    /// The unit whose set of forms this is, when the workbook holds several units' sets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub rules: Vec<RuleRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

fn row_of(book: &Book, ind: &Indicator) -> RuleRow {
    let (form, data) = (book.forms[ind.form].0, &book.forms[ind.form].1);
    let sc = form
        .scoring
        .as_ref()
        .expect("indicators come from forms with [scoring]");
    let (col, source) = match ind.rule_text.as_ref().map(|(_, s)| *s) {
        Some(RuleSource::Column) => (sc.rule.clone().unwrap_or_default(), Some("rule")),
        Some(RuleSource::Target) => (sc.target.clone(), Some("target")),
        None => (sc.target.clone(), None),
    };
    let cell = CellId::new(ind.form, ind.row.clone(), col.clone());
    let text = match &ind.rule_text {
        Some((t, _)) => t.clone(),
        None => match data.row(&ind.row).map(|r| r.get(&sc.target)) {
            Some(Val::Text(t)) => t,
            Some(Val::Num(d)) => decimal_text(d),
            _ => String::new(),
        },
    };
    let shown = |v: &Val| match v {
        Val::Num(d) => Some(fmt_num(*d)),
        Val::Text(t) if !t.trim().is_empty() => Some(t.clone()),
        _ => None,
    };
    RuleRow {
        form: form.id.clone(),
        sheet: data.sheet.clone(),
        cell: cell_a1(book, &cell, ind.form),
        indicator: ind.name.clone(),
        source,
        text,
        understood: ind.rule.as_ref().map(understood),
        weight: ind.weight.map(fmt_num),
        actual: ind.actual.as_ref().map(|q| q.to_string()),
        expected: ind.expected_score().map(fmt_num),
        computation: ind.expected.as_ref().map(|s| s.explanation.clone()),
        reported: shown(&ind.reported),
    }
}

/// `fiscalform rules FILE`: every indicator row of every form with `[scoring]`, one report per
/// unit of a workbook holding several units' sets (as `check` gives).
pub fn describe_file(catalog: &Catalog, path: &Path) -> Vec<FileRules> {
    let shown = path.display().to_string();
    let units = match crate::load::read(catalog, path) {
        Ok((_, units)) => units,
        Err(e) => {
            return vec![FileRules {
                path: shown,
                unit: None,
                rules: vec![],
                error: Some(e.to_string()),
            }]
        }
    };
    (units.into_iter())
        .map(|rec| FileRules {
            path: shown.clone(),
            unit: rec.unit.map(|u| u.name),
            rules: describe_book(&Book::new(rec.forms)),
            error: None,
        })
        .collect()
}

/// Every indicator row of the book's forms with `[scoring]`, described.
pub fn describe_book(book: &Book) -> Vec<RuleRow> {
    (0..book.forms.len())
        .flat_map(|fi| indicators(book, fi))
        .map(|ind| row_of(book, &ind))
        .collect()
}

pub fn render_text(files: &[FileRules], catalog: &Catalog) -> String {
    let mut s = String::new();
    for f in files {
        match &f.unit {
            Some(unit) => s.push_str(&format!("== {}（单位：{unit}）\n", f.path)),
            None => s.push_str(&format!("== {}\n", f.path)),
        }
        if let Some(e) = &f.error {
            s.push_str(&format!("  无法读取：{e}\n"));
            continue;
        }
        if f.rules.is_empty() {
            s.push_str("  工作簿中没有含绩效指标（评（扣）分标准）的表\n");
            continue;
        }
        let mut last_form: Option<(&str, Option<&str>)> = None;
        for r in &f.rules {
            let here = (r.form.as_str(), r.sheet.as_deref());
            if last_form != Some(here) {
                let table = catalog
                    .get(&r.form)
                    .map(|x| x.table_no.clone())
                    .unwrap_or_default();
                s.push_str(&format!(
                    "{}（{} {}）\n",
                    r.sheet.as_deref().unwrap_or(&table),
                    table,
                    r.form
                ));
                last_form = Some(here);
            }
            render_rule_text(r, catalog, &mut s);
        }
        let rules = f.rules.iter().filter(|r| r.understood.is_some()).count();
        let auto = f
            .rules
            .iter()
            .filter(|r| r.understood.as_ref().is_some_and(|u| u.scorable))
            .count();
        s.push_str(&format!(
            "  小结：{} 个指标，{rules} 条可识别的评分标准（其中可自动计分 {auto} 条），{} 个由人工评分\n",
            f.rules.len(),
            f.rules.len() - auto
        ));
    }
    s
}

/// One indicator row: its rule as understood, or why it is left to the person.
fn render_rule_text(r: &RuleRow, catalog: &Catalog, s: &mut String) {
    let at = r.cell.as_deref().unwrap_or("-");
    match (&r.understood, r.source) {
        (Some(u), _) => render_understood_text(r, u, at, s),
        (None, Some(_)) => s.push_str(&format!(
            "  {at} {}：评（扣）分标准“{}”{NOT_A_RULE}\n",
            r.indicator, r.text
        )),
        (None, None) => {
            let what = if catalog.get(&r.form).is_some_and(prints_rule_column) {
                "没有评（扣）分标准"
            } else {
                "年度指标值是目标，不是计分规则"
            };
            s.push_str(&format!(
                "  {at} {}：{what}（“{}”），自评得分由人工评定\n",
                r.indicator, r.text
            ));
        }
    }
}

/// Whether the form prints a 评（扣）分标准 column (budget-09/10): a row without a rule then
/// lacks one; where the column is optional (perf forms), its 年度指标值 is a target.
fn prints_rule_column(form: &Form) -> bool {
    let Some(sc) = &form.scoring else {
        return false;
    };
    form.blocks
        .iter()
        .flat_map(|b| &b.panels)
        .filter(|p| p.id == sc.panel)
        .filter_map(|p| p.column(sc.rule.as_deref()?))
        .any(|c| !c.optional)
}

/// A rule that was understood: its text, kind and reading, a full-points mismatch, how it is
/// scored and what this row's numbers give.
fn render_understood_text(r: &RuleRow, u: &Understood, at: &str, s: &mut String) {
    let from = if r.source == Some("target") {
        "（写在年度指标值中）"
    } else {
        ""
    };
    s.push_str(&format!("  {at} {}{from}：{}\n", r.indicator, r.text));
    s.push_str(&format!("    类型：{}；理解：{}\n", u.shape, u.explanation));
    if let (Some(full), Some(w)) = (&u.stated_full, &r.weight) {
        if full != w {
            s.push_str(&format!(
                "    文本写明满分 {full} 分，而本行分值为 {w} 分（按分值计）\n"
            ));
        }
    }
    s.push_str(&format!("    自动计分：{}\n", u.scoring));
    if let (Some(e), Some(c)) = (&r.expected, &r.computation) {
        s.push_str(&format!(
            "    按本行数值：{c}；应得 {e} 分{}\n",
            r.reported
                .as_ref()
                .map(|x| format!("（填报 {x}）"))
                .unwrap_or_default()
        ));
    }
}

pub fn render_json(files: &[FileRules]) -> String {
    #[derive(Serialize)]
    struct Out<'a> {
        files: &'a [FileRules],
    }
    serde_json::to_string_pretty(&Out { files })
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
