//! Reads a PDF's text layer with positions (pdf-extract on lopdf) and its ruling lines, and hands the pages over as lines and rebuilt tables in reading order.
//!
//! Each page's glyphs are grouped into runs (glyphs on one baseline with no wide gap). Ruled
//! tables are rebuilt from the page's horizontal and vertical strokes (thin filled rectangles
//! count): the distinct line positions give the grid, a missing inner line between two
//! grid boxes makes a merge, and every run goes to the box holding its centre — several
//! runs in one box are a cell's wrapped lines, joined in reading order. Runs outside every
//! table are the page's lines. Running headers and footers repeated on the pages are dropped
//! (see [`furniture`]). A table that starts a page right after a table that ended the
//! previous one, with the same columns, continues it — also under lines that repeat its
//! heading (a unit line printed with the repeated header rows) —; a repeated header is
//! dropped.

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path as PdfPath, Transform};

use super::blocks::{is_continuation_mark, Block, DocumentProblem, TableGrid};
use super::document::is_unit_line;
use super::ColumnNames;
use super::Merge;
use grid::RowBreaks;

mod frame;
mod furniture;
mod grid;
mod header_rest;
mod over_columns;
mod paint;
mod split_rows;

pub(crate) use grid::{Clip, Rule, Run};

/// What the text layer of one page holds.
#[derive(Debug, Default)]
pub(crate) struct Page {
    pub number: u32,
    /// The page's height in points.
    pub height: f64,
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

/// The document's content in reading order.
pub(crate) fn read_blocks(
    bytes: &[u8],
    names: &dyn ColumnNames,
) -> Result<Vec<Block>, DocumentProblem> {
    let (pages, breaks) = read_pages(bytes)?;
    if pages.iter().all(|p| p.runs.is_empty()) {
        return Err(DocumentProblem::PdfScanned {
            pages: pages.len() as u32,
        });
    }
    let placed: Vec<furniture::PlacedPage> = pages.iter().map(grid::placed_items).collect();
    let running = furniture::running_lines(&placed);
    let mut blocks: Vec<Block> = Vec::new();
    let mut column_parts: Vec<usize> = Vec::new();
    for (p, page) in placed.into_iter().enumerate() {
        let kept = page.items.into_iter().enumerate();
        let items: Vec<Block> = kept
            .filter(|(i, _)| !running.contains(&(p, *i)))
            .map(|(_, item)| item.block)
            .collect();
        let (mut items, marked) = without_repeated_heading(&blocks, items);
        // Under a `续表` line the table was cut by hand: its rows are whole.
        let page_breaks = if marked { RowBreaks::Typed } else { breaks };
        let mut after_table = false;
        if let Some(lead) = column_part_lead(&blocks, &items, names) {
            let rest = items.split_off(lead + 1);
            column_parts.push(blocks.len() + lead);
            blocks.extend(std::mem::replace(&mut items, rest));
            after_table = true;
        }
        for (i, block) in items.into_iter().enumerate() {
            let is_table = matches!(block, Block::Table(_));
            match block {
                Block::Table(t) if i == 0 => continue_or_push(&mut blocks, t, page_breaks),
                Block::Table(t) if after_table => below_or_push(&mut blocks, t),
                other => blocks.push(other),
            }
            after_table = is_table;
        }
    }
    over_columns::join_column_parts(&mut blocks, &column_parts);
    Ok(blocks)
}

/// How many lines stand above a page's first table that holds further columns of the table
/// closing the page before (see [`over_columns`]): a form's title or unit line, centred over
/// the whole sheet, may print over its right-hand columns. `names` judges whether its header
/// names that table's missing columns.
fn column_part_lead(blocks: &[Block], items: &[Block], names: &dyn ColumnNames) -> Option<usize> {
    let Some(Block::Table(prev)) = blocks.last() else {
        return None;
    };
    let lead = items
        .iter()
        .take_while(|b| matches!(b, Block::Line(_)))
        .count();
    // A title over the part is the table's own, repeated; another one heads another form.
    let heading = heading_of_last_table(blocks);
    let own = |b: &Block| match b {
        Block::Line(l) => is_field_line(&l.text) || heading.contains(&squeezed(&l.text)),
        _ => false,
    };
    match items.get(lead) {
        Some(Block::Table(t)) if lead == 0 && items[..lead].iter().all(own) => {
            over_columns::opens_column_part(prev, t, names).then_some(lead)
        }
        _ => None,
    }
}

/// The lines right above the table closing `blocks` (its title, unit and field lines), each
/// squeezed, nearest first.
fn heading_of_last_table(blocks: &[Block]) -> Vec<String> {
    let Some((Block::Table(_), before)) = blocks.split_last() else {
        return Vec::new();
    };
    before
        .iter()
        .rev()
        .map_while(|b| match b {
            Block::Line(l) => Some(squeezed(&l.text)),
            Block::Table(_) | Block::PageBreak => None,
        })
        .take(MAX_REPEATED_HEADING)
        .collect()
}

/// Most lines of a table's heading a page repeats above its continued rows.
const MAX_REPEATED_HEADING: usize = 4;

/// A page's items without the lines above its first table when each repeats a line of the
/// heading of the table that closed the page before (`blocks`' last) or says the table goes
/// on (`续表`): a unit line printed with header rows repeated on every page, a spreadsheet's
/// print titles, a clerk's mark over the table continued by hand. A repeated title goes too
/// when the table opens with that table's header rows (print titles repeat the title, the
/// field lines and the header together) and goes on to figures; without them it heads a new
/// copy of the form, and a page of the repeated heading alone adds nothing. The table then
/// opens the page and may continue the one before. True beside them when a `续表` line went.
fn without_repeated_heading(blocks: &[Block], mut items: Vec<Block>) -> (Vec<Block>, bool) {
    let Some(Block::Table(prev)) = blocks.last() else {
        return (items, false);
    };
    let heading = heading_of_last_table(blocks);
    let mark = |b: &Block| matches!(b, Block::Line(l) if is_continuation_mark(&l.text));
    let repeats =
        |b: &Block| mark(b) || matches!(b, Block::Line(l) if heading.contains(&squeezed(&l.text)));
    let lead = items.iter().take_while(|b| repeats(b)).count();
    let Some(Block::Table(next)) = items.get(lead) else {
        return (items, false);
    };
    let titled = (items[..lead].iter())
        .any(|b| !mark(b) && matches!(b, Block::Line(l) if !is_field_line(&l.text)));
    let continued = grid::repeated_top(prev, next).is_some() && grid::holds_figures(next);
    if titled && !continued {
        return (items, false);
    }
    let marked = items.drain(..lead).any(|b| mark(&b));
    (items, marked)
}

/// Appends a table a Word document continues (a second table under a `续表` line, or header
/// rows typed again inside one) to the table before, as a page's table continues the page
/// before's: its repeated header rows dropped, the merged cells the cut split joined again.
/// A Word table's rows are whole in the file: none is cut in two.
pub(crate) fn append_typed_continuation(prev: &mut TableGrid, next: TableGrid) {
    grid::append_continued(prev, next, RowBreaks::Typed);
}

/// How many rows at the top of `below` are header rows of `above` typed again (see
/// [`grid::typed_header`]).
pub(crate) fn typed_header_rows(above: &[Vec<String>], below: &[Vec<String>]) -> usize {
    grid::typed_header(above, below)
}

/// A unit line or a line of fields (`部门：…  金额单位：万元`), never a title (a form's name,
/// `附件3：`, a 表号): a repeated title above a table on a new page starts a new copy of a
/// form a document may hold several of (附件3, one per project), not a continuation, unless
/// the table repeats the header rows under it.
fn is_field_line(text: &str) -> bool {
    let t = squeezed(text);
    let titled = ["附件", "附表", "表"].iter().any(|p| t.starts_with(p)) || t.ends_with('表');
    is_unit_line(&t) || (t.contains(['：', ':']) && !titled)
}

/// Appends a table right below the table before it on the same page (nothing printed
/// between them: an empty row drawn without rules parts one table's header from its rows)
/// when both stand between the same outer edges and the upper one holds no figure (a header
/// alone); a table under a table of figures is another table.
fn below_or_push(blocks: &mut Vec<Block>, table: TableGrid) {
    if let Some(Block::Table(prev)) = blocks.last_mut() {
        if grid::holds_figures(prev) {
            blocks.push(Block::Table(table));
            return;
        }
        if let Some((laid_prev, laid_next)) = grid::on_shared_columns(prev, &table) {
            *prev = laid_prev;
            grid::append_below(prev, laid_next);
            return;
        }
    }
    blocks.push(Block::Table(table));
}

/// Appends a table that opens a page to the table that closed the previous page when their
/// columns agree, or both stand between the same outer edges (dropping a repeated header);
/// otherwise starts a new table.
fn continue_or_push(blocks: &mut Vec<Block>, table: TableGrid, breaks: RowBreaks) {
    if let Some(Block::Table(prev)) = blocks.last_mut() {
        if grid::same_columns(prev, &table) {
            grid::append_continued(prev, table, breaks);
            return;
        }
        if let Some((laid_prev, laid_next)) = grid::on_shared_columns(prev, &table) {
            *prev = laid_prev;
            grid::append_continued(prev, laid_next, breaks);
            return;
        }
    }
    blocks.push(Block::Table(table));
}

/// The document's pages, and whether the program that printed it breaks rows across pages.
fn read_pages(bytes: &[u8]) -> Result<(Vec<Page>, RowBreaks), DocumentProblem> {
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
    let mut collector = Collector {
        painted: paint::pages(&doc),
        turns: frame::turns(&doc),
        ..Collector::default()
    };
    pdf_extract::output_doc(&doc, &mut collector).map_err(|e| damaged(&format!("{e:?}")))?;
    Ok((collector.pages, row_breaks(&doc)))
}

/// Words naming a spreadsheet program in a document's Creator or Producer (LibreOffice's
/// `Calc`, `Microsoft® Excel® 2016`, `WPS 表格`, `WPS Spreadsheets`), lower case.
const SPREADSHEET_PROGRAMS: [&str; 4] = ["calc", "excel", "表格", "spreadsheet"];

/// [`RowBreaks::Never`] for a document whose info names a spreadsheet program as the one
/// that made it: a spreadsheet pages its sheet between rows. Anything else (a word
/// processor, a converter, no info) may have let a table's row break across pages.
fn row_breaks(doc: &pdf_extract::Document) -> RowBreaks {
    let info = match doc.trailer.get(b"Info") {
        Ok(pdf_extract::Object::Reference(id)) => doc.get_dictionary(*id).ok(),
        Ok(pdf_extract::Object::Dictionary(info)) => Some(info),
        _ => None,
    };
    let named = |key: &[u8]| {
        let text = info.and_then(|i| i.get(key).ok());
        let text = text.and_then(|t| pdf_extract::decode_text_string(t).ok());
        text.is_some_and(|t| {
            let t = t.to_lowercase();
            SPREADSHEET_PROGRAMS.iter().any(|p| t.contains(p))
        })
    };
    match named(b"Creator") || named(b"Producer") {
        true => RowBreaks::Never,
        false => RowBreaks::Allowed,
    }
}

fn is_encryption_error(message: &str) -> bool {
    let m = message.to_lowercase();
    m.contains("decrypt") || m.contains("encrypt") || m.contains("password")
}

/// How many text sizes over or under its clip a cut-off line of the clip's text may stand.
const CUT_LINES: f64 = 2.5;

/// Nearer than this (points) a horizontal rule runs along a clip's edge.
const ALONG_EDGE: f64 = 2.0;

/// Whether `clip` (page coordinates) is a table cell's: ruled along its top and its bottom
/// (a note printed under a table, or a line of fields over it, is not cut to a cell).
fn is_ruled_cell(rules: &[Rule], clip: &Clip) -> bool {
    let (left, right) = (clip.left, clip.right);
    let along = |edge: f64| {
        rules.iter().any(|r| match *r {
            Rule::H { y, x0, x1 } => {
                (y - edge).abs() < ALONG_EDGE && x1.min(right) - x0.max(left) > (right - left) / 2.0
            }
            Rule::V { .. } => false,
        })
    };
    along(clip.top) && along(clip.bottom)
}

/// The clips of a page that show some of their glyphs and are a table cell's (see
/// [`is_ruled_cell`]), on the page `frame` shows.
fn cells_showing(
    shown_by: &[(usize, (f64, f64))],
    clips: &[Option<paint::Area>],
    rules: &[Rule],
    frame: &frame::Frame,
) -> Vec<paint::Area> {
    let mut showing: Vec<paint::Area> = Vec::new();
    for (show, (x, y)) in shown_by {
        match clips.get(*show).copied().flatten() {
            Some(c) if c.holds(*x, *y) && !showing.contains(&c) => showing.push(c),
            _ => {}
        }
    }
    showing.retain(|c| is_ruled_cell(rules, &frame.clip(*c)));
    showing
}

/// Receives glyphs and paths from pdf-extract, in page coordinates with y growing down.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    /// How each page turns for display (its /Rotate), in page order.
    turns: Vec<frame::Turn>,
    /// The current page's media box and turn.
    frame: frame::Frame,
    /// What each page paints: the clip of every text-showing operation and the lines (see
    /// [`paint`]).
    painted: Vec<Option<paint::Painted>>,
    /// Text-showing operations seen on the current page.
    shows: usize,
    /// For each glyph of the current page: its operation and its centre in user space.
    shown_by: Vec<(usize, (f64, f64))>,
}

impl Collector {
    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        self.pages.last_mut().expect("a page")
    }

    /// Drops the current page's glyphs that their clip hides, when the clips of the page are
    /// known for exactly the operations pdf-extract showed; but keeps, as the clip's text, the
    /// lines a table cell's clip that shows some of its text cuts off at its top or bottom: a
    /// wrapped label taller than its row (the row kept its height) is printed centred on the
    /// row, its first line, with the 科目代码, and its last cut away.
    fn drop_clipped(&mut self) {
        let shown_by = std::mem::take(&mut self.shown_by);
        let index = self.pages.len().saturating_sub(1);
        let (Some(Some(painted)), Some(page)) = (self.painted.get(index), self.pages.last_mut())
        else {
            return;
        };
        let clips = &painted.shows;
        if clips.len() != self.shows || shown_by.len() != page.runs.len() {
            return;
        }
        let clip_of = |show: usize| clips.get(show).copied().flatten();
        let frame = self.frame;
        for (glyph, (show, _)) in page.runs.iter_mut().zip(&shown_by) {
            glyph.clip = clip_of(*show).map(|c| frame.clip(c));
        }
        let showing = cells_showing(&shown_by, clips, &page.rules, &frame);
        let kept: Vec<bool> = shown_by
            .iter()
            .zip(&page.runs)
            .map(|((show, (x, y)), glyph)| {
                clip_of(*show).is_none_or(|c| {
                    c.holds(*x, *y)
                        || showing.contains(&c) && c.cuts_off(*x, *y, glyph.size * CUT_LINES)
                })
            })
            .collect();
        let mut kept = kept.into_iter();
        page.runs.retain(|_| kept.next().unwrap_or(true));
    }

    /// The page's ruling lines, in page coordinates with y growing down.
    fn rules(&self, index: usize) -> Vec<Rule> {
        let Some(Some(painted)) = self.painted.get(index) else {
            return Vec::new();
        };
        let flip = |p: (f64, f64)| self.frame.place(p);
        let corners = |a: &paint::Area| (flip((a.x0, a.y0)), flip((a.x1, a.y1)));
        let mut rules = Vec::new();
        for mark in &painted.marks {
            match mark {
                paint::Mark::Line(a, b) => rules.extend(Rule::between(flip(*a), flip(*b))),
                paint::Mark::Frame(r) => {
                    let (a, b) = corners(r);
                    rules.extend(Rule::from_rect(a, b));
                }
                // A filled background is no border; a thin filled rectangle is a rule.
                paint::Mark::Fill(r) => {
                    let (a, b) = corners(r);
                    let edges = Rule::from_rect(a, b);
                    if edges.len() == 1 {
                        rules.extend(edges);
                    }
                }
            }
        }
        rules
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        number: u32,
        media: &MediaBox,
        _art: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        let turn = self
            .turns
            .get(self.pages.len())
            .copied()
            .unwrap_or_default();
        let area = paint::Area {
            x0: media.llx.min(media.urx),
            y0: media.lly.min(media.ury),
            x1: media.llx.max(media.urx),
            y1: media.lly.max(media.ury),
        };
        self.frame = frame::Frame::new(turn, area);
        self.shows = 0;
        self.shown_by.clear();
        let rules = self.rules(self.pages.len());
        self.pages.push(Page {
            number,
            height: self.frame.height(),
            rules,
            ..Page::default()
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.drop_clipped();
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
        let shown = self.frame.glyph(trm);
        if !shown.square_to_page() {
            // Slanted across the page (a watermark): no cell's text, and no line's.
            return Ok(());
        }
        let ((a, b), (c, d)) = (shown.along, shown.up);
        let size = ((a + c) * font_size * (b + d) * font_size).abs().sqrt();
        let (x, y) = shown.origin;
        let baseline = self.frame.height() - y;
        let op = self.shows.saturating_sub(1);
        let glyph = Run::glyph(x, x + width * size, baseline, size, text).shown_by(op);
        let centre = self
            .frame
            .user((glyph.x0 + glyph.x1) / 2.0, y + glyph.size * 0.3);
        self.page().runs.push(glyph);
        self.shown_by.push((op, centre));
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.shows += 1;
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
        _ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        _path: &PdfPath,
    ) -> Result<(), OutputError> {
        // Lines come from [`paint`], which sees clips and `f*`.
        Ok(())
    }

    fn fill(
        &mut self,
        _ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        _path: &PdfPath,
    ) -> Result<(), OutputError> {
        Ok(())
    }
}

/// `s` without its spaces and line breaks: texts compared as printed, wherever the printer
/// broke or spaced them.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::blocks::Line;

    fn grid(rows: &[&[&str]]) -> TableGrid {
        TableGrid {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            merges: vec![],
            pages: vec![1; rows.len()],
            columns: vec![0.0, 50.0, 100.0, 150.0],
            ..TableGrid::default()
        }
    }

    /// A header printed apart from its rows by an unruled empty row is one table with them;
    /// a table under a table of figures, between the same edges, is another table.
    #[test]
    fn a_table_below_a_header_alone_is_its_rows_and_below_figures_another_table() {
        let header = grid(&[&["科目", "合计", "基本支出"], &["栏次", "1", "2"]]);
        let rows = grid(&[&["201", "9389.1", "9389.1"]]);
        let mut blocks = vec![Block::Table(header)];
        below_or_push(&mut blocks, rows.clone());
        assert_eq!(blocks.len(), 1);
        let mut blocks = vec![Block::Table(grid(&[&["科目", "合计"], &["201", "12.50"]]))];
        below_or_push(
            &mut blocks,
            grid(&[&["科目", "金额", "备注"], &["301", "3.00", ""]]),
        );
        assert_eq!(blocks.len(), 2);
    }

    /// Above a page's first table, a repeated unit line and line of fields are dropped so the
    /// table may continue the one closing the page before; a repeated title (the second copy
    /// of 附件3 on the next page, under the same title) stays, so it starts a form of its own.
    #[test]
    fn a_repeated_unit_line_is_dropped_and_a_repeated_title_kept() {
        let line = |t: &str| Block::Line(Line::new(t, Some(1)));
        let table = || Block::Table(grid(&[&["项目名称", "金额"], &["甲", "1.00"]]));
        let before = vec![
            line("附件3"),
            line("项目支出绩效自评表"),
            line("部门：某某中心    金额单位：万元"),
            table(),
        ];
        let fields = vec![line("部门：某某中心  金额单位：万元"), table()];
        let (kept, _) = without_repeated_heading(&before, fields);
        assert!(matches!(kept.as_slice(), [Block::Table(_)]), "{kept:?}");
        let copy = vec![
            line("附件3"),
            line("项目支出绩效自评表"),
            line("部门：某某中心    金额单位：万元"),
            table(),
        ];
        let (kept, _) = without_repeated_heading(&before, copy);
        let texts: Vec<&str> = kept
            .iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l.text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            [
                "附件3",
                "项目支出绩效自评表",
                "部门：某某中心    金额单位：万元"
            ]
        );
        assert!(is_field_line("单位：万元"));
        assert!(!is_field_line("附件3：项目支出绩效自评表"));
    }
}
