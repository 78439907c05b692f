//! Tables' names in book-title marks (`《部门财政拨款收支预算总表》`) that mention a table rather
//! than title it: a checklist's row beside its answer, a 目录 listing the tables one name a
//! row. A 《…》 beside only its table's own lines (单位：万元, 公开08表, 编制单位：…, a year),
//! or alone on its row over its table, is the table's title as if unquoted.

use super::copies::{is_blank_cell, is_blank_row};
use super::{best_named, strip_parens, top_line, top_lines_row, FormLines, FormTitles, Notice};
use crate::form::{Catalog, Form, Severity};
use crate::model::{FastMap, FastSet, Stray};
use crate::normalize::label_key;
use crate::read::{is_book_title, Cell, Sheet};

/// The forms with their title keys: what tells which form a 《…》 names.
#[derive(Clone, Copy)]
pub(crate) struct Titles<'a> {
    pub catalog: &'a Catalog,
    pub titles: &'a [FormTitles],
}

impl<'a> Titles<'a> {
    /// The form a text names by its title, if any.
    fn named_by(&self, text: &str) -> Option<&'a Form> {
        let key = [(strip_parens(&label_key(text)), 0, 0)];
        let named = best_named(self.catalog, self.titles, &key, None)?;
        named.title.map(|_| named.form)
    }

    /// The form row `r`'s texts name by a title, if any.
    fn row_names(&self, sheet: &Sheet, r: u32) -> Option<&'a Form> {
        let keys: Vec<(String, u32, u16)> = (sheet.row(r))
            .filter_map(|(c, cell)| Some((strip_parens(&label_key(cell.as_text()?)), r, c)))
            .collect();
        let named = best_named(self.catalog, self.titles, &keys, None)?;
        named.title.map(|_| named.form)
    }
}

/// Whether the text at (r, c) of `sheet` is a table's name in book-title marks mentioning the
/// table, never its title: beside anything but the table's own lines on its row (a checklist's
/// answer 是/否, a page number, a remark), or not over its table (a 目录's line, alone or beside
/// its 表号, followed by the next name of the list, another table's title or nothing).
pub(crate) fn mentions_a_table(
    titles: Titles,
    sheet: &Sheet,
    (r, c): (u32, u16),
    text: &str,
) -> bool {
    if !is_book_title(text) {
        return false;
    }
    let Some(form) = titles.named_by(text) else {
        return true;
    };
    let lines = FormLines::new(form, &titles.catalog.vocabulary);
    // Beside the table's own lines only (公开07表 | 《…》, as a 目录 lists them too) or alone,
    // it is the title only over its table.
    let mut others = (sheet.row(r)).filter(|&(at, cell)| at != c && !is_blank_cell(cell));
    !(others.all(|(_, cell)| is_own_line(&lines, cell))
        && heads_its_table(titles, &lines, sheet, r))
}

/// Whether row `r` holds one text only, a name in book-title marks that mentions a table (a
/// line of a 目录 or of a list of the tables): no line of a form.
pub(crate) fn is_listed_row(titles: Titles, sheet: &Sheet, r: u32) -> bool {
    match sole_text(sheet, r) {
        Some((c, t)) => mentions_a_table(titles, sheet, (r, c), t),
        None => false,
    }
}

/// Whether a cell beside a title is one of its form's own lines (表号, 单位, 编制单位, year).
fn is_own_line(lines: &FormLines, cell: &Cell) -> bool {
    cell.as_text().is_some_and(|t| top_line(lines, t).is_some())
}

/// Whether a text may be a form's title, as every title names a 表 or a 报告 (a cheap test
/// before the title keys are fitted to it); a note (注：本表反映…) is none.
pub(super) fn names_a_table(key: &str) -> bool {
    (key.contains('表') || key.contains("报告")) && !key.starts_with('注')
}

/// The column and text of row `r`'s only non-blank cell, when it is a text.
fn sole_text(sheet: &Sheet, r: u32) -> Option<(u16, &str)> {
    let mut filled = sheet.row(r).filter(|(_, cell)| !is_blank_cell(cell));
    match (filled.next(), filled.next()) {
        (Some((c, Cell::Text(t))), None) => Some((c, t)),
        _ => None,
    }
}

/// How far below a title alone on its row its table is looked for: rows in all, and rows
/// holding something.
const ROWS_BELOW: usize = 30;
const LINES_BELOW: usize = 8;

/// Whether what follows a title alone on row `r` is its form's table: past the form's own
/// lines (表号, 单位, the title again), a row that is neither another name in book-title marks
/// (the next line of a list) nor another form's title. Nothing below is no table.
fn heads_its_table(titles: Titles, lines: &FormLines, sheet: &Sheet, r: u32) -> bool {
    let below = (r + 1..sheet.height())
        .take(ROWS_BELOW)
        .filter(|&k| !is_blank_row(sheet, k));
    for k in below.take(LINES_BELOW) {
        let quoted_alone = sole_text(sheet, k).is_some_and(|(_, t)| is_book_title(t));
        let other = || (titles.row_names(sheet, k)).is_some_and(|f| f.id != lines.form.id);
        if quoted_alone || other() {
            return false;
        }
        if top_lines_row(lines, sheet, k).is_none() {
            return true;
        }
    }
    false
}

/// The strays that are lines of a list of tables' names in book-title marks (a 目录 kept
/// above or below a table): each a 《…》 naming a table, alone among the strays of its row,
/// within two rows of another such; with the list's heading (`目录`, `2024年度部门决算公开目录`)
/// just above it.
pub(super) fn listed_names(strays: &[Stray]) -> FastSet<usize> {
    let names_a_table = |s: &Stray| is_book_title(&s.text) && names_a_table(&s.text);
    let names = lines_alone(strays, names_a_table);
    let name_rows: FastSet<u32> = names.iter().map(|&(_, r)| r).collect();
    let near = |&(_, r): &(usize, u32)| {
        (r.saturating_sub(2)..=r.saturating_add(2)).any(|k| k != r && name_rows.contains(&k))
    };
    let listed: Vec<(usize, u32)> = names.iter().copied().filter(near).collect();
    let listed_rows: FastSet<u32> = listed.iter().map(|&(_, r)| r).collect();
    let heads =
        |&(_, r): &(usize, u32)| (1..=2).any(|d| listed_rows.contains(&r.saturating_add(d)));
    let headings = lines_alone(strays, |s| is_contents_heading(&s.text));
    let headings = headings.into_iter().filter(heads);
    listed
        .iter()
        .copied()
        .chain(headings)
        .map(|(i, _)| i)
        .collect()
}

/// The strays that `is`, alone among the strays of their rows: their indices and rows.
fn lines_alone(strays: &[Stray], is: impl Fn(&Stray) -> bool) -> Vec<(usize, u32)> {
    let rows: Vec<Option<u32>> = (strays.iter())
        .map(|s| s.cell.local().map(|(r, _)| r))
        .collect();
    let mut per_row: FastMap<u32, usize> = FastMap::default();
    rows.iter()
        .flatten()
        .for_each(|&r| *per_row.entry(r).or_default() += 1);
    (0..strays.len())
        .filter(|&i| is(&strays[i]))
        .filter_map(|i| Some((i, rows[i]?)))
        .filter(|(_, r)| per_row.get(r) == Some(&1))
        .collect()
}

/// A 目录's heading: `目录`, `目  录`, `2024年度部门决算公开目录`.
fn is_contents_heading(text: &str) -> bool {
    let k = label_key(text);
    k.ends_with("目录") && k.chars().count() <= 30
}

/// The note for a line of a list of tables' names kept outside the form: no defect.
pub(super) fn listed_name_notice(form: &Form, s: &Stray) -> Notice {
    Notice {
        severity: Severity::Info,
        rule: "value-outside-form",
        cell: s.cell.clone(),
        message: format!(
            "{} 处的“{}”是目录或表名清单中的一行，不是{}的内容；已保留，不参与审核",
            s.cell, s.text, form.table_no
        ),
    }
}
