//! Reads 评（扣）分标准 texts into rules and computes the score they give, exactly and as an Excel formula.
//!
//! The text is folded ([`normalize`]), cut into clauses ("<condition> <points>"), and tried
//! against each shape in a fixed order ([`PARSERS`]): checklist, linear formula, deduction per
//! point, deviation bands, proportional, tiers, pass/fail. A text that fits none is not a rule
//! (`None`): the caller leaves it to the person.
//!
//! Each shape lives in its own file with its parse, score, explanation and Excel formula behind
//! [`ShapeRule`]; adding a shape is one file plus its line in [`RuleKind`], [`Shape`] and
//! [`PARSERS`] here.
//!
//! Conventions (the ones a Hunan finance clerk expects, written down so they can be argued with):
//! - "以上"/"以下"/"以内" include the number (legal usage), unless a neighbouring tier claims
//!   the same number explicitly ("10%及以上" beats "10%以内"). When nobody says, a shared
//!   boundary goes to the tier that gives more points.
//! - A deduction "每超出1%扣1分" counts whole percentage points exceeded (100.5% loses nothing,
//!   101.9% loses one step) unless the text says "不足1%按1%计" (started points) or "按比例扣分"
//!   (exact proportion).
//! - Percentages are compared as fractions (90% is 0.9), as an Excel percent cell holds them.
//!   A bare number read against a percentage rule is taken as a fraction when it is at most 2
//!   (0.95) and as a percentage otherwise (95 → 95%); the explanation says so.
//! - Completion rate = actual ÷ target. Deviation = |actual − target| ÷ target.
//! - Computed measures are rounded to 10 decimals before comparing, in Rust and in Excel alike,
//!   so that binary floating point in Excel cannot move a value across a tier boundary.

mod checklist;
mod condition;
mod deduction;
mod deviation;
mod lexer;
mod linear;
mod measure;
mod pass_fail;
mod proportional;
mod staircase;
mod tiers;

pub use checklist::{Checklist, ChecklistItem};
pub use deduction::{Deduction, StepRounding};
pub use deviation::DeviationBands;
pub use linear::Linear;
pub use pass_fail::{FailOutcome, PassFail};
pub use proportional::Proportional;
pub use staircase::{Staircase, Step};
pub use tiers::Tiers;

use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// The family a rule belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// Points by bands of the actual value ("90%（含）以上计10分；80%（含）-90%，计8分…").
    Tiers,
    /// Full marks within a limit, minus so much per point beyond it ("每超出1%扣1分").
    DeductPerPoint,
    /// Zero under a floor, then linear up to full marks ("得分=（完成率-60%）/（1-60%）*指标分值").
    LinearAboveFloor,
    /// Points by bands of |actual − target| ÷ target ("偏离10%以内得20分…").
    DeviationBands,
    /// Weight × completion rate, capped at the weight ("未完成按比例计分").
    Proportional,
    /// Full marks when the target is met ("符合要求得满分，不符合要求扣相应分数").
    PassFail,
    /// A list of items each worth points ("①有内部财务管理制度…，2分；②…").
    Checklist,
}

impl Shape {
    /// The shape's name in Chinese (分档计分, 超限扣分 …).
    pub fn name(self) -> &'static str {
        match self {
            Shape::Tiers => "分档计分",
            Shape::DeductPerPoint => "超限扣分",
            Shape::LinearAboveFloor => "线性计分",
            Shape::DeviationBands => "偏离度分档计分",
            Shape::Proportional => "按比例计分",
            Shape::PassFail => "达标计分",
            Shape::Checklist => "逐项计分",
        }
    }
}

/// What a clause awards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Points {
    /// 满分: the row's weight.
    Full,
    /// A number of points as written ("计8分"); scaled when the text's top differs from the weight.
    Abs(Decimal),
    /// A share of the weight ("得分50%" → 0.5).
    Share(Decimal),
    /// The weight minus so many points ("扣2分").
    Deduct(Decimal),
}

/// The parameters of a rule, by shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    Tiers(Tiers),
    DeductPerPoint(Deduction),
    LinearAboveFloor(Linear),
    DeviationBands(DeviationBands),
    Proportional(Proportional),
    PassFail(PassFail),
    Checklist(Checklist),
}

/// The shapes' parsers in the order they are tried: the first that reads the text wins.
const PARSERS: &[fn(&str) -> Option<RuleKind>] = &[
    checklist::parse,
    linear::parse,
    deduction::parse,
    deviation::parse,
    proportional::parse,
    tiers::parse,
    pass_fail::parse,
];

impl RuleKind {
    /// The shape's behaviour.
    fn shape_rule(&self) -> &dyn ShapeRule {
        match self {
            RuleKind::Tiers(x) => x,
            RuleKind::DeductPerPoint(x) => x,
            RuleKind::LinearAboveFloor(x) => x,
            RuleKind::DeviationBands(x) => x,
            RuleKind::Proportional(x) => x,
            RuleKind::PassFail(x) => x,
            RuleKind::Checklist(x) => x,
        }
    }
}

/// Said of a rule a machine scores from the actual value alone.
const SCORABLE_FROM_ACTUAL: (bool, &str) =
    (true, "可以：实际完成值为数值时自动计分，可写成 Excel 公式");

/// Said of a rule a machine scores from the actual value and the target.
const SCORABLE_WITH_TARGET: (bool, &str) = (
    true,
    "可以：年度指标值与实际完成值为数值时自动计分，可写成 Excel 公式",
);

/// What one rule shape does once its text is read.
pub trait ShapeRule {
    fn shape(&self) -> Shape;
    /// Full marks the text itself states ("计5分" → 5), from the parsed rule and the folded text;
    /// by default as written outside the clauses ("满分10分", "计5分").
    fn stated_full(&self, text: &str) -> Option<Decimal> {
        measure::stated_in_text(text)
    }
    /// How the rule is understood, in Chinese.
    fn explain(&self) -> String;
    /// See [`Rule::cell_values`]; by default the actual and the target on one scale.
    fn cell_values(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        measure::rate_cells(target, actual)
    }
    /// See [`Rule::score`].
    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored>;
    /// See [`Rule::excel_formula`].
    fn excel_formula(&self, cells: &FormulaCells) -> Option<String>;
    /// Whether a machine can score the rule, and what it needs, in Chinese.
    fn scorability(&self) -> (bool, &'static str) {
        SCORABLE_WITH_TARGET
    }
}

/// The cells an Excel score formula reads (see [`Rule::excel_formula`]).
pub struct FormulaCells<'a> {
    pub actual: &'a str,
    pub target: Option<&'a str>,
    pub weight: &'a str,
    /// The parsed target, where its comparison decides ("≤79.73万元").
    pub target_quantity: Option<&'a Quantity>,
}

impl FormulaCells<'_> {
    /// The actual value rounded as every measure is before comparing.
    fn rounded_actual(&self) -> String {
        format!("ROUND({},10)", self.actual)
    }
}

/// A 评（扣）分标准 text understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The text as given.
    pub text: String,
    pub kind: RuleKind,
    /// Full marks the text itself states, if any.
    pub stated_full: Option<Decimal>,
}

/// A computed score with the reasoning in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// Exact, unrounded.
    pub score: Decimal,
    pub explanation: String,
}

/// Reads a 评（扣）分标准 text. `None` when the text is not a scoring rule ("无", "搭建招商平台。")
/// or fits no known shape.
pub fn parse_rule(text: &str) -> Option<Rule> {
    let norm = lexer::fold_rule_text(text);
    if norm.is_empty() || !lexer::has_scoring_words(&norm) {
        return None;
    }
    let kind = PARSERS.iter().find_map(|parse| parse(&norm))?;
    let stated_full = kind.shape_rule().stated_full(&norm);
    Some(Rule {
        text: text.to_string(),
        kind,
        stated_full,
    })
}

impl Rule {
    /// The rule's shape.
    pub fn shape(&self) -> Shape {
        self.kind.shape_rule().shape()
    }

    /// Full marks the text itself states ("计5分" → 5), if any.
    pub fn stated_full_points(&self) -> Option<Decimal> {
        self.stated_full
    }

    /// How the rule is understood, in Chinese.
    pub fn explain(&self) -> String {
        self.kind.shape_rule().explain()
    }

    /// Whether a machine can score the rule, and what it needs, in Chinese.
    pub fn scorability(&self) -> (bool, &'static str) {
        self.kind.shape_rule().scorability()
    }

    /// The values to put in the actual and target cells for [`Rule::excel_formula`] to give the
    /// same result as [`Rule::score`]: percentages as fractions, bare numbers read as `score` reads them.
    pub fn cell_values(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        self.kind.shape_rule().cell_values(target, actual)
    }

    /// Expected score for the row, exact (unrounded). `None` when the rule needs a person
    /// (qualitative values, "扣相应分数" on failure, checklists) or the values do not fit it.
    pub fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        self.kind.shape_rule().score(target, actual, weight)
    }

    /// The same computation as [`Rule::score`] as an Excel formula (no leading '='), over the
    /// cells holding the actual value, the target and the weight. The cells must hold what
    /// [`Rule::cell_values`] gives (a percent cell holds 0.7985). `target_quantity` is the
    /// parsed target, needed where its comparison decides ("≤79.73万元"). `None` where the
    /// rule is not computable.
    pub fn excel_formula(
        &self,
        actual: &str,
        target: Option<&str>,
        weight: &str,
        target_quantity: Option<&Quantity>,
    ) -> Option<String> {
        self.kind.shape_rule().excel_formula(&FormulaCells {
            actual,
            target,
            weight,
            target_quantity,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::condition::{parse_condition, Bound, Cond};
    use super::lexer::{clauses, find_points, fold_rule_text};
    use super::*;
    use crate::quantity::Cmp;
    use rust_decimal_macros::dec;

    fn cond(s: &str) -> Cond {
        match parse_condition(&fold_rule_text(s)) {
            Some(Some(c)) => c,
            other => panic!("{s}: {other:?}"),
        }
    }

    fn bound(value: Decimal, incl: Option<bool>) -> Option<Bound> {
        Some(Bound { value, incl })
    }

    #[test]
    fn conditions() {
        let c = cond("80%(含)-90%");
        assert_eq!(c.lo, bound(dec!(0.8), Some(true)));
        assert_eq!(c.hi, bound(dec!(0.9), None));
        let c = cond("满意度小于90%且大于等于80%的");
        assert_eq!(c.lo, bound(dec!(0.8), Some(true)));
        assert_eq!(c.hi, bound(dec!(0.9), Some(false)));
        let c = cond("80%≤满意度<90%");
        assert_eq!(c.lo, bound(dec!(0.8), Some(true)));
        assert_eq!(c.hi, bound(dec!(0.9), Some(false)));
        let c = cond("80-90%");
        assert!(c.percent);
        assert_eq!(c.lo.map(|b| b.value), Some(dec!(0.8)));
        let c = cond("偏离10%以内");
        assert_eq!(c.hi, bound(dec!(0.1), None));
        let c = cond("1-2次");
        assert_eq!((c.unit.as_str(), c.percent), ("次", false));
        assert_eq!(parse_condition("符合要求"), Some(None));
        // Two lower bounds are contradictory.
        assert_eq!(parse_condition("≥80%且≥90%"), None);
    }

    #[test]
    fn clauses_carry_conditions_across_commas() {
        let cl = clauses(&fold_rule_text("80%（含）-90%，计8分；低于70%计0分"));
        assert_eq!(cl.len(), 2);
        assert_eq!(cl[0].cond, "80%(含)-90%,");
        assert_eq!(cl[0].points, Points::Abs(dec!(8)));
        assert_eq!(cl[1].points, Points::Abs(dec!(0)));
    }

    #[test]
    fn points_phrases() {
        let p = |s: &str| {
            let c: Vec<char> = s.chars().collect();
            find_points(&c).map(|(_, _, p)| p)
        };
        assert_eq!(p("计10分"), Some(Points::Abs(dec!(10))));
        assert_eq!(p("得十五分"), Some(Points::Abs(dec!(15))));
        assert_eq!(p("不得分"), Some(Points::Abs(dec!(0))));
        assert_eq!(p("计满分"), Some(Points::Full));
        assert_eq!(p("得分50%"), Some(Points::Share(dec!(0.5))));
        assert_eq!(p("扣2分"), Some(Points::Deduct(dec!(2))));
        assert_eq!(p("扣完为止"), None);
        assert_eq!(p("每超过一个百分点"), None);
        assert_eq!(p("十分满意"), None);
        assert_eq!(p("90分以上"), None);
    }

    #[test]
    fn shared_boundary_goes_to_the_better_tier_unless_said() {
        let st = |s: &str| match tiers::parse(&fold_rule_text(s)) {
            Some(RuleKind::Tiers(st)) => st,
            other => panic!("{s}: {other:?}"),
        };
        // Nobody says: ≥90% is the better tier's.
        assert_eq!(st("90%以上得10分，80%-90%得8分").steps[0].cmp, Cmp::Ge);
        // The lower tier claims it: the upper one starts above.
        assert_eq!(st("90%以上得10分，80%-90%(含)得8分").steps[0].cmp, Cmp::Gt);
        // The upper tier disclaims it.
        assert_eq!(st("高于90%得10分，80%-90%得8分").steps[0].cmp, Cmp::Gt);
    }
}
