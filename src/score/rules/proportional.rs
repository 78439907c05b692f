//! Proportional: weight × completion rate, capped at the weight ("未完成按比例计分").

use super::condition::parse_condition;
use super::lexer::clauses;
use super::measure::{completion_rate, finish, rate_excel};
use super::{FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule};
use crate::quantity::text::{excel_num, fmt_num, fmt_pct};
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// "全部完成得满分，未完成按比例计分".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proportional {
    /// "完成率低于60%不得分": a completion rate (fraction) under which the score is 0.
    pub floor: Option<Decimal>,
}

pub(super) fn parse(s: &str) -> Option<RuleKind> {
    const WORDS: &[&str] = &[
        "按比例",
        "按完成比例",
        "按实际完成比例",
        "比例计分",
        "比例得分",
        "按完成率计分",
        "按完成率得分",
        "按完成进度计分",
        "完成率*分值",
        "完成率*指标分值",
        "分值*完成率",
        "完成率*该项分值",
        "按实际完成率",
        "按完成情况比例",
        "完成比例*",
    ];
    if !WORDS.iter().any(|w| s.contains(w)) {
        return None;
    }
    // Optional floor: "完成率低于60%不得分".
    let mut floor = None;
    for c in clauses(s) {
        if c.points == Points::Abs(Decimal::ZERO) {
            if let Some(Some(cond)) = parse_condition(&c.cond) {
                if cond.percent {
                    if let Some(h) = cond.hi {
                        floor = Some(h.value);
                    }
                }
            }
        }
    }
    Some(RuleKind::Proportional(Proportional { floor }))
}

impl ShapeRule for Proportional {
    fn shape(&self) -> Shape {
        Shape::Proportional
    }

    fn explain(&self) -> String {
        let mut out =
            "按比例计分：得分 = 分值 × min(完成率, 100%)（完成率 = 实际值 ÷ 目标值）".to_string();
        if let Some(f) = self.floor {
            out.push_str(&format!("；完成率 <{} 得0分", fmt_pct(f)));
        }
        out
    }

    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let (rate, notes) = completion_rate(target, actual)?;
        if let Some(f) = self.floor {
            if rate < f {
                return Some(Scored {
                    score: Decimal::ZERO,
                    explanation: finish(
                        format!("完成率 {} < {}，得 0 分", fmt_pct(rate), fmt_pct(f)),
                        notes,
                    ),
                });
            }
        }
        let score = weight.checked_mul(rate.min(Decimal::ONE))?;
        Some(Scored {
            score,
            explanation: finish(
                format!(
                    "完成率 {}，得分 = {} × {} = {} 分",
                    fmt_pct(rate),
                    fmt_num(weight),
                    fmt_pct(rate.min(Decimal::ONE)),
                    fmt_num(score)
                ),
                notes,
            ),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        let r = rate_excel(cells.actual, cells.target);
        let f = format!("{}*MIN({r},1)", cells.weight);
        Some(match self.floor {
            Some(fl) => format!("IF({r}<{},0,{f})", excel_num(fl)),
            None => f,
        })
    }
}
