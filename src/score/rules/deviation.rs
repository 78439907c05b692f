//! Deviation bands: points by bands of |actual − target| ÷ target ("偏离10%以内得20分…").

use super::lexer::clauses;
use super::measure::{finish, read_pair, round10};
use super::staircase::{staircase_from, Staircase};
use super::{FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule};
use crate::quantity::text::{fmt_num, fmt_pct};
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// The bands of a deviation rule, over the deviation as a fraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationBands(pub Staircase);

impl std::ops::Deref for DeviationBands {
    type Target = Staircase;
    fn deref(&self) -> &Staircase {
        &self.0
    }
}

pub(super) fn parse(s: &str) -> Option<RuleKind> {
    const WORDS: &[&str] = &["偏离", "偏差", "偏移", "差异率"];
    if !WORDS.iter().any(|w| s.contains(w)) {
        return None;
    }
    let cl = clauses(s);
    let st = staircase_from(&cl)?;
    if !st.percent {
        return None;
    }
    Some(RuleKind::DeviationBands(DeviationBands(st)))
}

impl ShapeRule for DeviationBands {
    fn shape(&self) -> Shape {
        Shape::DeviationBands
    }

    fn stated_full(&self, _text: &str) -> Option<Decimal> {
        self.0.stated_full()
    }

    fn explain(&self) -> String {
        format!(
            "偏离度分档计分（偏离度 = |实际值 − 目标值| ÷ 目标值）：{}",
            self.describe("偏离度")
        )
    }

    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let st = &self.0;
        let t = target?;
        let (tr, ar) = read_pair(t, actual)?;
        if tr.value.is_zero() {
            return None;
        }
        let dev = round10(
            ar.value
                .checked_sub(tr.value)?
                .abs()
                .checked_div(tr.value.abs())?,
        );
        let (p, how) = match st.pick(dev) {
            Some(s) => (
                &s.points,
                format!(
                    "偏离度 {} {} {}",
                    fmt_pct(dev),
                    s.cmp.symbol(),
                    fmt_pct(s.threshold)
                ),
            ),
            None => (&st.otherwise, format!("偏离度 {} 超出各档", fmt_pct(dev))),
        };
        let score = st.award(p, weight)?;
        let mut notes: Vec<String> = tr.note.into_iter().chain(ar.note).collect();
        if matches!(p, Points::Abs(v) if !v.is_zero()) {
            notes.extend(st.scaling_note(weight));
        }
        Some(Scored {
            score,
            explanation: finish(
                format!(
                    "实际 {} 对目标 {}，{}，得 {} 分",
                    actual,
                    t,
                    how,
                    fmt_num(score)
                ),
                notes,
            ),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        let t = cells.target?;
        let actual = cells.actual;
        let d = format!("ROUND(ABS({actual}-{t})/ABS({t}),10)");
        Some(self.excel(&d, cells.weight))
    }
}
