//! What a document reader (PDF, Word) hands over: its content in reading order as blocks —
//! lines of text and tables rebuilt into rows and columns — and why a document could not be read.

use std::fmt;
use std::path::Path;

use super::Merge;

/// A line or paragraph of a document's text outside its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// The 1-based page of a PDF; `None` for a Word document (Word has no fixed pages).
    pub page: Option<u32>,
    pub text: String,
}

/// A table rebuilt from a document: rows of cell texts, its merged regions (positions
/// relative to the table's top-left cell), the page of each row and the x of each column's
/// left edge followed by the table's right edge (PDF only).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TableGrid {
    pub rows: Vec<Vec<String>>,
    pub merges: Vec<Merge>,
    pub pages: Vec<u32>,
    pub columns: Vec<f64>,
    /// PDF only, for each column of the last row: where its cell's last line of text stands
    /// (none when the cell is blank) — text that may go on past a page break (a row Word
    /// lets break across pages) when it ends at the box's bottom and the next piece of it
    /// would not have fitted on that line. Empty when unknown.
    pub last_lines: Vec<Option<LastLine>>,
    /// Rows (by index) that may be the rest of the row above, cut by a page break, left as
    /// rows of their own because that could not be told for sure.
    pub maybe_cut: Vec<usize>,
    /// PDF only: the cells of a row printed on another page than the row's first cells —
    /// a sheet printed wider than the page puts its right-hand columns on a later page.
    pub column_pages: Vec<ColumnPage>,
    /// PDF only: the pages of the table before, when this table seems to hold its further
    /// columns (a sheet printed wider than the page) but its rows pair with none of that
    /// table's; empty otherwise.
    pub columns_of: Vec<u32>,
    /// PDF only: each row's top and bottom rule on its page (empty when unknown): a sheet's
    /// further columns printed on a later page stand in the same rows' positions.
    pub row_spans: Vec<(f64, f64)>,
}

/// From column `first_col` on, row `row` of a table was printed on page `page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ColumnPage {
    pub row: usize,
    pub first_col: u16,
    pub page: u32,
}

/// Where a box's last line of text stands, in text sizes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LastLine {
    /// The box's text wraps: lines stand above this one.
    pub wrapped: bool,
    /// From its baseline down to the box's bottom rule.
    pub gap: f64,
    /// Left in the box's width (less its margins) after it.
    pub room: f64,
}

impl TableGrid {
    pub(crate) fn width(&self) -> u16 {
        let merged = self.merges.iter().map(|m| m.last_col + 1);
        let filled = self.rows.iter().map(|r| r.len() as u16);
        merged.chain(filled).max().unwrap_or(0)
    }
}

/// A line of text outside the tables. A PDF's line also has its pieces — the parts a wide
/// gap separates, each with the x where it starts — so that a line of fields
/// (`部门：…    年度    单位：万元`) can be put under the columns it was printed over.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub page: Option<u32>,
    pub pieces: Vec<(f64, String)>,
}

impl Line {
    pub(crate) fn new(text: impl Into<String>, page: Option<u32>) -> Line {
        Line {
            text: text.into(),
            page,
            pieces: Vec::new(),
        }
    }

    pub(crate) fn passage(&self) -> Passage {
        Passage {
            page: self.page,
            text: self.text.clone(),
        }
    }

    pub(crate) fn page(&self) -> u32 {
        self.page.unwrap_or(0)
    }
}

/// One piece of a document's content, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Line(Line),
    Table(TableGrid),
    /// A page break a Word document types (a PDF's lines and tables carry their pages).
    PageBreak,
}

/// Why a PDF or Word document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentProblem {
    /// A PDF without a text layer on any page: a scan.
    PdfScanned { pages: u32 },
    /// A PDF that needs a password (or uses encryption the reader cannot open).
    PdfEncrypted,
    /// A PDF that cannot be parsed.
    PdfDamaged { detail: String },
    /// A Word document that cannot be parsed (bad zip, bad XML, a part over the size limit).
    DocxDamaged { detail: String },
    /// A document that holds no table at all; `kind` is "PDF" or "Word".
    NoTables { kind: &'static str },
}

impl DocumentProblem {
    /// The message for `path`, Chinese first, as [`super::ReadError`] shows it.
    pub fn describe(&self, path: &Path, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = path.display();
        match self {
            DocumentProblem::PdfScanned { pages } => write!(
                f,
                "文件 {p} 是扫描件（{pages} 页都没有文字层），无法读取其中的数字：请向编报单位索取\
                 原始的电子版 PDF、Word 或 Excel 文件；本工具不做文字识别（OCR），也可先用 OCR 软件\
                 转成 Excel 后再试。\n\
                 {p} is a scanned PDF (none of its {pages} pages has a text layer): get the original \
                 electronic PDF, Word or Excel file from the unit, or convert it to Excel with OCR \
                 software first (this tool does no OCR)."
            ),
            DocumentProblem::PdfEncrypted => write!(
                f,
                "文件 {p} 是加密的 PDF，无法读取文字：请用 PDF 阅读器输入密码打开后另存为（或打印为）\
                 不加密的 PDF 再试，或向编报单位索取未加密的文件。\n\
                 {p} is an encrypted PDF: open it with its password in a PDF reader and save (or \
                 print) it as an unencrypted PDF, or ask the unit for an unencrypted copy."
            ),
            DocumentProblem::PdfDamaged { detail } => write!(
                f,
                "文件 {p} 不是完好的 PDF，无法读取（{detail}）：请重新下载或复制原文件；若 PDF 阅读器\
                 能打开，请另存为新的 PDF 再试。\n\
                 {p} is a damaged PDF ({detail}): download or copy the original again; if a PDF \
                 reader opens it, save it as a new PDF and try again."
            ),
            DocumentProblem::DocxDamaged { detail } => write!(
                f,
                "文件 {p} 不是完好的 Word 文档，无法读取（{detail}）：请用 Word 或 WPS 打开并另存为\
                 新的 .docx 再试，打不开则请重新获取原文件。\n\
                 {p} is a damaged Word document ({detail}): open it in Word or WPS and save it as a \
                 new .docx; if it does not open, get the original file again."
            ),
            DocumentProblem::NoTables { kind: "PDF" } => write!(
                f,
                "文件 {p} 是 PDF 文档，但其中没有任何表格，没有可审核的报表：PDF 中的表格按单元格的\
                 框线读取，三线表、无框线的表格和图片形式的表格都读不出；请确认文件是否为公开报表，\
                 并向编报单位索取报表的 Excel 或 Word 电子版。\n\
                 {p} is a PDF document without any table, so there is no form to audit: tables \
                 are read from their cell borders, so tables ruled only across (三线表), without \
                 borders or pasted as pictures cannot be read; ask the unit for the Excel or Word \
                 original of the tables."
            ),
            DocumentProblem::NoTables { kind } => write!(
                f,
                "文件 {p} 是 {kind} 文档，但其中没有任何表格，没有可审核的报表：请确认文件是否为\
                 公开报表（表格若是图片，请索取电子版原件）。\n\
                 {p} is a {kind} document without any table, so there is no form to audit: check \
                 that it is the published tables (tables pasted as pictures cannot be read)."
            ),
        }
    }
}

/// "续表", "（续）", "接上页", "续表1": a line saying the table goes on from the page before
/// (spaces and brackets around it aside, and the number of the continuation).
pub fn is_continuation_mark(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = t
        .strip_prefix(['(', '（'])
        .and_then(|s| s.strip_suffix([')', '）']))
        .unwrap_or(&t);
    let numbered = inner.strip_prefix("续表").is_some_and(|n| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    });
    numbered
        || matches!(
            inner,
            "续表" | "续" | "续上表" | "接上表" | "接上页" | "续上页" | "上接"
        )
}
