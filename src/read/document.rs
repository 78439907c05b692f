//! Lays out the tables of a document (PDF, Word) and the lines around them as the sheets a clerk would type, and keeps all its free text.
//!
//! A document reader hands over its content in reading order as [`Block`]s: lines of text and
//! tables already rebuilt into rows and columns. Each table becomes one sheet laid out like a
//! retyped table: the short lines just above it (附件一, the title, `单位：万元`) on top — the
//! title merged across the table, the unit line in the last column — then the table's rows,
//! then the notes right below it (注：…, 说明：…, 填表人：…). Every line of text, those copied
//! into a sheet included, is also kept as a [`Passage`] in reading order for narrative checks.

use std::collections::HashSet;
use std::path::Path;

use rust_decimal::Decimal;

use super::blocks::{Block, Line, TableGrid};
pub use super::blocks::{DocumentProblem, Passage};
use super::contents_page::{is_book_title, Pending};
use super::{
    continued, docx, pdf, quietly_catch_panic, Cell, Format, Merge, ReadError, Sheet, Workbook,
};
use super::{CellNote, CellNoteKind, ColumnNames};

/// What a document reader hands to [`super::Workbook`]: one sheet per table, all text, and
/// for PDF sheets the page of every row.
#[derive(Debug, Default)]
pub(crate) struct LaidOut {
    pub sheets: Vec<Sheet>,
    pub passages: Vec<Passage>,
    pub cell_notes: Vec<CellNote>,
}

/// Reads the PDF or Word document at `path` (its format already found by its content).
/// Never panics: a panic in the PDF library is reported as a damaged file.
pub(crate) fn read(
    path: &Path,
    format: Format,
    names: &dyn ColumnNames,
) -> Result<Workbook, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Unreadable {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    let problem = |problem| ReadError::Document {
        path: path.to_path_buf(),
        problem,
    };
    let blocks = match quietly_catch_panic(|| match format {
        Format::Pdf => pdf::read_blocks(&bytes, names),
        _ => docx::read_blocks(std::io::Cursor::new(&bytes)).map(continued::join_continued),
    }) {
        Ok(blocks) => blocks.map_err(problem)?,
        Err(panic) => {
            let detail = format!("解析器崩溃 / the parser crashed: {panic}");
            return Err(problem(match format {
                Format::Pdf => DocumentProblem::PdfDamaged { detail },
                _ => DocumentProblem::DocxDamaged { detail },
            }));
        }
    };
    if !blocks.iter().any(|b| matches!(b, Block::Table(_))) {
        let kind = if format == Format::Pdf { "PDF" } else { "Word" };
        return Err(problem(DocumentProblem::NoTables { kind }));
    }
    let laid = lay_out(blocks);
    Ok(Workbook {
        path: path.to_path_buf(),
        format,
        sheets: laid.sheets,
        text: laid.passages,
        cell_notes: laid.cell_notes,
    })
}

/// At most this many lines directly above a table are taken as its heading.
const MAX_HEADING_LINES: usize = 4;
/// A heading line (title, unit, 附件 label) is short; a longer line is prose.
const MAX_HEADING_CHARS: usize = 60;
/// What ends a sentence of a note.
const SENTENCE_ENDS: [char; 4] = ['。', '；', '.', ';'];
/// A line this long that ends mid-sentence was wrapped.
const MIN_WRAPPED_CHARS: usize = 30;
/// A field label above a table (`填报单位：`) is shorter still, and names one of these.
const MAX_LABEL_CHARS: usize = 12;
const FIELD_WORDS: [&str; 6] = ["单位", "部门", "名称", "年度", "日期", "编码"];
/// A piece of text starting this close (points) left of a column's edge is in that column.
const COLUMN_SLACK: f64 = 2.0;
/// Words that open a note under a table.
const NOTE_OPENERS: [&str; 8] = [
    "注",
    "说明",
    "备注",
    "填表人",
    "填报人",
    "填报日期",
    "单位负责人",
    "制表",
];

/// A table with the lines laid out with it: its heading, then parts — the table and its
/// notes, and a signature block printed as a table of its own below them.
struct Section {
    heading: Vec<Line>,
    parts: Vec<(TableGrid, Vec<Line>)>,
}

/// Lays the blocks out as sheets (see the module documentation).
pub(crate) fn lay_out(blocks: Vec<Block>) -> LaidOut {
    let mut out = LaidOut::default();
    let mut sections: Vec<Section> = Vec::new();
    let mut pending = Pending::default();
    let mut iter = Blocks::from(blocks);
    while let Some(block) = iter.pop_front() {
        match block {
            Block::Line(line) => {
                out.passages.push(line.passage());
                pending.lines.push(line);
            }
            Block::PageBreak => pending.breaks.push(pending.lines.len()),
            Block::Table(table) => {
                // A borderless Word table laying out the unit's line (编制单位：… | 单位：万元)
                // is lines of the heading, as printed.
                if let Some(lines) = field_lines(&table) {
                    for line in lines {
                        out.passages.push(line.passage());
                        pending.lines.push(line);
                    }
                    continue;
                }
                // A 目录 printed as a table (序号 | 表名 | 第N页) heads and holds no form.
                if is_contents_table(&table) {
                    continue;
                }
                let follows = pending.lines.is_empty();
                let page = table.pages.first().copied().filter(|&p| p > 0);
                let heading = take_heading(&mut pending, page);
                pending.clear();
                let closing = closing_notes_of_empty(&table, &mut iter, &mut out);
                let notes = take_notes(closing, &mut iter, &mut out, &mut pending);
                match sections.last_mut() {
                    Some(s) if follows && is_signature_block(&table) => {
                        s.parts.push((table, notes))
                    }
                    _ => sections.push(Section {
                        heading,
                        parts: vec![(table, notes)],
                    }),
                }
            }
        }
    }
    let mut names = HashSet::new();
    for section in sections {
        let name = sheet_name(&section.heading, out.sheets.len(), &mut names);
        out.cell_notes.extend(unpaired_columns(&name, &section));
        let (mut sheet, pages, maybe_cut, column_pages) = section_sheet(&name, section);
        out.cell_notes.extend(maybe_cut.into_iter().map(|row| {
            let page = pages.get(row as usize).copied().unwrap_or(0);
            CellNote::new(&name, row, 0, CellNoteKind::MaybeCutRow { page })
        }));
        if pages.iter().any(|p| *p > 0) {
            sheet.row_pages = pages;
        }
        sheet.column_pages = column_pages;
        out.sheets.push(sheet);
    }
    out
}

/// The warning on a section whose table seems to hold further columns of the table before
/// it, its rows pairing with none of that table's (see [`TableGrid::columns_of`]).
fn unpaired_columns(name: &str, section: &Section) -> Option<CellNote> {
    let (table, _) = section.parts.first()?;
    if table.columns_of.is_empty() {
        return None;
    }
    let mut pages = table.pages.clone();
    pages.dedup();
    let of = table.columns_of.clone();
    let row = section.heading.len() as u32;
    Some(CellNote::new(
        name,
        row,
        0,
        CellNoteKind::UnpairedColumns { pages, of },
    ))
}

/// The blocks still to lay out, first first: notes under a table are looked for ahead.
type Blocks = std::collections::VecDeque<Block>;

/// The notes under a table, taken from `blocks` after those already taken (`notes`), each
/// kept as a passage too. A line cut mid-sentence that could head a table is a note when its
/// sentence goes on below it on its page; else it is a line above what comes next (in
/// `pending`), and the notes end.
fn take_notes(
    mut notes: Vec<Line>,
    blocks: &mut Blocks,
    out: &mut LaidOut,
    pending: &mut Pending,
) -> Vec<Line> {
    loop {
        let may_go_on = |l: &Line| {
            continues_notes(notes.last(), l)
                || (cut_on_page_of(notes.last(), l) && !ends_like_a_title(l))
        };
        if !blocks
            .front()
            .is_some_and(|b| matches!(b, Block::Line(l) if may_go_on(l)))
        {
            return notes;
        }
        let Some(Block::Line(line)) = blocks.pop_front() else {
            return notes;
        };
        out.passages.push(line.passage());
        let goes_on =
            |b: &Block| matches!(b, Block::Line(l) if l.page == line.page && rest_of_sentence(l));
        if continues_notes(notes.last(), &line) || blocks.front().is_some_and(goes_on) {
            add_note(&mut notes, line);
        } else {
            pending.lines.push(line);
            return notes;
        }
    }
}

/// Most lines an empty table's 空表说明 closing its page takes (two notes, each wrapped).
const MAX_CLOSING_NOTE_LINES: usize = 4;
/// A bare number up to this is a 栏次 or 行次 in a table's header, no figure.
const MOST_MARK_NUMBER: u32 = 50;

/// The lines closing the page of `table` right under it when the table holds no figure:
/// its 空表说明, perhaps only the middle lines of a note wrapped in a row too low for it
/// (`本年度没有国有资本经营预算财`, its `说明：` and `故本表无数据。` cut away), so opening no
/// note. None of them may read as a title, a unit line or a section heading, and nothing
/// else may follow on the page: lines heading a table below are that table's.
fn closing_notes_of_empty(table: &TableGrid, blocks: &mut Blocks, out: &mut LaidOut) -> Vec<Line> {
    let Some(page) = table.pages.last().copied().filter(|&p| p > 0) else {
        return Vec::new();
    };
    let on_page = |b: &Block| matches!(b, Block::Line(l) if l.page == Some(page));
    let ahead: Vec<&Block> = blocks.iter().take(MAX_CLOSING_NOTE_LINES + 1).collect();
    let lines = ahead.iter().take_while(|b| on_page(b)).count();
    let page_ends = match ahead.get(lines) {
        None | Some(Block::PageBreak) => true,
        Some(Block::Line(l)) => l.page != Some(page),
        Some(Block::Table(t)) => t.pages.first() != Some(&page),
    };
    let notes_alike = ahead[..lines].iter().all(|b| match b {
        Block::Line(l) => {
            let t = l.text.trim();
            !ends_like_a_title(l) && !is_unit_line(t) && !is_section_heading(t)
        }
        _ => false,
    });
    if lines == 0
        || lines > MAX_CLOSING_NOTE_LINES
        || !page_ends
        || !notes_alike
        || holds_figures(table)
    {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for _ in 0..lines {
        if let Some(Block::Line(line)) = blocks.pop_front() {
            out.passages.push(line.passage());
            add_note(&mut notes, line);
        }
    }
    notes
}

/// Whether a cell of `table` holds a figure: a number other than zero and a header's 栏次.
fn holds_figures(table: &TableGrid) -> bool {
    let mark = rust_decimal::Decimal::from(MOST_MARK_NUMBER);
    table
        .rows
        .iter()
        .flatten()
        .any(|c| match cell_value(c.trim()) {
            Cell::Number(n) => !n.is_zero() && (!n.fract().is_zero() || n > mark),
            _ => false,
        })
}

/// Whether `line` may be the rest of a sentence cut above it: no note of its own, ending a
/// sentence or a clause leading on (`：`), or cut again.
fn rest_of_sentence(line: &Line) -> bool {
    let t = line.text.trim();
    !is_note(t) && (t.ends_with(SENTENCE_ENDS) || t.ends_with(['：', ':']) || is_wrapped(line))
}

/// Whether `line` ends as a table's title does (`…国有资本经营预算财政拨款收入支出决算表`,
/// `…情况表（续）`): a long title of the next table is no sentence cut mid-way.
fn ends_like_a_title(line: &Line) -> bool {
    let t = line.text.trim().trim_end_matches(['）', ')']);
    let t = t
        .strip_suffix("续")
        .map_or(t, |s| s.trim_end_matches(['（', '(']));
    t.ends_with('表')
}

/// Whether `line`, on the page of the note `last`, was cut mid-sentence.
fn cut_on_page_of(last: Option<&Line>, line: &Line) -> bool {
    last.is_some_and(|l| l.page == line.page) && is_wrapped(line)
}

/// Whether `line` belongs to the notes under a table, the last of them so far `last`: a
/// note, or on the note's page the rest of a note wrapped over lines, or any further line
/// that cannot head the next table (`2. 本套报表…。`, the 空表说明 `本单位没有…故本表无数据。`,
/// `…并在本表下方作下述说明：` leading into the next note). On the next page only a whole
/// sentence goes on with them: a 空表说明 the page break pushed over, above the next title.
fn continues_notes(last: Option<&Line>, line: &Line) -> bool {
    let t = line.text.trim();
    if is_note(t) {
        return true;
    }
    let Some(last) = last.filter(|_| !is_section_heading(t)) else {
        return false;
    };
    if last.page != line.page {
        return t.ends_with(SENTENCE_ENDS) && !is_heading(t);
    }
    is_wrapped(last) || t.ends_with(SENTENCE_ENDS) || !is_heading(t)
}
/// A PDF line cut where the text ran out of width: long, and ending mid-sentence. (A Word
/// paragraph is whole.)
fn is_wrapped(line: &Line) -> bool {
    let t = line.text.trim();
    line.page.is_some()
        && t.chars().count() >= MIN_WRAPPED_CHARS
        && !t.ends_with(SENTENCE_ENDS)
        && !t.ends_with(['：', ':'])
}

/// Adds a note line: the rest of a wrapped note joins it, a new sentence is a note of its own.
fn add_note(notes: &mut Vec<Line>, line: Line) {
    match notes.last_mut() {
        Some(last) if is_wrapped(last) && !is_note(&line.text) => {
            last.text.push_str(line.text.trim());
        }
        _ => notes.push(line),
    }
}

/// Most rows a table laying out the lines above a table (unit, money unit) has.
const MAX_FIELD_ROWS: usize = 2;

/// The cells of a small table holding only fields (`编制单位：某某中心 | 单位：万元`, a Word
/// table laying out the unit's line), as lines in reading order; None for any other table.
fn field_lines(table: &TableGrid) -> Option<Vec<Line>> {
    let page = table.pages.first().copied().filter(|&p| p > 0);
    let texts: Vec<&str> = table
        .rows
        .iter()
        .flatten()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let fields = table.rows.len() <= MAX_FIELD_ROWS
        && !texts.is_empty()
        && texts.iter().all(|t| is_field(t) || is_unit_line(t));
    fields.then(|| texts.iter().map(|t| Line::new(*t, page)).collect())
}

/// A field and its value (`编制单位：某某中心`, `金额单位：万元`, `填报日期：2024年4月`).
fn is_field(text: &str) -> bool {
    text.split_once(['：', ':']).is_some_and(|(label, _)| {
        let label = label.trim();
        label.chars().count() <= MAX_LABEL_CHARS && FIELD_WORDS.iter().any(|w| label.ends_with(w))
    })
}

/// A 目录 printed as a table: each of its rows (two at least) ends in a page reference
/// (`第3页`, `3页`) after a table's name.
fn is_contents_table(table: &TableGrid) -> bool {
    let filled = |row: &Vec<String>| -> Vec<String> {
        (row.iter().map(|c| c.trim().to_string()))
            .filter(|c| !c.is_empty())
            .collect()
    };
    let rows: Vec<Vec<String>> = (table.rows.iter())
        .map(filled)
        .filter(|r| !r.is_empty())
        .collect();
    let entry =
        |row: &Vec<String>| row.len() >= 2 && row.last().is_some_and(|c| is_page_reference(c));
    // A header row (序号 | 表名 | 页码) may stand above the entries.
    let entries = rows.iter().skip_while(|r| !entry(r)).count();
    entries >= 2 && rows.iter().rev().take(entries).all(entry)
}

/// A page reference in a 目录: `第3页`, `3页`, `第 3 页`.
fn is_page_reference(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let number = t
        .trim_start_matches('第')
        .strip_suffix('页')
        .unwrap_or_default();
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

/// A table whose first filled cell opens a note (填表人：…): the signature block of the
/// table above it, printed with borders of its own.
fn is_signature_block(table: &TableGrid) -> bool {
    table
        .rows
        .iter()
        .flatten()
        .find(|c| !c.trim().is_empty())
        .is_some_and(|c| is_note(c))
}

/// The short lines directly above a table, top first: titles and labels, at least one of
/// them a title (a lone `填报单位：` or `情况如下：` above a table is no heading). Of the lines
/// on the page the table starts on (`page` of a PDF; in a Word document with a 目录, the
/// lines after its last page break): a cover's lines on a page before are no heading of a table whose page prints
/// its own; a 目录 page is none at all. A table opening its page with no line above it takes
/// the last lines of the page before (its title printed at the foot of that page, or before a
/// 目录 page).
fn take_heading(pending: &mut Pending, page: Option<u32>) -> Vec<Line> {
    // A Word page break bounds the heading only after a 目录: a title printed at the foot of
    // one page over a unit line and table on the next heads them still.
    let start = match pending.drop_contents_page() {
        true => pending.last_page_start(),
        false => 0,
    };
    let on_page =
        |i: usize, l: &Line| i >= start && (page.is_none() || l.page.is_none() || l.page == page);
    let lines = &mut pending.lines;
    let heading_lines = |same_page: bool| {
        (lines.iter().enumerate().rev())
            .take(MAX_HEADING_LINES)
            .take_while(|(i, l)| {
                (!same_page || on_page(*i, l)) && (is_heading(&l.text) || is_field_label(&l.text))
            })
            .count()
    };
    // A table with no line above it on its page, or only its unit line or fields (Word
    // keeps a title with the page before when the next paragraph moves on), may have its
    // title at the foot of the page before.
    let own = heading_lines(true);
    let untitled = lines[lines.len() - own..]
        .iter()
        .all(|l| is_unit_line(&l.text) || is_field(&l.text) || is_field_label(&l.text));
    let short = match untitled {
        true => heading_lines(false).max(own),
        false => own,
    };
    let heading = lines.split_off(lines.len() - short);
    if heading.iter().any(|l| is_heading(&l.text)) {
        heading
    } else {
        lines.extend(heading);
        Vec::new()
    }
}

/// A field's label with its value left blank (`填报单位：`), not a sentence leading into the
/// table (`纳入编制范围的单位包括：`).
fn is_field_label(text: &str) -> bool {
    let t = text.trim();
    let Some(label) = t.strip_suffix(['：', ':']) else {
        return false;
    };
    t.chars().count() <= MAX_LABEL_CHARS
        && FIELD_WORDS.iter().any(|w| label.ends_with(w))
        && !is_note(t)
}

/// A short line that does not end a sentence, opens no note and is no section heading of the
/// document (`一、…`, `（二）…`, `第二部分 …`).
fn is_heading(text: &str) -> bool {
    let t = text.trim();
    t.chars().count() <= MAX_HEADING_CHARS
        && !t.ends_with(['。', '：', ':'])
        && !is_note(t)
        && !is_section_heading(t)
}

fn is_section_heading(t: &str) -> bool {
    const ORDINALS: &str = "一二三四五六七八九十";
    let ordinal = t.trim_start_matches(['(', '（']);
    let digits: String = ordinal
        .chars()
        .take_while(|c| ORDINALS.contains(*c))
        .collect();
    let after = &ordinal[digits.len()..];
    // A numbered table title (`五、一般公共预算财政拨款支出决算表`) heads its table.
    let names_a_table = t.trim_end().ends_with('表');
    (!digits.is_empty() && after.starts_with(['、', ')', '）']) && !names_a_table)
        || (t.starts_with('第') && t.chars().take(6).collect::<String>().contains("部分"))
}

/// A line that opens a note (a reader joins a note's wrapped lines before laying out).
fn is_note(text: &str) -> bool {
    let t = text.trim_start();
    NOTE_OPENERS.iter().any(|w| t.starts_with(w))
}

pub(crate) fn is_unit_line(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    (t.starts_with("单位：") || t.starts_with("单位:") || t.contains("单位：万元"))
        && t.chars().count() <= 20
}

/// A unique, valid Excel sheet name from the table's first heading line that is not its unit,
/// nor a line of a list of the tables' names in book-title marks over its title (a 目录 whose
/// lines carry no page number).
fn sheet_name(heading: &[Line], index: usize, taken: &mut HashSet<String>) -> String {
    let lines: Vec<&str> = (heading.iter())
        .map(|l| l.text.trim())
        .filter(|t| !is_unit_line(t) && !t.is_empty())
        .collect();
    let listed = |i: usize| {
        let names_next = |next: &&str| is_book_title(next) || next.ends_with('表');
        is_book_title(lines[i]) && lines.get(i + 1).is_some_and(names_next)
    };
    let base: String = (0..lines.len())
        .find(|&i| !listed(i))
        .map_or("", |i| lines[i])
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .take(31)
        .collect();
    let base = if base.trim().is_empty() {
        format!("表{}", index + 1)
    } else {
        base
    };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        let suffix = format!("({n})");
        let keep = 31 - suffix.chars().count();
        name = base.chars().take(keep).collect::<String>() + &suffix;
        n += 1;
    }
    name
}

/// A sheet being laid out: its cells, merges and the page of each row (0 where unknown).
#[derive(Default)]
struct Layout {
    cells: Vec<(u32, u16, Cell)>,
    merges: Vec<Merge>,
    pages: Vec<u32>,
    /// Rows that may be the rest of the row above, cut by a page break.
    maybe_cut: Vec<u32>,
    /// Cells printed on a later page than their row (see [`Sheet::column_pages`]).
    column_pages: ColumnPages,
}

/// Where a sheet's row goes on on a later page: (row, first column) to page.
type ColumnPages = std::collections::BTreeMap<(u32, u16), u32>;

impl Layout {
    fn next_row(&self) -> u32 {
        self.pages.len() as u32
    }

    /// A heading line: a line of fields under the columns its pieces start over, the unit
    /// alone in the last column, anything else (the title) merged across the table.
    fn heading(&mut self, line: Line, width: u16, columns: &[f64]) {
        let row = self.next_row();
        let fields = line.pieces.len() > 1
            && columns.len() > 1
            && line.pieces.iter().any(|(_, t)| t.contains(['：', ':']));
        if fields {
            let mut placed: Vec<(u16, String)> = Vec::new();
            for (x, text) in &line.pieces {
                let col = column_at(columns, *x);
                match placed.last_mut() {
                    Some((c, t)) if *c == col => *t = format!("{t} {text}"),
                    _ => placed.push((col, text.clone())),
                }
            }
            self.cells
                .extend(placed.into_iter().map(|(c, t)| (row, c, Cell::Text(t))));
        } else if is_unit_line(&line.text) {
            self.cells
                .push((row, width - 1, Cell::Text(line.text.clone())));
        } else {
            self.cells.push((row, 0, Cell::Text(line.text.clone())));
            self.merges.push(Merge {
                first_row: row,
                first_col: 0,
                last_row: row,
                last_col: width - 1,
            });
        }
        self.pages.push(line.page());
    }

    /// The table's rows, its column `c` put in column `to(c)`.
    fn table(&mut self, table: TableGrid, to: impl Fn(u16) -> u16) {
        let top = self.next_row();
        self.maybe_cut
            .extend(table.maybe_cut.iter().map(|&r| top + r as u32));
        self.column_pages.extend(
            (table.column_pages.iter()).map(|c| ((top + c.row as u32, to(c.first_col)), c.page)),
        );
        for (r, row) in table.rows.into_iter().enumerate() {
            for (c, text) in row.into_iter().enumerate() {
                self.cells
                    .push((top + r as u32, to(c as u16), cell_value(&text)));
            }
            self.pages.push(table.pages.get(r).copied().unwrap_or(0));
        }
        self.merges.extend(table.merges.iter().map(|m| Merge {
            first_row: m.first_row + top,
            last_row: m.last_row + top,
            first_col: to(m.first_col),
            last_col: to(m.last_col),
        }));
    }

    fn note(&mut self, line: Line) {
        let row = self.next_row();
        self.cells.push((row, 0, Cell::Text(line.text.clone())));
        self.pages.push(line.page());
    }
}

/// The column (of a table whose column edges are `columns`) that x falls in; outside the
/// table, the first or the last.
fn column_at(columns: &[f64], x: f64) -> u16 {
    let inside = columns.partition_point(|edge| *edge <= x + COLUMN_SLACK);
    inside
        .saturating_sub(1)
        .min(columns.len().saturating_sub(2)) as u16
}

/// For each column of a table printed below another, the column of the other it starts
/// under; nothing (keep its own columns) when two would share one or a grid is unknown.
fn columns_under(own: &[f64], above: &[f64]) -> Vec<u16> {
    if own.len() < 2 || above.len() < 2 {
        return Vec::new();
    }
    let to: Vec<u16> = own[..own.len() - 1]
        .iter()
        .map(|x| column_at(above, *x))
        .collect();
    match to.windows(2).all(|w| w[0] < w[1]) {
        true => to,
        false => Vec::new(),
    }
}

/// The sheet of one section, the page of each of its rows and the rows that may be the
/// rest of the row above them, cut by a page break.
fn section_sheet(name: &str, section: Section) -> (Sheet, Vec<u32>, Vec<u32>, ColumnPages) {
    let Some((first, _)) = section.parts.first() else {
        let empty = Sheet::from_cells(name, Vec::new(), Vec::new());
        return (empty, Vec::new(), Vec::new(), ColumnPages::new());
    };
    let width = first.width().max(1);
    let columns = first.columns.clone();
    let mut layout = Layout::default();
    for line in section.heading {
        layout.heading(line, width, &columns);
    }
    for (i, (table, notes)) in section.parts.into_iter().enumerate() {
        let to = match i {
            0 => Vec::new(),
            _ => columns_under(&table.columns, &columns),
        };
        layout.table(table, |c| to.get(c as usize).copied().unwrap_or(c));
        for line in notes {
            layout.note(line);
        }
    }
    let Layout {
        cells,
        merges,
        pages,
        maybe_cut,
        column_pages,
    } = layout;
    let sheet = Sheet::from_cells(name, cells, merges);
    (sheet, pages, maybe_cut, column_pages)
}

/// A cell as a clerk would type it: an amount (`2,946.25`, `-3.5`, `0.00`) becomes a number,
/// a code with a leading zero (`06`) and anything else stays text; blank is empty.
pub(crate) fn cell_value(text: &str) -> Cell {
    if text.is_empty() {
        return Cell::Empty;
    }
    match plain_amount(text.trim()) {
        Some(d) => Cell::Number(d),
        None => Cell::Text(text.to_string()),
    }
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, with optional thousands separators in threes.
fn plain_amount(s: &str) -> Option<Decimal> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped_ok = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    let int: String = groups.concat();
    let int_ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && (int == "0" || !int.starts_with('0'));
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    if !(grouped_ok && int_ok && frac_ok) {
        return None;
    }
    s.replace(',', "").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str, page: u32) -> Block {
        Block::Line(Line::new(t, Some(page)))
    }

    fn table(rows: &[&[&str]], page: u32) -> Block {
        Block::Table(TableGrid {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            merges: vec![],
            pages: vec![page; rows.len()],
            columns: vec![],
            ..TableGrid::default()
        })
    }

    #[test]
    fn amounts_become_numbers_and_codes_stay_text() {
        assert_eq!(
            cell_value("2,946.25"),
            Cell::Number("2946.25".parse().unwrap())
        );
        assert_eq!(cell_value("-3.50"), Cell::Number("-3.50".parse().unwrap()));
        assert_eq!(cell_value("201"), Cell::Number(201.into()));
        assert_eq!(cell_value("06"), Cell::Text("06".into()));
        assert_eq!(cell_value("1,23.4"), Cell::Text("1,23.4".into()));
        assert_eq!(cell_value("79.68%"), Cell::Text("79.68%".into()));
        assert_eq!(cell_value(""), Cell::Empty);
    }

    /// The unit's line laid out as a borderless table of fields under the title: lines of
    /// the heading of the table below, which keeps the title. A small table of anything
    /// else is a table.
    #[test]
    fn a_table_of_fields_under_the_title_is_lines_of_the_heading() {
        let out = lay_out(vec![
            line("收入决算表", 3),
            table(&[&["编制单位：某某中心", "单位：万元"]], 3),
            table(&[&["项目", "金额"], &["合计", "1,000.50"]], 3),
        ]);
        assert_eq!(out.sheets.len(), 1);
        let s = &out.sheets[0];
        assert_eq!(s.name, "收入决算表");
        let texts: Vec<String> = s.cells().map(|(_, _, c)| c.to_string()).collect();
        assert!(
            texts.contains(&"编制单位：某某中心".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"单位：万元".to_string()), "{texts:?}");
        let out = lay_out(vec![
            line("收入决算表", 3),
            table(&[&["项目", "金额"], &["合计", "1,000.50"]], 3),
        ]);
        assert_eq!(out.sheets.len(), 1);
        assert!(field_lines(&TableGrid {
            rows: vec![vec!["合计".into(), "1,000.50".into()]],
            merges: vec![],
            pages: vec![3],
            columns: vec![],
            ..TableGrid::default()
        })
        .is_none());
    }

    /// In a Word document, a title ending its page heads the unit line and table opening the
    /// next (a page break between them); behind a 目录 page, the cover's lines head nothing.
    #[test]
    fn a_word_title_before_a_page_break_heads_the_table_after_it() {
        let word = |t: &str| Block::Line(Line::new(t, None));
        let rows: &[&[&str]] = &[&["项目", "金额"], &["合计", "1,000.50"]];
        let out = lay_out(vec![
            word("收入决算表"),
            Block::PageBreak,
            word("编制单位：某某中心"),
            table(rows, 0),
        ]);
        assert_eq!(out.sheets[0].name, "收入决算表");
        let out = lay_out(vec![
            word("某某中心2023年度部门决算"),
            Block::PageBreak,
            word("目  录"),
            word("一、收入决算表……3"),
            Block::PageBreak,
            word("收入决算表"),
            table(rows, 0),
        ]);
        assert_eq!(out.sheets[0].name, "收入决算表");
    }

    /// A table title numbered as a section of the document heads its table; a numbered
    /// section heading does not.
    #[test]
    fn a_numbered_table_title_heads_its_table() {
        let rows: &[&[&str]] = &[&["项目", "金额"], &["合计", "1,000.50"]];
        let out = lay_out(vec![
            line("五、一般公共预算财政拨款支出决算表", 3),
            table(rows, 3),
        ]);
        assert_eq!(out.sheets[0].name, "五、一般公共预算财政拨款支出决算表");
        let out = lay_out(vec![
            line("七、“三公”经费支出决算情况说明", 3),
            table(rows, 3),
        ]);
        assert_ne!(out.sheets[0].name, "七、“三公”经费支出决算情况说明");
    }

    #[test]
    fn heading_above_and_notes_below_go_into_the_sheet() {
        let blocks = vec![
            line("一、部门概况。本单位主要职能是……这是一段较长的说明文字，不属于任何表格的标题，它比六十个字还要长得多得多得多得多得多得多得多。", 2),
            line("收入决算表", 3),
            line("单位：万元", 3),
            table(&[&["项目", "金额"], &["合计", "1,000.50"]], 3),
            line("注：本表反映部门本年度取得的各项收入情况。", 3),
            line("二、情况说明", 4),
        ];
        let out = lay_out(blocks);
        assert_eq!(out.sheets.len(), 1);
        let s = &out.sheets[0];
        assert_eq!(s.name, "收入决算表");
        assert_eq!(s.get(0, 0), &Cell::Text("收入决算表".into()));
        assert_eq!(s.get(1, 1), &Cell::Text("单位：万元".into()));
        assert_eq!(s.get(3, 1), &Cell::Number("1000.50".parse().unwrap()));
        assert_eq!(
            s.get(4, 0).as_text().unwrap(),
            "注：本表反映部门本年度取得的各项收入情况。"
        );
        assert_eq!(s.height(), 5);
        assert_eq!(s.name, "收入决算表");
        assert_eq!(s.row_pages, vec![3, 3, 3, 3, 3]);
        assert_eq!(out.passages.len(), 5);
        assert_eq!(out.passages[4].text, "二、情况说明");
        assert_eq!(out.passages[4].page, Some(4));
    }

    /// A cover's and a 目录's short lines on the pages before a table: kept as text, never the
    /// heading of the table that opens the next page (the 目录's `公开07表 …` line once named
    /// 公开01表's sheet after 公开07表).
    #[test]
    fn a_cover_or_contents_page_is_no_heading_of_the_table_opening_the_next_page() {
        let out = lay_out(vec![
            line("2023年度部门决算", 1),
            line("编制日期：2024年8月", 1),
            line("目录", 2),
            line("公开08表 国有资本经营预算财政拨款支出决算表", 2),
            line("收入支出决算总表", 3),
            line("单位：万元", 3),
            table(&[&["项目", "决算数"], &["合计", "526.36"]], 3),
        ]);
        assert_eq!(out.sheets.len(), 1);
        let s = &out.sheets[0];
        assert_eq!(s.name, "收入支出决算总表");
        assert_eq!(s.get(0, 0), &Cell::Text("收入支出决算总表".into()));
        assert_eq!(s.get(1, 1), &Cell::Text("单位：万元".into()));
        assert_eq!(s.height(), 4, "the title, the unit line, the table");
        let kept: Vec<&str> = out.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            kept[..4],
            [
                "2023年度部门决算",
                "编制日期：2024年8月",
                "目录",
                "公开08表 国有资本经营预算财政拨款支出决算表"
            ]
        );
        // A title printed at the foot of a page, its table opening the next page with no line
        // above it, is its heading still.
        let foot = lay_out(vec![
            line("收入支出决算总表", 1),
            line("单位：万元", 1),
            table(&[&["项目", "决算数"], &["合计", "526.36"]], 2),
        ]);
        assert_eq!(foot.sheets[0].name, "收入支出决算总表");
        assert_eq!(foot.sheets[0].get(1, 1), &Cell::Text("单位：万元".into()));
        // The title alone at the foot of a page, the unit line opening the next one above the
        // table: the title heads it still.
        let alone = lay_out(vec![
            line("一般公共预算财政拨款支出决算表", 1),
            line("单位：万元", 2),
            table(&[&["项目", "决算数"], &["合计", "526.36"]], 2),
        ]);
        assert_eq!(alone.sheets[0].name, "一般公共预算财政拨款支出决算表");
        // A Word document has no pages: its lines above a table are its heading as before.
        let word = lay_out(vec![
            Block::Line(Line::new("收入支出决算总表", None)),
            table(&[&["项目", "决算数"], &["合计", "526.36"]], 0),
        ]);
        assert_eq!(word.sheets[0].name, "收入支出决算总表");
    }

    /// A 目录 printed as a table (序号 | 表名 | 第N页), with or without its header row and
    /// heading, holds no form: the table after it is the one sheet, headed by its own title.
    #[test]
    fn a_contents_table_is_no_sheet() {
        let entries: [&[&str]; 3] = [
            &["1", "收入支出决算总表", "第2页"],
            &["2", "收入决算表", "第 3 页"],
            &["8", "国有资本经营预算财政拨款支出决算表", "9页"],
        ];
        let with_header: Vec<&[&str]> = [&["序号", "表名", "页码"][..]]
            .into_iter()
            .chain(entries)
            .collect();
        for (heading, rows) in [
            (true, &entries[..]),
            (false, &entries[..]),
            (true, &with_header[..]),
        ] {
            let mut blocks = Vec::new();
            if heading {
                blocks.push(line("目录", 1));
            }
            blocks.push(table(rows, 1));
            blocks.push(line("收入支出决算总表", 2));
            blocks.push(table(&[&["项目", "决算数"], &["合计", "526.36"]], 2));
            let out = lay_out(blocks);
            let names: Vec<&str> = out.sheets.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, ["收入支出决算总表"], "heading {heading}, {rows:?}");
        }
        // A table of figures whose last column is no page reference stays a table.
        let figures = lay_out(vec![table(
            &[&["合计", "526.36"], &["201", "3页"], &["202", "12"]],
            1,
        )]);
        assert_eq!(figures.sheets.len(), 1);
    }

    /// The lines closing the page of an empty table (a 空表说明 wrapped in a row too low for
    /// it, only its middle lines printed, opening no note) are its notes, below it on its
    /// sheet; under a table of figures, or above a table on the same page, they are not.
    #[test]
    fn lines_closing_the_page_of_an_empty_table_are_its_notes() {
        let cut = [
            "门本年度政府性基金预算财政拨款收入支出及结",
            "本年度没有政府性基金预算财政",
        ];
        let laid = |total: &str, next_page: u32| {
            let mut blocks = vec![table(&[&["项目", "本年支出"], &["合计", total]], 16)];
            blocks.extend(cut.iter().map(|t| line(t, 16)));
            blocks.push(line("国有资本经营预算财政拨款收入支出决算表", next_page));
            blocks.push(table(&[&["项目", "本年支出"], &["合计", ""]], next_page));
            lay_out(blocks)
        };
        let texts = |s: &Sheet| -> Vec<String> {
            s.cells()
                .filter_map(|(_, _, c)| c.as_text().map(str::to_string))
                .collect()
        };
        let out = laid("", 17);
        assert_eq!(out.sheets.len(), 2);
        for t in cut {
            assert!(texts(&out.sheets[0]).contains(&t.to_string()), "{t}");
        }
        assert_eq!(out.sheets[1].name, "国有资本经营预算财政拨款收入支出决算表");
        for (total, next_page) in [("12.50", 17), ("", 16)] {
            let out = laid(total, next_page);
            let first = texts(&out.sheets[0]);
            assert!(
                cut.iter().all(|t| !first.contains(&t.to_string())),
                "{total} {next_page}"
            );
        }
    }

    /// A row a page break may have cut, left as read, is noted at its sheet row and page.
    #[test]
    fn a_row_maybe_cut_by_a_page_break_is_noted_where_the_sheet_has_it() {
        let Block::Table(mut t) = table(&[&["项目", "金额"], &["合计", "160.7"], &["", "5"]], 5)
        else {
            unreachable!()
        };
        t.pages[2] = 6;
        t.maybe_cut = vec![2];
        let out = lay_out(vec![
            line("收入决算表", 5),
            line("单位：万元", 5),
            Block::Table(t),
        ]);
        let want = CellNote::new("收入决算表", 4, 0, CellNoteKind::MaybeCutRow { page: 6 });
        assert_eq!(out.cell_notes, [want]);
        assert_eq!(out.sheets[0].get(4, 1), &Cell::Number(5.into()));
    }

    #[test]
    fn same_titles_get_distinct_names() {
        let out = lay_out(vec![
            line("附件1", 1),
            table(&[&["a"]], 1),
            line("附件1", 2),
            table(&[&["b"]], 2),
            table(&[&["c"]], 2),
        ]);
        let names: Vec<_> = out.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["附件1", "附件1(2)", "表3"]);
    }

    fn ruled(rows: &[&[&str]], page: u32, columns: &[f64]) -> Block {
        let Block::Table(mut t) = table(rows, page) else {
            unreachable!()
        };
        t.columns = columns.to_vec();
        Block::Table(t)
    }

    #[test]
    fn a_line_of_fields_goes_under_its_columns_and_a_lone_label_joins_the_heading() {
        let mut fields = Line::new("部门：某中心 年度 金额单位：万元", Some(1));
        fields.pieces = vec![
            (50.0, "部门：某中心".into()),
            (205.0, "年度".into()),
            (300.0, "金额单位：万元".into()),
        ];
        let out = lay_out(vec![
            line("收入决算表", 1),
            line("填报单位：", 1),
            Block::Line(fields),
            ruled(
                &[&["项目", "金额", "合计"]],
                1,
                &[50.0, 200.0, 300.0, 400.0],
            ),
        ]);
        let s = &out.sheets[0];
        assert_eq!(s.name, "收入决算表");
        assert_eq!(s.get(1, 0).as_text(), Some("填报单位："));
        assert_eq!(s.get(2, 0).as_text(), Some("部门：某中心"));
        assert_eq!(s.get(2, 1).as_text(), Some("年度"));
        assert_eq!(s.get(2, 2).as_text(), Some("金额单位：万元"));
        assert_eq!(s.get(3, 0).as_text(), Some("项目"));
    }

    #[test]
    fn a_sentence_leading_into_a_table_is_no_heading() {
        let out = lay_out(vec![
            line("纳入本部门决算编制范围的单位包括：", 1),
            table(&[&["序号", "单位名称"]], 1),
        ]);
        assert_eq!(out.sheets[0].name, "表1");
        assert_eq!(out.sheets[0].get(0, 0).as_text(), Some("序号"));
    }

    #[test]
    fn a_signature_block_printed_as_a_table_stays_with_the_table_above() {
        let out = lay_out(vec![
            line("基础数据表", 1),
            ruled(
                &[&["项目", "金额"], &["合计", "5"]],
                1,
                &[0.0, 100.0, 200.0],
            ),
            line("说明：按实填报。", 1),
            ruled(
                &[&["填表人：", "张三", "填报日期：", "2024年5月25日"]],
                1,
                &[0.0, 40.0, 100.0, 150.0, 200.0],
            ),
        ]);
        assert_eq!(out.sheets.len(), 1);
        let s = &out.sheets[0];
        assert_eq!(s.get(3, 0).as_text(), Some("说明：按实填报。"));
        let signed: Vec<String> = (0..4).map(|c| s.get(4, c).to_string()).collect();
        assert_eq!(signed, ["填表人：", "张三", "填报日期：", "2024年5月25日"]);
        assert_eq!(s.name, "基础数据表");
        assert_eq!(s.row_pages.len(), 5);
    }

    #[test]
    fn further_sentences_and_wrapped_lines_under_a_note_are_notes_too() {
        let out = lay_out(vec![
            line("政府性基金预算财政拨款收入支出决算表", 1),
            table(&[&["项目", "金额"]], 1),
            line(
                "注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和",
                1,
            ),
            line("结余情况。", 1),
            line("本单位没有政府性基金收入，故本表无数据。", 1),
            line("国有资本经营预算财政拨款支出决算表", 1),
            table(&[&["项目", "金额"]], 1),
        ]);
        let s = &out.sheets[0];
        assert_eq!(
            s.get(2, 0).as_text(),
            Some("注：本表反映部门本年度政府性基金预算财政拨款收入、支出及结转和结余情况。")
        );
        assert_eq!(
            s.get(3, 0).as_text(),
            Some("本单位没有政府性基金收入，故本表无数据。")
        );
        assert_eq!(s.height(), 4);
        assert_eq!(out.sheets[1].name, "国有资本经营预算财政拨款支出决算表");
    }

    /// A 空表说明 the page break pushed to the top of the next page, over the next table's
    /// title, is its table's note still; the next table's lines are not.
    #[test]
    fn an_empty_table_statement_on_the_next_page_is_its_tables_note() {
        let out = lay_out(vec![
            line("政府性基金预算财政拨款收入支出决算表", 1),
            table(&[&["项目", "金额"]], 1),
            line(
                "注：本表反映部门本年度政府性基金预算财政拨款收入、支出情况。",
                1,
            ),
            line("本单位没有政府性基金收入，故本表无数据。", 2),
            line("国有资本经营预算财政拨款支出决算表", 2),
            line("部门：某某中心    金额单位：万元", 2),
            table(&[&["项目", "金额"]], 2),
        ]);
        let s = &out.sheets[0];
        assert_eq!(
            s.get(3, 0).as_text(),
            Some("本单位没有政府性基金收入，故本表无数据。")
        );
        assert_eq!(s.height(), 4);
        assert_eq!(out.sheets[1].name, "国有资本经营预算财政拨款支出决算表");
    }
}
