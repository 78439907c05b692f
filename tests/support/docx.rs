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
    let mut body = String::new();
    for sheet in &book.sheets {
        let (top, end) = table_rows(sheet);
        for r in 0..top {
            body.push_str(&paragraphs(sheet.cell(r, 0).as_str()));
        }
        body.push_str(&table_xml(sheet, top, end));
        for r in end..sheet.rows.len() as u32 {
            body.push_str(&paragraphs(sheet.cell(r, 0).as_str()));
        }
        body.push_str("<w:p/>");
    }
    body
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
