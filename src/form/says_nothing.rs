//! Whether a sentence says its table has nothing (本单位无此项支出, 未发生政府性基金收支, 本表为空表): the wording of a 空表说明 shared by every form, beside each form's own keywords.
//!
//! A sentence says so when a negation is followed at once by what there is none of, through
//! words that only qualify it: `无|没有|未` [`发生|安排|使用…`] [`此项|相关|政府性基金…`]*
//! `收入|支出|经费…` (or `此项|该项` alone), or the thing is said not to have happened
//! (`此项支出未发生`), or the table is called empty (`空表`). Nothing may stand between the
//! words, so `本年无变化`, `无偿调入资金` and `尚未使用的资金` say nothing of the kind.

use crate::normalize::label_key;

/// Negations, the longest first (`没有` before a lone `无`).
const NEGATIONS: [&str; 4] = ["没有", "并无", "无", "未"];
/// A word before a negation that makes it "not yet" (尚未使用的资金 is money left, not none).
const NOT_YET: [&str; 2] = ["尚", "还"];
/// Verbs after a negation: 未发生, 没有使用, 无安排.
const VERBS: [&str; 6] = ["发生", "安排", "使用", "产生", "涉及", "开展"];
/// Words naming which items there are none of (此项, 该项): enough by themselves (本单位无此项).
const THIS_ITEM: [&str; 6] = ["此项", "该项", "本项", "这项", "此类", "该类"];
/// Words only qualifying what there is none of.
const QUALIFIERS: [&str; 12] = [
    "相关",
    "上述",
    "政府性基金",
    "国有资本经营",
    "三公",
    "预算",
    "财政拨款",
    "安排的",
    "使用",
    "本年度",
    "本年",
    "年度",
];
/// What there is none of.
const NOUNS: [&str; 8] = [
    "收支", "收入", "支出", "经费", "资金", "数据", "数字", "业务",
];
/// Words after what there is none of, saying it did not happen (此项支出未发生, 支出为零).
const NONE_AFTER: [&str; 5] = ["未发生", "均为零", "为零", "均为0", "为0"];
/// Words calling the table empty.
const EMPTY_TABLE: [&str; 2] = ["空表", "表为空"];
/// Quotation marks, dropped before matching: 无“三公”经费 is 无三公经费.
const QUOTES: [char; 6] = ['"', '\'', '“', '”', '《', '》'];

/// Whether `text` says there is nothing in its table; `funds` are more words qualifying what
/// there is none of (the form's fund and the other tables', 国有资本经营).
pub fn says_nothing(text: &str, funds: &[&str]) -> bool {
    let key: String = label_key(text)
        .chars()
        .filter(|c| !QUOTES.contains(c))
        .collect();
    if EMPTY_TABLE.iter().any(|w| key.contains(w)) {
        return true;
    }
    key.char_indices().any(|(i, _)| {
        let (before, rest) = key.split_at(i);
        let negated = !NOT_YET.iter().any(|w| before.ends_with(w));
        (negated && after_negation(rest, funds)) || nothing_happened(rest)
    })
}

/// `rest` opens with a negation of what there is none of (无此项支出, 没有使用政府性基金安排的支出).
fn after_negation(rest: &str, funds: &[&str]) -> bool {
    let Some(rest) = strip_any(rest, &NEGATIONS) else {
        return false;
    };
    let rest = strip_any(rest, &VERBS).unwrap_or(rest);
    if strip_any(rest, &THIS_ITEM).is_some() {
        return true;
    }
    let mut rest = rest;
    while let Some(next) = strip_any(rest, &QUALIFIERS).or_else(|| strip_any(rest, funds)) {
        rest = next;
    }
    strip_any(rest, &NOUNS).is_some()
}

/// `rest` opens with what there is none of, said not to have happened, ending the clause
/// (此项支出未发生。 — not 支出未发生变化).
fn nothing_happened(rest: &str) -> bool {
    let rest = strip_any(rest, &THIS_ITEM).unwrap_or(rest);
    strip_any(rest, &NOUNS)
        .and_then(|r| strip_any(r, &NONE_AFTER))
        .is_some_and(|r| r.chars().next().is_none_or(|c| !is_word_char(c)))
}

/// `s` without the first of `words` it starts with.
fn strip_any<'s>(s: &'s str, words: &[&str]) -> Option<&'s str> {
    words
        .iter()
        .filter(|w| !w.is_empty())
        .find_map(|w| s.strip_prefix(w))
}

/// Whether `c` goes on a clause (a letter, an ideograph or a digit), not a punctuation mark.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}
