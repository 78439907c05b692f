//! `fix` (and `import`): writes a workbook's forms back in the template layout with every
//! derived cell recomputed — changed cells highlighted with a note, disagreements fix must not
//! resolve highlighted at every cell involved, a first sheet 审核结果 listing every finding —
//! and carries over everything else the input held (unrecognised sheets, values outside the
//! forms), so nothing is lost.

use crate::calc::{agree, compute, Agreement, Book, Mode};
use crate::check::{audit, audit_covered};
use crate::expr::{CellId, Val};
use crate::findings::{Finding, TEXT_CUT};
use crate::form::show;
use crate::form::{Catalog, ColKind, Form, Severity};
use crate::layout::{a1, Content as Placed, Layout};
use crate::model::{FormData, RowKind};
use crate::normalize::{label_key, parse_a1};
use crate::read::{Cell, Merge, Sheet};
use crate::report::recognize_book;
use crate::write::{
    clip, cut_text, form_sheets, place, Fill, Mark, Placement, WriteError, WriteOptions,
    MAX_CELL_TEXT, MAX_NOTE_TEXT,
};
use indexmap::IndexMap;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Note, Url, Workbook, Worksheet};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

/// Name of the first sheet fix writes.
pub const AUDIT_SHEET: &str = "审核结果";
/// Header of the 审核结果 table (also how a later run knows the sheet is ours).
const AUDIT_HEADER: [&str; 7] = ["序号", "级别", "表", "单元格", "规则", "说明", "处理"];
/// Width of each 审核结果 column (characters of the default font).
const AUDIT_WIDTHS: [f64; 7] = [5.0, 5.0, 14.0, 26.0, 22.0, 52.0, 26.0];
/// The columns that identify a 审核结果 sheet of this or an earlier version.
const AUDIT_HEADER_KEY: usize = 3;
/// Row of the header in the 审核结果 sheet.
const AUDIT_HEADER_ROW: u32 = 2;
/// Suffix of the sheet beside a form that keeps the values found outside it.
pub const STRAY_SUFFIX: &str = "（表外内容）";

/// A cell kept as it was read: its address and value, and the merged range it heads.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptCell {
    pub cell: String,
    pub value: Cell,
    pub merge: Option<Merge>,
}

/// A sheet no form was recognised in: carried over value by value with its merges.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherSheet {
    pub name: String,
    pub cells: Vec<KeptCell>,
    pub merges: Vec<Merge>,
}

/// What fix, export and import work on: the forms with their values, and everything else.
pub struct Content<'c> {
    /// The file it came from, as shown to people.
    pub source: String,
    pub forms: Vec<(&'c Form, FormData)>,
    /// Per form (parallel to `forms`): values found where the form has no cell, at the
    /// address they had.
    pub strays: Vec<Vec<KeptCell>>,
    pub others: Vec<OtherSheet>,
    /// What reading noticed (not-a-number, strays, skipped sheets), at the input's cells.
    pub reading: Vec<Finding>,
    /// Per form (parallel to `forms`), for a PDF: the page each logical cell was printed on.
    pub pages: Vec<IndexMap<String, u32>>,
    /// The definitions the forms came from: which forms of their set are missing.
    pub catalog: &'c Catalog,
}

/// Read and recognise a workbook, keeping what no form holds.
pub fn load<'c>(catalog: &'c Catalog, path: &Path) -> Result<Content<'c>, String> {
    let (wb, renamed) = crate::sheet_names::read(path)?;
    let rec = recognize_book(catalog, &wb);
    // A form's sheet and the sheets its table continues on.
    let form_sheet_names: HashSet<String> = rec
        .forms
        .iter()
        .flat_map(|(_, d)| {
            let more = d.continued.iter().map(|(name, _)| name.clone());
            d.sheet.clone().into_iter().chain(more)
        })
        .collect();
    // Every sheet's merged regions by their first cell.
    let heads: HashMap<&str, MergeHeads> = wb
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), merge_heads(s)))
        .collect();
    let mut strays: Vec<Vec<KeptCell>> = rec
        .forms
        .iter()
        .map(|(_, data)| {
            data.strays
                .iter()
                .filter_map(|s| kept_stray(&wb, &heads, data, &s.cell))
                .collect()
        })
        .collect();
    let mut reading = rec.findings;
    reading.extend(crate::sheet_names::findings(&wb, &renamed));
    reading.extend(text_findings(catalog, &wb, &rec.forms));
    let mut others = Vec::new();
    for sheet in &wb.sheets {
        if form_sheet_names.contains(&sheet.name) {
            continue;
        }
        if is_own_audit_sheet(sheet) {
            reading.retain(|f| f.sheet.as_deref() != Some(sheet.name.as_str()));
            continue;
        }
        // The values a previous fix moved beside a form go back beside that form.
        let owner = kept_values_of(&wb, sheet).and_then(|base| {
            rec.forms
                .iter()
                .position(|(_, d)| d.sheet.as_deref() == Some(base))
        });
        if let Some(fi) = owner {
            reading.retain(|f| f.sheet.as_deref() != Some(sheet.name.as_str()));
            let form = rec.forms[fi].0;
            let sheet_heads = &heads[sheet.name.as_str()];
            // The cells the form's kept values take, and their merges: a value carried back
            // moves down past them (looked up, not searched for: such sheets can be large).
            let mut taken: HashSet<String> = strays[fi].iter().map(|s| s.cell.clone()).collect();
            let mut covered = PlacedMerges::default();
            for m in strays[fi].iter().filter_map(|s| s.merge) {
                covered.add(m);
            }
            let single = |r: u32, c: u16| Merge {
                first_row: r,
                first_col: c,
                last_row: r,
                last_col: c,
            };
            for (r, c, cell) in sheet.cells() {
                let Some(mut k) = kept_cell(sheet, sheet_heads, r, c) else {
                    continue;
                };
                let mut row = r;
                while taken.contains(&k.cell) || covered.overlaps(&single(row, c)) {
                    row += 1;
                    k.cell = a1(row, c);
                    k.merge = None;
                }
                taken.insert(k.cell.clone());
                if let Some(m) = k.merge {
                    covered.add(m);
                }
                reading.push(Finding::new(
                    Severity::Warning,
                    "value-outside-form",
                    &form.id,
                    Some(sheet.name.clone()),
                    Some(k.cell.clone()),
                    format!(
                        "{}!{} 处有内容“{cell}”：{}中没有对应的单元格，已在表旁保留；请核对是否填错位置",
                        sheet.name, k.cell, form.table_no
                    ),
                ));
                strays[fi].push(k);
            }
            continue;
        }
        others.push(OtherSheet {
            name: sheet.name.clone(),
            cells: sheet
                .cells()
                .filter_map(|(r, c, _)| kept_cell(sheet, &heads[sheet.name.as_str()], r, c))
                .map(|k| KeptCell { merge: None, ..k })
                .collect(),
            merges: sheet.merges().to_vec(),
        });
    }
    crate::report::locate_pages(&wb, &mut reading);
    let pages = rec.forms.iter().map(|(_, d)| cell_pages(&wb, d)).collect();
    Ok(Content {
        source: path.display().to_string(),
        forms: rec.forms,
        strays,
        others,
        reading,
        pages,
        catalog,
    })
}

/// Cut every input text longer than a cell of Excel holds (32,767 characters: the writer
/// refuses more), each with an error finding at its cell saying how much was kept and that
/// the whole text is still in the input. A clerk gets the workbook with everything else in
/// it, and knows exactly which cell to shorten or split, rather than no workbook and a bare
/// "string too long".
fn cut_long_texts(
    forms: &mut [(&Form, FormData)],
    strays: &mut [Vec<KeptCell>],
    others: &mut [OtherSheet],
) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut cut = |text: &mut String,
                   form: &str,
                   sheet: Option<&str>,
                   cell: Option<&str>,
                   what: String| {
        let Some((short, kept)) = cut_text(text, MAX_CELL_TEXT) else {
            return;
        };
        let total = text.chars().count();
        found.push(Finding::new(
            Severity::Error,
            TEXT_CUT,
            form,
            sheet.map(str::to_string),
            cell.map(str::to_string),
            format!(
                "{what}的文字有 {total} 个字符，超过 Excel 一个单元格最多 {MAX_CELL_TEXT} 个字符的上限：写出的工作簿中只保留前 {kept} 个字符（末尾注明“{}”），其余 {} 个字符未写入，全文仍在原文件中；请把这段文字拆到几个单元格或移到附件中",
                crate::write::CUT_MARK,
                total - kept
            ),
        ));
        *text = short;
    };
    for ((form, data), kept) in forms.iter_mut().zip(strays.iter_mut()) {
        let sheet = data.sheet.clone();
        let at = |cell: Option<&String>, logical: &str| match (&sheet, cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            _ => format!("{}“{logical}”", form.table_no),
        };
        for row in data.rows.iter_mut() {
            for (col, v) in row.values.iter_mut() {
                if let Val::Text(t) = v {
                    let key = format!("{}.{col}", row.key);
                    let cell = data.origin.get(&key);
                    cut(
                        t,
                        &form.id,
                        sheet.as_deref(),
                        cell.map(String::as_str),
                        at(cell, &key),
                    );
                }
            }
            if let Some(label) = &mut row.label {
                cut(
                    label,
                    &form.id,
                    sheet.as_deref(),
                    None,
                    format!("{}行“{}”的名称", form.table_no, row.key),
                );
            }
        }
        for (id, v) in data.grid.iter_mut() {
            if let Val::Text(t) = v {
                let cell = data.origin.get(id);
                cut(
                    t,
                    &form.id,
                    sheet.as_deref(),
                    cell.map(String::as_str),
                    at(cell, id),
                );
            }
        }
        for (i, r) in data.remarks.iter_mut().enumerate() {
            cut(
                r,
                &form.id,
                sheet.as_deref(),
                None,
                format!("{}第 {} 条说明", form.table_no, i + 1),
            );
        }
        for (field, v) in [("单位", &mut data.unit), ("年度", &mut data.year)] {
            if let Some(t) = v {
                cut(
                    t,
                    &form.id,
                    sheet.as_deref(),
                    None,
                    format!("{}的{field}", form.table_no),
                );
            }
        }
        for k in kept.iter_mut() {
            if let Cell::Text(t) | Cell::Error(t) = &mut k.value {
                let place = format!("{}!{}", sheet.as_deref().unwrap_or(""), k.cell);
                cut(t, &form.id, sheet.as_deref(), Some(&k.cell), place);
            }
        }
    }
    for o in others.iter_mut() {
        for k in o.cells.iter_mut() {
            if let Cell::Text(t) | Cell::Error(t) = &mut k.value {
                let place = format!("{}!{}", o.name, k.cell);
                cut(t, "", Some(&o.name), Some(&k.cell), place);
            }
        }
    }
    found
}

/// A value read outside a form, to be kept beside it: from the form's sheet (`C5`), or from a
/// sheet its table continues on (`'续表'!C5`, kept below the first sheet's, as it was read).
fn kept_stray(
    wb: &crate::read::Workbook,
    heads: &HashMap<&str, MergeHeads>,
    data: &FormData,
    at: &str,
) -> Option<KeptCell> {
    let (name, cell, offset) = match at.rsplit_once('!') {
        Some((name, cell)) => {
            let name = name.trim_matches('\'');
            let (_, offset) = data.continued.iter().find(|(n, _)| n == name)?;
            (name, cell, *offset)
        }
        None => (data.sheet.as_deref()?, at, 0),
    };
    let (r, c) = parse_a1(cell)?;
    let mut kept = kept_cell(wb.sheet(name)?, heads.get(name)?, r, c)?;
    if offset > 0 {
        kept.cell = a1(r + offset, c);
        kept.merge = kept.merge.map(|m| Merge {
            first_row: m.first_row + offset,
            last_row: m.last_row + offset,
            ..m
        });
    }
    Some(kept)
}

/// The PDF page of each logical cell of a form (nothing for a spreadsheet).
fn cell_pages(wb: &crate::read::Workbook, data: &FormData) -> IndexMap<String, u32> {
    let Some(sheet) = data.sheet.as_deref() else {
        return IndexMap::new();
    };
    data.origin
        .iter()
        .filter_map(|(key, at)| {
            let (r, _) = parse_a1(at)?;
            Some((key.clone(), wb.page_of(sheet, r)?))
        })
        .collect()
}

/// The note on a value read from a PDF.
fn source_note(page: u32) -> String {
    format!("来源：第{page}页")
}

/// A logical cell by its key in a form: `L27.amount` (row and column) or `fund_rate`.
fn cell_of(form: usize, key: &str) -> CellId {
    match key.rsplit_once('.') {
        Some((row, col)) => CellId::new(form, row, col),
        None => CellId::new(form, key, ""),
    }
}

/// A sheet's merged regions by their first cell.
type MergeHeads = HashMap<(u32, u16), Merge>;

fn merge_heads(sheet: &Sheet) -> MergeHeads {
    let mut heads = HashMap::new();
    for m in sheet.merges() {
        // The first region listed from a cell, as a search through them would find.
        heads.entry((m.first_row, m.first_col)).or_insert(*m);
    }
    heads
}

fn kept_cell(sheet: &Sheet, heads: &MergeHeads, r: u32, c: u16) -> Option<KeptCell> {
    let value = sheet.get(r, c).clone();
    if value.is_empty() {
        return None;
    }
    let merge = heads.get(&(r, c)).copied();
    Some(KeptCell {
        cell: a1(r, c),
        value,
        merge,
    })
}

/// For a sheet in which a previous fix kept the values found outside a form: the name of the
/// form's sheet (`公开01表（表外内容）` beside `公开01表`).
pub fn kept_values_of<'w>(wb: &'w crate::read::Workbook, sheet: &Sheet) -> Option<&'w str> {
    let base = sheet.name.strip_suffix(STRAY_SUFFIX)?;
    wb.sheets
        .iter()
        .find(|s| s.name == base)
        .map(|s| s.name.as_str())
}

/// Whether a sheet is the 审核结果 sheet a previous fix wrote: by its name and the start of
/// its header, or — printed to PDF, where the name is lost — by its whole header near the top.
pub fn is_own_audit_sheet(sheet: &Sheet) -> bool {
    let header_at = |row: u32, columns: usize| {
        AUDIT_HEADER
            .iter()
            .take(columns)
            .enumerate()
            .all(|(c, h)| matches!(sheet.get(row, c as u16), Cell::Text(t) if t == h))
    };
    (sheet.name.starts_with(AUDIT_SHEET) && header_at(AUDIT_HEADER_ROW, AUDIT_HEADER_KEY))
        || (0..=AUDIT_HEADER_ROW + 2).any(|r| header_at(r, AUDIT_HEADER.len()))
}

/// A derived cell whose value fix changed.
#[derive(Debug, Clone)]
pub struct Change {
    pub cell: CellId,
    /// Where it is in the output: sheet and A1.
    pub at: (String, String),
    pub from: Val,
    pub to: Val,
    pub rule: String,
    pub note: String,
    /// The difference is beyond what fix corrects as certain (`ReviewDef`): the formula is
    /// written, the cell is red and a person must confirm which side is wrong.
    pub review: bool,
}

// What the 处理 column says, one wording per case.
const TO_CONFIRM: &str = "需人工核对";
const TO_CONFIRM_AFTER_FIX: &str = "需人工核对（按校正后的数值出现）";
const TAIL_KEPT: &str = "尾差：保留填报数，公式中单列差额";
const PLEASE_CHECK: &str = "请核对";
const GONE_WITH_TOTALS: &str = "已随合计的校正消除";
const NOTE_ADDED: &str = "已在表下补写空表说明";

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

/// The workbook fix built, with what it did.
pub struct Fixed {
    pub workbook: Workbook,
    pub forms: Vec<String>,
    pub changes: Vec<Change>,
    pub lines: Vec<AuditLine>,
}

impl Fixed {
    /// Findings a person must still look at, by severity: (errors, warnings, infos).
    pub fn open_counts(&self) -> (usize, usize, usize) {
        let n = |s: Severity| {
            self.lines
                .iter()
                .filter(|l| l.severity == s && matches!(l.status, Status::Open(_)))
                .count()
        };
        (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
    }
}

/// Logical cell key → output A1 (and row key → the row's first cell), so findings on the
/// fixed book name the cells of the workbook being written.
fn output_origin(form: &Form, data: &FormData, layout: &Layout) -> IndexMap<String, String> {
    let mut origin: IndexMap<String, String> = layout
        .addr
        .iter()
        .map(|(k, &(r, c))| (k.clone(), a1(r, c)))
        .collect();
    // The first sheet row of each logical row: its cells are keyed `row.col`.
    let mut first_row: HashMap<&str, u32> = HashMap::new();
    for (k, &(r, _)) in &layout.addr {
        if let Some((row, _)) = k.rsplit_once('.') {
            let at = first_row.entry(row).or_insert(r);
            *at = (*at).min(r);
        }
    }
    for row in &data.rows {
        let Some(&r) = first_row.get(row.key.as_str()) else {
            continue;
        };
        let col = form
            .blocks
            .iter()
            .find_map(|b| {
                b.panels
                    .iter()
                    .position(|p| p.id == row.panel)
                    .map(|pi| b.panel_offset(pi))
            })
            .unwrap_or(0);
        if row.kind != RowKind::Fixed {
            origin.insert(row.key.clone(), a1(r, col));
        }
        origin.insert(format!("{}#row", row.key), (r + 1).to_string());
    }
    origin
}

pub(crate) fn set_value(data: &mut FormData, c: &CellId, v: Val) {
    if c.col.is_empty() {
        if v == Val::Blank {
            data.grid.shift_remove(&c.row);
        } else {
            data.grid.insert(c.row.clone(), v);
        }
    } else if let Some(row) = data.row_mut(&c.row) {
        if v == Val::Blank {
            row.values.shift_remove(&c.col);
        } else {
            row.values.insert(c.col.clone(), v);
        }
    }
}

/// The 空表说明 an empty table lacks, if it lacks one.
fn missing_empty_note(form: &Form, data: &FormData) -> Option<String> {
    let note = form.empty_note.as_ref()?;
    if !data.is_empty() || data.rows.is_empty() {
        return None;
    }
    let said = data.remarks.iter().chain(form.notes.iter()).any(|r| {
        let k = label_key(r);
        note.keywords.iter().any(|w| k.contains(&label_key(w)))
    });
    (!said).then(|| note.text.clone())
}

/// Identity of a finding across the audits before and after fixing (both name output cells).
fn finding_key(f: &Finding) -> (String, String, Option<String>, String) {
    (
        f.rule.clone(),
        f.form.clone(),
        f.sheet.clone(),
        f.cell.clone().unwrap_or_else(|| f.message.clone()),
    )
}

/// Where the output cells are: (form, row, col) → logical cell, per form.
struct Positions {
    at: Vec<HashMap<(u32, u16), CellId>>,
}

impl Positions {
    fn new(placement: &Placement) -> Positions {
        let at = placement
            .layouts
            .iter()
            .map(|l| {
                l.cells
                    .iter()
                    .filter_map(|p| match &p.content {
                        Placed::Cell(id) => Some(((p.row, p.col), id.clone())),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        Positions { at }
    }
    /// The value cells a reference names: `C10` in `home`'s sheet or `'公开02表'!C9`.
    fn resolve(&self, placement: &Placement, home: usize, reference: &str) -> Option<CellId> {
        let (fi, cell) = match reference.rsplit_once('!') {
            Some((sheet, cell)) => {
                let sheet = sheet.trim_matches('\'').replace("''", "'");
                (placement.sheets.iter().position(|s| *s == sheet)?, cell)
            }
            None => (home, reference),
        };
        let pos = parse_a1(cell)?;
        self.at.get(fi)?.get(&pos).cloned()
    }
    /// Every value cell of a logical row (for findings about a whole 科目 row).
    fn row_cells(&self, fi: usize, key: &str) -> Vec<CellId> {
        let mut v: Vec<CellId> = self
            .at
            .get(fi)
            .into_iter()
            .flat_map(|m| m.values())
            .filter(|c| c.row == key && !c.col.is_empty())
            .cloned()
            .collect();
        v.sort_by(|a, b| a.col.cmp(&b.col));
        v
    }
}

/// The statements of the document's texts (情况说明, 自评报告) checked against its tables as
/// read: fix changes no text, so these stand in 审核结果 as they are.
fn text_findings(
    catalog: &Catalog,
    wb: &crate::read::Workbook,
    forms: &[(&Form, FormData)],
) -> Vec<Finding> {
    let texts = |d: &FormData| d.grid.values().any(|v| matches!(v, Val::Text(_)));
    if wb.text.is_empty() && !forms.iter().any(|(_, d)| texts(d)) {
        return Vec::new();
    }
    let book = Book::new(forms.to_vec());
    let calc = compute(&book, Mode::Check, false);
    crate::statements::check(&catalog.statements, wb, &book, &calc).0
}

/// Build the corrected workbook of `content`.
pub fn fix(content: Content) -> Result<Fixed, WriteError> {
    let Content {
        source,
        mut forms,
        mut strays,
        mut others,
        mut reading,
        pages,
        catalog,
    } = content;
    reading.extend(cut_long_texts(&mut forms, &mut strays, &mut others));
    let mut book = Book::new(forms);
    let calc_in = compute(&book, Mode::Fix, false);
    let placement = place(&book, &calc_in);
    let positions = Positions::new(&placement);
    // Input positions (for 原位置); from here on every logical cell names its output cell.
    let input_at: Vec<(Option<String>, IndexMap<String, String>)> = book
        .forms
        .iter()
        .map(|(_, d)| (d.sheet.clone(), d.origin.clone()))
        .collect();
    for (fi, (form, data)) in book.forms.iter_mut().enumerate() {
        data.origin = output_origin(form, data, &placement.layouts[fi]);
        let (r, c) = crate::layout::UNIT_CELL;
        data.unit_at = data.unit.as_ref().map(|_| a1(r, c));
        let (r, c) = crate::layout::TITLE_CELL;
        data.year_at = data.year.as_ref().map(|_| a1(r, c));
        data.sheet = Some(placement.sheets[fi].clone());
    }
    let before = audit(&book, &compute(&book, Mode::Check, false));

    // Empty 自评得分 cells a 评（扣）分标准 can score are filled (before recomputing, so that
    // 总分 follows), each with its formula.
    let fills = crate::score::check::fill_empty_scores(&mut book);
    // Filled scores change what the rules settle on; otherwise the first computation stands.
    let calc_fix = if fills.is_empty() {
        calc_in
    } else {
        compute(&book, Mode::Fix, false)
    };

    // Recompute: every derived cell takes the value the rules settle on; note what changed.
    let settled = |c: &CellId| calc_fix.resolved.get(c).cloned().unwrap_or(Val::Blank);
    let mut changes = Vec::new();
    let mut kept_tails: Vec<(CellId, String)> = Vec::new();
    for d in calc_fix.derived.values() {
        let kind = book.kind(&d.cell);
        let value = settled(&d.cell);
        if let (Agreement::Tail { diff, .. }, Val::Num(v)) = (&d.agreement, &value) {
            if *v != d.expected.num() {
                kept_tails.push((
                    d.cell.clone(),
                    format!(
                        "尾差：按各项计算为 {}，与填报数 {} 相差 {}，在允许范围内，保留填报数（公式中单列此差额）（{}）",
                        show(kind, &d.expected),
                        show(kind, &value),
                        diff.normalize(),
                        d.rule_name
                    ),
                ));
            }
        }
        let per_term = book.rounding_per_term(std::slice::from_ref(&d.cell));
        if agree(kind, &d.filled, &value, 0, per_term) != Agreement::Exact {
            let at = book.forms[d.cell.form]
                .1
                .origin
                .get(&d.cell.key())
                .cloned()
                .unwrap_or_default();
            let review = matches!(
                (kind, &d.filled, &value),
                (ColKind::Amount, Val::Num(f), Val::Num(v))
                    if book.forms[d.cell.form].0.review.needs_review(*f, *v)
            );
            let note = if review {
                format!(
                    "{TO_CONFIRM}：填报数 {}，按各项计算为 {}，相差 {}，超出可自动校正的范围；已写入公式，合计与各项可能任一有误（{}）",
                    show(kind, &d.filled),
                    show(kind, &value),
                    show(kind, &Val::Num((d.filled.num() - value.num()).abs())),
                    d.rule_name
                )
            } else {
                format!(
                    "原值 {} → {}（{}）",
                    show(kind, &d.filled),
                    show(kind, &value),
                    d.rule_name
                )
            };
            changes.push(Change {
                cell: d.cell.clone(),
                at: (placement.sheets[d.cell.form].clone(), at),
                from: d.filled.clone(),
                to: value.clone(),
                rule: d.rule_name.clone(),
                note,
                review,
            });
        }
    }
    for f in &fills {
        let kind = book.kind(&f.cell);
        let at = book.forms[f.cell.form]
            .1
            .origin
            .get(&f.cell.key())
            .cloned()
            .unwrap_or_default();
        changes.push(Change {
            cell: f.cell.clone(),
            at: (placement.sheets[f.cell.form].clone(), at),
            from: Val::Blank,
            to: Val::Num(f.value),
            rule: "评（扣）分标准".into(),
            note: format!(
                "原值 空 → {}（{}）",
                show(kind, &Val::Num(f.value)),
                f.explanation
            ),
            review: false,
        });
    }
    let formulas = crate::score::check::fill_formulas(&fills, &placement);
    let mut forms = std::mem::take(&mut book.forms);
    for d in calc_fix.derived.values() {
        set_value(&mut forms[d.cell.form].1, &d.cell, settled(&d.cell));
    }
    let mut notes_added = HashSet::new();
    for (form, data) in forms.iter_mut() {
        if let Some(note) = missing_empty_note(form, data) {
            data.remarks.push(note);
            notes_added.insert(form.id.clone());
        }
    }
    let book = Book::new(forms);
    let calc_out = compute(&book, Mode::Fix, false);
    let (after, mut coverage) = audit_covered(&book, &compute(&book, Mode::Check, false));
    coverage.add_missing(catalog, &book, &reading);

    // Sheet names: 审核结果, the forms', then the kept values' and the other sheets'.
    let mut used: Vec<String> = vec![AUDIT_SHEET.to_string()];
    used.extend(placement.sheets.iter().cloned());
    let stray_names: Vec<Option<String>> = strays
        .iter()
        .enumerate()
        .map(|(fi, s)| {
            (!s.is_empty()).then(|| unique_name(&mut used, &placement.sheets[fi], STRAY_SUFFIX))
        })
        .collect();
    let other_names: Vec<String> = others
        .iter()
        .map(|o| unique_name(&mut used, &o.name, ""))
        .collect();

    // The audit lines: reading notices, findings before fixing and what became of them,
    // findings that only the fixed values show.
    let mut lines = Vec::new();
    // The form a finding is about (a repeatable form by its sheet too).
    let form_of = |f: &Finding| -> Option<usize> {
        book.forms
            .iter()
            .enumerate()
            .position(|(fi, (form, d))| {
                form.id == f.form
                    && (f.sheet.is_none()
                        || d.sheet == f.sheet
                        || input_at[fi].0 == f.sheet
                        || stray_names[fi] == f.sheet)
            })
            .or_else(|| book.form_index(&f.form))
    };
    let form_pos = |id: &str| book.form_index(id);
    let after_keys: HashSet<_> = after.iter().map(finding_key).collect();
    let before_keys: HashSet<_> = before.iter().map(finding_key).collect();
    let changed: HashMap<&CellId, &Change> = changes.iter().map(|c| (&c.cell, c)).collect();
    let mut marks: HashMap<CellId, Mark> = HashMap::new();
    let mut stray_marks: Vec<HashMap<String, String>> = vec![HashMap::new(); strays.len()];
    for f in &reading {
        let fi = form_of(f).filter(|&fi| input_at[fi].0 == f.sheet);
        let origin = f.place();
        let mut at = None;
        let mut status = Status::Open(TO_CONFIRM.into());
        if let Some(fi) = fi {
            let key = f.cell.as_ref().and_then(|c| {
                input_at[fi]
                    .1
                    .iter()
                    .find(|(k, v)| *v == c && !k.contains('#'))
                    .map(|(k, _)| k.clone())
            });
            let out = key.as_ref().and_then(|k| book.forms[fi].1.origin.get(k));
            if let Some(out) = out {
                at = Some((placement.sheets[fi].clone(), out.clone()));
                if let Some(id) = positions.resolve(&placement, fi, out) {
                    add_mark(&mut marks, id, &f.message, Fill::Conflict, f.severity);
                }
            } else if f.rule == "value-outside-form"
                || (f.rule == TEXT_CUT
                    && strays[fi].iter().any(|k| Some(&k.cell) == f.cell.as_ref()))
            {
                if let (Some(name), Some(c)) = (&stray_names[fi], &f.cell) {
                    at = Some((name.clone(), c.clone()));
                    stray_marks[fi]
                        .entry(c.clone())
                        .and_modify(|m| {
                            m.push('\n');
                            m.push_str(&f.message);
                        })
                        .or_insert_with(|| f.message.clone());
                    status = Status::Open(kept_beside(name));
                }
            } else {
                at = Some((placement.sheets[fi].clone(), "A1".into()));
            }
        } else if let Some(fi) = form_of(f).filter(|&fi| stray_names[fi].is_some()) {
            // A value carried back from a previous fix's 表外内容 sheet.
            if let (Some(name), Some(c)) = (&stray_names[fi], &f.cell) {
                at = Some((name.clone(), c.clone()));
                stray_marks[fi].insert(c.clone(), f.message.clone());
                status = Status::Open(kept_beside(name));
            }
        } else if let Some(sheet) = &f.sheet {
            if let Some(oi) = others.iter().position(|o| &o.name == sheet) {
                let cell = f.cell.clone().unwrap_or_else(|| "A1".into());
                at = Some((other_names[oi].clone(), cell));
                // A sheet merely not a form is settled by the copy; a form that could not be
                // judged (values-not-placed, code-unknown) is still for a person.
                if f.severity == Severity::Info {
                    status = Status::Resolved(format!("已原样复制到工作表“{}”", other_names[oi]));
                }
            }
        }
        lines.push(AuditLine {
            severity: f.severity,
            form: f.form.clone(),
            table_no: table_no(&book, &f.form),
            at,
            origin,
            rule: rule_name(&book, &f.form, &f.rule),
            message: f.message.clone(),
            status,
        });
    }
    // Where a logical cell was in the input: sheet!A1, after its page for a PDF.
    let input_place = |fi: usize, key: &str| -> Option<String> {
        let (sheet, at) = &input_at[fi];
        let place = format!("{}!{}", sheet.as_deref().unwrap_or(""), at.get(key)?);
        Some(match pages.get(fi).and_then(|p| p.get(key)) {
            Some(page) => format!("第{page}页 {place}"),
            None => place,
        })
    };
    let origin_of = |f: &Finding| -> Option<String> {
        let fi = form_of(f)?;
        input_place(fi, &f.target.as_ref()?.key())
    };
    for f in &before {
        let fi = form_of(f);
        let at = fi.map(|fi| {
            (
                placement.sheets[fi].clone(),
                f.cell.clone().unwrap_or_else(|| "A1".into()),
            )
        });
        let change = f.target.as_ref().and_then(|t| changed.get(t));
        let status = if after_keys.contains(&finding_key(f)) {
            Status::Open(if f.severity == Severity::Info && f.fixable {
                TAIL_KEPT.into()
            } else if f.severity == Severity::Info {
                PLEASE_CHECK.into()
            } else {
                TO_CONFIRM.into()
            })
        } else if let Some(c) = change {
            change_status(c)
        } else if f.rule == "empty-table-note" && notes_added.contains(&f.form) {
            Status::Resolved(NOTE_ADDED.into())
        } else {
            Status::Resolved(GONE_WITH_TOTALS.into())
        };
        lines.push(AuditLine {
            // A correction a person must confirm is left as an error, whatever the rule's level.
            severity: if change.is_some_and(|c| c.review) {
                Severity::Error
            } else {
                f.severity
            },
            form: f.form.clone(),
            table_no: table_no(&book, &f.form),
            at,
            origin: origin_of(f),
            rule: rule_name(&book, &f.form, &f.rule),
            message: f.message.clone(),
            status,
        });
    }
    for f in after
        .iter()
        .filter(|f| !before_keys.contains(&finding_key(f)))
    {
        let fi = form_of(f);
        lines.push(AuditLine {
            severity: f.severity,
            form: f.form.clone(),
            table_no: table_no(&book, &f.form),
            at: fi.map(|fi| {
                (
                    placement.sheets[fi].clone(),
                    f.cell.clone().unwrap_or_else(|| "A1".into()),
                )
            }),
            origin: None,
            rule: rule_name(&book, &f.form, &f.rule),
            message: f.message.clone(),
            status: Status::Open(TO_CONFIRM_AFTER_FIX.into()),
        });
    }
    // Every change is listed, also one no finding named (a fill, a total a warning-only rule
    // let stand in the audit).
    let named: HashSet<&CellId> = before.iter().filter_map(|f| f.target.as_ref()).collect();
    for c in changes.iter().filter(|c| !named.contains(&c.cell)) {
        let (form, _) = &book.forms[c.cell.form];
        lines.push(AuditLine {
            severity: if c.review {
                Severity::Error
            } else {
                Severity::Info
            },
            form: form.id.clone(),
            table_no: form.table_no.clone(),
            at: Some(c.at.clone()),
            origin: input_place(c.cell.form, &c.cell.key()),
            rule: c.rule.clone(),
            message: format!("{}!{} {}", c.at.0, c.at.1, c.note),
            status: change_status(c),
        });
    }
    // Highlight every cell of a disagreement that remains.
    for f in after
        .iter()
        .filter(|f| f.severity != Severity::Info && !f.fixable)
    {
        let Some(fi) = form_of(f) else {
            continue;
        };
        let mut cells: Vec<CellId> = Vec::new();
        if let Some(t) = &f.target {
            if t.col.is_empty() && book.forms[fi].0.grid_kind(&t.row).is_none() {
                cells.extend(positions.row_cells(fi, &t.row));
            } else {
                cells.push(t.clone());
            }
        } else if let Some(id) = f
            .cell
            .as_deref()
            .and_then(|c| positions.resolve(&placement, fi, c))
        {
            cells.push(id);
        }
        cells.extend(
            f.related
                .iter()
                .filter_map(|r| positions.resolve(&placement, fi, r)),
        );
        for c in cells {
            add_mark(&mut marks, c, &f.message, Fill::Conflict, f.severity);
        }
    }
    for (c, note) in &kept_tails {
        add_note(&mut marks, c.clone(), note, Fill::None);
    }
    for (fi, form_pages) in pages.iter().enumerate() {
        for (key, page) in form_pages {
            add_note(
                &mut marks,
                cell_of(fi, key),
                &source_note(*page),
                Fill::None,
            );
        }
    }
    for c in &changes {
        let fill = if c.review {
            Fill::Conflict
        } else {
            Fill::Changed
        };
        add_note(&mut marks, c.cell.clone(), &c.note, fill);
    }
    lines.sort_by_key(|l| {
        (
            form_pos(&l.form).unwrap_or(usize::MAX),
            l.severity,
            matches!(l.status, Status::Resolved(_)),
        )
    });

    let mut wb = Workbook::new();
    let summary = audit_summary(&source, &book, &changes, &lines, &coverage);
    wb.push_worksheet(audit_sheet(&summary, &lines)?);
    let opts = WriteOptions { marks, formulas };
    for (fi, ws) in form_sheets(&book, &calc_out, &placement, &opts)?
        .into_iter()
        .enumerate()
    {
        wb.push_worksheet(ws);
        if let Some(name) = &stray_names[fi] {
            wb.push_worksheet(stray_sheet(name, &strays[fi], &stray_marks[fi])?);
        }
    }
    for (o, name) in others.iter().zip(&other_names) {
        wb.push_worksheet(copy_sheet(name, o)?);
    }
    Ok(Fixed {
        workbook: wb,
        forms: book.forms.iter().map(|(f, _)| f.id.clone()).collect(),
        changes,
        lines,
    })
}

/// The 处理 of a finding a change answers: corrected, or a correction to confirm.
fn change_status(c: &Change) -> Status {
    if c.review {
        Status::Open(format!("{TO_CONFIRM}：差额超出自动校正的范围，已写入公式"))
    } else {
        Status::Resolved(format!("已校正：{}", c.note))
    }
}

fn kept_beside(sheet: &str) -> String {
    format!("已原样保留在工作表“{sheet}”，{TO_CONFIRM}")
}

/// The Chinese name of a rule: the definition's `name`, or the built-in rule's.
fn rule_name(book: &Book, form: &str, rule: &str) -> String {
    crate::check::rule_name(book.form_index(form).map(|fi| book.forms[fi].0), rule)
}

fn table_no(book: &Book, form: &str) -> String {
    book.form_index(form)
        .map(|fi| book.forms[fi].0.table_no.clone())
        .unwrap_or_default()
}

fn add_mark(
    marks: &mut HashMap<CellId, Mark>,
    c: CellId,
    message: &str,
    fill: Fill,
    sev: Severity,
) {
    let text = format!("{}：{message}", sev.chinese());
    add_note(marks, c, &text, fill);
}

/// Add a note line to a cell's mark; the stronger fill wins (conflict over change).
fn add_note(marks: &mut HashMap<CellId, Mark>, c: CellId, text: &str, fill: Fill) {
    let m = marks.entry(c).or_insert(Mark {
        note: String::new(),
        fill,
    });
    m.fill = m.fill.max(fill);
    if !m.note.split('\n').any(|l| l == text) {
        m.note = if m.note.is_empty() {
            text.to_string()
        } else {
            format!("{}\n{text}", m.note)
        };
    }
}

/// A sheet name not yet used (case-insensitive, as Excel compares), at most 31 characters.
fn unique_name(used: &mut Vec<String>, base: &str, suffix: &str) -> String {
    let fit = |s: &str, extra: &str| -> String {
        let keep = 31usize.saturating_sub(extra.chars().count());
        let head: String = s.chars().take(keep).collect();
        format!("{head}{extra}")
    };
    let mut name = fit(base, suffix);
    let mut n = 2;
    while used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
        name = fit(base, &format!("{suffix}({n})"));
        n += 1;
    }
    used.push(name.clone());
    name
}

const FONT: &str = "宋体";

/// The line under 审核结果's title: the source, the forms, the counts, what the colours mean,
/// and which rules ran (so that "not checked" never reads as "passed").
fn audit_summary(
    source: &str,
    book: &Book,
    changes: &[Change],
    lines: &[AuditLine],
    coverage: &crate::coverage::Coverage,
) -> String {
    let count = |s: Severity| lines.iter().filter(|l| l.severity == s).count();
    let open = |s: Severity| {
        lines
            .iter()
            .filter(|l| l.severity == s && matches!(l.status, Status::Open(_)))
            .count()
    };
    let not_run: Vec<String> = coverage
        .not_run_reasons()
        .into_iter()
        .map(|(reason, n)| format!("{reason}（{n} 条）"))
        .collect();
    let not_run = if not_run.is_empty() {
        String::new()
    } else {
        format!("；未能核对：{}", not_run.join("，"))
    };
    format!(
        "来源：{source}；识别 {} 张表（{}）；错误 {} 条（校正后仍有 {} 条需人工核对），警告 {} 条，提示 {} 条；重新计算后改动 {} 个单元格（黄色底纹，批注写明原值）；需人工核对的单元格为红色底纹。核对范围（校正后）：{}{not_run}。",
        book.forms.len(),
        book.forms
            .iter()
            .map(|(f, _)| f.table_no.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        count(Severity::Error),
        open(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        changes.len(),
        coverage.summary()
    )
}

fn audit_sheet(summary: &str, lines: &[AuditLine]) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(AUDIT_SHEET)?;
    let base = Format::new().set_font_name(FONT).set_font_size(10);
    let title = base.clone().set_bold().set_font_size(14);
    let head = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2")
        .set_align(FormatAlign::Center);
    let cell = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let link = cell
        .clone()
        .set_font_color("#0563C1")
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);
    let sev_fmt = |s: Severity| match s {
        Severity::Error => cell.clone().set_background_color("#F8C9C4"),
        Severity::Warning => cell.clone().set_background_color("#FFE699"),
        Severity::Info => cell.clone(),
    };
    ws.write_string_with_format(0, 0, "审核结果", &title)?;
    let wrap = base.clone().set_text_wrap().set_align(FormatAlign::Top);
    ws.merge_range(1, 0, 1, AUDIT_HEADER.len() as u16 - 1, summary, &wrap)?;
    let width: f64 = AUDIT_WIDTHS.iter().sum();
    let needed = crate::write::wrapped_lines(summary, width).max(3);
    ws.set_row_height(1, crate::write::wrapped_row_height(needed))?;
    for (c, h) in AUDIT_HEADER.iter().enumerate() {
        ws.write_string_with_format(AUDIT_HEADER_ROW, c as u16, *h, &head)?;
    }
    for (c, w) in AUDIT_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, l) in lines.iter().enumerate() {
        let r = AUDIT_HEADER_ROW + 1 + i as u32;
        ws.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        ws.write_string_with_format(r, 1, l.severity.chinese(), &sev_fmt(l.severity))?;
        // "final-01 公开01表", never the bare 表号: a later run must not take this sheet for
        // the form itself.
        let form = if l.form.is_empty() {
            String::new()
        } else {
            format!("{} {}", l.form, l.table_no)
        };
        ws.write_string_with_format(r, 2, &form, &cell)?;
        let place = audit_place(l);
        match &l.at {
            Some((sheet, at)) => {
                let target = format!("internal:'{}'!{at}", sheet.replace('\'', "''"));
                ws.write_url_with_format(r, 3, Url::new(target).set_text(&place), &link)?;
            }
            None => {
                ws.write_string_with_format(r, 3, &place, &cell)?;
            }
        }
        let status = match &l.status {
            Status::Resolved(s) | Status::Open(s) => s.as_str(),
        };
        let texts = [form.as_str(), &place, &l.rule, &l.message, status];
        for (c, t) in [(4, l.rule.as_str()), (5, &l.message), (6, status)] {
            ws.write_string_with_format(r, c, clip(t, MAX_CELL_TEXT), &cell)?;
        }
        // Wrapped text needs its height set: readers do not grow rows on opening.
        let needed = texts
            .iter()
            .zip(&AUDIT_WIDTHS[2..])
            .map(|(t, w)| crate::write::wrapped_lines(t, *w))
            .max()
            .unwrap_or(1);
        ws.set_row_height(r, crate::write::wrapped_row_height(needed))?;
    }
    let last = AUDIT_HEADER_ROW + lines.len() as u32;
    crate::write::set_up_list(
        &mut ws,
        AUDIT_HEADER_ROW,
        last,
        AUDIT_HEADER.len() as u16 - 1,
    )?;
    Ok(ws)
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
    notes: &HashMap<String, String>,
) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let fmt = Format::new()
        .set_font_name(FONT)
        .set_font_size(10)
        .set_background_color("#F8C9C4");
    // Kept values by row, then column: what a merge covers is found without a scan of all.
    let mut at: BTreeMap<u32, BTreeSet<u16>> = BTreeMap::new();
    for (r, c) in cells.iter().filter_map(|k| parse_a1(&k.cell)) {
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
        let Some((r, c)) = parse_a1(&k.cell) else {
            continue;
        };
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

/// Merged regions placed on a sheet, to ask whether a new one would overlap any, without
/// comparing it with every one: the cells of small regions are kept in a set; the few large
/// ones (more than [`PlacedMerges::SMALL`] cells) are compared one by one.
#[derive(Default)]
struct PlacedMerges {
    cells: HashSet<(u32, u16)>,
    all: Vec<Merge>,
    large: Vec<Merge>,
}

impl PlacedMerges {
    const SMALL: u64 = 1024;

    fn area(m: &Merge) -> u64 {
        (u64::from(m.last_row.saturating_sub(m.first_row)) + 1)
            * (u64::from(m.last_col.saturating_sub(m.first_col)) + 1)
    }
    fn cells_of(m: &Merge) -> impl Iterator<Item = (u32, u16)> + '_ {
        (m.first_row..=m.last_row)
            .flat_map(move |r| (m.first_col..=m.last_col).map(move |c| (r, c)))
    }
    fn overlaps(&self, m: &Merge) -> bool {
        if Self::area(m) > Self::SMALL {
            return self.all.iter().any(|o| overlap(o, m));
        }
        Self::cells_of(m).any(|rc| self.cells.contains(&rc))
            || self.large.iter().any(|o| overlap(o, m))
    }
    fn add(&mut self, m: Merge) {
        if Self::area(&m) > Self::SMALL {
            self.large.push(m);
        } else {
            self.cells.extend(Self::cells_of(&m));
        }
        self.all.push(m);
    }
}

fn overlap(a: &Merge, b: &Merge) -> bool {
    !(a.last_row < b.first_row
        || b.last_row < a.first_row
        || a.last_col < b.first_col
        || b.last_col < a.first_col)
}

/// An unrecognised sheet, value by value with its merges.
fn copy_sheet(name: &str, sheet: &OtherSheet) -> Result<Worksheet, WriteError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    let fmt = Format::new().set_font_name(FONT).set_font_size(10);
    let values: HashMap<String, &Cell> = sheet
        .cells
        .iter()
        .map(|k| (k.cell.clone(), &k.value))
        .collect();
    for m in &sheet.merges {
        if m.last_row > m.first_row || m.last_col > m.first_col {
            let top = a1(m.first_row, m.first_col);
            let text = match values.get(&top) {
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
        if let Some((r, c)) = parse_a1(&k.cell) {
            write_cell(&mut ws, r, c, &k.value, &fmt)?;
        }
    }
    Ok(ws)
}
