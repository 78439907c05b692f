//! A table printed with its rows and columns swapped (公开09表's items down the rows, 预算数
//! and 决算数 across): when a sheet's figures cannot be placed as the form prints them, the
//! table below its top lines is turned and read again, and every place read is turned back.
//! Columns a unit adds to the turned table (序号 numbering the items, 增减额 or 增减率 beside
//! 预算数 and 决算数) are no part of it: the serial numbers are read as nothing, the
//! comparison figures kept outside the form, known for what they are.

use super::table::is_serial_number;
use super::{
    figures_misplaced, figures_outside, first_filled_row, numbers_placed, recognize_sheet,
    unplaced_numbers, Recognized, UNLABELLED_GROUP_ROW,
};
use crate::cellref::Place;
use crate::expr::cell_key;
use crate::form::{ColumnDef, Form, Vocabulary};
use crate::model::MoneyUnit;
use crate::normalize::{label_key, strip_ordinal};
use crate::read::{Cell, Sheet, Turn};
use crate::recognize::strip_parens;
use std::collections::HashSet;

/// How many rows below the first filled one the turned table may start at (the title, 表号
/// and unit lines above it stay as they are).
const TOP_LINES: u32 = 8;

/// The sheet read with its table turned, when `as_printed` (the same sheet read as printed)
/// could not place its figures and the turned table places every figure of the sheet (not one
/// left outside the form). Of several places the table may start at, the lowest that does.
pub(super) fn recognize_turned<'c>(
    form: &'c Form,
    vocab: &Vocabulary,
    sheet: &Sheet,
    book_unit: Option<&MoneyUnit>,
    as_printed: &Recognized,
) -> Option<Recognized<'c>> {
    if !is_one_row(form) || !leaves_figures_outside(as_printed) {
        return None;
    }
    let first = first_filled_row(sheet);
    let placed = numbers_placed(as_printed);
    let names = column_names(form, vocab);
    (first + 1..(first + TOP_LINES).min(sheet.height()))
        .filter(|&top| !heads_a_table(sheet, top - 1, &names))
        .filter_map(|top| table_from(sheet, top, &names))
        .filter_map(|turn| {
            let added = AddedColumns::of(form, vocab, sheet, &turn);
            let turned = added.without_serials(sheet, &turn).turned(&turn)?;
            let rec = recognize_sheet(form, vocab, &turned, book_unit);
            let fits = figures_outside(&rec)
                .filter_map(|s| s.cell.local())
                .all(|(r, c)| added.compared.contains(&turn.back(r, c).1))
                && numbers_placed(&rec) > placed;
            fits.then(|| (numbers_placed(&rec), turn, added, rec))
        })
        .max_by_key(|(placed, turn, _, _)| (*placed, turn.top))
        .map(|(_, turn, added, mut rec)| {
            turn_back(&mut rec, &turn);
            added.note_headers_alone(&mut rec, &turn);
            added.place_blank_figures(form, &mut rec);
            added.note_compared(&mut rec, &turn);
            added.drop_compared_rows_unlabelled(&mut rec);
            rec
        })
}

/// The columns of a table printed turned that a unit added to it, told by their header (the
/// table's first row): 序号, and comparison columns (增减额, 增减率, 上年决算数) other than the
/// form's own header words (公开09表's 预算数).
struct AddedColumns {
    serial: Vec<u16>,
    compared: Vec<u16>,
    /// Columns holding nothing below their header (决算数 when nothing was spent at all):
    /// turned, the header alone would read as a header row, and the other column's figures
    /// as under neither 预算数 nor 决算数. Left out of the turned table, the header read.
    alone: Vec<u16>,
    /// Those of `alone` headed by a word of the form's figures (预算数, 年初预算数): a column
    /// of the form's figures left blank.
    blank_figures: Vec<u16>,
}

impl AddedColumns {
    fn of(form: &Form, vocab: &Vocabulary, sheet: &Sheet, turn: &Turn) -> AddedColumns {
        let own: Vec<String> = form
            .blocks
            .iter()
            .flat_map(|b| b.header.iter().flatten())
            .map(|h| label_key(h.text()))
            .collect();
        let mut added = AddedColumns {
            serial: Vec::new(),
            compared: Vec::new(),
            alone: Vec::new(),
            blank_figures: Vec::new(),
        };
        for (c, cell) in sheet.row(turn.top) {
            let Some(key) = cell.as_text().map(label_key) else {
                continue;
            };
            if (turn.top + 1..turn.end).all(|r| sheet.get(r, c).is_empty()) {
                added.alone.push(c);
                if is_figures_word(vocab, &own, &key) {
                    added.blank_figures.push(c);
                }
                continue;
            }
            if vocab.serial_headers.contains(&key) {
                added.serial.push(c);
            } else if vocab.is_comparison_header(&key) && !own.contains(&key) {
                added.compared.push(c);
            }
        }
        added
    }

    /// The sheet without the 序号 columns' header and whole numbers in the turned rows, and
    /// without the headers of the columns holding nothing else.
    fn without_serials(&self, sheet: &Sheet, turn: &Turn) -> Sheet {
        let serial = |r: u32, c: u16, cell: &Cell| {
            (turn.top..turn.end).contains(&r)
                && self.serial.contains(&c)
                && (r == turn.top || is_serial_number(cell))
                || r == turn.top && self.alone.contains(&c)
        };
        let cells = sheet
            .cells()
            .filter(|&(r, c, cell)| !serial(r, c, cell))
            .map(|(r, c, cell)| (r, c, cell.clone()));
        let mut out = Sheet::from_cells(sheet.name.clone(), cells, sheet.merges().to_vec());
        out.hidden = sheet.hidden;
        out
    }

    /// Marks the headers of the columns holding nothing else, at their printed places, as read.
    fn note_headers_alone(&self, rec: &mut Recognized, turn: &Turn) {
        rec.words.extend(self.alone.iter().map(|&c| (turn.top, c)));
        rec.words.sort_unstable();
    }

    /// Gives the form's columns a blank column of figures stands for (预算数 when no budget
    /// was set) their printed places, so that they are no columns absent but columns left
    /// blank: each column no figure was read into takes the cell of the blank column on the
    /// row its namesake (决算数's 合计 for 预算数's 合计) was read from. Only for one blank
    /// column: of two, which one stands for which side is not known.
    fn place_blank_figures(&self, form: &Form, rec: &mut Recognized) {
        let [blank] = self.blank_figures[..] else {
            return;
        };
        for panel in form.blocks.iter().flat_map(|b| &b.panels) {
            for row in panel.rows.iter().filter(|row| !row.blank) {
                let origin = &rec.data.origin;
                let at = |col: &ColumnDef| origin.get(&cell_key(&row.id, &col.id));
                let twin = |x: &ColumnDef| {
                    let same =
                        |y: &&ColumnDef| y.id != x.id && x.label.is_some() && y.label == x.label;
                    panel.columns.iter().find(same).and_then(at)?.local()
                };
                let placed: Vec<(String, Place)> = panel
                    .columns
                    .iter()
                    .filter(|x| at(x).is_none())
                    .filter_map(|x| Some((cell_key(&row.id, &x.id), Place::at(twin(x)?.0, blank))))
                    .collect();
                rec.data.origin.extend(placed);
            }
        }
    }

    /// Marks the figures of the comparison columns, at their printed places, as known.
    fn note_compared(&self, rec: &mut Recognized, turn: &Turn) {
        let compared =
            (turn.top..turn.end).flat_map(|r| self.compared.iter().map(move |&c| (r, c)));
        rec.comparison_cells.extend(compared);
    }

    /// Drops the group-row-unlabelled warnings of the comparison columns (turned, they are
    /// rows labelled 增减额 beside 预算数 and 决算数): their figures are already told one by
    /// one as comparison cells. A row so labelled in a table printed upright is still warned
    /// about, being no column the unit added to this turned table.
    fn drop_compared_rows_unlabelled(&self, rec: &mut Recognized) {
        rec.notices.retain(|n| {
            n.rule != UNLABELLED_GROUP_ROW
                || !n
                    .cell
                    .local()
                    .is_some_and(|(_, c)| self.compared.contains(&c))
        });
    }
}

/// Whether a header key is one of the form's own header words (`own`: 预算数, 决算数) or a
/// word units head such figures by (年初预算数, 本年决算数).
fn is_figures_word(vocab: &Vocabulary, own: &[String], key: &String) -> bool {
    own.contains(key) || own.iter().any(|o| vocab.figure_words_of(o).contains(key))
}

/// Whether every table of the form is one row of figures under its header (公开09表): only
/// such a table is printed turned, its columns down the rows; a table of many rows or of a
/// list turned reads as nonsense.
fn is_one_row(form: &Form) -> bool {
    form.blocks.iter().all(|block| {
        block.panels.iter().all(|panel| {
            let rows = panel.rows.iter().filter(|row| !row.blank).count();
            panel.coded.is_none() && panel.list.is_none() && rows == 1
        })
    })
}

/// Whether the sheet read as printed left figures outside the form that are not a column the
/// unit added to compare: many (its values could not be placed), or its figures all (a turned
/// table of few figures, the items nothing was spent on left blank).
fn leaves_figures_outside(as_printed: &Recognized) -> bool {
    unplaced_numbers(as_printed).is_some()
        || (numbers_placed(as_printed) == 0 && figures_misplaced(as_printed).next().is_some())
}

/// Whether row `r` heads a table turned (项目 | 预算数 | 决算数): beside its first cell, a name of
/// the form's columns. A table starting below it would lose its header, read without telling
/// 预算数 from 决算数.
fn heads_a_table(sheet: &Sheet, r: u32, names: &HashSet<String>) -> bool {
    sheet.row(r).count() >= 2
        && sheet.row(r).skip(1).any(|(_, cell)| {
            cell.as_text()
                .is_some_and(|t| names.contains(&strip_parens(&strip_ordinal(&label_key(t)))))
        })
}

/// The keys of the names the form gives its columns (header texts, labels, aliases, and the
/// words units head its figures by): printed turned, each labels a row of the table, one left
/// blank when nothing was spent on it.
fn column_names(form: &Form, vocab: &Vocabulary) -> HashSet<String> {
    let headers = form.blocks.iter().flat_map(|b| b.header.iter().flatten());
    let columns = form
        .blocks
        .iter()
        .flat_map(|b| &b.panels)
        .flat_map(|p| &p.columns);
    headers
        .map(|h| h.text())
        .chain(columns.flat_map(|c| c.label.iter().chain(&c.aliases).map(String::as_str)))
        .map(|t| strip_parens(&strip_ordinal(&label_key(t))))
        .flat_map(|k| {
            let words = vocab.figure_words_of(&k).to_vec();
            std::iter::once(k).chain(words)
        })
        .collect()
}

/// How many rows a table printed turned may have: as many as a form has columns, at most.
const MOST_TURNED_ROWS: u32 = 64;

/// The rows of a table starting at row `top`: it and the rows after it holding two cells or
/// more, or only the name of one of the form's columns (`names`) in the table's first column (an
/// item left blank); a note under the table, on a row of its own, ends it. None for a table of
/// more rows than a turned one has.
fn table_from(sheet: &Sheet, top: u32, names: &HashSet<String>) -> Option<Turn> {
    let cells = |r: u32| sheet.row(r).count();
    if cells(top) < 2 {
        return None;
    }
    let first_col = sheet.row(top).next().map(|(c, _)| c);
    let blank_item = |r: u32| {
        let mut row = sheet.row(r);
        match (row.next(), row.next()) {
            (Some((c, cell)), None) => {
                Some(c) == first_col
                    && cell.as_text().is_some_and(|t| {
                        names.contains(&strip_parens(&strip_ordinal(&label_key(t))))
                    })
            }
            _ => false,
        }
    };
    let end = (top + 1..sheet.height())
        .find(|&r| cells(r) < 2 && !blank_item(r))
        .unwrap_or(sheet.height());
    if end - top > MOST_TURNED_ROWS {
        return None;
    }
    let width = (top..end)
        .filter_map(|r| sheet.row(r).last().map(|(c, _)| c + 1))
        .max()?;
    Some(Turn { top, end, width })
}

/// Every place of `rec`, read off the sheet turned by `turn`, as the place it has in the sheet
/// as printed.
fn turn_back(rec: &mut Recognized, turn: &Turn) {
    super::move_places(rec, |r, c| {
        let (row, col) = turn.back(r, c);
        Some(Place {
            sheet: None,
            row,
            col,
        })
    });
    for at in &mut rec.words {
        *at = turn.back(at.0, at.1);
    }
    rec.words.sort_unstable();
    let cells = std::mem::take(&mut rec.comparison_cells);
    rec.comparison_cells = cells.into_iter().map(|(r, c)| turn.back(r, c)).collect();
}

#[cfg(test)]
mod tests {
    use crate::read::{Cell, Sheet, Turn};
    use crate::test_rng::Rng;

    /// Over generated sheets and turns: every cell of the turned sheet holds what the cell it
    /// came from holds, and no two cells land on one place.
    #[test]
    fn a_turned_sheet_holds_every_cell_once_where_back_finds_it() {
        let mut rng = Rng::new(0x7a5e_0d09_0000_0001);
        for case in 0..300 {
            let (height, width) = (1 + rng.below(30) as u32, 1 + rng.below(12) as u16);
            let cells: Vec<(u32, u16, Cell)> = (0..height)
                .flat_map(|r| (0..width).map(move |c| (r, c)))
                .filter(|_| rng.below(3) > 0)
                .map(|(r, c)| (r, c, Cell::Text(format!("{r}:{c}"))))
                .collect();
            let sheet = Sheet::from_cells("t", cells.clone(), vec![]);
            let top = rng.below(height as usize) as u32;
            let end = top + 1 + rng.below((height - top) as usize) as u32;
            let turn = Turn { top, end, width };
            let turned = sheet.turned(&turn).expect("small sheets turn");
            assert_eq!(turned.cell_count(), sheet.cell_count(), "case {case}");
            for (r, c, cell) in turned.cells() {
                let (r0, c0) = turn.back(r, c);
                assert_eq!(
                    sheet.get(r0, c0),
                    cell,
                    "case {case}: ({r},{c}) ← ({r0},{c0})"
                );
                assert_eq!(turn.forward(r0, c0), Some((r, c)), "case {case}");
            }
        }
    }
}
