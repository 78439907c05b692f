//! Parts of a form whose values the sheet prints without the header that places them (a
//! copy whose 资金 header rows or 绩效指标 header were cut away): their figures are not read
//! by position, where they would land in the wrong cells, but left where they stand, told in
//! one warning naming the cells, and the rules reading them are not judged.

use super::Reader;
use crate::cellref::{a1, Place};
use crate::form::{GridCellDef, Severity};
use crate::model::{Unheaded, UnheadedPart};
use crate::normalize::{parse_amount, parse_rate, Amount};
use crate::read::Cell;

/// The rule of a part of the form whose values could not be placed for want of its header.
pub const VALUES_UNHEADED: &str = "values-unheaded";

/// A grid cell whose row label was found but none of its column labels: where its value
/// stands is not known.
pub(crate) struct HeldCell {
    pub id: String,
    /// How the form heads its column.
    pub label: String,
    /// The sheet row of its row label, and the first column after the label.
    pub row: u32,
    pub after: u16,
}

/// A table block whose header was found nowhere below `start`.
pub(crate) struct HeldTable {
    pub block: usize,
    pub start: u32,
}

/// Settles the grid cells held while reading a grid block: the figures right of their row
/// labels are the block's, in columns no header names. Told once for the block.
pub(crate) fn settle_grid(rd: &mut Reader) {
    let held = std::mem::take(&mut rd.held_cells);
    if held.is_empty() {
        return;
    }
    // The rows from the first held label to the last: rows between them (财政专户管理资金
    // under 财政资金) are the block's too, in the same columns.
    let top = held.iter().map(|h| h.row).min().unwrap_or(0);
    let bottom = held.iter().map(|h| h.row).max().unwrap_or(0);
    let after = held.iter().map(|h| h.after).min().unwrap_or(0);
    let cells: Vec<(u32, u16)> = (top..=bottom)
        .flat_map(|r| unread_cells(rd, r).filter(move |&(_, c)| c >= after))
        .filter(|&at| is_figure(rd.sheet.shown(at.0, at.1)))
        .collect();
    let mut labels: Vec<String> = Vec::new();
    for h in &held {
        if !labels.contains(&h.label) {
            labels.push(h.label.clone());
        }
        rd.data.unheaded.push(Unheaded {
            part: UnheadedPart::Grid(h.id.clone()),
            label: h.label.clone(),
        });
    }
    let named = labels
        .iter()
        .map(|l| format!("“{l}”"))
        .collect::<Vec<_>>()
        .join("");
    let first = (held[0].row, held[0].after.saturating_sub(1));
    tell(rd, &format!("{named}栏"), first, &cells);
}

/// Settles the table blocks read without a header: one whose region (from where it was looked
/// for to the first value a later block read) holds figures left unread is a part whose
/// values could not be placed. A form of one block is left as it is: a sheet none of whose
/// figures found a cell is refused as a whole (`values-not-placed`).
pub(crate) fn settle_tables(rd: &mut Reader) {
    let held = std::mem::take(&mut rd.held_tables);
    if rd.form.blocks.len() < 2 {
        return;
    }
    for h in held {
        let end = later_block_start(rd, h.block, h.start);
        let rows: Vec<u32> = (h.start..end)
            .filter(|&r| unread_cells(rd, r).any(|(r, c)| is_figure(rd.sheet.shown(r, c))))
            .collect();
        let cells: Vec<(u32, u16)> = rows.iter().flat_map(|&r| unread_cells(rd, r)).collect();
        let figures = cells
            .iter()
            .filter(|&&(r, c)| is_figure(rd.sheet.shown(r, c)))
            .count();
        if figures < 2 {
            continue;
        }
        let block = &rd.form.blocks[h.block];
        let label = block.side_label.clone().unwrap_or_else(|| block.id.clone());
        for p in &block.panels {
            rd.data.unheaded.push(Unheaded {
                part: UnheadedPart::Panel(p.id.clone()),
                label: label.clone(),
            });
        }
        tell(rd, &format!("“{label}”表"), cells[0], &cells);
    }
}

/// The first sheet row at or after `start` a block after `block` read a value from.
fn later_block_start(rd: &Reader, block: usize, start: u32) -> u32 {
    let later = rd.form.blocks[block + 1..]
        .iter()
        .flat_map(|b| b.grid.iter().flatten())
        .filter_map(|c| match c {
            GridCellDef::Cell { id, .. } => id.as_deref(),
            GridCellDef::Text(_) => None,
        });
    later
        .filter_map(|id| rd.data.origin.get(id).and_then(Place::local))
        .map(|(r, _)| r)
        .filter(|&r| r >= start)
        .min()
        .unwrap_or_else(|| rd.sheet.height())
}

/// The cells of row `r` nothing was read from that show something.
fn unread_cells<'r>(rd: &'r Reader, r: u32) -> impl Iterator<Item = (u32, u16)> + 'r {
    rd.sheet
        .row(r)
        .filter(move |&(c, cell)| {
            !cell.is_empty() && !rd.sheet.is_covered(r, c) && !rd.consumed.contains(&(r, c))
        })
        .map(move |(c, _)| (r, c))
}

/// Whether a cell shows a figure: a number or a rate (a mark for none, — or /, is none).
fn is_figure(cell: &Cell) -> bool {
    let figure = |a: Amount| matches!(a, Amount::Value(_));
    figure(parse_amount(cell)) || figure(parse_rate(cell))
}

/// The one warning for a part (`what`) whose values could not be placed: the cells they
/// stand in, kept there and not reported one by one.
fn tell(rd: &mut Reader, what: &str, at: (u32, u16), cells: &[(u32, u16)]) {
    rd.unheaded_cells.extend(cells.iter().copied());
    let where_ = match span(cells) {
        Some(span) => format!("{span} 的内容未读入（已保留在原处）"),
        None => "表中没有其数值".to_string(),
    };
    let no = &rd.form.table_no;
    let message = format!(
        "无法识别{no}{what}的数值位置：表中没有标明这些栏目的表头，{where_}；\
         请补齐表头后再审核，依赖这些数值的规则列为未能核对"
    );
    rd.notice(Severity::Warning, VALUES_UNHEADED, at.0, at.1, message);
}

/// The cells as one range (`C7:H11`), or the one cell.
fn span(cells: &[(u32, u16)]) -> Option<String> {
    let top = cells.iter().map(|c| c.0).min()?;
    let bottom = cells.iter().map(|c| c.0).max()?;
    let left = cells.iter().map(|c| c.1).min()?;
    let right = cells.iter().map(|c| c.1).max()?;
    Some(match (top, left) == (bottom, right) {
        true => a1(top, left),
        false => format!("{}:{}", a1(top, left), a1(bottom, right)),
    })
}
