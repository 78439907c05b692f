//! Staircases: an ordered list of "measure ≥ cut → points" steps, built from clauses that band
//! one number. Tiers band the actual value, deviation bands |actual − target| ÷ target.

use super::condition::{parse_condition, Bound};
use super::lexer::Clause;
use super::measure::{points_text, show};
use super::Points;
use crate::quantity::text::{excel_num, fmt_num};
use crate::quantity::Cmp;
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
pub(super) fn staircase_from(clauses: &[Clause]) -> Option<Staircase> {
    let Bands {
        mut tiers,
        otherwise,
        percent,
        unit,
    } = read_bands(clauses)?;
    if !bands_say_enough(&tiers, &otherwise) {
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
    tiers.sort_by_key(|(t, b)| tier_position(t, *b));
    let dir = Direction::new(higher_is_better(&tiers, &otherwise, top_abs)?);
    let tiers = place_bare_numbers(tiers, dir.higher_is_better);
    // Best tier first.
    let mut ranked: Vec<&Tier> = tiers.iter().collect();
    if dir.higher_is_better {
        ranked.reverse();
    }
    let (mut steps, implied_top) = steps_from_best(&ranked, dir)?;
    let worst = ranked[ranked.len() - 1];
    let (otherwise_points, otherwise_stated) = match dir.worse_side(worst) {
        Some(b) => {
            steps.push(Step {
                cmp: if b.incl == Some(false) {
                    dir.beyond
                } else {
                    dir.at_least
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
    if !thresholds_move_toward_worse(&steps, dir) {
        return None;
    }
    Some(Staircase {
        steps,
        otherwise: otherwise_points,
        otherwise_stated,
        percent: percent.unwrap_or(false),
        unit,
        implied_top,
        higher_is_better: dir.higher_is_better,
    })
}

/// The bands the clauses state, not yet ordered: each tier with the bare number it was given
/// as ("出现1次"), the points for everything else, and whether the number is a percent.
struct Bands {
    tiers: Vec<(Tier, Option<Decimal>)>,
    otherwise: Option<Points>,
    percent: Option<bool>,
    unit: String,
}

/// Reads each clause as a band on the number or as the "otherwise" clause; `None` for a
/// per-step rule, a clause that is neither, or bands mixing percent and plain numbers.
fn read_bands(clauses: &[Clause]) -> Option<Bands> {
    let mut bands = Bands {
        tiers: Vec::new(),
        otherwise: None,
        percent: None,
        unit: String::new(),
    };
    for c in clauses {
        // "每下降一档扣2分" is a per-step rule, not a band.
        if c.cond.contains('每') {
            return None;
        }
        match parse_condition(&c.cond)? {
            None => {
                if otherwise_words(&c.cond) && bands.otherwise.is_none() {
                    bands.otherwise = Some(c.points.clone());
                } else {
                    return None;
                }
            }
            Some(cond) => {
                if *bands.percent.get_or_insert(cond.percent) != cond.percent {
                    return None;
                }
                if bands.unit.is_empty() {
                    bands.unit = cond.unit.clone();
                }
                bands.tiers.push((
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
    Some(bands)
}

/// Whether the bands say enough to score every value.
fn bands_say_enough(tiers: &[(Tier, Option<Decimal>)], otherwise: &Option<Points>) -> bool {
    if tiers.is_empty() {
        return false;
    }
    // A single number with no comparison ("出现1次投诉扣2分") says nothing about the other values.
    if tiers.len() == 1 && tiers[0].1.is_some() && otherwise.is_none() {
        return false;
    }
    // Deductions with nothing said below the tiers: the base is unknown.
    !(otherwise.is_none()
        && tiers
            .iter()
            .all(|(t, _)| matches!(t.points, Points::Deduct(_))))
}

/// Position of a tier on the number line; ties: "below v" < "exactly v" < "from v up".
fn tier_position(t: &Tier, bare: Option<Decimal>) -> (Decimal, u8) {
    match (t.lo, t.hi, bare) {
        (Some(l), _, _) => (l.value, 2),
        (None, Some(h), _) => (h.value, 0),
        (None, None, Some(b)) => (b, 1),
        _ => (Decimal::ZERO, 1),
    }
}

/// Which way is better, from tiers sorted along the number line: a single tier against the
/// otherwise clause, else the points of the lowest tier against the highest. `None` when
/// they are worth the same.
fn higher_is_better(
    tiers: &[(Tier, Option<Decimal>)],
    otherwise: &Option<Points>,
    top_abs: Decimal,
) -> Option<bool> {
    if tiers.len() == 1 {
        let (t, _) = &tiers[0];
        return Some(match (otherwise, t.lo, t.hi) {
            (Some(o), _, _) if points_rank(o, top_abs) > points_rank(&t.points, top_abs) => {
                t.lo.is_none()
            }
            (_, None, Some(_)) => false,
            _ => true,
        });
    }
    let low = points_rank(&tiers[0].0.points, top_abs);
    let high = points_rank(&tiers[tiers.len() - 1].0.points, top_abs);
    if low == high {
        return None;
    }
    Some(high > low)
}

/// Bare numbers become the bound on the side that matters.
fn place_bare_numbers(tiers: Vec<(Tier, Option<Decimal>)>, higher_is_better: bool) -> Vec<Tier> {
    tiers
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
        .collect()
}

/// Which way the staircase runs. It runs from the better end to the worse: "x ≥ cut → points"
/// when higher is better, its mirror "x ≤ cut → points" when lower is.
#[derive(Clone, Copy)]
struct Direction {
    higher_is_better: bool,
    at_least: Cmp,
    beyond: Cmp,
}

impl Direction {
    fn new(higher_is_better: bool) -> Direction {
        let (at_least, beyond) = if higher_is_better {
            (Cmp::Ge, Cmp::Gt)
        } else {
            (Cmp::Le, Cmp::Lt)
        };
        Direction {
            higher_is_better,
            at_least,
            beyond,
        }
    }

    /// A tier's bound on the better side.
    fn better_side(self, t: &Tier) -> Option<Bound> {
        if self.higher_is_better {
            t.hi
        } else {
            t.lo
        }
    }

    /// A tier's bound on the worse side.
    fn worse_side(self, t: &Tier) -> Option<Bound> {
        if self.higher_is_better {
            t.lo
        } else {
            t.hi
        }
    }
}

/// The steps from the best tier down to the worst tier's: full marks above the best tier when
/// it is bounded on its better side without being full marks (then `implied_top`), and one
/// step where each tier meets the next.
fn steps_from_best(ranked: &[&Tier], dir: Direction) -> Option<(Vec<Step>, bool)> {
    let mut steps: Vec<Step> = Vec::new();
    let mut implied_top = false;
    let best = ranked[0];
    if let Some(b) = dir.better_side(best) {
        if best.points != Points::Full {
            implied_top = true;
            steps.push(Step {
                cmp: if b.incl == Some(true) {
                    dir.beyond
                } else {
                    dir.at_least
                },
                threshold: b.value,
                points: Points::Full,
            });
        }
    }
    for w in ranked.windows(2) {
        let (better, worse) = (w[0], w[1]);
        let (lower, upper) = if dir.higher_is_better {
            (worse, better)
        } else {
            (better, worse)
        };
        let (cut, upper_gets) = cut_between(lower, upper, dir.higher_is_better)?;
        let better_gets = upper_gets == dir.higher_is_better;
        steps.push(Step {
            cmp: if better_gets {
                dir.at_least
            } else {
                dir.beyond
            },
            threshold: cut,
            points: better.points.clone(),
        });
    }
    Some((steps, implied_top))
}

/// Thresholds must move one way: toward the worse end (or stay, "beyond v" before "at least v").
fn thresholds_move_toward_worse(steps: &[Step], dir: Direction) -> bool {
    let toward_worse = |a: Decimal, b: Decimal| {
        if dir.higher_is_better {
            a > b
        } else {
            a < b
        }
    };
    steps.windows(2).all(|w| {
        toward_worse(w[0].threshold, w[1].threshold)
            || (w[0].threshold == w[1].threshold
                && w[0].cmp == dir.beyond
                && w[1].cmp == dir.at_least)
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
