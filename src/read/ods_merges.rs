//! Reads the merged regions of an .ods workbook from its `content.xml`, which calamine 0.38 does not report.
//!
//! In OpenDocument a merge is a `table:table-cell` with `table:number-columns-spanned` and/or
//! `table:number-rows-spanned` greater than 1; the cells it covers follow as
//! `table:covered-table-cell`. Positions are counted the way calamine counts them for values:
//! every `table:table-row` advances by its `table:number-rows-repeated`, every cell or covered
//! cell by its `table:number-columns-repeated`, wherever the row sits (header rows, row groups).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{merge_from_bounds, Merge, MAX_COLS, MAX_ROWS};

/// Merged regions of each top-level sheet, in document order, as (sheet name, merges).
pub(crate) fn read(path: &Path) -> Result<Vec<(String, Vec<Merge>)>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    read_from(BufReader::new(file))
}

pub(crate) fn read_from<R: Read + Seek>(reader: R) -> Result<Vec<(String, Vec<Merge>)>, String> {
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
}

fn parse<R: std::io::BufRead>(input: R) -> Result<Vec<(String, Vec<Merge>)>, String> {
    let mut xml = Reader::from_reader(input);
    xml.config_mut().check_end_names = false;
    let mut sheets: Vec<(String, Vec<Merge>)> = Vec::new();
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
    sheets: &mut Vec<(String, Vec<Merge>)>,
) -> Result<(), String> {
    match e.name().as_ref() {
        "table:table" => {
            if st.table_depth == 0 {
                let name = attr_text(e, "table:name")?.unwrap_or_default();
                sheets.push((name, Vec::new()));
                st.row = 0;
                st.col = 0;
                st.in_row = false;
                st.cell_depth = 0;
            }
            if !empty {
                st.table_depth += 1;
            }
        }
        "table:table-row" if st.table_depth == 1 && st.cell_depth == 0 => {
            st.row_repeats = attr_count(e, "table:number-rows-repeated")?;
            st.in_row = true;
            st.col = 0;
            if empty {
                end_row(st);
            }
        }
        name @ ("table:table-cell" | "table:covered-table-cell")
            if st.table_depth == 1 && st.cell_depth == 0 && st.in_row =>
        {
            let col_repeats = attr_count(e, "table:number-columns-repeated")?;
            if name == "table:table-cell" {
                let cols = attr_count(e, "table:number-columns-spanned")?;
                let rows = attr_count(e, "table:number-rows-spanned")?;
                if cols > 1 || rows > 1 {
                    if let Some((_, merges)) = sheets.last_mut() {
                        push_merges(merges, st, col_repeats, rows, cols);
                    }
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
        assert_eq!(sheets[0].0, "公开01表");
        assert_eq!(
            sheets[0].1,
            vec![m(0, 0, 0, 2), m(0, 3, 0, 5), m(4, 2, 5, 3)]
        );
        assert_eq!(sheets[1].0, "A&B");
        assert_eq!(sheets[1].1, vec![m(0, 1, 1, 1)]);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(read_from(std::io::Cursor::new(b"not a zip".to_vec())).is_err());
        // Malformed XML must come back as a value (Ok or Err), never a panic.
        let _ =
            parse("<a><b></a>&bogus;<table:table-row table:number-rows-repeated=\"x\">".as_bytes());
    }
}
