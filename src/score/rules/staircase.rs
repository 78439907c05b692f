//! Staircases: an ordered list of "measure ≥ cut → points" steps, built from clauses that band
//! one number. Tiers band the actual value, deviation bands |actual − target| ÷ target.

use super::condition::{parse_condition, Bound};
use super::lexer::Clause;
use super::measure::{points_text, show};
use super::Points;
use crate::score::quantity::Cmp;
use crate::score::text::{excel_num, fmt_num};
use rust_decimal::Decimal;

/// One step of a staircase: when `measure <cmp> threshold`, award `points`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub cmp: Cmp,
    /// A fraction when the staircase is in percent (90% is 0.9).
    pub threshold: Decimal,
    pub points: Points,
}

/// Tiers or deviation bands, as an ordered list of tests (first that holds wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staircase {
    pub steps: Vec<Step>,
    /// Awarded when no step holds.
    pub otherwise: Points,
    /// False when the text did not say what happens below the last tier (then 0).
    pub otherwise_stated: bool,
    pub percent: bool,
    /// Unit of non-percent thresholds ("次"), empty if none.
    pub unit: String,
    /// True when the best tier (full marks) was not written and was added above the others.
    pub implied_top: bool,
    /// True for "more is better" (satisfaction), false for "less is better" (deviation).
    pub higher_is_better: bool,
}

#[derive(Debug, Clone)]
struct Tier {
    lo: Option<Bound>,
    hi: Option<Bound>,
    points: Points,
}

fn otherwise_words(cond: &str) -> bool {
    [
        "否则", "其余", "其他", "其它", "以外", "反之", "均不", "剩余",
    ]
    .iter()
    .any(|w| cond.contains(w))
}

/// An order on points for deciding which tier is better, with `top` the largest number stated.
fn points_rank(p: &Points, top: Decimal) -> Decimal {
    match p {
        Points::Full => top.saturating_add(Decimal::ONE),
        Points::Abs(v) => *v,
        Points::Share(f) => f.saturating_mul(top),
        Points::Deduct(d) => top.saturating_sub(*d),
    }
}

/// Builds a staircase from clauses. `None` when the clauses do not form bands on one number.
// Long: one pass from clauses to ordered steps; its stages share the tiers and the direction.
pub(super) fn staircase_from(clauses: &[Clause]) -> Option<Staircase> {
    let mut tiers: Vec<(Tier, Option<Decimal>)> = Vec::new();
    let mut otherwise: Option<Points> = None;
    let mut percent: Option<bool> = None;
    let mut unit = String::new();
    for c in clauses {
        // "每下降一档扣2分" is a per-step rule, not a band.
        if c.cond.contains('每') {
            return None;
        }
        match parse_condition(&c.cond)? {
            None => {
                if otherwise_words(&c.cond) && otherwise.is_none() {
                    otherwise = Some(c.points.clone());
                } else {
                    return None;
                }
            }
            Some(cond) => {
                if *percent.get_or_insert(cond.percent) != cond.percent {
                    return None;
                }
                if unit.is_empty() {
                    unit = cond.unit.clone();
                }
                tiers.push((
                    Tier {
                        lo: cond.lo,
                        hi: cond.hi,
                        points: c.points.clone(),
                    },
                    cond.bare,
                ));
            }
        }
    }
    if tiers.is_empty() {
        return None;
    }
    // A single number with no comparison ("出现1次投诉扣2分") says nothing about the other values.
    if tiers.len() == 1 && tiers[0].1.is_some() && otherwise.is_none() {
        return None;
    }
    // Deductions with nothing said below the tiers: the base is unknown.
    if otherwise.is_none()
        && tiers
            .iter()
            .all(|(t, _)| matches!(t.points, Points::Deduct(_)))
    {
        return None;
    }
    let top_abs = tiers
        .iter()
        .filter_map(|(t, _)| match t.points {
            Points::Abs(v) => Some(v),
            _ => None,
        })
        .max()
        .unwrap_or(Decimal::ONE_HUNDRED);
    // Position of a tier on the number line; ties: "below v" < "exactly v" < "from v up".
    let key = |t: &Tier, bare: Option<Decimal>| -> (Decimal, u8) {
        match (t.lo, t.hi, bare) {
            (Some(l), _, _) => (l.value, 2),
            (None, Some(h), _) => (h.value, 0),
            (None, None, Some(b)) => (b, 1),
            _ => (Decimal::ZERO, 1),
        }
    };
    tiers.sort_by_key(|(t, b)| key(t, *b));
    // Which way is better.
    let higher_is_better = if tiers.len() == 1 {
        let (t, _) = &tiers[0];
        match (&otherwise, t.lo, t.hi) {
            (Some(o), _, _) if points_rank(o, top_abs) > points_rank(&t.points, top_abs) => {
                t.lo.is_none()
            }
            (_, None, Some(_)) => false,
            _ => true,
        }
    } else {
        let low = points_rank(&tiers[0].0.points, top_abs);
        let high = points_rank(&tiers[tiers.len() - 1].0.points, top_abs);
        if low == high {
            return None;
        }
        high > low
    };
    // Bare numbers become the bound on the side that matters.
    let tiers: Vec<Tier> = tiers
        .into_iter()
        .map(|(mut t, bare)| {
            if let Some(b) = bare {
                let bound = Some(Bound {
                    value: b,
                    incl: Some(true),
                });
                if higher_is_better {
                    t.lo = bound;
                } else {
                    t.hi = bound;
                }
            }
            t
        })
        .collect();
    // The staircase runs from the better end to the worse: "x ≥ cut → points" when higher is
    // better, its mirror "x ≤ cut → points" when lower is.
    let (at_least, beyond) = if higher_is_better {
        (Cmp::Ge, Cmp::Gt)
    } else {
        (Cmp::Le, Cmp::Lt)
    };
    // A tier's bound on the better side, and on the worse side.
    let better_side = |t: &Tier| if higher_is_better { t.hi } else { t.lo };
    let worse_side = |t: &Tier| if higher_is_better { t.lo } else { t.hi };
    // Best tier first.
    let mut ranked: Vec<&Tier> = tiers.iter().collect();
    if higher_is_better {
        ranked.reverse();
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut implied_top = false;
    let best = ranked[0];
    if let Some(b) = better_side(best) {
        if best.points != Points::Full {
            implied_top = true;
            steps.push(Step {
                cmp: if b.incl == Some(true) {
                    beyond
                } else {
                    at_least
                },
                threshold: b.value,
                points: Points::Full,
            });
        }
    }
    for w in ranked.windows(2) {
        let (better, worse) = (w[0], w[1]);
        let (lower, upper) = if higher_is_better {
            (worse, better)
        } else {
            (better, worse)
        };
        let (cut, upper_gets) = cut_between(lower, upper, higher_is_better)?;
        let better_gets = upper_gets == higher_is_better;
        steps.push(Step {
            cmp: if better_gets { at_least } else { beyond },
            threshold: cut,
            points: better.points.clone(),
        });
    }
    let worst = ranked[ranked.len() - 1];
    let (otherwise_points, otherwise_stated) = match worse_side(worst) {
        Some(b) => {
            steps.push(Step {
                cmp: if b.incl == Some(false) {
                    beyond
                } else {
                    at_least
                },
                threshold: b.value,
                points: worst.points.clone(),
            });
            let stated = otherwise.is_some();
            (otherwise.unwrap_or(Points::Abs(Decimal::ZERO)), stated)
        }
        None => {
            if otherwise.is_some() {
                return None;
            }
            (worst.points.clone(), true)
        }
    };
    // Thresholds must move one way: toward the worse end.
    let toward_worse = |a: Decimal, b: Decimal| if higher_is_better { a > b } else { a < b };
    for w in steps.windows(2) {
        let ok = toward_worse(w[0].threshold, w[1].threshold)
            || (w[0].threshold == w[1].threshold && w[0].cmp == beyond && w[1].cmp == at_least);
        if !ok {
            return None;
        }
    }
    Some(Staircase {
        steps,
        otherwise: otherwise_points,
        otherwise_stated,
        percent: percent.unwrap_or(false),
        unit,
        implied_top,
        higher_is_better,
    })
}

/// Where two neighbouring tiers meet, and whether the boundary belongs to the upper one.
fn cut_between(lower: &Tier, upper: &Tier, higher_is_better: bool) -> Option<(Decimal, bool)> {
    let cut = match (upper.lo, lower.hi) {
        (Some(u), Some(l)) if u.value == l.value => u.value,
        (Some(u), Some(l)) => {
            if higher_is_better {
                u.value
            } else {
                l.value
            }
        }
        (Some(u), None) => u.value,
        (None, Some(l)) => l.value,
        (None, None) => return None,
    };
    let upper_incl = upper.lo.filter(|b| b.value == cut).and_then(|b| b.incl);
    let lower_incl = lower.hi.filter(|b| b.value == cut).and_then(|b| b.incl);
    let upper_gets = match (upper_incl, lower_incl) {
        (Some(u), _) => u,
        (None, Some(l)) => !l,
        // Nobody says: the better tier takes the boundary.
        (None, None) => {
            if upper.lo.is_some_and(|b| b.value == cut) && lower.hi.is_some_and(|b| b.value == cut)
            {
                higher_is_better
            } else {
                // Only one side names the cut: it is that side's own bound, inclusive.
                upper.lo.is_some_and(|b| b.value == cut)
            }
        }
    };
    Some((cut, upper_gets))
}

impl Staircase {
    /// The largest number of points the text writes, when the best tier is written in points.
    fn stated_top(&self) -> Option<Decimal> {
        let mut top: Option<Decimal> = None;
        for p in self
            .steps
            .iter()
            .map(|s| &s.points)
            .chain([&self.otherwise])
        {
            match p {
                Points::Full => return None,
                Points::Abs(v) => top = Some(top.map_or(*v, |t| t.max(*v))),
                _ => {}
            }
        }
        top.filter(|t| !t.is_zero())
    }

    /// Points awarded, for a weight.
    pub(super) fn award(&self, p: &Points, weight: Decimal) -> Option<Decimal> {
        Some(match p {
            Points::Full => weight,
            Points::Abs(v) => match self.stated_top() {
                Some(top) => weight.checked_mul(*v)?.checked_div(top)?,
                None => (*v).min(weight),
            },
            Points::Share(f) => weight.checked_mul(*f)?,
            Points::Deduct(d) => weight.saturating_sub(*d).max(Decimal::ZERO),
        })
    }

    pub(super) fn award_excel(&self, p: &Points, w: &str) -> String {
        match p {
            Points::Full => w.to_string(),
            Points::Abs(v) if v.is_zero() => "0".to_string(),
            Points::Abs(v) => match self.stated_top() {
                Some(top) => format!("{w}*{}/{}", excel_num(*v), excel_num(top)),
                None => format!("MIN({},{w})", excel_num(*v)),
            },
            Points::Share(f) => format!("{w}*{}", excel_num(*f)),
            Points::Deduct(d) => format!("MAX(0,{w}-{})", excel_num(*d)),
        }
    }

    /// The step that applies to `m`, or `None` for "otherwise".
    pub(super) fn pick(&self, m: Decimal) -> Option<&Step> {
        self.steps.iter().find(|s| s.cmp.holds(m, s.threshold))
    }

    pub(super) fn describe(&self, measure_name: &str) -> String {
        let show_t = |v: Decimal| show(v, self.percent, &self.unit);
        let mut parts = Vec::new();
        let mut prev: Option<&Step> = None;
        for s in &self.steps {
            let range = match prev {
                None => format!("{}{}{}", measure_name, s.cmp.symbol(), show_t(s.threshold)),
                Some(p) => {
                    let (a, b) = if self.higher_is_better {
                        (s.threshold, p.threshold)
                    } else {
                        (p.threshold, s.threshold)
                    };
                    format!("{}{}–{}", measure_name, show_t(a), show_t(b))
                }
            };
            parts.push(format!("{} {}", range, points_text(&s.points)));
            prev = Some(s);
        }
        if let Some(last) = self.steps.last() {
            let c = match last.cmp {
                Cmp::Ge => "<",
                Cmp::Gt => "≤",
                Cmp::Le => ">",
                Cmp::Lt => "≥",
                Cmp::Eq => "≠",
            };
            parts.push(format!(
                "{}{}{} {}",
                measure_name,
                c,
                show_t(last.threshold),
                points_text(&self.otherwise)
            ));
        }
        let mut out = parts.join("；");
        if self.implied_top {
            out.push_str("（最高档未写明，按满分计）");
        }
        if !self.otherwise_stated {
            out.push_str("（最低档以下未写明，按0分计）");
        }
        out
    }

    pub(super) fn scaling_note(&self, weight: Decimal) -> Option<String> {
        match self.stated_top() {
            Some(top) if top != weight => Some(format!(
                "文本满分为{}分，按分值{}分折算（×{}/{}）",
                fmt_num(top),
                fmt_num(weight),
                fmt_num(weight),
                fmt_num(top)
            )),
            _ => None,
        }
    }

    /// Full marks the text states: the largest points written, when every tier is in points.
    pub(super) fn stated_full(&self) -> Option<Decimal> {
        if self.implied_top {
            return None;
        }
        let all = self
            .steps
            .iter()
            .map(|x| &x.points)
            .chain([&self.otherwise]);
        let mut top: Option<Decimal> = None;
        for p in all {
            match p {
                Points::Full | Points::Share(_) | Points::Deduct(_) => return None,
                Points::Abs(v) => top = Some(top.map_or(*v, |t| t.max(*v))),
            }
        }
        top.filter(|t| !t.is_zero())
    }

    /// The staircase as nested Excel IFs over the measure `m`, for the weight in `w`.
    pub(super) fn excel(&self, m: &str, w: &str) -> String {
        let mut f = self.award_excel(&self.otherwise, w);
        for s in self.steps.iter().rev() {
            f = format!(
                "IF({m}{}{},{},{f})",
                s.cmp.excel(),
                excel_num(s.threshold),
                self.award_excel(&s.points, w)
            );
        }
        f
    }
}
