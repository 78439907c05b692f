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

/// The row of `panel` not read yet whose label the label `printed` (key `key`, in cell (`r`,
/// `c`)) begins, with a note that the label is cut; None, with a warning, when it begins the
/// labels of several such rows; None when it begins none. Of rows labelled alike (ordinals
/// aside), the first that `next` (rows below those read so far) takes is meant.
pub(super) fn cut_label_row(
    rd: &mut Reader,
    panel: &Panel,
    (r, c): (u32, u16),
    (key, printed): (&str, &str),
    next: &dyn Fn(&str) -> bool,
) -> Option<String> {
    // Only a printer cuts labels; in a workbook a shorter label is the clerk's own wording.
    if !rd.sheet.is_printed() || strip_ordinal(key).chars().count() < MIN_CUT_CHARS {
        return None;
    }
    let free = |x: &FixedRow| !x.blank && !rd.data.row_at.contains_key(x.id.as_str());
    let begun = rows_begun(panel, key, &free);
    let mut labels: Vec<String> = Vec::new();
    for x in &begun {
        let bare = strip_ordinal(&label_key(shown_label(x)));
        if !labels.contains(&bare) {
            labels.push(bare);
        }
    }
    let at = crate::cellref::a1(r, c);
    if labels.len() > 1 {
        let named: Vec<&str> = begun.iter().map(|x| shown_label(x)).collect();
        let message = format!(
            "{} {at}：名称被截断，只有“{printed}”，可能是“{}”，无法确定是哪一行；\
             本行的数值未读入，已保留为表外内容，请核对",
            rd.form.table_no,
            named.join("”或“"),
        );
        rd.notice(Severity::Warning, CUT_LABEL, r, c, message);
        return None;
    }
    let row = begun.iter().find(|x| next(&x.id)).or(begun.first())?;
    let message = format!(
        "{} {at}：名称被截断，只有“{printed}”，已按“{}”{}读取；请核对",
        rd.form.table_no,
        shown_label(row),
        row.line.map_or(String::new(), |l| format!("（行{l}）")),
    );
    rd.notice(Severity::Info, CUT_LABEL, r, c, message);
    Some(row.id.clone())
}

/// The rows of `panel` taken by `take`, one of whose names is longer than `key` and begins
/// with it: compared whole first (ordinal included), then without ordinals.
fn rows_begun<'p>(
    panel: &'p Panel,
    key: &str,
    take: &dyn Fn(&FixedRow) -> bool,
) -> Vec<&'p FixedRow> {
    let begins = |want: &str, strip: bool| -> Vec<&'p FixedRow> {
        let names = |x: &&'p FixedRow| {
            x.label.iter().chain(x.aliases.iter()).any(|l| {
                let k = label_key(l);
                let k = if strip { strip_ordinal(&k) } else { k };
                k.len() > want.len() && k.starts_with(want)
            })
        };
        panel
            .rows
            .iter()
            .filter(|x| take(x))
            .filter(names)
            .collect()
    };
    let whole = begins(key, false);
    if !whole.is_empty() {
        return whole;
    }
    begins(&strip_ordinal(key), true)
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
