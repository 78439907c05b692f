//! The 行次 printed on the rows of a fixed table, and whether they decide which row is which.
//! A 行次 column names the rows unless one of its rows is plainly labelled as another row of
//! the form (a numbering of another template vintage, a spacer row deleted and the series
//! renumbered): then the labels decide for the whole column, and the table gets one note.
//!
//! A part of the table reader (only `identify_fixed` uses it).

use super::{abbreviates, closest_label, strip_ordinal};
use crate::form::{FixedRow, Severity};
use crate::normalize::{label_key, parse_amount, Amount};
use crate::recognize::{strip_parens, Reader};

/// The rule of a 行次 column whose numbers name other rows than their labels.
pub const LINE_MISMATCH: &str = "line-mismatch";

/// A 行次 read on a sheet row, and the cell it was read from.
#[derive(Clone, Copy)]
pub(super) struct LineAt {
    pub line: u32,
    pub col: u16,
}

/// The 行次 printed in cell (`r`, `c`): a whole number, typed as a number or as text.
pub(super) fn line_in(rd: &Reader, r: u32, c: u16) -> Option<LineAt> {
    let Amount::Value(n) = parse_amount(rd.sheet.get(r, c)) else {
        return None;
    };
    let n = n.normalize();
    let whole = n.scale() == 0 && n.is_sign_positive();
    let line = u32::try_from(n.mantissa()).ok().filter(|_| whole)?;
    Some(LineAt { line, col: c })
}

/// Whether the 行次 in column `line_col` name the rows labelled in column `label_col`: no row
/// of the sheet is labelled plainly as another row of the form than its 行次 names — save a
/// label copied from another row of the column over a labelled row's (its 行次 says which
/// row it is). Found once per pair of columns; the first such row is noted.
pub(super) fn lines_decide(rd: &mut Reader, label_col: Option<u16>, line_col: u16) -> bool {
    let Some(label_col) = label_col else {
        return true;
    };
    if let Some(&decide) = rd.line_columns.get(&(label_col, line_col)) {
        return decide;
    }
    let first_mismatch = (0..rd.sheet.height()).find_map(|r| {
        let at = line_in(rd, r, line_col)?;
        let label = rd.text_key(r, label_col)?;
        let meant = mismatch(rd, at.line, &label)?;
        let copied = names_a_labelled_row(rd, at.line)
            && (0..rd.sheet.height())
                .any(|other| other != r && rd.text_key(other, label_col).as_ref() == Some(&label));
        (!copied).then_some((r, at, meant))
    });
    rd.line_columns
        .insert((label_col, line_col), first_mismatch.is_none());
    let Some((r, at, meant)) = first_mismatch else {
        return true;
    };
    note(rd, r, at, meant);
    false
}

/// The row of the form `label` (a label key) plainly names, when its 行次 `line` names another
/// that the label does not fit even loosely. Only a row of the same side counts: a 支出 row
/// labelled as a 收入 row (`收入合计` on 行58, copied across) is a slip its 行次 corrects.
fn mismatch<'f>(rd: &Reader<'f>, line: u32, label: &str) -> Option<&'f FixedRow> {
    let by_line = rd.form.line_row(line);
    let endings = &rd.vocab.label_endings;
    if by_line.is_some_and(|(_, x)| fits_loosely(x, label, endings)) {
        return None;
    }
    let (side, by_line) = (by_line.map(|(p, _)| p.id.as_str()), by_line.map(|(_, x)| x));
    // Of two rows named alike (收入's 总计 and 支出's), the one numbered nearer.
    rd.form
        .panels()
        .filter(|p| side.is_none_or(|id| p.id == id))
        .flat_map(|p| &p.rows)
        .filter(|x| by_line.is_none_or(|b| b.id != x.id))
        .filter(|x| names_plainly(x, label, endings))
        .min_by_key(|x| x.line.map_or(u32::MAX, |l| l.abs_diff(line)))
}

/// Whether 行次 `line` is a row of the form with a label (not a spacer row).
fn names_a_labelled_row(rd: &Reader, line: u32) -> bool {
    rd.form
        .line_row(line)
        .is_some_and(|(_, x)| x.label.as_deref().is_some_and(|l| !l.trim().is_empty()))
}

/// The row's label and aliases as label keys.
fn names(x: &FixedRow) -> impl Iterator<Item = String> + '_ {
    x.label.iter().chain(x.aliases.iter()).map(|l| label_key(l))
}

/// `label` is one of the row's names, up to ordinals, asides in brackets, or an ending of the
/// vocabulary left out.
fn names_plainly(x: &FixedRow, label: &str, endings: &[String]) -> bool {
    let want = strip_ordinal(label);
    let want_bare = strip_parens(&want);
    names(x).any(|k| {
        let k_bare = strip_ordinal(&k);
        k == label
            || k_bare == want
            || strip_parens(&k_bare) == want_bare
            || abbreviates(&want, &k_bare, endings)
    })
}

/// [`names_plainly`], or close enough to be read as that row's label.
fn fits_loosely(x: &FixedRow, label: &str, endings: &[String]) -> bool {
    if names_plainly(x, label, endings) {
        return true;
    }
    let keys = vec![(0, names(x).map(|k| strip_ordinal(&k)).collect())];
    closest_label(&strip_ordinal(label), &keys, endings).is_some()
}

/// Notes that sheet row `r`, labelled as row `meant` of the form, carries 行次 `at`, which
/// the form gives another row: the table is read by its labels.
fn note(rd: &mut Reader, r: u32, at: LineAt, meant: &FixedRow) {
    let shown = |x: &FixedRow| match x.label.as_deref().map(str::trim) {
        Some(l) if !l.is_empty() => format!("“{l}”"),
        _ => "空行".to_string(),
    };
    let named = rd
        .form
        .line_row(at.line)
        .map_or_else(|| "不存在".to_string(), |(_, x)| shown(x));
    let standard = meant
        .line
        .map_or(String::new(), |l| format!("，标准格式中该行行次为 {l}"));
    let message = format!(
        "{}第 {} 行{}标行次 {}{standard}（标准格式的行次 {} 为{named}）；本表行次与标准格式不一致，\
         已按行名读取各行；请核对是否使用了旧版或其他地区的格式",
        rd.form.table_no,
        r + 1,
        shown(meant),
        at.line,
        at.line,
    );
    rd.notice(Severity::Info, LINE_MISMATCH, r, at.col, message);
}
