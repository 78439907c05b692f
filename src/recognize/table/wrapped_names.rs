//! Names typed over two rows of a list: a clerk who finds a project's or a unit's name too long
//! for its cell goes on typing it in the row below, unmerged, that row holding nothing else
//! (`长沙市两型社会建设服` | 340.42 over `务中心`). The row below is the rest of the name above,
//! not an item of its own.
//!
//! A row holding only a name, without figures, can also be an item with nothing filled in, so
//! the rest is joined only when the row above reads cut. The rule: row `r` is the rest of the
//! name in the list row read at `r - 1` when
//! - row `r` holds one text of its own, in the list's name column (its grouping or label
//!   column), not merged down, and no 序号 or ordinal of its own (`2、…`, `（三）…`, `其中：…`);
//! - the row above holds its name in the same cell column, not merged down into row `r`; and
//! - the name above reads cut, by one of
//!   - a bracket or quote it opens and does not close (`改革（试`), or the rest starting with
//!     a closing mark or a mark that goes on a phrase (`）`, `、`, `，`);
//!   - the list numbering its items (`1、一般公共服`) where the rest has no number;
//!   - a code or 序号 left of the name above (`430001`), which the rest lacks;
//!   - the two parts ending as a unit's name does (局, 中心, 办公室 …) where one of them alone
//!     does not (`…综合配套改革` + `办公室`; `…改革办` + `公室`).
//!
//! A part of the table reader (only `Walk::read_slot` uses it).

use super::{is_serial_number, Slot};
use crate::expr::Val;
use crate::form::ColKind;
use crate::model::RowKind;
use crate::normalize::{label_key, strip_ordinal};
use crate::recognize::Reader;

/// Marks that open a bracket or a quote, each with its closing mark.
const PAIRS: [(char, char); 6] = [
    ('（', '）'),
    ('(', ')'),
    ('【', '】'),
    ('[', ']'),
    ('《', '》'),
    ('“', '”'),
];

/// Marks no name starts with: a closing bracket or quote, or a mark inside a phrase.
const NEVER_FIRST: [char; 12] = [
    '）', ')', '】', ']', '》', '”', '、', '，', ',', '；', ';', '·',
];

/// A name of a list row typed over two rows: where the head was read and where its rest is.
struct Wrapped {
    /// The list row the head belongs to.
    row: usize,
    /// The column id of the name.
    col: String,
    /// Sheet column of both parts.
    at: u16,
    head: String,
    rest: String,
}

/// Joins row `r` to the name of the list row above it when `r` is the rest of that name (see
/// the module's rule): the name becomes the two texts, the row's cell is taken, and no item is
/// made. Returns the column id and the joined name, for the caller to carry on.
pub(super) fn join_rest_of_name(rd: &mut Reader, slot: &Slot, r: u32) -> Option<(String, Val)> {
    let w = wrapped_at(rd, slot, r)?;
    let joined = format!("{}{}", w.head, w.rest);
    let label = slot.panel.list.as_ref()?.label_column.as_deref();
    let row = rd.data.rows.get_mut(w.row)?;
    row.values
        .insert(w.col.as_str().into(), Val::Text(joined.clone()));
    if label == Some(w.col.as_str()) {
        row.label = Some(joined.clone());
    }
    rd.consume(r, w.at);
    Some((w.col, Val::Text(joined)))
}

/// Where row `r` is the rest of the name above it, by the module's rule.
fn wrapped_at(rd: &Reader, slot: &Slot, r: u32) -> Option<Wrapped> {
    let list = slot.panel.list.as_ref()?;
    let above = r.checked_sub(1)?;
    let (at, rest) = sole_own_text(rd, r)?;
    let col = [&list.group_by, &list.label_column]
        .into_iter()
        .flatten()
        .find(|id| slot.cols.get(id.as_str()) == Some(&at))?;
    let is_text = slot
        .panel
        .columns
        .iter()
        .any(|c| *c.id == **col && c.kind == ColKind::Text);
    let rest_key = label_key(&rest);
    if !is_text
        || is_numbered(&rest_key)
        || !stands_alone(rd, r, at)
        || !stands_alone(rd, above, at)
    {
        return None;
    }
    let row = rd.data.rows.len().checked_sub(1)?;
    let last = rd.data.rows.get(row)?;
    let read_above = rd.data.row_at.get(&last.key) == Some(&above);
    if last.panel != slot.panel.id || last.kind != RowKind::List || !read_above {
        return None;
    }
    let Val::Text(head) = last.get(col) else {
        return None;
    };
    let head_shown = rd.sheet.shown(above, at).to_string();
    if head.trim() != head_shown.trim() || !reads_cut(rd, above, at, &head, &rest) {
        return None;
    }
    Some(Wrapped {
        row,
        col: col.clone(),
        at,
        // An item's indent stays the name's (`    3、住房保障支出`), as the plain row reads it.
        head: head.trim_end().to_string(),
        rest,
    })
}

/// The one text row `r` holds in a cell of its own (not merged down from above), not read
/// yet, with its sheet column; None when it holds none or several.
fn sole_own_text(rd: &Reader, r: u32) -> Option<(u16, String)> {
    let mut own = (rd.sheet.shown_cols(r).into_iter())
        .filter(|&c| !rd.sheet.is_covered(r, c) && rd.text_key(r, c).is_some());
    let at = own.next()?;
    if own.next().is_some() || rd.consumed.contains(&(r, at)) {
        return None;
    }
    let text = rd.sheet.shown(r, at).to_string();
    let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    chinese.then(|| (at, text.trim().to_string()))
}

/// Whether the cell at (`r`, `c`) is a cell of row `r` alone: not merged over other rows.
fn stands_alone(rd: &Reader, r: u32, c: u16) -> bool {
    rd.sheet
        .merge_at(r, c)
        .is_none_or(|m| m.first_row == r && m.last_row == r)
}

/// Whether a key starts with an item's number or 其中 (`3、`, `(2)`, `二、`, `其中:`).
fn is_numbered(key: &str) -> bool {
    strip_ordinal(key).len() < key.len()
}

/// Whether the name `head` in the cell at (`above`, `at`) reads cut before `rest`.
fn reads_cut(rd: &Reader, above: u32, at: u16, head: &str, rest: &str) -> bool {
    let bracket_open = PAIRS
        .iter()
        .any(|&(o, c)| head.matches(o).count() > head.matches(c).count());
    let rest_goes_on = rest
        .chars()
        .next()
        .is_some_and(|c| NEVER_FIRST.contains(&c));
    bracket_open
        || rest_goes_on
        || is_numbered(&label_key(head))
        || coded_left_of(rd, above, at)
        || ends_as_unit_only_joined(rd, head, rest)
}

/// Whether row `r` holds a code or a 序号 of its own left of column `at`.
fn coded_left_of(rd: &Reader, r: u32, at: u16) -> bool {
    (0..at).any(|c| !rd.sheet.is_covered(r, c) && is_serial_number(rd.sheet.get(r, c)))
}

/// Whether the two parts together end as a unit's name does while one of them alone does not.
fn ends_as_unit_only_joined(rd: &Reader, head: &str, rest: &str) -> bool {
    // A unit's name may quote a programme (`“两型社会”`): the quotes say nothing of its end.
    let unit = |s: &str| {
        let key: String = label_key(s).chars().filter(|&c| c != '"').collect();
        rd.vocab.is_organisation(&key)
    };
    unit(&format!("{head}{rest}")) && !(unit(head) && unit(rest))
}
