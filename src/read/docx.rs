//! Reads a Word document (.docx): every top-level table (`w:tbl`, with `w:gridSpan` and `w:vMerge` merges) as a grid and the paragraphs between them as lines, in document order.
//!
//! A cell's paragraphs are joined with line breaks; a table nested inside a cell adds its
//! paragraphs to that cell's text. `w:gridBefore` skips leading grid columns of a row. Only
//! `word/document.xml` is read, through an inflate cap, so a zip bomb cannot exhaust memory.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::blocks::{Block, DocumentProblem, Line, TableGrid};
use super::{Merge, MAX_COLS, MAX_ROWS};

/// The most `word/document.xml` may inflate to (a 25-page disclosure is well under 5 MiB).
pub(crate) const MAX_DOCUMENT_XML: u64 = 64 * 1024 * 1024;
/// The most entries a .docx archive may list.
pub(crate) const MAX_ZIP_ENTRIES: usize = 10_000;

/// The document's content in reading order.
pub(crate) fn read_blocks<R: Read + Seek>(reader: R) -> Result<Vec<Block>, DocumentProblem> {
    let damaged = |detail: String| DocumentProblem::DocxDamaged { detail };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| damaged(format!("zip: {e}")))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(damaged(format!(
            "压缩包有 {} 个条目，超过上限 {MAX_ZIP_ENTRIES} / too many zip entries",
            zip.len()
        )));
    }
    let part = zip
        .by_name("word/document.xml")
        .map_err(|e| damaged(format!("word/document.xml: {e}")))?;
    let too_big = || {
        damaged(format!(
            "word/document.xml 解压后超过 {} MiB / inflates beyond the limit",
            MAX_DOCUMENT_XML >> 20
        ))
    };
    if part.size() > MAX_DOCUMENT_XML {
        return Err(too_big());
    }
    let mut xml = Vec::new();
    part.take(MAX_DOCUMENT_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| damaged(format!("word/document.xml: {e}")))?;
    if xml.len() as u64 > MAX_DOCUMENT_XML {
        return Err(too_big());
    }
    parse(BufReader::new(xml.as_slice())).map_err(damaged)
}

/// The cell being read in the top-level table.
#[derive(Default)]
struct CellState {
    span: u32,
    vmerge: VMerge,
    paragraphs: Vec<String>,
}

#[derive(Default, Clone, Copy, PartialEq)]
enum VMerge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    /// Nesting depth of `w:tbl`.
    tables: u32,
    table: TableGrid,
    row: Vec<String>,
    col: u32,
    cell: Option<CellState>,
    /// The merge a vertical merge started in each column, by index into `table.merges`.
    open_vmerge: Vec<Option<usize>>,
    paragraph: String,
    in_text: bool,
}

fn parse<R: std::io::BufRead>(input: R) -> Result<Vec<Block>, String> {
    let mut xml = Reader::from_reader(input);
    xml.config_mut().check_end_names = false;
    let mut st = State::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| format!("word/document.xml 第 {} 字节: {e}", xml.buffer_position()))?;
        match event {
            Event::Start(e) => start(&e, &mut st)?,
            Event::Empty(e) => {
                start(&e, &mut st)?;
                end(e.name().as_ref(), &mut st)?;
            }
            Event::End(e) => end(e.name().as_ref(), &mut st)?,
            Event::Text(t) if st.in_text => st.paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if st.in_text => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                        .unwrap_or_default()
                        .to_string(),
                };
                st.paragraph.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(st.blocks)
}

fn start(e: &BytesStart<'_>, st: &mut State) -> Result<(), String> {
    match e.name().as_ref() {
        "w:tbl" => {
            st.tables += 1;
            if st.tables == 1 {
                st.table = TableGrid::default();
                st.open_vmerge.clear();
            }
        }
        "w:tr" if st.tables == 1 => {
            if st.table.rows.len() as u32 >= MAX_ROWS {
                return Err(format!(
                    "表格超过 {MAX_ROWS} 行 / a table with too many rows"
                ));
            }
            st.row.clear();
            st.col = 0;
        }
        "w:gridBefore" if st.tables == 1 && st.cell.is_none() => {
            st.col += count(e)?.min(MAX_COLS);
        }
        "w:tc" if st.tables == 1 => {
            st.cell = Some(CellState {
                span: 1,
                ..CellState::default()
            })
        }
        "w:gridSpan" if st.tables == 1 => {
            if let Some(cell) = st.cell.as_mut() {
                cell.span = span_value(e)?;
            }
        }
        "w:vMerge" if st.tables == 1 => {
            if let Some(cell) = st.cell.as_mut() {
                cell.vmerge = match attr(e, "w:val")?.as_deref() {
                    Some("restart") => VMerge::Restart,
                    _ => VMerge::Continue,
                };
            }
        }
        "w:p" => st.paragraph.clear(),
        "w:t" => st.in_text = true,
        "w:tab" if !st.in_text => st.paragraph.push(' '),
        "w:br" | "w:cr" => st.paragraph.push('\n'),
        _ => {}
    }
    Ok(())
}

fn end(name: &str, st: &mut State) -> Result<(), String> {
    match name {
        "w:t" => st.in_text = false,
        "w:p" => end_paragraph(st),
        "w:tc" if st.tables == 1 => end_cell(st)?,
        "w:tr" if st.tables == 1 => {
            let row = std::mem::take(&mut st.row);
            st.table.rows.push(row);
        }
        "w:tbl" => {
            st.tables = st.tables.saturating_sub(1);
            if st.tables == 0 {
                st.blocks.push(Block::Table(std::mem::take(&mut st.table)));
            }
        }
        _ => {}
    }
    Ok(())
}

fn end_paragraph(st: &mut State) {
    let text = std::mem::take(&mut st.paragraph);
    match st.cell.as_mut() {
        Some(cell) => cell.paragraphs.push(text),
        None if st.tables == 0 && !text.trim().is_empty() => {
            st.blocks.push(Block::Line(Line::new(text.trim(), None)))
        }
        None => {}
    }
}

/// Places the finished cell at the current column and records its merge.
fn end_cell(st: &mut State) -> Result<(), String> {
    let Some(cell) = st.cell.take() else {
        return Ok(());
    };
    let (row, col) = (st.table.rows.len() as u32, st.col);
    let last_col = col + cell.span - 1;
    if last_col >= MAX_COLS {
        return Err(format!(
            "表格超过 {MAX_COLS} 列 / a table with too many columns"
        ));
    }
    let text = cell.paragraphs.join("\n");
    if st.open_vmerge.len() <= last_col as usize {
        st.open_vmerge.resize(last_col as usize + 1, None);
    }
    match cell.vmerge {
        VMerge::Continue => match st.open_vmerge[col as usize] {
            Some(i) => st.table.merges[i].last_row = row,
            None => place_text(st, col, text),
        },
        VMerge::Restart | VMerge::None => {
            place_text(st, col, text);
            let merge = Merge {
                first_row: row,
                first_col: col as u16,
                last_row: row,
                last_col: last_col as u16,
            };
            st.table.merges.push(merge);
            let index = (cell.vmerge == VMerge::Restart).then_some(st.table.merges.len() - 1);
            st.open_vmerge[col as usize] = index;
        }
    }
    st.col = last_col + 1;
    Ok(())
}

fn place_text(st: &mut State, col: u32, text: String) {
    if text.is_empty() {
        return;
    }
    if st.row.len() <= col as usize {
        st.row.resize(col as usize + 1, String::new());
    }
    st.row[col as usize] = text;
}

/// A `w:gridSpan` width: absent, zero or unreadable counts as 1.
fn span_value(e: &BytesStart<'_>) -> Result<u32, String> {
    Ok(count(e)?.clamp(1, MAX_COLS))
}

/// A `w:val` count; absent or unreadable counts as 0.
fn count(e: &BytesStart<'_>) -> Result<u32, String> {
    Ok(attr(e, "w:val")?
        .and_then(|v| v.trim().parse::<u32>().ok())
        .unwrap_or(0))
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    match e.try_get_attribute(name).map_err(|e| e.to_string())? {
        Some(a) => a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| Some(v.into_owned()))
            .map_err(|e| e.to_string()),
        None => Ok(None),
    }
}
