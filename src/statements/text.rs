//! A document's free text cut into sentences, each with its place, and a sentence read as the
//! numbers it states (amounts in 万元, percentages, scores) with the words between them.

use rust_decimal::Decimal;

/// Where a sentence was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentenceAt {
    /// A PDF's page and its line among the page's text lines (tables left out).
    Page { page: u32, line: usize },
    /// A Word document's paragraph among its text paragraphs.
    Paragraph(usize),
    /// A text cell of a workbook's form.
    Cell { sheet: String, cell: String },
}

impl SentenceAt {
    /// As people read it: 第3页第12行, 第5段, 附件4!D14.
    pub fn shown(&self) -> String {
        match self {
            SentenceAt::Page { page, line } => format!("第{page}页第{line}行"),
            SentenceAt::Paragraph(n) => format!("第{n}段"),
            SentenceAt::Cell { sheet, cell } => format!("{sheet}!{cell}"),
        }
    }
}

/// A piece of text and where it starts.
#[derive(Debug, Clone)]
pub struct Piece {
    pub place: SentenceAt,
    pub text: String,
}

/// A sentence as written, and where it starts.
#[derive(Debug, Clone)]
pub struct Sentence {
    pub place: SentenceAt,
    pub text: String,
    /// The text read: spaces dropped, full-width digits and punctuation made plain.
    pub chars: Vec<char>,
    /// It goes on the sentence before (same paragraph): a `其中…` list can belong to it.
    pub continues: bool,
}

/// A run of pieces read as one paragraph (a PDF's lines until the next heading) cut into
/// sentences at 。！？.
pub fn sentences(run: &[Piece]) -> Vec<Sentence> {
    let mut out: Vec<Sentence> = Vec::new();
    let mut current = String::new();
    let mut start: Option<SentenceAt> = None;
    for piece in run {
        for ch in piece.text.chars() {
            if start.is_none() && !ch.is_whitespace() {
                start = Some(piece.place.clone());
            }
            current.push(ch);
            if matches!(ch, '。' | '！' | '？' | '!' | '?') {
                push_sentence(&mut out, &mut current, &mut start);
            }
        }
    }
    push_sentence(&mut out, &mut current, &mut start);
    out
}

fn push_sentence(out: &mut Vec<Sentence>, current: &mut String, start: &mut Option<SentenceAt>) {
    let text = std::mem::take(current).trim().to_string();
    if let (Some(place), false) = (start.take(), text.is_empty()) {
        let continues = !out.is_empty();
        out.push(Sentence {
            place,
            chars: plain(&text),
            text,
            continues,
        });
    }
}

/// Whether a line starts a new paragraph: a heading (一、 （一） 1、 1. 第三部分). A line
/// starting with an amount (`983.05万元。`, a sentence wrapped before its number) is none.
pub fn is_heading(line: &str) -> bool {
    let t: Vec<char> = line.trim_start().chars().collect();
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let n = t.iter().take_while(|c| numeral(**c)).count();
    let digit_after = t
        .get(n + 1)
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(c));
    match t.first() {
        Some('（' | '(') => t.get(1).is_some_and(|c| numeral(*c)),
        Some('第') => true,
        Some(_) if n > 0 => match t.get(n) {
            Some('、') => true,
            Some('.' | '．') => !digit_after,
            _ => false,
        },
        _ => false,
    }
}

/// The text without spaces (收、支 read as one word 收支; a class's （类） dropped, so that
/// 一般公共服务（类）支出 reads as the 科目 一般公共服务支出), with full-width digits, points and percent signs made ASCII.
fn plain(text: &str) -> Vec<char> {
    let text = text
        .replace("收、支", "收支")
        .replace("（类）", "")
        .replace("(类)", "");
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            _ => c,
        })
        .collect()
}

/// What a stated number counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumUnit {
    Wan,
    Percent,
    Points,
}

/// A number with its unit, as written in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: Decimal,
    /// Digits written after the point.
    pub dp: u32,
    pub unit: NumUnit,
    /// Character positions in [`Sentence::chars`]: the number's first digit and the first
    /// character after its unit.
    pub start: usize,
    pub end: usize,
}

/// The numbers of a sentence that carry a unit a table can hold (万元, %, 分), in order.
pub fn numbers(chars: &[char]) -> Vec<Number> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || !is_number_char(chars[i - 1]));
        if !starts {
            i += 1;
            continue;
        }
        let (digits, next) = read_number(chars, i);
        match (digits.parse::<Decimal>(), unit_at(chars, next)) {
            (Ok(value), Some((unit, len))) => {
                let dp = digits.split('.').nth(1).map_or(0, |f| f.len() as u32);
                out.push(Number {
                    value,
                    dp,
                    unit,
                    start: i,
                    end: next + len,
                });
                i = next + len;
            }
            _ => i = next.max(i + 1),
        }
    }
    out
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || c == '-' || c.is_ascii_alphabetic()
}

/// The digits from `i` (thousands separators dropped) and where they end.
fn read_number(chars: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < chars.len() {
        let c = chars[i];
        let thousands = c == ','
            && chars
                .get(i + 1..i + 4)
                .is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            s.push(c);
        } else if !thousands {
            break;
        }
        i += 1;
    }
    (s, i)
}

/// The unit written at `i`, with its length: 万元 (or 万 ending a clause), %, 分.
fn unit_at(chars: &[char], i: usize) -> Option<(NumUnit, usize)> {
    let at = |k: usize| chars.get(i + k).copied();
    match (at(0), at(1)) {
        (Some('万'), Some('元')) => Some((NumUnit::Wan, 2)),
        (Some('万'), next) if next.is_none_or(is_delimiter) => Some((NumUnit::Wan, 1)),
        (Some('%'), _) => Some((NumUnit::Percent, 1)),
        (Some('分'), next) if next != Some('之') && next != Some('钟') => {
            Some((NumUnit::Points, 1))
        }
        _ => None,
    }
}

/// A character that ends a clause: what a label and its number never span.
pub fn is_delimiter(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '；' | ';' | '：' | ':' | '、' | '。' | '！' | '？'
    )
}
