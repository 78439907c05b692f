//! Warnings of values outside a form that one warning a table says better: those standing in
//! hidden lines, or in the columns a unit added to compare (上年决算数, 增减%).

use crate::findings::{Finding, VALUE_OUTSIDE_FORM};
use crate::form::{Form, Severity};
use crate::model::{FastSet, FormData};
use crate::read::Workbook;

/// The cells of one table's gathered warnings, in the order they were told.
pub(super) struct Gathered {
    pub form_id: String,
    pub sheet: String,
    pub cells: Vec<(u32, u16)>,
}

/// Takes out of `findings` the warnings of a value outside the form that `picks` (given the
/// form id, the sheet and the cell), and returns their cells gathered by table.
pub(super) fn gather_outside(
    findings: &mut Vec<Finding>,
    picks: impl Fn(&str, &str, (u32, u16)) -> bool,
) -> Vec<Gathered> {
    let picked = |f: &Finding| -> Option<(String, String, (u32, u16))> {
        if f.rule != VALUE_OUTSIDE_FORM || f.severity != Severity::Warning {
            return None;
        }
        let sheet = f.sheet.as_deref()?;
        let at = crate::cellref::parse_a1(f.cell.as_deref()?)?;
        picks(&f.form, sheet, at).then(|| (f.form.clone(), sheet.to_string(), at))
    };
    let mut gathered: Vec<Gathered> = Vec::new();
    findings.retain(|f| {
        let Some((form_id, sheet, at)) = picked(f) else {
            return true;
        };
        match (gathered.iter_mut()).find(|g| g.form_id == form_id && g.sheet == sheet) {
            Some(g) => g.cells.push(at),
            None => gathered.push(Gathered {
                form_id,
                sheet,
                cells: vec![at],
            }),
        }
        false
    });
    gathered.sort_by(|a, b| (&a.form_id, &a.sheet).cmp(&(&b.form_id, &b.sheet)));
    gathered
}

/// Whether the sheet `sheet` of `wb` hides the cell at `at`.
pub(super) fn hides(wb: &Workbook, sheet: &str, (r, c): (u32, u16)) -> bool {
    (wb.sheets.iter()).any(|s| s.name == sheet && s.hidden_lines.hides(r, c))
}

/// The 表号 of the form `form_id` among `forms`, or the id itself.
pub(super) fn table_no<'f>(forms: &'f [(&Form, FormData)], form_id: &'f str) -> &'f str {
    (forms.iter())
        .find(|(f, _)| f.id == form_id)
        .map_or(form_id, |(f, _)| f.table_no.as_str())
}

/// At most five of `items`, joined: "12、13、14", "12、13、14、15、16等".
pub(super) fn few<T: ToString>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(5).map(ToString::to_string).collect();
    let more = if items.len() > 5 { "等" } else { "" };
    format!("{}{more}", shown.join("、"))
}

/// The cells of the columns (or, in a table read turned, the rows) a unit added to compare,
/// a table at a time.
pub(super) type Compared = Vec<(String, String, FastSet<(u32, u16)>)>;

/// The figures of the columns a unit added to compare (上年决算数, 增减%, 年初预算数): one
/// warning a table naming the columns and the first cells, rather than one "填错位置" a cell
/// for a column put there on purpose.
/// Figures in hidden lines are left to their own warning (see `hidden`), told before.
pub(super) fn gather_compared(
    wb: &Workbook,
    compared: &Compared,
    forms: &[(&Form, FormData)],
    findings: &mut Vec<Finding>,
) {
    let in_compared = |form_id: &str, sheet: &str, at: (u32, u16)| {
        (compared.iter()).any(|(f, s, cells)| f == form_id && s == sheet && cells.contains(&at))
            && !hides(wb, sheet, at)
    };
    for g in gather_outside(findings, in_compared) {
        findings.push(compared_finding(table_no(forms, &g.form_id), &g));
    }
}

fn compared_finding(no: &str, g: &Gathered) -> Finding {
    let named = cells_named(g);
    let message = format!(
        "{no}加有比较栏（上年数、增减等）：{}的 {} 处数字（{}）{no}没有对应的单元格，\
         已保留，不参与审核；如不是比较数字，请核对是否填错位置",
        lines_named(&g.cells),
        g.cells.len(),
        few(&named)
    );
    gathered_warning(g, message)
}

/// The A1 names of a gathered table's cells.
pub(super) fn cells_named(g: &Gathered) -> Vec<String> {
    (g.cells.iter())
        .map(|&(r, c)| crate::cellref::a1(r, c))
        .collect()
}

/// The one warning of a table's gathered values outside the form, at its first cell.
pub(super) fn gathered_warning(g: &Gathered, message: String) -> Finding {
    let first = g.cells.first().map(|&(r, c)| crate::cellref::a1(r, c));
    Finding::new(
        Severity::Warning,
        VALUE_OUTSIDE_FORM,
        &g.form_id,
        Some(g.sheet.clone()),
        first,
        message,
    )
}

/// The columns of `cells` ("E、G列"), or their rows ("第7、8行") when they span fewer rows than
/// columns (a table read turned).
fn lines_named(cells: &[(u32, u16)]) -> String {
    let mut rows: Vec<u32> = cells.iter().map(|&(r, _)| r + 1).collect();
    let mut cols: Vec<u16> = cells.iter().map(|&(_, c)| c).collect();
    rows.sort_unstable();
    rows.dedup();
    cols.sort_unstable();
    cols.dedup();
    match rows.len() < cols.len() {
        true => format!("第{}行", few(&rows)),
        false => {
            let names: Vec<String> = cols.iter().map(|&c| crate::cellref::col_name(c)).collect();
            format!("{}列", few(&names))
        }
    }
}
