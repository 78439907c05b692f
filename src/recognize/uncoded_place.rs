//! Where a 科目 row kept without a code may sit: the sums of children it may belong to, told
//! by the codes read just before and after it (a table lists its 科目 in code order).

use crate::expr::Name;
use crate::form::Form;
use crate::model::{FormData, Key, RowKind};

/// The 科目 code levels when the panel names none: 类, 款, 项.
const LEVELS: [usize; 3] = [3, 5, 7];

/// The rows (a 科目 row's key, or the total's) whose sum of children row `key` of `data`
/// may be part of: under every parent its code may have between the code read before it and
/// the one read after it, each parent the nearest row the table has of it.
pub(super) fn sums_it_may_join(form: &Form, data: &FormData, key: &str) -> Vec<Name> {
    let Some(pos) = data.rows.position(key) else {
        return Vec::new();
    };
    let panel = data.rows[pos].panel.clone();
    let levels = form
        .panel(&panel)
        .and_then(|p| p.coded.as_ref())
        .map_or(LEVELS.to_vec(), |c| c.levels.clone());
    let coded = |r: &&crate::model::RowData| r.panel == panel && r.kind == RowKind::Coded;
    let code_of = |r: &crate::model::RowData| r.code.clone();
    let prev = data.rows[..pos]
        .iter()
        .rev()
        .filter(coded)
        .find_map(code_of);
    let next = data.rows[pos + 1..].iter().filter(coded).find_map(code_of);
    let mut sums: Vec<Name> = Vec::new();
    for parent in parents(&levels, prev.as_deref(), next.as_deref()) {
        let row = nearest_row(data, &panel, &levels, &parent);
        if !sums.contains(&row) {
            sums.push(row);
        }
    }
    sums
}

/// The codes a row between `prev` and `next` may be a child of ("" for the top level): any
/// parent level of `prev` (itself, when not of the last level) from the one it shares with
/// `next` down; with nothing read before it, the top level and the parents of `next`.
fn parents(levels: &[usize], prev: Option<&str>, next: Option<&str>) -> Vec<String> {
    let last = levels.iter().copied().max().unwrap_or(7);
    let Some(prev) = prev else {
        let next = next.unwrap_or_default();
        let above = levels.iter().filter(|&&l| l < next.len());
        return std::iter::once(String::new())
            .chain(above.filter_map(|&l| next.get(..l).map(str::to_string)))
            .collect();
    };
    let shared = next.map_or(0, |next| shared_level(levels, prev, next));
    let own = levels
        .iter()
        .copied()
        .filter(|&l| l <= prev.len() && l < last && l >= shared);
    let top = (shared == 0).then(String::new);
    top.into_iter()
        .chain(own.filter_map(|l| prev.get(..l).map(str::to_string)))
        .collect()
}

/// The longest level at which codes `a` and `b` have one parent (0: none).
fn shared_level(levels: &[usize], a: &str, b: &str) -> usize {
    levels
        .iter()
        .copied()
        .filter(|&l| l <= a.len() && l <= b.len() && a.get(..l) == b.get(..l))
        .max()
        .unwrap_or(0)
}

/// The row of panel `panel` that sums code `code`'s children: its own row, else the nearest
/// parent the table has, else the total ("" is the top level).
fn nearest_row(data: &FormData, panel: &str, levels: &[usize], code: &str) -> Name {
    let held = |c: &str| {
        data.rows
            .iter()
            .find(|r| r.panel == panel && r.code.as_deref() == Some(c))
            .map(|r| r.key.clone())
    };
    levels
        .iter()
        .rev()
        .filter(|&&l| l <= code.len())
        .find_map(|&l| code.get(..l).and_then(held))
        .unwrap_or_else(|| Name::from(Key::Total.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_between_two_items_of_one_parent_is_that_parents() {
        let p = parents(&LEVELS, Some("2210201"), Some("2210203"));
        assert_eq!(p, vec!["22102".to_string()]);
    }

    #[test]
    fn a_row_closing_a_class_may_be_an_item_a_section_or_a_class() {
        let p = parents(&LEVELS, Some("2210201"), Some("227"));
        assert_eq!(p, vec!["", "221", "22102"]);
    }

    #[test]
    fn a_row_under_a_section_read_just_before_may_be_its_child() {
        let p = parents(&LEVELS, Some("221"), Some("22102"));
        assert_eq!(p, vec!["221".to_string()]);
    }

    #[test]
    fn a_first_row_may_be_a_class_or_under_the_next_rows_parents() {
        let p = parents(&LEVELS, None, Some("2080505"));
        assert_eq!(p, vec!["", "208", "20805"]);
    }
}
