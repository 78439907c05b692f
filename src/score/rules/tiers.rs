//! Tiers: points by bands of the actual value ("90%（含）以上计10分；80%（含）-90%，计8分…").

use super::lexer::clauses;
use super::measure::{finish, read_for, round10, show};
use super::staircase::{staircase_from, Staircase};
use super::{FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule, SCORABLE_FROM_ACTUAL};
use crate::quantity::text::fmt_num;
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// The bands of a tiers rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tiers(pub Staircase);

impl std::ops::Deref for Tiers {
    type Target = Staircase;
    fn deref(&self) -> &Staircase {
        &self.0
    }
}

pub(super) fn parse(s: &str) -> Option<RuleKind> {
    // A per-step deduction that failed to parse must not be read as bands.
    if s.contains('每') && s.contains('扣') {
        return None;
    }
    let cl = clauses(s);
    if cl.is_empty() {
        return None;
    }
    let st = staircase_from(&cl)?;
    Some(RuleKind::Tiers(Tiers(st)))
}

impl ShapeRule for Tiers {
    fn shape(&self) -> Shape {
        Shape::Tiers
    }

    fn stated_full(&self, _text: &str) -> Option<Decimal> {
        self.0.stated_full()
    }

    fn explain(&self) -> String {
        format!("分档计分：{}", self.describe(""))
    }

    fn cell_values(
        &self,
        _target: Option<&Quantity>,
        actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        Some((read_for(actual, self.percent, &self.unit)?.value, None))
    }

    fn score(
        &self,
        _target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let st = &self.0;
        let r = read_for(actual, st.percent, &st.unit)?;
        let m = round10(r.value);
        let shown = show(m, st.percent, &st.unit);
        let (p, how) = match st.pick(m) {
            Some(s) => (
                &s.points,
                format!(
                    "实际完成值 {} {} {}",
                    shown,
                    s.cmp.symbol(),
                    show(s.threshold, st.percent, &st.unit)
                ),
            ),
            None => (
                &st.otherwise,
                format!("实际完成值 {} 低于各档", shown).replace(
                    "低于",
                    if st.higher_is_better {
                        "低于"
                    } else {
                        "高于"
                    },
                ),
            ),
        };
        let score = st.award(p, weight)?;
        let mut notes: Vec<String> = r.note.into_iter().collect();
        if st.pick(m).is_none() && !st.otherwise_stated {
            notes.push("文本未写明该区间的得分，按0分计".to_string());
        }
        if matches!(p, Points::Abs(v) if !v.is_zero()) {
            notes.extend(st.scaling_note(weight));
        }
        Some(Scored {
            score,
            explanation: finish(format!("{how}，得 {} 分", fmt_num(score)), notes),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        Some(self.excel(&cells.rounded_actual(), cells.weight))
    }

    fn scorability(&self) -> (bool, &'static str) {
        SCORABLE_FROM_ACTUAL
    }
}
