//! Several forms printed one below the other in one sheet (a disclosure's tables pasted into one sheet, or turned from its PDF into one sheet; 公开07表 and 公开08表 on one page): the sheet cut at each other form's title.

use std::borrow::Cow;

use super::copies::{is_blank_row, rows_of};
use super::{best_named, first_filled_row, strip_parens, top_lines_row};
use crate::form::{Catalog, Form};
use crate::normalize::label_key;
use crate::read::{Cell, Sheet};

/// A sheet, or the rows of one that hold one of the forms printed in it.
pub(super) struct Part<'s> {
    pub sheet: Cow<'s, Sheet>,
    /// The sheet's rows the part holds (0-based, inclusive) when the sheet holds several forms.
    pub rows: Option<(u32, u32)>,
}

impl Part<'_> {
    /// Why the part is read apart from the rest of its sheet, for `explain`.
    pub fn why(&self) -> Option<String> {
        let (first, last) = self.rows?;
        Some(format!(
            "工作表上下印有多张表，这张在第{}–{}行",
            first + 1,
            last + 1
        ))
    }
}

/// How many rows of a table (rows of several cells, or holding figures) a part needs besides
/// its title and the lines about it: a part with fewer is no table (a heading of a 情况说明
/// that reads like a title, a 目录 line) and stays with the part above.
const TABLE_ROWS: usize = 2;

/// The parts of `sheet`, top to bottom: each other form's title printed below rows of a
/// table starts a part, with the lines printed just above it (表号, 附件号, 单位). A sheet
/// holding one form, or several copies of one, is one part, the sheet itself.
pub(super) fn stacked_parts<'s>(
    catalog: &Catalog,
    titles: &[Vec<String>],
    sheet: &'s Sheet,
) -> Vec<Part<'s>> {
    let starts = form_starts(catalog, titles, sheet);
    if starts.len() < 2 {
        return vec![Part {
            sheet: Cow::Borrowed(sheet),
            rows: None,
        }];
    }
    let last = sheet.height().saturating_sub(1);
    let ends = starts[1..].iter().map(|s| s - 1).chain([last]);
    starts
        .iter()
        .zip(ends)
        .map(|(&first, last)| Part {
            sheet: Cow::Owned(rows_of(sheet, first, last)),
            rows: Some((first, last)),
        })
        .collect()
}

/// The first row of each form printed in `sheet`: the sheet's first filled row, then the
/// start of each other form's lines whose part holds a table.
fn form_starts(catalog: &Catalog, titles: &[Vec<String>], sheet: &Sheet) -> Vec<u32> {
    let first = first_filled_row(sheet);
    // (first row of the part, rows of a table it holds)
    let mut parts: Vec<(u32, usize)> = vec![(first, 0)];
    let mut current: Option<&Form> = None;
    for r in first..sheet.height() {
        let texts = texts_in_row(sheet, r);
        let titled = texts
            .filter(|n| (1..=3).contains(n))
            .and_then(|_| titled_form(catalog, titles, sheet, r));
        match (titled, current) {
            (Some(form), None) => current = Some(form),
            (Some(form), Some(cur)) if form.id != cur.id => {
                let floor = parts.last().map_or(first, |p| p.0);
                let from = lines_above(form, catalog, sheet, r, floor);
                // The lines above the title were counted with the part above.
                let moved = (from..r).filter(|&k| is_table_row(sheet, k)).count();
                if let Some(part) = parts.last_mut() {
                    part.1 = part.1.saturating_sub(moved);
                }
                parts.push((from, 0));
                current = Some(form);
            }
            (Some(_), Some(_)) => {}
            (None, _) => {
                if texts.is_none_or(|n| n >= 2) {
                    if let Some(part) = parts.last_mut() {
                        part.1 += 1;
                    }
                }
            }
        }
    }
    // A part without a table goes with the part above it; a first part without one (a cover
    // line, a heading) with the part below.
    let mut starts: Vec<u32> = parts
        .iter()
        .enumerate()
        .filter(|&(i, &(_, rows))| i == 0 || rows >= TABLE_ROWS)
        .map(|(_, &(start, _))| start)
        .collect();
    if parts[0].1 < TABLE_ROWS && starts.len() > 1 {
        starts.remove(1);
    }
    starts
}

/// Whether row `r` is a row of a table: it holds a figure, or several texts.
fn is_table_row(sheet: &Sheet, r: u32) -> bool {
    texts_in_row(sheet, r).is_none_or(|n| n >= 2)
}

/// How many texts row `r` shows (cells a merge covers aside), when it shows nothing else; None
/// for a row holding a figure or another value.
fn texts_in_row(sheet: &Sheet, r: u32) -> Option<usize> {
    let mut n = 0;
    for (c, cell) in sheet.row(r) {
        match cell {
            Cell::Empty => {}
            Cell::Text(t) if t.trim().is_empty() => {}
            _ if sheet.is_covered(r, c) => {}
            Cell::Text(_) => n += 1,
            _ => return None,
        }
    }
    Some(n)
}

/// The form whose title row `r` prints, if it prints one.
fn titled_form<'c>(
    catalog: &'c Catalog,
    titles: &[Vec<String>],
    sheet: &Sheet,
    r: u32,
) -> Option<&'c Form> {
    let keys: Vec<(String, u32, u16)> = sheet
        .row(r)
        .filter(|&(c, _)| c < 30 && !sheet.is_covered(r, c))
        .filter_map(|(c, cell)| Some((strip_parens(&label_key(cell.as_text()?)), r, c)))
        .filter(|(key, _, _)| !key.is_empty())
        .collect();
    let named = best_named(catalog, titles, &keys)?;
    named.title.map(|_| named.form)
}

/// The first of the rows just above `form`'s title at `title` that are printed about it
/// (表号, 附件号, 单位, blank rows between), not above `floor`.
fn lines_above(form: &Form, catalog: &Catalog, sheet: &Sheet, title: u32, floor: u32) -> u32 {
    let mut from = title;
    let mut r = title;
    while r > floor + 1 {
        r -= 1;
        if is_blank_row(sheet, r) {
            continue;
        }
        if top_lines_row(form, &catalog.vocabulary, sheet, r).is_none() {
            break;
        }
        from = r;
    }
    from
}
