//! How a rule reads the values of a row: percentages as fractions, units that agree, the
//! completion rate, and the wording shared by every shape's explanation.

use super::lexer::{clauses, find_after_any};
use super::Points;
use crate::quantity::text::{fmt_num, fmt_pct};
use crate::quantity::Quantity;
use rust_decimal::{Decimal, RoundingStrategy};

const COUNT_UNITS: &[&str] = &[
    "个", "次", "项", "场", "件", "篇", "期", "批", "份", "家", "户", "处", "名", "人", "人次",
    "条", "座", "所", "辆", "台", "套", "本", "册", "张", "类",
];

pub(super) fn units_compatible(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == b || (COUNT_UNITS.contains(&a) && COUNT_UNITS.contains(&b))
}

pub(super) fn round10(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
}

pub(super) fn round9(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(9, RoundingStrategy::MidpointAwayFromZero)
}

/// How a quantity is read as a number for a rule, with a note when a guess was made.
pub(super) struct Reading {
    pub(super) value: Decimal,
    pub(super) note: Option<String>,
}

/// Reads a quantity in percent context: 79.85% → 0.7985; a bare 0.95 stays; a bare 95 → 0.95.
pub(super) fn read_percent(q: &Quantity) -> Option<Reading> {
    if q.percent {
        return Some(Reading {
            value: q.fraction(),
            note: None,
        });
    }
    if !q.unit.is_empty() {
        return None;
    }
    if q.value.abs() <= Decimal::TWO {
        Some(Reading {
            value: q.value,
            note: None,
        })
    } else {
        Some(Reading {
            value: q.value / Decimal::ONE_HUNDRED,
            note: Some(format!(
                "{} 按 {}% 理解",
                fmt_num(q.value),
                fmt_num(q.value)
            )),
        })
    }
}

/// Reads a quantity against thresholds that are percent or in `unit`.
pub(super) fn read_for(q: &Quantity, percent: bool, unit: &str) -> Option<Reading> {
    if percent {
        read_percent(q)
    } else if q.percent || !units_compatible(&q.unit, unit) {
        None
    } else {
        Some(Reading {
            value: q.value,
            note: None,
        })
    }
}

/// Reads actual and target on one scale for a ratio.
pub(super) fn read_pair(target: &Quantity, actual: &Quantity) -> Option<(Reading, Reading)> {
    if target.percent || actual.percent {
        Some((read_percent(target)?, read_percent(actual)?))
    } else if units_compatible(&target.unit, &actual.unit) {
        Some((
            Reading {
                value: target.value,
                note: None,
            },
            Reading {
                value: actual.value,
                note: None,
            },
        ))
    } else {
        None
    }
}

pub(super) fn show(v: Decimal, percent: bool, unit: &str) -> String {
    if percent {
        fmt_pct(v)
    } else {
        format!("{}{}", fmt_num(v), unit)
    }
}

pub(super) fn points_text(p: &Points) -> String {
    match p {
        Points::Full => "得满分".to_string(),
        Points::Abs(v) if v.is_zero() => "得0分".to_string(),
        Points::Abs(v) => format!("得{}分", fmt_num(*v)),
        Points::Share(f) => format!("得分值的{}", fmt_pct(*f)),
        Points::Deduct(d) => format!("扣{}分", fmt_num(*d)),
    }
}

/// Completion rate = actual ÷ target (or the actual itself, as a percentage, without a target).
pub(super) fn completion_rate(
    target: Option<&Quantity>,
    actual: &Quantity,
) -> Option<(Decimal, Vec<String>)> {
    match target {
        Some(t) => {
            let (tr, ar) = read_pair(t, actual)?;
            if tr.value.is_zero() {
                return None;
            }
            let rate = round10(ar.value.checked_div(tr.value)?);
            Some((rate, tr.note.into_iter().chain(ar.note).collect()))
        }
        None => {
            let r = read_percent(actual)?;
            Some((round10(r.value), r.note.into_iter().collect()))
        }
    }
}

pub(super) fn rate_excel(actual: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("ROUND({actual}/{t},10)"),
        None => format!("ROUND({actual},10)"),
    }
}

pub(super) fn finish(main: String, notes: Vec<String>) -> String {
    if notes.is_empty() {
        main
    } else {
        format!("{main}（{}）", notes.join("；"))
    }
}

/// The cells a ratio rule reads: the actual and the target on one scale, or the actual as a
/// percentage when there is no target.
pub(super) fn rate_cells(
    target: Option<&Quantity>,
    actual: &Quantity,
) -> Option<(Decimal, Option<Decimal>)> {
    match target {
        Some(t) => {
            let (t, a) = read_pair(t, actual)?;
            Some((a.value, Some(t.value)))
        }
        None => Some((read_percent(actual)?.value, None)),
    }
}

/// Full marks written outside a formula or deduction clause: "满分10分", "计5分", "得5分".
pub(super) fn stated_in_text(s: &str) -> Option<Decimal> {
    let chars: Vec<char> = s.chars().collect();
    if let Some(v) = find_after_any(&chars, &["满分为", "满分"]) {
        return Some(v);
    }
    clauses(s).iter().find_map(|c| match c.points {
        Points::Abs(v) if !v.is_zero() && !c.cond.contains('每') => Some(v),
        _ => None,
    })
}
