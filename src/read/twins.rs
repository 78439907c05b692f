//! Hidden rows and columns repeating a visible one beside them: a clerk copies last year's
//! workbook, inserts this year's rows or columns and hides last year's. The printed table
//! shows the visible line; the hidden twin's cells are set aside from the grid read as the
//! table, kept to be told as values outside the form.

use super::{Cell, Sheet};
use std::borrow::Cow;

/// Headers of a column of last year's figures (after removing blanks): hidden beside this
/// year's amount column, such a column is its twin whatever this year's header says. A form's
/// own column of last year's money (budget 02's 上年结转) is not among them.
const LAST_YEAR_HEADERS: [&str; 8] = [
    "上年数",
    "上年决算数",
    "上年预算数",
    "上年执行数",
    "上年金额",
    "上年实际数",
    "上年决算",
    "上年预算",
];

impl Sheet {
    /// The sheet as its table is read: the cells of hidden rows and columns with a visible
    /// twin set aside (see [`Sheet::set_aside`]); the sheet itself when it has none.
    pub fn without_hidden_twins(&self) -> Cow<'_, Sheet> {
        if self.hidden_lines.is_empty() {
            return Cow::Borrowed(self);
        }
        let rows = twin_rows(self);
        let cols = twin_cols(self);
        if rows.is_empty() && cols.is_empty() {
            return Cow::Borrowed(self);
        }
        let mut out = self.clone();
        out.take_cells(|r, c| {
            let whole = |line_of: fn(&super::Merge) -> (u32, u32), at: u32| {
                self.merge_at(r, c).is_none_or(|m| line_of(m) == (at, at))
            };
            (rows.contains(&r) && whole(|m| (m.first_row, m.last_row), r))
                || (cols.contains(&c)
                    && whole(|m| (m.first_col.into(), m.last_col.into()), c.into()))
        });
        Cow::Owned(out)
    }

    /// Cells set aside from the grid (hidden twins of visible rows or columns), where they
    /// stand: not read into the form, kept as values outside it.
    pub fn set_aside(&self) -> &[(u32, u16, Cell)] {
        &self.set_aside
    }

    /// Takes over the cells `from` set aside, moved by `place` (None: not in this sheet).
    pub fn keep_set_aside(&mut self, from: &Sheet, place: impl Fn(u32, u16) -> Option<(u32, u16)>) {
        let moved = (from.set_aside.iter())
            .filter_map(|(r, c, cell)| place(*r, *c).map(|(r, c)| (r, c, cell.clone())));
        self.set_aside.extend(moved);
    }

    /// Moves the cells at places `take` chooses from the grid into `set_aside`.
    fn take_cells(&mut self, take: impl Fn(u32, u16) -> bool) {
        for (r, row) in self.rows.iter_mut().enumerate() {
            let r = r as u32;
            let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(row)
                .into_iter()
                .partition(|(c, _)| take(r, *c));
            *row = kept;
            self.set_aside
                .extend(gone.into_iter().map(|(c, cell)| (r, c, cell)));
        }
    }
}

/// The hidden rows with a visible twin: a row [`beside`] its run of hidden rows with the same
/// key (see [`RowKey`]); and of two hidden rows in a run with the same key and no visible twin
/// (last year's copy beside a row a collapsed outline hides), the one standing where the
/// sheet's other hidden copies stand to their visible twins (see [`older_of_hidden_pairs`]).
fn twin_rows(sheet: &Sheet) -> Vec<u32> {
    let hidden = &sheet.hidden_lines.rows;
    let shown = |r: u32| r < sheet.height() && hidden.binary_search(&r).is_err();
    let runs = runs(hidden.iter().copied().filter(|&r| r < sheet.height()));
    let mut out = Vec::new();
    // How many hidden copies stand above their visible twin, less those below it.
    let mut above = 0i64;
    for &(a, b) in &runs {
        let visible: Vec<(u32, RowKey)> = (beside((a, b)).filter(|&r| shown(r)))
            .filter_map(|r| Some((r, row_key(sheet, r)?)))
            .collect();
        for h in a..=b {
            let Some(key) = row_key(sheet, h) else {
                continue;
            };
            let twin = (visible.iter()).filter(|(_, k)| *k == key).map(|(r, _)| *r);
            if let Some(twin) = twin.min_by_key(|&r| r.abs_diff(h)) {
                above += if twin > h { 1 } else { -1 };
                out.push(h);
            }
        }
    }
    if above != 0 {
        out.extend(older_of_hidden_pairs(sheet, &runs, &out, above > 0));
        out.sort_unstable();
    }
    out
}

/// In each run of hidden rows, of two next to each other with the same key, neither a twin
/// already (`twins`, ascending): the upper one when the sheet's hidden copies stand `above`
/// their twins, else the lower. Without hidden copies beside visible twins there is no
/// telling, and none is taken.
fn older_of_hidden_pairs(
    sheet: &Sheet,
    runs: &[(u32, u32)],
    twins: &[u32],
    above: bool,
) -> Vec<u32> {
    let free = |r: u32| twins.binary_search(&r).is_err();
    let mut out = Vec::new();
    for &(a, b) in runs {
        let mut h = a;
        while h < b {
            let pair = free(h)
                && free(h + 1)
                && row_key(sheet, h).is_some()
                && row_key(sheet, h) == row_key(sheet, h + 1);
            if pair {
                out.push(if above { h } else { h + 1 });
                h += 1;
            }
            h += 1;
        }
    }
    out
}

/// The hidden columns with a visible twin: a column [`beside`] its run of hidden columns,
/// both holding amounts, headed alike, or the hidden one headed as last year's figures.
fn twin_cols(sheet: &Sheet) -> Vec<u16> {
    let lines = &sheet.hidden_lines;
    let hidden: Vec<u32> = (0..sheet.width())
        .filter(|&c| lines.cols.iter().any(|&(a, b)| a <= c && c <= b))
        .map(u32::from)
        .collect();
    let shown = |c: u32| c < u32::from(sheet.width()) && hidden.binary_search(&c).is_err();
    let twins = |h: u32, (a, b): (u32, u32)| {
        let Some(own) = header_of(sheet, h as u16) else {
            return false;
        };
        let last_year = own.iter().any(|t| LAST_YEAR_HEADERS.contains(&t.as_str()));
        let same = |c: u32| {
            shown(c)
                && header_of(sheet, c as u16)
                    .is_some_and(|other| last_year || (!own.is_empty() && other == own))
        };
        beside((a, b)).any(same)
    };
    runs(hidden.iter().copied())
        .into_iter()
        .flat_map(|run| (run.0..=run.1).filter(move |&h| twins(h, run)))
        .map(|c| c as u16)
        .collect()
}

/// The lines as many as a run of hidden lines (first, last) holds, just past it on either
/// side: where a hidden line's visible twin stands (a copy beside each line, or a block of
/// copies beside the block).
fn beside((a, b): (u32, u32)) -> impl Iterator<Item = u32> {
    let n = b - a + 1;
    (b + 1..=b.saturating_add(n)).chain(a.saturating_sub(n)..a)
}

/// Runs of consecutive numbers in an ascending list: (first, last).
fn runs(lines: impl Iterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut out: Vec<(u32, u32)> = Vec::new();
    for n in lines {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == n => *last = n,
            _ => out.push((n, n)),
        }
    }
    out
}

/// What a row's twin repeats of it: its texts other than figures, or for a row of figures
/// alone (公开09表's one line), some with cents, the columns holding them.
#[derive(PartialEq, Eq, Hash)]
enum RowKey {
    Texts(Vec<(u16, String)>),
    Figures(Vec<u16>),
}

/// The key of row `r`; None for a row showing nothing. A 科目 code before the row's first
/// words is part of it: 2079999 其他文化旅游体育与传媒支出, collapsed under 20799 of the same
/// name, is no twin of it.
fn row_key(sheet: &Sheet, r: u32) -> Option<RowKey> {
    let texts: Vec<(u16, String)> = (sheet.row(r))
        .filter_map(|(c, cell)| Some((c, words(cell.as_text()?)?)))
        .collect();
    if let Some(&(first, _)) = texts.first() {
        let codes = (sheet.row(r))
            .filter(|&(c, _)| c < first)
            .filter_map(|(c, cell)| Some((c, code_of(cell)?)));
        return Some(RowKey::Texts(codes.chain(texts).collect()));
    }
    let numbers: Vec<(u16, &Cell)> = (sheet.row(r))
        .filter(|(_, cell)| matches!(cell, Cell::Number(_)))
        .collect();
    // Amounts with cents: not a 栏次 row of whole numbers, nor a template's row of zeros.
    let figures =
        (numbers.iter()).any(|(_, n)| n.as_number().is_some_and(|n| !n.fract().is_zero()));
    figures.then(|| RowKey::Figures(numbers.iter().map(|(c, _)| *c).collect()))
}

/// A cell's text when it is a 科目代码 (a number or a text).
fn code_of(cell: &Cell) -> Option<String> {
    let text = cell.to_string();
    let t = text.trim();
    super::is_code_text(t).then(|| t.to_string())
}

/// The header of an amount column: the texts it shows above its first number, each once (a
/// 栏次 mark left out). None when the column holds no number.
fn header_of(sheet: &Sheet, c: u16) -> Option<Vec<String>> {
    let first = (0..sheet.height()).find(|&r| matches!(sheet.get(r, c), Cell::Number(_)))?;
    let mut texts: Vec<String> = (0..first)
        .filter_map(|r| words(sheet.shown(r, c).as_text()?))
        .collect();
    // A header cell merged down over the header rows is one text.
    texts.dedup();
    Some(texts)
}

/// A text without blanks, unless it is empty or a figure (an amount or a number typed as
/// text differs between this year's line and last year's).
fn words(text: &str) -> Option<String> {
    let t: String = text.chars().filter(|ch| !ch.is_whitespace()).collect();
    let figure = t
        .chars()
        .all(|ch| ch.is_ascii_digit() || ".,-()（）△▲－%".contains(ch));
    (!t.is_empty() && !figure).then_some(t)
}
