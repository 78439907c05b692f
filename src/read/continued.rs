//! Joins what a Word document types as one table continued by hand: a second table under a `续表` line, or under nothing but its header rows typed again, and header rows typed again inside a table — read as the one table they print.

use super::blocks::{is_continuation_mark, Block, TableGrid};
use super::pdf::{append_typed_continuation, typed_header_rows};
use super::Merge;

/// The blocks of a Word document with each continued table joined to the table it goes on
/// from (the `续表` lines between them dropped).
pub(crate) fn join_continued(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut between: Vec<Block> = Vec::new();
    for block in blocks {
        let Block::Table(table) = block else {
            between.push(block);
            continue;
        };
        let table = without_inner_headers(table);
        match out.last_mut() {
            Some(Block::Table(prev)) if continues(prev, &between, &table) => {
                append_typed_continuation(prev, table);
                between.clear();
            }
            _ => {
                out.append(&mut between);
                out.push(Block::Table(table));
            }
        }
    }
    out.append(&mut between);
    out
}

/// Whether `next` goes on from `prev`, `between` them: the same columns, nothing but page
/// breaks and `续表` lines between, and a `续表` line or `prev`'s header rows typed again on
/// top of `next`.
fn continues(prev: &TableGrid, between: &[Block], next: &TableGrid) -> bool {
    let marks = between.iter().all(|b| match b {
        Block::Line(l) => is_continuation_mark(&l.text),
        Block::PageBreak => true,
        Block::Table(_) => false,
    });
    let marked = between
        .iter()
        .any(|b| matches!(b, Block::Line(l) if is_continuation_mark(&l.text)));
    marks
        && prev.width() == next.width()
        && (marked || typed_header_rows(&prev.rows, &next.rows) > 0)
}

/// `table` with each block of its header rows typed again below its rows joined as a
/// continuation (those rows dropped).
fn without_inner_headers(mut table: TableGrid) -> TableGrid {
    let Some(at) =
        (1..table.rows.len()).find(|&k| typed_header_rows(&table.rows[..k], &table.rows[k..]) > 0)
    else {
        return table;
    };
    let rest = split_off(&mut table, at);
    append_typed_continuation(&mut table, without_inner_headers(rest));
    table
}

/// Splits `table` before row `at`: the rows from it on, as a table of their own, with their
/// part of the merges.
fn split_off(table: &mut TableGrid, at: usize) -> TableGrid {
    let cut = at as u32;
    let mut rest = TableGrid {
        rows: table.rows.split_off(at),
        columns: table.columns.clone(),
        ..TableGrid::default()
    };
    if table.pages.len() > at {
        rest.pages = table.pages.split_off(at);
    }
    let shifted = |m: &Merge, first: u32, last: u32| Merge {
        first_row: first,
        last_row: last,
        ..*m
    };
    rest.merges = table
        .merges
        .iter()
        .filter(|m| m.last_row >= cut)
        .map(|m| shifted(m, m.first_row.max(cut) - cut, m.last_row - cut))
        .collect();
    table.merges = table
        .merges
        .iter()
        .filter(|m| m.first_row < cut)
        .map(|m| shifted(m, m.first_row, m.last_row.min(cut - 1)))
        .collect();
    rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::blocks::Line;

    fn table(rows: &[&[&str]]) -> TableGrid {
        TableGrid {
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            ..TableGrid::default()
        }
    }

    const HEADER: &[&str] = &["一级指标", "二级指标", "三级指标", "分值", "得分"];

    #[test]
    fn a_table_under_a_continuation_mark_goes_on_without_its_repeated_header() {
        let first = table(&[HEADER, &["产出指标", "数量指标", "人数", "10", "9"]]);
        let second = table(&[HEADER, &["效益指标", "社会效益", "满意度", "20", "18"]]);
        let blocks = vec![
            Block::Table(first),
            Block::PageBreak,
            Block::Line(Line::new("续表", None)),
            Block::Table(second),
        ];
        let joined = join_continued(blocks);
        assert_eq!(joined.len(), 1);
        let Block::Table(t) = &joined[0] else {
            panic!("a table")
        };
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[2][0], "效益指标");
    }

    #[test]
    fn header_rows_typed_again_inside_a_table_are_read_once() {
        let t = table(&[
            HEADER,
            &["产出指标", "数量指标", "人数", "10", "9"],
            HEADER,
            &["效益指标", "社会效益", "满意度", "20", "18"],
        ]);
        let joined = join_continued(vec![Block::Table(t)]);
        let Block::Table(t) = &joined[0] else {
            panic!("a table")
        };
        assert_eq!(t.rows.len(), 3);
    }

    #[test]
    fn rows_of_words_met_twice_and_tables_under_other_lines_stay_as_they_are() {
        let words: &[&str] = &["", "", "", "社会成本指标", ""];
        let t = table(&[HEADER, words, &["a", "b", "c", "1", "1"], words]);
        let other = table(&[HEADER, &["x", "y", "z", "2", "2"]]);
        let blocks = vec![
            Block::Table(t),
            Block::Line(Line::new("表二 另一张表", None)),
            Block::Table(other),
        ];
        let joined = join_continued(blocks);
        assert_eq!(joined.len(), 3);
        let Block::Table(t) = &joined[0] else {
            panic!("a table")
        };
        assert_eq!(t.rows.len(), 4);
    }
}
