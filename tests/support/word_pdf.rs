//! Test support: paints lines of text and ruled tables into a PDF the way Word saves one — every border a thin filled rectangle of its own, a cell's side painted once per row it spans with a line's width left for the corner between the pieces — the text in a Type0 font with a ToUnicode map (no glyphs embedded: the text layer is what a reader reads).

#![allow(dead_code)]

use pdf_extract::{dictionary, Document, Object, Stream};
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// One box of a table: its first grid row and column, how many it spans, its text lines.
#[derive(Clone)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub rows: usize,
    pub cols: usize,
    pub lines: Vec<String>,
    /// Right-aligned (amounts), else left.
    pub right: bool,
}

impl Cell {
    pub fn new(row: usize, col: usize, text: &str) -> Cell {
        Cell {
            row,
            col,
            rows: 1,
            cols: 1,
            lines: text.split('\n').map(str::to_string).collect(),
            right: false,
        }
    }

    pub fn span(mut self, rows: usize, cols: usize) -> Cell {
        (self.rows, self.cols) = (rows, cols);
        self
    }

    pub fn right(mut self) -> Cell {
        self.right = true;
        self
    }
}

/// A ruled table: column widths and row heights (points), its boxes, the border's width.
#[derive(Clone)]
pub struct Table {
    pub widths: Vec<f64>,
    pub heights: Vec<f64>,
    pub cells: Vec<Cell>,
    pub border: f64,
}

/// What a page holds, top to bottom.
#[derive(Clone)]
pub enum Item {
    /// A line of text at this left edge and size.
    Line {
        x: f64,
        size: f64,
        text: String,
    },
    Table(Table),
}

/// Text size inside tables.
const CELL_SIZE: f64 = 9.0;
/// A4 landscape, points.
const PAGE: (f64, f64) = (842.0, 595.0);
const LEFT: f64 = 50.0;
const TOP: f64 = 50.0;

/// The width of `text` at `size`: a full square for a Chinese character, half for ASCII.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { size / 2.0 } else { size })
        .sum()
}

/// Where a page's /Rotate is written: on the page, or on the page tree node above it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RotateOn {
    Page,
    Tree,
}

/// How the pages are stored and what is painted over them besides their items.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Print {
    /// The landscape page stored turned back (portrait for 90/270) under a /Rotate of this
    /// many degrees, so a reader shows it as drawn; 0 stores it as it shows.
    pub rotate: i64,
    pub rotate_on: Option<RotateOn>,
    /// A grey text slanted 35° across the middle of each page: `Some(true)` painted before
    /// the page's items (under them), `Some(false)` after.
    pub watermark: Option<bool>,
}

/// The text of [`Print::watermark`].
pub const WATERMARK: &str = "内部资料 注意保存";

/// Writes the pages to `path` as a PDF.
pub fn write_pdf(pages: &[Vec<Item>], path: &Path) {
    write_pdf_printed(pages, path, Print::default());
}

/// The stored media box and the matrix taking the shown page's points into it for a page
/// turned `rotate` degrees clockwise for display.
fn stored(rotate: i64) -> ((f64, f64), String) {
    let (w, h) = PAGE;
    match rotate.rem_euclid(360) {
        90 => ((h, w), format!("0 1 -1 0 {h} 0 cm")),
        180 => ((w, h), format!("-1 0 0 -1 {w} {h} cm")),
        270 => ((h, w), format!("0 -1 1 0 0 {w} cm")),
        _ => ((w, h), String::new()),
    }
}

/// The watermark's text, 60 points, grey, turned 35° about the page's centre.
fn watermark(used: &mut BTreeSet<char>) -> String {
    used.extend(WATERMARK.chars());
    let hex: String = WATERMARK
        .chars()
        .map(|c| format!("{:04X}", c as u32))
        .collect();
    let (s, c) = 35f64.to_radians().sin_cos();
    let half = text_width(WATERMARK, 60.0) / 2.0;
    let (x, y) = (PAGE.0 / 2.0 - half * c, PAGE.1 / 2.0 - half * s);
    format!(
        "q 0.85 g BT /F1 60 Tf {c:.4} {s:.4} {:.4} {c:.4} {x:.2} {y:.2} Tm <{hex}> Tj ET Q\n",
        -s
    )
}

/// Writes the pages to `path` as a PDF, stored and marked as `print` says.
pub fn write_pdf_printed(pages: &[Vec<Item>], path: &Path, print: Print) {
    let mut used = BTreeSet::new();
    let contents: Vec<String> = pages
        .iter()
        .map(|p| {
            let page = paint_page(p, &mut used);
            let (under, over) = match print.watermark {
                Some(true) => (watermark(&mut used), String::new()),
                Some(false) => (String::new(), watermark(&mut used)),
                None => (String::new(), String::new()),
            };
            format!("q {}\n{under}{page}{over}Q\n", stored(print.rotate).1)
        })
        .collect();
    let (media, _) = stored(print.rotate);
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = type0_font(&mut doc, &used);
    let kids: Vec<Object> = contents
        .into_iter()
        .map(|c| {
            let content_id = doc.add_object(Stream::new(dictionary! {}, c.into_bytes()));
            let mut page = dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
                "MediaBox" => vec![0.into(), 0.into(), (media.0 as i64).into(), (media.1 as i64).into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            };
            if print.rotate_on == Some(RotateOn::Page) {
                page.set("Rotate", print.rotate);
            }
            doc.add_object(page).into()
        })
        .collect();
    let count = kids.len() as i64;
    let mut tree = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
    if print.rotate_on == Some(RotateOn::Tree) {
        tree.set("Rotate", print.rotate);
    }
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.save(path).unwrap();
}

/// A Type0 font (Identity-H, CID = the character's code point) whose ToUnicode map covers
/// the characters `used`; ASCII half as wide as the rest.
fn type0_font(doc: &mut Document, used: &BTreeSet<char>) -> pdf_extract::ObjectId {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    let chars: Vec<char> = used.iter().copied().collect();
    for chunk in chars.chunks(100) {
        writeln!(cmap, "{} beginbfchar", chunk.len()).unwrap();
        for c in chunk {
            writeln!(cmap, "<{:04X}> <{:04X}>", *c as u32, *c as u32).unwrap();
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMapResource defineresource pop end end\n");
    let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "SimSun", "Flags" => 4,
        "FontBBox" => vec![0.into(), (-200).into(), 1000.into(), 800.into()],
        "ItalicAngle" => 0, "Ascent" => 800, "Descent" => -200, "CapHeight" => 700, "StemV" => 80,
    });
    let ascii: Vec<Object> = (32..127).map(|_| 500.into()).collect();
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "SimSun",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor, "DW" => 1000,
        "W" => vec![32.into(), Object::Array(ascii)],
        "CIDToGIDMap" => "Identity",
    });
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "SimSun",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// The content stream of one page, its items flowing down from the top margin.
fn paint_page(items: &[Item], used: &mut BTreeSet<char>) -> String {
    let mut out = String::new();
    let mut top = TOP;
    for item in items {
        match item {
            Item::Line { x, size, text } => {
                show(&mut out, used, *x, top + size, *size, text);
                top += size * 1.6;
            }
            Item::Table(t) => {
                paint_table(&mut out, used, t, top);
                top += t.heights.iter().sum::<f64>() + 6.0;
            }
        }
    }
    out
}

/// Shows `text` with its baseline at `baseline` (page coordinates, y growing down).
fn show(out: &mut String, used: &mut BTreeSet<char>, x: f64, baseline: f64, size: f64, text: &str) {
    used.extend(text.chars());
    let hex: String = text.chars().map(|c| format!("{:04X}", c as u32)).collect();
    let y = PAGE.1 - baseline;
    writeln!(
        out,
        "BT /F1 {size:.2} Tf 1 0 0 1 {x:.2} {y:.2} Tm <{hex}> Tj ET"
    )
    .unwrap();
}

/// A filled rectangle in page coordinates (y growing down).
fn fill(out: &mut String, x0: f64, y0: f64, x1: f64, y1: f64) {
    let (w, h) = (x1 - x0, y1 - y0);
    writeln!(out, "{x0:.3} {:.3} {w:.3} {h:.3} re f", PAGE.1 - y1).unwrap();
}

/// The table's borders and text, its top at `top`.
fn paint_table(out: &mut String, used: &mut BTreeSet<char>, t: &Table, top: f64) {
    let xs = edges(LEFT, &t.widths);
    let ys = edges(top, &t.heights);
    let owner = owners(t);
    let (rows, cols) = (t.heights.len(), t.widths.len());
    let half = t.border / 2.0;
    let of = |r: usize, c: usize| owner[r * cols + c];
    for (r, c) in (0..=rows).flat_map(|r| (0..=cols).map(move |c| (r, c))) {
        // The corner square, then the pieces of border leaving it rightwards and downwards.
        fill(out, xs[c] - half, ys[r] - half, xs[c] + half, ys[r] + half);
        let edge_h = c < cols && (r == 0 || r == rows || of(r - 1, c) != of(r, c));
        if edge_h {
            fill(
                out,
                xs[c] + half,
                ys[r] - half,
                xs[c + 1] - half,
                ys[r] + half,
            );
        }
        let edge_v = r < rows && (c == 0 || c == cols || of(r, c - 1) != of(r, c));
        if edge_v {
            fill(
                out,
                xs[c] - half,
                ys[r] + half,
                xs[c] + half,
                ys[r + 1] - half,
            );
        }
    }
    for cell in &t.cells {
        let (x0, x1) = (xs[cell.col], xs[cell.col + cell.cols]);
        let (y0, y1) = (ys[cell.row], ys[cell.row + cell.rows]);
        let lead = CELL_SIZE * 1.3;
        let first = (y0 + y1) / 2.0 - lead * cell.lines.len() as f64 / 2.0 + CELL_SIZE;
        for (i, line) in cell.lines.iter().enumerate() {
            let x = match cell.right {
                true => x1 - 3.0 - text_width(line, CELL_SIZE),
                false => x0 + 3.0,
            };
            show(out, used, x, first + lead * i as f64, CELL_SIZE, line);
        }
    }
}

fn edges(start: f64, sizes: &[f64]) -> Vec<f64> {
    let mut out = vec![start];
    for s in sizes {
        out.push(out.last().unwrap() + s);
    }
    out
}

/// For each grid box (row-major), the index of the cell covering it (boxes no cell covers
/// are their own).
fn owners(t: &Table) -> Vec<usize> {
    let cols = t.widths.len();
    let mut owner: Vec<usize> = (0..t.heights.len() * cols)
        .map(|k| t.cells.len() + k)
        .collect();
    for (i, cell) in t.cells.iter().enumerate() {
        for r in cell.row..cell.row + cell.rows {
            for c in cell.col..cell.col + cell.cols {
                owner[r * cols + c] = i;
            }
        }
    }
    owner
}
