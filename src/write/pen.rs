//! Writes a form sheet's cells plain and formats them by blocks: rust_xlsxwriter hashes the
//! whole `Format` (font, borders, fill) on every formatted write, so the cells of one style take
//! their format in one call per rectangle, with the formats registered in the order the cells
//! meet them (the order of styles.xml, as cell-by-cell writing gives).

use super::validation::{rectangles, Rect};
use super::{Formats, StyleKey};
use crate::model::FastIndexMap;
use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

/// Where a cell goes and how it looks.
#[derive(Clone, Copy)]
pub(super) struct At {
    pub row: u32,
    pub col: u16,
    pub key: StyleKey,
}

/// A worksheet being filled in: values written plain, formats laid over their cells at the end.
pub(super) struct Pen<'a> {
    pub ws: &'a mut Worksheet,
    formats: &'a mut Formats,
    /// The cells of each style, styles in the order first met.
    styled: FastIndexMap<StyleKey, Vec<(u32, u16)>>,
    /// The rows and columns spanned by cells that hold a value (the sheet's dimension so far).
    written: Option<Rect>,
    /// Blank cells: they take part in the dimension only when written with their format.
    blanks: Vec<At>,
}

impl<'a> Pen<'a> {
    /// A pen for `ws` whose cells will meet their styles in the order of `first_met`: each
    /// style's format is registered there, at its first cell, before any cell is written.
    pub(super) fn new(
        ws: &'a mut Worksheet,
        formats: &'a mut Formats,
        first_met: impl Iterator<Item = At>,
    ) -> Result<Pen<'a>, XlsxError> {
        let mut styled: FastIndexMap<StyleKey, Vec<(u32, u16)>> = FastIndexMap::default();
        for at in first_met {
            if !styled.contains_key(&at.key) {
                let fmt = formats.get(at.key);
                ws.set_range_format(at.row, at.col, at.row, at.col, fmt)?;
                styled.insert(at.key, Vec::new());
            }
        }
        Ok(Pen {
            ws,
            formats,
            styled,
            written: None,
            blanks: Vec::new(),
        })
    }

    pub(super) fn number(&mut self, at: At, n: f64) -> Result<(), XlsxError> {
        self.ws.write_number(at.row, at.col, n)?;
        self.styled(at);
        Ok(())
    }

    /// Text; an empty text is a blank cell with its format, as Excel keeps it.
    pub(super) fn text(&mut self, at: At, t: &str) -> Result<(), XlsxError> {
        if t.is_empty() {
            self.blank(at);
            return Ok(());
        }
        self.ws.write_string(at.row, at.col, t)?;
        self.styled(at);
        Ok(())
    }

    pub(super) fn formula(&mut self, at: At, f: Formula) -> Result<(), XlsxError> {
        self.ws.write_formula(at.row, at.col, f)?;
        self.styled(at);
        Ok(())
    }

    pub(super) fn boolean(&mut self, at: At, b: bool) -> Result<(), XlsxError> {
        self.ws.write_boolean(at.row, at.col, b)?;
        self.styled(at);
        Ok(())
    }

    /// A blank cell: it exists through its format alone.
    pub(super) fn blank(&mut self, at: At) {
        self.blanks.push(at);
        self.styled
            .entry(at.key)
            .or_default()
            .push((at.row, at.col));
    }

    /// Merge `rows` × `cols` cells from `at`; its first cell is written after.
    pub(super) fn merge(&mut self, at: At, rows: u32, cols: u16) -> Result<(), XlsxError> {
        let fmt = self.formats.get(at.key);
        let (last_row, last_col) = (at.row + rows - 1, at.col + cols - 1);
        self.ws
            .merge_range(at.row, at.col, last_row, last_col, "", fmt)?;
        self.spread((at.row, at.col, last_row, last_col));
        Ok(())
    }

    /// Lay each style's format over its cells, a rectangle at a time; write formatted the
    /// blank cells that reach beyond the written ones, so the sheet's dimension counts them.
    pub(super) fn finish(self) -> Result<(), XlsxError> {
        for (key, cells) in self.styled {
            let fmt = self.formats.get(key);
            for (r1, c1, r2, c2) in rectangles(cells) {
                self.ws.set_range_format(r1, c1, r2, c2, fmt)?;
            }
        }
        let mut extent = self.written;
        for at in self.blanks {
            if !extent.is_some_and(|e| within(e, at)) {
                let fmt = self.formats.get(at.key);
                self.ws.write_blank(at.row, at.col, fmt)?;
                extent = Some(grown(extent, (at.row, at.col, at.row, at.col)));
            }
        }
        Ok(())
    }

    /// The cell at `at`, written plain, takes its style's format in `finish`.
    fn styled(&mut self, at: At) {
        self.styled
            .entry(at.key)
            .or_default()
            .push((at.row, at.col));
        self.spread((at.row, at.col, at.row, at.col));
    }

    fn spread(&mut self, r: Rect) {
        self.written = Some(grown(self.written, r));
    }
}

fn within((r1, c1, r2, c2): Rect, at: At) -> bool {
    (r1..=r2).contains(&at.row) && (c1..=c2).contains(&at.col)
}

fn grown(extent: Option<Rect>, (r1, c1, r2, c2): Rect) -> Rect {
    match extent {
        None => (r1, c1, r2, c2),
        Some((a1, b1, a2, b2)) => (a1.min(r1), b1.min(c1), a2.max(r2), b2.max(c2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::ColKind;
    use crate::layout::{Style, ValueSource};
    use crate::test_rng::Rng;
    use rust_xlsxwriter::Workbook;
    use std::io::Read;

    /// What a generated cell holds.
    #[derive(Clone, Copy)]
    enum Kind {
        Number,
        Text,
        EmptyText,
        Blank,
        Formula,
        Bool,
    }

    /// The sheet and styles parts of a workbook of one sheet.
    fn parts(ws: Worksheet) -> (String, String) {
        let mut wb = Workbook::new();
        wb.push_worksheet(ws);
        let buf = wb.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(buf)).unwrap();
        let mut read = |name: &str| {
            let mut s = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            s
        };
        (read("xl/worksheets/sheet1.xml"), read("xl/styles.xml"))
    }

    /// A pen writes the same sheet and styles as writing each cell with its format, over
    /// generated sheets: values, empty texts and blanks of several styles and marks, merges.
    #[test]
    fn a_pen_writes_what_cell_by_cell_formatting_writes() {
        const STYLES: [Style; 4] = [
            Style::Code,
            Style::Value {
                kind: ColKind::Amount,
                source: ValueSource::Typed,
            },
            Style::Value {
                kind: ColKind::Amount,
                source: ValueSource::Computed,
            },
            Style::Header,
        ];
        const KINDS: [Kind; 6] = [
            Kind::Number,
            Kind::Text,
            Kind::EmptyText,
            Kind::Blank,
            Kind::Formula,
            Kind::Bool,
        ];
        let mut rng = Rng::new(0x853c_49e6_748f_ea9b);
        let mut next = |n: u32| rng.below(n as usize) as u32;
        for case in 0..60 {
            // Cells in row order, as a layout lists them; a merge starts some rows.
            let mut cells = Vec::new();
            for row in 0..1 + next(25) {
                let merge = (next(5) == 0).then(|| 2 + next(3) as u16);
                let mut col = next(3) as u16;
                while col < 10 {
                    let at = At {
                        row,
                        col,
                        key: (STYLES[next(4) as usize], (next(6) == 0) as u8),
                    };
                    let span = if col < 3 { merge.unwrap_or(1) } else { 1 };
                    cells.push((at, KINDS[next(6) as usize], span));
                    col += span + next(2) as u16;
                }
            }
            let mut formats = Formats {
                cache: crate::model::FastMap::default(),
            };
            let mut by_pen = Worksheet::new();
            let mut pen = Pen::new(&mut by_pen, &mut formats, cells.iter().map(|c| c.0)).unwrap();
            for &(at, kind, span) in &cells {
                if span > 1 {
                    pen.merge(at, 1, span).unwrap();
                }
                match kind {
                    Kind::Number => pen.number(at, 1.25).unwrap(),
                    Kind::Text => pen.text(at, "项目").unwrap(),
                    Kind::EmptyText => pen.text(at, "").unwrap(),
                    Kind::Blank => pen.blank(at),
                    Kind::Formula => pen
                        .formula(at, Formula::new("=1+1").set_result("2"))
                        .unwrap(),
                    Kind::Bool => pen.boolean(at, true).unwrap(),
                }
            }
            pen.finish().unwrap();
            let mut by_cell = Worksheet::new();
            for &(at, kind, span) in &cells {
                let (r, c) = (at.row, at.col);
                let fmt = formats.get(at.key).clone();
                if span > 1 {
                    by_cell
                        .merge_range(r, c, r, c + span - 1, "", &fmt)
                        .unwrap();
                }
                match kind {
                    Kind::Number => by_cell.write_number_with_format(r, c, 1.25, &fmt),
                    Kind::Text => by_cell.write_string_with_format(r, c, "项目", &fmt),
                    Kind::EmptyText => by_cell.write_string_with_format(r, c, "", &fmt),
                    Kind::Blank => by_cell.write_blank(r, c, &fmt),
                    Kind::Formula => by_cell.write_formula_with_format(
                        r,
                        c,
                        Formula::new("=1+1").set_result("2"),
                        &fmt,
                    ),
                    Kind::Bool => by_cell.write_boolean_with_format(r, c, true, &fmt),
                }
                .unwrap();
            }
            assert_eq!(parts(by_pen), parts(by_cell), "case {case}");
        }
    }
}
