//! Columns placed by the 栏次 row where the header's words name none of the form's columns
//! (a unit's own wording, 上级补助 for 上级补助收入): the form numbers its columns, and a sheet
//! numbered alike says which column is which.

use super::{column_mark, is_marks_row, row_keys, DefCol, Reader};
use crate::cellref::col_name;
use crate::form::{ColumnDef, Severity};
use crate::read::Cell;
use std::collections::{HashMap, HashSet};

/// The rule of the note that a column was read by its 栏次 alone.
pub const COLUMN_BY_MARK: &str = "column-by-mark";

/// A form column read from the sheet column its 栏次 mark gives.
pub(crate) struct MarkedColumn<'f> {
    /// The 栏次 row and the sheet column.
    row: u32,
    col: u16,
    def: &'f ColumnDef,
}

/// Places the columns the header's words left unplaced by the 栏次 row right above
/// `data_start`: a sheet column numbered as the form numbers a column is that column, when
/// every column the words placed is numbered as the form numbers it (at least two), and the
/// number is on one sheet column and one form column. Gives the columns so placed.
pub(super) fn place_unnamed<'f>(
    rd: &Reader,
    defs: &[DefCol<'f>],
    data_start: u32,
    mapping: &mut [Option<u16>],
) -> Vec<MarkedColumn<'f>> {
    let mut placed = Vec::new();
    if mapping.iter().all(Option::is_some) {
        return placed;
    }
    let Some((row, marks)) = header_column_marks(rd, data_start) else {
        return placed;
    };
    if !numbered_alike(defs, mapping, &marks) {
        return placed;
    }
    let used: HashSet<u16> = mapping.iter().flatten().copied().collect();
    for i in 0..defs.len() {
        let Some(n) = form_number(&defs[i]).filter(|_| mapping[i].is_none()) else {
            continue;
        };
        let once_in_form = defs.iter().filter(|d| form_number(d) == Some(n)).count() == 1;
        let mut numbered = marks.iter().filter(|&(_, &m)| m == n).map(|(&c, _)| c);
        if let (Some(c), None, true) = (numbered.next(), numbered.next(), once_in_form) {
            if !used.contains(&c) {
                mapping[i] = Some(c);
                placed.push(MarkedColumn {
                    row,
                    col: c,
                    def: defs[i].col,
                });
            }
        }
    }
    placed
}

/// Notes each column placed by its mark alone, at its 栏次 cell.
pub(super) fn note_marked(rd: &mut Reader, marked: &[MarkedColumn]) {
    for m in marked {
        let label = m.def.label.as_deref().unwrap_or(&m.def.id);
        let headed = match header_text(rd, m) {
            Some(t) => format!("表头“{t}”"),
            None => "表头空白".to_string(),
        };
        let message = format!(
            "{} {} 列{headed}，不是标准格式的“{label}”，按其栏次 {} 读作“{label}”列；请核对表头是否填写有误",
            rd.form.table_no,
            col_name(m.col),
            m.def.no.as_deref().unwrap_or_default(),
        );
        rd.notice(Severity::Info, COLUMN_BY_MARK, m.row, m.col, message);
    }
}

/// The nearest text over a marked column's 栏次 cell (its lowest header word), as printed.
fn header_text<'r>(rd: &'r Reader, m: &MarkedColumn) -> Option<&'r str> {
    (m.row.saturating_sub(4)..m.row)
        .rev()
        .find_map(|r| match rd.sheet.shown(r, m.col) {
            Cell::Text(t) if !t.trim().is_empty() => Some(t.trim()),
            _ => None,
        })
}

/// The number the form gives a column on its 栏次 row (none for `**`).
fn form_number(d: &DefCol) -> Option<u32> {
    d.col.no.as_deref().and_then(column_mark).map(|m| m.0)
}

/// Whether every column the header's words placed is numbered on the sheet as on the form
/// (those the sheet or the form leaves unnumbered aside), and at least two are.
fn numbered_alike(defs: &[DefCol], mapping: &[Option<u16>], marks: &HashMap<u16, u32>) -> bool {
    let mut agree = 0;
    for (d, m) in defs.iter().zip(mapping) {
        match (form_number(d), m.and_then(|c| marks.get(&c))) {
            (Some(n), Some(&s)) if n == s => agree += 1,
            (Some(_), Some(_)) => return false,
            _ => {}
        }
    }
    agree >= 2
}

/// The 栏次 row among the last three rows before `data_start` (the nearest) and each sheet
/// column's number on it, by the column its mark starts in.
fn header_column_marks(rd: &Reader, data_start: u32) -> Option<(u32, HashMap<u16, u32>)> {
    let r = (data_start.saturating_sub(3)..data_start)
        .rev()
        .find(|&r| is_marks_row(rd, r, &row_keys(rd, r)))?;
    let marks = (rd.sheet.shown_cols(r).into_iter())
        .filter(|&c| !rd.sheet.is_covered(r, c))
        .filter_map(|c| Some((c, column_mark(&rd.text_key(r, c)?)?.0)))
        .collect();
    Some((r, marks))
}
