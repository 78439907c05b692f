//! The items a previous `fix` left for a person (需人工核对 errors on its 审核结果 sheet), told
//! again when its output is checked, until the clerk marks them 已核对 or deletes the sheet.

use super::own::{is_own_audit_sheet, AUDIT_HEADER, TO_CONFIRM};
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
    wb.sheets
        .iter()
        .filter(|s| is_own_audit_sheet(s))
        .flat_map(|s| open_lines(s).map(move |r| finding_of_line(s, r)))
        .collect()
}

/// Rows of `sheet` below its header that hold an error still for a person.
fn open_lines(sheet: &Sheet) -> impl Iterator<Item = u32> + '_ {
    let header = header_row(sheet).unwrap_or(u32::MAX - 1);
    let text = move |r: u32, c: u16| match sheet.get(r, c) {
        Cell::Text(t) => t.trim(),
        _ => "",
    };
    (header + 1..sheet.height()).filter(move |&r| {
        text(r, SEVERITY_COL) == Severity::Error.chinese()
            && text(r, STATUS_COL).starts_with(TO_CONFIRM)
    })
}

/// The row of the 审核结果 header (序号 | 级别 | … | 处理).
fn header_row(sheet: &Sheet) -> Option<u32> {
    (0..sheet.height()).take(8).find(|&r| {
        AUDIT_HEADER
            .iter()
            .enumerate()
            .all(|(c, h)| matches!(sheet.get(r, c as u16), Cell::Text(t) if t.trim() == *h))
    })
}

/// The finding of 审核结果 line `row`: at the cell it links to (on the form's sheet), with the
/// line's own message and what to do.
fn finding_of_line(sheet: &Sheet, row: u32) -> Finding {
    let text = |c: u16| match sheet.get(row, c) {
        Cell::Text(t) => t.trim().to_string(),
        _ => String::new(),
    };
    let form = text(FORM_COL)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
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
        first_told(&text(MESSAGE_COL))
    );
    Finding::new(
        Severity::Error,
        LEFT_OPEN,
        &form,
        at_sheet,
        at_cell,
        message,
    )
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
    let current: Vec<&Finding> = findings
        .iter()
        .chain(also)
        .filter(|f| f.rule != LEFT_OPEN && f.severity == Severity::Error)
        .collect();
    let retold: Vec<bool> = findings
        .iter()
        .map(|item| {
            item.rule == LEFT_OPEN
                && current.iter().any(|f| {
                    (f.sheet == item.sheet && f.cell.is_some() && f.cell == item.cell)
                        || (!f.message.is_empty() && item.message.contains(&f.message))
                })
        })
        .collect();
    let mut keep = retold.into_iter().map(|r| !r);
    findings.retain(|_| keep.next().unwrap_or(true));
}
