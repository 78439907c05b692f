//! Several units' sets of forms in one workbook (甲-公开01表 … 乙-公开01表 …, one sheet per
//! unit, a 汇总 unit and its 下属单位): which recognised tables make up each unit's set, and
//! the name each unit goes by, so that every set is audited as a book of its own.

use crate::normalize::one_unit;
use crate::recognize::Outcome;
use indexmap::IndexMap;
use std::collections::HashSet;

/// One unit's share of a workbook's outcomes, in workbook order.
pub(super) struct UnitSet<'c> {
    pub outcomes: Vec<Outcome<'c>>,
}

impl UnitSet<'_> {
    /// The sheets its outcomes were read from (of its forms only, when `forms`), each once.
    pub fn sheets(&self, forms: bool) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for o in &self.outcomes {
            let name = sheet_of(o);
            let wanted = !forms || matches!(o, Outcome::Form(_));
            if wanted && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names
    }
}

/// What parts a unit's name from a table's in a sheet name (甲-公开01表, 乙_收入决算表).
const PREFIX_ENDS: &[char] = &['-', '_', '—', '－', '·', ' ', '　', '：', ':', '（', '('];

/// The sheet an outcome was read from.
fn sheet_of<'a>(o: &'a Outcome) -> &'a str {
    match o {
        Outcome::Form(rec) => rec.data.sheet.as_deref().unwrap_or_default(),
        Outcome::Skipped { sheet, .. } => sheet,
    }
}

/// The part of a sheet name before its first separator (甲 of 甲-公开01表), if any.
fn name_prefix(sheet: &str) -> Option<&str> {
    let (head, _) = sheet.split_once(PREFIX_ENDS)?;
    Some(head.trim()).filter(|h| !h.is_empty())
}

/// Splits `outcomes` into the units' sets; `whole(o)` gives the form id of an outcome that is
/// a whole copy of a form that comes once a set. By the unit their tables' heads name, when
/// they name two units or more and each set then has each form once, in whatever order the
/// sheets come (甲01, 乙01, 甲02, …); else by sheet: a sheet holding several forms is
/// a unit's, sheets named alike (甲-…) are one unit's — when that gives each set each form
/// once; else in workbook order, a form coming again starting the next set. Skipped sheets
/// and extra copies go with the set they are named for, or the one they follow.
/// The outcomes are given back (Err) when some set would go by no name of its own (no unit
/// in its heads, no sheet prefix): sets told apart only by their order are more likely one
/// unit's tables read twice (a misread print's page taken for another copy) than units.
pub(super) fn split<'c>(
    outcomes: Vec<Outcome<'c>>,
    whole: impl Fn(&Outcome) -> Option<String>,
) -> Result<Vec<UnitSet<'c>>, Vec<Outcome<'c>>> {
    let order = by_heads(&outcomes, &whole)
        .or_else(|| by_sheet_names(&outcomes, &whole))
        .unwrap_or_else(|| in_order(&outcomes, &whole));
    let count = order.iter().max().map_or(1, |m| m + 1);
    if !all_named(&outcomes, &order, count) {
        return Err(outcomes);
    }
    let mut sets: Vec<UnitSet> = (0..count).map(|_| UnitSet { outcomes: vec![] }).collect();
    for (o, set) in outcomes.into_iter().zip(order) {
        sets[set].outcomes.push(o);
    }
    sets.retain(|s| !s.outcomes.is_empty());
    Ok(sets)
}

/// Whether each of the `count` sets `order` makes goes by a name of its own (see [`names`]).
fn all_named(outcomes: &[Outcome], order: &[usize], count: usize) -> bool {
    let in_set = |i: usize| (outcomes.iter().zip(order)).filter(move |(_, &s)| s == i);
    let heads: Vec<Option<String>> = (0..count)
        .map(|i| most_named(in_set(i).map(|(o, _)| o)))
        .collect();
    let sheets: Vec<Vec<String>> = (0..count)
        .map(|i| {
            let forms = in_set(i).filter(|(o, _)| matches!(o, Outcome::Form(_)));
            let mut names: Vec<String> = forms.map(|(o, _)| sheet_of(o).to_string()).collect();
            names.dedup();
            names
        })
        .collect();
    (0..count).all(|i| own_name(&heads, &sheets, i).is_some())
}

/// The unit most of the outcomes' tables name in their heads.
fn most_named<'o>(outcomes: impl Iterator<Item = &'o Outcome<'o>>) -> Option<String> {
    let mut count: IndexMap<&str, usize> = IndexMap::new();
    for o in outcomes {
        if let Outcome::Form(rec) = o {
            if let Some(unit) = rec.data.unit.as_deref() {
                *count.entry(unit).or_default() += 1;
            }
        }
    }
    let most = count.values().max()?;
    count
        .iter()
        .find(|(_, n)| *n == most)
        .map(|(u, _)| u.to_string())
}

/// The key that names a sheet's unit: the sheet itself when it holds several forms, else
/// the prefix of its name.
fn unit_key<'a>(sheet: &'a str, forms_on: &IndexMap<&str, usize>) -> Option<&'a str> {
    match forms_on.get(sheet) {
        Some(&n) if n > 1 => Some(sheet),
        _ => name_prefix(sheet),
    }
}

/// Each outcome's set when sheets name their unit and every set then has each form once.
fn by_sheet_names(
    outcomes: &[Outcome],
    whole: &impl Fn(&Outcome) -> Option<String>,
) -> Option<Vec<usize>> {
    let mut forms_on: IndexMap<&str, usize> = IndexMap::new();
    for o in outcomes.iter().filter(|o| matches!(o, Outcome::Form(_))) {
        *forms_on.entry(sheet_of(o)).or_default() += 1;
    }
    let mut keys: IndexMap<&str, HashSet<String>> = IndexMap::new();
    for o in outcomes {
        let Some(id) = whole(o) else { continue };
        let key = unit_key(sheet_of(o), &forms_on)?;
        if !keys.entry(key).or_default().insert(id) {
            return None;
        }
    }
    if keys.len() < 2 {
        return None;
    }
    let mut last = 0;
    let order = outcomes
        .iter()
        .map(|o| {
            let set = unit_key(sheet_of(o), &forms_on).and_then(|k| keys.get_index_of(k));
            last = set.unwrap_or(last);
            last
        })
        .collect();
    Some(order)
}

/// Each outcome's set when the tables' heads name two units or more (a typo naming no other
/// unit) and every set then has each form once; a sheet naming no unit goes with the sheet
/// before it (the first with the first unit).
fn by_heads(
    outcomes: &[Outcome],
    whole: &impl Fn(&Outcome) -> Option<String>,
) -> Option<Vec<usize>> {
    let mut units: Vec<&str> = Vec::new();
    let named: Vec<Option<usize>> = (outcomes.iter())
        .map(|o| {
            let Outcome::Form(rec) = o else { return None };
            let unit = rec.data.unit.as_deref()?;
            let known = units.iter().position(|u| one_unit(u, unit));
            Some(known.unwrap_or_else(|| {
                units.push(unit);
                units.len() - 1
            }))
        })
        .collect();
    if units.len() < 2 {
        return None;
    }
    let mut last = named.iter().flatten().next().copied().unwrap_or(0);
    let order: Vec<usize> = (named.iter())
        .map(|n| {
            last = n.unwrap_or(last);
            last
        })
        .collect();
    let mut seen: Vec<HashSet<String>> = vec![HashSet::new(); units.len()];
    for (o, &set) in outcomes.iter().zip(&order) {
        if whole(o).is_some_and(|id| !seen[set].insert(id)) {
            return None;
        }
    }
    Some(order)
}

/// Each outcome's set in workbook order: a whole form the current set has starts the next.
fn in_order(outcomes: &[Outcome], whole: &impl Fn(&Outcome) -> Option<String>) -> Vec<usize> {
    let mut seen: Vec<HashSet<String>> = vec![HashSet::new()];
    outcomes
        .iter()
        .map(|o| {
            if let Some(id) = whole(o) {
                if seen.last().is_some_and(|s| s.contains(&id)) {
                    seen.push(HashSet::new());
                }
                seen.last_mut().map(|s| s.insert(id));
            }
            seen.len() - 1
        })
        .collect()
}

/// The name each set goes by: the unit named in its tables' heads, else the prefix its
/// sheets' names share, else 第N套 — whichever no other set goes by as well.
pub(super) fn names(heads: &[Option<String>], sheets: &[Vec<String>]) -> Vec<String> {
    (0..heads.len())
        .map(|i| own_name(heads, sheets, i).unwrap_or_else(|| format!("第{}套", i + 1)))
        .collect()
}

/// Set `i`'s own name: the unit named in its heads, else its sheets' shared prefix, that no
/// other set goes by as well.
fn own_name(heads: &[Option<String>], sheets: &[Vec<String>], i: usize) -> Option<String> {
    let prefixes: Vec<Option<String>> = sheets.iter().map(|s| shared_prefix(s)).collect();
    let alone = |all: &[Option<String>], same: fn(&str, &str) -> bool| {
        all[i].clone().filter(|n| {
            let like = |o: &Option<String>| o.as_deref().is_some_and(|o| same(o, n));
            all.iter().filter(|o| like(o)).count() == 1
        })
    };
    alone(heads, one_unit).or_else(|| alone(&prefixes, |a, b| a == b))
}

/// What a set's sheet names have in common: the one sheet's name (甲单位), their shared
/// beginning up to a separator (甲 of 甲-公开01表 and 甲-公开02表), or the bracket they all
/// end with (乙 of 公开01表（乙） and 公开02表（乙）).
fn shared_prefix(sheets: &[String]) -> Option<String> {
    let first = sheets.first()?;
    if sheets.iter().all(|s| s == first) {
        return Some(first.clone());
    }
    shared_beginning(sheets).or_else(|| shared_bracket(sheets))
}

/// The bracket every name of `sheets` ends with, without its brackets.
fn shared_bracket(sheets: &[String]) -> Option<String> {
    let first = sheets.first()?.trim_end();
    let (_, inside) = first.rsplit_once(['（', '('])?;
    let mark = inside.strip_suffix(['）', ')'])?.trim();
    let ends = |s: &String| {
        let s = s.trim_end().trim_end_matches(['）', ')']);
        s.rsplit_once(['（', '('])
            .is_some_and(|(_, m)| m.trim() == mark)
    };
    (!mark.is_empty() && sheets.iter().all(ends)).then(|| mark.to_string())
}

/// The beginning every name of `sheets` shares, up to a separator.
fn shared_beginning(sheets: &[String]) -> Option<String> {
    let first = sheets.first()?;
    let shared: String = first
        .chars()
        .enumerate()
        .take_while(|&(i, c)| sheets.iter().all(|s| s.chars().nth(i) == Some(c)))
        .map(|(_, c)| c)
        .collect();
    let (name, _) = shared.rsplit_once(PREFIX_ENDS)?;
    let name = name.trim_end_matches(PREFIX_ENDS).trim();
    Some(name.to_string()).filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_set_is_named_for_its_unit_then_its_sheets_then_its_place() {
        let heads = [Some("某某局".to_string()), Some("某某局".to_string())];
        let sheets = [
            owned(&["甲-公开01表", "甲-公开02表"]),
            owned(&["乙-公开01表", "乙-公开02表"]),
        ];
        assert_eq!(names(&heads, &sheets), ["甲", "乙"]);
        let heads = [Some("某某局".to_string()), Some("某某中心".to_string())];
        assert_eq!(names(&heads, &sheets), ["某某局", "某某中心"]);
        let sheets = [
            owned(&["公开01表（甲）", "公开02表（甲）"]),
            owned(&["公开01表(乙)", "公开02表(乙)"]),
        ];
        assert_eq!(names(&[None, None], &sheets), ["甲", "乙"]);
        let sheets = [
            owned(&["公开01表", "公开02表"]),
            owned(&["Sheet3", "Sheet4"]),
        ];
        assert_eq!(names(&[None, None], &sheets), ["第1套", "第2套"]);
        assert_eq!(
            names(&[None, None], &[owned(&["甲单位"]), owned(&["乙单位"])]),
            ["甲单位", "乙单位"]
        );
        // A typo in one set's heads names no other unit.
        let typo = [
            Some("株洲市长株潭一体化发展事务中心".to_string()),
            Some("株州市长株潭一体化发展事务中心".to_string()),
        ];
        let plain = [owned(&["公开01表"]), owned(&["公开02表"])];
        assert_eq!(names(&typo, &plain), ["公开01表", "公开02表"]);
        let sheets = [
            owned(&["公开01表", "公开02表"]),
            owned(&["Sheet3", "Sheet4"]),
        ];
        assert_eq!(names(&typo, &sheets), ["第1套", "第2套"]);
    }
}
