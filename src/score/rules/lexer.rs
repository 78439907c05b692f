//! The clause lexer of 评（扣）分标准 texts: folding, points phrases ("计8分", "扣2分", "得满分"),
//! clauses ("<condition> <points>") and the numbers of a condition with their units.

use super::Points;
use crate::quantity::text::{
    arabic_at, fmt_num, normalize, number_at, starts_with_any, starts_with_at,
};
use crate::quantity::UNITS;
use rust_decimal::Decimal;

/// Width folding plus rule-specific spellings: "百分之九十" → "90%", "百分点" kept,
/// "指标分值"/"该项分值" → "分值".
pub(super) fn fold_rule_text(text: &str) -> String {
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
pub(super) fn has_scoring_words(s: &str) -> bool {
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
pub(super) struct Clause {
    pub(super) cond: String,
    pub(super) points: Points,
}

/// Splits a text into clauses. Pieces without points (the condition written before a comma,
/// "80%（含）-90%，计8分") are carried to the next piece within the same sentence.
pub(super) fn clauses(s: &str) -> Vec<Clause> {
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
pub(super) fn find_points(chars: &[char]) -> Option<(usize, usize, Points)> {
    (0..chars.len()).find_map(|i| points_at(chars, i).map(|(end, p)| (i, end, p)))
}

pub(super) fn is_number_start(chars: &[char], i: usize) -> bool {
    i == 0 || !(chars[i - 1].is_ascii_digit() || chars[i - 1] == '.')
}

/// A number followed by "分" meaning points (not 百分点, 分析, 分钟 …), starting at `i`.
pub(super) fn number_points_at(chars: &[char], i: usize) -> Option<(usize, Decimal)> {
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

/// The number of points right after one of `leads` ("最多扣3分" → 3).
pub(super) fn find_after_any(chars: &[char], leads: &[&str]) -> Option<Decimal> {
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

/// A number in a condition with its unit.
#[derive(Debug, Clone)]
pub(super) struct Token {
    pub(super) value: Decimal,
    pub(super) start: usize,
    /// After the unit.
    pub(super) end: usize,
    pub(super) percent: bool,
    pub(super) unit: String,
}

pub(super) fn tokens(chars: &[char]) -> Vec<Token> {
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
