//! Scores the indicator rows of forms that declare `[scoring]`: finds each row's 评（扣）分标准,
//! computes the 自评得分 it gives, audits the reported score and the stated full marks, checks
//! actual values another form gives (perf-base), and tells `fix` what to fill and with which
//! Excel formula.
//!
//! Where the rule is: the form's rule column when the row fills it (budget-09/10, a perf form's
//! optional 评（扣）分标准 column), else the 年度指标值 text when that reads as a rule (seed 000
//! 附件2); any other 年度指标值 is a target, and a row without a rule is left to the person. A reported score is compared with the computed one at the precision
//! it is shown with (a reported 8 agrees with 7.97).

use super::rules::{parse_rule, Rule, Scored};
use crate::calc::{agree, Agreement, BindError, Book, Calc, Scope, Settled};
use crate::expr::{round_dp, Addresses, CellId, Name, Val};
use crate::findings::{cell_a1, Finding};
use crate::form::{ActualFrom, ColKind, Scoring, Severity};
use crate::model::{RowData, RowKind};
use crate::normalize::decimal_text;
use crate::quantity::text::{excel_num, fmt_num};
use crate::quantity::{parse_quantity, Quantity};
use rust_decimal::Decimal;

/// Scores are filled and compared with two decimals at most.
pub const SCORE_DP: u32 = 2;

/// Where a row's rule text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSource {
    /// The form's 评（扣）分标准 column.
    Column,
    /// The 年度指标值 cell, which holds a rule instead of a target.
    Target,
}

/// One indicator row, read for scoring.
#[derive(Debug, Clone)]
pub struct Indicator {
    pub form: usize,
    pub row: Name,
    /// 三级指标 (or the row key when unnamed).
    pub name: String,
    /// The rule text and where it was, when the row has one.
    pub rule_text: Option<(String, RuleSource)>,
    /// The rule it reads as (`None`: not a rule, left to the person).
    pub rule: Option<Rule>,
    /// The 年度指标值 as a quantity (`None` when it is text or holds the rule).
    pub target: Option<Quantity>,
    pub actual: Option<Quantity>,
    pub weight: Option<Decimal>,
    /// The 自评得分 as filled.
    pub reported: Val,
    /// What the rule gives for these values (`None`: a person decides, or values missing).
    pub expected: Option<Scored>,
}

impl Indicator {
    /// The expected score at the precision scores are written with.
    pub fn expected_score(&self) -> Option<Decimal> {
        self.expected
            .as_ref()
            .map(|s| round_dp(s.score, SCORE_DP).normalize())
    }

    /// The Excel formula (no leading '=') giving [`Indicator::expected_score`] from the weight
    /// cell at `weight_a1`. The actual and target values are written into the formula as
    /// numbers: their cells hold text ("≥6次", "75%") a formula cannot read reliably.
    pub fn excel_formula(&self, weight_a1: &str) -> Option<String> {
        self.expected.as_ref()?;
        let rule = self.rule.as_ref()?;
        let actual = self.actual.as_ref()?;
        let (a, t) = rule.cell_values(self.target.as_ref(), actual)?;
        let t = t.map(excel_num);
        let f = rule.excel_formula(&excel_num(a), t.as_deref(), weight_a1, self.target.as_ref())?;
        Some(format!("ROUND({f},{SCORE_DP})"))
    }
}

fn text_of(v: &Val) -> Option<String> {
    match v {
        Val::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        Val::Num(d) => Some(decimal_text(*d)),
        _ => None,
    }
}

fn number_of(v: &Val) -> Option<Decimal> {
    match v {
        Val::Num(d) => Some(*d),
        _ => None,
    }
}

/// Placeholders that mean "no rule" in a rule column.
fn says_nothing(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        t.as_str(),
        "无" | "/" | "／" | "-" | "—" | "——" | "--" | "\\"
    )
}

/// Every indicator row of form `fi` that has something to score or describe: a rule text or
/// a 年度指标值. Forms without `[scoring]` have none.
pub fn indicators(book: &Book, fi: usize) -> Vec<Indicator> {
    let (form, data) = (book.forms[fi].0, &book.forms[fi].1);
    let Some(sc) = &form.scoring else {
        return Vec::new();
    };
    data.rows
        .iter()
        .filter(|r| r.panel == sc.panel && r.kind == RowKind::List)
        .filter_map(|r| read_row(fi, sc, r))
        .collect()
}

/// The text of the row's 评（扣）分标准 column, when the form has one and the row fills it.
fn rule_from_column(sc: &Scoring, r: &RowData) -> Option<(String, RuleSource)> {
    let col = sc.rule.as_ref()?;
    text_of(&r.get(col))
        .filter(|t| !says_nothing(t))
        .map(|t| (t, RuleSource::Column))
}

fn read_row(fi: usize, sc: &Scoring, r: &RowData) -> Option<Indicator> {
    let unit = sc.unit.as_ref().and_then(|u| text_of(&r.get(u)));
    let with_unit = |q: Quantity| match &unit {
        Some(u) => q.with_unit_column(u),
        None => q,
    };
    let target_text = text_of(&r.get(&sc.target)).filter(|t| !says_nothing(t));
    let rule_text = rule_from_column(sc, r).or_else(|| {
        target_text
            .clone()
            .filter(|t| parse_rule(t).is_some())
            .map(|t| (t, RuleSource::Target))
    });
    if rule_text.is_none() && target_text.is_none() {
        return None;
    }
    let rule = rule_text.as_ref().and_then(|(t, _)| parse_rule(t));
    let target = match rule_text.as_ref().map(|(_, s)| *s) {
        Some(RuleSource::Target) => None,
        _ => target_text
            .as_deref()
            .and_then(parse_quantity)
            .map(with_unit),
    };
    let actual = sc
        .actual
        .as_ref()
        .and_then(|c| text_of(&r.get(c)))
        .and_then(|t| parse_quantity(&t))
        .map(with_unit);
    let weight = number_of(&r.get(&sc.weight));
    let reported = sc.score.as_ref().map_or(Val::Blank, |c| r.get(c));
    let expected = match (&rule, &actual, weight) {
        (Some(rule), Some(a), Some(w)) => rule.score(target.as_ref(), a, w),
        _ => None,
    };
    let name = text_of(&r.get(&sc.name))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(""))
        .unwrap_or_else(|| r.key.to_string());
    Some(Indicator {
        form: fi,
        row: r.key.clone(),
        name,
        rule_text,
        rule,
        target,
        actual,
        weight,
        reported,
        expected,
    })
}

/// Every finding about indicator scores and actual values of the book's forms.
pub fn audit(book: &Book, calc: &Calc) -> Vec<Finding> {
    let mut out = Vec::new();
    for fi in 0..book.forms.len() {
        let Some(sc) = &book.forms[fi].0.scoring else {
            continue;
        };
        let Some(score_col) = &sc.score else { continue };
        for ind in indicators(book, fi) {
            score_findings(book, sc, score_col, &ind, &mut out);
            over_100_met(book, sc, score_col, &ind, &mut out);
        }
        actual_findings(book, calc, fi, sc, &mut out);
    }
    out
}

struct At<'b, 'a> {
    book: &'b Book<'a>,
    fi: usize,
}

impl At<'_, '_> {
    fn a1(&self, c: &CellId) -> Option<String> {
        cell_a1(self.book, c, self.fi)
    }
    /// "附件2 H15（在职人员控制率·自评得分）".
    fn place(&self, c: &CellId) -> String {
        let form = self.book.forms[self.fi].0;
        let at = self.a1(c).map(|a| format!(" {a}")).unwrap_or_default();
        format!("{}{at}（{}）", form.table_no, self.book.describe(c))
    }
    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        severity: Severity,
        rule: &str,
        cell: &CellId,
        related: &[CellId],
        expected: Option<String>,
        found: Option<String>,
        message: String,
        fixable: bool,
    ) -> Finding {
        let (form, data) = (self.book.forms[self.fi].0, &self.book.forms[self.fi].1);
        Finding {
            related: related.iter().filter_map(|c| self.a1(c)).collect(),
            expected,
            found,
            target: Some(cell.clone()),
            fixable,
            ..Finding::new(
                severity,
                rule,
                &form.id,
                data.sheet.clone(),
                self.a1(cell),
                message,
            )
        }
    }
}

fn score_findings(
    book: &Book,
    sc: &Scoring,
    score_col: &str,
    ind: &Indicator,
    out: &mut Vec<Finding>,
) {
    let at = At { book, fi: ind.form };
    let cell = |col: &str| CellId::new(ind.form, ind.row.clone(), col);
    let rule_cell = match ind.rule_text.as_ref().map(|(_, s)| *s) {
        Some(RuleSource::Column) => sc.rule.as_deref().map(cell),
        Some(RuleSource::Target) => Some(cell(&sc.target)),
        None => None,
    };
    let Some(rule) = &ind.rule else {
        // A rule column that holds something no machine can score: the person scores it.
        if let (Some((text, RuleSource::Column)), Some(rc)) = (&ind.rule_text, &rule_cell) {
            out.push(unreadable_rule(&at, text, rc));
        }
        return;
    };
    let weight_cell = cell(&sc.weight);
    let score_cell = cell(score_col);
    let rel: Vec<CellId> = rule_cell.iter().cloned().collect();
    if let (Some(stated), Some(w)) = (rule.stated_full_points(), ind.weight) {
        if stated != w {
            out.push(full_points_mismatch(&at, &weight_cell, &rel, stated, w));
        }
    }
    let (Some(scored), Some(exp)) = (&ind.expected, ind.expected_score()) else {
        return;
    };
    let mut related = rel.clone();
    related.extend(sc.actual.as_deref().map(cell));
    related.push(weight_cell.clone());
    let why = format!(
        "评（扣）分标准理解为{}；{}",
        rule.explain(),
        scored.explanation
    );
    out.extend(reported_score(&at, ind, &score_cell, &related, exp, &why));
}

/// Info at the rule cell: its text is no rule this program can score.
fn unreadable_rule(at: &At, text: &str, rule_cell: &CellId) -> Finding {
    at.finding(
        Severity::Info,
        "rule-unreadable",
        rule_cell,
        &[],
        None,
        None,
        format!(
            "{}：评（扣）分标准“{text}”不是可自动计分的规则，该指标的自评得分由人工评定",
            at.place(rule_cell)
        ),
        false,
    )
}

/// Warning at the 分值: the rule states full points other than the row's weight.
fn full_points_mismatch(
    at: &At,
    weight_cell: &CellId,
    rel: &[CellId],
    stated: Decimal,
    w: Decimal,
) -> Finding {
    at.finding(
        Severity::Warning,
        "rule-full-points",
        weight_cell,
        rel,
        Some(fmt_num(stated)),
        Some(fmt_num(w)),
        format!(
            "{}：评（扣）分标准写明满分 {} 分，而本行分值为 {} 分；请统一二者（自评得分按分值 {} 分计算）",
            at.place(weight_cell),
            fmt_num(stated),
            fmt_num(w),
            fmt_num(w)
        ),
        false,
    )
}

/// The reported 自评得分 against the computed `exp`: an info (fixable) when it is empty, a
/// warning when it disagrees at the precision it is shown with.
fn reported_score(
    at: &At,
    ind: &Indicator,
    score_cell: &CellId,
    related: &[CellId],
    exp: Decimal,
    why: &str,
) -> Option<Finding> {
    match &ind.reported {
        v if v.is_blank() => Some(at.finding(
            Severity::Info,
            "indicator-score",
            score_cell,
            related,
            Some(fmt_num(exp)),
            None,
            format!(
                "{}：未填写自评得分，按评（扣）分标准应为 {} 分。{why}",
                at.place(score_cell),
                fmt_num(exp)
            ),
            true,
        )),
        Val::Num(_) => {
            let expected = Val::Num(exp);
            if agree(ColKind::Score, &ind.reported, &expected, 1, Decimal::ZERO) == Agreement::Exact
            {
                return None;
            }
            let found = ind.reported.num().normalize();
            Some(at.finding(
                Severity::Warning,
                "indicator-score",
                score_cell,
                related,
                Some(fmt_num(exp)),
                Some(fmt_num(found)),
                format!(
                    "{}：按评（扣）分标准应得 {} 分，填报 {} 分。{why}",
                    at.place(score_cell),
                    fmt_num(exp),
                    fmt_num(found)
                ),
                false,
            ))
        }
        // Text in a score cell is reported when the workbook is read.
        _ => None,
    }
}

/// A rate met only at 100% or below (`met_at_most_100`: 在职人员控制率) whose 实际完成值 is over
/// 100% while its 自评得分 is the full 分值: reported as met when it is not. A warning at the
/// score. Rows whose rule computes the score are left to `indicator-score`: their rule says
/// what an overrun costs.
fn over_100_met(
    book: &Book,
    sc: &Scoring,
    score_col: &str,
    ind: &Indicator,
    out: &mut Vec<Finding>,
) {
    let limited = sc
        .met_at_most_100
        .iter()
        .any(|n| name_key(&ind.name).contains(name_key(n).as_str()));
    let (Some(actual), Some(weight), Val::Num(score)) = (&ind.actual, ind.weight, &ind.reported)
    else {
        return;
    };
    let over = actual.percent && actual.value > Decimal::ONE_HUNDRED;
    if !limited || !over || ind.expected.is_some() || *score < weight {
        return;
    }
    let at = At { book, fi: ind.form };
    let cell = |col: &str| CellId::new(ind.form, ind.row.clone(), col);
    let score_cell = cell(score_col);
    let related: Vec<CellId> = sc.actual.as_deref().map(cell).into_iter().collect();
    let shown = format!("{}%", fmt_num(actual.value));
    out.push(at.finding(
        Severity::Warning,
        crate::findings::RATE_OVER_100_MET,
        &score_cell,
        &related,
        None,
        Some(fmt_num(score.normalize())),
        format!(
            "{}：{}实际完成值为 {shown}，超过 100%，未达到目标，却得满分 {} 分；请核对实际完成值或按评分标准扣分",
            at.place(&score_cell),
            ind.name,
            fmt_num(score.normalize())
        ),
        false,
    ));
}

/// Letters and digits only, for matching indicator names ("“三公经费”控制率" ~ "三公经费控制率").
fn name_key(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The actual value as a fraction, as a percent cell holds it, and the decimals it is shown with
/// (as a fraction): "79.85%" → (0.7985, 4); a bare number of at most 2 is a fraction already.
fn as_fraction(q: &Quantity) -> Option<(Decimal, u32)> {
    if q.cmp.is_some() {
        return None;
    }
    let scale = q.value.normalize().scale();
    if q.percent {
        Some((q.fraction(), scale + 2))
    } else if q.unit.is_empty() && q.value <= Decimal::TWO {
        Some((q.value, scale))
    } else if q.unit.is_empty() {
        Some((q.value / Decimal::ONE_HUNDRED, scale + 2))
    } else {
        None
    }
}

fn actual_findings(book: &Book, calc: &Calc, fi: usize, sc: &Scoring, out: &mut Vec<Finding>) {
    let Some(actual_col) = &sc.actual else { return };
    if sc.actual_from.is_empty() {
        return;
    }
    let at = At { book, fi };
    let env = Settled { book, calc };
    let rows: Vec<&RowData> = book.forms[fi]
        .1
        .rows
        .iter()
        .filter(|r| r.panel == sc.panel && r.kind == RowKind::List)
        .collect();
    for a in &sc.actual_from {
        let keys: Vec<String> = a.indicators.iter().map(|i| name_key(i)).collect();
        let matching: Vec<&&RowData> = rows
            .iter()
            .filter(|r| {
                text_of(&r.get(&sc.name))
                    .is_some_and(|n| keys.iter().any(|k| name_key(&n).contains(k.as_str())))
            })
            .collect();
        if matching.is_empty() {
            continue;
        }
        let Some((expected, reads)) = actual_expected(book, &env, fi, a, out) else {
            continue;
        };
        for row in matching {
            out.extend(actual_mismatch(&at, row, actual_col, a, expected, &reads));
        }
    }
}

/// The value `a`'s expression gives over the workbook, with the cells it reads; none when it
/// cannot be bound (an info when the other form is missing) or gives no number.
fn actual_expected(
    book: &Book,
    env: &Settled,
    fi: usize,
    a: &ActualFrom,
    out: &mut Vec<Finding>,
) -> Option<(Decimal, Vec<CellId>)> {
    let scope = Scope {
        form: fi,
        row: None,
        col: None,
        template: false,
    };
    let bound = match book.bind(&a.expr, scope) {
        Ok(b) => b,
        Err(BindError::MissingForm(other)) => {
            out.push(Finding::new(
                Severity::Info,
                "cross-table-skipped",
                &book.forms[fi].0.id,
                book.forms[fi].1.sheet.clone(),
                None,
                format!(
                    "工作簿中没有可审核的 {other}，{}与它之间的表间核对已跳过",
                    book.forms[fi].0.table_no
                ),
            ));
            return None;
        }
        Err(_) => return None,
    };
    let Val::Num(expected) = bound.eval(env) else {
        return None;
    };
    let mut reads = Vec::new();
    bound.cells(&mut reads);
    Some((expected, reads))
}

/// A warning at a row's 实际完成值 when the rate it states (at the precision it is written
/// with) is not the one `a` computes.
fn actual_mismatch(
    at: &At,
    row: &RowData,
    actual_col: &str,
    a: &ActualFrom,
    expected: Decimal,
    reads: &[CellId],
) -> Option<Finding> {
    let cell = CellId::new(at.fi, row.key.clone(), actual_col);
    let text = text_of(&row.get(actual_col))?;
    let (found, dp) = parse_quantity(&text).as_ref().and_then(as_fraction)?;
    if round_dp(expected, dp.min(10)) == found {
        return None;
    }
    let shown = pct(round_dp(expected, 4));
    let sources: Vec<String> = reads
        .iter()
        .filter_map(|c| cell_a1(at.book, c, at.fi))
        .collect();
    Some(at.finding(
        Severity::Warning,
        &a.id,
        &cell,
        reads,
        Some(shown.clone()),
        Some(text.clone()),
        format!(
            "{}：{}，按{}应为 {shown}，填报 {text}",
            at.place(&cell),
            a.name,
            if sources.is_empty() {
                "基础数据".to_string()
            } else {
                sources.join("、")
            }
        ),
        false,
    ))
}

fn pct(fraction: Decimal) -> String {
    format!("{:.2}%", fraction * Decimal::ONE_HUNDRED)
}

/// A score `fix` fills into an empty 自评得分 cell.
#[derive(Debug, Clone)]
pub struct ScoreFill {
    pub cell: CellId,
    pub value: Decimal,
    /// The rule's explanation and the computation, in Chinese (for the cell's note).
    pub explanation: String,
    indicator: Indicator,
    weight: CellId,
}

impl ScoreFill {
    /// The Excel formula (no leading '=') for the cell, with the weight cell addressed by
    /// `addr` (the written workbook's placement); `None` where the rule has no formula.
    pub fn formula(&self, addr: &dyn Addresses) -> Option<String> {
        let w = addr.a1(&self.weight, self.cell.form)?;
        self.indicator.excel_formula(&w)
    }
}

/// The empty 自评得分 cells a rule can score, with their values (judged and filled scores are
/// left alone).
pub fn score_fills(book: &Book) -> Vec<ScoreFill> {
    let mut out = Vec::new();
    for fi in 0..book.forms.len() {
        let Some(sc) = &book.forms[fi].0.scoring else {
            continue;
        };
        let Some(score_col) = &sc.score else { continue };
        for ind in indicators(book, fi) {
            if !ind.reported.is_blank() {
                continue;
            }
            let (Some(value), Some(scored), Some(rule)) =
                (ind.expected_score(), &ind.expected, &ind.rule)
            else {
                continue;
            };
            out.push(ScoreFill {
                cell: CellId::new(fi, ind.row.clone(), score_col.clone()),
                value,
                explanation: format!(
                    "按评（扣）分标准计算：{}；{}",
                    rule.explain(),
                    scored.explanation
                ),
                weight: CellId::new(fi, ind.row.clone(), sc.weight.clone()),
                indicator: ind.clone(),
            });
        }
    }
    out
}

/// Fills every empty 自评得分 a rule can score into the book's values (before `compute`, so
/// that 总分 follows) and returns what was filled.
pub fn fill_empty_scores(book: &mut Book) -> Vec<ScoreFill> {
    let fills = score_fills(book);
    apply_score_fills(book, &fills);
    fills
}

/// Write the scores of `fills` into their cells.
pub fn apply_score_fills(book: &mut Book, fills: &[ScoreFill]) {
    for f in fills {
        book.forms[f.cell.form]
            .1
            .set(&f.cell.row, f.cell.col.as_ref(), Val::Num(f.value));
    }
}

/// For the writer ([`crate::write::WriteOptions::formulas`]): each filled score's formula,
/// addressed in the written workbook's placement.
pub fn fill_formulas(
    fills: &[ScoreFill],
    addr: &dyn Addresses,
) -> crate::model::FastMap<CellId, String> {
    fills
        .iter()
        .filter_map(|f| Some((f.cell.clone(), f.formula(addr)?)))
        .collect()
}
