//! Checklists: items each worth points ("①有内部财务管理制度…，2分；②…"); a person judges
//! each item, so the rule is explained but never scored.

use super::lexer::{clauses, find_points, tokens};
use super::{FormulaCells, Points, RuleKind, Scored, Shape, ShapeRule};
use crate::quantity::text::fmt_num;
use crate::quantity::Quantity;
use rust_decimal::Decimal;

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub text: String,
    pub points: Decimal,
}

/// The items of a checklist rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist(pub Vec<ChecklistItem>);

impl std::ops::Deref for Checklist {
    type Target = Vec<ChecklistItem>;
    fn deref(&self) -> &Vec<ChecklistItem> {
        &self.0
    }
}

/// Words that make clauses degrees of one criterion (全部完成 / 部分完成, 按期 / 延期, 满意 /
/// 基本满意), each an alternative to the others, rather than items adding up.
const DEGREE_WORDS: &[&str] = &[
    "部分", "基本", "全部", "完全", "全面", "较", "一般", "接近", "优秀", "良好", "合格", "中等",
    "未", "不", "否则", "没有", "无", "其余", "其他", "延", "逾期", "滞后", "推迟", "提前", "超",
    "以上", "以下", "以内", "低于", "高于", "每",
];

/// A checklist: items marked ① ② …, or clauses each giving points for a criterion of its own
/// ("有制度得4分，执行到位得6分": the points add up to the full marks).
pub(super) fn parse(s: &str) -> Option<RuleKind> {
    parse_marked(s).or_else(|| parse_unmarked(s))
}

/// "有制度得4分，执行到位得6分": two or more clauses giving points, none a degree of another
/// nor holding a threshold number; a clause giving nothing ("否则不得分") adds no item. A clause
/// worth fewer points than one before it reads as a lesser outcome of the same criterion
/// ("当年完成得6分，次年完成得3分", "市级表彰得5分，区级表彰得3分"): alternatives, no checklist.
fn parse_unmarked(s: &str) -> Option<RuleKind> {
    let mut out: Vec<ChecklistItem> = Vec::new();
    for c in clauses(s) {
        let text = c.cond.trim_matches([',', ':']).to_string();
        match c.points {
            Points::Abs(v) if v.is_zero() => continue,
            Points::Abs(v) => {
                let chars: Vec<char> = text.chars().collect();
                let degree = DEGREE_WORDS.iter().any(|w| text.contains(w));
                let lesser = out.last().is_some_and(|before| v < before.points);
                if text.is_empty() || degree || lesser || !tokens(&chars).is_empty() {
                    return None;
                }
                out.push(ChecklistItem { text, points: v });
            }
            _ => return None,
        }
    }
    (out.len() >= 2).then_some(RuleKind::Checklist(Checklist(out)))
}

/// "①有内部财务管理制度…，2分；②有本部门厉行节约制度，2分；…".
fn parse_marked(s: &str) -> Option<RuleKind> {
    const MARKS: &[char] = &['①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧', '⑨', '⑩'];
    // The leading ① was trimmed by folding; items are separated by the other marks.
    let items: Vec<&str> = s.split(MARKS).filter(|x| !x.is_empty()).collect();
    if items.len() < 2 || !s.chars().any(|c| MARKS.contains(&c)) {
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        let chars: Vec<char> = item.trim_end_matches([';', ',', '。']).chars().collect();
        // The item ends with its points: "…，2分" or "…得2分".
        let (start, end, points) = find_points(&chars)?;
        if end != chars.len() {
            return None;
        }
        let Points::Abs(v) = points else {
            return None;
        };
        let text: String = chars[..start].iter().collect();
        let text = text.trim_end_matches([',', ':']).to_string();
        // Threshold numbers make it tiers, not a checklist.
        if tokens(&text.chars().collect::<Vec<_>>())
            .iter()
            .any(|t| t.percent)
        {
            return None;
        }
        out.push(ChecklistItem { text, points: v });
    }
    Some(RuleKind::Checklist(Checklist(out)))
}

impl ShapeRule for Checklist {
    fn shape(&self) -> Shape {
        Shape::Checklist
    }

    fn stated_full(&self, _text: &str) -> Option<Decimal> {
        Some(self.iter().map(|i| i.points).sum())
    }

    fn explain(&self) -> String {
        let list: Vec<String> = self
            .iter()
            .enumerate()
            .map(|(i, it)| format!("{}. {} {}分", i + 1, it.text, fmt_num(it.points)))
            .collect();
        format!(
            "逐项计分（共{}分，需逐项人工判断）：{}",
            fmt_num(self.iter().map(|i| i.points).sum()),
            list.join("；")
        )
    }

    fn cell_values(
        &self,
        _target: Option<&Quantity>,
        _actual: &Quantity,
    ) -> Option<(Decimal, Option<Decimal>)> {
        None
    }

    fn score(
        &self,
        _target: Option<&Quantity>,
        _actual: &Quantity,
        _weight: Decimal,
    ) -> Option<Scored> {
        None
    }

    fn excel_formula(&self, _cells: &FormulaCells) -> Option<String> {
        None
    }

    fn scorability(&self) -> (bool, &'static str) {
        (false, "否：逐项内容需人工判断")
    }
}
