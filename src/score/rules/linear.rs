//! Linear above a floor: zero under a floor, then linear up to full marks
//! ("得分=（完成率-60%）/（1-60%）*指标分值").

use super::measure::{completion_rate, finish, rate_excel};
use super::{FormulaCells, RuleKind, Scored, Shape, ShapeRule};
use crate::quantity::text::{arabic_at, excel_num, fmt_num, fmt_pct};
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// "完成率小于60%不得分，大于等于60%，得分=（完成率-60%）/（1-60%）*指标分值".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Linear {
    /// Completion rate (fraction) under which the score is 0.
    pub floor: Decimal,
    /// Completion rate (fraction) at which full marks are reached (usually 1).
    pub full_at: Decimal,
}

/// "（完成率-60%）/（1-60%）*指标分值", "(实际完成率-60%)÷40%×分值".
pub(super) fn parse(s: &str) -> Option<RuleKind> {
    let chars: Vec<char> = s.chars().collect();
    let formula_like = s.contains('=') || s.contains("线性") || s.contains("插值");
    if !formula_like {
        return None;
    }
    // Find "-<n>%)" followed by "/".
    for i in 0..chars.len() {
        if chars[i] != '-' {
            continue;
        }
        let Some(n) = arabic_at(&chars, i + 1) else {
            continue;
        };
        if chars.get(n.end) != Some(&'%') || chars.get(n.end + 1) != Some(&')') {
            continue;
        }
        // The numerator must be a rate ("完成率-60%"), not "1-60%".
        let before: String = chars[..i].iter().collect();
        if !before.ends_with('率') && !before.ends_with("完成值") && !before.ends_with("实际值")
        {
            continue;
        }
        let floor = n.value / Decimal::ONE_HUNDRED;
        let mut p = n.end + 2;
        if chars.get(p) != Some(&'/') {
            continue;
        }
        p += 1;
        // Denominator: "(1-60%)", "(100%-60%)", "40%".
        let den = if chars.get(p) == Some(&'(') {
            let a = arabic_at(&chars, p + 1)?;
            let mut q = a.end;
            let a_val = if chars.get(q) == Some(&'%') {
                q += 1;
                a.value / Decimal::ONE_HUNDRED
            } else {
                a.value
            };
            if chars.get(q) != Some(&'-') {
                continue;
            }
            let b = arabic_at(&chars, q + 1)?;
            let b_val = if chars.get(b.end) == Some(&'%') {
                b.value / Decimal::ONE_HUNDRED
            } else {
                b.value
            };
            a_val.checked_sub(b_val)?
        } else {
            let a = arabic_at(&chars, p)?;
            if chars.get(a.end) == Some(&'%') {
                a.value / Decimal::ONE_HUNDRED
            } else {
                a.value
            }
        };
        if den <= Decimal::ZERO {
            return None;
        }
        return Some(RuleKind::LinearAboveFloor(Linear {
            floor,
            full_at: floor.checked_add(den)?,
        }));
    }
    None
}

impl ShapeRule for Linear {
    fn shape(&self) -> Shape {
        Shape::LinearAboveFloor
    }

    fn explain(&self) -> String {
        let l = self;
        format!(
            "线性计分：完成率 <{} 得0分；完成率 ≥{} 时，得分 = (完成率 − {}) ÷ ({} − {}) × 分值，最高为满分（完成率 = 实际值 ÷ 目标值）",
            fmt_pct(l.floor),
            fmt_pct(l.floor),
            fmt_pct(l.floor),
            fmt_pct(l.full_at),
            fmt_pct(l.floor)
        )
    }

    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let l = self;
        let (rate, notes) = completion_rate(target, actual)?;
        let score = if rate < l.floor {
            Decimal::ZERO
        } else {
            let share = rate
                .checked_sub(l.floor)?
                .checked_div(l.full_at.checked_sub(l.floor)?)?;
            weight.checked_mul(share.min(Decimal::ONE))?
        };
        Some(Scored {
            score,
            explanation: finish(
                if rate < l.floor {
                    format!("完成率 {} < {}，得 0 分", fmt_pct(rate), fmt_pct(l.floor))
                } else {
                    format!(
                        "完成率 {}，得分 = ({} − {}) ÷ ({} − {}) × {}（最高满分）= {} 分",
                        fmt_pct(rate),
                        fmt_pct(rate),
                        fmt_pct(l.floor),
                        fmt_pct(l.full_at),
                        fmt_pct(l.floor),
                        fmt_num(weight),
                        fmt_num(score)
                    )
                },
                notes,
            ),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        let r = rate_excel(cells.actual, cells.target);
        Some(format!(
            "IF({r}<{floor},0,{weight}*MIN(1,({r}-{floor})/({full}-{floor})))",
            weight = cells.weight,
            floor = excel_num(self.floor),
            full = excel_num(self.full_at)
        ))
    }
}
