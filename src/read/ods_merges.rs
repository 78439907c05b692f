//! Reads the merged regions and the percentage cells of an .ods workbook from its `content.xml`, which calamine 0.38 does not report.
//!
//! In OpenDocument a merge is a `table:table-cell` with `table:number-columns-spanned` and/or
//! `table:number-rows-spanned` greater than 1; the cells it covers follow as
//! `table:covered-table-cell`. Positions are counted the way calamine counts them for values:
//! every `table:table-row` advances by its `table:number-rows-repeated`, every cell or covered
//! cell by its `table:number-columns-repeated`, wherever the row sits (header rows, row groups).
//! A cell of `office:value-type="percentage"` stores 1.0533 for what it shows as 105.33%.
//! A `table:table-row` or `table:table-column` with `table:visibility` "collapse" or "filter"
//! is hidden (last year's copy a clerk hid, or a collapsed outline).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::hidden_lines::HiddenLines;
use super::{merge_from_bounds, Merge, MAX_COLS, MAX_ROWS};

/// What one top-level sheet holds that calamine does not report.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct OdsSheet {
    pub name: String,
    pub merges: Vec<Merge>,
    /// The cells (row, column) whose values are percentages, up to [`MAX_PERCENT_CELLS`].
    pub percent_cells: Vec<(u32, u16)>,
    /// The rows (up to [`MAX_HIDDEN_ROWS`]) and columns it hides.
    pub hidden: HiddenLines,
}

/// A bound on the hidden rows recorded per sheet: a hidden row repeated to the sheet's end
/// holds nothing to read.
const MAX_HIDDEN_ROWS: usize = 100_000;

/// A bound on the percentage cells recorded per sheet (a repeated cell counts each copy): a
/// table's rates are a few hundred at most.
const MAX_PERCENT_CELLS: usize = 100_000;

/// Each top-level sheet's merged regions and percentage cells, in document order.
pub(crate) fn read(path: &Path) -> Result<Vec<OdsSheet>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    read_from(BufReader::new(file))
}

pub(crate) fn read_from<R: Read + Seek>(reader: R) -> Result<Vec<OdsSheet>, String> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| format!("zip: {e}"))?;
    let content = zip
        .by_name("content.xml")
        .map_err(|e| format!("content.xml: {e}"))?;
    parse(BufReader::new(content))
}

#[derive(Default)]
struct State {
    /// Nesting depth of `table:table` (sub-tables inside cells are ignored).
    table_depth: u32,
    /// Nesting depth of cells inside the current top-level table.
    cell_depth: u32,
    row: u64,
    row_repeats: u64,
    in_row: bool,
    col: u64,
    /// Columns declared so far by `table:table-column` elements.
    declared_cols: u64,
}

fn parse<R: std::io::BufRead>(input: R) -> Result<Vec<OdsSheet>, String> {
    let mut xml = Reader::from_reader(input);
    xml.config_mut().check_end_names = false;
    let mut sheets: Vec<OdsSheet> = Vec::new();
    let mut st = State::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| format!("content.xml at byte {}: {e}", xml.buffer_position()))?;
        match event {
            Event::Start(e) => start(&e, false, &mut st, &mut sheets)?,
            Event::Empty(e) => start(&e, true, &mut st, &mut sheets)?,
            Event::End(e) => match e.name().as_ref() {
                "table:table" => st.table_depth = st.table_depth.saturating_sub(1),
                "table:table-row" if st.table_depth == 1 && st.cell_depth == 0 => end_row(&mut st),
                "table:table-cell" | "table:covered-table-cell" if st.table_depth == 1 => {
                    st.cell_depth = st.cell_depth.saturating_sub(1)
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    for sheet in &mut sheets {
        sheet.hidden = std::mem::take(&mut sheet.hidden).finish();
    }
    Ok(sheets)
}

fn end_row(st: &mut State) {
    st.row = st.row.saturating_add(st.row_repeats);
    st.in_row = false;
    st.col = 0;
}

fn start(
    e: &BytesStart<'_>,
    empty: bool,
    st: &mut State,
    sheets: &mut Vec<OdsSheet>,
) -> Result<(), String> {
    match e.name().as_ref() {
        "table:table" => {
            if st.table_depth == 0 {
                let name = attr_text(e, "table:name")?.unwrap_or_default();
                sheets.push(OdsSheet {
                    name,
                    ..OdsSheet::default()
                });
                st.row = 0;
                st.col = 0;
                st.in_row = false;
                st.cell_depth = 0;
                st.declared_cols = 0;
            }
            if !empty {
                st.table_depth += 1;
            }
        }
        "table:table-row" if st.table_depth == 1 && st.cell_depth == 0 => {
            st.row_repeats = attr_count(e, "table:number-rows-repeated")?;
            if let (true, Some(sheet)) = (is_hidden(e)?, sheets.last_mut()) {
                hide_rows(&mut sheet.hidden, st);
            }
            st.in_row = true;
            st.col = 0;
            if empty {
                end_row(st);
            }
        }
        "table:table-column" if st.table_depth == 1 && st.cell_depth == 0 => {
            let repeats = attr_count(e, "table:number-columns-repeated")?;
            if let (true, Some(sheet)) = (is_hidden(e)?, sheets.last_mut()) {
                hide_cols(&mut sheet.hidden, st.declared_cols, repeats);
            }
            st.declared_cols = st.declared_cols.saturating_add(repeats);
        }
        name @ ("table:table-cell" | "table:covered-table-cell")
            if st.table_depth == 1 && st.cell_depth == 0 && st.in_row =>
        {
            let col_repeats = attr_count(e, "table:number-columns-repeated")?;
            if let (true, Some(sheet)) = (name == "table:table-cell", sheets.last_mut()) {
                let cols = attr_count(e, "table:number-columns-spanned")?;
                let rows = attr_count(e, "table:number-rows-spanned")?;
                if cols > 1 || rows > 1 {
                    push_merges(&mut sheet.merges, st, col_repeats, rows, cols);
                }
                if attr_text(e, "office:value-type")?.as_deref() == Some("percentage") {
                    push_copies(&mut sheet.percent_cells, st, col_repeats);
                }
            }
            st.col = st.col.saturating_add(col_repeats);
            if !empty {
                st.cell_depth += 1;
            }
        }
        "table:table-cell" | "table:covered-table-cell" if st.table_depth == 1 && !empty => {
            st.cell_depth += 1;
        }
        _ => {}
    }
    Ok(())
}

/// One merge per copy of a (rarely) repeated merged cell in a (rarely) repeated row.
fn push_merges(merges: &mut Vec<Merge>, st: &State, col_repeats: u64, rows: u64, cols: u64) {
    let row_copies = st.row_repeats.min(MAX_ROWS as u64);
    let col_copies = col_repeats.min(MAX_COLS as u64);
    for dr in 0..row_copies {
        let r = st.row + dr;
        if r >= MAX_ROWS as u64 {
            break;
        }
        for dc in 0..col_copies {
            let c = st.col + dc;
            if c >= MAX_COLS as u64 {
                break;
            }
            let last_r = (r + rows - 1).min(MAX_ROWS as u64 - 1);
            let last_c = (c + cols - 1).min(MAX_COLS as u64 - 1);
            if let Some(m) = merge_from_bounds(r as u32, c as u32, last_r as u32, last_c as u32) {
                merges.push(m);
            }
        }
    }
}

/// The cell at the scan's place, once per copy of a repeated cell in a repeated row, while
/// under [`MAX_PERCENT_CELLS`].
fn push_copies(cells: &mut Vec<(u32, u16)>, st: &State, col_repeats: u64) {
    for dr in 0..st.row_repeats {
        for dc in 0..col_repeats {
            let (r, c) = (st.row + dr, st.col + dc);
            if r >= MAX_ROWS as u64 || c >= MAX_COLS as u64 || cells.len() >= MAX_PERCENT_CELLS {
                return;
            }
            cells.push((r as u32, c as u16));
        }
    }
}

/// Whether a row or column element is hidden: collapsed (by hand or an outline) or filtered.
fn is_hidden(e: &BytesStart<'_>) -> Result<bool, String> {
    let visibility = attr_text(e, "table:visibility")?;
    Ok(matches!(visibility.as_deref(), Some("collapse" | "filter")))
}

/// The rows of the scan's (repeated) row, hidden, while under [`MAX_HIDDEN_ROWS`].
fn hide_rows(lines: &mut HiddenLines, st: &State) {
    let room = MAX_HIDDEN_ROWS.saturating_sub(lines.rows.len()) as u64;
    let last = (st.row.saturating_add(st.row_repeats.min(room))).min(MAX_ROWS as u64);
    lines.rows.extend((st.row..last).map(|r| r as u32));
}

/// `repeats` columns from `first`, hidden (those past the sheet's last column dropped).
fn hide_cols(lines: &mut HiddenLines, first: u64, repeats: u64) {
    let last = first.saturating_add(repeats - 1).min(MAX_COLS as u64 - 1);
    if first <= last {
        lines.cols.push((first as u16, last as u16));
    }
}

fn attr_text(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    match e.try_get_attribute(name).map_err(|e| e.to_string())? {
        Some(a) => a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| Some(v.into_owned()))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// A repeat or span count; absent, zero or unparsable counts as 1.
fn attr_count(e: &BytesStart<'_>, name: &str) -> Result<u64, String> {
    let Some(a) = e.try_get_attribute(name).map_err(|e| e.to_string())? else {
        return Ok(1);
    };
    let n = a.value.trim().parse::<u64>().unwrap_or(1);
    Ok(n.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(r1: u32, c1: u16, r2: u32, c2: u16) -> Merge {
        Merge {
            first_row: r1,
            first_col: c1,
            last_row: r2,
            last_col: c2,
        }
    }

    #[test]
    fn spans_repeats_groups_and_subtables() {
        let xml = r#"<?xml version="1.0"?>
<office:document-content><office:body><office:spreadsheet>
<table:table table:name="公开01表">
  <table:table-column table:number-columns-repeated="6"/>
  <table:table-header-rows>
    <table:table-row><table:table-cell table:number-columns-spanned="3"><text:p>收入</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell table:number-columns-spanned="3"/><table:covered-table-cell table:number-columns-repeated="2"/></table:table-row>
  </table:table-header-rows>
  <table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
  <table:table-row-group>
    <table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="2"><table:table table:name="sub"><table:table-row><table:table-cell table:number-columns-spanned="9"/></table:table-row></table:table></table:table-cell><table:covered-table-cell/></table:table-row>
    <table:table-row><table:covered-table-cell table:number-columns-repeated="4"/><table:table-cell/></table:table-row>
  </table:table-row-group>
  <table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
</table:table>
<table:table table:name="A&amp;B"><table:table-row><table:table-cell/><table:table-cell table:number-rows-spanned="2"/></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse(xml.as_bytes()).unwrap();
        assert_eq!(sheets.len(), 2);
        assert_eq!(sheets[0].name, "公开01表");
        assert_eq!(
            sheets[0].merges,
            vec![m(0, 0, 0, 2), m(0, 3, 0, 5), m(4, 2, 5, 3)]
        );
        assert_eq!(sheets[1].name, "A&B");
        assert_eq!(sheets[1].merges, vec![m(0, 1, 1, 1)]);
        assert!(sheets.iter().all(|s| s.percent_cells.is_empty()));
    }

    #[test]
    fn percentage_cells_are_found_where_calamine_counts_them() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet>
<table:table table:name="附件1">
  <table:table-row><table:table-cell table:number-columns-spanned="2"/><table:covered-table-cell/><table:table-cell office:value-type="percentage" office:value="1.0533"/></table:table-row>
  <table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" office:value="3"/><table:table-cell office:value-type="percentage" office:value="0.5" table:number-columns-repeated="2"/></table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse(xml.as_bytes()).unwrap();
        assert_eq!(
            sheets[0].percent_cells,
            vec![(0, 2), (1, 1), (1, 2), (2, 1), (2, 2)]
        );
    }

    #[test]
    fn hidden_rows_and_columns_with_their_repeats() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet>
<table:table table:name="公开02表">
  <table:table-column table:number-columns-repeated="2"/>
  <table:table-column-group><table:table-column table:visibility="collapse" table:number-columns-repeated="2"/></table:table-column-group>
  <table:table-column table:visibility="filter"/><table:table-column table:number-columns-repeated="1019"/>
  <table:table-row><table:table-cell/></table:table-row>
  <table:table-row table:visibility="collapse" table:number-rows-repeated="2"><table:table-cell/></table:table-row>
  <table:table-row-group><table:table-row table:visibility="filter"><table:table-cell><table:table table:name="sub"><table:table-row table:visibility="collapse"/></table:table></table:table-cell></table:table-row></table:table-row-group>
  <table:table-row table:visibility="collapse" table:number-rows-repeated="1048570"><table:table-cell/></table:table-row>
</table:table>
<table:table table:name="公开03表"><table:table-column table:visibility="collapse" table:number-columns-repeated="99999"/><table:table-row><table:table-cell/></table:table-row></table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        let sheets = parse(xml.as_bytes()).unwrap();
        let hidden = &sheets[0].hidden;
        assert_eq!(hidden.rows[..4], [1, 2, 3, 4]);
        assert_eq!(hidden.rows.len(), MAX_HIDDEN_ROWS);
        assert_eq!(hidden.cols, vec![(2, 3), (4, 4)]);
        assert_eq!(sheets[1].hidden.cols, vec![(0, (MAX_COLS - 1) as u16)]);
        assert!(sheets[1].hidden.rows.is_empty());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_from(std::io::Cursor::new(b"not a zip".to_vec())).is_err());
        // Malformed XML must come back as a value (Ok or Err), never a panic.
        let _ =
            parse("<a><b></a>&bogus;<table:table-row table:number-rows-repeated=\"x\">".as_bytes());
    }
}
