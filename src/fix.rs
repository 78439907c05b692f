//! `fix` (and `import`): writes a workbook's forms back in the template layout with every
//! derived cell recomputed — changed cells highlighted with a note, disagreements fix must not
//! resolve highlighted at every cell involved, a first sheet 审核结果 listing every finding —
//! and carries over everything else the input held (unrecognised sheets, values outside the
//! forms), so nothing is lost.

use crate::calc::{agree, compute, Agreement, Book, Calc, Derived, Mode};
use crate::cellref::Place;
use crate::check::{audit, audit_covered};
use crate::coverage::Coverage;
use crate::expr::{cell_key, CellId, Name, Val};
use crate::findings::{Finding, TEXT_CUT};
use crate::form::show;
use crate::form::{ColKind, Form, Severity};
use crate::layout::{Content as Placed, Layout};
use crate::load::own::{AUDIT_SHEET, STRAY_SUFFIX, TO_CONFIRM};
use crate::load::{Content, KeptCell, OtherSheet};
use crate::model::{FastIndexMap, FastMap, FormData, RowKind};
use crate::read::Cell;
use crate::score::check::ScoreFill;
use crate::write::fixed::{render, FixedPlan, KeptSheet};
pub use crate::write::fixed::{AuditLine, FixedCopy, Status};
use crate::write::{
    cut_text, place, CellFormulas, Fill, Mark, Marks, Placement, RenderedWorkbook, WriteError,
    WriteOptions, MAX_CELL_TEXT,
};
use indexmap::IndexMap;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

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
    let mut cutter = Cutter::default();
    for ((form, data), kept) in forms.iter_mut().zip(strays.iter_mut()) {
        cutter.form_texts(form, data);
        let sheet = data.sheet.as_deref();
        for k in kept.iter_mut() {
            if let Cell::Text(t) | Cell::Error(t) = &mut k.value {
                let what = || format!("{}!{}", sheet.unwrap_or(""), k.cell);
                cutter.cut(t, &form.id, sheet, Some(&k.cell), what);
            }
        }
    }
    for o in others.iter_mut() {
        for k in o.cells.iter_mut() {
            if let Cell::Text(t) | Cell::Error(t) = &mut k.value {
                let what = || format!("{}!{}", o.name, k.cell);
                cutter.cut(t, "", Some(&o.name), Some(&k.cell), what);
            }
        }
    }
    cutter.found
}

/// Texts cut to what a cell holds, with the finding of each.
#[derive(Default)]
struct Cutter {
    found: Vec<Finding>,
}

impl Cutter {
    /// Cut `text` if it is longer than a cell holds; `what` names it in the finding (made only
    /// then: every text of a workbook passes here).
    fn cut(
        &mut self,
        text: &mut String,
        form: &str,
        sheet: Option<&str>,
        cell: Option<&Place>,
        what: impl FnOnce() -> String,
    ) {
        let Some((short, kept)) = cut_text(text, MAX_CELL_TEXT) else {
            return;
        };
        let total = text.chars().count();
        self.found.push(Finding::new(
            Severity::Error,
            TEXT_CUT,
            form,
            sheet.map(str::to_string),
            cell.map(ToString::to_string),
            format!(
                "{}的文字有 {total} 个字符，超过 Excel 一个单元格最多 {MAX_CELL_TEXT} 个字符的上限：写出的工作簿中只保留前 {kept} 个字符（末尾注明“{}”），其余 {} 个字符未写入，全文仍在原文件中；请把这段文字拆到几个单元格或移到附件中",
                what(),
                crate::write::CUT_MARK,
                total - kept
            ),
        ));
        *text = short;
    }

    /// Every text of one form: values, row names, grid cells, remarks, unit and year.
    fn form_texts(&mut self, form: &Form, data: &mut FormData) {
        let sheet = data.sheet.clone();
        let sheet = sheet.as_deref();
        let at = |cell: Option<&Place>, logical: &str| match (sheet, cell) {
            (Some(s), Some(c)) => format!("{s}!{c}"),
            _ => format!("{}“{logical}”", form.table_no),
        };
        for row in data.rows.iter_mut() {
            for (col, v) in row.values.iter_mut() {
                if let Val::Text(t) = v {
                    let key = format!("{}.{col}", row.key);
                    let cell = data.origin.get(&key);
                    self.cut(t, &form.id, sheet, cell, || at(cell, &key));
                }
            }
            if let Some(label) = &mut row.label {
                let what = || format!("{}行“{}”的名称", form.table_no, row.key);
                self.cut(label, &form.id, sheet, None, what);
            }
        }
        for (id, v) in data.grid.iter_mut() {
            if let Val::Text(t) = v {
                let cell = data.origin.get(id);
                self.cut(t, &form.id, sheet, cell, || at(cell, id));
            }
        }
        for (i, r) in data.remarks.iter_mut().enumerate() {
            let what = || format!("{}第 {} 条说明", form.table_no, i + 1);
            self.cut(r, &form.id, sheet, None, what);
        }
        for (field, v) in [("单位", &mut data.unit), ("年度", &mut data.year)] {
            if let Some(t) = v {
                let what = || format!("{}的{field}", form.table_no);
                self.cut(t, &form.id, sheet, None, what);
            }
        }
    }
}

/// The note on a value read from a PDF.
fn source_note(page: u32) -> String {
    format!("来源：第{page}页")
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

impl Change {
    /// Derived cell `d` going from its filled value to `value`, with `note`.
    fn of(
        book: &Book,
        d: &Derived,
        value: Val,
        placement: &Placement,
        note: String,
        review: bool,
    ) -> Change {
        Change {
            cell: d.cell.clone(),
            at: output_at(book, placement, &d.cell),
            from: d.filled.clone(),
            to: value,
            rule: d.rule_name.to_string(),
            note,
            review,
        }
    }
}

// What the 处理 column says, one wording per case.
const TO_CONFIRM_AFTER_FIX: &str = "需人工核对（按校正后的数值出现）";
const TAIL_KEPT: &str = "尾差：保留填报数，公式中单列差额";
const PLEASE_CHECK: &str = "请核对";
const GONE_WITH_TOTALS: &str = "已随合计的校正消除";
const NOTE_ADDED: &str = "已在表下补写空表说明";

/// The workbook fix built, with what it did.
pub struct Fixed {
    pub workbook: RenderedWorkbook,
    pub copy: FixedCopy,
    pub forms: Vec<String>,
    pub changes: Vec<Change>,
    pub lines: Vec<AuditLine>,
    /// Values found outside the forms that a clean copy does not hold.
    pub left_out: usize,
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

/// Sets the places of `data` to the workbook being written: each logical cell's output cell
/// (and a 科目 or list row's first cell, and each row's sheet row), so findings on the fixed
/// book name the cells of that workbook.
fn use_output_places(form: &Form, data: &mut FormData, layout: &Layout) {
    // Sized for the rows' own places too: growing past the cells' count would double it.
    let mut origin: FastIndexMap<String, Place> = FastIndexMap::with_capacity_and_hasher(
        layout.addr.len() + data.rows.len(),
        Default::default(),
    );
    origin.extend(layout.addr.iter().map(|(row, col, (r, c))| {
        let key = col.map_or_else(|| row.to_string(), |col| cell_key(row, col));
        (key, Place::at(r, c))
    }));
    let mut row_at = FastIndexMap::default();
    for row in &data.rows {
        let Some(r) = layout.addr.first_row(&row.key) else {
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
            origin.insert(row.key.to_string(), Place::at(r, col));
        }
        row_at.insert(row.key.clone(), r);
    }
    data.origin = origin;
    data.row_at = row_at;
}

/// The 空表说明 an empty table lacks, if it lacks one.
fn missing_empty_note(form: &Form, data: &FormData) -> Option<String> {
    let note = form.empty_note.as_ref()?;
    if !data.is_empty() || data.rows.is_empty() {
        return None;
    }
    let said = data
        .remarks
        .iter()
        .chain(form.notes.iter())
        .any(|r| note.said_by(r));
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
    at: Vec<FastMap<(u32, u16), CellId>>,
    /// Per form: the value cells of each logical row, in column order.
    rows: Vec<FastMap<Name, Vec<CellId>>>,
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
            .collect::<Vec<FastMap<_, CellId>>>();
        let rows = at
            .iter()
            .map(|cells| {
                let mut rows: FastMap<Name, Vec<CellId>> = FastMap::default();
                for c in cells.values().filter(|c| c.column().is_some()) {
                    rows.entry(c.row.clone()).or_default().push(c.clone());
                }
                for row in rows.values_mut() {
                    row.sort_by(|a, b| a.col.cmp(&b.col));
                }
                rows
            })
            .collect();
        Positions { at, rows }
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
        self.at_place(fi, &Place::from_a1(cell)?)
    }
    /// The value cell at a place of form `fi`'s output sheet.
    fn at_place(&self, fi: usize, place: &Place) -> Option<CellId> {
        self.at.get(fi)?.get(&place.local()?).cloned()
    }
    /// Every value cell of a logical row (for findings about a whole 科目 row).
    fn row_cells(&self, fi: usize, key: &str) -> &[CellId] {
        self.rows
            .get(fi)
            .and_then(|rows| rows.get(key))
            .map_or(&[], Vec::as_slice)
    }
}

/// Build the corrected workbook of `content`: recompute every derived cell, audit before and
/// after, say what became of every finding, mark the cells concerned, and have the writer
/// render it all.
pub fn fix(content: Content) -> Result<Fixed, WriteError> {
    fix_copy(content, FixedCopy::Reviewed)
}

/// [`fix`], writing `copy`: a clean copy to submit has the same forms, values and formulas,
/// without 审核结果, the marks and notes, or the sheets of values found outside the forms.
pub fn fix_copy(content: Content, copy: FixedCopy) -> Result<Fixed, WriteError> {
    let Content {
        source,
        mut forms,
        mut strays,
        mut others,
        mut reading,
        pages,
        catalog,
        unit,
    } = content;
    let source = source_named(source, unit.as_ref());
    reading.extend(cut_long_texts(&mut forms, &mut strays, &mut others));
    let mut book = Book::new(forms);
    let checked_in = compute(&book, Mode::Check, false);
    let placement = place(&book, &checked_in);
    let input_at = to_output_cells(&mut book, &placement);
    let Outcome {
        book,
        calc: calc_out,
        before,
        after,
        mut coverage,
        changes,
        kept_tails,
        formulas,
        notes_added,
    } = settle_and_audit(book, checked_in, &placement);
    crate::load::drop_retold(&mut reading, &before);
    coverage.add_missing(catalog, &book, &reading);

    let ledger = Ledger::new(&book, &placement, input_at, &pages, &strays, &others);
    let mut marks = Marks::default();
    let (mut lines, stray_marks) = ledger.reading_lines(&reading, &mut marks);
    lines.extend(ledger.before_lines(&before, &after, &changes, &notes_added));
    lines.extend(ledger.after_lines(&before, &after));
    lines.extend(ledger.change_lines(&before, &changes));
    ledger.mark_conflicts(&after, &mut marks);
    mark_notes(&mut marks, &kept_tails, &pages, &changes);
    lines.sort_by_key(|l| {
        (
            book.form_index(&l.form).unwrap_or(usize::MAX),
            l.severity,
            matches!(l.status, Status::Resolved(_)),
        )
    });

    // The input's places and the output's positions are not needed to write: released
    // before the output workbook is built, where memory peaks.
    let (stray_names, other_names) = ledger.into_names();
    let mut kept: Vec<Option<KeptSheet>> = strays
        .iter()
        .zip(&stray_names)
        .zip(stray_marks)
        .map(|((cells, name), notes)| {
            let name = name.clone()?;
            Some(KeptSheet { name, cells, notes })
        })
        .collect();
    let left_out = match copy {
        FixedCopy::Reviewed => 0,
        FixedCopy::Clean => strays.iter().map(Vec::len).sum(),
    };
    if copy == FixedCopy::Clean {
        marks.clear();
        kept = kept.into_iter().map(|_| None).collect();
    }
    let plan = FixedPlan {
        copy,
        summary: audit_summary(&source, &book, &changes, &lines, &coverage),
        lines: &lines,
        coverage: coverage.by_table(),
        book: &book,
        calc: &calc_out,
        placement: &placement,
        options: WriteOptions { marks, formulas },
        kept,
        others: other_names.into_iter().zip(&others).collect(),
    };
    let workbook = render(plan)?;
    Ok(Fixed {
        workbook,
        copy,
        forms: book.forms.iter().map(|(f, _)| f.id.clone()).collect(),
        changes,
        lines,
        left_out,
    })
}

/// The forms settled and audited: what fix writes and what it says about it.
struct Outcome<'a> {
    book: Book<'a>,
    /// The check of the settled forms: the values written.
    calc: Calc,
    /// The findings on the input, and on the settled forms.
    before: Vec<Finding>,
    after: Vec<Finding>,
    coverage: Coverage,
    changes: Vec<Change>,
    kept_tails: Vec<(CellId, String)>,
    /// The formulas of the scores filled in.
    formulas: CellFormulas,
    /// The forms whose 空表说明 was added.
    notes_added: HashSet<String>,
}

/// Settle the forms and audit them before and after. Three computations: the check of the
/// input (`checked_in`), the fix (what every derived cell settles on, after the scores it
/// can fill), and the check of the settled forms (what is left, and the values written) —
/// or one, when the input is already settled.
fn settle_and_audit<'a>(
    mut book: Book<'a>,
    checked_in: Calc,
    placement: &Placement,
) -> Outcome<'a> {
    let fills = crate::score::check::score_fills(&book);
    if already_settled(&book, &checked_in, &fills) {
        // Fix would fill, correct and add nothing: the settled forms are the input, and so
        // are their check and audit.
        let (after, coverage) = audit_covered(&book, &checked_in);
        return Outcome {
            book,
            calc: checked_in,
            before: after.clone(),
            after,
            coverage,
            changes: Vec::new(),
            kept_tails: Vec::new(),
            formulas: CellFormulas::default(),
            notes_added: HashSet::new(),
        };
    }
    let before = audit(&book, &checked_in);
    drop(checked_in);
    // Empty 自评得分 cells a 评（扣）分标准 can score are filled (before recomputing, so that
    // 总分 follows), each with its formula.
    crate::score::check::apply_score_fills(&mut book, &fills);
    let calc_fix = compute(&book, Mode::Fix, false);
    let (mut changes, kept_tails) = recomputed(&book, &calc_fix, placement);
    changes.extend(fill_changes(&book, &fills, placement));
    let formulas = crate::score::check::fill_formulas(&fills, placement);
    let (book, notes_added) = settle(book, &calc_fix);
    drop(calc_fix);
    // On settled forms the check and the fix agree: every derived cell holds what the fix
    // settled on, so the check's values are the ones to write.
    let calc = compute(&book, Mode::Check, false);
    let (after, coverage) = audit_covered(&book, &calc);
    Outcome {
        book,
        calc,
        before,
        after,
        coverage,
        changes,
        kept_tails,
        formulas,
        notes_added,
    }
}

/// True when no score is left to fill (`fills` is empty), every derived cell holds exactly
/// what its rule gives (the same number, or both blank) and no empty table lacks its
/// 空表说明. Then the fix computation settles every cell
/// on its filled value — it differs from the check only where a filled value differs from
/// the rule's — and settling changes nothing but a number's trailing zeros (37.9 → 37.90),
/// which nothing written shows.
fn already_settled(book: &Book, checked: &Calc, fills: &[ScoreFill]) -> bool {
    fills.is_empty()
        && checked
            .derived
            .values()
            .all(|d| d.agreement == Agreement::Exact && d.filled == d.expected)
        && book
            .forms
            .iter()
            .all(|(form, data)| missing_empty_note(form, data).is_none())
}

/// Where each form was in the input (sheet and logical cell → place, for 原位置); from then on
/// every logical cell of `book` names its cell in the output.
fn to_output_cells(book: &mut Book, placement: &Placement) -> Vec<InputCells> {
    // Taken, not copied: `use_output_places` gives every form its output places.
    let input_at = book
        .forms
        .iter_mut()
        .map(|(_, d)| (d.sheet.take(), std::mem::take(&mut d.origin), d.copy))
        .collect();
    for (fi, (form, data)) in book.forms.iter_mut().enumerate() {
        use_output_places(form, data, &placement.layouts[fi]);
        let (r, c) = crate::layout::UNIT_CELL;
        data.unit_at = data.unit.as_ref().map(|_| Place::at(r, c));
        let (r, c) = crate::layout::TITLE_CELL;
        data.year_at = data.year.as_ref().map(|_| Place::at(r, c));
        data.sheet = Some(placement.sheets[fi].clone());
        data.copy = None;
    }
    input_at
}

/// A form's input sheet, its logical cells' addresses in it, and which copy of the sheet it
/// was when the sheet held several.
type InputCells = (
    Option<String>,
    FastIndexMap<String, Place>,
    Option<crate::model::SheetCopy>,
);

/// Every derived cell whose settled value differs from the one filled in, and the 尾差 kept
/// (the filled value stands, the formula carries the difference), each with its note.
fn recomputed(
    book: &Book,
    calc: &Calc,
    placement: &Placement,
) -> (Vec<Change>, Vec<(CellId, String)>) {
    let mut changes = Vec::new();
    let mut kept_tails = Vec::new();
    for d in calc.derived.values() {
        let kind = book.kind(&d.cell);
        let value = settled(calc, &d.cell);
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
        if d.agreement == Agreement::PartsAbsent {
            changes.push(absent_parts(book, d, value, placement));
        } else if let Agreement::PartRepeats { part, .. } = &d.agreement {
            changes.push(repeated_part(book, d, part, value, placement));
        } else if agree(kind, &d.filled, &value, 0, per_term) != Agreement::Exact {
            changes.push(change_of(book, d, value, placement));
        }
    }
    (changes, kept_tails)
}

/// The value the rules settle on for a cell (blank when none).
fn settled(calc: &Calc, c: &CellId) -> Val {
    calc.resolved(c).cloned().unwrap_or(Val::Blank)
}

/// The change of a derived cell from its filled value to `value`: a correction, or — beyond
/// what fix corrects as certain — one a person must confirm.
fn change_of(book: &Book, d: &Derived, value: Val, placement: &Placement) -> Change {
    let kind = book.kind(&d.cell);
    let unreadable = unreadable_figures(book, d);
    let review = !unreadable.is_empty()
        || matches!(
            (kind, &d.filled, &value),
            (ColKind::Amount, Val::Num(f), Val::Num(v))
                if book.forms[d.cell.form].0.review.needs_review(*f, *v)
        );
    let note = if !unreadable.is_empty() {
        let cells: Vec<String> = unreadable
            .iter()
            .map(|c| output_at(book, placement, c).1)
            .collect();
        format!(
            "{TO_CONFIRM}：{} 不是可识别的数字，按 0 计算为 {}，不能据此校正；已写入公式，请改正该单元格后核对（{}）",
            cells.join("、"),
            show(kind, &value),
            d.rule_name
        )
    } else if review {
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
    Change::of(book, d, value, placement, note, review)
}

/// A total kept as published beside a column its table lacked (written back blank): left to
/// a person, who fills the column in; the formula takes over then.
fn absent_parts(book: &Book, d: &Derived, value: Val, placement: &Placement) -> Change {
    let kind = book.kind(&d.cell);
    let note = format!(
        "{TO_CONFIRM}：{}，已按标准表式补回该列（空白）；本格保留填报数 {}（按表中各项计算为 {}），\
         补填该列后按公式计算（{}）",
        book.absent_named(&d.bound),
        show(kind, &d.filled),
        show(kind, &d.expected),
        d.rule_name
    );
    Change::of(book, d, value, placement, note, true)
}

/// A total kept as published while one of its parts repeats it (the part is the likely
/// error): left to a person, who corrects the part; the formula takes over then. Fix does not
/// change the part itself — a figure typed in a detail row is the clerk's to correct.
fn repeated_part(
    book: &Book,
    d: &Derived,
    part: &CellId,
    value: Val,
    placement: &Placement,
) -> Change {
    let kind = book.kind(&d.cell);
    let note = format!(
        "{TO_CONFIRM}：{}（{}）填报数等于本合计 {}，其余各项之和与本合计相符，疑为该项误填了合计数；\
         本格保留填报数（按各项计算为 {}），改正该项后按公式计算（{}）",
        output_at(book, placement, part).1,
        book.describe(part),
        show(kind, &d.filled),
        show(kind, &d.expected),
        d.rule_name
    );
    Change::of(book, d, value, placement, note, true)
}

/// The cells of `d` — the cell itself, then those its rule reads — holding a figure that
/// could not be read as a number (a not-a-number text in an amount, rate, score or number
/// column): the recomputation counts them as 0, so it cannot correct the cell.
fn unreadable_figures(book: &Book, d: &Derived) -> Vec<CellId> {
    let mut cells = vec![d.cell.clone()];
    d.bound.cells(&mut cells);
    cells.retain(|c| {
        matches!(book.input_ref(c), Val::Text(_))
            && matches!(
                book.kind(c),
                ColKind::Amount | ColKind::Rate | ColKind::Score | ColKind::Number
            )
    });
    cells.dedup();
    cells
}

/// Sheet and A1 of a logical cell in the output.
fn output_at(book: &Book, placement: &Placement, c: &CellId) -> (String, String) {
    let at = book.forms[c.form]
        .1
        .origin
        .get(&c.key())
        .map(ToString::to_string)
        .unwrap_or_default();
    (placement.sheets[c.form].clone(), at)
}

/// The empty scores fix filled in, as changes.
fn fill_changes(book: &Book, fills: &[ScoreFill], placement: &Placement) -> Vec<Change> {
    fills
        .iter()
        .map(|f| Change {
            cell: f.cell.clone(),
            at: output_at(book, placement, &f.cell),
            from: Val::Blank,
            to: Val::Num(f.value),
            rule: "评（扣）分标准".into(),
            note: format!(
                "原值 空 → {}（{}）",
                show(book.kind(&f.cell), &Val::Num(f.value)),
                f.explanation
            ),
            review: false,
        })
        .collect()
}

/// The forms with every derived cell at its settled value and the 空表说明 an empty table
/// lacks written under it; with the forms whose note was added.
fn settle<'a>(mut book: Book<'a>, calc: &Calc) -> (Book<'a>, HashSet<String>) {
    let mut forms = std::mem::take(&mut book.forms);
    for d in calc.derived.values() {
        forms[d.cell.form]
            .1
            .set(&d.cell.row, d.cell.col.as_ref(), settled(calc, &d.cell));
    }
    let mut notes_added = HashSet::new();
    for (form, data) in forms.iter_mut() {
        if let Some(note) = missing_empty_note(form, data) {
            data.remarks.push(note);
            notes_added.insert(form.id.clone());
        }
    }
    (Book::new(forms), notes_added)
}

/// What the audit lines are written against: the fixed forms, where their cells are in the
/// input and in the output, and the names of the sheets written beside them.
struct Ledger<'l, 'a> {
    book: &'l Book<'a>,
    placement: &'l Placement,
    /// Built when a finding first needs it: most files have none that do.
    positions: OnceCell<Positions>,
    input_at: Vec<InputCells>,
    /// Per form, built when first needed: the logical cell read at each input place.
    input_keys: Vec<OnceCell<FastMap<Place, String>>>,
    pages: &'l [IndexMap<String, u32>],
    strays: &'l [Vec<KeptCell>],
    others: &'l [OtherSheet],
    /// Per form: the sheet of its kept values, if it has any.
    stray_names: Vec<Option<String>>,
    /// Per other sheet: the name it is copied under.
    other_names: Vec<String>,
}

impl<'l, 'a> Ledger<'l, 'a> {
    fn new(
        book: &'l Book<'a>,
        placement: &'l Placement,
        input_at: Vec<InputCells>,
        pages: &'l [IndexMap<String, u32>],
        strays: &'l [Vec<KeptCell>],
        others: &'l [OtherSheet],
    ) -> Self {
        // Sheet names: 审核结果, the forms', then the kept values' and the other sheets'.
        let mut used: Vec<String> = vec![AUDIT_SHEET.to_string()];
        used.extend(placement.sheets.iter().cloned());
        let stray_names = strays
            .iter()
            .enumerate()
            .map(|(fi, s)| {
                (!s.is_empty()).then(|| unique_name(&mut used, &placement.sheets[fi], STRAY_SUFFIX))
            })
            .collect();
        let other_names = others
            .iter()
            .map(|o| unique_name(&mut used, &o.name, ""))
            .collect();
        Ledger {
            book,
            placement,
            positions: OnceCell::new(),
            input_keys: input_at.iter().map(|_| OnceCell::new()).collect(),
            input_at,
            pages,
            strays,
            others,
            stray_names,
            other_names,
        }
    }

    fn positions(&self) -> &Positions {
        self.positions
            .get_or_init(|| Positions::new(self.placement))
    }

    /// The logical cell read at `at` on form `fi`'s input sheet; list rows (`#1.name`) are
    /// left out, as they were when the origins also held each row's sheet row (`key#row`).
    /// The first cell read there, when several were.
    fn input_key(&self, fi: usize, at: &Place) -> Option<&String> {
        let keys = self.input_keys[fi].get_or_init(|| {
            let mut keys = FastMap::default();
            for (key, place) in &self.input_at[fi].1 {
                if !key.contains('#') {
                    keys.entry(place.clone()).or_insert_with(|| key.clone());
                }
            }
            keys
        });
        keys.get(at)
    }

    /// The names of the sheets the kept values and the other sheets are copied to, per form
    /// and per other sheet; the rest of the ledger is dropped.
    fn into_names(self) -> (Vec<Option<String>>, Vec<String>) {
        (self.stray_names, self.other_names)
    }

    /// The form a finding is about (a repeatable form by its sheet too).
    fn form_of(&self, f: &Finding) -> Option<usize> {
        self.book
            .forms
            .iter()
            .enumerate()
            .position(|(fi, (form, d))| {
                form.id == f.form
                    && (f.sheet.is_none()
                        || d.sheet == f.sheet
                        || self.on_input_sheet(fi, f)
                        || self.stray_names[fi] == f.sheet)
            })
            .or_else(|| self.book.form_index(&f.form))
    }

    /// Whether a finding is at form `fi`'s input sheet, within its rows when the sheet held
    /// several copies of the form.
    fn on_input_sheet(&self, fi: usize, f: &Finding) -> bool {
        let (sheet, _, copy) = &self.input_at[fi];
        *sheet == f.sheet && copy.is_none_or(|c| c.holds(f.cell.as_deref()))
    }

    /// Where a logical cell was in the input: sheet!A1, after its page for a PDF.
    fn input_place(&self, fi: usize, key: &str) -> Option<String> {
        let (sheet, at, _) = &self.input_at[fi];
        let place = format!("{}!{}", sheet.as_deref().unwrap_or(""), at.get(key)?);
        Some(match self.pages.get(fi).and_then(|p| p.get(key)) {
            Some(page) => format!("第{page}页 {place}"),
            None => place,
        })
    }

    /// An audit line of `f` at `at`.
    fn line(&self, f: &Finding, at: Option<(String, String)>, status: Status) -> AuditLine {
        AuditLine {
            severity: f.severity,
            form: f.form.clone(),
            table_no: table_no(self.book, &f.form),
            at,
            origin: None,
            rule: rule_name(self.book, &f.form, &f.rule),
            message: f.message.clone(),
            status,
        }
    }

    /// Output sheet of the form a finding is about, and its cell (A1 when it names none).
    fn output_place(&self, f: &Finding) -> Option<(String, String)> {
        self.form_of(f).map(|fi| {
            (
                self.placement.sheets[fi].clone(),
                f.cell.clone().unwrap_or_else(|| "A1".into()),
            )
        })
    }
}

/// The audit lines, one kind of finding at a time.
impl Ledger<'_, '_> {
    /// What reading noticed, each at its cell in the output (marked there) or on the sheet
    /// its value was kept or copied to; with the notes of each form's kept values.
    fn reading_lines(
        &self,
        reading: &[Finding],
        marks: &mut Marks,
    ) -> (Vec<AuditLine>, Vec<HashMap<Place, String>>) {
        let mut stray_marks = vec![HashMap::new(); self.strays.len()];
        let lines = reading
            .iter()
            .map(|f| {
                let (at, status) = self.reading_place(f, marks, &mut stray_marks);
                AuditLine {
                    origin: f.place(),
                    ..self.line(f, at, status)
                }
            })
            .collect();
        (lines, stray_marks)
    }

    /// Where a reading finding goes in the output, and its 处理.
    fn reading_place(
        &self,
        f: &Finding,
        marks: &mut Marks,
        stray_marks: &mut [HashMap<Place, String>],
    ) -> (Option<(String, String)>, Status) {
        let open = Status::Open(TO_CONFIRM.into());
        let on_input = (0..self.input_at.len())
            .find(|&fi| self.book.forms[fi].0.id == f.form && self.on_input_sheet(fi, f));
        if let Some(fi) = on_input {
            return self.in_form_place(fi, f, marks, &mut stray_marks[fi]);
        }
        if let Some(fi) = self.form_of(f).filter(|&fi| self.stray_names[fi].is_some()) {
            // A value carried back from a previous fix's 表外内容 sheet.
            if let (Some(name), Some(c)) = (&self.stray_names[fi], &f.cell) {
                if let Some(at) = Place::from_a1(c) {
                    stray_marks[fi].insert(at, f.message.clone());
                }
                return (
                    Some((name.clone(), c.clone())),
                    Status::Open(kept_beside(name)),
                );
            }
            return (None, open);
        }
        let other = f
            .sheet
            .as_ref()
            .and_then(|sheet| self.others.iter().position(|o| &o.name == sheet));
        let Some(oi) = other else {
            return (None, open);
        };
        let name = &self.other_names[oi];
        let cell = f.cell.clone().unwrap_or_else(|| "A1".into());
        // A sheet merely not a form is settled by the copy; a form that could not be judged
        // (values-not-placed, code-unknown) is still for a person.
        let status = if f.severity == Severity::Info {
            Status::Resolved(format!("已原样复制到工作表“{name}”"))
        } else {
            open
        };
        (Some((name.clone(), cell)), status)
    }

    /// [`Ledger::reading_place`] of a finding on form `fi`'s own input sheet: its output
    /// cell, else the sheet its value was kept beside the form on, else the form's sheet.
    fn in_form_place(
        &self,
        fi: usize,
        f: &Finding,
        marks: &mut Marks,
        stray_marks: &mut HashMap<Place, String>,
    ) -> (Option<(String, String)>, Status) {
        let open = Status::Open(TO_CONFIRM.into());
        // The logical cell the finding names, by its input place.
        let at = f.cell.as_deref().and_then(Place::from_a1);
        let key = at.as_ref().and_then(|at| self.input_key(fi, at));
        let sheet = &self.placement.sheets[fi];
        if let Some(out) = key.and_then(|k| self.book.forms[fi].1.origin.get(k)) {
            if let Some(id) = self.positions().at_place(fi, out) {
                add_mark(marks, id, &f.message, Fill::Conflict, f.severity);
            }
            return (Some((sheet.clone(), out.to_string())), open);
        }
        let kept = f.rule == "value-outside-form"
            || (f.rule == TEXT_CUT && self.strays[fi].iter().any(|k| Some(&k.cell) == at.as_ref()));
        if !kept {
            return (Some((sheet.clone(), "A1".into())), open);
        }
        let (Some(name), Some(c)) = (&self.stray_names[fi], &f.cell) else {
            return (None, open);
        };
        if let Some(at) = at {
            stray_marks
                .entry(at)
                .and_modify(|m| {
                    m.push('\n');
                    m.push_str(&f.message);
                })
                .or_insert_with(|| f.message.clone());
        }
        (
            Some((name.clone(), c.clone())),
            Status::Open(kept_beside(name)),
        )
    }

    /// The findings before fixing, and what became of each.
    fn before_lines(
        &self,
        before: &[Finding],
        after: &[Finding],
        changes: &[Change],
        notes_added: &HashSet<String>,
    ) -> Vec<AuditLine> {
        let after_keys: HashSet<_> = after.iter().map(finding_key).collect();
        let changed: HashMap<&CellId, &Change> = changes.iter().map(|c| (&c.cell, c)).collect();
        before
            .iter()
            .map(|f| {
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
                let origin = self
                    .form_of(f)
                    .zip(f.target.as_ref())
                    .and_then(|(fi, t)| self.input_place(fi, &t.key()));
                AuditLine {
                    // A correction a person must confirm is left as an error, whatever the
                    // rule's level.
                    severity: if change.is_some_and(|c| c.review) {
                        Severity::Error
                    } else {
                        f.severity
                    },
                    origin,
                    ..self.line(f, self.output_place(f), status)
                }
            })
            .collect()
    }

    /// The findings that only the fixed values show.
    fn after_lines(&self, before: &[Finding], after: &[Finding]) -> Vec<AuditLine> {
        let before_keys: HashSet<_> = before.iter().map(finding_key).collect();
        after
            .iter()
            .filter(|f| !before_keys.contains(&finding_key(f)))
            .map(|f| {
                let status = Status::Open(TO_CONFIRM_AFTER_FIX.into());
                self.line(f, self.output_place(f), status)
            })
            .collect()
    }

    /// Every change is listed, also one no finding named (a fill, a total a warning-only
    /// rule let stand in the audit).
    fn change_lines(&self, before: &[Finding], changes: &[Change]) -> Vec<AuditLine> {
        let named: HashSet<&CellId> = before.iter().filter_map(|f| f.target.as_ref()).collect();
        changes
            .iter()
            .filter(|c| !named.contains(&c.cell))
            .map(|c| {
                let (form, _) = &self.book.forms[c.cell.form];
                AuditLine {
                    severity: if c.review {
                        Severity::Error
                    } else {
                        Severity::Info
                    },
                    form: form.id.clone(),
                    table_no: form.table_no.clone(),
                    at: Some(c.at.clone()),
                    origin: self.input_place(c.cell.form, &c.cell.key()),
                    rule: c.rule.clone(),
                    message: format!("{}!{} {}", c.at.0, c.at.1, c.note),
                    status: change_status(c),
                }
            })
            .collect()
    }

    /// Highlight every cell of a disagreement that remains.
    fn mark_conflicts(&self, after: &[Finding], marks: &mut Marks) {
        for f in after
            .iter()
            .filter(|f| f.severity != Severity::Info && !f.fixable)
        {
            let Some(fi) = self.form_of(f) else {
                continue;
            };
            let resolve = |r: &str| self.positions().resolve(self.placement, fi, r);
            let mut cells: Vec<CellId> = Vec::new();
            if let Some(t) = &f.target {
                if t.column().is_none() && self.book.forms[fi].0.grid_kind(&t.row).is_none() {
                    cells.extend_from_slice(self.positions().row_cells(fi, &t.row));
                } else {
                    cells.push(t.clone());
                }
            } else if let Some(id) = f.cell.as_deref().and_then(resolve) {
                cells.push(id);
            }
            cells.extend(f.related.iter().filter_map(|r| resolve(r)));
            for c in cells {
                add_mark(marks, c, &f.message, Fill::Conflict, f.severity);
            }
        }
    }
}

/// The notes of the kept 尾差, of a PDF's pages and of the changes (yellow, or red for a
/// change to confirm).
fn mark_notes(
    marks: &mut Marks,
    kept_tails: &[(CellId, String)],
    pages: &[IndexMap<String, u32>],
    changes: &[Change],
) {
    for (c, note) in kept_tails {
        add_note(marks, c.clone(), note, Fill::None);
    }
    for (fi, form_pages) in pages.iter().enumerate() {
        for (key, page) in form_pages {
            add_note(
                marks,
                CellId::of_key(fi, key),
                &source_note(*page),
                Fill::None,
            );
        }
    }
    for c in changes {
        let fill = if c.review {
            Fill::Conflict
        } else {
            Fill::Changed
        };
        add_note(marks, c.cell.clone(), &c.note, fill);
    }
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

fn add_mark(marks: &mut Marks, c: CellId, message: &str, fill: Fill, sev: Severity) {
    let text = format!("{}：{message}", sev.chinese());
    add_note(marks, c, &text, fill);
}

/// Add a note line to a cell's mark; the stronger fill wins (conflict over change).
fn add_note(marks: &mut Marks, c: CellId, text: &str, fill: Fill) {
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

/// The source as 审核结果 names it: the file, and the unit whose set this is when the file
/// holds several units' (`两个单位.xlsx（单位：乙）`, as `check` heads the unit's section).
fn source_named(source: String, unit: Option<&crate::load::Unit>) -> String {
    match unit {
        Some(u) => format!("{source}（单位：{}）", u.name),
        None => source,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Catalog;
    use std::path::Path;

    /// fix takes its one-computation path only when fixing would change nothing: not on the
    /// sample (公开01表 C33 keyed 562.36 for 526.36), not on the workbook fix makes of it (its
    /// 尾差 are kept with a note, its blank totals of empty tables become 0), and on that
    /// workbook with every derived cell at its rule's value, which fix then leaves alone.
    #[test]
    fn only_a_workbook_fix_would_not_change_is_already_settled() {
        let catalog = Catalog::embedded().unwrap();
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sample/2023决算-株洲.xlsx");
        let settled = |content: &Content| {
            let book = Book::new(content.forms.clone());
            let checked = compute(&book, Mode::Check, false);
            already_settled(&book, &checked, &crate::score::check::score_fills(&book))
        };
        let content = crate::load::load(&catalog, &sample).unwrap();
        assert!(!settled(&content), "a wrong total is not settled");
        let mut fixed = fix(content).unwrap();
        assert!(!fixed.changes.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("已校正.xlsx");
        crate::write::save_atomic(&mut fixed.workbook, &out).unwrap();
        let mut content = crate::load::load(&catalog, &out).unwrap();
        assert!(
            !settled(&content),
            "尾差 kept and blank totals are not settled"
        );

        // Totals of totals: each pass puts the level below at its rule's value.
        for _ in 0..5 {
            let book = Book::new(content.forms.clone());
            let checked = compute(&book, Mode::Check, false);
            for d in checked.derived.values() {
                content.forms[d.cell.form].1.set(
                    &d.cell.row,
                    d.cell.col.as_ref(),
                    d.expected.clone(),
                );
            }
        }
        assert!(settled(&content), "every derived cell at its rule's value");
        let again = fix(content).unwrap();
        assert!(again.changes.is_empty(), "{:?}", again.changes);
    }

    /// On settled forms the check and the fix come to the same values and agreements: what
    /// lets `fix` audit the settled forms and write their values with one computation.
    #[test]
    fn on_settled_forms_check_and_fix_agree() {
        let catalog = Catalog::embedded().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for file in [
            "sample/2023决算-株洲.xlsx",
            "real/2024决算-上海普陀区财政局.xlsx",
        ] {
            let content = crate::load::load(&catalog, &fixtures.join(file)).unwrap();
            let mut book = Book::new(content.forms);
            crate::score::check::fill_empty_scores(&mut book);
            let fixed = compute(&book, Mode::Fix, false);
            let (settled_book, _) = settle(book, &fixed);
            let checked = compute(&settled_book, Mode::Check, false);
            let refixed = compute(&settled_book, Mode::Fix, false);
            assert_eq!(checked.derived.len(), fixed.derived.len(), "{file}");
            assert_eq!(refixed.derived.len(), fixed.derived.len(), "{file}");
            for (c, d) in &refixed.derived {
                let e = &checked.derived[c];
                assert_eq!(
                    (&d.expected, &d.filled, &d.agreement),
                    (&e.expected, &e.filled, &e.agreement),
                    "{file} {c:?}"
                );
                assert_eq!(refixed.resolved(c), checked.resolved(c), "{file} {c:?}");
                assert_eq!(
                    refixed.resolved(c),
                    fixed.resolved(c),
                    "{file} {c:?}: settling again changes nothing"
                );
            }
        }
    }
}
