//! Word documents (.docx) written from grid fixtures for the tests: each sheet's lines above
//! and below its table as paragraphs, the table with gridSpan/vMerge, free paragraphs between.

#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

use crate::grid::{GridBook, GridCell, GridSheet};

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A paragraph per line of `text`.
pub fn paragraphs(text: &str) -> String {
    text.split('\n')
        .map(|l| {
            format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape(l)
            )
        })
        .collect()
}

fn is_single_line_row(sheet: &GridSheet, r: u32) -> bool {
    let row = &sheet.rows[r as usize];
    !row.is_empty()
        && !row[0].is_empty()
        && row[1..].iter().all(GridCell::is_empty)
        && !sheet.merges.iter().any(|m| m.0 == r && m.2 > r)
}

fn is_note_row(sheet: &GridSheet, r: u32) -> bool {
    let t = sheet.cell(r, 0).as_str();
    is_single_line_row(sheet, r) && ["说明", "注", "填表人"].iter().any(|w| t.starts_with(w))
}

/// The rows of `sheet` a Word user would type as paragraphs: single-cell lines above the
/// table (附件一, the title), notes below it. Returns (first table row, end of table rows).
pub fn table_rows(sheet: &GridSheet) -> (u32, u32) {
    let n = sheet.rows.len() as u32;
    let top = (0..n).take_while(|&r| is_single_line_row(sheet, r)).count() as u32;
    let notes = (top..n)
        .rev()
        .take_while(|&r| is_note_row(sheet, r))
        .count() as u32;
    (top, n - notes)
}

/// The `w:tbl` of rows `top..end` of `sheet`, with its merges as gridSpan/vMerge.
pub fn table_xml(sheet: &GridSheet, top: u32, end: u32) -> String {
    let width = sheet.width().max(1);
    let mut xml = String::from("<w:tbl><w:tblGrid/>");
    for r in top..end {
        xml.push_str("<w:tr>");
        let mut c = 0;
        while c < width {
            let merge = sheet
                .merges
                .iter()
                .find(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3);
            let (span, vmerge) = match merge {
                Some(m) if m.0 == r && m.2 > r => (m.3 - m.1 + 1, r#"<w:vMerge w:val="restart"/>"#),
                Some(m) if m.0 < r => (m.3 - m.1 + 1, "<w:vMerge/>"),
                Some(m) => (m.3 - m.1 + 1, ""),
                None => (1, ""),
            };
            let text = if merge.is_some_and(|m| m.0 < r) {
                String::new()
            } else {
                paragraphs(sheet.cell(r, c).as_str())
            };
            let body = if text.is_empty() {
                "<w:p/>".to_string()
            } else {
                text
            };
            xml.push_str(&format!(
                r#"<w:tc><w:tcPr><w:gridSpan w:val="{span}"/>{vmerge}</w:tcPr>{body}</w:tc>"#
            ));
            c += span;
        }
        xml.push_str("</w:tr>");
    }
    xml + "</w:tbl>"
}

/// A .docx holding every sheet of `book` as paragraphs and a table, in order.
pub fn write_docx(book: &GridBook, path: &Path) {
    write_docx_xml(&tables_xml(book), path);
}

/// A .docx of `book`'s tables followed by `text`, a paragraph per line: a disclosure whose
/// 情况说明 comes after its tables.
pub fn write_docx_with_text(book: &GridBook, text: &str, path: &Path) {
    write_docx_xml(&(tables_xml(book) + &paragraphs(text)), path);
}

/// The body of a document holding every sheet of `book` as paragraphs and a table, in order.
pub fn tables_xml(book: &GridBook) -> String {
    tables_xml_with(book, |table| table)
}

/// [`tables_xml`] with each table as `place` puts it (in a text box, say).
pub fn tables_xml_with(book: &GridBook, place: impl Fn(String) -> String) -> String {
    let mut body = String::new();
    for sheet in &book.sheets {
        let (top, end) = table_rows(sheet);
        for r in 0..top {
            body.push_str(&paragraphs(sheet.cell(r, 0).as_str()));
        }
        body.push_str(&place(table_xml(sheet, top, end)));
        for r in end..sheet.rows.len() as u32 {
            body.push_str(&paragraphs(sheet.cell(r, 0).as_str()));
        }
        body.push_str("<w:p/>");
    }
    body
}

/// How a text box holding a table is stored (Word and LibreOffice write it twice).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TextBox {
    /// `mc:AlternateContent`: a DrawingML shape (`wps:txbx`) and its VML fallback, each
    /// holding the table, as Word and LibreOffice save a text box.
    ChoiceAndFallback,
    /// The DrawingML shape alone in `mc:AlternateContent`.
    ChoiceOnly,
    /// A VML shape (`v:textbox`) alone, as older Word saved a text box.
    FallbackOnly,
    /// A Choice needing a namespace no reader here follows, holding no text, and the VML
    /// fallback holding the table.
    UnknownChoice,
}

/// A paragraph holding `content` (a table) in a floating text box stored as `how` says.
pub fn in_text_box(content: &str, how: TextBox) -> String {
    let drawing = format!(
        r#"<w:drawing><wp:anchor><wp:docPr id="1" name="Text Box 1"/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:txbx><w:txbxContent>{content}<w:p/></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"#
    );
    let vml = format!(
        r##"<w:pict><v:shape type="#_x0000_t202"><v:textbox><w:txbxContent>{content}<w:p/></w:txbxContent></v:textbox></v:shape></w:pict>"##
    );
    let alternate = |choice: &str, fallback: &str| {
        format!("<mc:AlternateContent>{choice}{fallback}</mc:AlternateContent>")
    };
    let run = match how {
        TextBox::ChoiceAndFallback => alternate(
            &format!(r#"<mc:Choice Requires="wps">{drawing}</mc:Choice>"#),
            &format!("<mc:Fallback>{vml}</mc:Fallback>"),
        ),
        TextBox::ChoiceOnly => alternate(
            &format!(r#"<mc:Choice Requires="wps">{drawing}</mc:Choice>"#),
            "",
        ),
        TextBox::FallbackOnly => vml,
        TextBox::UnknownChoice => alternate(
            r#"<mc:Choice Requires="cx1"><w:drawing><wp:inline/></w:drawing></mc:Choice>"#,
            &format!("<mc:Fallback>{vml}</mc:Fallback>"),
        ),
    };
    format!(
        r#"<w:p xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml"><w:r>{run}</w:r></w:p>"#
    )
}

pub fn write_docx_xml(body: &str, path: &Path) {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    write_zip(
        path,
        &[
            ("[Content_Types].xml", "<Types/>"),
            ("word/document.xml", &xml),
        ],
    );
}

pub fn write_zip(path: &Path, parts: &[(&str, &str)]) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, content) in parts {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(content.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

/// How [`ruled_form_docx`] lays out the forms of a workbook, as a unit types them in Word.
#[derive(Debug, Clone, Default)]
pub struct WordLayout {
    /// Empty paragraphs before the first form: moves every page break of the document.
    pub lead: usize,
    /// Empty paragraphs before the form of this index (title included) in the sheets given.
    pub before: Vec<(usize, usize)>,
    /// Each form starts a new page (otherwise they follow one another).
    pub page_per_form: bool,
    /// Amount columns so narrow that numbers (and codes) wrap within their cells.
    pub narrow: bool,
    /// No 表号 line (公开05表) above the table.
    pub no_table_no: bool,
    /// The line above the table is the unit alone (`单位：万元`), without the 部门 field.
    pub unit_only: bool,
    /// The lines of a cover page before the first form (none: no cover).
    pub cover: Vec<String>,
    /// The running header's lines, printed on every page: `{PAGE}` and `{NUMPAGES}` become
    /// Word's PAGE and NUMPAGES fields.
    pub header: Vec<String>,
    /// The running footer's lines, as `header`.
    pub footer: Vec<String>,
    /// The table's header rows (down to the 栏次 row) marked to repeat on every page.
    pub repeat_header: bool,
    /// The unit line typed as the table's first row, borderless (repeated with the header).
    pub unit_row: bool,
    /// The title and 表号 lines typed as the table's first rows too, borderless, over the unit
    /// line (which this makes a row of the table as well).
    pub title_rows: bool,
    /// The lines of a 目录 page typed between the first form's lines and its table, a page
    /// break before and after it (none: no such page).
    pub contents: Vec<String>,
    /// A4 turned landscape.
    pub landscape: bool,
    /// The least height of each row below the header, in twips, rows kept whole on a page
    /// (0: as tall as their text, allowed to break across pages).
    pub row_height: u32,
    /// Pages 14 cm tall (a small paper size): a tall table runs over many pages.
    pub short_pages: bool,
    /// How many of a sheet's rows are lines above its table (none: three — title, 表号 and
    /// unit line; a 绩效 form has two, 附件 and title).
    pub lines_above: Option<u32>,
    /// The label column's width in twips, the other columns sharing the rest (none: all
    /// columns alike): a narrow one wraps its header over several lines.
    pub label_width: Option<u32>,
    /// The sentences closing a sheet under its 注 line (an empty table's 空表说明) typed as
    /// paragraphs under the table, as the 注 line is (otherwise rows of the table).
    pub statements_below: bool,
    /// The table continued after a row, as [`Continued`] says (none: one table).
    pub continued: Option<Continued>,
    /// Every page margin, twips (none: 2 cm at the sides, 2.54 cm above and below).
    pub margin: Option<u32>,
}

/// The height of a short page (14 cm), twips.
const SHORT_PAGE: u32 = 7938;

/// A body paragraph of 9-point text (the title 14 points).
fn word_paragraph(text: &str, half_points: u32) -> String {
    format!(
        r#"<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr><w:r><w:rPr><w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

/// A running header or footer line centred in 9-point text, `{PAGE}` and `{NUMPAGES}` as
/// Word's fields.
fn furniture_paragraph(text: &str) -> String {
    let run = |t: &str| {
        format!(
            r#"<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>"#,
            escape(t)
        )
    };
    let mut xml = String::from(r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr>"#);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        xml.push_str(&run(&rest[..open]));
        let field = &rest[open + 1..close];
        xml.push_str(&format!(
            r#"<w:fldSimple w:instr=" {field} ">{}</w:fldSimple>"#,
            run("1")
        ));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    xml + &run(rest) + "</w:p>"
}

/// A header or footer part of `lines`.
fn furniture_part(tag: &str, lines: &[String]) -> String {
    let body: String = lines.iter().map(|l| furniture_paragraph(l)).collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{tag} xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">{body}</w:{tag}>"#
    )
}

/// The rows of `sheet` from `top` through its 栏次 row (or the serial row 1, 2, 3…): the
/// rows above its first figure and that row too when it numbers the columns.
pub fn header_end(sheet: &fiscalform::read::Sheet, top: u32) -> u32 {
    let is_number = |c: &fiscalform::read::Cell| matches!(c, fiscalform::read::Cell::Number(_));
    let first_figures = (top..sheet.height())
        .find(|&r| (0..sheet.width()).any(|c| is_number(sheet.get(r, c))))
        .unwrap_or(top);
    let numbers_columns = typed(sheet.get(first_figures, 0)).starts_with("栏次")
        || typed(sheet.get(first_figures, 0)) == "1";
    first_figures + u32::from(numbers_columns)
}

/// The text of a workbook cell as a clerk types it in Word.
fn typed(cell: &fiscalform::read::Cell) -> String {
    match cell {
        fiscalform::read::Cell::Number(d) if !d.fract().is_zero() => format!("{:.2}", d),
        other => other.to_string(),
    }
}

/// The rows of a sheet's lines above its table (title 0, 表号 1, unit line 2) a layout types
/// as the table's first rows.
fn line_rows(layout: &WordLayout) -> Vec<u32> {
    let title = match layout.no_table_no {
        true => vec![0],
        false => vec![0, 1],
    };
    match (layout.title_rows, layout.unit_row) {
        (true, _) => title.into_iter().chain([2]).collect(),
        (false, true) => vec![2],
        (false, false) => Vec::new(),
    }
}

/// A borderless row of the table holding the line of sheet row `r` across all columns.
fn line_row(sheet: &fiscalform::read::Sheet, r: u32, widths: &[u32], repeat: &str) -> String {
    let nil = r#"<w:tcBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:right w:val="nil"/></w:tcBorders>"#;
    let text = (0..sheet.width())
        .map(|c| typed(sheet.get(r, c)))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("    ");
    format!(
        r#"<w:tr>{repeat}<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/><w:gridSpan w:val="{}"/>{nil}</w:tcPr>{}</w:tc></w:tr>"#,
        widths.iter().sum::<u32>(),
        widths.len(),
        word_paragraph(&text, 18)
    )
}

/// How a table goes on after a given row, as a clerk continues one by hand (续表).
#[derive(Debug, Clone, Copy)]
pub struct Continued {
    /// The sheet row the continuation starts with.
    pub row: u32,
    /// The sheet rows (first, end) typed again over the continuation: its header.
    pub header: Option<(u32, u32)>,
    /// The table closed and a new one opened for the continuation, with a `续表` paragraph
    /// between them (`Some(true)`) or none (`Some(false)`); `None`: the same table goes on.
    pub split: Option<bool>,
    /// A page break before the continuation (split tables only).
    pub new_page: bool,
}

/// The sheet rows a table prints, in order, each with its part (0, or 1 after a continuation).
fn printed_rows((top, end): (u32, u32), cut: Option<&Continued>) -> Vec<(u32, u8)> {
    let Some(cut) = cut.filter(|c| top < c.row && c.row < end) else {
        return (top..end).map(|r| (r, 0)).collect();
    };
    let header = cut.header.map_or(0..0, |(a, b)| a..b);
    (top..cut.row)
        .map(|r| (r, 0))
        .chain(header.chain(cut.row..end).map(|r| (r, 1)))
        .collect()
}

/// A bordered Word table of `rows` (`top..end`) of `sheet`, merges as gridSpan/vMerge, the
/// columns `widths` twips wide, rows allowed to break across pages (Word's default). A merge
/// a continuation cuts starts again, empty, below the cut (as Word splits a table).
fn ruled_table(
    sheet: &fiscalform::read::Sheet,
    (top, end): (u32, u32),
    widths: &[u32],
    layout: &WordLayout,
) -> String {
    let border = r#"w:val="single" w:sz="4" w:space="0" w:color="000000""#;
    let mut opening = format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders></w:tblPr><w:tblGrid>"#,
        widths.iter().sum::<u32>()
    );
    for w in widths {
        opening.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    opening.push_str("</w:tblGrid>");
    let mut xml = opening.clone();
    let repeated = if layout.repeat_header {
        header_end(sheet, top)
    } else {
        0
    };
    let tall = layout.row_height > 0;
    let body_from = header_end(sheet, top);
    let repeat = |r: u32| match (r < repeated, tall && r >= body_from) {
        (true, _) => "<w:trPr><w:tblHeader/></w:trPr>".to_string(),
        (false, true) => format!(
            r#"<w:trPr><w:cantSplit/><w:trHeight w:val="{}" w:hRule="atLeast"/></w:trPr>"#,
            layout.row_height
        ),
        (false, false) => String::new(),
    };
    for r in line_rows(layout) {
        xml.push_str(&line_row(sheet, r, widths, &repeat(top)));
    }
    let printed = printed_rows((top, end), layout.continued.as_ref());
    for (i, &(r, part)) in printed.iter().enumerate() {
        if i > 0 && part != printed[i - 1].1 {
            xml.push_str(&continuation(layout, &opening));
        }
        let neighbour = |j: Option<usize>| j.and_then(|j| printed.get(j)).filter(|p| p.1 == part);
        let (above, below) = (neighbour(i.checked_sub(1)), neighbour(Some(i + 1)));
        let header_again = part == 1
            && layout
                .continued
                .and_then(|c| c.header)
                .is_some_and(|(a, b)| (a..b).contains(&r));
        xml.push_str(&format!(
            "<w:tr>{}",
            if header_again {
                String::new()
            } else {
                repeat(r)
            }
        ));
        let mut c = 0;
        while c < sheet.width() {
            let merge = sheet
                .merges()
                .iter()
                .find(|m| m.first_row.max(top) <= r && r <= m.last_row && m.contains(r, c))
                .copied();
            let within = |p: Option<&(u32, u8)>, m: &fiscalform::read::Merge| {
                p.is_some_and(|p| m.first_row <= p.0 && p.0 <= m.last_row)
            };
            let (span, vmerge, text) = match merge {
                // A merge begun above the table's first row: its text in every row.
                Some(m) if m.first_row < top => (
                    m.last_col - m.first_col + 1,
                    "",
                    typed(sheet.get(m.first_row, m.first_col)),
                ),
                Some(m) if within(above, &m) => {
                    (m.last_col - m.first_col + 1, "<w:vMerge/>", String::new())
                }
                Some(m) => {
                    let v = if within(below, &m) {
                        r#"<w:vMerge w:val="restart"/>"#
                    } else {
                        ""
                    };
                    let text = match part == 0 || r == m.first_row {
                        true => typed(sheet.get(m.first_row, m.first_col)),
                        false => String::new(),
                    };
                    (m.last_col - m.first_col + 1, v, text)
                }
                None => (1, "", typed(sheet.get(r, c))),
            };
            let width: u32 = widths[c as usize..(c + span) as usize].iter().sum();
            xml.push_str(&format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:gridSpan w:val="{span}"/>{vmerge}</w:tcPr>{}</w:tc>"#,
                word_paragraph(&text, 18)
            ));
            c += span;
        }
        xml.push_str("</w:tr>");
    }
    xml + "</w:tbl>"
}

/// What stands between a table's rows and their continuation: nothing (the same table goes
/// on), or the table closed, a page break and a `续表` line as asked, and the table opened again.
fn continuation(layout: &WordLayout, opening: &str) -> String {
    let Some(cut) = layout.continued else {
        return String::new();
    };
    let Some(note) = cut.split else {
        return String::new();
    };
    let mut xml = String::from("</w:tbl>");
    if cut.new_page {
        xml.push_str(PAGE_BREAK);
    }
    xml.push_str(&word_paragraph(if note { "续表" } else { "" }, 18));
    xml + opening
}

/// A .docx of the forms of `sheets` (each: its title in row 1, 表号 in row 2, unit line in
/// row 3, the table, notes starting 注), laid out by `layout` on A4 pages (or short ones).
pub fn ruled_form_docx(sheets: &[fiscalform::read::Sheet], layout: &WordLayout, path: &Path) {
    // A4 less 2 cm margins, twips.
    let (page_width, page_height) = match layout.landscape {
        true => (16838, 11906),
        false => (11906, 16838),
    };
    let page_height = match layout.short_pages {
        true => SHORT_PAGE,
        false => page_height,
    };
    let (side, top_margin) = layout.margin.map_or((1134, 1440), |m| (m, m));
    let text_width: u32 = page_width - 2 * side;
    let mut body: String = layout.cover.iter().map(|l| word_paragraph(l, 32)).collect();
    if !layout.cover.is_empty() {
        body.push_str(PAGE_BREAK);
    }
    body.push_str(&word_paragraph("", 18).repeat(layout.lead));
    for (i, sheet) in sheets.iter().enumerate() {
        if i > 0 && layout.page_per_form {
            body.push_str(PAGE_BREAK);
        } else if i > 0 {
            body.push_str(&word_paragraph("", 18));
        }
        let before = layout
            .before
            .iter()
            .find(|(f, _)| *f == i)
            .map_or(0, |b| b.1);
        body.push_str(&word_paragraph("", 18).repeat(before));
        let width = sheet.width();
        let line = |r: u32| -> String {
            let texts: Vec<String> = (0..width).map(|c| typed(sheet.get(r, c))).collect();
            texts
                .into_iter()
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("    ")
        };
        let in_table = line_rows(layout);
        let top = layout.lines_above.unwrap_or(3);
        for r in (0..top).filter(|r| !in_table.contains(r)) {
            let text = match r {
                2 if layout.unit_only => "单位：万元".to_string(),
                _ => line(r),
            };
            if r != 1 || !layout.no_table_no {
                body.push_str(&word_paragraph(&text, if r == 0 { 28 } else { 18 }));
            }
        }
        if i == 0 && !layout.contents.is_empty() {
            body.push_str(PAGE_BREAK);
            body.extend(layout.contents.iter().map(|l| word_paragraph(l, 18)));
            body.push_str(PAGE_BREAK);
        }
        let statement = |r: u32| layout.statements_below && line(r).ends_with('。');
        let note = |r: u32| line(r).starts_with('注') || line(r).is_empty() || statement(r);
        let end = (top..sheet.height())
            .rev()
            .take_while(|&r| note(r))
            .last()
            .unwrap_or(sheet.height());
        let widths: Vec<u32> = match layout.narrow {
            true => (0..width)
                .map(|c| [900, 1500].get(c as usize).copied().unwrap_or(560))
                .collect(),
            false => match layout.label_width {
                Some(label) => {
                    let other = (text_width - label) / u32::from(width.max(2) - 1);
                    (0..width)
                        .map(|c| if c == 0 { label } else { other })
                        .collect()
                }
                None => vec![text_width / u32::from(width.max(1)); usize::from(width)],
            },
        };
        body.push_str(&ruled_table(sheet, (top, end), &widths, layout));
        for r in end..sheet.height() {
            if !line(r).is_empty() {
                body.push_str(&word_paragraph(&line(r), 18));
            }
        }
    }
    let orient = match layout.landscape {
        true => r#" w:orient="landscape""#,
        false => "",
    };
    let section = format!(
        r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader"/><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="{page_width}" w:h="{page_height}"{orient}/><w:pgMar w:top="{top_margin}" w:right="{side}" w:bottom="{top_margin}" w:left="{side}" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>"#
    );
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{body}{section}</w:body></w:document>"#
    );
    write_zip(
        path,
        &[
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", PACKAGE_RELS),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS),
            ("word/header1.xml", &furniture_part("hdr", &layout.header)),
            ("word/footer1.xml", &furniture_part("ftr", &layout.footer)),
            ("word/document.xml", &xml),
        ],
    );
}

/// A paragraph breaking the page.
const PAGE_BREAK: &str = r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#;

/// The parts list a word processor needs to open the package (our reader needs none).
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#;
/// The document's header and footer parts.
const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdHeader" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;
const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
