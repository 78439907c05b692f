//! Texts merged down a list's group (a unit's name, 整体绩效目标, 一级指标) that a repeated
//! header or a page break cuts: as a clerk reads the printed table, the group goes on below
//! the cut, so the blank cell the cut leaves takes up the text read above it. A column with no
//! merged cell down it at all is a workbook whose merges were undone before publishing (the
//! text left in the group's first row, the rows below blank): each blank row is past a cut.

use super::{strip_parens, Reader};
use crate::cellref::Place;
use crate::expr::{cell_key, Name, Val};
use crate::form::{ColKind, ListDef, Panel};
use crate::normalize::label_key;
use std::collections::HashMap;

/// A text last read in a merged-down column, and how far down it reaches.
struct Open {
    val: Val,
    /// The cell it was read from, as the row's origin names it (a value read always has
    /// one; None would leave the rows it is carried into without a place).
    origin: Option<Place>,
    /// The last sheet row of the cell it was read from (or carried into).
    until: u32,
}

/// The texts open in each list slot's merged-down columns, and whether a cut lies between
/// the last row read and the next.
#[derive(Default)]
pub(crate) struct GroupCarry {
    open: HashMap<(usize, Name), Open>,
    cut: bool,
    /// The last list row read: a row printed on another page than it is past a cut (a
    /// merged cell printed across a page break shows a box of its own on each page).
    last: Option<u32>,
}

impl GroupCarry {
    /// A repeated header, a page's top lines or notes between two pages lie here (a page
    /// turning between two list rows is a cut too, found in [`GroupCarry::after_row`]).
    pub fn cut(&mut self) {
        self.cut = true;
    }

    /// The text open in slot `si`'s column `col` grew (a name typed over two rows, joined):
    /// the rows it is carried into take the whole.
    pub fn renamed(&mut self, si: usize, col: &str, val: Val) {
        if let Some(open) = self.open.get_mut(&(si, Name::from(col))) {
            open.val = val;
        }
    }

    /// After list row `r` was read into slot `si` through `panel`'s columns: a blank text in
    /// a merged-down column takes up the text open above it, when the row is inside the
    /// cell that text was carried into, the first row after a cut, or in a column whose
    /// merges were undone — unless the row opens a group its text lies inside; any other text
    /// opens.
    pub fn after_row(
        &mut self,
        rd: &mut Reader,
        si: usize,
        panel: &Panel,
        r: u32,
        col_of: &dyn Fn(usize, &str) -> Option<u16>,
    ) {
        let cut = std::mem::take(&mut self.cut);
        let Some(list) = &panel.list else {
            return;
        };
        let cut = cut || self.last.is_some_and(|l| rd.sheet.page_changes(l, r));
        self.last = Some(r);
        let Some(key) = rd.data.rows.last().map(|row| row.key.clone()) else {
            return;
        };
        let texts = panel
            .columns
            .iter()
            .filter(|c| c.kind == ColKind::Text && list.merge_down.iter().any(|m| *m == *c.id));
        let opened = opened_columns(rd, list, &key);
        for col in texts {
            if let Some(sc) = col_of(si, &col.id) {
                let slot_col = (si, col.id.clone());
                let cut = (cut || unmerged_column(rd, sc))
                    && !opened.iter().any(|o| outer(list, o, &col.id))
                    && !self.ends_group(rd, list, &key, &slot_col);
                self.carry_column(rd, slot_col, &key, (r, sc), cut);
            }
        }
    }

    /// Whether the text open in column `col` cannot go on into row `key`: the form's groups
    /// pair another merged-down text of the row (二级指标 经济效益指标) only with other texts
    /// of `col` (一级指标 效益指标) than the one open (产出指标) — the group ended above.
    fn ends_group(&self, rd: &Reader, list: &ListDef, key: &str, slot_col: &(usize, Name)) -> bool {
        let col: &str = &slot_col.1;
        let (Some(open), Some(row)) = (self.open.get(slot_col), rd.data.row(key)) else {
            return false;
        };
        let Val::Text(carried) = &open.val else {
            return false;
        };
        list.merge_down.iter().filter(|m| *m != col).any(|other| {
            let Val::Text(own) = row.get(other) else {
                return false;
            };
            let mut paired = list.groups.iter().filter_map(|g| {
                let with = g.values.get(other)?;
                same_text(with, &own).then_some(g.values.get(col)?)
            });
            let mut paired = paired.by_ref().peekable();
            paired.peek().is_some() && !paired.any(|t| same_text(t, carried))
        })
    }

    /// One merged-down column of row `key`, read at sheet cell `at`, right after a cut or not.
    fn carry_column(
        &mut self,
        rd: &mut Reader,
        slot_col: (usize, Name),
        key: &str,
        (r, sc): (u32, u16),
        cut: bool,
    ) {
        let own_key = cell_key(key, &slot_col.1);
        let until = rd.sheet.merge_at(r, sc).map_or(r, |m| m.last_row);
        let read = rd.data.row(key).map(|row| row.get(&slot_col.1));
        if let Some(val) = read.filter(|v| !v.is_blank()) {
            let origin = rd.data.origin.get(&own_key).cloned();
            self.open.insert(slot_col, Open { val, origin, until });
            return;
        }
        let Some(open) = self.open.get_mut(&slot_col) else {
            return;
        };
        if !(r <= open.until || cut) {
            self.open.remove(&slot_col);
            return;
        }
        if cut {
            open.until = until;
        }
        if let Some(row) = rd.data.row_mut(key) {
            row.values.insert(slot_col.1.clone(), open.val.clone());
        }
        if let Some(origin) = &open.origin {
            rd.data.origin.insert(own_key, origin.clone());
        }
    }
}

/// The merged-down and grouping columns to which row `key` gives a text of its own, before
/// any is carried into it.
fn opened_columns(rd: &Reader, list: &ListDef, key: &str) -> Vec<String> {
    let Some(row) = rd.data.row(key) else {
        return Vec::new();
    };
    (list.merge_down.iter().chain(&list.group_by))
        .filter(|c| !row.get(c).is_blank())
        .cloned()
        .collect()
}

/// Whether a text in column `o` starts a group that column `col`'s text lies inside: the
/// grouping column (a new project) or a merged-down column listed before it (a new 一级指标
/// ends the 二级指标 above) — no text of the group above goes on past it.
fn outer(list: &ListDef, o: &str, col: &str) -> bool {
    let place = |c: &str| list.merge_down.iter().position(|m| m == c);
    let grouping = list.group_by.as_deref() == Some(o);
    o != col && (grouping || matches!((place(o), place(col)), (Some(a), Some(b)) if a < b))
}

/// Whether no merged cell runs down sheet column `c`: the layout merges the column's groups,
/// so a sheet without any merge there had them undone, leaving each group's text in its
/// first row only.
fn unmerged_column(rd: &Reader, c: u16) -> bool {
    !(rd.sheet.merges())
        .iter()
        .any(|m| m.first_row < m.last_row && m.first_col <= c && c <= m.last_col)
}

/// Whether a text read and one the form names are the same, as labels are compared (their
/// keys), a note in brackets (`产出指标（50分）`) aside.
fn same_text(a: &str, b: &str) -> bool {
    let core = |s: &str| strip_parens(&label_key(s));
    let a = core(a);
    !a.is_empty() && a == core(b)
}
