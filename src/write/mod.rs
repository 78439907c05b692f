//! Writes forms to a formatted .xlsx: the official layout, live formulas with their results
//! stored, locked derived cells, validated inputs; written to a temporary file and renamed.

use crate::calc::{Agreement, Book, Calc};
use crate::cellref::valid_sheet_name;
use crate::expr::{Addresses, CellId, Val};
use crate::files::{describe_io, TEMP_PREFIX, TEMP_SUFFIX};
use crate::form::ColKind;
use crate::layout::{a1, layout, Content, Layout, Placed, Style, ValueSource};
use crate::model::{FastMap, RowKind};
use crate::normalize::decimal_text;
use rust_decimal::prelude::ToPrimitive;
/// A workbook rendered in memory, ready to save: what fix's plan becomes.
pub use rust_xlsxwriter::Workbook as RenderedWorkbook;
use rust_xlsxwriter::{
    Format, FormatAlign, FormatBorder, Formula, Note, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub mod fixed;
pub mod merge;
mod pen;
pub mod review;
mod validation;

use pen::{At, Pen};
use validation::InputCells;

#[derive(Debug)]
pub enum WriteError {
    Xlsx(XlsxError),
    Io { path: PathBuf, err: std::io::Error },
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Xlsx(e) => write!(f, "生成工作簿失败：{e}"),
            WriteError::Io { path, err } => write!(
                f,
                "无法写入文件 {}：{}（请检查目录是否存在、是否有写权限、磁盘空间是否足够、文件是否被其他程序打开）",
                path.display(),
                describe_io(err)
            ),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<XlsxError> for WriteError {
    fn from(e: XlsxError) -> Self {
        WriteError::Xlsx(e)
    }
}

/// The most characters Excel holds in one cell, counted as Excel counts them (UTF-16 units).
pub const MAX_CELL_TEXT: usize = 32_767;
/// The most a note holds (rust_xlsxwriter keeps 54 units for its own markup).
pub const MAX_NOTE_TEXT: usize = MAX_CELL_TEXT - 54;
/// What ends a text cut to fit a cell, so that whoever reads the cell sees it is not whole.
pub const CUT_MARK: &str = "…（超长，已截断）";

/// `text` cut to at most `max` UTF-16 units, ending with [`CUT_MARK`], with the number of
/// characters of `text` kept; `None` when it fits as it is.
pub fn cut_text(text: &str, max: usize) -> Option<(String, usize)> {
    if text.encode_utf16().count() <= max {
        return None;
    }
    let room = max.saturating_sub(CUT_MARK.encode_utf16().count());
    let mut used = 0;
    let mut kept = 0;
    let mut out = String::new();
    for ch in text.chars() {
        used += ch.len_utf16();
        if used > room {
            break;
        }
        out.push(ch);
        kept += 1;
    }
    out.push_str(CUT_MARK);
    Some((out, kept))
}

/// A text of ours (a message, a note) that fits `max`: cut, visibly, where it would not. An
/// input text is cut before writing, by `fix`, which reports it at its cell.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match cut_text(text, max) {
        Some((cut, _)) => cut.into(),
        None => text.into(),
    }
}

/// How a marked cell is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fill {
    /// A note only.
    None,
    /// The value was changed (yellow).
    Changed,
    /// A disagreement fix must not resolve (red).
    Conflict,
}

/// A cell to highlight, with the note text.
#[derive(Debug, Clone)]
pub struct Mark {
    pub note: String,
    pub fill: Fill,
}

/// The cells to highlight, by logical cell: looked up for every cell written.
pub type Marks = FastMap<CellId, Mark>;

/// Formulas of cells that are not derived, by logical cell (see [`WriteOptions::formulas`]).
pub type CellFormulas = FastMap<CellId, String>;

#[derive(Default)]
pub struct WriteOptions {
    pub marks: Marks,
    /// Formulas (no leading '=') for cells that are not derived but whose value was computed
    /// (a 自评得分 `fix` fills from its 评（扣）分标准); the cell's value is the cached result.
    pub formulas: CellFormulas,
}

/// Where every logical cell of every form sits, for formulas across sheets.
pub struct Placement {
    pub sheets: Vec<String>,
    pub layouts: Vec<Layout>,
}

impl Addresses for Placement {
    fn position(&self, cell: &CellId) -> Option<(u32, u16)> {
        self.layouts.get(cell.form)?.addr.get(cell)
    }
    fn sheet_prefix(&self, form: usize, home: usize) -> String {
        if form == home {
            String::new()
        } else {
            format!("'{}'!", self.sheets[form].replace('\'', "''"))
        }
    }
    fn top_level_sum(&self, form: usize, panel: &str, col: &str, home: usize) -> Option<String> {
        let layout = self.layouts.get(form)?;
        let (code_cols, first, last) = layout.coded_ranges.get(panel)?;
        // The value column: any coded row's address for this column gives its sheet column.
        let value_col = layout
            .addr
            .iter()
            .find(|&(_, c, (r, _))| c.is_some_and(|c| **c == *col) && r >= *first && r <= *last)
            .map(|(_, _, (_, c))| c)?;
        let prefix = self.sheet_prefix(form, home);
        let range = |c: u16| format!("{prefix}{}:{}", a1(*first, c), a1(*last, c));
        let test = match code_cols.as_slice() {
            [code] => format!("(LEN({})=3)", range(*code)),
            [lei, kuan, ..] => format!("(LEN({})>0)*(LEN({})=0)", range(*lei), range(*kuan)),
            [] => return None,
        };
        Some(format!("SUMPRODUCT({test},{})", range(value_col)))
    }
}

/// Sheet names: the form's own, made unique; a form a workbook may hold several of keeps the
/// name its sheet had (附件3-1, 附件3-2: one per project).
fn sheet_names(book: &Book) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (form, data) in &book.forms {
        let base = match &data.sheet {
            Some(s) if form.repeatable && valid_sheet_name(s) => s.clone(),
            _ => form.sheet_name.clone(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while names
            .iter()
            .any(|x| x.to_lowercase() == name.to_lowercase())
        {
            name = format!("{base}({n})");
            n += 1;
        }
        names.push(name);
    }
    names
}

pub fn place(book: &Book, calc: &Calc) -> Placement {
    let sheets = sheet_names(book);
    let layouts = book
        .forms
        .iter()
        .enumerate()
        .map(|(fi, (form, data))| {
            let is_input = |c: &CellId| is_input_cell(book, calc, c);
            layout(form, data, fi, &is_input)
        })
        .collect();
    Placement { sheets, layouts }
}

fn is_input_cell(book: &Book, calc: &Calc, c: &CellId) -> bool {
    if calc.derived.contains_key(c) {
        return false;
    }
    let form = book.forms[c.form].0;
    match form.fixed_row(&c.row) {
        // A row that declares no inputs takes every cell it does not derive as one.
        Some((_, row)) => row.inputs.is_none() || row.declares_input(c.column()),
        None => true,
    }
}

/// A cell's style and its mark (0 none, 1 changed, 2 conflict): the key of its format.
type StyleKey = (Style, u8);

struct Formats {
    cache: FastMap<StyleKey, Format>,
}

const FONT: &str = "宋体";

// Number formats whose third section (zero) is empty: a blank form prints no 0.00 in its
// totals, a filled one shows its figures; the values themselves are unchanged.
const AMOUNT_FORMAT: &str = "#,##0.00;-#,##0.00;;@";
const RATE_FORMAT: &str = "0.00%;-0.00%;;@";
const NUMBER_FORMAT: &str = "General;-General;;@";

impl Formats {
    fn get(&mut self, key: StyleKey) -> &Format {
        let (style, mark) = key;
        self.cache.entry(key).or_insert_with(|| {
            let base = Format::new().set_font_name(FONT).set_font_size(10);
            let bordered = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
            let f = match style {
                Style::Title => base
                    .set_bold()
                    .set_font_size(16)
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
                Style::InfoLeft => base.set_align(FormatAlign::Left),
                Style::InfoCenter => base.set_align(FormatAlign::Center),
                Style::InfoRight => base.set_align(FormatAlign::Right),
                Style::Header | Style::ColumnNumber | Style::SideLabel => bordered
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter)
                    .set_bold(),
                Style::Label { indent, bold } => {
                    let f = bordered
                        .set_align(FormatAlign::VerticalCenter)
                        .set_indent(indent);
                    if bold {
                        f.set_bold()
                    } else {
                        f
                    }
                }
                Style::Entry => bordered
                    .set_align(FormatAlign::VerticalCenter)
                    .set_unlocked(),
                Style::Line | Style::Code => bordered
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
                Style::Value { kind, source } => {
                    let f = match kind {
                        ColKind::Amount => bordered
                            .set_num_format(AMOUNT_FORMAT)
                            .set_align(FormatAlign::Right)
                            .set_align(FormatAlign::VerticalCenter),
                        ColKind::Rate => bordered
                            .set_num_format(RATE_FORMAT)
                            .set_align(FormatAlign::Right)
                            .set_align(FormatAlign::VerticalCenter),
                        ColKind::Score | ColKind::Number => bordered
                            .set_num_format(NUMBER_FORMAT)
                            .set_align(FormatAlign::Center)
                            .set_align(FormatAlign::VerticalCenter),
                        _ => bordered
                            .set_align(FormatAlign::Left)
                            .set_align(FormatAlign::VerticalCenter),
                    };
                    if source != ValueSource::Computed {
                        f.set_unlocked()
                    } else {
                        f
                    }
                }
                Style::Note => base.set_align(FormatAlign::Left).set_text_wrap(),
            };
            match mark {
                1 => f.set_background_color("#FFF2A8"),
                2 => f.set_background_color("#F8C9C4"),
                _ => f,
            }
        })
    }
}

fn result_text(v: &Val) -> String {
    match v {
        Val::Num(d) => decimal_text(*d),
        Val::Nothing => "——".into(),
        Val::Text(t) => t.clone(),
        Val::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Val::Blank => "0".into(),
    }
}

/// Build the workbook in memory.
pub fn build(book: &Book, calc: &Calc, opts: &WriteOptions) -> Result<Workbook, WriteError> {
    let placement = place(book, calc);
    let mut wb = Workbook::new();
    for ws in form_sheets(book, calc, &placement, opts)? {
        wb.push_worksheet(ws);
    }
    Ok(wb)
}

/// One formatted worksheet per form, in book order, laid out as `placement` says; the caller
/// adds them to a workbook in the order it wants (fix puts its 审核结果 sheet first).
pub fn form_sheets(
    book: &Book,
    calc: &Calc,
    placement: &Placement,
    opts: &WriteOptions,
) -> Result<Vec<Worksheet>, WriteError> {
    let mut formats = Formats {
        cache: FastMap::default(),
    };
    let mut out = Vec::new();
    for (fi, (form, _)) in book.forms.iter().enumerate() {
        let layout = &placement.layouts[fi];
        let mut ws = Worksheet::new();
        ws.set_name(&placement.sheets[fi])?;
        // A formula whose stored result is "" (a spare row) must stay "", not become 0.
        ws.set_formula_result_default("");
        write_sheet(
            &mut ws,
            book,
            calc,
            placement,
            fi,
            layout,
            &mut formats,
            opts,
        )?;
        ws.set_paper_size(9);
        if form.landscape {
            ws.set_landscape();
        }
        ws.set_print_fit_to_pages(1, 0);
        ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
        if let Some((a, b)) = layout.header_rows {
            ws.set_repeat_rows(a, b)?;
        }
        if let Some(r) = layout.freeze_row {
            ws.set_freeze_panes(r, 0)?;
        }
        let mut protection = ProtectionOptions::new();
        protection.format_columns = true;
        protection.format_rows = true;
        protection.format_cells = true;
        // A unit with more 科目 or indicators than the spare rows inserts rows; the sums
        // run over the whole block, so a row inserted inside it is added.
        protection.insert_rows = true;
        protection.delete_rows = true;
        ws.protect_with_options(&protection);
        out.push(ws);
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn write_sheet(
    ws: &mut Worksheet,
    book: &Book,
    calc: &Calc,
    placement: &Placement,
    fi: usize,
    layout: &Layout,
    formats: &mut Formats,
    opts: &WriteOptions,
) -> Result<(), WriteError> {
    for (c, w) in layout.widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_row_height(0, 30)?;
    for (row, height) in row_heights(layout, book) {
        ws.set_row_height(row, height)?;
    }
    let mut inputs = InputCells::default();
    let ats: Vec<At> = layout.cells.iter().map(|p| at_of(p, opts)).collect();
    let mut pen = Pen::new(ws, formats, ats.iter().copied())?;
    for (p, &at) in layout.cells.iter().zip(&ats) {
        if p.rows > 1 || p.cols > 1 {
            pen.merge(at, p.rows, p.cols)?;
        }
        match &p.content {
            Content::Empty => pen.blank(at),
            Content::Text(t) => pen.text(at, &clip(t, MAX_CELL_TEXT))?,
            Content::Number(n) => pen.number(at, f64::from(*n))?,
            Content::Cell(id) => {
                write_value(&mut pen, book, calc, placement, fi, id, at, opts)?;
                if let Some(m) = opts.marks.get(id) {
                    let note = Note::new(clip(&m.note, MAX_NOTE_TEXT))
                        .set_author("fiscalform")
                        .set_width(300)
                        .set_height(90);
                    pen.ws.insert_note(p.row, p.col, &note)?;
                }
                if let Style::Value {
                    kind,
                    source: ValueSource::Typed,
                } = p.style
                {
                    inputs.add(kind, id, (p.row, p.col));
                }
            }
        }
    }
    pen.finish()?;
    inputs.finish(ws, book, placement, fi)
}

/// Where a placed cell goes and the style it takes, marked when fix changed or questions it.
fn at_of(p: &Placed, opts: &WriteOptions) -> At {
    let mark = match &p.content {
        Content::Cell(id) => opts.marks.get(id).map_or(0, |m| match m.fill {
            Fill::None => 0,
            Fill::Changed => 1,
            Fill::Conflict => 2,
        }),
        _ => 0,
    };
    At {
        row: p.row,
        col: p.col,
        key: (p.style, mark),
    }
}

/// A list sheet (审核结果, the review's sheets) set up to sort and print: an autofilter over its
/// rows, the header frozen and repeated on every page, A4 landscape fitted to one page wide.
pub fn set_up_list(
    ws: &mut Worksheet,
    header_row: u32,
    last_row: u32,
    last_col: u16,
) -> Result<(), XlsxError> {
    ws.autofilter(header_row, 0, last_row, last_col)?;
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// The height in points of a row of 10-point text wrapped to `lines` lines (readers do not
/// grow wrapped rows on opening), at most Excel's tallest row, 409 points.
pub fn wrapped_row_height(lines: usize) -> f64 {
    (13.5 * lines as f64 + 1.5).min(409.0)
}

/// Lines a text wraps to in a column of `width` characters (a CJK character takes two).
pub fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|seg| (display_width(seg) as f64 / per_line).ceil().max(1.0) as usize)
        .sum()
}

/// Display width of a text in character cells: CJK and full-width characters take two.
pub fn display_width(t: &str) -> usize {
    t.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Heights for rows whose wrapped texts need more than one line: neither Excel nor
/// LibreOffice grows a row when it opens a file, so a long 评（扣）分标准 or 年度总体目标 would
/// be cut off. A merged cell spreads its lines over the rows it covers.
fn row_heights(layout: &Layout, book: &Book) -> Vec<(u32, f64)> {
    const LINE: f64 = 13.5;
    let mut lines: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
    for p in &layout.cells {
        if matches!(
            p.style,
            Style::Title | Style::InfoLeft | Style::InfoCenter | Style::InfoRight | Style::Note
        ) {
            continue;
        }
        let text: &str = match &p.content {
            Content::Text(t) => t,
            Content::Cell(id) => match book.input_ref(id) {
                Val::Text(t) => t,
                _ => continue,
            },
            _ => continue,
        };
        let width: f64 = (p.col..p.col + p.cols)
            .map(|c| layout.widths.get(usize::from(c)).copied().unwrap_or(10.0))
            .sum::<f64>()
            .max(2.0);
        let needed: f64 = text
            .split('\n')
            .map(|seg| (display_width(seg) as f64 / (width * 0.95)).ceil().max(1.0))
            .sum();
        let per_row = (needed / f64::from(p.rows)).ceil();
        for r in p.row..p.row + p.rows {
            let slot = lines.entry(r).or_insert(1.0);
            *slot = slot.max(per_row);
        }
    }
    lines
        .into_iter()
        .filter(|(_, n)| *n > 1.0)
        .map(|(r, n)| (r, (n * LINE + 3.0).min(409.0)))
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn write_value(
    pen: &mut Pen,
    book: &Book,
    calc: &Calc,
    placement: &Placement,
    fi: usize,
    id: &CellId,
    at: At,
    opts: &WriteOptions,
) -> Result<(), WriteError> {
    if let Some(d) = calc.derived.get(id) {
        // The value the rules settled on: the recomputation, or a published amount within 尾差
        // of it, kept with the difference as a visible term so the formula stays live.
        let value = &d.resolved;
        if let Some(f) = d.bound.excel(placement, fi) {
            let f = match (value, &d.expected) {
                // A total kept while a part repeats it, or a cell reading such a part: the
                // published figure until the part is corrected.
                (Val::Num(v), _) if repeated_part(d).is_some() => {
                    let part = repeated_part(d).map(|p| (placement.a1(p, fi), book.input(p)));
                    match part {
                        Some((Some(at), Val::Num(p))) => {
                            format!("IF({at}={},{},{f})", p.normalize(), v.normalize())
                        }
                        _ => v.normalize().to_string(),
                    }
                }
                // Parts all blank, or a column the table lacked (the output has it): the
                // published total until the clerk fills them in.
                (Val::Num(v), _)
                    if matches!(d.agreement, Agreement::PartsBlank | Agreement::PartsAbsent) =>
                {
                    let absent_only = d.agreement == Agreement::PartsAbsent;
                    let mut reads = Vec::new();
                    d.bound.cells(&mut reads);
                    let refs: Vec<String> = (reads.iter())
                        .filter(|c| !absent_only || book.is_absent(c))
                        .filter_map(|c| placement.a1(c, fi))
                        .collect();
                    format!("IF(COUNT({})=0,{},{f})", refs.join(","), v.normalize())
                }
                // A rate or score kept at the precision the clerk wrote it with.
                (Val::Num(v), Val::Num(e))
                    if v != e && matches!(book.kind(id), ColKind::Rate | ColKind::Score) =>
                {
                    format!("ROUND({f},{})", v.normalize().scale())
                }
                (Val::Num(v), Val::Num(e)) if v != e => {
                    let adj = (*v - *e).normalize();
                    if adj.is_sign_negative() {
                        format!("({f})-{}", adj.abs())
                    } else {
                        format!("({f})+{adj}")
                    }
                }
                _ => f,
            };
            if let Some(guarded) = blank_until_filled(book, placement, fi, d, &f) {
                let formula = Formula::new(format!("={guarded}")).set_result("");
                pen.formula(at, formula)?;
                return Ok(());
            }
            let formula = Formula::new(format!("={f}")).set_result(result_text(value));
            pen.formula(at, formula)?;
            return Ok(());
        }
        return write_plain(pen, value, at);
    }
    if let Some(f) = opts.formulas.get(id) {
        let formula = Formula::new(format!("={f}")).set_result(result_text(book.input_ref(id)));
        pen.formula(at, formula)?;
        return Ok(());
    }
    write_plain(pen, book.input_ref(id), at)
}

/// The part a derived cell's figure is kept against (see [`Agreement::PartRepeats`] and
/// [`Agreement::ReadsRepeated`]).
fn repeated_part(d: &crate::calc::Derived) -> Option<&CellId> {
    match &d.agreement {
        Agreement::PartRepeats { part, .. } | Agreement::ReadsRepeated { part, .. } => Some(part),
        _ => None,
    }
}

/// The formula of a derived cell in a 科目 or list row none of whose inputs is filled (a spare
/// row of a template), made to show an empty cell until one is: `IF(COUNT(C8:H8)=0,"",…)`
/// with the empty text stored as its result, so that a reader sees the row as blank rather
/// than a 0 where the form has no 科目.
fn blank_until_filled(
    book: &Book,
    placement: &Placement,
    fi: usize,
    d: &crate::calc::Derived,
    formula: &str,
) -> Option<String> {
    let row = book.forms[d.cell.form].1.row(&d.cell.row)?;
    // A column the table lacked is written blank, to be filled in, whatever its sums settled on.
    let absent = book.is_absent(&d.cell);
    let spare_row = matches!(row.kind, RowKind::Coded | RowKind::List);
    if !absent && (!spare_row || !book.input_ref(&d.cell).is_blank()) {
        return None;
    }
    let mut reads = Vec::new();
    d.bound.cells(&mut reads);
    if reads.is_empty() || (!absent && reads.iter().any(|c| !book.input_ref(c).is_blank())) {
        return None;
    }
    let refs: Vec<String> = reads.iter().filter_map(|c| placement.a1(c, fi)).collect();
    Some(format!("IF(COUNT({})=0,\"\",{formula})", refs.join(",")))
}

fn write_plain(pen: &mut Pen, v: &Val, at: At) -> Result<(), WriteError> {
    match v {
        Val::Num(d) => pen.number(at, d.to_f64().unwrap_or(0.0))?,
        Val::Text(t) => pen.text(at, &clip(t, MAX_CELL_TEXT))?,
        Val::Nothing => pen.text(at, "——")?,
        Val::Bool(b) => pen.boolean(at, *b)?,
        Val::Blank => pen.blank(at),
    }
    Ok(())
}

/// Write the workbook to `path` through a temporary file in the same folder, so an
/// interrupted run never leaves a half-written file behind.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> Result<(), WriteError> {
    wb.set_zip_compression_level(ZIP_LEVEL);
    // The workbook is zipped straight into the temporary file; a failure of the writer itself
    // (not of the disk) is reported as such.
    let mut failed = None;
    let written = write_atomic(path, |f| {
        let mut out = std::io::BufWriter::new(f);
        wb.save_to_writer(&mut out).map_err(|e| {
            let err = std::io::Error::other(e.to_string());
            failed = Some(e);
            err
        })?;
        out.flush()
    });
    match (failed, written) {
        (Some(e), _) => Err(WriteError::Xlsx(e)),
        (None, result) => result,
    }
}

/// The deflate level of the workbooks we write. Zipping is a large part of writing a workbook:
/// level 3 (Excel 365 saves at 3) took 0.7 of the time of rust_xlsxwriter's default, 6, for a
/// file 3–8% bigger; level 2, zlib-rs's greedy matcher, counts a third fewer instructions in
/// zipping than 3 (`fix` of 1,000 rows 402M → 386M, 10,000 rows 0.96× the CPU time) for a file
/// 3–5% bigger again. Level 1 would save as much again for a file a third bigger.
const ZIP_LEVEL: u8 = 2;

/// How old a leftover temporary file must be before a later run removes it: old enough that
/// no run still writing it can be alive.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Create `path` by having `fill` write a temporary file beside it, then renaming that over
/// `path`. Whatever goes wrong (an error from `fill`, a full disk, a failed rename), the
/// temporary file is removed and `path` is left as it was: never a half-written file.
///
/// The temporary file gets a random name (`.fiscalform-XXXXXXXX.tmp`) and is created
/// exclusively (`O_EXCL`, no symlink followed), so nothing planted in the folder can make us
/// write through it into another file. A run killed by a signal cannot remove its temporary
/// file; the next run writing into that folder removes such leftovers once they are an hour
/// old.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io = |err| WriteError::Io {
        path: path.to_path_buf(),
        err,
    };
    remove_stale_temporaries(dir);
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(10);
    // The finished file gets the permissions an ordinary new file would (0666 less the
    // umask), not the 0600 tempfile gives by default.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // Dropping `tmp` on any error below removes the temporary file.
    let mut tmp = builder.tempfile_in(dir).map_err(io)?;
    fill(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Remove `.fiscalform-*.tmp` files (and staging folders) in `dir` left by a run that was killed (Ctrl-C, SIGTERM,
/// a power cut) more than an hour ago. Only regular files are touched, never what a symlink
/// points to; every failure is ignored (the leftover is harmless, only untidy).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // `DirEntry::metadata` does not follow symlinks.
        let Ok(meta) = entry.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > STALE_AFTER);
        if old && meta.is_file() {
            let _ = std::fs::remove_file(entry.path());
        } else if old && meta.is_dir() {
            // A staging folder of `write_file_set`.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// What writes one file of a set, given the file to write into.
pub type WriteFile<'a> = Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>;

/// Why a set of files was not written: the folder, or one file of it (nothing was written).
#[derive(Debug)]
pub enum FileSetError {
    Folder { path: PathBuf, detail: String },
    File { path: PathBuf, detail: String },
}

impl FileSetError {
    fn folder(path: &Path, e: &std::io::Error) -> FileSetError {
        FileSetError::Folder {
            path: path.to_path_buf(),
            detail: describe_io(e),
        }
    }
    fn file(path: &Path, e: &std::io::Error) -> FileSetError {
        FileSetError::File {
            path: path.to_path_buf(),
            detail: describe_io(e),
        }
    }
}

impl fmt::Display for FileSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileSetError::Folder { path, detail } => write!(
                f,
                "无法写入目录 {}：{detail}（请检查目录是否存在、是否有写权限、磁盘空间是否足够；未写出任何文件）",
                path.display()
            ),
            FileSetError::File { path, detail } => write!(
                f,
                "无法写入文件 {}：{detail}（请检查该名称是否已被目录或其他程序占用、是否有写权限、磁盘空间是否足够；本次未写出任何文件）",
                path.display()
            ),
        }
    }
}

impl std::error::Error for FileSetError {}

/// Write a set of files (`name`, what writes it) into the folder `dir` as one step: either every
/// file of the set is in place, or — whatever fails — `dir` holds what it held before (a
/// file of the set that replaced an older one is put back).
///
/// A folder that does not exist yet is filled under a temporary name beside it
/// (`.fiscalform-XXXXXXXX.tmp`) and renamed into place. Into an existing folder, the files
/// are first all written to a temporary folder inside it; only renames remain, and those
/// already done are undone when one fails.
pub fn write_file_set(dir: &Path, files: Vec<(String, WriteFile<'_>)>) -> Result<(), FileSetError> {
    let exists = match std::fs::symlink_metadata(dir) {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(FileSetError::folder(dir, &e)),
    };
    let staging_in = if exists {
        dir.to_path_buf()
    } else {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| FileSetError::folder(parent, &e))?;
        parent.to_path_buf()
    };
    remove_stale_temporaries(&staging_in);
    // Dropped (removed with what is in it) on every early return below.
    let staging = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(10)
        .tempdir_in(&staging_in)
        .map_err(|e| FileSetError::folder(&staging_in, &e))?;
    let names = stage_files(staging.path(), dir, files)?;
    if !exists {
        let staged = staging.keep();
        return std::fs::rename(&staged, dir).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staged);
            FileSetError::folder(dir, &e)
        });
    }
    swap_into(dir, staging.path(), &names)
}

/// Every file of the set written into the staging folder; their names. An error names the
/// file as it would have been in `dir`.
fn stage_files(
    staging: &Path,
    dir: &Path,
    files: Vec<(String, WriteFile<'_>)>,
) -> Result<Vec<String>, FileSetError> {
    let mut names = Vec::new();
    for (name, fill) in files {
        let path = staging.join(&name);
        std::fs::File::create_new(&path)
            .and_then(|f| {
                let mut out = std::io::BufWriter::new(f);
                fill(&mut out)?;
                out.into_inner().map_err(|e| e.into_error())?.sync_all()
            })
            .map_err(|e| FileSetError::file(&dir.join(&name), &e))?;
        names.push(name);
    }
    Ok(names)
}

/// The staged files renamed into an existing folder: each older file is moved aside into the
/// staging folder before its replacement takes its name, so that a failure can put every
/// one back.
fn swap_into(dir: &Path, staging: &Path, names: &[String]) -> Result<(), FileSetError> {
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let undo = |done: &[(PathBuf, Option<PathBuf>)]| {
        for (target, old) in done.iter().rev() {
            match old {
                Some(old) => {
                    let _ = std::fs::rename(old, target);
                }
                None => {
                    let _ = std::fs::remove_file(target);
                }
            }
        }
    };
    for (i, name) in names.iter().enumerate() {
        let target = dir.join(name);
        let new = staging.join(name);
        let old = match std::fs::symlink_metadata(&target) {
            Ok(m) if m.is_file() || m.file_type().is_symlink() => {
                let old = staging.join(format!("{i}.old"));
                if let Err(e) = std::fs::rename(&target, &old) {
                    undo(&done);
                    return Err(FileSetError::file(&target, &e));
                }
                Some(old)
            }
            _ => None,
        };
        if let Err(e) = std::fs::rename(&new, &target) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &target);
            }
            undo(&done);
            return Err(FileSetError::file(&target, &e));
        }
        done.push((target, old));
    }
    Ok(())
}
