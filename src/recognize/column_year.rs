//! The year a form's dated columns (2022年决算数 | 2023年预算数 | 2023年决算数) are read with:
//! the title's, unless the sheet's texts date them all by one other year.

use std::collections::BTreeSet;

use super::{with_year, year_anywhere, Reader};
use crate::form::{Form, GridCellDef};
use crate::normalize::label_key;

/// The year `{year}` and `{prev_year}` stand for in `rd`'s form: the title's; but when the
/// sheet's texts name more of its dated columns by one other year (last year's form with only
/// its title brought up to date, or a title without a year), that year, so the columns are
/// read as the sheet heads them.
pub(crate) fn columns_year(rd: &Reader) -> Option<String> {
    let title = rd.data.year.as_deref();
    let found = rd
        .implied_years
        .get_or_init(|| implied_years(rd, &dated_texts(rd.form)));
    let of = |year: Option<i32>| {
        (found.iter())
            .find(|(y, _)| Some(*y) == year)
            .map_or(0, |(_, n)| *n)
    };
    let best = found.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let mut leaders = found.iter().filter(|(_, n)| *n == best);
    match (leaders.next(), leaders.next()) {
        (Some((year, _)), None) if of(title.and_then(|t| t.parse().ok())) < best => {
            Some(year.to_string())
        }
        _ => title.map(str::to_string),
    }
}

/// The texts of `form` naming a column or a cell by its year (`{prev_year}年决算数`).
fn dated_texts(form: &Form) -> Vec<&str> {
    let mut out = Vec::new();
    for b in &form.blocks {
        out.extend(b.header.iter().flatten().map(|h| h.text()));
        for c in b.panels.iter().flat_map(|p| &p.columns) {
            out.extend(c.label.as_deref());
            out.extend(c.aliases.iter().map(String::as_str));
        }
        for cell in b.grid.iter().flatten() {
            if let GridCellDef::Cell { text, aliases, .. } = cell {
                out.extend(text.as_deref());
                out.extend(aliases.iter().map(String::as_str));
            }
        }
    }
    out.retain(|t| t.contains("{year}") || t.contains("{prev_year}"));
    out
}

/// Each year the sheet's texts may give `{year}`, with how many of the `dated` texts they
/// show with it (2022年决算数 | 2023年预算数 | 2023年决算数: three with 2023, one with 2024, as
/// 2023年决算数 may be `{prev_year}年决算数`), in order of the years.
fn implied_years(rd: &Reader, dated: &[&str]) -> Vec<(i32, usize)> {
    let mut shown: BTreeSet<(i32, usize)> = BTreeSet::new();
    if dated.is_empty() {
        return Vec::new();
    }
    for (_, _, cell) in rd.sheet.cells() {
        let Some(k) = cell.as_text().map(label_key) else {
            continue;
        };
        let Some(y) = year_anywhere(&k).and_then(|y| y.parse::<i32>().ok()) else {
            continue;
        };
        for base in [y, y + 1] {
            let year = base.to_string();
            let reads = |d: &&str| with_year(d, Some(&year)).is_some_and(|w| label_key(&w) == k);
            shown.extend(dated.iter().position(reads).map(|i| (base, i)));
        }
    }
    let mut out: Vec<(i32, usize)> = Vec::new();
    for (year, _) in shown {
        match out.last_mut() {
            Some((y, n)) if *y == year => *n += 1,
            _ => out.push((year, 1)),
        }
    }
    out
}
