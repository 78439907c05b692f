//! Reads a Word document (.docx): every top-level table (`w:tbl`, with `w:gridSpan` and `w:vMerge` merges) as a grid and the paragraphs between them as lines, in document order.
//!
//! A cell's paragraphs are joined with line breaks; a small table nested inside a cell adds
//! its paragraphs to that cell's text, while a table that only wraps another as large as it
//! (a 1×1 frame around a form) gives the tables and paragraphs it holds, in order. A page
//! break typed outside tables is kept, to tell a 目录 page from the lines of a table's own page. `w:gridBefore` skips leading grid columns of a row. Of a
//! text box stored twice (`mc:AlternateContent`), one copy is read. Only
//! `word/document.xml` is read, through an inflate cap, so a zip bomb cannot exhaust memory.

use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::alternate::Alternates;
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

/// The cell being read in a table.
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

/// How deep tables are followed into cells; deeper ones only add their text to the cells.
const MAX_DEPTH: usize = 8;

/// One table being read, the outermost first.
#[derive(Default)]
struct Frame {
    table: TableGrid,
    row: Vec<String>,
    col: u32,
    cell: Option<CellState>,
    /// The merge a vertical merge started in each column, by index into `table.merges`.
    open_vmerge: Vec<Option<usize>>,
    /// The table's content as blocks in document order — its cells' own paragraphs as lines,
    /// the tables nested in them as tables — for a table that only wraps others.
    inner: Vec<Block>,
    /// The most rows of a table nested in it.
    nested_rows: usize,
}

impl Frame {
    /// Whether the table only lays out what it holds: a table nested in it of two rows or
    /// more has as many rows as it (a 1×1 frame around a whole form); a small table inside a
    /// cell of a real one is part of that cell's text.
    fn wraps(&self) -> bool {
        self.nested_rows >= 2 && self.nested_rows >= self.table.rows.len()
    }
}

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    /// The tables being read, the innermost last.
    frames: Vec<Frame>,
    /// Tables nested deeper than [`MAX_DEPTH`], being passed through.
    too_deep: u32,
    paragraph: String,
    in_text: bool,
}

fn parse<R: std::io::BufRead>(input: R) -> Result<Vec<Block>, String> {
    let mut xml = Reader::from_reader(input);
    xml.config_mut().check_end_names = false;
    let mut st = State::default();
    let mut alternates = Alternates::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let event = xml
            .read_event_into(&mut buf)
            .map_err(|e| format!("word/document.xml 第 {} 字节: {e}", xml.buffer_position()))?;
        match event {
            Event::Start(e) if alternates.start(&e, false) => start(&e, &mut st)?,
            Event::Empty(e) if alternates.start(&e, true) => {
                start(&e, &mut st)?;
                end(e.name().as_ref(), &mut st)?;
            }
            Event::End(e) if alternates.end(e.name().as_ref()) => end(e.name().as_ref(), &mut st)?,
            Event::Text(t) if st.in_text && alternates.reading() => {
                st.paragraph.push_str(&t.xml10_content())
            }
            Event::GeneralRef(r) if st.in_text && alternates.reading() => {
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
    let name = e.name();
    let name = name.as_ref();
    if name == "w:tbl" {
        if st.frames.len() < MAX_DEPTH && st.too_deep == 0 {
            st.frames.push(Frame::default());
        } else {
            st.too_deep += 1;
        }
        return Ok(());
    }
    match name {
        "w:p" => st.paragraph.clear(),
        "w:t" => st.in_text = true,
        "w:tab" if !st.in_text => st.paragraph.push(' '),
        "w:br" if st.frames.is_empty() && attr(e, "w:type")?.as_deref() == Some("page") => {
            break_page(st)
        }
        "w:br" | "w:cr" => st.paragraph.push('\n'),
        _ => {}
    }
    if st.too_deep > 0 {
        return Ok(());
    }
    let Some(frame) = st.frames.last_mut() else {
        return Ok(());
    };
    match name {
        "w:tr" => {
            if frame.table.rows.len() as u32 >= MAX_ROWS {
                return Err(format!(
                    "表格超过 {MAX_ROWS} 行 / a table with too many rows"
                ));
            }
            frame.row.clear();
            frame.col = 0;
        }
        "w:gridBefore" if frame.cell.is_none() => {
            frame.col += count(e)?.min(MAX_COLS);
        }
        "w:tc" => {
            frame.cell = Some(CellState {
                span: 1,
                ..CellState::default()
            })
        }
        "w:gridSpan" => {
            if let Some(cell) = frame.cell.as_mut() {
                cell.span = span_value(e)?;
            }
        }
        "w:vMerge" => {
            if let Some(cell) = frame.cell.as_mut() {
                cell.vmerge = match attr(e, "w:val")?.as_deref() {
                    Some("restart") => VMerge::Restart,
                    _ => VMerge::Continue,
                };
            }
        }
        _ => {}
    }
    Ok(())
}

fn end(name: &str, st: &mut State) -> Result<(), String> {
    match name {
        "w:t" => st.in_text = false,
        "w:p" => end_paragraph(st),
        "w:tbl" if st.too_deep > 0 => st.too_deep -= 1,
        "w:tbl" => end_table(st),
        _ if st.too_deep > 0 => {}
        "w:tc" => {
            if let Some(frame) = st.frames.last_mut() {
                end_cell(frame)?;
            }
        }
        "w:tr" => {
            if let Some(frame) = st.frames.last_mut() {
                let row = std::mem::take(&mut frame.row);
                frame.table.rows.push(row);
            }
        }
        _ => {}
    }
    Ok(())
}

/// A table ends: a table that only wraps others gives what it holds, any other its grid —
/// to the document, or to the table it is nested in.
fn end_table(st: &mut State) {
    let Some(frame) = st.frames.pop() else {
        return;
    };
    let rows = frame.table.rows.len();
    let made = match frame.wraps() {
        true => frame.inner,
        false => vec![Block::Table(frame.table)],
    };
    match st.frames.last_mut() {
        Some(outer) => {
            outer.nested_rows = outer.nested_rows.max(rows);
            outer.inner.extend(made);
        }
        None => st.blocks.extend(made),
    }
}

/// A paragraph ends: its text goes to the cell of every table it is in (a small table
/// nested in a cell is part of the cell's text), and as a line of the innermost table's
/// content (see [`Frame::inner`]); outside tables, it is a line of the document.
fn end_paragraph(st: &mut State) {
    let text = std::mem::take(&mut st.paragraph);
    if st.frames.is_empty() {
        if !text.trim().is_empty() {
            st.blocks.push(Block::Line(Line::new(text.trim(), None)));
        }
        return;
    }
    for frame in &mut st.frames {
        if let Some(cell) = frame.cell.as_mut() {
            cell.paragraphs.push(text.clone());
        }
    }
    if let Some(innermost) = st.frames.last_mut().filter(|_| !text.trim().is_empty()) {
        innermost
            .inner
            .push(Block::Line(Line::new(text.trim(), None)));
    }
}

/// A page break outside tables: the paragraph's text so far is a line of the page before.
fn break_page(st: &mut State) {
    let text = std::mem::take(&mut st.paragraph);
    if !text.trim().is_empty() {
        st.blocks.push(Block::Line(Line::new(text.trim(), None)));
    }
    st.blocks.push(Block::PageBreak);
}

/// Places the finished cell at the current column and records its merge.
fn end_cell(frame: &mut Frame) -> Result<(), String> {
    let Some(cell) = frame.cell.take() else {
        return Ok(());
    };
    let (row, col) = (frame.table.rows.len() as u32, frame.col);
    let last_col = col + cell.span - 1;
    if last_col >= MAX_COLS {
        return Err(format!(
            "表格超过 {MAX_COLS} 列 / a table with too many columns"
        ));
    }
    let text = cell.paragraphs.join("\n");
    if frame.open_vmerge.len() <= last_col as usize {
        frame.open_vmerge.resize(last_col as usize + 1, None);
    }
    match cell.vmerge {
        VMerge::Continue => match frame.open_vmerge[col as usize] {
            Some(i) => frame.table.merges[i].last_row = row,
            None => place_text(frame, col, text),
        },
        VMerge::Restart | VMerge::None => {
            place_text(frame, col, text);
            let merge = Merge {
                first_row: row,
                first_col: col as u16,
                last_row: row,
                last_col: last_col as u16,
            };
            frame.table.merges.push(merge);
            let index = (cell.vmerge == VMerge::Restart).then_some(frame.table.merges.len() - 1);
            frame.open_vmerge[col as usize] = index;
        }
    }
    frame.col = last_col + 1;
    Ok(())
}

fn place_text(frame: &mut Frame, col: u32, text: String) {
    if text.is_empty() {
        return;
    }
    if frame.row.len() <= col as usize {
        frame.row.resize(col as usize + 1, String::new());
    }
    frame.row[col as usize] = text;
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
