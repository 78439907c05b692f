//! Figures a table holds in rows or columns its sheet hides: read and audited like the others,
//! and said, since the printed or published table does not show them.

use super::gathered::{
    cells_named, few, gather_outside, gathered_warning, hides, table_no, Gathered,
};
use crate::cellref::{a1, col_name, Place};
use crate::findings::{Finding, HIDDEN_CELLS};
use crate::form::{Form, Severity};
use crate::model::FormData;
use crate::read::{Cell, Sheet, Workbook};

/// One warning per table with figures read from hidden rows or columns.
pub(super) fn hidden_findings(wb: &Workbook, forms: &[(&Form, FormData)]) -> Vec<Finding> {
    let hiding =
        |name: &str| (wb.sheets.iter()).find(|s| s.name == name && !s.hidden_lines.is_empty());
    let mut findings = Vec::new();
    for (form, data) in forms {
        let Some(own) = data.sheet.as_deref() else {
            continue;
        };
        // A row's own key names where its label starts: not a figure of the table.
        let values = (data.origin.iter()).filter(|(k, _)| data.row(k).is_none());
        let mut hidden: Vec<(&Sheet, &Place)> = values
            .filter_map(|(_, p)| Some((hiding(p.sheet.as_deref().unwrap_or(own))?, p)))
            .filter(|(s, p)| s.hidden_lines.hides(p.row, p.col) && is_figure(s.get(p.row, p.col)))
            .collect();
        hidden.sort_by_key(|(s, p)| (s.name.as_str(), p.row, p.col));
        hidden.dedup_by_key(|(s, p)| (s.name.as_str(), p.row, p.col));
        if let Some(&(sheet, first)) = hidden.first() {
            findings.push(hidden_finding(form, sheet, first, &hidden));
        }
    }
    findings
}

/// A cell a reader of the printed table would miss: a number other than zero, or a text.
fn is_figure(cell: &Cell) -> bool {
    match cell {
        Cell::Number(d) => !d.is_zero(),
        Cell::Empty => false,
        _ => true,
    }
}

fn hidden_finding(
    form: &Form,
    sheet: &Sheet,
    first: &Place,
    cells: &[(&Sheet, &Place)],
) -> Finding {
    let mut rows: Vec<u32> = (cells.iter())
        .filter(|(s, p)| s.hidden_lines.rows.binary_search(&p.row).is_ok())
        .map(|(_, p)| p.row + 1)
        .collect();
    rows.dedup();
    let mut cols: Vec<String> = (cells.iter())
        .filter(|(s, p)| s.hidden_lines.rows.binary_search(&p.row).is_err())
        .map(|(_, p)| col_name(p.col))
        .collect();
    cols.sort();
    cols.dedup();
    let mut named: Vec<String> = Vec::new();
    if !rows.is_empty() {
        named.push(format!("第{}行", few(&rows)));
    }
    if !cols.is_empty() {
        named.push(format!("{}列", few(&cols)));
    }
    Finding::new(
        Severity::Warning,
        HIDDEN_CELLS,
        &form.id,
        Some(sheet.name.clone()),
        Some(a1(first.row, first.col)),
        format!(
            "{} 有 {} 处填报内容在隐藏的{}中，已读入并参与审核；打印或公开的表格上看不到它们，\
             请取消隐藏后核对，不应列示的请删除",
            form.table_no,
            cells.len(),
            named.join("和")
        ),
    )
}

/// Values outside the form standing in hidden rows or columns (a column of last year's
/// figures hidden rather than deleted): said once a table, naming the lines and the first
/// cells, rather than one "填错位置" warning a cell for what no printed table shows.
pub(super) fn gather_hidden_strays(
    wb: &Workbook,
    forms: &[(&Form, FormData)],
    findings: &mut Vec<Finding>,
) {
    for g in gather_outside(findings, |_, sheet, at| hides(wb, sheet, at)) {
        findings.push(hidden_strays(table_no(forms, &g.form_id), &g));
    }
}

fn hidden_strays(no: &str, g: &Gathered) -> Finding {
    let message = format!(
        "{no} 隐藏的行或列中有 {} 处内容不属于本表（{}），已保留，未参与审核；\
         打印或公开的表格上看不到它们，如为上年数等旧数据，不应列示的请删除",
        g.cells.len(),
        few(&cells_named(g))
    );
    gathered_warning(g, message)
}
