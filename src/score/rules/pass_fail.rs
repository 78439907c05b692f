//! Pass/fail: full marks when the target is met ("符合要求得满分，不符合要求扣相应分数").

use super::condition::parse_condition;
use super::lexer::clauses;
use super::measure::{finish, points_text, read_pair, round10, show};
use super::{FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule, SCORABLE_WITH_TARGET};
use crate::quantity::text::{excel_num, fmt_num};
use crate::quantity::{Cmp, Quantity};
use rust_decimal::Decimal;

/// What a failed pass/fail rule gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailOutcome {
    /// "不得分".
    Zero,
    /// "扣相应分数", "酌情扣分", several levels, or excused failures: a person decides.
    Judgement,
    /// "未完成得5分", "否则得分50%".
    Points(Points),
}

/// "符合要求得满分，不符合要求扣相应分数".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassFail {
    /// The condition of the pass clause as written ("符合要求").
    pub pass_condition: String,
    pub on_pass: Points,
    pub on_fail: FailOutcome,
    /// Qualitative middle levels ("提升效果一般" → 50%).
    pub levels: Vec<(String, Points)>,
    /// "（因客观原因未完成的除外）".
    pub exception: Option<String>,
}

/// Reads a pass/fail text.
// Long: the qualitative clauses are sorted into pass, levels and fail in one pass.
pub(super) fn parse(s: &str) -> Option<RuleKind> {
    let cl = clauses(s);
    if cl.is_empty() {
        return None;
    }
    // Pass/fail is qualitative: no threshold numbers or bounds in its conditions.
    const BOUND_WORDS: &[&str] = &[
        "以上", "以下", "以内", "低于", "高于", "大于", "小于", "不足", "超过", "至", "≥", "≤",
        ">", "<", "-", "~", "每",
    ];
    for c in &cl {
        if let Some(Some(_)) = parse_condition(&c.cond) {
            return None;
        }
        if BOUND_WORDS.iter().any(|w| c.cond.contains(w)) {
            return None;
        }
    }
    let mut on_pass = None;
    let mut pass_condition = String::new();
    let mut on_fail = None;
    let mut levels = Vec::new();
    for c in &cl {
        let negative = ["未", "不", "否则", "没有", "无", "差", "其余", "其他"]
            .iter()
            .any(|w| c.cond.contains(w));
        match (&c.points, negative) {
            (Points::Full, false) if on_pass.is_none() => {
                on_pass = Some(Points::Full);
                pass_condition = c.cond.trim_matches(',').to_string();
            }
            (Points::Abs(v), false) if on_pass.is_none() && !v.is_zero() => {
                on_pass = Some(c.points.clone());
                pass_condition = c.cond.trim_matches(',').to_string();
            }
            (Points::Abs(v), _) if v.is_zero() => on_fail = Some(FailOutcome::Zero),
            (p, true) if on_fail.is_none() => on_fail = Some(FailOutcome::Points(p.clone())),
            (p, false) => levels.push((c.cond.trim_matches(',').to_string(), p.clone())),
            _ => {}
        }
    }
    let on_pass = on_pass?;
    let judgement_words = ["扣相应", "酌情", "相应扣分", "视情况", "根据情况", "适当扣"];
    if judgement_words.iter().any(|w| s.contains(w)) {
        on_fail = Some(FailOutcome::Judgement);
    }
    let exception = s.find("除外").map(|end| {
        let head = &s[..end];
        let start = head.rfind('(').map_or(0, |x| x + 1);
        s[start..end + "除外".len()].to_string()
    });
    let on_fail = on_fail.unwrap_or(FailOutcome::Judgement);
    Some(RuleKind::PassFail(PassFail {
        pass_condition,
        on_pass,
        on_fail,
        levels,
        exception,
    }))
}

fn fail_points(p: &Points, weight: Decimal) -> Option<Decimal> {
    Some(match p {
        Points::Full => weight,
        Points::Abs(v) => (*v).min(weight),
        Points::Share(f) => weight.checked_mul(*f)?,
        Points::Deduct(d) => weight.saturating_sub(*d).max(Decimal::ZERO),
    })
}

fn fail_points_excel(p: &Points, w: &str) -> Option<String> {
    Some(match p {
        Points::Full => w.to_string(),
        Points::Abs(v) => format!("MIN({},{w})", excel_num(*v)),
        Points::Share(f) => format!("{w}*{}", excel_num(*f)),
        Points::Deduct(d) => format!("MAX(0,{w}-{})", excel_num(*d)),
    })
}

impl PassFail {
    /// Whether failing needs a person: an excuse, middle levels, or "扣相应分数".
    fn needs_person(&self) -> bool {
        self.exception.is_some() || !self.levels.is_empty()
    }
}

impl ShapeRule for PassFail {
    fn shape(&self) -> Shape {
        Shape::PassFail
    }

    fn stated_full(&self, _text: &str) -> Option<Decimal> {
        match self.on_pass {
            Points::Abs(v) => Some(v),
            _ => None,
        }
    }

    fn explain(&self) -> String {
        let pf = self;
        let mut out = format!(
            "达标计分：{}（实际值达到目标值）{}",
            if pf.pass_condition.is_empty() {
                "达标"
            } else {
                &pf.pass_condition
            },
            points_text(&pf.on_pass)
        );
        for (cond, p) in &pf.levels {
            out.push_str(&format!("；{}{}", cond, points_text(p)));
        }
        out.push_str(&match &pf.on_fail {
            FailOutcome::Zero => "；未达到得0分".to_string(),
            FailOutcome::Judgement => "；未达到时扣分由人工判断".to_string(),
            FailOutcome::Points(p) => format!("；未达到{}", points_text(p)),
        });
        if let Some(e) = &pf.exception {
            out.push_str(&format!("（{e}，需人工判断）"));
        }
        out
    }

    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let t = target?;
        let (tr, ar) = read_pair(t, actual)?;
        let cmp = t.cmp.unwrap_or(Cmp::Ge);
        let a = round10(ar.value);
        let passed = cmp.holds(a, round10(tr.value));
        let notes: Vec<String> = tr.note.into_iter().chain(ar.note).collect();
        let shown_target = show(tr.value, t.percent || actual.percent, &t.unit);
        if passed {
            return Some(Scored {
                score: weight,
                explanation: finish(
                    format!(
                        "实际 {} 达到目标 {}{}，得满分 {} 分",
                        actual,
                        cmp.symbol(),
                        shown_target,
                        fmt_num(weight)
                    ),
                    notes,
                ),
            });
        }
        if self.needs_person() {
            return None;
        }
        let score = match &self.on_fail {
            FailOutcome::Zero => Decimal::ZERO,
            FailOutcome::Judgement => return None,
            FailOutcome::Points(p) => fail_points(p, weight)?,
        };
        Some(Scored {
            score,
            explanation: finish(
                format!(
                    "实际 {} 未达到目标 {}{}，得 {} 分",
                    actual,
                    cmp.symbol(),
                    shown_target,
                    fmt_num(score)
                ),
                notes,
            ),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        let t = cells.target?;
        let cmp = cells.target_quantity.and_then(|q| q.cmp).unwrap_or(Cmp::Ge);
        if self.needs_person() {
            return None;
        }
        let fail = match &self.on_fail {
            FailOutcome::Zero => "0".to_string(),
            FailOutcome::Judgement => return None,
            FailOutcome::Points(p) => fail_points_excel(p, cells.weight)?,
        };
        Some(format!(
            "IF({}{}ROUND({t},10),{},{fail})",
            cells.rounded_actual(),
            cmp.excel(),
            cells.weight
        ))
    }

    fn scorability(&self) -> (bool, &'static str) {
        if self.needs_person() || self.on_fail == FailOutcome::Judgement {
            (
                true,
                "部分：年度指标值与实际完成值为数值且达标时得满分；未达标时的扣分由人工判断",
            )
        } else {
            SCORABLE_WITH_TARGET
        }
    }
}
