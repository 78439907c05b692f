//! Reads a PDF's text layer with positions (pdf-extract on lopdf) and its ruling lines, and hands the pages over as lines and rebuilt tables in reading order.
//!
//! Each page's glyphs are grouped into runs (glyphs on one baseline with no wide gap). Ruled
//! tables are rebuilt from the page's horizontal and vertical strokes (thin filled rectangles
//! count): the distinct line positions give the grid, a missing inner line between two
//! grid boxes makes a merge, and every run goes to the box holding its centre — several
//! runs in one box are a cell's wrapped lines, joined in reading order. Runs outside every
//! table are the page's lines. A table that starts a page right after a table that ended the
//! previous one, with the same columns, continues it; a repeated header is dropped.

use pdf_extract::{
    ColorSpace, MediaBox, OutputDev, OutputError, Path as PdfPath, PathOp, Transform,
};

use super::document::{Block, DocumentProblem, TableGrid};
use super::Merge;

mod grid;

pub(crate) use grid::{Rule, Run};

/// What the text layer of one page holds.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub number: u32,
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

/// The document's content in reading order.
pub(crate) fn read_blocks(bytes: &[u8]) -> Result<Vec<Block>, DocumentProblem> {
    let pages = read_pages(bytes)?;
    if pages.iter().all(|p| p.runs.is_empty()) {
        return Err(DocumentProblem::PdfScanned {
            pages: pages.len() as u32,
        });
    }
    let mut blocks: Vec<Block> = Vec::new();
    for page in &pages {
        let items = grid::page_items(page);
        for (i, block) in items.into_iter().enumerate() {
            match block {
                Block::Table(t) if i == 0 => continue_or_push(&mut blocks, t),
                other => blocks.push(other),
            }
        }
    }
    Ok(blocks)
}

/// Appends a table that opens a page to the table that closed the previous page when their
/// columns agree (dropping a repeated header), otherwise starts a new table.
fn continue_or_push(blocks: &mut Vec<Block>, table: TableGrid) {
    if let Some(Block::Table(prev)) = blocks.last_mut() {
        if grid::same_columns(prev, &table) {
            grid::append_continued(prev, table);
            return;
        }
    }
    blocks.push(Block::Table(table));
}

fn read_pages(bytes: &[u8]) -> Result<Vec<Page>, DocumentProblem> {
    let damaged = |e: &dyn std::fmt::Display| DocumentProblem::PdfDamaged {
        detail: e.to_string(),
    };
    let mut doc = match pdf_extract::Document::load_mem(bytes) {
        Ok(doc) => doc,
        Err(e) if is_encryption_error(&e.to_string()) => return Err(DocumentProblem::PdfEncrypted),
        Err(e) => return Err(damaged(&e)),
    };
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(DocumentProblem::PdfEncrypted);
    }
    if doc.get_pages().is_empty() {
        return Err(damaged(&"没有任何页面 / no pages"));
    }
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector).map_err(|e| damaged(&format!("{e:?}")))?;
    Ok(collector.pages)
}

fn is_encryption_error(message: &str) -> bool {
    let m = message.to_lowercase();
    m.contains("decrypt") || m.contains("encrypt") || m.contains("password")
}

/// Receives glyphs and paths from pdf-extract, in page coordinates with y growing down.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    height: f64,
}

impl Collector {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        self.pages.last_mut().expect("a page")
    }

    fn add_path(&mut self, ctm: &Transform, path: &PdfPath) {
        let height = self.height;
        let at = |x: f64, y: f64| {
            (
                ctm.m11 * x + ctm.m21 * y + ctm.m31,
                height - (ctm.m12 * x + ctm.m22 * y + ctm.m32),
            )
        };
        let mut current = (0.0, 0.0);
        let mut start = (0.0, 0.0);
        let mut rules = Vec::new();
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    current = at(x, y);
                    start = current;
                }
                PathOp::LineTo(x, y) => {
                    let next = at(x, y);
                    rules.extend(Rule::between(current, next));
                    current = next;
                }
                PathOp::Rect(x, y, w, h) => {
                    let (a, b) = (at(x, y), at(x + w, y + h));
                    rules.extend(Rule::from_rect(a, b));
                }
                PathOp::Close => {
                    rules.extend(Rule::between(current, start));
                    current = start;
                }
                PathOp::CurveTo(.., x, y) => current = at(x, y),
            }
        }
        self.page().rules.extend(rules);
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        number: u32,
        media: &MediaBox,
        _art: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.height = media.ury - media.lly;
        self.pages.push(Page {
            number,
            ..Page::default()
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let size = ((trm.m11 + trm.m21) * font_size * (trm.m12 + trm.m22) * font_size)
            .abs()
            .sqrt();
        let (x, baseline) = (trm.m31, self.height - trm.m32);
        let glyph = Run::glyph(x, x + width * size, baseline, size, text);
        self.page().runs.push(glyph);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &PdfPath,
    ) -> Result<(), OutputError> {
        self.add_path(ctm, path);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &PdfPath,
    ) -> Result<(), OutputError> {
        self.add_path(ctm, path);
        Ok(())
    }
}

/// Kept for [`Merge`] construction in the grid module.
pub(crate) fn merge(first_row: u32, first_col: u16, last_row: u32, last_col: u16) -> Merge {
    Merge {
        first_row,
        first_col,
        last_row,
        last_col,
    }
}
