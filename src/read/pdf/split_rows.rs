//! A rule drawn across a few columns only (a tall merged cell ending in the middle of a row, as Word prints a vertically merged cell cut by a page) splits the row it crosses in two grid rows: the lower one, blank, is no row of the table.

use super::super::blocks::TableGrid;
use crate::read::Merge;

/// Joins each blank grid row that most columns' boxes cross from the row above (the rest
/// of a row a partial rule split) to the row above: the boxes crossing it end a row higher.
pub(super) fn join_split_rows(table: &mut TableGrid) {
    for row in (1..table.rows.len()).rev() {
        if is_split_off(table, row) {
            remove_row(table, row);
        }
    }
}

/// Whether grid row `row` is blank and more of its columns lie in boxes reaching down into
/// it from above than in boxes of its own (a blank row of cells is a row).
fn is_split_off(table: &TableGrid, row: usize) -> bool {
    if table.rows[row].iter().any(|c| !c.trim().is_empty()) {
        return false;
    }
    let r = row as u32;
    let width = table.rows[row].len() as u16;
    let box_at = |c: u16| table.merges.iter().find(|m| m.contains(r, c));
    let (mut from_above, mut own) = (0, 0);
    for c in 0..width {
        match box_at(c) {
            Some(m) if m.first_row < r => from_above += 1,
            Some(m) if m.last_row > r => {}
            _ => own += 1,
        }
    }
    from_above > own
}

/// Removes grid row `row`: the boxes over it lose it, those below move up a row.
fn remove_row(table: &mut TableGrid, row: usize) {
    table.rows.remove(row);
    table.pages.remove(row);
    if row < table.row_spans.len() {
        let (_, bottom) = table.row_spans.remove(row);
        if let Some(above) = row.checked_sub(1).and_then(|r| table.row_spans.get_mut(r)) {
            above.1 = bottom;
        }
    }
    let r = row as u32;
    table.merges.retain(|m| (m.first_row, m.last_row) != (r, r));
    for m in &mut table.merges {
        if m.first_row > r {
            m.first_row -= 1;
        }
        if m.last_row >= r {
            m.last_row -= 1;
        }
    }
    table
        .merges
        .retain(|m: &Merge| (m.first_row, m.first_col) != (m.last_row, m.last_col));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]], merges: &[(u32, u16, u32, u16)]) -> TableGrid {
        super::super::grid::test_grid(rows, merges, 1)
    }

    /// A cell of column A ends in the middle of the second row: the blank strip under its
    /// rule goes back to that row, whose boxes end a row higher; a blank row of cells stays.
    #[test]
    fn a_row_split_by_a_rule_in_one_column_is_one_row() {
        let mut t = table(
            &[
                &["（万元）", "数量指标", "召开会议", "1个", "3.5"],
                &["", "", "融城干道", "2个", "3.5"],
                &["", "", "", "", ""],
                &["", "", "长株潭", "1个", "3.5"],
            ],
            &[
                (0, 0, 1, 0),
                (0, 1, 3, 1),
                (1, 2, 2, 2),
                (1, 3, 2, 3),
                (1, 4, 2, 4),
                (2, 0, 3, 0),
            ],
        );
        join_split_rows(&mut t);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1], ["", "", "融城干道", "2个", "3.5"]);
        let mut merges: Vec<String> = t.merges.iter().map(|m| m.to_string()).collect();
        merges.sort();
        assert_eq!(merges, ["A1:A2", "B1:B3"]);
        let mut spare = table(&[&["合计", "1"], &["", ""], &["", ""]], &[(0, 0, 2, 0)]);
        join_split_rows(&mut spare);
        assert_eq!(spare.rows.len(), 3);
    }
}
