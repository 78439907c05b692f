//! Row labels the printer cut short: a spreadsheet printed to PDF with a label column narrower
//! than its text shows only the label's beginning where the next cell is filled
//! (`一、一般公共预算财政` | 2,940.05). Such a beginning names the one row of the panel whose label
//! it begins; beginning two rows' labels, it names none and says so.
//!
//! The same for a 科目 name printed without its code (`其他发展与改革事务支`): the one code of
//! the names it begins. A part of the table reader (`identify_fixed`, and `resolve_uncoded`
//! for the names).

use crate::form::{FixedRow, Panel, Severity};
use crate::normalize::{label_key, strip_ordinal};
use crate::recognize::Reader;

/// The rule of a row label printed cut short.
pub const CUT_LABEL: &str = "cut-label";

/// Fewest characters (ordinal aside) a cut label keeps to name a row: fewer begin too many.
const MIN_CUT_CHARS: usize = 4;

/// Fewest characters after its ordinal a label cut at its end keeps to name a row: the
/// ordinal (`十九、住房`) names it nearly alone.
const MIN_CUT_AFTER_ORDINAL: usize = 2;

/// The row of `panel` not read yet whose label the label `printed` (key `key`, in cell (`r`,
/// `c`)) is a cut part of, with a note that the label is cut; None, with a warning, when it
/// fits several such rows and their order does not decide; None when it fits none. Of rows
/// labelled alike (ordinals aside), the first that `next` (rows below those read so far)
/// takes is meant.
pub(super) fn cut_label_row(
    rd: &mut Reader,
    panel: &Panel,
    (r, c): (u32, u16),
    (key, printed): (&str, &str),
    next: &dyn Fn(&str) -> bool,
) -> Option<String> {
    // Only a printer cuts labels; in a workbook a shorter label is the clerk's own wording.
    if !rd.sheet.is_printed() {
        return None;
    }
    let free = |x: &FixedRow| !x.blank && !rd.data.row_at.contains_key(x.id.as_str());
    let (fitting, cut) = rows_fitting(panel, key, &free);
    let mut labels: Vec<String> = Vec::new();
    for x in &fitting {
        let bare = strip_ordinal(&label_key(shown_label(x)));
        if !labels.contains(&bare) {
            labels.push(bare);
        }
    }
    // A beginning cut away leaves endings many rows share (…财政拨款收入): the row right
    // after those read so far is meant when it is one of them, and no other.
    let following = panel.rows.iter().find(|x| free(x) && next(&x.id));
    let row = match (labels.len(), cut) {
        (0, _) => return None,
        (1, _) => fitting.iter().find(|x| next(&x.id)).or(fitting.first())?,
        (_, Cut::Start) => match following.filter(|f| fitting.iter().any(|x| x.id == f.id)) {
            Some(f) => f,
            None => return ambiguous(rd, (r, c), printed, &fitting),
        },
        (_, Cut::End) => return ambiguous(rd, (r, c), printed, &fitting),
    };
    let message = format!(
        "{} {}：名称被截断，只有“{printed}”，已按“{}”{}读取；请核对",
        rd.form.table_no,
        crate::cellref::a1(r, c),
        shown_label(row),
        row.line.map_or(String::new(), |l| format!("（行{l}）")),
    );
    rd.notice(Severity::Info, CUT_LABEL, r, c, message);
    Some(row.id.clone())
}

/// Warns that the cut label `printed` in cell (`r`, `c`) fits each of `rows`; names none.
fn ambiguous(
    rd: &mut Reader,
    (r, c): (u32, u16),
    printed: &str,
    rows: &[&FixedRow],
) -> Option<String> {
    let named: Vec<&str> = rows.iter().map(|x| shown_label(x)).collect();
    let message = format!(
        "{} {}：名称被截断，只有“{printed}”，可能是“{}”，无法确定是哪一行；\
         本行的数值未读入，已保留为表外内容，请核对",
        rd.form.table_no,
        crate::cellref::a1(r, c),
        named.join("”或“"),
    );
    rd.notice(Severity::Warning, CUT_LABEL, r, c, message);
    None
}

/// Which part of a label a printer cut away.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    /// Its end: the label shown begins the row's (a left-aligned label under a filled cell).
    End,
    /// Its beginning (and maybe its end): the label shown ends the row's or stands inside it
    /// (a right-aligned or centred label).
    Start,
}

/// The rows of `panel` taken by `take` whose names (label or alias) `key` is a cut part of,
/// and which part was cut. A beginning is looked for first: compared whole (ordinal
/// included; an ordinal with [`MIN_CUT_AFTER_ORDINAL`] characters after it names a row),
/// then without ordinals; then an ending, then a middle, compared whole.
fn rows_fitting<'p>(
    panel: &'p Panel,
    key: &str,
    take: &dyn Fn(&FixedRow) -> bool,
) -> (Vec<&'p FixedRow>, Cut) {
    let bare = strip_ordinal(key);
    let (whole, stripped) = (key.chars().count(), bare.chars().count());
    let ordinal = bare.len() < key.len();
    let rows = |fits: &dyn Fn(&str) -> bool, strip: bool| -> Vec<&'p FixedRow> {
        let names = |x: &&'p FixedRow| {
            x.label.iter().chain(x.aliases.iter()).any(|l| {
                let k = label_key(l);
                fits(&if strip { strip_ordinal(&k) } else { k })
            })
        };
        panel
            .rows
            .iter()
            .filter(|x| take(x))
            .filter(names)
            .collect()
    };
    let longer = |k: &str, part: &str| k.len() > part.len();
    if stripped >= MIN_CUT_CHARS || ordinal && stripped >= MIN_CUT_AFTER_ORDINAL {
        let begun = rows(&|k| longer(k, key) && k.starts_with(key), false);
        if !begun.is_empty() {
            return (begun, Cut::End);
        }
    }
    if stripped >= MIN_CUT_CHARS {
        let begun = rows(&|k| longer(k, &bare) && k.starts_with(bare.as_str()), true);
        if !begun.is_empty() {
            return (begun, Cut::End);
        }
    }
    if whole < MIN_CUT_CHARS {
        return (Vec::new(), Cut::Start);
    }
    let ended = rows(&|k| longer(k, key) && k.ends_with(key), false);
    if !ended.is_empty() {
        return (ended, Cut::Start);
    }
    (
        rows(&|k| longer(k, key) && k.contains(key), false),
        Cut::Start,
    )
}

/// The codes of the names (keys with their codes) that `name`, a name the printer cut short,
/// is a part of: the names it begins when there are any (its end cut off), else those it
/// stands inside or ends (a wrapped name whose first and last lines were clipped:
/// `关事业单位基本养老保险缴`); none when it is too short to name anything.
pub(crate) fn names_cut<'c>(
    names: impl Iterator<Item = (&'c str, &'c [String])> + Clone,
    name: &str,
) -> Vec<&'c String> {
    if name.chars().count() < MIN_CUT_CHARS {
        return Vec::new();
    }
    let longer = |k: &str| k.len() > name.len();
    let begun = codes_where(names.clone(), |k| longer(k) && k.starts_with(name));
    if !begun.is_empty() {
        return begun;
    }
    codes_where(names, |k| longer(k) && k.contains(name))
}

/// The codes, sorted and each once, of the names that `holds`.
fn codes_where<'c>(
    names: impl Iterator<Item = (&'c str, &'c [String])>,
    holds: impl Fn(&str) -> bool,
) -> Vec<&'c String> {
    let mut codes: Vec<&String> = names
        .filter(|(k, _)| holds(k))
        .flat_map(|(_, codes)| codes)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn shown_label(x: &FixedRow) -> &str {
    x.label.as_deref().map_or(x.id.as_str(), str::trim)
}
