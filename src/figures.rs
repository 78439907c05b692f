//! A workbook at a glance for a reviewer: its unit, year and family, and the key figures its
//! form definitions name (本年收入合计, 财政拨款, 三公合计, 总分 …), read from their cells.

use crate::calc::{Book, Calc};
use crate::expr::Val;
use crate::form::{Catalog, Family};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Serialize;

/// What a reviewer's summary row says of one workbook.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Glance {
    /// The unit most tables name.
    pub unit: Option<String>,
    /// The year most tables state.
    pub year: Option<String>,
    /// The family most forms belong to.
    pub family: Option<Family>,
    /// Each key figure by name, as filled (or as computed, where the cell was left blank).
    pub figures: IndexMap<String, Decimal>,
}

/// The names of every key figure of the catalog, in the order of the forms: the columns of a
/// summary.
pub fn names(catalog: &Catalog) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for figure in catalog.forms.iter().flat_map(|f| &f.figures) {
        if !names.contains(&figure.name) {
            names.push(figure.name.clone());
        }
    }
    names
}

/// The glance at a recognised and computed workbook.
pub fn glance(book: &Book, calc: &Calc) -> Glance {
    let forms = || book.forms.iter();
    Glance {
        unit: usual(forms().filter_map(|(_, d)| d.unit.as_deref())),
        year: workbook_year(forms().filter_map(|(_, d)| d.year.as_deref())).map(str::to_string),
        family: usual(forms().map(|(f, _)| f.family)),
        figures: figures(book, calc),
    }
}

/// The most common of `values` (on a tie, the first met).
pub fn usual<T: PartialEq + Clone, V: Into<T>>(values: impl Iterator<Item = V>) -> Option<T> {
    let mut tally: Vec<(T, usize)> = Vec::new();
    for v in values {
        let v = v.into();
        match tally.iter_mut().find(|(t, _)| *t == v) {
            Some((_, n)) => *n += 1,
            None => tally.push((v, 1)),
        }
    }
    let most = tally.iter().map(|(_, n)| *n).max()?;
    tally.into_iter().find(|(_, n)| *n == most).map(|(t, _)| t)
}

/// The year of a workbook from the years its tables state: the most common, unless a table
/// states the year after it. That is a workbook copied from last year's with only some tables'
/// years brought up to date: a year copied is left a year behind, none is set a year ahead.
pub fn workbook_year<'a>(years: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    let usual: &str = usual(years.clone())?;
    let next = year_number(usual).map(|n| n + 1);
    let mut years = years;
    years
        .find(|y| next.is_some() && year_number(y) == next)
        .or(Some(usual))
}

/// The number of a year as a table states it (`2024`, `2024年`).
pub fn year_number(year: &str) -> Option<i32> {
    year.trim_end_matches('年').trim().parse().ok()
}

fn figures(book: &Book, calc: &Calc) -> IndexMap<String, Decimal> {
    let mut out = IndexMap::new();
    for (fi, (form, _)) in book.forms.iter().enumerate() {
        for figure in &form.figures {
            let Ok(cell) = book.cell_named(fi, &figure.cell) else {
                continue;
            };
            if let Val::Num(d) = value_at(book, calc, &cell) {
                out.entry(figure.name.clone()).or_insert(d);
            }
        }
    }
    out
}

/// The value at `cell` as filled, or as computed where the clerk left it blank.
pub fn value_at(book: &Book, calc: &Calc, cell: &crate::expr::CellId) -> Val {
    let filled = book.input(cell);
    match (&filled, calc.resolved(cell)) {
        (Val::Blank, Some(computed)) => computed.clone(),
        _ => filled,
    }
}

/// A year written in a file's name (`2024决算-某局.xlsx`), for when its tables state none.
pub fn year_in_name(path: &std::path::Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let digits: Vec<char> = name.chars().collect();
    digits.windows(4).find_map(|w| {
        let s: String = w.iter().collect();
        let year: u32 = s.parse().ok()?;
        (2000..2100).contains(&year).then_some(s)
    })
}
