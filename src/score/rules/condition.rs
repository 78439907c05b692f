//! Conditions of a clause: "90%(含)以上", "满意度小于90%且大于等于80%的", "80%≤x<90%",
//! "偏离10%以内" read as bounds on one number.

use super::lexer::{tokens, Token};
use crate::quantity::text::{ends_with_at, starts_with_any, starts_with_at};
use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Bound {
    pub(super) value: Decimal,
    /// `Some(true)`: explicitly includes the value; `Some(false)`: explicitly excludes it;
    /// `None`: not said ("以上", "80%-90%").
    pub(super) incl: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cond {
    pub(super) lo: Option<Bound>,
    pub(super) hi: Option<Bound>,
    pub(super) bare: Option<Decimal>,
    pub(super) percent: bool,
    pub(super) unit: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Lo,
    Hi,
    Mark,
}

const PREFIX_BOUNDS: &[(&str, Side, bool)] = &[
    ("大于或等于", Side::Lo, true),
    ("小于或等于", Side::Hi, true),
    ("大于等于", Side::Lo, true),
    ("小于等于", Side::Hi, true),
    ("高于或等于", Side::Lo, true),
    ("低于或等于", Side::Hi, true),
    ("高于等于", Side::Lo, true),
    ("低于等于", Side::Hi, true),
    ("不低于", Side::Lo, true),
    ("不少于", Side::Lo, true),
    ("不小于", Side::Lo, true),
    ("不高于", Side::Hi, true),
    ("不超过", Side::Hi, true),
    ("不超出", Side::Hi, true),
    ("不多于", Side::Hi, true),
    ("不大于", Side::Hi, true),
    ("未达到", Side::Hi, false),
    ("达不到", Side::Hi, false),
    ("未达", Side::Hi, false),
    ("未满", Side::Hi, false),
    ("至少", Side::Lo, true),
    ("达到", Side::Lo, true),
    ("高于", Side::Lo, false),
    ("大于", Side::Lo, false),
    ("超过", Side::Lo, false),
    ("超出", Side::Lo, false),
    ("多于", Side::Lo, false),
    ("小于", Side::Hi, false),
    ("低于", Side::Hi, false),
    ("少于", Side::Hi, false),
    ("不足", Side::Hi, false),
    ("不到", Side::Hi, false),
    (">=", Side::Lo, true),
    ("≥", Side::Lo, true),
    ("<=", Side::Hi, true),
    ("≤", Side::Hi, true),
    (">", Side::Lo, false),
    ("<", Side::Hi, false),
    ("达", Side::Lo, true),
];

const SUFFIX_BOUNDS: &[(&str, Side, Option<bool>)] = &[
    ("(含)以上", Side::Lo, Some(true)),
    ("以上(含)", Side::Lo, Some(true)),
    ("(不含)以上", Side::Lo, Some(false)),
    ("以上(不含)", Side::Lo, Some(false)),
    ("(含)以下", Side::Hi, Some(true)),
    ("以下(含)", Side::Hi, Some(true)),
    ("(不含)以下", Side::Hi, Some(false)),
    ("以下(不含)", Side::Hi, Some(false)),
    ("(含)以内", Side::Hi, Some(true)),
    ("以内(含)", Side::Hi, Some(true)),
    ("及以上", Side::Lo, Some(true)),
    ("及以下", Side::Hi, Some(true)),
    ("及以内", Side::Hi, Some(true)),
    ("含以上", Side::Lo, Some(true)),
    ("含以下", Side::Hi, Some(true)),
    ("以上", Side::Lo, None),
    ("以下", Side::Hi, None),
    ("以内", Side::Hi, None),
    ("之内", Side::Hi, None),
    ("(含)", Side::Mark, Some(true)),
    ("(不含)", Side::Mark, Some(false)),
    ("<=", Side::Lo, Some(true)),
    ("≤", Side::Lo, Some(true)),
    ("<", Side::Lo, Some(false)),
    (">=", Side::Hi, Some(true)),
    ("≥", Side::Hi, Some(true)),
    (">", Side::Hi, Some(false)),
];

/// Reads a condition ("90%(含)以上", "满意度小于90%且大于等于80%的", "80%≤x<90%", "偏离10%以内").
/// Outer `None`: unreadable; `Some(None)`: no number at all.
pub(super) fn parse_condition(cond: &str) -> Option<Option<Cond>> {
    let chars: Vec<char> = cond.chars().collect();
    let toks = tokens(&chars);
    if toks.is_empty() {
        return Some(None);
    }
    let mut lo: Option<Bound> = None;
    let mut hi: Option<Bound> = None;
    let mut bares: Vec<&Token> = Vec::new();
    let mut bounded: Vec<&Token> = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        if let Some((next, from, to)) = range_at(&chars, &toks, k) {
            if lo.is_some() || hi.is_some() {
                return None;
            }
            lo = Some(from);
            hi = Some(to);
            bounded.push(t);
            bounded.push(next);
            k += 2;
            continue;
        }
        match bound_role(&chars, t)? {
            Some((Side::Lo, incl)) => {
                if lo.is_some() {
                    return None;
                }
                lo = Some(Bound {
                    value: t.value,
                    incl,
                });
                bounded.push(t);
            }
            Some((Side::Hi, incl)) => {
                if hi.is_some() {
                    return None;
                }
                hi = Some(Bound {
                    value: t.value,
                    incl,
                });
                bounded.push(t);
            }
            _ => bares.push(t),
        }
        k += 1;
    }
    cond_from(lo, hi, &bares, &bounded)
}

/// A range "A[(含)]-B[(含)]" starting at token `k`: its second number and both ends.
fn range_at<'t>(chars: &[char], toks: &'t [Token], k: usize) -> Option<(&'t Token, Bound, Bound)> {
    let t = &toks[k];
    let mut p = t.end;
    let mut a_mark = None;
    if starts_with_at(chars, p, "(含)") {
        a_mark = Some(true);
        p += 3;
    } else if starts_with_at(chars, p, "(不含)") {
        a_mark = Some(false);
        p += 4;
    }
    let sep = starts_with_any(chars, p, &["-", "~", "至", "到"])?;
    let next = toks.get(k + 1)?;
    if next.start != p + sep.chars().count() {
        return None;
    }
    let mut b_mark = None;
    if starts_with_at(chars, next.end, "(含)") {
        b_mark = Some(true);
    } else if starts_with_at(chars, next.end, "(不含)") {
        b_mark = Some(false);
    }
    let from = Bound {
        value: t.value,
        incl: a_mark,
    };
    let to = Bound {
        value: next.value,
        incl: b_mark,
    };
    Some((next, from, to))
}

/// What a single number is, from the comparison before and/or after it: a lower or upper
/// bound (with whether it is included) or, inner `None`, a bare number. Outer `None` when
/// the two comparisons disagree.
fn bound_role(chars: &[char], t: &Token) -> Option<Option<(Side, Option<bool>)>> {
    let pre = PREFIX_BOUNDS
        .iter()
        .find(|(w, _, _)| ends_with_at(chars, t.start, w))
        .map(|&(_, s, incl)| (s, Some(incl)));
    let suf = SUFFIX_BOUNDS
        .iter()
        .find(|(w, _, _)| starts_with_at(chars, t.end, w))
        .map(|&(_, s, incl)| (s, incl));
    Some(match (pre, suf) {
        (None, None) => None,
        (Some(r), None) => Some(r),
        (None, Some((Side::Mark, _))) => None,
        (None, Some(r)) => Some(r),
        (Some((s, i)), Some((Side::Mark, m))) => Some((s, m.or(i))),
        (Some((s1, i1)), Some((s2, i2))) => {
            if s1 != s2 {
                return None;
            }
            match (i1, i2) {
                (Some(a), Some(b)) if a != b => return None,
                (a, b) => Some((s1, a.or(b))),
            }
        }
    })
}

/// The condition the scan found: the kind of number (percent, unit) from the bounds, else
/// from the bare numbers; a single bare number when there are no bounds. `None` when numbers
/// of the bounds' kind stand beside them or the bounds disagree on the unit.
fn cond_from(
    lo: Option<Bound>,
    hi: Option<Bound>,
    bares: &[&Token],
    bounded: &[&Token],
) -> Option<Option<Cond>> {
    let kind_tokens = if bounded.is_empty() { bares } else { bounded };
    if kind_tokens.is_empty() {
        return Some(None);
    }
    let percent = kind_tokens.iter().any(|t| t.percent);
    let unit = kind_tokens
        .iter()
        .map(|t| t.unit.clone())
        .find(|u| !u.is_empty())
        .unwrap_or_default();
    // Numbers in the bounds must agree on being percentages ("80-90%" has one '%').
    let mut bare = None;
    if bounded.is_empty() {
        if bares.len() != 1 {
            return None;
        }
        bare = Some(bares[0].value);
    } else {
        // Other numbers of the same kind next to bounds make the condition ambiguous;
        // numbers of another kind ("近3年") are labels.
        if bares
            .iter()
            .any(|b| b.percent == percent && (b.unit == unit || b.unit.is_empty()))
        {
            return None;
        }
        if bounded.iter().any(|b| !b.unit.is_empty() && b.unit != unit) {
            return None;
        }
    }
    let scale = |v: Decimal| {
        if percent {
            v / Decimal::ONE_HUNDRED
        } else {
            v
        }
    };
    Some(Some(Cond {
        lo: lo.map(|b| Bound {
            value: scale(b.value),
            incl: b.incl,
        }),
        hi: hi.map(|b| Bound {
            value: scale(b.value),
            incl: b.incl,
        }),
        bare: bare.map(scale),
        percent,
        unit,
    }))
}
