//! Reads 评（扣）分标准 texts into rules and computes the score they give, exactly and as an Excel formula.
//!
//! The text is folded ([`normalize`]), cut into clauses ("<condition> <points>"), and tried
//! against each shape in a fixed order: checklist, linear formula, deduction per point,
//! deviation bands, proportional, tiers, pass/fail. A text that fits none is not a rule
//! (`None`): the caller leaves it to the person.
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

use super::quantity::{Cmp, Quantity, UNITS};
use super::text::{
    arabic_at, ends_with_at, excel_num, fmt_num, fmt_pct, normalize, number_at, starts_with_any,
    starts_with_at,
};
use rust_decimal::{Decimal, RoundingStrategy};

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

/// How partial steps of a deduction count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRounding {
    /// Only whole steps count (default): 1.9 points over loses one step.
    Whole,
    /// A started step counts ("不足1%按1%计"): 1.1 points over loses two steps.
    Started,
    /// Exact proportion ("按比例扣分").
    Exact,
}

/// "100%以下（含）计满分，每超出1%扣1分，扣完为止".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduction {
    /// The limit in measure units (a fraction when `percent`); `None` means the row's target.
    pub limit: Option<Decimal>,
    /// True: deduct for exceeding the limit; false: for falling short of it.
    pub over: bool,
    /// One step in measure units (0.01 for one percentage point).
    pub step: Decimal,
    pub percent: bool,
    /// Unit of the step when not percent ("次").
    pub unit: String,
    pub per_step: Decimal,
    pub rounding: StepRounding,
    /// "最多扣3分".
    pub max_deduction: Option<Decimal>,
    /// "低于60%不得分": beyond this value the score is 0 (same units as `limit`).
    pub zero_beyond: Option<Decimal>,
}

/// "完成率小于60%不得分，大于等于60%，得分=（完成率-60%）/（1-60%）*指标分值".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linear {
    /// Completion rate (fraction) under which the score is 0.
    pub floor: Decimal,
    /// Completion rate (fraction) at which full marks are reached (usually 1).
    pub full_at: Decimal,
}

/// "全部完成得满分，未完成按比例计分".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proportional {
    /// "完成率低于60%不得分": a completion rate (fraction) under which the score is 0.
    pub floor: Option<Decimal>,
}

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

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub text: String,
    pub points: Decimal,
}

/// The parameters of a rule, by shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    Tiers(Staircase),
    DeductPerPoint(Deduction),
    LinearAboveFloor(Linear),
    DeviationBands(Staircase),
    Proportional(Proportional),
    PassFail(PassFail),
    Checklist(Vec<ChecklistItem>),
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

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// Reads a 评（扣）分标准 text. `None` when the text is not a scoring rule ("无", "搭建招商平台。")
/// or fits no known shape.
pub fn parse_rule(text: &str) -> Option<Rule> {
    let norm = fold_rule_text(text);
    if norm.is_empty() || !has_scoring_words(&norm) {
        return None;
    }
    let kind = parse_checklist(&norm)
        .or_else(|| parse_linear(&norm))
        .or_else(|| parse_deduction(&norm))
        .or_else(|| parse_deviation(&norm))
        .or_else(|| parse_proportional(&norm))
        .or_else(|| parse_tiers(&norm))
        .or_else(|| parse_pass_fail(&norm))?;
    let stated_full = stated_full_of(&kind, &norm);
    Some(Rule {
        text: text.to_string(),
        kind,
        stated_full,
    })
}

/// Width folding plus rule-specific spellings: "百分之九十" → "90%", "百分点" kept,
/// "指标分值"/"该项分值" → "分值".
fn fold_rule_text(text: &str) -> String {
    // A line break inside a cell separates clauses like a comma; "±5%" is a deviation of 5%.
    let norm = normalize(&text.replace(['\n', '\r'], ",").replace('±', ""));
    let chars: Vec<char> = norm.chars().collect();
    let mut out = String::with_capacity(norm.len());
    let mut i = 0;
    while i < chars.len() {
        if starts_with_at(&chars, i, "百分之") {
            if let Some(n) = number_at(&chars, i + 3) {
                out.push_str(&fmt_num(n.value));
                out.push('%');
                i = n.end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    // Leading item markers and trailing full stops carry nothing.
    out.trim_start_matches(['①', '•', '·', '-'])
        .trim_end_matches(['。', '.', ';', ','])
        .to_string()
}

/// Scoring vocabulary: without one of these the text is a description, not a rule.
fn has_scoring_words(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "满分",
        "得分",
        "计分",
        "扣分",
        "不得分",
        "给分",
        "零分",
        "分值",
        "记分",
        "评分",
    ];
    if WORDS.iter().any(|w| s.contains(w)) {
        return true;
    }
    let chars: Vec<char> = s.chars().collect();
    (0..chars.len()).any(|i| points_at(&chars, i).is_some())
}

/// A clause: the condition text and what it awards.
#[derive(Debug, Clone)]
struct Clause {
    cond: String,
    points: Points,
}

/// Splits a text into clauses. Pieces without points (the condition written before a comma,
/// "80%（含）-90%，计8分") are carried to the next piece within the same sentence.
fn clauses(s: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for sentence in s.split([';', '。', '!', '?']) {
        pending.clear();
        for piece in sentence.split([',', '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩'])
        {
            let chars: Vec<char> = piece.chars().collect();
            let mut from = 0;
            // Several clauses may share a piece when punctuation is missing
            // ("90%以上得10分80%-90%得8分").
            while from < chars.len() {
                let rest = &chars[from..];
                match find_points(rest) {
                    Some((start, end, points)) => {
                        let before: String = rest[..start].iter().collect();
                        let cond = if pending.is_empty() {
                            before
                        } else {
                            format!("{pending},{before}")
                        };
                        out.push(Clause { cond, points });
                        pending.clear();
                        from += end.max(1);
                    }
                    None => {
                        if !pending.is_empty() {
                            pending.push(',');
                        }
                        pending.extend(rest.iter());
                        break;
                    }
                }
            }
        }
    }
    out
}

/// The first points phrase in a piece: (start, end, points).
fn find_points(chars: &[char]) -> Option<(usize, usize, Points)> {
    (0..chars.len()).find_map(|i| points_at(chars, i).map(|(end, p)| (i, end, p)))
}

fn is_number_start(chars: &[char], i: usize) -> bool {
    i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.')
}

/// A number followed by "分" meaning points (not 百分点, 分析, 分钟 …), starting at `i`.
fn number_points_at(chars: &[char], i: usize) -> Option<(usize, Decimal)> {
    if !is_number_start(chars, i) {
        return None;
    }
    let n = number_at(chars, i)?;
    if chars.get(n.end) != Some(&'分') {
        return None;
    }
    // "十分满意" is "very satisfied", not ten points.
    if !chars[i].is_ascii_digit()
        && chars
            .get(n.end + 1)
            .is_some_and(|c| *c == '满' || *c == '重')
    {
        return None;
    }
    match chars.get(n.end + 1) {
        None => {}
        Some(c) if "点比之钟析类别配解期段布散项值数".contains(*c) => return None,
        _ => {}
    }
    // "90分以上", "80-90分": a survey score in a condition, not points.
    const BOUND_AFTER: &[&str] = &[
        "以上", "以下", "以内", "及以", "(含)", "(不含)", "-", "~", "至", "到", "≤", "<", "≥", ">",
    ];
    if starts_with_any(chars, n.end + 1, BOUND_AFTER).is_some() {
        return None;
    }
    Some((n.end + 1, n.value))
}

/// A points phrase starting exactly at `i`: (end, points).
fn points_at(chars: &[char], i: usize) -> Option<(usize, Points)> {
    const ZERO: &[&str] = &[
        "不得分",
        "不计分",
        "不给分",
        "得零分",
        "计零分",
        "零分",
        "不得分值",
    ];
    if let Some(w) = starts_with_any(chars, i, ZERO) {
        return Some((i + w.chars().count(), Points::Abs(Decimal::ZERO)));
    }
    const FULL: &[&str] = &[
        "得全部分值",
        "得该项分值",
        "得满分",
        "计满分",
        "给满分",
        "记满分",
        "为满分",
        "得全分",
        "满分",
    ];
    if let Some(w) = starts_with_any(chars, i, FULL) {
        return Some((i + w.chars().count(), Points::Full));
    }
    const HALF: &[&str] = &["得一半分", "得分减半", "减半计分", "减半得分", "得半分"];
    if let Some(w) = starts_with_any(chars, i, HALF) {
        return Some((i + w.chars().count(), Points::Share(Decimal::new(5, 1))));
    }
    if chars.get(i) == Some(&'扣') {
        // "扣完为止" and "扣相应分数" are not amounts.
        let j = i + 1 + usize::from(starts_with_at(chars, i + 1, "除"));
        if let Some((end, v)) = number_points_at(chars, j) {
            return Some((end, Points::Deduct(v)));
        }
        return None;
    }
    const LEADS: &[&str] = &[
        "得分值的",
        "得该项分值的",
        "得分为",
        "计分为",
        "得分",
        "计分",
        "得",
        "计",
        "给",
        "记",
        "为",
    ];
    if let Some(w) = starts_with_any(chars, i, LEADS) {
        let j = i + w.chars().count();
        if let Some((end, v)) = number_points_at(chars, j) {
            return Some((end, Points::Abs(v)));
        }
        if let Some(n) = arabic_at(chars, j) {
            if chars.get(n.end) == Some(&'%') && w != "为" {
                return Some((n.end + 1, Points::Share(n.value / Decimal::ONE_HUNDRED)));
            }
        }
        if w == "为" {
            return None;
        }
    }
    // A bare "2分" after a comma, or "…以上10分".
    if chars[i].is_ascii_digit() {
        if let Some((end, v)) = number_points_at(chars, i) {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            // Only at the end of a piece ("…，2分"): inside one it is a threshold ("80-90分得8分").
            let at_end = end == chars.len() || matches!(chars[end], ')' | ';' | ',' | '。');
            if at_end && !matches!(prev, Some('每' | '扣' | '-' | '~' | '至' | '到')) {
                return Some((end, Points::Abs(v)));
            }
        }
    }
    None
}

// ----- conditions ----------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bound {
    value: Decimal,
    /// `Some(true)`: explicitly includes the value; `Some(false)`: explicitly excludes it;
    /// `None`: not said ("以上", "80%-90%").
    incl: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cond {
    lo: Option<Bound>,
    hi: Option<Bound>,
    bare: Option<Decimal>,
    percent: bool,
    unit: String,
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

/// A number in a condition with its unit.
#[derive(Debug, Clone)]
struct Token {
    value: Decimal,
    start: usize,
    /// After the unit.
    end: usize,
    percent: bool,
    unit: String,
}

fn tokens(chars: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && is_number_start(chars, i) {
            if let Some(n) = arabic_at(chars, i) {
                let mut end = n.end;
                let mut percent = false;
                let mut unit = String::new();
                if starts_with_at(chars, end, "个百分点") {
                    percent = true;
                    end += 4;
                } else if starts_with_at(chars, end, "百分点") {
                    percent = true;
                    end += 3;
                } else if chars.get(end) == Some(&'%') {
                    percent = true;
                    end += 1;
                } else if let Some(u) = starts_with_any(chars, end, UNITS) {
                    // Conditions never hold the clause's points, so "90分" here is a
                    // threshold (a survey score).
                    unit = u.to_string();
                    end += u.chars().count();
                }
                out.push(Token {
                    value: n.value,
                    start: i,
                    end,
                    percent,
                    unit,
                });
                i = n.end.max(i + 1);
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Reads a condition ("90%(含)以上", "满意度小于90%且大于等于80%的", "80%≤x<90%", "偏离10%以内").
/// Outer `None`: unreadable; `Some(None)`: no number at all.
fn parse_condition(cond: &str) -> Option<Option<Cond>> {
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
        // Range "A[(含)]-B".
        let mut p = t.end;
        let mut a_mark = None;
        if starts_with_at(&chars, p, "(含)") {
            a_mark = Some(true);
            p += 3;
        } else if starts_with_at(&chars, p, "(不含)") {
            a_mark = Some(false);
            p += 4;
        }
        let sep = starts_with_any(&chars, p, &["-", "~", "至", "到"]);
        if let (Some(sep), Some(next)) = (sep, toks.get(k + 1)) {
            if next.start == p + sep.chars().count() {
                let mut b_mark = None;
                if starts_with_at(&chars, next.end, "(含)") {
                    b_mark = Some(true);
                } else if starts_with_at(&chars, next.end, "(不含)") {
                    b_mark = Some(false);
                }
                if lo.is_some() || hi.is_some() {
                    return None;
                }
                lo = Some(Bound {
                    value: t.value,
                    incl: a_mark,
                });
                hi = Some(Bound {
                    value: next.value,
                    incl: b_mark,
                });
                bounded.push(t);
                bounded.push(next);
                k += 2;
                continue;
            }
        }
        // Single number: comparison before and/or after it.
        let pre = PREFIX_BOUNDS
            .iter()
            .find(|(w, _, _)| ends_with_at(&chars, t.start, w))
            .map(|&(_, s, incl)| (s, Some(incl)));
        let suf = SUFFIX_BOUNDS
            .iter()
            .find(|(w, _, _)| starts_with_at(&chars, t.end, w))
            .map(|&(_, s, incl)| (s, incl));
        let role = match (pre, suf) {
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
        };
        match role {
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
    let kind_tokens: &Vec<&Token> = if bounded.is_empty() { &bares } else { &bounded };
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

// ----- staircase -------------------------------------------------------------------------------

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
fn staircase_from(clauses: &[Clause]) -> Option<Staircase> {
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

// ----- shapes ------------------------------------------------------------------------------------

fn parse_tiers(s: &str) -> Option<RuleKind> {
    // A per-step deduction that failed to parse must not be read as bands.
    if s.contains('每') && s.contains('扣') {
        return None;
    }
    let cl = clauses(s);
    if cl.is_empty() {
        return None;
    }
    let st = staircase_from(&cl)?;
    Some(RuleKind::Tiers(st))
}

fn parse_deviation(s: &str) -> Option<RuleKind> {
    const WORDS: &[&str] = &["偏离", "偏差", "偏移", "差异率"];
    if !WORDS.iter().any(|w| s.contains(w)) {
        return None;
    }
    let cl = clauses(s);
    let st = staircase_from(&cl)?;
    if !st.percent {
        return None;
    }
    Some(RuleKind::DeviationBands(st))
}

/// "（完成率-60%）/（1-60%）*指标分值", "(实际完成率-60%)÷40%×分值".
fn parse_linear(s: &str) -> Option<RuleKind> {
    let chars: Vec<char> = s.chars().collect();
    let formula_like = s.contains('=') || s.contains("线性") || s.contains("插值");
    if !formula_like {
        return None;
    }
    // Find "-<n>%)" followed by "/".
    for i in 0..chars.len() {
        if chars[i] != '-' {
            continue;
        }
        let Some(n) = arabic_at(&chars, i + 1) else {
            continue;
        };
        if chars.get(n.end) != Some(&'%') || chars.get(n.end + 1) != Some(&')') {
            continue;
        }
        // The numerator must be a rate ("完成率-60%"), not "1-60%".
        let before: String = chars[..i].iter().collect();
        if !before.ends_with('率') && !before.ends_with("完成值") && !before.ends_with("实际值")
        {
            continue;
        }
        let floor = n.value / Decimal::ONE_HUNDRED;
        let mut p = n.end + 2;
        if chars.get(p) != Some(&'/') {
            continue;
        }
        p += 1;
        // Denominator: "(1-60%)", "(100%-60%)", "40%".
        let den = if chars.get(p) == Some(&'(') {
            let a = arabic_at(&chars, p + 1)?;
            let mut q = a.end;
            let a_val = if chars.get(q) == Some(&'%') {
                q += 1;
                a.value / Decimal::ONE_HUNDRED
            } else {
                a.value
            };
            if chars.get(q) != Some(&'-') {
                continue;
            }
            let b = arabic_at(&chars, q + 1)?;
            let b_val = if chars.get(b.end) == Some(&'%') {
                b.value / Decimal::ONE_HUNDRED
            } else {
                b.value
            };
            a_val.checked_sub(b_val)?
        } else {
            let a = arabic_at(&chars, p)?;
            if chars.get(a.end) == Some(&'%') {
                a.value / Decimal::ONE_HUNDRED
            } else {
                a.value
            }
        };
        if den <= Decimal::ZERO {
            return None;
        }
        return Some(RuleKind::LinearAboveFloor(Linear {
            floor,
            full_at: floor.checked_add(den)?,
        }));
    }
    None
}

const OVER_WORDS: &[&str] = &[
    "超过", "超出", "超支", "高于", "高出", "多于", "多出", "增加", "上升", "延迟", "推迟", "延期",
    "逾期", "滞后", "超", "高", "多",
];
const UNDER_WORDS: &[&str] = &[
    "低于",
    "少于",
    "减少",
    "下降",
    "降低",
    "不足",
    "未完成",
    "未达到",
    "差",
    "低",
    "少",
    "降",
];

/// "100%以下（含）计满分，每超出1%扣1分，扣完为止".
fn parse_deduction(s: &str) -> Option<RuleKind> {
    let chars: Vec<char> = s.chars().collect();
    let mei = chars.iter().position(|&c| c == '每')?;
    // Direction word right after 每, else the nearest before it.
    let mut p = mei + 1;
    let mut over = None;
    let mut words: Vec<(&str, bool)> = OVER_WORDS
        .iter()
        .map(|w| (*w, true))
        .chain(UNDER_WORDS.iter().map(|w| (*w, false)))
        .collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    if let Some((w, o)) = words.iter().find(|(w, _)| starts_with_at(&chars, p, w)) {
        over = Some(*o);
        p += w.chars().count();
    }
    // "每发生1次投诉扣2分": every occurrence counts, from zero.
    let mut counts_from_zero = false;
    if over.is_none() {
        if let Some(w) = starts_with_any(&chars, p, &["发生", "出现"]) {
            over = Some(true);
            counts_from_zero = true;
            p += w.chars().count();
        }
    }
    // Step: a number and its unit, possibly after a filler word ("每少完成1次", "每超出预算1%").
    let step_num = (p..(p + 4).min(chars.len()))
        .take_while(|&k| !matches!(chars[k], ',' | ';' | '扣'))
        .find_map(|k| number_at(&chars, k))?;
    let mut q = step_num.end;
    let mut percent = false;
    let mut unit = String::new();
    if starts_with_at(&chars, q, "个百分点") {
        percent = true;
        q += 4;
    } else if starts_with_at(&chars, q, "百分点") {
        percent = true;
        q += 3;
    } else if chars.get(q) == Some(&'%') {
        percent = true;
        q += 1;
    } else if let Some(u) = starts_with_any(&chars, q, UNITS) {
        unit = u.to_string();
        q += u.chars().count();
    }
    // A step without a unit ("每下降一档") is not measurable.
    if !percent && unit.is_empty() {
        return None;
    }
    // Then "扣N分" within a few characters ("每超出1%的扣1分", "每超1个百分点，扣0.5分").
    let mut per_step = None;
    for j in q..(q + 6).min(chars.len()) {
        if chars[j] == '扣' {
            let k = j + 1 + usize::from(starts_with_at(&chars, j + 1, "除"));
            if let Some((_, v)) = number_points_at(&chars, k) {
                per_step = Some(v);
            }
            break;
        }
    }
    let per_step = per_step?;
    if over.is_none() {
        // Look back in the same sentence.
        let start = chars[..mei]
            .iter()
            .rposition(|&c| c == ';' || c == '。')
            .map_or(0, |x| x + 1);
        let before: String = chars[start..mei].iter().collect();
        let mut best: Option<(usize, bool)> = None;
        for (w, o) in &words {
            if let Some(pos) = before.rfind(w) {
                if best.is_none_or(|(b, _)| pos > b) {
                    best = Some((pos, *o));
                }
            }
        }
        over = best.map(|(_, o)| o);
    }
    let over = over?;
    let step = if percent {
        step_num.value / Decimal::ONE_HUNDRED
    } else {
        step_num.value
    };
    if step <= Decimal::ZERO {
        return None;
    }
    let rounding =
        if s.contains("按比例扣") || s.contains("按实际比例") || s.contains("按比例计算扣")
        {
            StepRounding::Exact
        } else if (s.contains("不足")
            && (s.contains("按1") || s.contains("按一") || s.contains("计算")))
            && !s.contains("不扣")
        {
            StepRounding::Started
        } else {
            StepRounding::Whole
        };
    // Limit and cut-off from the other clauses: a clause giving full or stated points names the
    // limit; a clause giving 0 with a number names the cut-off.
    let mut limit = None;
    let mut zero_beyond = None;
    let rest: String =
        chars[..mei].iter().collect::<String>() + ";" + &chars[q..].iter().collect::<String>();
    for c in clauses(&rest) {
        let Some(Some(cond)) = parse_condition(&c.cond) else {
            continue;
        };
        if cond.percent != percent {
            continue;
        }
        let v = cond.hi.or(cond.lo).map(|b| b.value).or(cond.bare);
        let zero = c.points == Points::Abs(Decimal::ZERO);
        match c.points {
            Points::Full | Points::Abs(_) if !zero && limit.is_none() => limit = v,
            Points::Abs(_) if zero && zero_beyond.is_none() => zero_beyond = v,
            _ => {}
        }
    }
    if limit.is_none() {
        // "以100%为标准", "超出100%的部分每1%扣1分": a lone number of the step's kind.
        let toks = tokens(&chars[..mei]);
        limit = toks.iter().find(|t| t.percent == percent).map(|t| {
            if percent {
                t.value / Decimal::ONE_HUNDRED
            } else {
                t.value
            }
        });
    }
    if limit.is_none() && counts_from_zero {
        limit = Some(Decimal::ZERO);
    }
    let max_deduction = find_after_any(
        &chars,
        &[
            "最多扣",
            "最高扣",
            "扣分不超过",
            "最多扣除",
            "扣分上限",
            "扣分最多",
            "累计扣分不超过",
        ],
    );
    Some(RuleKind::DeductPerPoint(Deduction {
        limit,
        over,
        step,
        percent,
        unit,
        per_step,
        rounding,
        max_deduction,
        zero_beyond,
    }))
}

/// The number of points right after one of `leads` ("最多扣3分" → 3).
fn find_after_any(chars: &[char], leads: &[&str]) -> Option<Decimal> {
    for i in 0..chars.len() {
        if let Some(w) = starts_with_any(chars, i, leads) {
            let j = i + w.chars().count();
            if let Some((_, v)) = number_points_at(chars, j) {
                return Some(v);
            }
        }
    }
    None
}

fn parse_proportional(s: &str) -> Option<RuleKind> {
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

fn parse_pass_fail(s: &str) -> Option<RuleKind> {
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

/// "①有内部财务管理制度…，2分；②有本部门厉行节约制度，2分；…".
fn parse_checklist(s: &str) -> Option<RuleKind> {
    const MARKS: &[char] = &['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩'];
    // The leading ① was trimmed by folding; items are separated by the other marks.
    let items: Vec<&str> = s.split(MARKS).filter(|x| !x.is_empty()).collect();
    if items.len() < 2 || !s.chars().any(|c| MARKS.contains(&c)) {
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        let chars: Vec<char> = item.trim_end_matches([';', ',', '。']).chars().collect();
        // The item ends with its points: "…，2分" or "…得2分".
        let (start, end, points) = find_points(&chars)?;
        if end != chars.len() {
            return None;
        }
        let Points::Abs(v) = points else {
            return None;
        };
        let text: String = chars[..start].iter().collect();
        let text = text.trim_end_matches([',', ':']).to_string();
        // Threshold numbers make it tiers, not a checklist.
        if tokens(&text.chars().collect::<Vec<_>>())
            .iter()
            .any(|t| t.percent)
        {
            return None;
        }
        out.push(ChecklistItem { text, points: v });
    }
    Some(RuleKind::Checklist(out))
}

fn stated_full_of(kind: &RuleKind, s: &str) -> Option<Decimal> {
    match kind {
        RuleKind::Tiers(st) | RuleKind::DeviationBands(st) => {
            if st.implied_top {
                return None;
            }
            let all = st.steps.iter().map(|x| &x.points).chain([&st.otherwise]);
            let mut top: Option<Decimal> = None;
            for p in all {
                match p {
                    Points::Full | Points::Share(_) | Points::Deduct(_) => return None,
                    Points::Abs(v) => top = Some(top.map_or(*v, |t| t.max(*v))),
                }
            }
            top.filter(|t| !t.is_zero())
        }
        RuleKind::Checklist(items) => Some(items.iter().map(|i| i.points).sum()),
        RuleKind::PassFail(pf) => match pf.on_pass {
            Points::Abs(v) => Some(v),
            _ => None,
        },
        RuleKind::DeductPerPoint(_) | RuleKind::Proportional(_) | RuleKind::LinearAboveFloor(_) => {
            // "计5分", "满分10分", "得5分" outside the deduction clause.
            let chars: Vec<char> = s.chars().collect();
            if let Some(v) = find_after_any(&chars, &["满分为", "满分"]) {
                return Some(v);
            }
            clauses(s).iter().find_map(|c| match c.points {
                Points::Abs(v) if !v.is_zero() && !c.cond.contains('每') => Some(v),
                _ => None,
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

const COUNT_UNITS: &[&str] = &[
    "个", "次", "项", "场", "件", "篇", "期", "批", "份", "家", "户", "处", "名", "人", "人次",
    "条", "座", "所", "辆", "台", "套", "本", "册", "张", "类",
];

fn units_compatible(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == b || (COUNT_UNITS.contains(&a) && COUNT_UNITS.contains(&b))
}

fn round10(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero)
}

fn round9(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(9, RoundingStrategy::MidpointAwayFromZero)
}

/// How a quantity is read as a number for a rule, with a note when a guess was made.
struct Reading {
    value: Decimal,
    note: Option<String>,
}

/// Reads a quantity in percent context: 79.85% → 0.7985; a bare 0.95 stays; a bare 95 → 0.95.
fn read_percent(q: &Quantity) -> Option<Reading> {
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
fn read_for(q: &Quantity, percent: bool, unit: &str) -> Option<Reading> {
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
fn read_pair(target: &Quantity, actual: &Quantity) -> Option<(Reading, Reading)> {
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

fn show(v: Decimal, percent: bool, unit: &str) -> String {
    if percent {
        fmt_pct(v)
    } else {
        format!("{}{}", fmt_num(v), unit)
    }
}

fn points_text(p: &Points) -> String {
    match p {
        Points::Full => "得满分".to_string(),
        Points::Abs(v) if v.is_zero() => "得0分".to_string(),
        Points::Abs(v) => format!("得{}分", fmt_num(*v)),
        Points::Share(f) => format!("得分值的{}", fmt_pct(*f)),
        Points::Deduct(d) => format!("扣{}分", fmt_num(*d)),
    }
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
    fn award(&self, p: &Points, weight: Decimal) -> Option<Decimal> {
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

    fn award_excel(&self, p: &Points, w: &str) -> String {
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
    fn pick(&self, m: Decimal) -> Option<&Step> {
        self.steps.iter().find(|s| s.cmp.holds(m, s.threshold))
    }

    fn describe(&self, measure_name: &str) -> String {
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

    fn scaling_note(&self, weight: Decimal) -> Option<String> {
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
}

impl Rule {
    /// The rule's shape.
    pub fn shape(&self) -> Shape {
        match &self.kind {
            RuleKind::Tiers(_) => Shape::Tiers,
            RuleKind::DeductPerPoint(_) => Shape::DeductPerPoint,
            RuleKind::LinearAboveFloor(_) => Shape::LinearAboveFloor,
            RuleKind::DeviationBands(_) => Shape::DeviationBands,
            RuleKind::Proportional(_) => Shape::Proportional,
            RuleKind::PassFail(_) => Shape::PassFail,
            RuleKind::Checklist(_) => Shape::Checklist,
        }
    }

    /// Full marks the text itself states ("计5分" → 5), if any.
    pub fn stated_full_points(&self) -> Option<Decimal> {
        self.stated_full
    }

    /// How the rule is understood, in Chinese.
    pub fn explain(&self) -> String {
        match &self.kind {
            RuleKind::Tiers(st) => format!("分档计分：{}", st.describe("")),
            RuleKind::DeviationBands(st) => format!(
                "偏离度分档计分（偏离度 = |实际值 − 目标值| ÷ 目标值）：{}",
                st.describe("偏离度")
            ),
            RuleKind::DeductPerPoint(d) => {
                let unit_step = if d.percent {
                    format!("{}个百分点", fmt_num(d.step.saturating_mul(Decimal::ONE_HUNDRED)))
                } else {
                    format!("{}{}", fmt_num(d.step), d.unit)
                };
                let limit = match d.limit {
                    Some(l) => show(l, d.percent, &d.unit),
                    None => "目标值".to_string(),
                };
                let (ok, verb) = if d.over {
                    ("≤", "超过")
                } else {
                    ("≥", "低于")
                };
                let rounding = match d.rounding {
                    StepRounding::Whole => format!("只计满{unit_step}的部分，不足{unit_step}不扣"),
                    StepRounding::Started => format!("不足{unit_step}按{unit_step}计"),
                    StepRounding::Exact => "按实际比例扣".to_string(),
                };
                let mut out = format!(
                    "超限扣分：{ok}{limit} 得满分；每{verb}{unit_step}扣{}分（{rounding}）",
                    fmt_num(d.per_step)
                );
                if d.limit.is_none() && d.percent {
                    out.push_str("（目标值不是百分数时，按超出目标值的百分比计）");
                }
                if let Some(m) = d.max_deduction {
                    out.push_str(&format!("，最多扣{}分", fmt_num(m)));
                }
                if let Some(z) = d.zero_beyond {
                    out.push_str(&format!(
                        "；{}{} 得0分",
                        if d.over { ">" } else { "<" },
                        show(z, d.percent, &d.unit)
                    ));
                }
                out.push_str("，扣完为止");
                out
            }
            RuleKind::LinearAboveFloor(l) => format!(
                "线性计分：完成率 <{} 得0分；完成率 ≥{} 时，得分 = (完成率 − {}) ÷ ({} − {}) × 分值，最高为满分（完成率 = 实际值 ÷ 目标值）",
                fmt_pct(l.floor),
                fmt_pct(l.floor),
                fmt_pct(l.floor),
                fmt_pct(l.full_at),
                fmt_pct(l.floor)
            ),
            RuleKind::Proportional(p) => {
                let mut out =
                    "按比例计分：得分 = 分值 × min(完成率, 100%)（完成率 = 实际值 ÷ 目标值）"
                        .to_string();
                if let Some(f) = p.floor {
                    out.push_str(&format!("；完成率 <{} 得0分", fmt_pct(f)));
                }
                out
            }
            RuleKind::PassFail(pf) => {
                let mut out = format!(
                    "达标计分：{}（实际值达到目标值）{}",
                    if pf.pass_condition.is_empty() { "达标" } else { &pf.pass_condition },
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
            RuleKind::Checklist(items) => {
                let list: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| format!("{}. {} {}分", i + 1, it.text, fmt_num(it.points)))
                    .collect();
                format!(
                    "逐项计分（共{}分，需逐项人工判断）：{}",
                    fmt_num(items.iter().map(|i| i.points).sum()),
                    list.join("；")
                )
            }
        }
    }

    /// The values to put in the actual and target cells for [`Rule::excel_formula`] to give the
    /// same result as [`Rule::score`]: percentages as fractions, bare numbers read as `score` reads them.
    pub fn cell_values(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        match &self.kind {
            RuleKind::Tiers(st) => Some((read_for(actual, st.percent, &st.unit)?.value, None)),
            RuleKind::DeductPerPoint(d) => match (d.limit, target) {
                (Some(_), _) => Some((read_for(actual, d.percent, &d.unit)?.value, None)),
                (None, Some(t)) => {
                    let (t, a) = read_pair(t, actual)?;
                    Some((a.value, Some(t.value)))
                }
                (None, None) => None,
            },
            RuleKind::Checklist(_) => None,
            _ => match target {
                Some(t) => {
                    let (t, a) = read_pair(t, actual)?;
                    Some((a.value, Some(t.value)))
                }
                None => Some((read_percent(actual)?.value, None)),
            },
        }
    }

    /// Expected score for the row, exact (unrounded). `None` when the rule needs a person
    /// (qualitative values, "扣相应分数" on failure, checklists) or the values do not fit it.
    pub fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        match &self.kind {
            RuleKind::Tiers(st) => {
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
            RuleKind::DeviationBands(st) => {
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
            RuleKind::DeductPerPoint(d) => {
                let (m, limit, notes) = match (d.limit, target) {
                    (Some(l), _) => {
                        let r = read_for(actual, d.percent, &d.unit)?;
                        (round10(r.value), l, r.note)
                    }
                    (None, Some(t)) => {
                        let (tr, ar) = read_pair(t, actual)?;
                        if d.percent && !t.percent && !tr.value.is_zero() {
                            // "每超出预算1%": relative to the target.
                            (round10(ar.value.checked_div(tr.value)?), Decimal::ONE, None)
                        } else {
                            (round10(ar.value), tr.value, tr.note.or(ar.note))
                        }
                    }
                    (None, None) => return None,
                };
                let gap = if d.over {
                    m.checked_sub(limit)?
                } else {
                    limit.checked_sub(m)?
                };
                let shown = show(m, d.percent, &d.unit);
                let shown_limit = show(limit, d.percent, &d.unit);
                if let Some(z) = d.zero_beyond {
                    let beyond = if d.over { m > z } else { m < z };
                    if beyond {
                        return Some(Scored {
                            score: Decimal::ZERO,
                            explanation: finish(
                                format!(
                                    "实际 {} {} {}，得 0 分",
                                    shown,
                                    if d.over { ">" } else { "<" },
                                    show(z, d.percent, &d.unit)
                                ),
                                notes.into_iter().collect(),
                            ),
                        });
                    }
                }
                if gap <= Decimal::ZERO {
                    return Some(Scored {
                        score: weight,
                        explanation: finish(
                            format!(
                                "实际 {} {} {}，得满分 {} 分",
                                shown,
                                if d.over { "≤" } else { "≥" },
                                shown_limit,
                                fmt_num(weight)
                            ),
                            notes.into_iter().collect(),
                        ),
                    });
                }
                let raw = round9(gap.checked_div(d.step)?);
                let steps = match d.rounding {
                    StepRounding::Whole => raw.floor(),
                    StepRounding::Started => raw.ceil(),
                    StepRounding::Exact => raw,
                };
                let mut deduction = steps.checked_mul(d.per_step)?;
                if let Some(mx) = d.max_deduction {
                    deduction = deduction.min(mx);
                }
                let score = weight.saturating_sub(deduction).max(Decimal::ZERO);
                let what = if d.percent {
                    "个百分点"
                } else {
                    d.unit.as_str()
                };
                Some(Scored {
                    score,
                    explanation: finish(
                        format!(
                            "实际 {} {}限值 {} {}{}，计 {} 档，扣 {} 分，得 {} 分",
                            shown,
                            if d.over { "超过" } else { "低于" },
                            shown_limit,
                            fmt_num(if d.percent {
                                gap.saturating_mul(Decimal::ONE_HUNDRED)
                            } else {
                                gap
                            }),
                            what,
                            fmt_num(steps),
                            fmt_num(deduction),
                            fmt_num(score)
                        ),
                        notes.into_iter().collect(),
                    ),
                })
            }
            RuleKind::LinearAboveFloor(l) => {
                let (rate, notes) = completion_rate(target, actual)?;
                let score = if rate < l.floor {
                    Decimal::ZERO
                } else {
                    let share = rate
                        .checked_sub(l.floor)?
                        .checked_div(l.full_at.checked_sub(l.floor)?)?;
                    weight.checked_mul(share.min(Decimal::ONE))?
                };
                Some(Scored {
                    score,
                    explanation: finish(
                        if rate < l.floor {
                            format!("完成率 {} < {}，得 0 分", fmt_pct(rate), fmt_pct(l.floor))
                        } else {
                            format!(
                                "完成率 {}，得分 = ({} − {}) ÷ ({} − {}) × {}（最高满分）= {} 分",
                                fmt_pct(rate),
                                fmt_pct(rate),
                                fmt_pct(l.floor),
                                fmt_pct(l.full_at),
                                fmt_pct(l.floor),
                                fmt_num(weight),
                                fmt_num(score)
                            )
                        },
                        notes,
                    ),
                })
            }
            RuleKind::Proportional(p) => {
                let (rate, notes) = completion_rate(target, actual)?;
                if let Some(f) = p.floor {
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
            RuleKind::PassFail(pf) => {
                let t = target?;
                let (tr, ar) = read_pair(t, actual)?;
                let cmp = t.cmp.unwrap_or(Cmp::Ge);
                let a = round10(ar.value);
                let passed = cmp.holds(a, round10(tr.value));
                let notes: Vec<String> = tr.note.into_iter().chain(ar.note).collect();
                if passed {
                    return Some(Scored {
                        score: weight,
                        explanation: finish(
                            format!(
                                "实际 {} 达到目标 {}{}，得满分 {} 分",
                                actual,
                                cmp.symbol(),
                                show(tr.value, t.percent || actual.percent, &t.unit),
                                fmt_num(weight)
                            ),
                            notes,
                        ),
                    });
                }
                if pf.exception.is_some() || !pf.levels.is_empty() {
                    return None;
                }
                let score = match &pf.on_fail {
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
                            show(tr.value, t.percent || actual.percent, &t.unit),
                            fmt_num(score)
                        ),
                        notes,
                    ),
                })
            }
            RuleKind::Checklist(_) => None,
        }
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
        let a = format!("ROUND({actual},10)");
        match &self.kind {
            RuleKind::Tiers(st) => Some(staircase_excel(st, &a, weight)),
            RuleKind::DeviationBands(st) => {
                let t = target?;
                let d = format!("ROUND(ABS({actual}-{t})/ABS({t}),10)");
                Some(staircase_excel(st, &d, weight))
            }
            RuleKind::DeductPerPoint(d) => {
                let (m, limit) = match (d.limit, target) {
                    (Some(l), _) => (a.clone(), excel_num(l)),
                    (None, Some(t)) => {
                        let tq = target_quantity?;
                        if d.percent && !tq.percent {
                            (format!("ROUND({actual}/{t},10)"), "1".to_string())
                        } else {
                            (a.clone(), t.to_string())
                        }
                    }
                    (None, None) => return None,
                };
                let gap = if d.over {
                    format!("({m}-{limit})")
                } else {
                    format!("({limit}-{m})")
                };
                let raw = format!("ROUND({gap}/{},9)", excel_num(d.step));
                let steps = match d.rounding {
                    StepRounding::Whole => format!("INT({raw})"),
                    StepRounding::Started => format!("-INT(-{raw})"),
                    StepRounding::Exact => raw,
                };
                let mut ded = format!("{steps}*{}", excel_num(d.per_step));
                if let Some(mx) = d.max_deduction {
                    ded = format!("MIN({},{ded})", excel_num(mx));
                }
                let mut f = format!("IF({gap}<=0,{weight},MAX(0,{weight}-{ded}))");
                if let Some(z) = d.zero_beyond {
                    let op = if d.over { ">" } else { "<" };
                    f = format!("IF({m}{op}{},0,{f})", excel_num(z));
                }
                Some(f)
            }
            RuleKind::LinearAboveFloor(l) => {
                let r = rate_excel(actual, target);
                Some(format!(
                    "IF({r}<{floor},0,{weight}*MIN(1,({r}-{floor})/({full}-{floor})))",
                    floor = excel_num(l.floor),
                    full = excel_num(l.full_at)
                ))
            }
            RuleKind::Proportional(p) => {
                let r = rate_excel(actual, target);
                let f = format!("{weight}*MIN({r},1)");
                Some(match p.floor {
                    Some(fl) => format!("IF({r}<{},0,{f})", excel_num(fl)),
                    None => f,
                })
            }
            RuleKind::PassFail(pf) => {
                let t = target?;
                let cmp = target_quantity.and_then(|q| q.cmp).unwrap_or(Cmp::Ge);
                if pf.exception.is_some() || !pf.levels.is_empty() {
                    return None;
                }
                let fail = match &pf.on_fail {
                    FailOutcome::Zero => "0".to_string(),
                    FailOutcome::Judgement => return None,
                    FailOutcome::Points(p) => fail_points_excel(p, weight)?,
                };
                Some(format!(
                    "IF({a}{}ROUND({t},10),{weight},{fail})",
                    cmp.excel()
                ))
            }
            RuleKind::Checklist(_) => None,
        }
    }
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

/// Completion rate = actual ÷ target (or the actual itself, as a percentage, without a target).
fn completion_rate(target: Option<&Quantity>, actual: &Quantity) -> Option<(Decimal, Vec<String>)> {
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

fn rate_excel(actual: &str, target: Option<&str>) -> String {
    match target {
        Some(t) => format!("ROUND({actual}/{t},10)"),
        None => format!("ROUND({actual},10)"),
    }
}

fn staircase_excel(st: &Staircase, m: &str, w: &str) -> String {
    let mut f = st.award_excel(&st.otherwise, w);
    for s in st.steps.iter().rev() {
        f = format!(
            "IF({m}{}{},{},{f})",
            s.cmp.excel(),
            excel_num(s.threshold),
            st.award_excel(&s.points, w)
        );
    }
    f
}

fn finish(main: String, notes: Vec<String>) -> String {
    if notes.is_empty() {
        main
    } else {
        format!("{main}（{}）", notes.join("；"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn cond(s: &str) -> Cond {
        match parse_condition(&fold_rule_text(s)) {
            Some(Some(c)) => c,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn conditions() {
        let c = cond("80%(含)-90%");
        assert_eq!(
            c.lo,
            Some(Bound {
                value: dec!(0.8),
                incl: Some(true)
            })
        );
        assert_eq!(
            c.hi,
            Some(Bound {
                value: dec!(0.9),
                incl: None
            })
        );
        let c = cond("满意度小于90%且大于等于80%的");
        assert_eq!(
            c.lo,
            Some(Bound {
                value: dec!(0.8),
                incl: Some(true)
            })
        );
        assert_eq!(
            c.hi,
            Some(Bound {
                value: dec!(0.9),
                incl: Some(false)
            })
        );
        let c = cond("80%≤满意度<90%");
        assert_eq!(
            c.lo,
            Some(Bound {
                value: dec!(0.8),
                incl: Some(true)
            })
        );
        assert_eq!(
            c.hi,
            Some(Bound {
                value: dec!(0.9),
                incl: Some(false)
            })
        );
        let c = cond("80-90%");
        assert!(c.percent);
        assert_eq!(c.lo.map(|b| b.value), Some(dec!(0.8)));
        let c = cond("偏离10%以内");
        assert_eq!(
            c.hi,
            Some(Bound {
                value: dec!(0.1),
                incl: None
            })
        );
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
        let st = |s: &str| match parse_tiers(&fold_rule_text(s)) {
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
