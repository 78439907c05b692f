//! Several forms printed one below the other in one sheet (a disclosure's tables pasted into one sheet, or turned from its PDF into one sheet; 公开07表 and 公开08表 on one page), or side by side: the sheet cut at each other form's title.

use std::borrow::Cow;

use super::copies::{columns_of, is_blank_row, rows_of};
use super::mentions::{is_listed_row, mentions_a_table, names_a_table, Titles};
use super::{
    best_named, first_filled_row, shown_value, strip_parens, top_lines_row, FormLines, FormTitles,
};
use crate::form::{Catalog, Form};
use crate::model::Stray;
use crate::normalize::{label_key, parse_amount, strip_ordinal, Amount};
use crate::read::{Cell, Sheet};

/// A sheet, or the rows of one that hold one of the forms printed in it.
pub(super) struct Part<'s> {
    pub sheet: Cow<'s, Sheet>,
    /// Where in its sheet the part lies when the sheet holds several forms.
    pub apart: Option<Apart>,
    /// Cells above the lines of the sheet's first form (a cover, a 目录 naming every table),
    /// kept out of the part as values outside it.
    pub lead: Vec<Stray>,
}

/// The sheet's rows or columns a part holds (0-based, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Apart {
    /// Forms one below the other.
    Rows(u32, u32),
    /// Forms side by side.
    Columns(u16, u16),
}

impl Part<'_> {
    /// Why the part is read apart from the rest of its sheet, for `explain`.
    pub fn why(&self) -> Option<String> {
        Some(match self.apart? {
            Apart::Rows(first, last) => {
                format!("工作表上下印有多张表，这张在第{}–{}行", first + 1, last + 1)
            }
            Apart::Columns(first, last) => format!(
                "工作表左右并排印有多张表，这张在{}–{}列",
                crate::cellref::col_name(first),
                crate::cellref::col_name(last)
            ),
        })
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
    titles: &[FormTitles],
    sheet: &'s Sheet,
) -> Vec<Part<'s>> {
    let sides = side_by_side_starts(catalog, titles, sheet);
    if sides.len() >= 2 {
        return side_by_side_parts(sheet, &sides);
    }
    let starts = form_starts(catalog, titles, sheet);
    let last = sheet.height().saturating_sub(1);
    if starts.len() < 2 {
        let names = Titles { catalog, titles };
        let (first, body) = starts.first().copied().unwrap_or_default();
        if !(first..body).any(|r| is_listed_row(names, sheet, r)) {
            return vec![Part {
                sheet: Cow::Borrowed(sheet),
                apart: None,
                lead: Vec::new(),
            }];
        }
        // A 目录 listing the tables' names above the form's lines: kept apart as a cover is.
        return vec![Part {
            sheet: Cow::Owned(rows_of(sheet, body, last)),
            apart: None,
            lead: cells_of_rows(sheet, first..body),
        }];
    }
    let ends = starts[1..].iter().map(|s| s.0 - 1).chain([last]);
    starts
        .iter()
        .zip(ends)
        .map(|(&(first, body), last)| Part {
            sheet: Cow::Owned(rows_of(sheet, body, last)),
            apart: Some(Apart::Rows(first, last)),
            lead: cells_of_rows(sheet, first..body),
        })
        .collect()
}

/// The values shown in `rows` of `sheet`, as values outside a form.
fn cells_of_rows(sheet: &Sheet, rows: std::ops::Range<u32>) -> Vec<Stray> {
    rows.flat_map(|r| sheet.row(r).map(move |(c, cell)| (r, c, cell)))
        .filter_map(|(r, c, cell)| shown_value(sheet, r, c, cell))
        .collect()
}

/// The parts of `sheet` whose forms start at the columns `starts` (left to right), each up to
/// the column before the next.
fn side_by_side_parts<'s>(sheet: &'s Sheet, starts: &[u16]) -> Vec<Part<'s>> {
    let last = sheet.width().saturating_sub(1);
    let ends = starts[1..].iter().map(|s| s - 1).chain([last]);
    starts
        .iter()
        .zip(ends)
        .map(|(&first, last)| Part {
            sheet: Cow::Owned(columns_of(sheet, first, last)),
            apart: Some(Apart::Columns(first, last)),
            lead: Vec::new(),
        })
        .collect()
}

/// The first column of each form printed side by side in `sheet` (公开07表 beside 公开08表,
/// each with its own title), told by the first row holding the titles of several forms: the
/// sheet's first column, then for each other title the column after the last empty column
/// left of it (the gap between the tables), or the title's own column when none is empty.
/// Empty when no row holds two forms' titles.
fn side_by_side_starts(catalog: &Catalog, titles: &[FormTitles], sheet: &Sheet) -> Vec<u16> {
    let first = first_filled_row(sheet);
    // Cheaply first: rows with two texts naming a 表 or a 报告.
    let may_hold_two = |r: u32| {
        let texts = sheet.row(r).filter_map(|(_, cell)| cell.as_text());
        texts.filter(|t| names_a_table(t)).nth(1).is_some()
    };
    let Some(title_cols) = (first..sheet.height())
        .filter(|&r| may_hold_two(r))
        .map(|r| titles_in_row(catalog, titles, sheet, r))
        .find(|cols| cols.len() >= 2)
    else {
        return Vec::new();
    };
    let used = used_columns(sheet);
    let mut starts = vec![0];
    for pair in title_cols.windows(2) {
        let gap = (pair[0] + 1..pair[1]).rev().find(|&c| !used.contains(&c));
        starts.push(gap.map_or(pair[1], |c| c + 1));
    }
    starts
}

/// The columns of row `r` printing a form's title, left to right, one per form — or per copy
/// of a form a workbook holds several of (two projects' 附件3 side by side).
fn titles_in_row(catalog: &Catalog, titles: &[FormTitles], sheet: &Sheet, r: u32) -> Vec<u16> {
    let mut found: Vec<(u16, &str)> = Vec::new();
    for (key, c) in title_keys_in_row(Titles { catalog, titles }, sheet, r) {
        let entry = [(key, r, c)];
        let named = best_named(catalog, titles, &entry, None);
        if let Some(form) = named.filter(|n| n.title.is_some()).map(|n| n.form) {
            if form.repeatable || found.iter().all(|&(_, id)| id != form.id) {
                found.push((c, &form.id));
            }
        }
    }
    found.into_iter().map(|(c, _)| c).collect()
}

/// Columns holding a value or covered by a merged region.
fn used_columns(sheet: &Sheet) -> std::collections::HashSet<u16> {
    let mut used: std::collections::HashSet<u16> = sheet
        .cells()
        .filter(|(_, _, cell)| !cell.is_empty())
        .map(|(_, c, _)| c)
        .collect();
    for m in sheet.merges() {
        used.extend(m.first_col..=m.last_col);
    }
    used
}

/// The first row of each form printed in `sheet`, with the first row of its own lines (its
/// title's, 表号's): the sheet's first filled row, then the start of each other form's lines
/// whose part holds a table. Above the first form's lines may stand a cover and a 目录.
fn form_starts(catalog: &Catalog, titles: &[FormTitles], sheet: &Sheet) -> Vec<(u32, u32)> {
    let first = first_filled_row(sheet);
    // (first row of the part, rows of a table it holds, the first row of its form's lines)
    let mut parts: Vec<(u32, usize, u32)> = vec![(first, 0, first)];
    let mut current: Option<&Form> = None;
    for r in first..sheet.height() {
        let texts = texts_in_row(sheet, r);
        let titled = texts
            .filter(|n| (1..=3).contains(n))
            .and_then(|_| titled_form(catalog, titles, sheet, r));
        match (titled, current) {
            (Some(form), None) => {
                current = Some(form);
                parts[0].2 = lines_above(form, (catalog, titles), sheet, r, first);
            }
            (Some(form), Some(cur)) if form.id != cur.id => {
                let floor = parts.last().map_or(first, |p| p.0);
                let from = lines_above(form, (catalog, titles), sheet, r, floor + 1);
                // The lines above the title were counted with the part above.
                let moved = (from..r).filter(|&k| is_table_row(sheet, k)).count();
                if let Some(part) = parts.last_mut() {
                    part.1 = part.1.saturating_sub(moved);
                }
                parts.push((from, 0, from));
                current = Some(form);
            }
            (Some(_), Some(_)) => {}
            (None, _) => {
                if table_row(texts, sheet, r) {
                    if let Some(part) = parts.last_mut() {
                        part.1 += 1;
                    }
                }
            }
        }
    }
    // A part without a table goes with the part above it; a first part without one (a cover
    // line, a heading) with the part below.
    let mut starts: Vec<(u32, u32)> = parts
        .iter()
        .enumerate()
        .filter(|&(i, &(_, rows, _))| i == 0 || rows >= TABLE_ROWS)
        .map(|(_, &(start, _, body))| (start, body))
        .collect();
    if parts[0].1 < TABLE_ROWS && starts.len() > 1 {
        let (_, body) = starts.remove(1);
        starts[0].1 = starts[0].1.min(body);
    }
    starts
}

/// Whether row `r` is a row of a table: it holds a figure, or several texts, or is a 合计
/// row (an empty table's, its cells blank).
fn is_table_row(sheet: &Sheet, r: u32) -> bool {
    table_row(texts_in_row(sheet, r), sheet, r)
}

/// [`is_table_row`] with the row's texts counted.
fn table_row(texts: Option<usize>, sheet: &Sheet, r: u32) -> bool {
    let total = || {
        let mut texts = sheet.row(r).filter_map(|(_, cell)| cell.as_text());
        texts
            .next()
            .is_some_and(|t| matches!(label_key(t).as_str(), "合计" | "总计"))
    };
    match texts {
        None => true,
        Some(n) => n >= 2 || (n == 1 && total()),
    }
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
            // A number typed as text (a 目录's page number) is a figure too.
            Cell::Text(_) if !matches!(parse_amount(cell), Amount::Value(_)) => n += 1,
            _ => return None,
        }
    }
    Some(n)
}

/// The form whose title row `r` prints, if it prints one.
fn titled_form<'c>(
    catalog: &'c Catalog,
    titles: &[FormTitles],
    sheet: &Sheet,
    r: u32,
) -> Option<&'c Form> {
    let keys: Vec<(String, u32, u16)> = title_keys_in_row(Titles { catalog, titles }, sheet, r)
        .map(|(key, c)| (key, r, c))
        .collect();
    if keys.is_empty() {
        return None;
    }
    let named = best_named(catalog, titles, &keys, None)?;
    named.title.map(|_| named.form)
}

/// The keys of row `r`'s texts that may be a form's title, with their columns.
fn title_keys_in_row<'s>(
    names: Titles<'s>,
    sheet: &'s Sheet,
    r: u32,
) -> impl Iterator<Item = (String, u16)> + 's {
    sheet
        .row(r)
        .filter(move |&(c, _)| c < 30 && !sheet.is_covered(r, c))
        .filter_map(|(c, cell)| cell.as_text().map(|t| (t, c)))
        .filter(move |&(t, c)| !mentions_a_table(names, sheet, (r, c), t))
        .map(|(t, c)| (label_key(t), c))
        .filter(|(key, _)| names_a_table(key) && !is_section_heading(key))
        .map(|(key, c)| (strip_parens(&key), c))
}

/// A heading of a 情况说明 or a 目录 line rather than a table's title: numbered
/// (`七、财政拨款“三公”经费支出决算情况说明`, `7.政府性基金…`) or a 说明.
fn is_section_heading(key: &str) -> bool {
    strip_ordinal(key).len() != key.len() || key.ends_with("说明")
}

/// The first of the rows just above `form`'s title at `title` that are printed about it
/// (表号, 附件号, 单位, blank rows between), not above `lowest`.
/// A line of a list of the tables' names (a 目录) is none, however near its name is the title.
fn lines_above(
    form: &Form,
    (catalog, titles): (&Catalog, &[FormTitles]),
    sheet: &Sheet,
    title: u32,
    lowest: u32,
) -> u32 {
    let mut from = title;
    let mut r = title;
    let lines = FormLines::new(form, &catalog.vocabulary);
    let names = Titles { catalog, titles };
    while r > lowest {
        r -= 1;
        if is_blank_row(sheet, r) {
            continue;
        }
        if top_lines_row(&lines, sheet, r).is_none() || is_listed_row(names, sheet, r) {
            break;
        }
        from = r;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::title_keys;

    /// The parts `rows` (one text per cell, numbers as numbers, `'12` a number typed as
    /// text) are cut into: each part's first row, 1-based.
    fn cut(rows: &[&[&str]]) -> Vec<u32> {
        let catalog = Catalog::embedded().unwrap();
        let cells = rows.iter().enumerate().flat_map(|(r, row)| {
            row.iter().enumerate().map(move |(c, t)| {
                let cell = match (t.strip_prefix('\''), t.parse::<rust_decimal::Decimal>()) {
                    (Some(typed), _) => Cell::Text(typed.to_string()),
                    (None, Ok(d)) => Cell::Number(d),
                    (None, Err(_)) => Cell::Text(t.to_string()),
                };
                (r as u32, c as u16, cell)
            })
        });
        let sheet = Sheet::from_cells("Sheet1", cells.filter(|(_, _, c)| !c.is_empty()), vec![]);
        let parts = stacked_parts(&catalog, &title_keys(&catalog), &sheet);
        parts
            .iter()
            .map(|p| match p.apart {
                Some(Apart::Rows(first, _)) => first + 1,
                _ => 1,
            })
            .collect()
    }

    /// 公开07表 empty — a header row and a 合计 row of blank cells — with 08 below it.
    #[test]
    fn an_empty_table_printed_below_another_is_a_part_of_its_own() {
        let rows: &[&[&str]] = &[
            &["政府性基金预算财政拨款收入支出决算表"],
            &["", "", "", "公开07表"],
            &["部门：某中心", "", "", "单位：万元"],
            &["项目", "年初结转和结余", "本年收入", "本年支出"],
            &["合计"],
            &["注：本单位没有政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。"],
            &[""],
            &["", "", "", "公开08表"],
            &["国有资本经营预算财政拨款支出决算表"],
            &["部门：某中心", "", "", "单位：万元"],
            &["项目", "本年支出", "基本支出", "项目支出"],
            &["合计", "0", "0", "0"],
        ];
        assert_eq!(
            cut(rows),
            [1, 8],
            "08 starts at its 表号 line above its title"
        );
    }

    /// A 情况说明's numbered headings read like titles, and a 目录's lines name every table:
    /// neither cuts the sheet, small tables between them or not.
    #[test]
    fn headings_of_a_statement_and_lines_of_a_contents_cut_nothing() {
        let statement: &[&[&str]] = &[
            &["一、收入支出决算总体情况说明"],
            &["2023年度收入、支出决算总计526.36万元。"],
            &["项目", "金额", "占比"],
            &["本年收入", "526.36", "100%"],
            &["五、一般公共预算财政拨款支出决算情况说明"],
            &["项目", "金额"],
            &["一般公共服务支出", "428.48"],
            &["住房保障支出", "24.52"],
            &["七、财政拨款“三公”经费支出决算情况说明"],
            &["项目", "预算数", "决算数"],
            &["合计", "3.5", "2.1"],
        ];
        assert_eq!(cut(statement), [1]);
        let contents: &[&[&str]] = &[
            &["目录"],
            &["1、", "收入支出决算总表", "'3"],
            &["2、", "收入决算表", "'4"],
            &["项目", "页码"],
            &["9、", "国有资本经营预算财政拨款支出决算表", "'11"],
            &["第三部分", "名词解释", "'12"],
            &["第四部分", "附件", "'13"],
        ];
        assert_eq!(cut(contents), [1]);
    }
}
