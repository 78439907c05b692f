//! Several copies of a repeatable form printed one below the other in one sheet (each
//! project's 项目支出绩效自评表): the sheet cut into row ranges, each read as a form of its own.

use super::{
    fills_first_block, first_filled_row, recognize_sheet, top_lines_row, FormLines, Recognized,
};
use crate::form::{Form, Vocabulary};
use crate::model::{MoneyUnit, SheetCopy};
use crate::read::{Cell, Merge, Sheet};
use std::ops::RangeInclusive;

/// The copies of `form` in `sheet`, each read on its own rows, when the sheet holds more than
/// one; None when it holds one or the form is not one a workbook may hold several of.
pub(super) fn recognize_copies<'c>(
    form: &'c Form,
    vocab: &Vocabulary,
    sheet: &Sheet,
    book_unit: Option<&MoneyUnit>,
) -> Option<Vec<Recognized<'c>>> {
    if !form.repeatable {
        return None;
    }
    let ranges = copy_ranges(form, vocab, sheet);
    if ranges.len() < 2 {
        return None;
    }
    let total = ranges.len();
    let copies = ranges.into_iter().enumerate().map(|(i, (first, last))| {
        let mut rec = recognize_sheet(form, vocab, &rows_of(sheet, first, last), book_unit);
        let copy = SheetCopy {
            n: i as u32 + 1,
            first_row: first,
            last_row: last,
        };
        rec.why = format!(
            "工作表中一张接一张印有 {total} 张{}，这是{}",
            form.table_no,
            copy.name()
        );
        rec.data.copy = Some(copy);
        rec
    });
    Some(copies.collect())
}

/// The rows of each copy (first, last): from the sheet's first row, then from every row that
/// prints the form's title again below rows of a table — with the lines printed just above
/// it (附件号, 表号) — when its rows fill the form's first block (the project's name and
/// funds): a title repeated at the top of a page the same table goes on over starts no copy.
fn copy_ranges(form: &Form, vocab: &Vocabulary, sheet: &Sheet) -> Vec<(u32, u32)> {
    let first = first_filled_row(sheet);
    let mut candidates = vec![first];
    // Whether the copy above has shown a row that is not a top line, and the first of the
    // top-line rows just above the row looked at.
    let mut below_table = false;
    let mut tops_from = None;
    let lines = FormLines::new(form, vocab);
    for r in first..sheet.height() {
        match top_lines_row(&lines, sheet, r) {
            Some(title) => {
                let from = *tops_from.get_or_insert(r);
                if title && below_table {
                    candidates.push(from);
                    below_table = false;
                }
            }
            None if is_blank_row(sheet, r) => {}
            None => {
                below_table = true;
                tops_from = None;
            }
        }
    }
    let last = sheet.height().saturating_sub(1);
    let until = |i: usize| candidates.get(i + 1).map_or(last, |next| next - 1);
    let mut starts = vec![first];
    for (i, &from) in candidates.iter().enumerate().skip(1) {
        let rows = rows_of(sheet, from, until(i));
        if fills_first_block(form, &recognize_sheet(form, vocab, &rows, None).data) {
            starts.push(from);
        }
    }
    let ends = starts[1..].iter().map(|s| s - 1).chain([last]);
    starts.iter().copied().zip(ends).collect()
}

pub(super) fn is_blank_row(sheet: &Sheet, r: u32) -> bool {
    sheet.row(r).all(|(_, cell)| is_blank_cell(cell))
}

/// Whether a cell shows nothing: empty, or a text of spaces only.
pub(super) fn is_blank_cell(cell: &Cell) -> bool {
    match cell {
        Cell::Text(t) => t.trim().is_empty(),
        other => other.is_empty(),
    }
}

/// The sheet with only rows `first..=last` kept, where they were (addresses stay the
/// sheet's, and it stays hidden or shown); merged regions starting in them are cut at `last`.
pub(super) fn rows_of(sheet: &Sheet, first: u32, last: u32) -> Sheet {
    within(sheet, first..=last, 0..=u16::MAX)
}

/// The sheet with only columns `first..=last` kept, as [`rows_of`] keeps rows.
pub(super) fn columns_of(sheet: &Sheet, first: u16, last: u16) -> Sheet {
    within(sheet, 0..=u32::MAX, first..=last)
}

/// The sheet with only the cells of `rows` and `cols` kept, where they were; merged regions
/// starting inside are cut at its last row and column.
fn within(sheet: &Sheet, rows: RangeInclusive<u32>, cols: RangeInclusive<u16>) -> Sheet {
    let inside = |r: u32, c: u16| rows.contains(&r) && cols.contains(&c);
    let cells = sheet
        .cells()
        .filter(|&(r, c, _)| inside(r, c))
        .map(|(r, c, cell)| (r, c, cell.clone()));
    let merges = sheet
        .merges()
        .iter()
        .filter(|m| inside(m.first_row, m.first_col))
        .map(|m| Merge {
            last_row: m.last_row.min(*rows.end()),
            last_col: m.last_col.min(*cols.end()),
            ..*m
        })
        .collect();
    let mut part = Sheet::from_cells(sheet.name.clone(), cells, merges);
    part.hidden = sheet.hidden;
    part.keep_set_aside(sheet, |r, c| inside(r, c).then_some((r, c)));
    part.row_pages.clone_from(&sheet.row_pages);
    part.column_pages.clone_from(&sheet.column_pages);
    part
}
