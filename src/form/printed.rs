//! The form as a written workbook prints it: the optional columns no row fills left out.

use super::compiled::{Block, Form};
use super::def::{grid_cols, HeaderCellDef};
use std::borrow::Cow;

impl Form {
    /// The form without the optional columns `filled` (panel id, column id) says nothing fills,
    /// and without their header cells; `None` when no column is left out (the form as it is).
    /// Without any filled, it is the form made once with every optional column left out.
    pub fn printed(&self, filled: impl Fn(&str, &str) -> bool) -> Option<Cow<'_, Form>> {
        let optional = self.optional_columns();
        if optional.is_empty() {
            return None;
        }
        if !optional.iter().any(|(panel, col)| filled(panel, col)) {
            let none_filled = |_: &str, _: &str| false;
            return self
                .without_optional
                .0
                .get_or_init(|| self.without_blank(&none_filled).map(Box::new))
                .as_deref()
                .map(Cow::Borrowed);
        }
        self.without_blank(&filled).map(Cow::Owned)
    }

    /// (panel id, column id) of every optional column.
    fn optional_columns(&self) -> Vec<(&str, &str)> {
        self.blocks
            .iter()
            .flat_map(|b| &b.panels)
            .flat_map(|p| p.columns.iter().map(move |c| (p, c)))
            .filter(|(_, c)| c.optional)
            .map(|(p, c)| (p.id.as_str(), &*c.id))
            .collect()
    }

    fn without_blank(&self, filled: &impl Fn(&str, &str) -> bool) -> Option<Form> {
        let mut form = self.clone();
        let mut dropped = false;
        for block in &mut form.blocks {
            dropped |= drop_blank_optional(block, filled);
        }
        if !dropped {
            return None;
        }
        form.width = form.blocks.iter().map(|b| b.width).max().unwrap_or(0);
        Some(form)
    }
}

/// Leaves out a block's optional columns that `filled` says are blank, right to left so the
/// header positions of those to their left hold; whether any was left out.
fn drop_blank_optional(block: &mut Block, filled: &impl Fn(&str, &str) -> bool) -> bool {
    let side = u16::from(block.side_label.is_some());
    let table_width = |b: &Block| side + b.panels.iter().map(|p| p.width()).sum::<u16>();
    let before = table_width(block);
    let mut dropped = false;
    for pi in (0..block.panels.len()).rev() {
        let start = block.panel_offset(pi) - side;
        let panel = &mut block.panels[pi];
        for ci in (0..panel.columns.len()).rev() {
            let col = &panel.columns[ci];
            if !col.optional || filled(&panel.id, &col.id) {
                continue;
            }
            let pos = start + panel.column_offset(&col.id).unwrap_or(0);
            if let Some(row) = block.header.first_mut() {
                if let Some(at) = cell_index_at(row, pos).filter(|&at| at < row.len()) {
                    row.remove(at);
                }
            }
            panel.columns.remove(ci);
            dropped = true;
        }
    }
    if dropped && block.width == before {
        let grid = block
            .grid
            .iter()
            .chain(&block.footer)
            .map(|row| row.iter().map(grid_cols).sum::<u16>())
            .max()
            .unwrap_or(0);
        block.width = table_width(block).max(grid);
    }
    dropped
}

/// The index in a header row (one no cell above covers) of the cell starting at column `pos`,
/// or the row's length when `pos` is its end; `None` when a cell spans over `pos`.
pub(super) fn cell_index_at(row: &[HeaderCellDef], pos: u16) -> Option<usize> {
    let mut col = 0u16;
    for (i, cell) in row.iter().enumerate() {
        if col == pos {
            return Some(i);
        }
        col += cell.cols();
        if col > pos {
            return None;
        }
    }
    (col == pos).then_some(row.len())
}
