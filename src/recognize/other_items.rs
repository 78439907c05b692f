//! The codes of 科目 rows read without one that no table of the workbook carries: a 其他…
//! name under the parent read above it takes the parent's code and 99, as the national
//! classification numbers them; and whether a code may follow the one read before it.

use crate::form::Vocabulary;
use crate::model::FormData;
use crate::normalize::label_key;
use std::collections::HashMap;

/// How a 其他… 科目 name begins: whole, or with its first character clipped by a print
/// (`他社会保障和就业` of 其他社会保障和就业支出).
const OTHER_WORDS: [&str; 2] = ["其他", "他"];

/// The last two digits of an 其他… item under its parent (20899 其他社会保障和就业支出 under
/// 208, 2013899 其他市场监督管理事务 under 20138).
const OTHER_ITEM: &str = "99";

/// Characters a 其他… name keeps after 其他 at least to be matched to its parent's name.
const MIN_OTHER_CHARS: usize = 2;

/// The code of a 其他… name (`name`, a name key, maybe cut at either end): its parent's code
/// and 99, the parent one of the codes last read (`last`, by length) that the code read just
/// before (`prev`) lies under, whose name (as printed, or its national name) begins with what
/// follows 其他 or is begun by it; none unless exactly one parent fits and the table has no
/// row of that code yet.
pub(super) fn other_code(
    name: &str,
    (last, prev): (&HashMap<usize, String>, Option<&str>),
    data: &FormData,
    vocab: &Vocabulary,
) -> Option<String> {
    let rest = without_other(name)?;
    let prev = prev?;
    let mut codes = last
        .values()
        .filter(|p| p.len() < 7 && prev.starts_with(p.as_str()))
        .filter(|p| parent_names(p, data, vocab).any(|n| related(&n, rest)))
        .map(|p| format!("{p}{OTHER_ITEM}"))
        .filter(|c| data.row(c).is_none());
    match (codes.next(), codes.next()) {
        (Some(code), None) => Some(code),
        _ => None,
    }
}

/// What follows 其他 in a name key, when it is long enough to name a parent.
fn without_other(key: &str) -> Option<&str> {
    OTHER_WORDS
        .iter()
        .find_map(|w| key.strip_prefix(w))
        .filter(|rest| rest.chars().count() >= MIN_OTHER_CHARS)
}

/// The names of parent code `p`: its printed label (其他 taken off, for a 其他… parent) and
/// its national name.
fn parent_names<'a>(
    p: &'a str,
    data: &'a FormData,
    vocab: &'a Vocabulary,
) -> impl Iterator<Item = String> + 'a {
    let printed = data.row(p).and_then(|r| r.label.as_deref()).map(label_key);
    let printed = printed.map(|k| without_other(&k).map_or(k.clone(), str::to_string));
    printed
        .into_iter()
        .chain(vocab.subject_name(p).map(str::to_string))
}

/// Whether one of two names begins the other.
fn related(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

/// Whether a row of `code` may follow the row of code `prev` in a table listing codes in
/// order: a class, a row under `prev`'s parent or an ancestor of it (its sibling, a child, an
/// uncle), or, its parent's row unread, a row under `prev` (210, then 2101101 when the row of
/// 21011 was not read). Any code fits when none was read yet.
pub(crate) fn fits_after(code: &str, prev: Option<&str>) -> bool {
    let Some(prev) = prev else {
        return true;
    };
    code.len() <= 3
        || code
            .get(..code.len() - 2)
            .is_some_and(|parent| prev.starts_with(parent))
        || code.starts_with(prev)
}
