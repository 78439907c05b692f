//! Loading: the one stage that turns a file into recognised content — its forms with their
//! values, the values outside them, the other sheets, what reading noticed — setting aside
//! the sheets fiscalform wrote itself. check, fix, export, explain and `rules` consume it.

mod column_names;
mod gathered;
mod hidden;
mod kept;
mod left_open;
mod old_copies;
pub mod own;
mod units;
mod unread_tables;

pub use crate::sheet_names::OpenError;
pub use column_names::FormColumnNames;
pub use kept::{KeptCell, OtherSheet, PlacedMerges};
pub use left_open::{drop_retold, LEFT_OPEN};

use crate::calc::{compute, Book, Mode};
use crate::cellref::{col_name, Place};
use crate::expr::Val;
use crate::findings::{Finding, COLUMN_ABSENT, ROW_ABSENT, VALUES_NOT_PLACED};
use crate::form::{Catalog, FixedRow, Form, Severity};
use crate::model::{AbsentColumn, FormData};
use crate::normalize::Amount;
use crate::read::{CellNote, CellNoteKind, Workbook};
use crate::recognize::{
    figures_outside, name_unit_and_year_from_opening, numbers_placed, recognize_workbook,
    unplaced_numbers, Outcome,
};
use indexmap::IndexMap;
use std::path::Path;

/// The recognised forms of a workbook (of one unit's set of them) with their values, and
/// what reading them noticed.
pub struct Recognized<'c> {
    pub forms: Vec<(&'c Form, FormData)>,
    pub findings: Vec<Finding>,
    /// The unit whose set these are, when the workbook holds several units' sets.
    pub unit: Option<Unit>,
}

/// One unit of a workbook holding several units' sets of forms.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Unit {
    /// How the unit is named to people: its name in its tables' heads, else the prefix of its
    /// sheets' names, else 第N套.
    pub name: String,
    /// The sheets its set was read from.
    pub sheets: Vec<String>,
}

/// Read and recognise a workbook; skipped sheets and reading notices become findings. Of a
/// workbook holding several units' sets, the first unit's ([`read`] gives each unit's).
pub fn recognize_file<'c>(catalog: &'c Catalog, path: &Path) -> Result<Recognized<'c>, OpenError> {
    read(catalog, path).map(|(_, mut units)| units.remove(0))
}

/// Reads a workbook (its sheets, and a document's free text) and recognises each unit's set
/// of forms in it: one for most files, several for a workbook holding several units' tables.
pub fn read<'c>(
    catalog: &'c Catalog,
    path: &Path,
) -> Result<(Workbook, Vec<Recognized<'c>>), OpenError> {
    let (wb, renamed) = crate::sheet_names::read(path, &FormColumnNames::new(catalog))?;
    let mut units = recognize_units(catalog, &wb);
    units[0]
        .findings
        .extend(crate::sheet_names::findings(&wb, &renamed));
    Ok((wb, units))
}

/// Recognise the forms of a workbook already read (fix also needs the sheets themselves):
/// of a workbook holding several units' sets, the first unit's ([`recognize_units`] gives each).
pub fn recognize_book<'c>(catalog: &'c Catalog, wb: &Workbook) -> Recognized<'c> {
    recognize_units(catalog, wb).remove(0)
}

/// Recognise the forms of a workbook already read, one [`Recognized`] per unit (never none):
/// a workbook holding several sets of the forms (甲-公开01表 … 乙-公开01表 …, one sheet per
/// unit) gives each set as a book of its own, audited within itself only. What concerns the
/// workbook as a whole goes with the unit on whose sheet it is, else with the first.
pub fn recognize_units<'c>(catalog: &'c Catalog, wb: &Workbook) -> Vec<Recognized<'c>> {
    units_of(catalog, wb, recognize_workbook(catalog, wb))
}

/// [`recognize_units`] from the workbook's sheets as recognised already (`explain` shows
/// them one by one too).
pub fn units_of<'c>(
    catalog: &'c Catalog,
    wb: &Workbook,
    outcomes: Vec<Outcome<'c>>,
) -> Vec<Recognized<'c>> {
    let own = |name: &str| own::is_own_sheet(wb, name);
    let outcomes: Vec<Outcome> = outcomes
        .into_iter()
        .filter(|o| match o {
            Outcome::Form(rec) => !rec.data.sheet.as_deref().is_some_and(own),
            Outcome::Skipped { sheet, .. } => !own(sheet),
        })
        .collect();
    if !holds_several_sets(wb, &outcomes) {
        return vec![recognize_set(catalog, wb, outcomes, &|_| true)];
    }
    let whole = |o: &Outcome| match o {
        Outcome::Form(rec) if !rec.form.repeatable && is_whole_copy(wb, rec) => {
            Some(rec.form.id.clone())
        }
        _ => None,
    };
    let sets = match units::split(outcomes, whole) {
        Ok(sets) => sets,
        Err(outcomes) => return vec![recognize_set(catalog, wb, outcomes, &|_| true)],
    };
    let sheets: Vec<Vec<String>> = sets.iter().map(|s| s.sheets(false)).collect();
    let form_sheets: Vec<Vec<String>> = sets.iter().map(|s| s.sheets(true)).collect();
    let owner = |sheet: Option<&str>| {
        (sheets.iter())
            .position(|names| sheet.is_some_and(|s| names.iter().any(|n| n == s)))
            .unwrap_or(0)
    };
    let mut books: Vec<Recognized> = (sets.into_iter().enumerate())
        .map(|(i, set)| recognize_set(catalog, wb, set.outcomes, &|s| owner(s) == i))
        .collect();
    let heads: Vec<Option<String>> = books.iter().map(|b| named_unit(&b.forms)).collect();
    let names = units::names(&heads, &form_sheets);
    for ((book, name), sheets) in books.iter_mut().zip(names).zip(sheets) {
        book.unit = Some(Unit { name, sheets });
    }
    books
}

/// The unit most of a set's tables name in their heads.
fn named_unit(forms: &[(&Form, FormData)]) -> Option<String> {
    let mut count: IndexMap<&str, usize> = IndexMap::new();
    for name in forms.iter().filter_map(|(_, d)| d.unit.as_deref()) {
        *count.entry(name).or_default() += 1;
    }
    let most = count.values().max()?;
    count
        .iter()
        .find(|(_, n)| *n == most)
        .map(|(u, _)| u.to_string())
}

/// Recognise one set of forms from its outcomes; of the findings about the workbook as a
/// whole, those `mine` says are on this set's sheets (a sheet name, or none).
fn recognize_set<'c>(
    catalog: &'c Catalog,
    wb: &Workbook,
    outcomes: Vec<Outcome<'c>>,
    mine: &dyn Fn(Option<&str>) -> bool,
) -> Recognized<'c> {
    let mut forms = Vec::new();
    let mut findings = Vec::new();
    let mut compared = gathered::Compared::new();
    let set_aside = copies_set_aside(wb, &outcomes);
    for (outcome, audited_instead) in outcomes.into_iter().zip(set_aside) {
        if let (Outcome::Form(rec), Some(a)) = (&outcome, &audited_instead) {
            if let Some(mark) = a.old {
                findings.push(old_copies::old_copy_note(rec, mark, a.audited.as_deref()));
                continue;
            }
        }
        match outcome {
            // A sheet whose numbers find no cells is reported as such — a copy set aside too,
            // when the copy audited holds no figure (the figures are likely on this one).
            Outcome::Form(rec)
                if unplaced_numbers(&rec).is_some()
                    && audited_instead.as_ref().is_none_or(|a| !a.audited_filled) =>
            {
                findings.push(values_not_placed(&rec));
            }
            Outcome::Form(rec) if audited_instead.is_some() => {
                let hidden = is_hidden(wb, rec.data.sheet.as_deref());
                let audited = audited_instead.and_then(|a| a.audited);
                findings.push(another_copy(&rec, hidden, audited.as_deref()));
                // The figures it holds outside the form are reported still (a transposed
                // table's behind a 说明 page naming it); its words are not.
                let figures: Vec<_> = figures_outside(&rec).map(|s| &s.cell).collect();
                let outside = rec
                    .notices
                    .iter()
                    .filter(|n| n.rule == "value-outside-form" && figures.contains(&&n.cell));
                findings.extend(outside.map(|n| notice_finding(&rec, n)));
            }
            Outcome::Form(rec) => take_form(*rec, &mut forms, &mut findings, &mut compared),
            Outcome::Skipped { sheet, .. } if figures_unread(wb, &sheet).is_some() => {
                findings.extend(figures_unread(wb, &sheet));
            }
            Outcome::Skipped { sheet, reason } => findings.push(Finding::new(
                Severity::Info,
                "sheet-skipped",
                "",
                Some(sheet.clone()),
                None,
                format!("工作表“{sheet}”：{reason}"),
            )),
        }
    }
    set_aside_uncoded(&mut forms, &catalog.vocabulary, &mut findings);
    name_unit_and_year_from_opening(&catalog.vocabulary, &wb.text, &mut forms);
    let ours = |f: &Finding| mine(f.sheet.as_deref());
    findings.extend(kept_values(wb, &forms).into_iter().filter(ours));
    findings.extend(hidden::hidden_findings(wb, &forms));
    gathered::gather_compared(wb, &compared, &forms, &mut findings);
    hidden::gather_hidden_strays(wb, &forms, &mut findings);
    findings.extend(cell_note_findings(wb, &forms).into_iter().filter(ours));
    findings.extend(left_open::left_open_findings(wb).into_iter().filter(ours));
    // A file with no form in it is not a clean one: nothing was audited.
    let fatal = |f: &Finding| f.severity == Severity::Error && f.rule != TABLE_NOT_READ;
    if forms.is_empty() && !findings.iter().any(fatal) {
        findings.push(Finding::new(
            Severity::Error,
            NO_FORM,
            "",
            None,
            None,
            format!(
                "文件{}没有识别出任何标准表格（部门预算公开表、部门决算公开表或绩效自评表），未进行任何审核；\
                 请确认文件是否选对，或用 fiscalform explain 查看各工作表的读取情况",
                match wb.sheets.len() {
                    0 => String::new(),
                    n => format!("的 {n} 张工作表中"),
                }
            ),
        ));
    }
    Recognized {
        forms,
        findings,
        unit: None,
    }
}

/// The finding on a skipped sheet of a document that holds figures (see [`unread_tables`]).
fn figures_unread(wb: &Workbook, sheet: &str) -> Option<Finding> {
    unread_tables::unread_table(wb, wb.sheet(sheet)?)
}

pub use unread_tables::TABLE_NOT_READ;

/// The rule of the note on numbers stored with more decimals than their cells show.
pub const SHOWN_ROUNDED: &str = "shown-rounded";
/// The rule of the warning on formulas stored without their computed results.
pub const FORMULA_WITHOUT_VALUE: &str = "formula-without-value";
/// The rule of the note on formulas stored without their results that reading computed.
pub const FORMULA_COMPUTED: &str = "formula-computed";

/// The rule of the warning on a PDF table's row that may be the rest of the row above it,
/// cut by a page break.
pub const MAYBE_CUT_ROW: &str = "row-cut-by-page";
/// The rule of the warning on a PDF table that seems to hold further columns of the table
/// before it but whose rows pair with none of its rows.
pub const UNPAIRED_COLUMNS: &str = "columns-on-later-page";

/// A kind of cell note, and the row of a note given for each row.
type NoteGroup = (u8, u32);

/// One finding per sheet and kind of what reading did to its stored cells: the count and
/// the first of them; one for each row a page break may have cut.
fn cell_note_findings(wb: &Workbook, forms: &[(&Form, FormData)]) -> Vec<Finding> {
    let group = |n: &CellNote| match n.kind {
        CellNoteKind::RoundedToShown { .. } => (0, 0),
        CellNoteKind::FormulaWithoutValue { .. } => (1, 0),
        CellNoteKind::FormulaComputed { .. } => (3, 0),
        CellNoteKind::MaybeCutRow { .. } => (2, n.row),
        CellNoteKind::UnpairedColumns { .. } => (4, n.row),
    };
    let mut by_sheet: IndexMap<(&str, NoteGroup), (usize, &CellNote)> = IndexMap::new();
    for note in &wb.cell_notes {
        by_sheet
            .entry((&note.sheet, group(note)))
            .or_insert((0, note))
            .0 += 1;
    }
    by_sheet
        .into_values()
        .map(|(count, first)| {
            let sheet = first.sheet.as_str();
            let cell = crate::cellref::a1(first.row, first.col);
            let form = forms
                .iter()
                .find(|(_, d)| d.sheet.as_deref() == Some(sheet))
                .map_or("", |(f, _)| f.id.as_str());
            let cells = if count > 1 { format!("{cell} 等 {count} 个单元格") } else { cell.clone() };
            let (severity, rule, message) = match &first.kind {
                CellNoteKind::RoundedToShown { stored, shown } => (
                    Severity::Info,
                    SHOWN_ROUNDED,
                    format!(
                        "工作表“{sheet}”的 {cells} 存储的数值小数位多于单元格显示的位数\
                         （{cell} 存为 {stored}，显示为 {shown}）；已按显示的数值审核。建议用 ROUND \
                         函数取整，使存储的数值与公开的数值一致"
                    ),
                ),
                CellNoteKind::MaybeCutRow { page } => (
                    Severity::Warning,
                    MAYBE_CUT_ROW,
                    format!(
                        "工作表“{sheet}”第{page}页表格的第一行（{cell} 所在行）可能是上一页最后一行\
                         跨页断开后的续行（表格允许跨页断行时，一行的文字或数字会分在两页），\
                         无法确定，已按两行读取：上一页最后一行的文字或数值可能不完整，请对照原表核对"
                    ),
                ),
                CellNoteKind::FormulaWithoutValue { formula, why } => (
                    Severity::Warning,
                    FORMULA_WITHOUT_VALUE,
                    format!(
                        "工作表“{sheet}”的 {cells} 含公式，但文件没有保存公式的计算结果（常见于程序\
                         生成的文件），且 fiscalform 无法计算（{cell} 的公式 ={formula} {why}），\
                         按空白读取，相关核对可能报“未填写”；请用 Excel 或 WPS 打开并保存后再检查"
                    ),
                ),
                CellNoteKind::UnpairedColumns { pages, of } => (
                    Severity::Warning,
                    UNPAIRED_COLUMNS,
                    format!(
                        "第{}页的表格（工作表“{sheet}”）像是第{}页表格右侧的续列（表格宽于纸面、\
                         未按页宽缩放打印时，右侧各栏印在后面的页上），但两者的行对不上（行数或行的\
                         位置不同），无法确定各数值属于哪一行，未并入该表：请对照原表核对，\
                         或按页宽缩放打印后重新生成 PDF",
                        page_list(pages),
                        page_list(of)
                    ),
                ),
                CellNoteKind::FormulaComputed { formula } => (
                    Severity::Info,
                    FORMULA_COMPUTED,
                    format!(
                        "工作表“{sheet}”的 {cells} 含公式，但文件没有保存公式的计算结果（常见于程序\
                         生成的文件）；fiscalform 已按公式算出其显示的数值（如 {cell} 的 ={formula}）\
                         并据此审核。用 Excel 或 WPS 打开并保存，可使文件存有计算结果"
                    ),
                ),
            };
            Finding::new(severity, rule, form, Some(sheet.to_string()), Some(cell), message)
        })
        .collect()
}

/// Pages as a reader writes them: `4`, `4、5`.
fn page_list(pages: &[u32]) -> String {
    let shown: Vec<String> = pages.iter().map(u32::to_string).collect();
    shown.join("、")
}

/// The rule of the error on a file in which no form was recognised.
pub const NO_FORM: &str = "no-form";

/// Takes a recognised form into `forms`, its reading notices into `findings` and the cells of
/// the columns its unit added to compare into `compared`.
fn take_form<'c>(
    mut rec: crate::recognize::Recognized<'c>,
    forms: &mut Vec<(&'c Form, FormData)>,
    findings: &mut Vec<Finding>,
    compared: &mut gathered::Compared,
) {
    findings.extend(rec.notices.iter().map(|n| notice_finding(&rec, n)));
    if let Some(sheet) = &rec.data.sheet {
        let cells = std::mem::take(&mut rec.comparison_cells);
        compared.push((rec.form.id.clone(), sheet.clone(), cells));
    }
    let mut absent = crate::recognize::absent_columns(rec.form, &rec.data);
    for a in &mut absent {
        a.unread = !unread_beside(&rec.data, a).is_empty();
    }
    rec.data.absent_columns = absent;
    let rows = crate::recognize::absent_rows(rec.form, &rec.data);
    findings.extend(rows.iter().map(|row| row_absent(rec.form, &rec.data, row)));
    rec.data.absent_rows = rows.iter().map(|row| row.id.clone()).collect();
    // Panels stacked under one header lack a column together: said once.
    let mut said: Vec<&str> = Vec::new();
    for a in &rec.data.absent_columns {
        if !said.contains(&a.label.as_str()) {
            said.push(&a.label);
            findings.push(column_absent(rec.form, &rec.data, a));
        }
    }
    forms.push((rec.form, rec.data));
}

/// The note that table `data` was printed without subtotal row `row` of its form: the rules
/// take it as its parts add up, not as a cell left blank.
fn row_absent(form: &Form, data: &FormData, row: &FixedRow) -> Finding {
    let label = row.label.as_deref().unwrap_or(&row.id);
    Finding::new(
        Severity::Info,
        ROW_ABSENT,
        &form.id,
        data.sheet.clone(),
        None,
        format!(
            "{} 未列“{label}”行：该行为其下各行之和，按表中各行计算后参与核对，不作未填写处理",
            form.table_no
        ),
    )
}

/// The warning that table `data` was printed without column `a` of its form.
fn column_absent(form: &Form, data: &FormData, a: &AbsentColumn) -> Finding {
    let no =
        a.no.as_ref()
            .map(|n| format!("（第{n}栏）"))
            .unwrap_or_default();
    let unread = unread_beside(data, a);
    let (at, what) = match unread.first() {
        // The column may be there under a header not known for it: its figures are strays.
        Some(first) => {
            let mut cols: Vec<String> = unread.iter().map(|p| col_name(p.col)).collect();
            cols.dedup();
            (
                Some(first.to_string()),
                format!(
                    "{} 未读到“{}”列{no}：表头中没有可认作该列的栏目，而 {} 列有 {} 个数值未能对应，\
                     可能即是该列；请把该列表头改为“{}”后再审核",
                    form.table_no,
                    a.label,
                    cols.join("、"),
                    unread.len(),
                    a.label
                ),
            )
        }
        None => (
            a.near.as_ref().map(ToString::to_string),
            format!(
                "{} 缺少“{}”列{no}：标准表式有此列，表中未找到。请按标准表式补齐该列",
                form.table_no, a.label
            ),
        ),
    };
    Finding::new(
        Severity::Warning,
        COLUMN_ABSENT,
        &form.id,
        data.sheet.clone(),
        at,
        format!(
            "{what}。该列按空白读取；合计与各项不符时，如差额可能在此列，不作错误报告而列为未能核对"
        ),
    )
}

/// The numbers left outside the form in the sheet rows the panel of `a` was read from.
fn unread_beside<'d>(data: &'d FormData, a: &AbsentColumn) -> Vec<&'d Place> {
    let rows: std::collections::HashSet<u32> = (data.rows.iter())
        .filter(|r| r.panel == a.panel)
        .filter_map(|r| data.origin.get(&*r.key))
        .filter(|p| p.sheet.is_none())
        .map(|p| p.row)
        .collect();
    let number = |t: &str| {
        let cell = crate::read::Cell::Text(t.to_string());
        matches!(crate::normalize::parse_amount(&cell), Amount::Value(_))
    };
    let mut unread: Vec<&Place> = (data.strays.iter())
        .filter(|s| s.cell.sheet.is_none() && rows.contains(&s.cell.row) && number(&s.text))
        .map(|s| &s.cell)
        .collect();
    unread.sort_by_key(|p| (p.col, p.row));
    unread
}

/// Whether the sheet named `name` is hidden in `wb`.
fn is_hidden(wb: &Workbook, name: Option<&str>) -> bool {
    wb.sheets
        .iter()
        .any(|s| s.hidden && Some(s.name.as_str()) == name)
}

/// A reading notice of `rec` as a finding at its cell.
fn notice_finding(rec: &crate::recognize::Recognized, n: &crate::recognize::Notice) -> Finding {
    Finding::new(
        n.severity,
        n.rule,
        &rec.form.id,
        rec.data.sheet.clone(),
        Some(n.cell.to_string()),
        n.message.clone(),
    )
}

/// Which sheet is audited when a form that is not repeatable was taken on several: a copy
/// whose numbers all found their cells (one whose numbers did not is reported as such in any
/// case), then one with its table filled in (a 说明 or 目录 sheet whose only line is the
/// form's title is taken for it too), then a shown sheet before a hidden one (an old copy
/// kept out of sight), then, among copies with nothing filled in, the one with more of its
/// table read (an empty 公开07表 rather than a list of the tables), then the first. For each
/// outcome: the copy audited instead when it is a copy set aside, else None. A repeatable
/// form's copies are all audited but a hidden old copy of a shown one. (A workbook
/// holding several units' sets comes here one set at a time.)
fn copies_set_aside(wb: &Workbook, outcomes: &[Outcome]) -> Vec<Option<SetAside>> {
    let rank = |rec: &crate::recognize::Recognized| {
        let placeable = unplaced_numbers(rec).is_none();
        let filled = numbers_placed(rec) > 0;
        let read = if filled {
            0
        } else {
            rec.data.origin.len() + rec.data.row_at.len()
        };
        let shown = !is_hidden(wb, rec.data.sheet.as_deref());
        (placeable, filled, shown, read)
    };
    let mut best: IndexMap<&str, (usize, _)> = IndexMap::new();
    for (i, outcome) in outcomes.iter().enumerate() {
        let Outcome::Form(rec) = outcome else {
            continue;
        };
        if rec.form.repeatable {
            continue;
        }
        let r = rank(rec);
        let entry = best.entry(rec.form.id.as_str()).or_insert((i, r));
        if r > entry.1 {
            *entry = (i, r);
        }
    }
    outcomes
        .iter()
        .enumerate()
        .map(|(i, outcome)| match outcome {
            Outcome::Form(rec) if rec.form.repeatable => {
                let (kept, mark) = old_copies::old_copy_of(wb, outcomes, i)?;
                let Outcome::Form(k) = &outcomes[kept] else {
                    return None;
                };
                Some(SetAside {
                    audited: k.data.sheet.clone(),
                    audited_filled: numbers_placed(k) > 0,
                    old: Some(mark),
                })
            }
            Outcome::Form(rec) => best
                .get(rec.form.id.as_str())
                .filter(|(kept, _)| *kept != i)
                .map(|&(kept, (_, filled, ..))| {
                    let kept = match &outcomes[kept] {
                        Outcome::Form(k) => Some(k),
                        Outcome::Skipped { .. } => None,
                    };
                    SetAside {
                        audited: kept.and_then(|k| k.data.sheet.clone()),
                        audited_filled: filled,
                        old: kept.and_then(|k| old_copies::old_single_copy(wb, rec, k)),
                    }
                }),
            Outcome::Skipped { .. } => None,
        })
        .collect()
}

/// A copy that is a table of the form in full: shown, its rows read and its numbers placed.
fn is_whole_copy(wb: &Workbook, rec: &crate::recognize::Recognized) -> bool {
    let shown = !is_hidden(wb, rec.data.sheet.as_deref());
    shown && !rec.data.row_at.is_empty() && unplaced_numbers(rec).is_none()
}

/// Whether two forms or more each come whole on several sheets: the workbook holds several
/// sets of the forms (several units'), not one form's stray copy.
fn holds_several_sets(wb: &Workbook, outcomes: &[Outcome]) -> bool {
    let mut copies: IndexMap<&str, usize> = IndexMap::new();
    for outcome in outcomes {
        if let Outcome::Form(rec) = outcome {
            if !rec.form.repeatable && is_whole_copy(wb, rec) {
                *copies.entry(rec.form.id.as_str()).or_default() += 1;
            }
        }
    }
    copies.values().filter(|&&n| n >= 2).count() >= 2
}

/// A copy of a form set aside for another one, the one audited.
struct SetAside {
    /// The audited copy's sheet.
    audited: Option<String>,
    /// Whether the audited copy has figures in its cells.
    audited_filled: bool,
    /// Set when the copy is a hidden old copy of a shown one.
    old: Option<old_copies::OldMark>,
}

/// The warning for a sheet (`hidden` or not) taken for a form that another sheet, `audited`,
/// gives as well.
fn another_copy(
    rec: &crate::recognize::Recognized,
    hidden: bool,
    audited: Option<&str>,
) -> Finding {
    let sheet = rec.data.sheet.clone().unwrap_or_default();
    let shown = if hidden { "（隐藏）" } else { "" };
    let instead = audited.map_or(String::new(), |a| format!("审核的是工作表“{a}”，"));
    let no = &rec.form.table_no;
    let message = format!(
        "工作表“{sheet}”{shown}也像一张{no}；{instead}这一张已跳过，请核对它是否为多余的副本"
    );
    Finding::new(
        Severity::Warning,
        "duplicate-form",
        &rec.form.id,
        rec.data.sheet.clone(),
        None,
        message,
    )
}

/// Values a previous fix kept beside a form are still values outside it: one warning each.
fn kept_values(wb: &Workbook, forms: &[(&Form, FormData)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sheet in &wb.sheets {
        let Some(base) = own::kept_values_of(wb, sheet) else {
            continue;
        };
        let form = forms
            .iter()
            .find(|(_, d): &&(&Form, FormData)| d.sheet.as_deref() == Some(base))
            .map(|(f, _)| *f);
        for (r, c, cell) in sheet.cells() {
            let at = crate::normalize::a1(r, c);
            findings.push(Finding::new(
                Severity::Warning,
                "value-outside-form",
                form.map_or("", |f| f.id.as_str()),
                Some(sheet.name.clone()),
                Some(at.clone()),
                format!(
                    "{}!{at} 处有内容“{cell}”：原在{} {at}，表中没有对应的单元格，校正时保留在此；请核对是否填错位置",
                    sheet.name,
                    form.map_or(base, |f| f.table_no.as_str())
                ),
            ));
        }
    }
    findings
}

/// Gives 科目 rows printed without codes the codes of their names in the other tables; a row
/// whose code cannot be found stays in its table by its name, its values read and exported,
/// and takes one code-unknown error per table: the sums it may belong to and the comparisons
/// with the same 科目 in other tables are not judged (they would miss it or find nothing).
fn set_aside_uncoded(
    forms: &mut [(&Form, FormData)],
    vocab: &crate::form::Vocabulary,
    findings: &mut Vec<Finding>,
) {
    crate::recognize::resolve_uncoded(forms, vocab);
    for (form, data) in forms.iter().filter(|(_, d)| !d.uncoded.is_empty()) {
        let names: Vec<String> = data
            .uncoded
            .iter()
            .map(|u| {
                format!(
                    "“{}”（{}）",
                    u.name,
                    u.at.as_ref().map_or(String::new(), Place::to_string)
                )
            })
            .collect();
        let sums: Vec<String> = data
            .uncoded
            .iter()
            .flat_map(|u| u.may_be_under.iter())
            .map(|key| sum_named(data, key))
            .fold(Vec::new(), |mut seen, s| {
                if !seen.contains(&s) {
                    seen.push(s);
                }
                seen
            });
        findings.push(Finding::new(
            Severity::Error,
            "code-unknown",
            &form.id,
            data.sheet.clone(),
            data.uncoded.first().and_then(|u| u.at.as_ref().map(Place::to_string)),
            format!(
                "{}：科目{}没有科目代码，工作簿其他表中也没有同名科目，无法确定代码；该行按名称保留，\
                 其数值照常读取、导出，本行各栏的核对照常进行；它可能所属的{}等于其下级科目之和的核对，\
                 以及该行与其他表同一科目的核对未进行，请补上科目代码",
                form.table_no,
                names.join("、"),
                sums.join("、")
            ),
        ));
    }
}

/// How the code-unknown finding names a sum a row without code may belong to: "合计", or
/// "221 住房保障支出".
fn sum_named(data: &FormData, key: &str) -> String {
    match data.row(key) {
        Some(row) if row.code.is_some() => format!(
            "{} {}",
            row.code.as_deref().unwrap_or_default(),
            row.label.as_deref().unwrap_or_default()
        )
        .trim_end()
        .to_string(),
        _ => "合计".to_string(),
    }
}

/// The one finding for a sheet taken for a form whose numbers could not be placed: which
/// cells, that none of its rules ran, and what to do. Its sheet is kept as it is.
fn values_not_placed(rec: &crate::recognize::Recognized) -> Finding {
    let cells = unplaced_numbers(rec).unwrap_or_default();
    let shown: Vec<&str> = cells.iter().take(8).map(String::as_str).collect();
    let more = if cells.len() > shown.len() {
        format!(" 等 {} 处", cells.len())
    } else {
        String::new()
    };
    let no = &rec.form.table_no;
    // What reading found about why (rows whose labels name no group of the header).
    let why: String = rec
        .notices
        .iter()
        .find(|n| n.rule == crate::recognize::UNLABELLED_GROUP_ROW)
        .map(|n| format!("{}；", n.message))
        .unwrap_or_default();
    Finding::new(
        Severity::Error,
        VALUES_NOT_PLACED,
        &rec.form.id,
        rec.data.sheet.clone(),
        cells.first().cloned(),
        format!(
            "无法识别{no}的数值位置：{}{more}的数值对应不到表中的单元格，{no}的审核（含表间核对）\
             未进行；{why}请按标准格式整理该表（标题、表头、行名），或用 fiscalform explain 查看读取情况",
            shown.join("、")
        ),
    )
}

/// Sets the PDF page of every finding at a cell of a sheet rebuilt from a PDF.
pub fn locate_pages(wb: &Workbook, findings: &mut [Finding]) {
    for f in findings {
        let row = f.cell.as_deref().and_then(crate::normalize::parse_a1);
        if let (Some(sheet), Some((r, c))) = (&f.sheet, row) {
            f.page = wb.page_at(sheet, r, c);
        }
    }
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
    /// The unit whose set this is, when the workbook holds several units' sets.
    pub unit: Option<Unit>,
}

/// Read and recognise a workbook, keeping what no form holds: of a workbook holding several
/// units' sets, the first unit's ([`load_units`] gives each).
pub fn load<'c>(catalog: &'c Catalog, path: &Path) -> Result<Content<'c>, OpenError> {
    load_units(catalog, path).map(|mut units| units.remove(0))
}

/// Read and recognise a workbook, keeping what no form holds: one [`Content`] per unit whose
/// set of forms it holds (one for most files, never none). A unit's other sheets are those
/// of no unit's set; another unit's sheets are that unit's.
pub fn load_units<'c>(catalog: &'c Catalog, path: &Path) -> Result<Vec<Content<'c>>, OpenError> {
    let (wb, units) = read(catalog, path)?;
    let of_units: Vec<String> = (units.iter())
        .flat_map(|u| u.unit.iter().flat_map(|u| u.sheets.iter().cloned()))
        .collect();
    let contents = units.into_iter().map(|rec| {
        let mut reading = rec.findings;
        reading.extend(text_findings(catalog, &wb, &rec.forms));
        let (strays, mut others) = kept::outside_forms(&wb, &rec.forms, &mut reading);
        others.retain(|o| {
            !of_units.contains(&o.name)
                || rec
                    .unit
                    .as_ref()
                    .is_some_and(|u| u.sheets.contains(&o.name))
        });
        locate_pages(&wb, &mut reading);
        let pages = rec.forms.iter().map(|(_, d)| cell_pages(&wb, d)).collect();
        Content {
            source: path.display().to_string(),
            forms: rec.forms,
            strays,
            others,
            reading,
            pages,
            catalog,
            unit: rec.unit,
        }
    });
    Ok(contents.collect())
}

/// The statements of the document's texts (情况说明, 自评报告) checked against its tables as
/// read: fix changes no text, so these stand in 审核结果 as they are.
fn text_findings(catalog: &Catalog, wb: &Workbook, forms: &[(&Form, FormData)]) -> Vec<Finding> {
    let texts = |d: &FormData| d.grid.values().any(|v| matches!(v, Val::Text(_)));
    if wb.text.is_empty() && !forms.iter().any(|(_, d)| texts(d)) {
        return Vec::new();
    }
    let book = Book::new(forms.to_vec());
    let calc = compute(&book, Mode::Check, false);
    crate::statements::check(&catalog.statements, wb, &book, &calc).0
}

/// The PDF page of each logical cell of a form (nothing for a spreadsheet).
fn cell_pages(wb: &Workbook, data: &FormData) -> IndexMap<String, u32> {
    let Some(sheet) = data.sheet.as_deref() else {
        return IndexMap::new();
    };
    data.origin
        .iter()
        .filter_map(|(key, at)| {
            let (r, c) = at.local()?;
            Some((key.clone(), wb.page_at(sheet, r, c)?))
        })
        .collect()
}
