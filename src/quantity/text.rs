//! Text helpers shared by the quantity and rule parsers: width folding, number scanning, Chinese numerals.

use rust_decimal::Decimal;
use std::str::FromStr;

/// Folds a cell's text into one canonical spelling so the parsers only meet one form of each sign.
///
/// Full-width ASCII becomes ASCII, the many dashes become '-', wave dashes '~', ≧/≦ become ≥/≤,
/// all whitespace (including line breaks inside a cell) disappears, and thousands separators
/// between digits are dropped.
pub(crate) fn normalize(text: &str) -> String {
    let mut folded: Vec<char> = Vec::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            // Full-width ASCII block.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            '\u{3000}' => ' ',
            '≧' => '≥',
            '≦' => '≤',
            '﹪' => '%',
            '〜' | '∼' => '~',
            '—' | '–' | '―' | '─' | '‐' | '‑' | '−' | '﹣' => '-',
            '×' | '✕' | '╳' => '*',
            '÷' => '/',
            '﹙' => '(',
            '﹚' => ')',
            '〔' | '【' => '(',
            '〕' | '】' => ')',
            '﹔' => ';',
            '﹐' => ',',
            '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」' => continue,
            c => c,
        };
        if c.is_whitespace() {
            continue;
        }
        folded.push(c);
    }
    // Drop thousands separators: a ',' with a digit before and exactly three digits after.
    let mut out = String::with_capacity(folded.len());
    for (i, &c) in folded.iter().enumerate() {
        if c == ',' && i > 0 && folded[i - 1].is_ascii_digit() {
            let three = (1..=3).all(|k| folded.get(i + k).is_some_and(|d| d.is_ascii_digit()));
            let fourth_digit = folded.get(i + 4).is_some_and(|d| d.is_ascii_digit());
            if three && !fourth_digit {
                continue;
            }
        }
        out.push(c);
    }
    // "(含本数)" and friends mean the same as "(含)".
    out.replace("(含本数)", "(含)")
        .replace("(包含)", "(含)")
        .replace("(包括)", "(含)")
        .replace("(不含本数)", "(不含)")
}

/// A number found in text: its value, where it starts and where it ends (char indices).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num {
    pub value: Decimal,
    pub start: usize,
    pub end: usize,
}

/// Reads an Arabic number (digits with an optional decimal point) starting exactly at `pos`.
pub(crate) fn arabic_at(chars: &[char], pos: usize) -> Option<Num> {
    let mut end = pos;
    let mut seen_dot = false;
    while end < chars.len() {
        let c = chars[end];
        if c.is_ascii_digit() {
            end += 1;
        } else if c == '.'
            && !seen_dot
            && end > pos
            && chars.get(end + 1).is_some_and(|d| d.is_ascii_digit())
        {
            seen_dot = true;
            end += 1;
        } else {
            break;
        }
    }
    if end == pos {
        return None;
    }
    let s: String = chars[pos..end].iter().collect();
    let value = Decimal::from_str(&s).ok()?;
    Some(Num {
        value,
        start: pos,
        end,
    })
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

/// Reads a Chinese numeral starting exactly at `pos`: 一, 两, 十, 十五, 二十, 一百, 零点五, 半.
///
/// Only small numbers occur in scoring rules, so 千/万 are not handled.
pub(crate) fn chinese_at(chars: &[char], pos: usize) -> Option<Num> {
    let first = *chars.get(pos)?;
    if first == '半' {
        return Some(Num {
            value: Decimal::new(5, 1),
            start: pos,
            end: pos + 1,
        });
    }
    let mut i = pos;
    let mut total: u32 = 0;
    let mut current: Option<u32> = None;
    let mut any = false;
    while i < chars.len() {
        let c = chars[i];
        if let Some(d) = cn_digit(c) {
            if current.is_some() {
                // Two digits in a row ("一二") is not a numeral we understand.
                break;
            }
            current = Some(d);
            any = true;
            i += 1;
        } else if c == '十' {
            total = total.saturating_add(current.unwrap_or(1) * 10);
            current = None;
            any = true;
            i += 1;
        } else if c == '百' {
            total = total.saturating_add(current.unwrap_or(1) * 100);
            current = None;
            any = true;
            i += 1;
        } else {
            break;
        }
    }
    if !any {
        return None;
    }
    total = total.saturating_add(current.unwrap_or(0));
    let mut value = Decimal::from(total);
    // Decimal part: 点五 → .5
    if chars.get(i) == Some(&'点') {
        let mut j = i + 1;
        let mut frac = String::new();
        while let Some(d) = chars.get(j).and_then(|&c| cn_digit(c)) {
            frac.push(char::from_digit(d, 10).unwrap_or('0'));
            j += 1;
        }
        if !frac.is_empty() {
            if let Ok(f) = Decimal::from_str(&format!("0.{frac}")) {
                value += f;
                i = j;
            }
        }
    }
    Some(Num {
        value,
        start: pos,
        end: i,
    })
}

/// Reads an Arabic or Chinese number starting exactly at `pos`.
pub(crate) fn number_at(chars: &[char], pos: usize) -> Option<Num> {
    arabic_at(chars, pos).or_else(|| chinese_at(chars, pos))
}

/// True when `chars[pos..]` starts with `pat`.
pub(crate) fn starts_with_at(chars: &[char], pos: usize, pat: &str) -> bool {
    (pos..)
        .zip(pat.chars())
        .all(|(i, p)| chars.get(i) == Some(&p))
}

/// The first pattern of `pats` that `chars[pos..]` starts with.
pub(crate) fn starts_with_any<'a>(chars: &[char], pos: usize, pats: &[&'a str]) -> Option<&'a str> {
    pats.iter().copied().find(|p| starts_with_at(chars, pos, p))
}

/// True when `chars[..pos]` ends with `pat`.
pub(crate) fn ends_with_at(chars: &[char], pos: usize, pat: &str) -> bool {
    let n = pat.chars().count();
    if n > pos {
        return false;
    }
    pat.chars()
        .zip(chars[pos - n..pos].iter())
        .all(|(a, &b)| a == b)
}

/// Formats a number for people: no trailing zeros, no exponent.
pub(crate) fn fmt_num(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

/// Formats a fraction as a percentage for people: 0.9 → "90%".
pub(crate) fn fmt_pct(fraction: Decimal) -> String {
    match fraction.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", fmt_num(p)),
        None => fmt_num(fraction),
    }
}

/// Formats a number for an Excel formula: plain decimal notation, no trailing zeros.
pub(crate) fn excel_num(d: Decimal) -> String {
    let s = fmt_num(d);
    if s.starts_with('-') {
        format!("({s})")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn normalize_folds_width_and_spaces() {
        assert_eq!(normalize("≧ ９０％（含）"), "≥90%(含)");
        assert_eq!(normalize("1,643.36万元"), "1643.36万元");
        assert_eq!(normalize("80%—90%"), "80%-90%");
        assert_eq!(normalize("计10分，\n80%"), "计10分,80%");
        assert_eq!(normalize("10,20"), "10,20");
    }

    #[test]
    fn chinese_numerals() {
        let c = chars("一个");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(1)));
        let c = chars("十五分");
        assert_eq!(
            chinese_at(&c, 0).map(|n| (n.value, n.end)),
            Some((dec!(15), 2))
        );
        let c = chars("二十");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(20)));
        let c = chars("零点五分");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(0.5)));
        let c = chars("两个");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(2)));
        let c = chars("半分");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(0.5)));
        let c = chars("一百");
        assert_eq!(chinese_at(&c, 0).map(|n| n.value), Some(dec!(100)));
    }

    #[test]
    fn arabic_numbers() {
        let c = chars("79.85%");
        assert_eq!(
            arabic_at(&c, 0).map(|n| (n.value, n.end)),
            Some((dec!(79.85), 5))
        );
        let c = chars("5.分");
        assert_eq!(
            arabic_at(&c, 0).map(|n| (n.value, n.end)),
            Some((dec!(5), 1))
        );
    }
}
