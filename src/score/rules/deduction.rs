//! Deduction per point: full marks within a limit, minus so much per point beyond it
//! ("100%以下（含）计满分，每超出1%扣1分，扣完为止").

use super::condition::parse_condition;
use super::lexer::{clauses, find_after_any, number_points_at, tokens};
use super::measure::{finish, read_for, read_pair, round10, round9, show, units_compatible};
use super::{
    FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule, SCORABLE_FROM_ACTUAL,
    SCORABLE_WITH_TARGET,
};
use crate::quantity::text::{excel_num, fmt_num, number_at, starts_with_any, starts_with_at};
use crate::quantity::{Quantity, UNITS};
use rust_decimal::Decimal;

/// How partial steps of a deduction count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepRounding {
    /// Only whole steps count (default): 1.9 points over loses one step.
    Whole,
    /// A started step counts ("不足1%按1%计"): 1.1 points over loses two steps.
    Started,
    /// Exact proportion ("按比例扣分").
    Exact,
}

/// "100%以下（含）计满分，每超出1%扣1分，扣完为止".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduction {
    /// The limit in measure units (a fraction when `percent`); `None` means the row's target.
    pub limit: Option<Decimal>,
    /// True: deduct for exceeding the limit; false: for falling short of it.
    pub over: bool,
    /// One step in measure units (0.01 for one percentage point).
    pub step: Decimal,
    pub percent: bool,
    /// Unit of the step when not percent ("次").
    pub unit: String,
    pub per_step: Decimal,
    pub rounding: StepRounding,
    /// "最多扣3分".
    pub max_deduction: Option<Decimal>,
    /// "低于60%不得分": beyond this value the score is 0 (same units as `limit`).
    pub zero_beyond: Option<Decimal>,
}

const OVER_WORDS: &[&str] = &[
    "超过", "超出", "超支", "高于", "高出", "多于", "多出", "增加", "上升", "延迟", "推迟", "延期",
    "逾期", "滞后", "超", "高", "多",
];
const UNDER_WORDS: &[&str] = &[
    "低于",
    "少于",
    "减少",
    "下降",
    "降低",
    "不足",
    "未完成",
    "未达到",
    "差",
    "低",
    "少",
    "降",
];

/// The step after "每": its number, where it ends, and whether it is in percent or `unit`.
struct StepPhrase {
    value: Decimal,
    end: usize,
    percent: bool,
    unit: String,
}

/// The step's number and unit, possibly after a filler word ("每少完成1次", "每超出预算1%").
/// `None` for a step without a unit ("每下降一档"), which is not measurable.
fn step_phrase(chars: &[char], p: usize) -> Option<StepPhrase> {
    let step_num = (p..(p + 4).min(chars.len()))
        .take_while(|&k| !matches!(chars[k], ',' | ';' | '扣'))
        .find_map(|k| number_at(chars, k))?;
    let mut q = step_num.end;
    let mut percent = false;
    let mut unit = String::new();
    if starts_with_at(chars, q, "个百分点") {
        percent = true;
        q += 4;
    } else if starts_with_at(chars, q, "百分点") {
        percent = true;
        q += 3;
    } else if chars.get(q) == Some(&'%') {
        percent = true;
        q += 1;
    } else if let Some(u) = starts_with_any(chars, q, UNITS) {
        unit = u.to_string();
        q += u.chars().count();
    }
    if !percent && unit.is_empty() {
        return None;
    }
    Some(StepPhrase {
        value: step_num.value,
        end: q,
        percent,
        unit,
    })
}

/// "扣N分" within a few characters after the step ("每超出1%的扣1分", "每超1个百分点，扣0.5分").
fn per_step_at(chars: &[char], q: usize) -> Option<Decimal> {
    for j in q..(q + 6).min(chars.len()) {
        if chars[j] == '扣' {
            let k = j + 1 + usize::from(starts_with_at(chars, j + 1, "除"));
            return number_points_at(chars, k).map(|(_, v)| v);
        }
    }
    None
}

/// Whether a number in `unit` is measured as the step in `step_unit` is (月 and 个月, 日 and
/// 天 alike); a bare number is.
fn same_measure(unit: &str, step_unit: &str) -> bool {
    fn fold(u: &str) -> &str {
        match u {
            "个月" => "月",
            "日" => "天",
            other => other,
        }
    }
    units_compatible(fold(unit), fold(step_unit))
}

/// The direction words, longest first: (word, true for "over").
fn direction_words() -> Vec<(&'static str, bool)> {
    let mut words: Vec<(&str, bool)> = OVER_WORDS
        .iter()
        .map(|w| (*w, true))
        .chain(UNDER_WORDS.iter().map(|w| (*w, false)))
        .collect();
    words.sort_by_key(|(w, _)| std::cmp::Reverse(w.chars().count()));
    words
}

/// The nearest direction word before 每 in the same sentence.
fn direction_before(chars: &[char], mei: usize, words: &[(&str, bool)]) -> Option<bool> {
    let start = chars[..mei]
        .iter()
        .rposition(|&c| c == ';' || c == '。')
        .map_or(0, |x| x + 1);
    let before: String = chars[start..mei].iter().collect();
    let mut best: Option<(usize, bool)> = None;
    for (w, o) in words {
        if let Some(pos) = before.rfind(w) {
            if best.is_none_or(|(b, _)| pos > b) {
                best = Some((pos, *o));
            }
        }
    }
    best.map(|(_, o)| o)
}

fn rounding_of(s: &str) -> StepRounding {
    if s.contains("按比例扣") || s.contains("按实际比例") || s.contains("按比例计算扣")
    {
        StepRounding::Exact
    } else if (s.contains("不足")
        && (s.contains("按1") || s.contains("按一") || s.contains("计算")))
        && !s.contains("不扣")
    {
        StepRounding::Started
    } else {
        StepRounding::Whole
    }
}

/// Limit and cut-off from the clauses around the step (`rest`): a clause giving full or stated
/// points names the limit; a clause giving 0 with a number names the cut-off.
fn limit_and_cutoff(rest: &str, percent: bool) -> (Option<Decimal>, Option<Decimal>) {
    let mut limit = None;
    let mut zero_beyond = None;
    for c in clauses(rest) {
        let Some(Some(cond)) = parse_condition(&c.cond) else {
            continue;
        };
        if cond.percent != percent {
            continue;
        }
        let v = cond.hi.or(cond.lo).map(|b| b.value).or(cond.bare);
        let zero = c.points == Points::Abs(Decimal::ZERO);
        match c.points {
            Points::Full | Points::Abs(_) if !zero && limit.is_none() => limit = v,
            Points::Abs(_) if zero && zero_beyond.is_none() => zero_beyond = v,
            _ => {}
        }
    }
    (limit, zero_beyond)
}

pub(super) fn parse(s: &str) -> Option<RuleKind> {
    let chars: Vec<char> = s.chars().collect();
    let mei = chars.iter().position(|&c| c == '每')?;
    // Direction word right after 每, else the nearest before it.
    let mut p = mei + 1;
    let mut over = None;
    let words = direction_words();
    if let Some((w, o)) = words.iter().find(|(w, _)| starts_with_at(&chars, p, w)) {
        over = Some(*o);
        p += w.chars().count();
    }
    // "每发生1次投诉扣2分": every occurrence counts, from zero.
    let mut counts_from_zero = false;
    if over.is_none() {
        if let Some(w) = starts_with_any(&chars, p, &["发生", "出现"]) {
            over = Some(true);
            counts_from_zero = true;
            p += w.chars().count();
        }
    }
    let step = step_phrase(&chars, p)?;
    let per_step = per_step_at(&chars, step.end)?;
    let over = over.or_else(|| direction_before(&chars, mei, &words))?;
    let percent = step.percent;
    let scale = |v: Decimal| if percent { v / Decimal::ONE_HUNDRED } else { v };
    let step_size = scale(step.value);
    if step_size <= Decimal::ZERO {
        return None;
    }
    let rest: String = chars[..mei].iter().collect::<String>()
        + ";"
        + &chars[step.end..].iter().collect::<String>();
    let (mut limit, zero_beyond) = limit_and_cutoff(&rest, percent);
    if limit.is_none() {
        // "以100%为标准", "超出100%的部分每1%扣1分": a lone number of the step's kind, never
        // the points of a clause ("按时完成得5分，每延迟一个月扣1分" has no limit of 5 months).
        let toks = tokens(&chars[..mei]);
        limit = toks
            .iter()
            .find(|t| {
                t.percent == percent
                    && number_points_at(&chars, t.start).is_none()
                    && (percent || same_measure(&t.unit, &step.unit))
            })
            .map(|t| scale(t.value));
    }
    if limit.is_none() && counts_from_zero {
        limit = Some(Decimal::ZERO);
    }
    let max_deduction = find_after_any(
        &chars,
        &[
            "最多扣",
            "最高扣",
            "扣分不超过",
            "最多扣除",
            "扣分上限",
            "扣分最多",
            "累计扣分不超过",
        ],
    );
    Some(RuleKind::DeductPerPoint(Deduction {
        limit,
        over,
        step: step_size,
        percent,
        unit: step.unit,
        per_step,
        rounding: rounding_of(s),
        max_deduction,
        zero_beyond,
    }))
}

/// The measure read for a deduction and the limit it is held to, with a note on the reading.
fn measure_and_limit(
    d: &Deduction,
    target: Option<&Quantity>,
    actual: &Quantity,
) -> Option<(Decimal, Decimal, Option<String>)> {
    match (d.limit, target) {
        (Some(l), _) => {
            let r = read_for(actual, d.percent, &d.unit)?;
            Some((round10(r.value), l, r.note))
        }
        (None, Some(t)) => {
            let (tr, ar) = read_pair(t, actual)?;
            if d.percent && !t.percent && !tr.value.is_zero() {
                // "每超出预算1%": relative to the target.
                Some((round10(ar.value.checked_div(tr.value)?), Decimal::ONE, None))
            } else {
                Some((round10(ar.value), tr.value, tr.note.or(ar.note)))
            }
        }
        (None, None) => None,
    }
}

impl Deduction {
    fn show(&self, v: Decimal) -> String {
        show(v, self.percent, &self.unit)
    }

    /// The steps counted for a gap beyond the limit, as the rounding says.
    fn steps(&self, gap: Decimal) -> Option<Decimal> {
        let raw = round9(gap.checked_div(self.step)?);
        Some(match self.rounding {
            StepRounding::Whole => raw.floor(),
            StepRounding::Started => raw.ceil(),
            StepRounding::Exact => raw,
        })
    }
}

impl ShapeRule for Deduction {
    fn shape(&self) -> Shape {
        Shape::DeductPerPoint
    }

    fn explain(&self) -> String {
        let d = self;
        let unit_step = if d.percent {
            format!(
                "{}个百分点",
                fmt_num(d.step.saturating_mul(Decimal::ONE_HUNDRED))
            )
        } else {
            format!("{}{}", fmt_num(d.step), d.unit)
        };
        let limit = match d.limit {
            Some(l) => d.show(l),
            None => "目标值".to_string(),
        };
        let (ok, verb) = if d.over {
            ("≤", "超过")
        } else {
            ("≥", "低于")
        };
        let rounding = match d.rounding {
            StepRounding::Whole => format!("只计满{unit_step}的部分，不足{unit_step}不扣"),
            StepRounding::Started => format!("不足{unit_step}按{unit_step}计"),
            StepRounding::Exact => "按实际比例扣".to_string(),
        };
        let mut out = format!(
            "超限扣分：{ok}{limit} 得满分；每{verb}{unit_step}扣{}分（{rounding}）",
            fmt_num(d.per_step)
        );
        if d.limit.is_none() && d.percent {
            out.push_str("（目标值不是百分数时，按超出目标值的百分比计）");
        }
        if let Some(m) = d.max_deduction {
            out.push_str(&format!("，最多扣{}分", fmt_num(m)));
        }
        if let Some(z) = d.zero_beyond {
            out.push_str(&format!(
                "；{}{} 得0分",
                if d.over { ">" } else { "<" },
                d.show(z)
            ));
        }
        out.push_str("，扣完为止");
        out
    }

    fn cell_values(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        match (self.limit, target) {
            (Some(_), _) => Some((read_for(actual, self.percent, &self.unit)?.value, None)),
            (None, Some(t)) => {
                let (t, a) = read_pair(t, actual)?;
                Some((a.value, Some(t.value)))
            }
            (None, None) => None,
        }
    }

    fn score(
        &self,
        target: Option<&Quantity>,
        actual: &Quantity,
        weight: Decimal,
    ) -> Option<Scored> {
        let d = self;
        let (m, limit, note) = measure_and_limit(d, target, actual)?;
        let notes: Vec<String> = note.into_iter().collect();
        let gap = if d.over {
            m.checked_sub(limit)?
        } else {
            limit.checked_sub(m)?
        };
        let (shown, shown_limit) = (d.show(m), d.show(limit));
        if let Some(z) = d.zero_beyond {
            let beyond = if d.over { m > z } else { m < z };
            if beyond {
                let op = if d.over { ">" } else { "<" };
                return Some(Scored {
                    score: Decimal::ZERO,
                    explanation: finish(format!("实际 {shown} {op} {}，得 0 分", d.show(z)), notes),
                });
            }
        }
        if gap <= Decimal::ZERO {
            let op = if d.over { "≤" } else { "≥" };
            return Some(Scored {
                score: weight,
                explanation: finish(
                    format!(
                        "实际 {shown} {op} {shown_limit}，得满分 {} 分",
                        fmt_num(weight)
                    ),
                    notes,
                ),
            });
        }
        let steps = d.steps(gap)?;
        let mut deduction = steps.checked_mul(d.per_step)?;
        if let Some(mx) = d.max_deduction {
            deduction = deduction.min(mx);
        }
        let score = weight.saturating_sub(deduction).max(Decimal::ZERO);
        let what = if d.percent {
            "个百分点"
        } else {
            d.unit.as_str()
        };
        let gap_shown = if d.percent {
            gap.saturating_mul(Decimal::ONE_HUNDRED)
        } else {
            gap
        };
        Some(Scored {
            score,
            explanation: finish(
                format!(
                    "实际 {} {}限值 {} {}{}，计 {} 档，扣 {} 分，得 {} 分",
                    shown,
                    if d.over { "超过" } else { "低于" },
                    shown_limit,
                    fmt_num(gap_shown),
                    what,
                    fmt_num(steps),
                    fmt_num(deduction),
                    fmt_num(score)
                ),
                notes,
            ),
        })
    }

    fn excel_formula(&self, cells: &FormulaCells) -> Option<String> {
        let d = self;
        let (actual, weight) = (cells.actual, cells.weight);
        let (m, limit) = match (d.limit, cells.target) {
            (Some(l), _) => (cells.rounded_actual(), excel_num(l)),
            (None, Some(t)) => {
                let tq = cells.target_quantity?;
                if d.percent && !tq.percent {
                    (format!("ROUND({actual}/{t},10)"), "1".to_string())
                } else {
                    (cells.rounded_actual(), t.to_string())
                }
            }
            (None, None) => return None,
        };
        let gap = if d.over {
            format!("({m}-{limit})")
        } else {
            format!("({limit}-{m})")
        };
        let raw = format!("ROUND({gap}/{},9)", excel_num(d.step));
        let steps = match d.rounding {
            StepRounding::Whole => format!("INT({raw})"),
            StepRounding::Started => format!("-INT(-{raw})"),
            StepRounding::Exact => raw,
        };
        let mut ded = format!("{steps}*{}", excel_num(d.per_step));
        if let Some(mx) = d.max_deduction {
            ded = format!("MIN({},{ded})", excel_num(mx));
        }
        let mut f = format!("IF({gap}<=0,{weight},MAX(0,{weight}-{ded}))");
        if let Some(z) = d.zero_beyond {
            let op = if d.over { ">" } else { "<" };
            f = format!("IF({m}{op}{},0,{f})", excel_num(z));
        }
        Some(f)
    }

    fn scorability(&self) -> (bool, &'static str) {
        if self.limit.is_some() {
            SCORABLE_FROM_ACTUAL
        } else {
            SCORABLE_WITH_TARGET
        }
    }
}
