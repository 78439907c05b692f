//! How a value is shown to people, by the kind of its column.

use super::ColKind;
use crate::expr::{round_dp, Val};
use crate::normalize::decimal_text;
use rust_decimal::Decimal;

/// Text of a value as the form shows it: amounts with two decimals, rates as percentages.
pub fn show(kind: ColKind, v: &Val) -> String {
    match v {
        Val::Blank => "空".into(),
        Val::Nothing => "——".into(),
        Val::Text(t) => t.clone(),
        Val::Bool(b) => if *b { "是" } else { "否" }.into(),
        Val::Num(d) => match kind {
            ColKind::Amount => {
                let r = round_dp(*d, 2);
                if r == *d {
                    format!("{:.2}", r)
                } else {
                    decimal_text(*d)
                }
            }
            ColKind::Rate => format!("{}%", round_dp(*d * Decimal::ONE_HUNDRED, 2).normalize()),
            _ => decimal_text(round_dp(*d, 4)),
        },
    }
}
