//! Amounts that look like 元 in a workbook whose tables name no money unit: read as the
//! forms' 万元 they are 10,000 times too large, and every sum still holds, so no rule fails.
//! One warning says so, at the largest amount.

use crate::calc::Book;
use crate::expr::{cell_key, Val};
use crate::findings::Finding;
use crate::form::{ColKind, Family, Form, Severity};
use crate::model::FormData;
use crate::quantity::text::fmt_num;
use rust_decimal::Decimal;

/// The rule of the warning.
pub const RULE: &str = "money-unit-yuan-likely";

/// Fewer amounts than this say nothing of their unit.
const LEAST_AMOUNTS: usize = 5;
/// Whole amounts all, the largest at least this (10 亿 as 万元): 元.
const WHOLE_FROM: i64 = 100_000;
/// Any amounts, the largest at least this (1,000 亿 as 万元, no department's): 元.
const ANY_FROM: i64 = 10_000_000;

/// The largest amount read and where.
struct Largest {
    value: Decimal,
    form: usize,
    cell: String,
}

/// The amounts of the money tables (决算, 预算), when no table names its unit: how many are
/// not zero, whether all are whole, and the largest.
struct Amounts {
    count: usize,
    all_whole: bool,
    largest: Option<Largest>,
}

/// The warning, when the workbook's amounts look like 元 and no table says what they are.
pub fn yuan_likely(book: &Book) -> Option<Finding> {
    let money_tables =
        || (book.forms.iter().enumerate()).filter(|(_, (form, _))| form.family != Family::Perf);
    let named = |d: &FormData| d.money_unit_named.is_some() || d.stated_unit.is_some();
    if money_tables().any(|(_, (_, data))| named(data)) {
        return None;
    }
    let mut amounts = Amounts {
        count: 0,
        all_whole: true,
        largest: None,
    };
    for (fi, (form, data)) in money_tables() {
        amounts.add(fi, form, data);
    }
    let largest = amounts.largest.as_ref()?;
    let whole = amounts.all_whole && largest.value >= Decimal::from(WHOLE_FROM);
    let likely =
        amounts.count >= LEAST_AMOUNTS && (whole || largest.value >= Decimal::from(ANY_FROM));
    likely.then(|| warning(book, &amounts, largest))
}

impl Amounts {
    /// Takes in the amount cells of `form`'s rows.
    fn add(&mut self, fi: usize, form: &Form, data: &FormData) {
        for row in &data.rows {
            let Some(panel) = form.panel(&row.panel) else {
                continue;
            };
            let amount_columns = (panel.columns.iter()).filter(|c| c.kind == ColKind::Amount);
            for col in amount_columns {
                if let Some(Val::Num(d)) = row.value(&col.id).filter(|v| !v.num().is_zero()) {
                    self.take(fi, cell_key(&row.key, &col.id), d.abs(), data);
                }
            }
        }
    }

    fn take(&mut self, form: usize, key: String, value: Decimal, data: &FormData) {
        self.count += 1;
        self.all_whole &= value.fract().is_zero();
        if self.largest.as_ref().is_some_and(|l| l.value >= value) {
            return;
        }
        let cell = data.origin.get(&key).map(ToString::to_string);
        self.largest = Some(Largest {
            value,
            form,
            cell: cell.unwrap_or(key),
        });
    }
}

fn warning(book: &Book, amounts: &Amounts, largest: &Largest) -> Finding {
    let (form, data) = (book.forms[largest.form].0, &book.forms[largest.form].1);
    let whole = if amounts.all_whole {
        "金额都是整数，"
    } else {
        ""
    };
    let message = format!(
        "{} {}：各表都没有注明金额单位，{whole}最大的一笔为 {}，按万元读即 {} 亿元，疑为以元填报。\
         本工具按万元审核；如为元，请在标题下注明“单位：元”后重新审核",
        form.table_no,
        largest.cell,
        fmt_num(largest.value),
        fmt_num((largest.value / Decimal::from(10_000)).round_dp(2)),
    );
    Finding::new(
        Severity::Warning,
        RULE,
        &form.id,
        data.sheet.clone(),
        Some(largest.cell.clone()),
        message,
    )
}
