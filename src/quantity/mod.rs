//! Parses the quantity in a 年度指标值 / 实际完成值 cell ("≥90%", "≤79.73万元", "6次以上") into an exact value.
//! It sits below `expr` (a derived cell may read a quantity) and `score` (whose rules compare
//! them); `text` holds the number and width helpers the rule parsers share with it.

pub(crate) mod text;

use rust_decimal::Decimal;
use std::fmt;
use text::{arabic_at, chinese_at, ends_with_at, fmt_num, normalize, starts_with_any, Num};

/// The comparison a target states ("≥90%" is `Ge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Cmp {
    /// The mathematical sign, as shown to people.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => "≥",
            Cmp::Gt => ">",
            Cmp::Le => "≤",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
        }
    }

    /// The operator in an Excel formula.
    pub fn excel(self) -> &'static str {
        match self {
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
            Cmp::Le => "<=",
            Cmp::Lt => "<",
            Cmp::Eq => "=",
        }
    }

    /// Whether `left <cmp> right` holds.
    pub fn holds(self, left: Decimal, right: Decimal) -> bool {
        match self {
            Cmp::Ge => left >= right,
            Cmp::Gt => left > right,
            Cmp::Le => left <= right,
            Cmp::Lt => left < right,
            Cmp::Eq => left == right,
        }
    }
}

/// A number read from a cell, with what was written around it.
///
/// `value` is the number as written: "79.85%" gives `value` 79.85 with `percent` true and
/// `unit` "%". [`Quantity::fraction`] gives the number an Excel percent cell holds (0.7985).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub value: Decimal,
    pub percent: bool,
    /// "", "%", "个", "次", "万元", … exactly as written (after width folding).
    pub unit: String,
    pub cmp: Option<Cmp>,
}

impl Quantity {
    /// A bare number, as a numeric cell holds it.
    pub fn number(value: Decimal) -> Quantity {
        Quantity {
            value,
            percent: false,
            unit: String::new(),
            cmp: None,
        }
    }

    /// A percentage written as `value`% ("79.85" for 79.85%).
    pub fn percent(value: Decimal) -> Quantity {
        Quantity {
            value,
            percent: true,
            unit: "%".to_string(),
            cmp: None,
        }
    }

    /// The same quantity with a comparison.
    pub fn with_cmp(mut self, cmp: Cmp) -> Quantity {
        self.cmp = Some(cmp);
        self
    }

    /// Applies a separate 度量单位 / 计量单位 column to a quantity written without a unit:
    /// "90" with the unit column "%" is 90%.
    pub fn with_unit_column(mut self, unit_column: &str) -> Quantity {
        if !self.unit.is_empty() {
            return self;
        }
        let unit = normalize(unit_column);
        if unit == "%" {
            self.percent = true;
            self.unit = unit;
        } else if is_unit(&unit) {
            self.unit = unit;
        }
        self
    }

    /// The value as an Excel cell would hold it: a percentage as a fraction (79.85% → 0.7985),
    /// anything else as written.
    pub fn fraction(&self) -> Decimal {
        if self.percent {
            self.value / Decimal::ONE_HUNDRED
        } else {
            self.value
        }
    }

    /// True when the quantity has neither a unit nor a percent sign.
    pub fn is_bare(&self) -> bool {
        !self.percent && self.unit.is_empty()
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = self.cmp {
            write!(f, "{}", c.symbol())?;
        }
        write!(f, "{}{}", fmt_num(self.value), self.unit)
    }
}

/// Units a clerk writes after a number, longest first so "万人次" wins over "万".
pub(crate) const UNITS: &[&str] = &[
    "个工作日",
    "万平方米",
    "平方公里",
    "个百分点",
    "万人次",
    "平方米",
    "立方米",
    "工作日",
    "万元",
    "亿元",
    "千元",
    "人次",
    "户次",
    "公里",
    "千米",
    "公顷",
    "万亩",
    "小时",
    "分钟",
    "个月",
    "万人",
    "万户",
    "m²",
    "㎡",
    "km",
    "元",
    "个",
    "次",
    "项",
    "场",
    "人",
    "处",
    "年",
    "月",
    "天",
    "日",
    "篇",
    "份",
    "家",
    "户",
    "件",
    "期",
    "批",
    "名",
    "条",
    "座",
    "所",
    "辆",
    "台",
    "套",
    "本",
    "册",
    "张",
    "类",
    "亩",
    "吨",
    "株",
    "棵",
    "米",
    "分",
    "万",
    "‰",
    "%",
];

fn is_unit(s: &str) -> bool {
    UNITS.contains(&s)
}

/// Comparison words that may stand before the number, longest first.
const PREFIX_CMP: &[(&str, Cmp)] = &[
    ("大于或等于", Cmp::Ge),
    ("小于或等于", Cmp::Le),
    ("大于等于", Cmp::Ge),
    ("小于等于", Cmp::Le),
    ("不低于", Cmp::Ge),
    ("不少于", Cmp::Ge),
    ("不小于", Cmp::Ge),
    ("不高于", Cmp::Le),
    ("不超过", Cmp::Le),
    ("不超出", Cmp::Le),
    ("不多于", Cmp::Le),
    ("不大于", Cmp::Le),
    ("不超", Cmp::Le),
    ("至少", Cmp::Ge),
    ("达到", Cmp::Ge),
    ("大于", Cmp::Gt),
    ("高于", Cmp::Gt),
    ("超过", Cmp::Gt),
    ("多于", Cmp::Gt),
    ("小于", Cmp::Lt),
    ("低于", Cmp::Lt),
    ("少于", Cmp::Lt),
    ("等于", Cmp::Eq),
    (">=", Cmp::Ge),
    ("<=", Cmp::Le),
    ("≥", Cmp::Ge),
    ("≤", Cmp::Le),
    (">", Cmp::Gt),
    ("<", Cmp::Lt),
    ("=", Cmp::Eq),
];

/// Suffixes after the number and unit, longest first.
const SUFFIX_CMP: &[(&str, Option<Cmp>)] = &[
    ("(含)以上", Some(Cmp::Ge)),
    ("以上(含)", Some(Cmp::Ge)),
    ("(含)以下", Some(Cmp::Le)),
    ("以下(含)", Some(Cmp::Le)),
    ("(含)以内", Some(Cmp::Le)),
    ("以内(含)", Some(Cmp::Le)),
    ("及以上", Some(Cmp::Ge)),
    ("及以下", Some(Cmp::Le)),
    ("含以上", Some(Cmp::Ge)),
    ("含以下", Some(Cmp::Le)),
    ("以上", Some(Cmp::Ge)),
    ("以下", Some(Cmp::Le)),
    ("以内", Some(Cmp::Le)),
    ("之内", Some(Cmp::Le)),
    ("左右", None),
    ("(含)", None),
    ("内", Some(Cmp::Le)),
];

/// Words that change the meaning of the number ("减少2个" is not "2个"): a subject holding one
/// of them is not a plain label.
const DIRECTION_WORDS: &[&str] = &[
    "减少",
    "增加",
    "降低",
    "提高",
    "提升",
    "下降",
    "增长",
    "上升",
    "缩短",
    "压缩",
    "节约",
    "节省",
    "超支",
    "同比",
    "环比",
    "较",
    "比上年",
    "增幅",
    "降幅",
    "不",
];

/// Parses a 年度指标值 / 实际完成值 cell.
///
/// Accepts a number with an optional comparison before it ("≥", "不低于", "大于等于", …) or
/// after it ("以上", "以内", …), a unit or percent sign, full-width characters, thousands
/// separators and a short label before it ("满意度90%以上"). Returns `None` for anything else:
/// text ("已完成", "应保尽保"), dates ("2023年底以前", "2023年"), ranges, or several numbers.
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    let norm = normalize(text);
    let trimmed = norm.trim_matches(|c: char| {
        matches!(
            c,
            '。' | '.' | ';' | ',' | '、' | '!' | ':' | '①' | '②' | '③' | '④' | '⑤'
        )
    });
    let chars: Vec<char> = trimmed.chars().collect();
    if chars.is_empty() {
        return None;
    }
    let (num, negative) = locate_number(&chars)?;

    // Prefix: an optional label, then an optional comparison word.
    let prefix_end = if negative { num.start - 1 } else { num.start };
    let (cmp, label_end) = prefix_comparison(&chars, prefix_end);
    let label: String = chars[..label_end].iter().collect();
    let label = label.trim_end_matches(':');
    if !label_is_plain(label) {
        return None;
    }

    // Unit right after the number.
    let rest: String = chars[num.end..].iter().collect();
    let unit = UNITS
        .iter()
        .copied()
        .find(|u| rest.starts_with(u))
        .unwrap_or("");
    // "个百分点" reads as percentage points: a percent for our purposes.
    let percent = matches!(unit, "%" | "个百分点");
    let cmp = suffix_comparison(&rest[unit.len()..], cmp)?;
    // A 4-digit year ("2023年") is a date, not a quantity.
    if unit == "年" && num.value >= Decimal::from(1900) && num.value <= Decimal::from(2100) {
        return None;
    }
    let value = if negative { -num.value } else { num.value };
    Some(Quantity {
        value,
        percent,
        unit: if percent {
            "%".to_string()
        } else {
            unit.to_string()
        },
        cmp,
    })
}

/// Where the number is, and whether a minus sign stands before it: the first Arabic digit,
/// else a Chinese numeral right after a comparison prefix ("一次", "≥两个", "不少于三次").
fn locate_number(chars: &[char]) -> Option<(Num, bool)> {
    match chars.iter().position(|c| c.is_ascii_digit()) {
        Some(p) => {
            let n = arabic_at(chars, p)?;
            let negative = p > 0 && chars[p - 1] == '-';
            Some((n, negative))
        }
        None => {
            let mut p = 0;
            for (w, _) in PREFIX_CMP {
                if starts_with_any(chars, 0, &[w]).is_some() {
                    p = w.chars().count();
                    break;
                }
            }
            let n = chinese_at(chars, p)?;
            Some((n, false))
        }
    }
}

/// The comparison word that ends the prefix before the number (at `prefix_end`), if any, and
/// where the label before it ends.
fn prefix_comparison(chars: &[char], prefix_end: usize) -> (Option<Cmp>, usize) {
    for (w, c) in PREFIX_CMP {
        if ends_with_at(chars, prefix_end, w) {
            return (Some(*c), prefix_end - w.chars().count());
        }
    }
    (None, prefix_end)
}

/// The comparison a quantity states, if it states one.
type StatedCmp = Option<Cmp>;

/// What follows the number and its unit: at most a comparison word ("以上", "以内", …),
/// which must agree with one given before the number. The comparison then in force, or
/// `None` when the text does not read as one quantity.
fn suffix_comparison(rest: &str, cmp: StatedCmp) -> Option<StatedCmp> {
    let mut cmp = cmp;
    let mut rest = rest;
    for (w, c) in SUFFIX_CMP {
        if let Some(r) = rest.strip_prefix(w) {
            if let Some(c) = c {
                if cmp.is_some() && cmp != Some(*c) {
                    return None;
                }
                cmp = Some(*c);
            }
            rest = r;
            break;
        }
    }
    rest.is_empty().then_some(cmp)
}

/// A label before the number is fine when it is a short name ("满意度", "目标完成率") and not a
/// phrase that changes or qualifies the number.
fn label_is_plain(label: &str) -> bool {
    if label.is_empty() {
        return true;
    }
    if label.chars().count() > 20 {
        return false;
    }
    if !label
        .chars()
        .all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c == '“' || c == '”')
    {
        return false;
    }
    !DIRECTION_WORDS.iter().any(|w| label.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn q(text: &str) -> Quantity {
        match parse_quantity(text) {
            Some(q) => q,
            None => panic!("{text:?} should parse"),
        }
    }

    fn check(text: &str, value: Decimal, percent: bool, unit: &str, cmp: Option<Cmp>) {
        let got = q(text);
        assert_eq!(got.value, value, "{text}");
        assert_eq!(got.percent, percent, "{text}");
        assert_eq!(got.unit, unit, "{text}");
        assert_eq!(got.cmp, cmp, "{text}");
    }

    #[test]
    fn percentages() {
        check("75%", dec!(75), true, "%", None);
        check("79.85%", dec!(79.85), true, "%", None);
        check("≧90%", dec!(90), true, "%", Some(Cmp::Ge));
        check("≥95%", dec!(95), true, "%", Some(Cmp::Ge));
        check("≦100%", dec!(100), true, "%", Some(Cmp::Le));
        check("大于等于90%", dec!(90), true, "%", Some(Cmp::Ge));
        check("不低于90%", dec!(90), true, "%", Some(Cmp::Ge));
        check("９０％", dec!(90), true, "%", None);
        check("≥９５％", dec!(95), true, "%", Some(Cmp::Ge));
        check("90%以上", dec!(90), true, "%", Some(Cmp::Ge));
        check("90%（含）以上", dec!(90), true, "%", Some(Cmp::Ge));
        check(
            " 社会公众满意度90%以上。",
            dec!(90),
            true,
            "%",
            Some(Cmp::Ge),
        );
        check("满意度≥90%", dec!(90), true, "%", Some(Cmp::Ge));
        check("目标完成率100%", dec!(100), true, "%", None);
        check("-5%", dec!(-5), true, "%", None);
    }

    #[test]
    fn amounts_and_counts() {
        check("≥6次", dec!(6), false, "次", Some(Cmp::Ge));
        check("≤79.73万元", dec!(79.73), false, "万元", Some(Cmp::Le));
        check("≤ 635.78 万元", dec!(635.78), false, "万元", Some(Cmp::Le));
        check("1149.03万元", dec!(1149.03), false, "万元", None);
        check("1,643.36万元", dec!(1643.36), false, "万元", None);
        check("2个", dec!(2), false, "个", None);
        check("4项", dec!(4), false, "项", None);
        check("不少于6次", dec!(6), false, "次", Some(Cmp::Ge));
        check("6次以上", dec!(6), false, "次", Some(Cmp::Ge));
        check(
            "小于等于79.73万元",
            dec!(79.73),
            false,
            "万元",
            Some(Cmp::Le),
        );
        check("200.35万", dec!(200.35), false, "万", None);
        check(
            "相关社会宣传活动次数大于1次。",
            dec!(1),
            false,
            "次",
            Some(Cmp::Gt),
        );
        check("一次", dec!(1), false, "次", None);
        check("不少于两场", dec!(2), false, "场", Some(Cmp::Ge));
        check("30天内", dec!(30), false, "天", Some(Cmp::Le));
        check("1200平方米", dec!(1200), false, "平方米", None);
        check("3年", dec!(3), false, "年", None);
        check("10万人次以上", dec!(10), false, "万人次", Some(Cmp::Ge));
    }

    #[test]
    fn bare_numbers() {
        check("90", dec!(90), false, "", None);
        check("100", dec!(100), false, "", None);
        check("0.7968", dec!(0.7968), false, "", None);
        check("3398.91", dec!(3398.91), false, "", None);
    }

    #[test]
    fn text_is_not_a_quantity() {
        for t in [
            "完成签订",
            "已完成",
            "已完成。",
            "应保尽保",
            "年底前",
            "2023年底以前。",
            "2023年底前完成。",
            "2023年",
            "是",
            "",
            "  ",
            "——",
            "/",
            "稳步推进",
            "完成3个片区建设规划编制。",
            "80%-90%",
            "减少2个",
            "编制长株潭都市圈四大片区规划形成文本成果4个，社会宣传活动开展次数1次。",
            "一体化",
            "≥",
            "%",
        ] {
            assert_eq!(parse_quantity(t), None, "{t:?}");
        }
    }

    #[test]
    fn unit_column_applies_to_bare_numbers() {
        let qq = q("90").with_unit_column("%");
        assert!(qq.percent);
        assert_eq!(qq.fraction(), dec!(0.9));
        let qq = q("2").with_unit_column("次");
        assert_eq!(qq.unit, "次");
        let qq = q("6次").with_unit_column("%");
        assert_eq!(qq.unit, "次");
    }

    #[test]
    fn fraction_and_display() {
        assert_eq!(q("79.85%").fraction(), dec!(0.7985));
        assert_eq!(q("0.7968").fraction(), dec!(0.7968));
        assert_eq!(q("≧90%").to_string(), "≥90%");
        assert_eq!(q("≤ 635.78 万元").to_string(), "≤635.78万元");
    }
}
