//! The items a previous `fix` left for a person (需人工核对 errors on its 审核结果 sheet), told
//! again when its output is checked, until the clerk marks them 已核对 or deletes the sheet.

use super::own::{audit_header_row, TO_CONFIRM};
use crate::findings::Finding;
use crate::form::Severity;
use crate::read::{Cell, Sheet, Workbook};

/// The rule of a finding carried over from a previous fix's 审核结果 sheet.
pub const LEFT_OPEN: &str = "left-for-person";

/// How a carried item's message starts and ends (around the line's own message).
const TOLD: &str = "校正时留待人工核对，尚未核对";
const TODO: &str = "。核对并改正后，将该行“处理”改为“已核对”，或删除工作表“审核结果”";

/// The 审核结果 columns read back: 级别, 表 (form id first), 单元格, 说明, 处理.
const SEVERITY_COL: u16 = 1;
const FORM_COL: u16 = 2;
const PLACE_COL: u16 = 3;
const MESSAGE_COL: u16 = 5;
const STATUS_COL: u16 = 6;

/// One finding per error line of every 审核结果 sheet a previous fix wrote whose 处理 still
/// says 需人工核对: at the cell the line names, an error, so that a corrected workbook with
/// open items never checks clean.
pub fn left_open_findings(wb: &Workbook) -> Vec<Finding> {
    let mut out = Vec::new();
    for sheet in &wb.sheets {
        let Some(header) = audit_header_row(sheet) else {
            continue;
        };
        let open = (header + 1..sheet.height()).filter(|&r| {
            text_at(sheet, r, SEVERITY_COL) == Severity::Error.chinese()
                && text_at(sheet, r, STATUS_COL).starts_with(TO_CONFIRM)
        });
        out.extend(open.map(|r| finding_of_line(sheet, r)));
    }
    out
}

/// The text of a 审核结果 cell, trimmed ("" for any other cell).
fn text_at(sheet: &Sheet, row: u32, col: u16) -> &str {
    match sheet.get(row, col) {
        Cell::Text(t) => t.trim(),
        _ => "",
    }
}

/// The finding of 审核结果 line `row`: at the cell it links to (on the form's sheet), with the
/// line's own message and what to do.
fn finding_of_line(sheet: &Sheet, row: u32) -> Finding {
    let text = |c: u16| text_at(sheet, row, c);
    let form = text(FORM_COL).split_whitespace().next().unwrap_or_default();
    let place = text(PLACE_COL);
    // "公开01表!C33（原表 收入支出决算总表!C30）": the output cell comes first.
    let output = place.split('（').next().unwrap_or_default();
    let (at_sheet, at_cell) = match output.rsplit_once('!') {
        Some((s, c)) => (Some(s.to_string()), Some(c.to_string())),
        None => (Some(sheet.name.clone()), None),
    };
    let message = format!(
        "{TOLD}（工作表“{}”第 {} 行）：{}{TODO}",
        sheet.name,
        row + 1,
        first_told(text(MESSAGE_COL))
    );
    Finding::new(Severity::Error, LEFT_OPEN, form, at_sheet, at_cell, message)
}

/// The message as first told: a line a fix of a corrected workbook carried over holds the
/// carried item's message, not to be wrapped twice.
fn first_told(message: &str) -> &str {
    message
        .strip_prefix(TOLD)
        .and_then(|rest| rest.split_once("）："))
        .and_then(|(_, inner)| inner.strip_suffix(TODO))
        .unwrap_or(message)
}

/// Drop the carried items of `findings` that a finding of this run tells again (the same
/// cell, or the same message, at error level): each is said once. `also` holds this run's
/// other findings.
pub fn drop_retold(findings: &mut Vec<Finding>, also: &[Finding]) {
    // Every check of every file passes here; only a corrected workbook has items to drop.
    if !findings.iter().any(|f| f.rule == LEFT_OPEN) {
        return;
    }
    let retold: Vec<(Option<String>, Option<String>, String)> = (findings.iter().chain(also))
        .filter(|f| f.rule != LEFT_OPEN && f.severity == Severity::Error)
        .map(|f| (f.sheet.clone(), f.cell.clone(), f.message.clone()))
        .collect();
    findings.retain(|item| {
        item.rule != LEFT_OPEN
            || !retold.iter().any(|(sheet, cell, message)| {
                (*sheet == item.sheet && cell.is_some() && *cell == item.cell)
                    || (!message.is_empty() && item.message.contains(message.as_str()))
            })
    });
}
