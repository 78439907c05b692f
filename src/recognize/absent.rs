//! Columns and subtotal rows of the standard form a table was printed without, found from
//! where its values were read: a column's cells hold no published figure, so a sum over them
//! cannot be judged; a subtotal row is what its parts add to.

use crate::cellref::Place;
use crate::expr::cell_key;
use crate::form::{ColKind, ColumnDef, Family, FixedRow, Form, Panel};
use crate::model::{AbsentColumn, FormData, RowData};

/// The amount columns of `form` (every value column of a 绩效 form: its 分值, 得分 and
/// 指标值 are what its rules read) that no row of their panel was read with, in the panels
/// whose rows were read with other such columns (a panel with nothing read is an empty or
/// missing part, not a missing column).
pub fn absent_columns(form: &Form, data: &FormData) -> Vec<AbsentColumn> {
    let mut absent = Vec::new();
    for panel in form.blocks.iter().flat_map(|b| &b.panels) {
        let amounts: Vec<&ColumnDef> = panel
            .columns
            .iter()
            // An optional column (one the standard form does not print) is never missing.
            .filter(|c| required(form, c) && !c.optional)
            .collect();
        if amounts.len() < 2 {
            continue;
        }
        let rows: Vec<&RowData> = data.rows.iter().filter(|r| r.panel == panel.id).collect();
        let first_read = |col: &str| {
            rows.iter()
                .find_map(|r| data.origin.get(&cell_key(&r.key, col)))
        };
        let read: Vec<bool> = amounts
            .iter()
            .map(|c| first_read(&c.id).is_some())
            .collect();
        if !read.contains(&true) {
            continue;
        }
        for (i, c) in amounts.iter().enumerate().filter(|&(i, _)| !read[i]) {
            let beside = amounts[..i].iter().rev().chain(&amounts[i + 1..]);
            let near = beside.filter_map(|b| first_read(&b.id)).next().cloned();
            absent.push(absent_column(form, panel, c, near));
        }
    }
    absent
}

/// The subtotal rows of `form` (rows another row names as its parent) that no sheet row was
/// read as, while some of their parts were: the table leaves them out (上海's 财政拨款收支
/// 预算总表 prints 一、一般公共预算… and 收入总计 without 一、本年收入), they are not left
/// blank.
pub fn absent_rows<'f>(form: &'f Form, data: &FormData) -> Vec<&'f FixedRow> {
    let read = |id: &str| data.row_at.contains_key(id);
    let rows = form
        .blocks
        .iter()
        .flat_map(|b| &b.panels)
        .flat_map(|p| &p.rows);
    rows.clone()
        .filter(|x| !x.blank && !read(&x.id))
        .filter(|x| {
            rows.clone()
                .any(|part| part.parent.as_deref() == Some(x.id.as_str()) && read(&part.id))
        })
        .collect()
}

/// Whether the absence of column `c` is said: an amount column, or any value column of a
/// 绩效 form.
fn required(form: &Form, c: &ColumnDef) -> bool {
    match form.family {
        Family::Perf => c.kind.is_value(),
        _ => c.kind == ColKind::Amount,
    }
}

fn absent_column(form: &Form, panel: &Panel, c: &ColumnDef, near: Option<Place>) -> AbsentColumn {
    AbsentColumn {
        panel: panel.id.clone(),
        col: c.id.clone(),
        label: label_of(form, c),
        no: c.no.clone(),
        near,
        unread: false,
    }
}

/// How the form heads column `c`: its label, or that of the column of the same id in the
/// panel whose header it continues under (公开 panels stacked under one header).
fn label_of(form: &Form, c: &ColumnDef) -> String {
    let same_id = form
        .blocks
        .iter()
        .flat_map(|b| &b.panels)
        .flat_map(|p| &p.columns);
    (c.label.iter())
        .chain(
            same_id
                .filter(|o| o.id == c.id)
                .filter_map(|o| o.label.as_ref()),
        )
        .next()
        .cloned()
        .unwrap_or_else(|| c.id.to_string())
}
