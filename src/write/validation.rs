//! Data validation of input cells: numbers where amounts, numbers and rates are typed (one rule
//! per rectangle of neighbouring cells), scores between 0 and their row's 分值.

use super::{Placement, WriteError};
use crate::calc::Book;
use crate::expr::CellId;
use crate::form::ColKind;
use crate::layout::a1;
use crate::model::{FastIndexMap, FastMap};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Formula, Worksheet,
};

/// A block of cells: first row, first column, last row, last column (0-based, inclusive).
pub type Rect = (u32, u16, u32, u16);

/// The input cells of one sheet, gathered while it is written and validated when it is done:
/// a table of 10,000 rows has tens of thousands of input cells, and one rule over a block of
/// them is what Excel itself stores for a filled-down validation.
#[derive(Default)]
pub(super) struct InputCells {
    /// Amount, number and rate cells, by kind, in the order first met.
    numeric: FastIndexMap<ColKind, Vec<(u32, u16)>>,
    /// Score cells: each has its own bound, its row's 分值.
    scores: Vec<(CellId, u32, u16)>,
}

impl InputCells {
    /// Note the input cell `id` of `kind` at `at`; kinds typed as text are not validated.
    pub(super) fn add(&mut self, kind: ColKind, id: &CellId, at: (u32, u16)) {
        match kind {
            ColKind::Amount | ColKind::Number | ColKind::Rate => {
                self.numeric.entry(kind).or_default().push(at);
            }
            ColKind::Score => self.scores.push((id.clone(), at.0, at.1)),
            _ => {}
        }
    }

    /// Add the validations of the cells noted to `ws`, form `fi` of `placement`: each numeric
    /// kind's rule is built once per sheet and laid over its blocks.
    pub(super) fn finish(
        self,
        ws: &mut Worksheet,
        book: &Book,
        placement: &Placement,
        fi: usize,
    ) -> Result<(), WriteError> {
        for (kind, cells) in self.numeric {
            let dv = numeric_validation(kind)?;
            for (r1, c1, r2, c2) in rectangles(cells) {
                ws.add_data_validation(r1, c1, r2, c2, &dv)?;
            }
        }
        for (id, row, col) in self.scores {
            let dv = score_validation(book, placement, fi, &id, (row, col))?;
            ws.add_data_validation(row, col, row, col, &dv)?;
        }
        Ok(())
    }
}

/// Disjoint rectangles covering exactly `cells`: the runs of adjacent cells in each row, a run
/// stacked onto the one of the row above when both span the same columns.
pub fn rectangles(mut cells: Vec<(u32, u16)>) -> Vec<Rect> {
    cells.sort_unstable();
    cells.dedup();
    let mut rects: Vec<Rect> = Vec::new();
    // The rectangle ending on the row above, by its columns.
    let mut open: FastMap<(u16, u16), usize> = FastMap::default();
    let mut i = 0;
    while i < cells.len() {
        let (row, first) = cells[i];
        let mut last = first;
        i += 1;
        while i < cells.len() && cells[i].0 == row && cells[i].1 == last + 1 {
            last += 1;
            i += 1;
        }
        match open.get(&(first, last)) {
            Some(&k) if rects[k].2 + 1 == row => rects[k].2 = row,
            _ => {
                open.insert((first, last), rects.len());
                rects.push((row, first, row, last));
            }
        }
    }
    rects
}

/// An amount, number or rate typed into an input cell: a number, refused otherwise.
fn numeric_validation(kind: ColKind) -> Result<DataValidation, WriteError> {
    let dv = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1.0e13, 1.0e13))
        .set_error_title("请输入数字")?
        .set_error_message(match kind {
            ColKind::Rate => "此处应填写百分比或小数，如 79.68% 或 0.7968。",
            ColKind::Number => "此处应填写数字。",
            _ => "此处应填写金额（万元，可保留两位小数），没有数据请留空。",
        })?;
    Ok(dv.set_error_style(DataValidationErrorStyle::Stop))
}

/// A score typed into an input cell: between 0 and the row's 分值 (or 100 without one).
fn score_validation(
    book: &Book,
    placement: &Placement,
    fi: usize,
    id: &CellId,
    (row, col): (u32, u16),
) -> Result<DataValidation, WriteError> {
    let weight = book.forms[fi]
        .0
        .scoring
        .as_ref()
        .and_then(|sc| sc.weight_of(id))
        .and_then(|k| placement.layouts[fi].addr.get_key(&k));
    let here = a1(row, col);
    let dv = match weight {
        Some((wr, wc)) => DataValidation::new()
            .allow_custom(Formula::new(format!(
                "=AND(ISNUMBER({here}),{here}>=0,{here}<={})",
                a1(wr, wc)
            )))
            .set_error_title("自评得分超出范围")?
            .set_error_message("自评得分应在 0 与本行分值之间。")?,
        None => DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            .set_error_title("请输入分数")?
            .set_error_message("分值、得分应为 0 到 100 之间的数字。")?,
    };
    Ok(dv.set_error_style(DataValidationErrorStyle::Stop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    use std::collections::HashSet;

    /// Every cell of a rectangle, in order.
    fn cells_of(rects: &[Rect]) -> Vec<(u32, u16)> {
        let mut out = Vec::new();
        for &(r1, c1, r2, c2) in rects {
            for r in r1..=r2 {
                for c in c1..=c2 {
                    out.push((r, c));
                }
            }
        }
        out
    }

    #[test]
    fn a_table_of_inputs_between_total_rows_is_one_rectangle_per_block() {
        // Rows 7–9 and 11–12 hold inputs in D:I; row 10 is a total (derived, not validated).
        let cells: Vec<_> = [7, 8, 9, 11, 12]
            .into_iter()
            .flat_map(|r| (3..=8).map(move |c| (r, c)))
            .collect();
        assert_eq!(rectangles(cells), vec![(7, 3, 9, 8), (11, 3, 12, 8)]);
        // A lone cell, and a row whose run is narrower, start rectangles of their own.
        let cells = vec![(0, 2), (1, 2), (1, 3), (2, 2), (2, 3)];
        assert_eq!(rectangles(cells), vec![(0, 2, 0, 2), (1, 2, 2, 3)]);
    }

    #[test]
    fn rectangles_cover_exactly_the_cells_given_once_each() {
        // Generated scatters, from sparse to nearly full, with repeated cells.
        let mut rng = Rng::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: u64| rng.below(n as usize) as u64;
        for case in 0..300 {
            let (rows, cols) = (1 + next(40) as u32, 1 + next(12) as u16);
            let density = 1 + next(10);
            let mut cells = Vec::new();
            for r in 0..rows {
                for c in 0..cols {
                    if next(10) < density {
                        cells.push((r, c));
                        if next(7) == 0 {
                            cells.push((r, c));
                        }
                    }
                }
            }
            let want: HashSet<_> = cells.iter().copied().collect();
            let rects = rectangles(cells);
            let covered = cells_of(&rects);
            let once: HashSet<_> = covered.iter().copied().collect();
            assert_eq!(once.len(), covered.len(), "case {case}: rectangles overlap");
            assert_eq!(once, want, "case {case}: cells covered differ");
            assert!(rects.len() <= want.len(), "case {case}");
        }
    }
}
