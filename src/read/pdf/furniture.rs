//! Finds a PDF's running page furniture: the lines a word processor prints in every page's header or footer margin (the document's title, a date, 内部资料, `第 3 页 共 25 页`), told by their printing at one height on several pages, any number in them counting with the pages.
//!
//! Only the few lines at a page's top and foot, outside its tables, are candidates; a line
//! that heads a table (a title ending in 表, a 表号, a unit line) is no furniture even when
//! repeated: a spreadsheet's print titles repeat it on every page of that table, and the
//! first printing is the table's heading.

use std::collections::HashSet;

use super::super::blocks::Block;
use super::super::document::is_unit_line;

/// A block of a page with where it was printed: its top, and for a line its bottom, in
/// points from the page's top.
#[derive(Debug)]
pub(crate) struct Placed {
    pub top: f64,
    pub block: Block,
}

/// A page's blocks, top to bottom, and the page's height.
#[derive(Debug)]
pub(crate) struct PlacedPage {
    pub height: f64,
    pub items: Vec<Placed>,
}

/// Most lines a running header or footer has.
const MAX_FURNITURE_LINES: usize = 3;
/// Two printings of a running line stand this close in height (points).
const SAME_HEIGHT: f64 = 2.0;

/// One candidate line: where (page index, item index), its height from the page's top or
/// foot, its text without spaces and numbers, and its numbers as printed.
struct Candidate {
    at: (usize, usize),
    height: f64,
    shape: String,
    numbers: Vec<String>,
}

/// The (page index, item index) of every running line of `pages`.
pub(crate) fn running_lines(pages: &[PlacedPage]) -> HashSet<(usize, usize)> {
    let mut candidates: Vec<Candidate> = pages
        .iter()
        .enumerate()
        .flat_map(|(p, page)| page_candidates(p, page))
        .collect();
    candidates.sort_by(|a, b| a.shape.cmp(&b.shape).then(a.height.total_cmp(&b.height)));
    let mut out = HashSet::new();
    for group in candidates.chunk_by(|a, b| a.shape == b.shape && b.height - a.height < SAME_HEIGHT)
    {
        if is_running(group) {
            out.extend(group.iter().map(|c| c.at));
        }
    }
    out
}

/// The lines at the top of page `p` above its first table and at its foot below its last,
/// at most [`MAX_FURNITURE_LINES`] each; a page of text only has both.
fn page_candidates(p: usize, page: &PlacedPage) -> Vec<Candidate> {
    let is_line = |i: &usize| matches!(page.items[*i].block, Block::Line(_));
    let n = page.items.len();
    let top = (0..n).take_while(is_line).take(MAX_FURNITURE_LINES);
    let foot = (0..n).rev().take_while(is_line).take(MAX_FURNITURE_LINES);
    let mut indexes: Vec<usize> = top.collect();
    let from_top = indexes.clone();
    indexes.extend(foot.filter(|i| !from_top.contains(i)));
    indexes
        .into_iter()
        .filter_map(|i| {
            let Block::Line(line) = &page.items[i].block else {
                return None;
            };
            let top = page.items[i].top;
            let height = match from_top.contains(&i) {
                true => top,
                false => top - page.height,
            };
            let (shape, numbers) = shape(&line.text);
            (!heads_a_table(&shape)).then_some(Candidate {
                at: (p, i),
                height,
                shape,
                numbers,
            })
        })
        .collect()
}

/// A line's text without spaces, each run of digits as `#`, and those runs.
fn shape(text: &str) -> (String, Vec<String>) {
    let mut shape = String::new();
    let mut numbers: Vec<String> = Vec::new();
    let mut in_number = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        match (c.is_ascii_digit(), in_number) {
            (true, true) => numbers.last_mut().into_iter().for_each(|n| n.push(c)),
            (true, false) => {
                shape.push('#');
                numbers.push(c.to_string());
            }
            (false, _) => shape.push(c),
        }
        in_number = c.is_ascii_digit();
    }
    (shape, numbers)
}

/// A table's title or 表号 (ending in 表), a unit line or a line of fields (`部门：…
/// 金额单位：万元`, repeated by a spreadsheet's print titles): a table's heading.
fn heads_a_table(shape: &str) -> bool {
    shape.ends_with('表') || is_unit_line(shape) || shape.contains(['：', ':'])
}

/// Whether the printings of one line at one height are running furniture: on two pages or
/// more, each of its numbers the same on every page or counting with the pages (a page
/// number, never written with a leading zero).
fn is_running(group: &[Candidate]) -> bool {
    let pages: HashSet<usize> = group.iter().map(|c| c.at.0).collect();
    if pages.len() < 2 || pages.len() < group.len() {
        return false;
    }
    let count = group[0].numbers.len();
    (0..count).all(|k| {
        let printed: Vec<&str> = group.iter().map(|c| c.numbers[k].as_str()).collect();
        printed.iter().all(|n| *n == printed[0]) || counts_pages(group, k)
    })
}

/// Whether number `k` of each printing is its page's index plus one same offset.
fn counts_pages(group: &[Candidate], k: usize) -> bool {
    let offsets: Option<Vec<i64>> = group
        .iter()
        .map(|c| {
            let n = &c.numbers[k];
            let value: i64 = n.parse().ok().filter(|_| !n.starts_with('0'))?;
            Some(value - c.at.0 as i64)
        })
        .collect();
    offsets.is_some_and(|o| o.iter().all(|v| *v == o[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::blocks::{Line, TableGrid};

    fn page(lines: &[(f64, &str)], table_at: Option<f64>) -> PlacedPage {
        let mut items: Vec<Placed> = lines
            .iter()
            .map(|(top, text)| Placed {
                top: *top,
                block: Block::Line(Line::new(*text, None)),
            })
            .collect();
        if let Some(top) = table_at {
            items.push(Placed {
                top,
                block: Block::Table(TableGrid::default()),
            });
        }
        items.sort_by(|a, b| a.top.total_cmp(&b.top));
        PlacedPage {
            height: 842.0,
            items,
        }
    }

    /// The document's title and `第 n 页` printed at one height on every page are furniture;
    /// a table's title, 表号, unit line and line of fields repeated there, and a line whose number does not
    /// count the pages, are not.
    #[test]
    fn lines_repeated_at_one_height_counting_pages_are_furniture() {
        let pages: Vec<PlacedPage> = (1..=3)
            .map(|n| {
                let footer = format!("第 {n} 页 共 3 页");
                let form = format!("公开0{n}表");
                let other = format!("附注{}", n * 7);
                page(
                    &[
                        (40.0, "某某局2023年度部门决算公开"),
                        (72.0, "支出决算表"),
                        (90.0, &form),
                        (100.0, "单位：万元"),
                        (60.0, "部门：某某中心    金额单位：万元"),
                        (780.0, &other),
                        (800.0, &footer),
                    ],
                    Some(120.0),
                )
            })
            .collect();
        let found = running_lines(&pages);
        let mut want: HashSet<(usize, usize)> = HashSet::new();
        for p in 0..3 {
            want.insert((p, 0));
            want.insert((p, 7));
        }
        assert_eq!(found, want);
    }
}
