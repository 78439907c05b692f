//! A sentence read as statements: each amount with the label and basis it is stated under and
//! the amount it is a part of (其中…, 包括…, （含…）), each percentage with what it is a share,
//! a completion or a change of, each change with its direction.

use super::patterns::{Basis, Patterns};
use super::text::{is_delimiter, numbers, NumUnit, Number};

/// Which way a change goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// What a stated number is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// An amount (or a score) of a figure.
    Amount {
        label: Option<usize>,
        basis: Basis,
        /// The amount (index among the sentence's statements) it is a part of.
        parent: Option<usize>,
        /// The list of parts it is in (a number of the sentence's lists): an amount may be
        /// split twice (按支出性质…；按支出经济分类…).
        list: Option<usize>,
        /// Its parts are introduced by 主要…: they need not add up to it.
        partial: bool,
    },
    /// A change from last year, by an amount or a rate, of the figure its clause names.
    Change {
        direction: Direction,
        rate: bool,
        label: Option<usize>,
    },
    /// 占…%: the share of the amount before it in `base` (a label) or in its parent.
    Share { base: Option<usize> },
    /// 完成…预算的…% / 执行率.
    Completion,
    /// A percentage none of the above.
    Other,
}

/// One number of a sentence and what it states.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub number: Number,
    pub kind: Kind,
}

/// The words a change is written with.
const UP: [&str; 3] = ["增加", "增长", "上升"];
const DOWN: [&str; 3] = ["减少", "下降", "降低"];
/// Words that make a sentence compare with last year.
const PRIOR: [&str; 5] = ["上年", "相比", "同比", "比20", "较20"];
/// Words that open a list of parts, and whether the list may leave parts out.
const PARTS: [(&str, bool); 6] = [
    ("其中", false),
    ("包括", false),
    ("含", false),
    ("主要用于", true),
    ("主要是", true),
    ("主要包括", true),
];

/// A level of the parts being listed: whose parts, how it was opened, whether partial.
#[derive(Debug, Clone, Copy)]
struct Level {
    parent: usize,
    list: usize,
    opened: Opened,
    partial: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Opened {
    /// 其中 / 主要用于: closes at the sentence's end.
    Top,
    /// 包括 / 含 without a parenthesis: closes at a ；.
    Inner,
    /// （含…）: closes with its parenthesis, at this depth.
    Paren(usize),
}

/// The statements of a sentence, in the order written; `subject` is the figure a clause that
/// names none but says 预算/决算 states (the 项 a heading named).
pub fn read(patterns: &Patterns, chars: &[char], subject: Option<usize>) -> Vec<Statement> {
    let compares = PRIOR.iter().any(|w| contains(chars, w));
    let mut out: Vec<Statement> = Vec::new();
    let mut lists = Lists::default();
    let mut from = 0usize;
    for number in numbers(chars) {
        let gap = &chars[from..number.start];
        close_levels(gap, &mut lists.levels, &mut lists.depth);
        let lead = lead(gap);
        let kind = match number.unit {
            NumUnit::Percent => percent_kind(patterns, lead, compares),
            _ => amount_kind(patterns, gap, lead, compares, &mut out, &mut lists, subject),
        };
        from = number.end;
        out.push(Statement { number, kind });
    }
    out
}

/// The lists of parts open at a point of a sentence.
#[derive(Debug, Default)]
struct Lists {
    levels: Vec<Level>,
    /// Parentheses open.
    depth: usize,
    /// Lists opened so far.
    count: usize,
}

/// Follows the parentheses and semicolons of `gap`, closing the levels they end.
fn close_levels(gap: &[char], levels: &mut Vec<Level>, depth: &mut usize) {
    for &c in gap {
        match c {
            '（' | '(' => *depth += 1,
            '）' | ')' => {
                *depth = depth.saturating_sub(1);
                while levels
                    .last()
                    .is_some_and(|l| matches!(l.opened, Opened::Paren(d) if *depth < d))
                {
                    levels.pop();
                }
            }
            '；' | ';' if levels.last().is_some_and(|l| l.opened == Opened::Inner) => {
                levels.pop();
            }
            _ => {}
        }
    }
}

/// The words of `gap` after its last clause delimiter: what a number is stated under.
pub(super) fn lead(gap: &[char]) -> &[char] {
    let cut = gap
        .iter()
        .rposition(|c| is_delimiter(*c))
        .map_or(0, |p| p + 1);
    &gap[cut..]
}

fn percent_kind(patterns: &Patterns, lead: &[char], compares: bool) -> Kind {
    if let Some(p) = lead.iter().position(|c| *c == '占') {
        let named = &lead[p + 1..];
        let base = named
            .iter()
            .position(|c| *c == '的')
            .and_then(|end| label_in(patterns, &named[..end]).map(|(i, _)| i));
        return Kind::Share { base };
    }
    if contains(lead, "完成") || contains(lead, "执行率") {
        return Kind::Completion;
    }
    match direction(lead) {
        Some(direction) if compares => Kind::Change {
            direction,
            rate: true,
            label: None,
        },
        _ => Kind::Other,
    }
}

fn amount_kind(
    patterns: &Patterns,
    gap: &[char],
    lead: &[char],
    compares: bool,
    before: &mut [Statement],
    lists: &mut Lists,
    subject: Option<usize>,
) -> Kind {
    if let (Some(direction), true) = (direction(lead), compares) {
        return Kind::Change {
            direction,
            rate: false,
            label: label_in(patterns, lead).map(|(i, _)| i),
        };
    }
    // A path `类（类）款（款）项（项）` states its 项: the 类 and 款 names in it are its parts.
    // The 项's whole name is its label where it is its own, else the path names the subject.
    let path = item_path_in(lead);
    let named = &lead[path.map_or(0, |p| p.end)..];
    let found = label_in(patterns, named);
    let label = match path {
        Some(p) => patterns
            .label_at(lead, p.name.0)
            .filter(|&(_, n)| p.name.0 + n == p.name.1)
            .map(|(i, _)| i)
            .or(subject),
        None => found
            .map(|(i, _)| i)
            .or_else(|| carried_label(lead, before, subject)),
    };
    // The basis is said after the label (基本支出预算为…); 年初 and 上年 may come before it.
    let words: Vec<char> = match found {
        Some((_, at)) => named[at.1..].to_vec(),
        None => named.to_vec(),
    };
    if let Some((word, partial)) = PARTS.iter().find(|(w, _)| contains(gap, w)) {
        let paren = *word == "含" && gap.iter().any(|c| matches!(c, '（' | '('));
        let opened = match *word {
            _ if paren => Opened::Paren(lists.depth),
            "包括" | "含" => Opened::Inner,
            _ => Opened::Top,
        };
        open_list(before, lists, opened, *partial);
    }
    let level = lists.levels.last();
    Kind::Amount {
        label,
        basis: basis(&words, lead),
        parent: level.map(|l| l.parent),
        list: level.map(|l| l.list),
        partial: level.is_some_and(|l| l.partial),
    }
}

/// Opens a list of the parts of the last amount at the current level. A second 其中 while
/// one is open starts over: the amount before it heads a list of its own
/// (`预算收入209.45万元，其中：…，预算支出209.45万元，其中：…`).
fn open_list(before: &mut [Statement], lists: &mut Lists, opened: Opened, partial: bool) {
    if opened == Opened::Top && lists.levels.iter().any(|l| l.opened == Opened::Top) {
        lists.levels.clear();
        if let Some(Statement {
            kind: Kind::Amount { parent, list, .. },
            ..
        }) = before
            .iter_mut()
            .rev()
            .find(|s| matches!(s.kind, Kind::Amount { .. }))
        {
            (*parent, *list) = (None, None);
        }
    }
    let current = lists.levels.last().map(|l| l.parent);
    let head = before
        .iter()
        .rposition(|s| matches!(s.kind, Kind::Amount { parent, .. } if parent == current));
    if let Some(parent) = head {
        lists.count += 1;
        lists.levels.push(Level {
            parent,
            list: lists.count,
            opened,
            partial,
        });
    }
}

/// The label of the amount before, for a clause that names none but says 预算/决算 of it
/// (`公务接待费支出预算为5万元，支出决算为1.35万元`).
fn carried_label(lead: &[char], before: &[Statement], subject: Option<usize>) -> Option<usize> {
    if !["预算", "决算", "执行数"].iter().any(|w| contains(lead, w)) || !only_basis_words(lead)
    {
        return None;
    }
    before
        .iter()
        .rev()
        .find_map(|s| match s.kind {
            Kind::Amount { label, .. } => label,
            _ => None,
        })
        .or(subject)
}

/// A path `…（款）…（项）` in a clause: where its 项's name starts and ends, and where the
/// path ends.
#[derive(Debug, Clone, Copy)]
struct ItemPath {
    name: (usize, usize),
    end: usize,
}

/// The last path `…（款）…（项）` of `lead`, if it holds one.
fn item_path_in(lead: &[char]) -> Option<ItemPath> {
    let last = |words: [&str; 2]| {
        words
            .iter()
            .filter_map(|w| {
                let w: Vec<char> = w.chars().collect();
                let at = lead.windows(w.len()).rposition(|x| x == w.as_slice())?;
                Some((at, at + w.len()))
            })
            .max()
    };
    // A 项 named alone (`事业运行（项）`) is no path: its name is its label.
    let (item_mark, end) = last(["（项）", "(项)"])?;
    let (_, kuan_end) = last(["（款）", "(款)"])?;
    (kuan_end < item_mark).then_some(ItemPath {
        name: (kuan_end, item_mark),
        end,
    })
}

/// Words a clause stating the figure before on another basis is made of
/// (`支出决算为`, `全年预算数为`, `2023年年初预算是`).
const BASIS_WORDS: &[&str] = &[
    "本年度",
    "年末",
    "安排",
    "支出",
    "收入",
    "预算",
    "决算",
    "执行数",
    "执行",
    "年初",
    "全年",
    "年度",
    "本年",
    "当年",
    "调整后",
    "实际",
    "完成",
    "金额",
    "合计",
    "数",
    "为",
    "是",
    "达",
    "共",
];

/// Whether `lead` says only a basis: another name in it (`政府性基金拨款支出预算`) is another
/// figure, not the one before.
fn only_basis_words(lead: &[char]) -> bool {
    let mut at = 0;
    while at < lead.len() {
        if let Some(w) = BASIS_WORDS.iter().find(|w| starts_with(&lead[at..], w)) {
            at += w.chars().count();
            continue;
        }
        let c = lead[at];
        if !(c.is_ascii_digit() || c == '年' || c.is_whitespace()) {
            return false;
        }
        at += 1;
    }
    true
}

/// The basis the words after a label state (`lead`: the whole clause): 上年/调整/结转
/// figures are in no table.
fn basis(words: &[char], lead: &[char]) -> Basis {
    let has = |w: &str| contains(words, w);
    let other = ["调整", "追加", "调减", "结转", "结余"]
        .iter()
        .any(|w| has(w));
    if other || contains(lead, "上年") {
        Basis::Prior
    } else if has("预算") && !has("决算") && !has("执行") {
        if contains(lead, "年初") {
            Basis::Initial
        } else {
            Basis::Budget
        }
    } else {
        Basis::Actual
    }
}

/// The last (then longest) label of `words`, with its span. A label that is the start of
/// a body's name (`司法局`, `教育委员会`, `公安分局`) is not the figure.
fn label_in(patterns: &Patterns, words: &[char]) -> Option<(usize, (usize, usize))> {
    let mut best: Option<(usize, (usize, usize))> = None;
    let mut at = 0;
    while at < words.len() {
        match patterns.label_at(words, at) {
            Some((i, n)) if !names_a_body(&words[at + n..]) => {
                best = Some((i, (at, at + n)));
                at += n;
            }
            _ => at += 1,
        }
    }
    best
}

/// Words ending the name of a government body or unit.
const BODY_ENDINGS: &[&str] = &["局", "厅", "委员会", "分局", "办公室", "中心"];
/// After 所, words of a share (所占, 所需), not a 司法所.
const NOT_A_BODY_AFTER_SUO: [char; 6] = ['占', '需', '得', '列', '述', '属'];

/// Whether the words after a label end a body's name: the label is then part of that name.
fn names_a_body(after: &[char]) -> bool {
    BODY_ENDINGS.iter().any(|w| starts_with(after, w))
        || (after.first() == Some(&'所')
            && !after
                .get(1)
                .is_some_and(|c| NOT_A_BODY_AFTER_SUO.contains(c)))
}

/// The way a change goes, said outside parentheses: a template's `下降（增长）` left as
/// printed says 下降; said only inside them, it is that. Both ways said say neither.
fn direction(words: &[char]) -> Option<Direction> {
    let mut depth = 0usize;
    let outside: Vec<char> = words
        .iter()
        .filter(|&&c| match c {
            '（' | '(' => {
                depth += 1;
                false
            }
            '）' | ')' => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
        .copied()
        .collect();
    let says = |words: &[char]| {
        (
            UP.iter().any(|w| contains(words, w)),
            DOWN.iter().any(|w| contains(words, w)),
        )
    };
    // Said only inside parentheses (`比上年（增长）10万元`): that is the way.
    let (up, down) = match says(&outside) {
        (false, false) => says(words),
        said => said,
    };
    match (up, down) {
        (true, false) => Some(Direction::Up),
        (false, true) => Some(Direction::Down),
        _ => None,
    }
}

/// Whether `chars` start with `word`.
fn starts_with(chars: &[char], word: &str) -> bool {
    let mut rest = chars.iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

/// Whether `chars` hold `word`.
pub fn contains(chars: &[char], word: &str) -> bool {
    let w: Vec<char> = word.chars().collect();
    !w.is_empty() && chars.windows(w.len()).any(|x| x == w.as_slice())
}
