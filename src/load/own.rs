//! The sheets fiscalform itself writes into a workbook (审核结果, 汇总明细, the values kept
//! beside a form): their names and headers, by which a later run knows them and does not take
//! them for forms a clerk filled.

use crate::read::{Cell, Sheet, Workbook};

/// Name of the first sheet fix writes.
pub const AUDIT_SHEET: &str = "审核结果";
/// Header of the 审核结果 table (also how a later run knows the sheet is ours).
pub const AUDIT_HEADER: [&str; 7] = ["序号", "级别", "表", "单元格", "规则", "说明", "处理"];
/// The columns that identify a 审核结果 sheet of this or an earlier version.
const AUDIT_HEADER_KEY: usize = 3;
/// What 处理 says of an item fix leaves for a person; a later check tells it again while the
/// line still says so.
pub const TO_CONFIRM: &str = "需人工核对";
/// Row of the header in the 审核结果 sheet.
pub const AUDIT_HEADER_ROW: u32 = 2;
/// Suffix of the sheet beside a form that keeps the values found outside it.
pub const STRAY_SUFFIX: &str = "（表外内容）";
/// Name of the sheet a merge writes showing each unit's share of each total.
pub const DETAIL_SHEET: &str = "汇总明细";
/// The headings of 汇总明细's first columns (the units' columns follow), and the row they are
/// on: also how a later run knows the sheet is ours, not a form.
pub const DETAIL_LEAD: [&str; 4] = ["表号", "表", "项目", "汇总方式"];
pub const DETAIL_HEADER_ROW: u32 = 2;

/// Whether a sheet is the 审核结果 sheet a previous fix wrote: by its name and the start of
/// its header, or — printed to PDF, where the name is lost — by its whole header near the top.
pub fn is_own_audit_sheet(sheet: &Sheet) -> bool {
    audit_header_row(sheet).is_some()
}

/// The row of the header of the 审核结果 sheet a previous fix wrote (see
/// [`is_own_audit_sheet`]); its lines are the rows below it.
pub fn audit_header_row(sheet: &Sheet) -> Option<u32> {
    let header_at = |row: u32, columns: usize| {
        AUDIT_HEADER
            .iter()
            .take(columns)
            .enumerate()
            .all(|(c, h)| matches!(sheet.get(row, c as u16), Cell::Text(t) if t == h))
    };
    if sheet.name.starts_with(AUDIT_SHEET) && header_at(AUDIT_HEADER_ROW, AUDIT_HEADER_KEY) {
        return Some(AUDIT_HEADER_ROW);
    }
    (0..=AUDIT_HEADER_ROW + 2).find(|&r| header_at(r, AUDIT_HEADER.len()))
}

/// Whether a sheet is the 汇总明细 a merge wrote: by its name and the start of its header.
pub fn is_own_detail_sheet(sheet: &Sheet) -> bool {
    sheet.name.starts_with(DETAIL_SHEET)
        && DETAIL_LEAD
            .iter()
            .enumerate()
            .all(|(c, h)| matches!(sheet.get(DETAIL_HEADER_ROW, c as u16), Cell::Text(t) if t == h))
}

/// For a sheet in which a previous fix kept the values found outside a form: the name of the
/// form's sheet (`公开01表（表外内容）` beside `公开01表`).
pub fn kept_values_of<'w>(wb: &'w Workbook, sheet: &Sheet) -> Option<&'w str> {
    let base = sheet.name.strip_suffix(STRAY_SUFFIX)?;
    wb.sheets
        .iter()
        .find(|s| s.name == base)
        .map(|s| s.name.as_str())
}

/// Whether the sheet named `name` is one fiscalform wrote (审核结果, 汇总明细, the values kept
/// beside a form), not a form a clerk filled, whatever text it holds.
pub fn is_own_sheet(wb: &Workbook, name: &str) -> bool {
    wb.sheet(name).is_some_and(|s| {
        is_own_audit_sheet(s) || is_own_detail_sheet(s) || kept_values_of(wb, s).is_some()
    })
}
