//! A table of a PDF or Word document that no form was recognised in, yet holds figures: told with its pages and count, never skipped in silence.

use crate::findings::Finding;
use crate::form::Severity;
use crate::read::{is_unit_line, Cell, Format, Sheet, Workbook};
use rust_decimal::Decimal;

/// The rule of the finding on a document's table whose figures were not read.
pub const TABLE_NOT_READ: &str = "table-not-read";

/// The finding for a skipped sheet of a PDF or Word document that holds figures: an error
/// when the table has no title either (its numbers are left for a person to place), a
/// warning when it has a title no form bears (another region's or the unit's own table).
/// `None` for a workbook's sheet (extra sheets are a workbook's own business) or a table
/// without figures.
pub(super) fn unread_table(wb: &Workbook, sheet: &Sheet) -> Option<Finding> {
    if !matches!(wb.format, Format::Pdf | Format::Docx) {
        return None;
    }
    let figures: Vec<(u32, u16)> = (sheet.cells())
        .filter(|(_, _, c)| matches!(c, Cell::Number(d) if looks_like_an_amount(*d)))
        .map(|(r, c, _)| (r, c))
        .collect();
    let &(row, col) = figures.first()?;
    let at = crate::cellref::a1(row, col);
    let pages = pages_of(sheet);
    let name = &sheet.name;
    let n = figures.len();
    let (severity, message) = match title_of(sheet) {
        None => (
            Severity::Error,
            format!(
                "{pages}的表格（工作表“{name}”）有 {n} 个数值，但没有标题，也未能按表内栏目与行名认定为\
                 任何标准表格：这些数值未读入、未审核。请核对该表是哪一张表（标题是否印在上一页末尾），\
                 或用 fiscalform explain 查看读取情况"
            ),
        ),
        Some(title) => (
            Severity::Warning,
            format!(
                "{pages}的表格“{title}”有 {n} 个数值，未识别为任何标准表格（标题或表号不符），\
                 这些数值未读入、未审核；如该表是标准表格之一，请核对其标题"
            ),
        ),
    };
    Some(Finding::new(
        severity,
        TABLE_NOT_READ,
        "",
        Some(name.clone()),
        Some(at),
        message,
    ))
}

/// Whether a number printed in a document's table looks like an amount: shown with decimals
/// (526.36, 0.00), or too large for a 序号, a count or a year (an amount in 元 printed whole).
/// The serial numbers of a list of units (序号 1, 2, 3) are no figures left unread.
fn looks_like_an_amount(n: Decimal) -> bool {
    n.scale() > 0 || n.abs() >= Decimal::from(10_000)
}

/// `第3页` or `第3–5页`; `Word 文档中` for a document without pages.
fn pages_of(sheet: &Sheet) -> String {
    let printed = || sheet.row_pages.iter().copied().filter(|&p| p > 0);
    match (printed().min(), printed().max()) {
        (Some(a), Some(b)) if a == b => format!("第{a}页"),
        (Some(a), Some(b)) => format!("第{a}–{b}页"),
        _ => "Word 文档中".into(),
    }
}

/// The table's title: the one text of its first row (a title is laid out merged across the
/// table; a header row has several words), when it is no unit line.
fn title_of(sheet: &Sheet) -> Option<String> {
    let mut first = sheet.row(0).filter(|(_, c)| !c.is_empty());
    let (_, cell) = first.next()?;
    let text = cell.as_text()?.trim();
    let alone = first.next().is_none();
    (alone && !text.is_empty() && !is_unit_line(text)).then(|| text.to_string())
}
