//! Texts merged down a list's group (a unit's name, 整体绩效目标, 一级指标) that a repeated
//! header or a page break cuts: as a clerk reads the printed table, the group goes on below
//! the cut, so the blank cell the cut leaves takes up the text read above it.

use super::Reader;
use crate::cellref::Place;
use crate::expr::{cell_key, Name, Val};
use crate::form::{ColKind, Panel};
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
}

impl GroupCarry {
    /// A repeated header, a page's top lines or notes between two pages lie here.
    pub fn cut(&mut self) {
        self.cut = true;
    }

    /// After list row `r` was read into slot `si` through `panel`'s columns: a blank text in
    /// a merged-down column takes up the text open above it, when the row is inside the
    /// cell that text was carried into or the first row after a cut; any other text opens.
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
        let Some(key) = rd.data.rows.last().map(|row| row.key.clone()) else {
            return;
        };
        let texts = panel
            .columns
            .iter()
            .filter(|c| c.kind == ColKind::Text && list.merge_down.iter().any(|m| *m == *c.id));
        for col in texts {
            if let Some(sc) = col_of(si, &col.id) {
                self.carry_column(rd, (si, col.id.clone()), &key, (r, sc), cut);
            }
        }
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
