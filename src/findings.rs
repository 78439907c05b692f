//! Findings: what an audit or a reading reports at a cell — its severity, rule, form, place
//! and message — shared by every stage that reports (recognition, calc, check, score, fix).

use crate::calc::Book;
use crate::expr::CellId;
use crate::form::Severity;
use crate::normalize::label_key;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub rule: String,
    pub form: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    /// The page `cell` was printed on, for a form read from a PDF (its `sheet` and `cell` are
    /// then the rebuilt table's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The unit whose set of forms the finding is about, in a workbook holding several units'.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub related: Vec<String>,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub message: String,
    /// The logical cell judged wrong (for fix), when there is one.
    #[serde(skip)]
    pub target: Option<CellId>,
    /// Fix resolves it by recomputing a derived cell.
    #[serde(skip)]
    pub fixable: bool,
}

impl Finding {
    /// A finding at `cell` (A1) of `sheet`, for form `form`, with nothing related, expected or
    /// found, no logical target and no fix; a caller that has those sets them on the result.
    pub fn new(
        severity: Severity,
        rule: &str,
        form: &str,
        sheet: Option<String>,
        cell: Option<String>,
        message: String,
    ) -> Finding {
        // A form read over several sheets (a table continued on 公开01表（续）) gives the
        // cells of its other sheets as `'sheet'!A1`: the finding is on that sheet.
        let (sheet, cell) = match cell.as_deref().and_then(|c| c.rsplit_once('!')) {
            Some((other, at)) => (
                Some(other.trim_matches('\'').to_string()),
                Some(at.to_string()),
            ),
            None => (sheet, cell),
        };
        Finding {
            severity,
            rule: rule.to_string(),
            form: form.to_string(),
            sheet,
            cell,
            page: None,
            unit: None,
            related: vec![],
            expected: None,
            found: None,
            message,
            target: None,
            fixable: false,
        }
    }

    /// Where the finding is, as people read it: `sheet!A1`, preceded by `第N页` for a PDF.
    pub fn place(&self) -> Option<String> {
        let at = match (&self.sheet, &self.cell) {
            (Some(sh), Some(c)) => format!("{sh}!{c}"),
            (Some(sh), None) => sh.clone(),
            // A sentence of a document's text: 第12行 (of its page), 第5段.
            (None, Some(c)) => c.clone(),
            _ => return self.unit.as_ref().map(|u| format!("单位“{u}”")),
        };
        let at = match self.page {
            Some(p) => format!("第{p}页 {at}"),
            None => at,
        };
        Some(match &self.unit {
            Some(u) => format!("单位“{u}” {at}"),
            None => at,
        })
    }
}

/// Where a logical cell was read from: `C30`, or for another form `'公开02表'!C9`.
pub fn cell_a1(book: &Book, c: &CellId, home: usize) -> Option<String> {
    let data = &book.forms[c.form].1;
    let at = data.origin.get(&c.key())?.to_string();
    if c.form == home {
        Some(at)
    } else {
        let sheet = data
            .sheet
            .clone()
            .unwrap_or_else(|| book.forms[c.form].0.sheet_name.clone());
        Some(format!("'{sheet}'!{at}"))
    }
}

/// "公开02表 C10（2010450 事业运行·本年收入合计）" — a logical cell as findings name it: its
/// form, the sheet cell it was read from, and what it is.
pub fn place(book: &Book, c: &CellId) -> String {
    let at = book.forms[c.form]
        .1
        .origin
        .get(&c.key())
        .map(|a| format!(" {a}"))
        .unwrap_or_default();
    format!("{}{at}（{}）", form_name(book, c.form), book.describe(c))
}

/// The 表号, with the sheet for forms a workbook may hold several of ("附件3（附件3-2）"), and
/// which copy of its sheet it is ("附件3（第2张，第30–55行）").
fn form_name(book: &Book, fi: usize) -> String {
    let (form, data) = (book.forms[fi].0, &book.forms[fi].1);
    let sheet = match (&data.sheet, form.repeatable) {
        (Some(sheet), true) if label_key(sheet) != label_key(&form.table_no) => Some(sheet),
        _ => None,
    };
    let copy = data.copy.map(|c| c.name());
    let aside = [sheet.map(String::as_str), copy.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if aside.is_empty() {
        form.table_no.clone()
    } else {
        format!("{}（{aside}）", form.table_no)
    }
}

/// Severity counts: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// Rule of a sheet taken for a form whose numbers land in no cell of it.
pub const VALUES_NOT_PLACED: &str = "values-not-placed";
/// Rule of an amount column of the standard form a table was printed without.
pub const COLUMN_ABSENT: &str = "column-absent";
/// Rule of a subtotal row of the standard form a table does not print: its parts give it.
pub const ROW_ABSENT: &str = "row-absent";
/// Rule of figures a table holds in rows or columns its sheet hides.
pub const HIDDEN_CELLS: &str = "hidden-cells";
/// The rule of a value standing in no cell of the form, kept where it is.
pub const VALUE_OUTSIDE_FORM: &str = "value-outside-form";
/// Rule of a text too long for a cell of Excel.
pub const TEXT_CUT: &str = "text-too-long";
/// Rule of an empty table's note that names another table's fund.
pub const EMPTY_NOTE_OTHER_TABLE: &str = "empty-note-other-table";
/// Rule of an amount filled in negative where the form has none.
pub const NEGATIVE_AMOUNT: &str = "negative-amount";
/// A blank amount the table's sums show to be zero.
pub const BLANK_IS_ZERO: &str = "blank-is-zero";
/// Rule of a rate met only at 100% or below, over 100% and given full marks (`[scoring]
/// met_at_most_100`).
pub const RATE_OVER_100_MET: &str = "rate-over-100-met";
/// Rule of an opening balance that is not last year's closing one (`check --prior`).
pub const PRIOR_CARRY: &str = "prior-carry";
/// Rule of an item that moved more than its form's threshold since last year.
pub const PRIOR_CHANGE: &str = "prior-change";
/// Rule of a figure restated from last year's published 决算 that differs from it (perf-base
/// 上年决算数).
pub const PRIOR_FINAL: &str = "prior-final";
/// Rule of a last year's workbook whose year is not the one before this year's.
pub const PRIOR_YEAR: &str = "prior-year";
/// Rule of the finding that two units name one 科目 code differently.
pub const CODE_NAME_RULE: &str = "merge-code-name";
/// Rule of the warning that an input is itself a merged workbook.
pub const MERGED_INPUT_RULE: &str = "merge-merged-input";
