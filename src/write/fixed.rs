//! Renders the workbook fix planned: the 审核结果 sheet first, each form's sheet followed by
//! the values kept beside it, then the sheets copied as they were read.

use super::{clip, form_sheets, Placement, WriteError, WriteOptions, MAX_CELL_TEXT, MAX_NOTE_TEXT};
use crate::calc::{Book, Calc};
use crate::cellref::Place;
use crate::coverage::{RunStatus, TableTally};
use crate::form::Severity;
use crate::load::own::{AUDIT_HEADER, AUDIT_HEADER_ROW, AUDIT_SHEET};
use crate::load::{KeptCell, OtherSheet, PlacedMerges};
use crate::read::{Cell, Merge};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Note, Url, Workbook, Worksheet};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What became of a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Fix resolved it (the text says how).
    Resolved(String),
    /// Still there after fix: a person must decide.
    Open(String),
}

/// One line of the 审核结果 sheet.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub severity: Severity,
    pub form: String,
    pub table_no: String,
    /// Output sheet and A1 the finding points at.
    pub at: Option<(String, String)>,
    /// Where it was in the input (sheet!A1), when the input had positions.
    pub origin: Option<String>,
    pub rule: String,
    pub message: String,
    pub status: Status,
}

/// Width of each 审核结果 column (characters of the default font).
const AUDIT_WIDTHS: [f64; 7] = [5.0, 5.0, 14.0, 26.0, 22.0, 52.0, 26.0];

const FONT: &str = "宋体";

/// The values found outside one form, kept on a sheet beside it, with the note of each.
pub struct KeptSheet<'p> {
    pub name: String,
    pub cells: &'p [KeptCell],
    /// A cell's note by its place (the default note where there is none).
    pub notes: HashMap<Place, String>,
}

/// Which copy of the corrected workbook fix writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixedCopy {
    /// For the clerk: 审核结果 first, changed cells marked with notes, values found outside a
    /// form on a sheet beside it.
    #[default]
    Reviewed,
    /// To submit: the forms (values and live formulas) and the sheets no form was read in,
    /// nothing of the audit.
    Clean,
}

/// Everything the corrected workbook holds, decided by fix; [`render`] only writes it.
pub struct FixedPlan<'p, 'a> {
    pub copy: FixedCopy,
    /// The line under 审核结果's title.
    pub summary: String,
    pub lines: &'p [AuditLine],
    /// How each table's rules came out after correction: the short table under the lines.
    pub coverage: Vec<TableTally>,
    /// The forms with their settled values, computed, and placed in the template layout.
    pub book: &'p Book<'a>,
    pub calc: &'p Calc,
    pub placement: &'p Placement,
    /// The marks, notes and score formulas of the forms' cells.
    pub options: WriteOptions,
    /// Per form (parallel to the book's): the sheet of its kept values, if it has any.
    pub kept: Vec<Option<KeptSheet<'p>>>,
    /// The sheets no form was recognised in, each under the name it gets.
    pub others: Vec<(String, &'p OtherSheet)>,
}

/// The corrected workbook of `plan`.
pub fn render(plan: FixedPlan) -> Result<Workbook, WriteError> {
    let mut wb = Workbook::new();
    if plan.copy == FixedCopy::Reviewed {
        wb.push_worksheet(audit_sheet(&plan.summary, plan.lines, &plan.coverage)?);
    }
    let sheets = form_sheets(plan.book, plan.calc, plan.placement, &plan.options)?;
    for (ws, kept) in sheets.into_iter().zip(&plan.kept) {
        wb.push_worksheet(ws);
        if let Some(k) = kept {
            wb.push_worksheet(stray_sheet(&k.name, k.cells, &k.notes)?);
        }
    }
    for (name, o) in &plan.others {
        wb.push_worksheet(copy_sheet(name, o)?);
    }
    Ok(wb)
}

/// The formats of 审核结果.
struct AuditFormats {
    base: Format,
    title: Format,
    head: Format,
    cell: Format,
    link: Format,
}

impl AuditFormats {
    fn new() -> AuditFormats {
        let base = Format::new().set_font_name(FONT).set_font_size(10);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        AuditFormats {
            title: base.clone().set_bold().set_font_size(14),
            head: base
                .clone()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color("#D9E1F2")
                .set_align(FormatAlign::Center),
            link: cell
                .clone()
                .set_font_color("#0563C1")
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            cell,
            base,
        }
    }
    fn severity(&self, s: Severity) -> Format {
        match s {
            Severity::Error => self.cell.clone().set_background_color("#F8C9C4"),
            Severity::Warning => self.cell.clone().set_background_color("#FFE699"),
            Severity::Info => self.cell.clone(),
        }
    }
}

/// The 审核结果 sheet: the title, the summary line, one line per finding with a link to its cell.
fn audit_sheet(
    summary: &str,
    lines: &[AuditLine],
    coverage: &[TableTally],
) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(AUDIT_SHEET)?;
    let formats = AuditFormats::new();
    audit_head(&mut ws, summary, &formats)?;
    for (i, l) in lines.iter().enumerate() {
        audit_line(&mut ws, i, l, &formats)?;
    }
    let last = AUDIT_HEADER_ROW + lines.len() as u32;
    crate::write::set_up_list(
        &mut ws,
        AUDIT_HEADER_ROW,
        last,
        AUDIT_HEADER.len() as u16 - 1,
    )?;
    let AuditFormats {
        title, head, cell, ..
    } = &formats;
    coverage_table(&mut ws, last + 2, coverage, [title, head, cell])?;
    Ok(ws)
}

/// The title, the summary line and the header of the list of findings.
fn audit_head(ws: &mut Worksheet, summary: &str, f: &AuditFormats) -> Result<(), WriteError> {
    ws.write_string_with_format(0, 0, "审核结果", &f.title)?;
    let wrap = f.base.clone().set_text_wrap().set_align(FormatAlign::Top);
    ws.merge_range(1, 0, 1, AUDIT_HEADER.len() as u16 - 1, summary, &wrap)?;
    let width: f64 = AUDIT_WIDTHS.iter().sum();
    let needed = crate::write::wrapped_lines(summary, width).max(3);
    ws.set_row_height(1, crate::write::wrapped_row_height(needed))?;
    for (c, h) in AUDIT_HEADER.iter().enumerate() {
        ws.write_string_with_format(AUDIT_HEADER_ROW, c as u16, *h, &f.head)?;
    }
    for (c, w) in AUDIT_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}

/// The `i`th finding's line: number, severity, form, place (a link to its cell), rule,
/// message, what became of it.
fn audit_line(
    ws: &mut Worksheet,
    i: usize,
    l: &AuditLine,
    f: &AuditFormats,
) -> Result<(), WriteError> {
    let r = AUDIT_HEADER_ROW + 1 + i as u32;
    ws.write_number_with_format(r, 0, (i + 1) as f64, &f.cell)?;
    ws.write_string_with_format(r, 1, l.severity.chinese(), &f.severity(l.severity))?;
    // "final-01 公开01表", never the bare 表号: a later run must not take this sheet for
    // the form itself.
    let form = if l.form.is_empty() {
        String::new()
    } else {
        format!("{} {}", l.form, l.table_no)
    };
    ws.write_string_with_format(r, 2, &form, &f.cell)?;
    let place = audit_place(l);
    match &l.at {
        Some((sheet, at)) => {
            let target = format!("internal:'{}'!{at}", sheet.replace('\'', "''"));
            ws.write_url_with_format(r, 3, Url::new(target).set_text(&place), &f.link)?;
        }
        None => {
            ws.write_string_with_format(r, 3, &place, &f.cell)?;
        }
    }
    let status = match &l.status {
        Status::Resolved(s) | Status::Open(s) => s.as_str(),
    };
    let texts = [form.as_str(), &place, &l.rule, &l.message, status];
    for (c, t) in [(4, l.rule.as_str()), (5, &l.message), (6, status)] {
        ws.write_string_with_format(r, c, clip(t, MAX_CELL_TEXT), &f.cell)?;
    }
    // Wrapped text needs its height set: readers do not grow rows on opening.
    let needed = texts
        .iter()
        .zip(&AUDIT_WIDTHS[2..])
        .map(|(t, w)| crate::write::wrapped_lines(t, *w))
        .max()
        .unwrap_or(1);
    ws.set_row_height(r, crate::write::wrapped_row_height(needed))?;
    Ok(())
}

/// Columns of the 核对范围 table under the findings (表 spans the 级别 and 表 columns).
const COVERAGE_HEADER: [(u16, &str); 6] = [
    (0, "序号"),
    (1, "表"),
    (3, "规则"),
    (4, "通过"),
    (5, "未通过、无数据、未能核对"),
    (6, "未能核对的原因"),
];

/// The 核对范围 table from row `first`: per table, how many of its rules passed, failed, had
/// no data or could not run (and why), then the sum — so that "not checked" never reads as
/// "passed". `formats`: title, header, cell.
fn coverage_table(
    ws: &mut Worksheet,
    first: u32,
    tables: &[TableTally],
    [title, head, cell]: [&Format; 3],
) -> Result<(), WriteError> {
    if tables.is_empty() {
        return Ok(());
    }
    ws.write_string_with_format(
        first,
        0,
        "核对范围（校正后）",
        &title.clone().set_font_size(11),
    )?;
    for (c, h) in COVERAGE_HEADER {
        ws.write_string_with_format(first + 1, c, h, head)?;
    }
    ws.merge_range(first + 1, 1, first + 1, 2, "表", head)?;
    let mut total = TableTally {
        table_no: "合计".to_string(),
        ..TableTally::default()
    };
    for (i, t) in tables.iter().enumerate() {
        coverage_row(ws, first + 2 + i as u32, Some(i + 1), t, cell)?;
        for (sum, n) in total.counts.iter_mut().zip(t.counts) {
            *sum += n;
        }
    }
    coverage_row(ws, first + 2 + tables.len() as u32, None, &total, head)
}

/// One line of the 核对范围 table (`number`: its 序号, none for the sum).
fn coverage_row(
    ws: &mut Worksheet,
    r: u32,
    number: Option<usize>,
    t: &TableTally,
    fmt: &Format,
) -> Result<(), WriteError> {
    match number {
        Some(n) => ws.write_number_with_format(r, 0, n as f64, fmt)?,
        None => ws.write_blank(r, 0, fmt)?,
    };
    ws.merge_range(r, 1, r, 2, &t.table_no, fmt)?;
    ws.write_number_with_format(r, 3, t.rules() as f64, fmt)?;
    ws.write_number_with_format(r, 4, t.count(RunStatus::Passed) as f64, fmt)?;
    let rest = [RunStatus::Failed, RunStatus::NoData, RunStatus::NotRun]
        .map(|s| format!("{} {}", s.chinese(), t.count(s)))
        .join("，");
    ws.write_string_with_format(r, 5, rest, fmt)?;
    let reasons = t.reasons.join("；");
    ws.write_string_with_format(r, 6, clip(&reasons, MAX_CELL_TEXT), fmt)?;
    let needed = crate::write::wrapped_lines(&reasons, AUDIT_WIDTHS[6]);
    ws.set_row_height(r, crate::write::wrapped_row_height(needed.max(1)))?;
    Ok(())
}

/// The 单元格 of an audit line: the output cell, and where it was in the input when that
/// was elsewhere.
fn audit_place(l: &AuditLine) -> String {
    let out = l.at.as_ref().map(|(s, a)| format!("{s}!{a}"));
    match (out, &l.origin) {
        (Some(o), Some(i)) if *i != o => format!("{o}（原表 {i}）"),
        (Some(o), _) => o,
        (None, Some(i)) => format!("原表 {i}"),
        (None, None) => String::new(),
    }
}

fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    v: &Cell,
    fmt: &Format,
) -> Result<(), WriteError> {
    match v {
        Cell::Empty => {
            ws.write_blank(r, c, fmt)?;
        }
        Cell::Number(d) => {
            ws.write_number_with_format(r, c, d.to_f64().unwrap_or(0.0), fmt)?;
        }
        Cell::Text(t) => {
            ws.write_string_with_format(r, c, clip(t, MAX_CELL_TEXT), fmt)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean_with_format(r, c, *b, fmt)?;
        }
        // No error values in the writer: keep the spelling as text.
        Cell::Error(e) => {
            ws.write_string_with_format(r, c, clip(e, MAX_CELL_TEXT), fmt)?;
        }
    }
    Ok(())
}

/// The values found outside a form, at the addresses they had, highlighted, with a note.
fn stray_sheet(
    name: &str,
    cells: &[KeptCell],
    notes: &HashMap<Place, String>,
) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let fmt = Format::new()
        .set_font_name(FONT)
        .set_font_size(10)
        .set_background_color("#F8C9C4");
    // Kept values by row, then column: what a merge covers is found without a scan of all.
    let mut at: BTreeMap<u32, BTreeSet<u16>> = BTreeMap::new();
    for (r, c) in cells.iter().map(|k| (k.cell.row, k.cell.col)) {
        at.entry(r).or_default().insert(c);
    }
    let covers_another = |m: &Merge, head: (u32, u16)| {
        at.range(m.first_row..=m.last_row).any(|(&r, cols)| {
            cols.range(m.first_col..=m.last_col)
                .any(|&c| (r, c) != head)
        })
    };
    let mut merged = PlacedMerges::default();
    for k in cells {
        let (r, c) = (k.cell.row, k.cell.col);
        // A merge is kept only where it covers no other kept value and no other merge (values
        // gathered from two places may collide; the values matter, the merges do not).
        if let Some(m) = k.merge.filter(|m| {
            (m.last_row > m.first_row || m.last_col > m.first_col)
                && !covers_another(m, (r, c))
                && !merged.overlaps(m)
        }) {
            ws.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, "", &fmt)?;
            merged.add(m);
        }
        write_cell(&mut ws, r, c, &k.value, &fmt)?;
        let text = notes.get(&k.cell).cloned().unwrap_or_else(|| {
            format!("此值在原表 {} 处，表中没有对应的单元格；已原样保留", k.cell)
        });
        ws.insert_note(
            r,
            c,
            &Note::new(clip(&text, MAX_NOTE_TEXT))
                .set_author("fiscalform")
                .set_width(300)
                .set_height(90),
        )?;
    }
    Ok(ws)
}

/// An unrecognised sheet, value by value with its merges.
fn copy_sheet(name: &str, sheet: &OtherSheet) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let fmt = Format::new().set_font_name(FONT).set_font_size(10);
    let values: HashMap<(u32, u16), &Cell> = sheet
        .cells
        .iter()
        .map(|k| ((k.cell.row, k.cell.col), &k.value))
        .collect();
    for m in &sheet.merges {
        if m.last_row > m.first_row || m.last_col > m.first_col {
            let text = match values.get(&(m.first_row, m.first_col)) {
                Some(Cell::Text(t)) => t.clone(),
                _ => String::new(),
            };
            ws.merge_range(
                m.first_row,
                m.first_col,
                m.last_row,
                m.last_col,
                &clip(&text, MAX_CELL_TEXT),
                &fmt,
            )?;
        }
    }
    for k in &sheet.cells {
        write_cell(&mut ws, k.cell.row, k.cell.col, &k.value, &fmt)?;
    }
    Ok(ws)
}
