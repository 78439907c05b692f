//! A sheet printed wider than the page without fit-to-width: the spreadsheet prints "down,
//! then over" — first every page of the left-hand columns, then every page of the right-hand
//! columns of the same rows, in the same row positions. Such a column part is kept apart
//! while the pages are read and joined beside the table it goes on at the end.

use super::super::blocks::{Block, ColumnPage, TableGrid};
use super::super::ColumnNames;
use super::grid;
use super::merge;

/// Whether `next`, opening a page right after `prev` (the table closing the page before),
/// holds further columns of the rows `prev` printed on its first page: standing as high as
/// they do, opening with header rows of words of its own (not `prev`'s repeated) and
/// no form's title — the columns' names — rather than with body rows going on; and these
/// names, as `names` knows the forms, further columns of `prev`'s form: a page of another
/// form may stand as high.
pub(super) fn opens_column_part(
    prev: &TableGrid,
    next: &TableGrid,
    names: &dyn ColumnNames,
) -> bool {
    next.pages.first() > prev.pages.last()
        && same_height(prev, next)
        && grid::repeated_header(prev, next) == 0
        && opens_with_names(next)
        && !next.rows.iter().flatten().any(|c| names_a_form(c))
        && names.names_further_columns(&header_words(prev), &header_words(next))
}

/// The words of a table's header: its cells of text above its first row holding a figure
/// (the 栏次 row's numbers end it too), as often as cells show them.
fn header_words(table: &TableGrid) -> Vec<String> {
    let header = (table.rows.iter()).take_while(|row| !row.iter().any(|c| is_figure_cell(c)));
    header
        .flatten()
        .map(|c| squeeze(c))
        .filter(|w| is_word(w))
        .collect()
}

/// Whether `next` stands as high as the rows `prev` printed on its first page: from the
/// same top rule to the same bottom rule, or as many rows when the rules are unknown.
fn same_height(prev: &TableGrid, next: &TableGrid) -> bool {
    let first_page = prev.pages.first().copied();
    let on_first = prev
        .pages
        .iter()
        .filter(|&&p| Some(p) == first_page)
        .count();
    let known = |t: &TableGrid| !t.rows.is_empty() && t.row_spans.len() == t.rows.len();
    if !known(prev) || !known(next) {
        return next.rows.len() == on_first;
    }
    let near = |a: f64, b: f64| (a - b).abs() < grid::SNAP;
    let (top, bottom) = (prev.row_spans[0].0, prev.row_spans[on_first - 1].1);
    let (next_top, next_bottom) = (next.row_spans[0].0, next.row_spans[next.rows.len() - 1].1);
    near(top, next_top) && near(bottom, next_bottom)
}

/// Whether the table's first filled rows hold words and no figure before any row with one.
fn opens_with_names(table: &TableGrid) -> bool {
    let filled = |row: &&Vec<String>| row.iter().any(|c| !c.trim().is_empty());
    let Some(first) = table.rows.iter().find(filled) else {
        return false;
    };
    first.iter().any(|c| is_word(c)) && !first.iter().any(|c| is_figure_cell(c))
}

/// A cell of a figure: some text that is a number.
fn is_figure_cell(text: &str) -> bool {
    grid::is_figure(text.trim()) && !is_word(text)
}

/// A cell of words: some text that is no number.
fn is_word(text: &str) -> bool {
    let t = text.trim();
    !t.is_empty() && !grid::is_figure(t)
}

/// A form's title (`收入决算表`), printed only over a table's first columns.
fn names_a_form(text: &str) -> bool {
    let t: String = text.split_whitespace().collect();
    t.chars().count() >= 3 && t.ends_with('表') && !t.contains(['：', ':'])
}

/// Joins each column part (`parts`: indices into `blocks`, ascending) beside the table
/// before it, each of its rows beside the rows printed at the same height on the matching
/// page, dropping the lines between them that repeat the lines above that table (print
/// titles); a part whose rows cannot be paired so is left as a table of its own, marked with
/// the pages of the table it goes with.
pub(super) fn join_column_parts(blocks: &mut Vec<Block>, parts: &[usize]) {
    for &at in parts.iter().rev() {
        let Some(left) = (0..at)
            .rev()
            .find(|&i| matches!(blocks[i], Block::Table(_)))
        else {
            continue;
        };
        let (Block::Table(l), Block::Table(r)) = (&blocks[left], &blocks[at]) else {
            continue;
        };
        let Some(pairs) = pairing(l, r) else {
            let pages = distinct(&l.pages);
            if let Block::Table(r) = &mut blocks[at] {
                r.columns_of = pages;
            }
            continue;
        };
        let Block::Table(right) = blocks.remove(at) else {
            continue;
        };
        if let Block::Table(l) = &mut blocks[left] {
            join_beside(l, right, &pairs);
        }
        lift_lines(blocks, left);
    }
}

/// Where a row of a column part goes: the first and the last row of the table its box
/// stands beside (a box over several of them when the part draws no rule between them).
type Beside = Option<(usize, usize)>;

/// For each row of `right`, the rows of `left` it stands beside: page by page (the n-th page
/// of the part with the n-th page of the table), by the rows' top and bottom rules; by order
/// when the rules are unknown. None when the pages do not pair or a row holding text stands
/// beside no row.
fn pairing(left: &TableGrid, right: &TableGrid) -> Option<Vec<Beside>> {
    let known = |t: &TableGrid| t.row_spans.len() == t.rows.len();
    if !known(left) || !known(right) {
        let same = left.rows.len() == right.rows.len();
        return same.then(|| (0..right.rows.len()).map(|r| Some((r, r))).collect());
    }
    let (left_pages, right_pages) = (distinct(&left.pages), distinct(&right.pages));
    if left_pages.len() != right_pages.len() {
        return None;
    }
    let page_of = |p: u32| right_pages.iter().position(|&q| q == p);
    let mut pairs = Vec::new();
    for (r, &(top, bottom)) in right.row_spans.iter().enumerate() {
        let page = page_of(right.pages[r]).map(|n| left_pages[n]);
        let rows = (0..left.rows.len()).filter(|&i| Some(left.pages[i]) == page);
        let at = |edge: fn(&(f64, f64)) -> f64, y: f64| {
            rows.clone()
                .find(|&i| (edge(&left.row_spans[i]) - y).abs() < grid::SNAP)
        };
        let beside = at(|s| s.0, top).zip(at(|s| s.1, bottom));
        match beside {
            Some((first, last)) if first <= last => pairs.push(Some((first, last))),
            _ if right.rows[r].iter().all(|c| c.trim().is_empty()) => pairs.push(None),
            _ => return None,
        }
    }
    Some(pairs)
}

/// The pages, each once, in order.
fn distinct(pages: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = pages.to_vec();
    out.dedup();
    out
}

/// The rows of `right` put right of the rows of `left` they stand beside (`pairs`), each of
/// its cells keeping the page it was printed on.
fn join_beside(left: &mut TableGrid, right: TableGrid, pairs: &[Beside]) {
    let width = left.width();
    let right_width = usize::from(right.width());
    for row in &mut left.rows {
        row.resize(usize::from(width) + right_width, String::new());
    }
    let shift = |c: u16| c + width;
    for (r, (row, &page)) in right.rows.iter().zip(&right.pages).enumerate() {
        let Some((first, last)) = pairs[r] else {
            continue;
        };
        for (c, text) in row.iter().enumerate() {
            left.rows[first][usize::from(width) + c].clone_from(text);
            let boxed = right.merges.iter().any(|m| m.contains(r as u32, c as u16));
            if last > first && !boxed {
                let col = shift(c as u16);
                left.merges.push(merge(first as u32, col, last as u32, col));
            }
        }
        left.column_pages.push(ColumnPage {
            row: first,
            first_col: width,
            page,
        });
    }
    let first_of = |r: u32| pairs.get(r as usize).copied().flatten().map(|p| p.0 as u32);
    let last_of = |r: u32| pairs.get(r as usize).copied().flatten().map(|p| p.1 as u32);
    for m in &right.merges {
        if let (Some(first), Some(last)) = (first_of(m.first_row), last_of(m.last_row)) {
            left.merges
                .push(merge(first, shift(m.first_col), last, shift(m.last_col)));
        }
    }
    left.column_pages
        .extend(right.column_pages.iter().filter_map(|c| {
            let (row, _) = pairs.get(c.row).copied().flatten()?;
            Some(ColumnPage {
                row,
                first_col: shift(c.first_col),
                page: c.page,
            })
        }));
    if let (Some(&end), Some(&start)) = (left.columns.last(), right.columns.first()) {
        left.columns
            .extend(right.columns.iter().skip(1).map(|x| x - start + end));
    }
}

/// The lines after the table at `left` (up to the next table), printed over its column part:
/// dropped where they repeat a line right above the table (print titles), else put right
/// above it — a title centred over the whole sheet prints over its right-hand columns.
fn lift_lines(blocks: &mut Vec<Block>, left: usize) {
    let above = |blocks: &[Block]| -> Vec<String> {
        let lines = blocks.iter().rev().map_while(|b| match b {
            Block::Line(l) => Some(squeeze(&l.text)),
            _ => None,
        });
        lines.collect()
    };
    let mut at = left;
    while let Some(Block::Line(l)) = blocks.get(at + 1) {
        let repeated = above(&blocks[..at]).contains(&squeeze(&l.text));
        let line = blocks.remove(at + 1);
        if !repeated {
            blocks.insert(at, line);
            at += 1;
        }
    }
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::ByPrintAlone;
    use grid::test_grid;

    fn paged(rows: &[&[&str]], page: u32) -> TableGrid {
        test_grid(rows, &[], page)
    }

    #[test]
    fn the_right_hand_columns_on_a_later_page_go_beside_their_rows() {
        let left = paged(&[&["科目名称", "合计"], &["一般公共服务支出", "10.00"]], 1);
        let right = paged(&[&["其他收入", ""], &["6.20", ""]], 2);
        assert!(opens_column_part(&left, &right, &ByPrintAlone));
        let mut blocks = vec![Block::Table(left), Block::Table(right)];
        join_column_parts(&mut blocks, &[1]);
        let [Block::Table(t)] = &blocks[..] else {
            panic!("one table: {blocks:?}")
        };
        assert_eq!(t.rows[1], ["一般公共服务支出", "10.00", "6.20", ""]);
        assert!(t.column_pages.contains(&ColumnPage {
            row: 1,
            first_col: 2,
            page: 2
        }));
    }

    /// Forms none of whose columns a page names.
    struct NoColumns;

    impl ColumnNames for NoColumns {
        fn names_further_columns(&self, _: &[String], _: &[String]) -> bool {
            false
        }
    }

    #[test]
    fn a_page_naming_no_missing_columns_of_a_form_is_no_column_part() {
        let left = paged(&[&["科目名称", "合计"], &["一般公共服务支出", "10.00"]], 1);
        let right = paged(&[&["其他收入", ""], &["6.20", ""]], 2);
        assert!(opens_column_part(&left, &right, &ByPrintAlone));
        assert!(!opens_column_part(&left, &right, &NoColumns));
    }

    #[test]
    fn rows_going_on_or_a_new_form_are_no_column_part() {
        let left = paged(&[&["科目名称", "合计"], &["201 支出", "10.00"]], 1);
        let going_on = paged(&[&["208 支出", "3.00"], &["210 支出", "4.00"]], 2);
        assert!(!opens_column_part(&left, &going_on, &ByPrintAlone));
        let new_form = paged(&[&["支出决算表", ""], &["科目", "合计"]], 2);
        assert!(!opens_column_part(&left, &new_form, &ByPrintAlone));
    }

    #[test]
    fn a_part_of_other_rows_is_left_apart_and_said() {
        let left = paged(&[&["科目名称", "合计"], &["支出", "10.00"]], 1);
        let right = paged(&[&["其他收入"], &["6.20"], &["1.00"]], 3);
        let mut blocks = vec![Block::Table(left), Block::Table(right)];
        join_column_parts(&mut blocks, &[1]);
        let [_, Block::Table(apart)] = &blocks[..] else {
            panic!("two tables: {blocks:?}")
        };
        assert_eq!(apart.columns_of, [1]);
    }
}
