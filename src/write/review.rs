//! The review workbook (审核汇总.xlsx): one sheet per review table, printable on A4 landscape,
//! with a frozen header, an autofilter, levels coloured as in 审核结果 and files linked. The
//! sheets are written row by row in constant memory: a batch of any size takes the same memory.

use super::{clip, wrapped_lines, WriteError, MAX_CELL_TEXT};
use crate::form::Severity;
use crate::review::{entry_text, Entry, Table};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Url, Workbook, Worksheet};

/// The row of each sheet's column headings (title and note above it).
const HEADER_ROW: u32 = 2;

/// Rows of a sheet given the height of their wrapped text. Even in constant memory the writer
/// keeps every row's height until the end (about 700 bytes a row); past this many rows (some
/// 14 MB) the rest keep the default height, so that memory stays bounded whatever the batch.
const ROWS_WITH_HEIGHT: usize = 20_000;

/// Writes the workbook of `tables`, one sheet each in order, to `path` (whole, or not at all).
pub fn save(tables: [Table<'_>; 3], path: &std::path::Path) -> Result<(), WriteError> {
    let mut wb = Workbook::new();
    for t in tables {
        let ws = wb.add_worksheet_with_constant_memory()?;
        sheet(ws, t).map_err(|e| match e {
            SheetError::Xlsx(e) => WriteError::Xlsx(e),
            SheetError::Rows(err) => WriteError::Io {
                path: path.to_path_buf(),
                err,
            },
        })?;
    }
    super::save_atomic(&mut wb, path)
}

/// Why a sheet could not be written: the writer, or the rows read back from their spool.
enum SheetError {
    Xlsx(rust_xlsxwriter::XlsxError),
    Rows(std::io::Error),
}

impl From<rust_xlsxwriter::XlsxError> for SheetError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        SheetError::Xlsx(e)
    }
}

struct Formats {
    cell: Format,
    money: Format,
    count: Format,
    link: Format,
    error: Format,
    warning: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        Formats {
            money: cell.clone().set_num_format("#,##0.00"),
            count: cell.clone().set_num_format("0"),
            link: cell
                .clone()
                .set_font_color("#0563C1")
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            error: cell.clone().set_background_color("#F8C9C4"),
            warning: cell.clone().set_background_color("#FFE699"),
            cell,
        }
    }
}

fn sheet(ws: &mut Worksheet, t: Table<'_>) -> Result<(), SheetError> {
    ws.set_name(t.name)?;
    let f = Formats::new();
    let last_col = t.columns.len().saturating_sub(1) as u16;
    let title = Format::new()
        .set_font_name("黑体")
        .set_font_size(14)
        .set_bold();
    let heading = match t.name {
        "汇总" => "审核汇总".to_string(),
        other => format!("审核汇总·{other}"),
    };
    ws.write_string_with_format(0, 0, heading, &title)?;
    let note = Format::new().set_font_name("宋体").set_font_size(10);
    ws.write_string_with_format(1, 0, &t.note, &note)?;
    let head = f
        .cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    for (c, (name, width)) in t.columns.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, name, &head)?;
        ws.set_column_width(c as u16, *width)?;
    }
    // Known before the rows, which in constant memory must come in order and last.
    let last_row = HEADER_ROW + t.len as u32;
    super::set_up_list(ws, HEADER_ROW, last_row, last_col)?;
    for (i, row) in t.rows.enumerate() {
        let row = row.map_err(SheetError::Rows)?;
        let r = HEADER_ROW + 1 + i as u32;
        for (c, entry) in row.iter().enumerate() {
            write_entry(ws, r, c as u16, entry, &f)?;
        }
        if i < ROWS_WITH_HEIGHT {
            let lines = row
                .iter()
                .zip(&t.columns)
                .map(|(e, (_, w))| wrapped_lines(&entry_text(e), *w))
                .max()
                .unwrap_or(1);
            ws.set_row_height(r, super::wrapped_row_height(lines))?;
        }
    }
    Ok(())
}

fn write_entry(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    entry: &Entry,
    f: &Formats,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    match entry {
        Entry::Text(s) => ws.write_string_with_format(r, c, clip(s, MAX_CELL_TEXT), &f.cell)?,
        Entry::Count(n) => ws.write_number_with_format(r, c, *n as f64, &f.count)?,
        Entry::Money(d) => {
            ws.write_number_with_format(r, c, d.to_f64().unwrap_or_default(), &f.money)?
        }
        Entry::Level(s) => {
            let fmt = match s {
                Severity::Error => &f.error,
                Severity::Warning => &f.warning,
                Severity::Info => &f.cell,
            };
            ws.write_string_with_format(r, c, s.chinese(), fmt)?
        }
        Entry::File(path) => write_file_link(ws, r, c, path, &f.link)?,
        Entry::Empty => ws.write_blank(r, c, &f.cell)?,
    };
    Ok(())
}

/// A file's name linked to it: as a HYPERLINK formula (a cell like any other, streamed with
/// its row), or where the link is too long for a formula's text, as a worksheet link.
fn write_file_link<'w>(
    ws: &'w mut Worksheet,
    r: u32,
    c: u16,
    path: &str,
    link: &Format,
) -> Result<&'w mut Worksheet, rust_xlsxwriter::XlsxError> {
    let name = std::path::Path::new(path)
        .file_name()
        .map_or(path.to_string(), |n| n.to_string_lossy().to_string());
    let url = file_url(path);
    // Excel takes at most 255 characters in a formula's string.
    if url.chars().count() > 255 || name.chars().count() > 255 {
        return ws.write_url_with_format(r, c, Url::new(url).set_text(name), link);
    }
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let formula = format!("=HYPERLINK({},{})", quoted(&url), quoted(&name));
    ws.write_formula_with_format(r, c, Formula::new(formula).set_result(name), link)
}

/// A `file:///` link to `path`, absolute so the workbook can be moved.
fn file_url(path: &str) -> String {
    let p = std::path::Path::new(path);
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let text = abs.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches('/');
    format!("file:///{text}")
}
