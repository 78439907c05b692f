//! Subtotal rows inside a list (a 小计 under each 一级指标, a 合计 under the indicators): they
//! add up rows above them, so they are no rows of the list. Each is checked against the rows
//! it adds up and told, and its cells are taken so that nothing is left unread.
//!
//! A part of the table reader (only `Walk::read_slot` uses it).

use super::{own_keys_in, Slot};
use crate::expr::Val;
use crate::form::{ColKind, Panel, Severity};
use crate::model::{RowData, RowKind};
use crate::normalize::{label_key, strip_ordinal};
use crate::quantity::text::fmt_num;
use crate::recognize::is_placeholder;
use crate::recognize::Reader;
use rust_decimal::Decimal;

/// A subtotal row's figure: its column id, the column's label, its sheet column and value.
type Figure = (String, String, u16, Decimal);

/// The rule of a subtotal row read inside a list.
pub const SUBTOTAL_ROW: &str = "subtotal-row";

/// What a subtotal row adds up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// 小计: the rows of the group above it (its 一级指标, its project).
    Group,
    /// 合计, 总计: every row of the list above it.
    List,
}

/// The reach of a subtotal word: `小计`, `合计`, `总计`, or a short name ending in one
/// (`产出指标小计`, `指标合计`). A numbered name (`3、合计`, `(2)小计`) is an item of the
/// list, no subtotal.
fn reach_of(key: &str) -> Option<Reach> {
    const MOST_CHARS: usize = 10;
    if key.chars().count() > MOST_CHARS || is_numbered(key) {
        return None;
    }
    if key.ends_with("小计") {
        Some(Reach::Group)
    } else if key.ends_with("合计") || key.ends_with("总计") {
        Some(Reach::List)
    } else {
        None
    }
}

/// Whether a key starts with a list item's number (`3、`, `(2)`, `二、`), not with 其中.
fn is_numbered(key: &str) -> bool {
    let bare = strip_ordinal(key);
    bare.len() < key.len() && key.ends_with(bare.as_str()) && !key.starts_with("其中")
}

/// Where row `r` is a subtotal row of `slot`'s list: the column of its subtotal word and what
/// it adds up. The row's own texts in the list's text columns hold a subtotal word, its
/// label column (三级指标) holds nothing else, and the text columns after the label column
/// (年度指标值, 实际完成值) hold no content: a row that has some is an item named so. The word
/// itself repeated across the row (a 合计 merged over every text column) is no content.
fn subtotal_at(rd: &Reader, slot: &Slot, r: u32) -> Option<(u16, Reach)> {
    let list = slot.panel.list.as_ref()?;
    let mut texts = own_keys_in(rd, slot, r, |c| c.kind == ColKind::Text);
    texts.extend(spread_over(rd, slot, r));
    texts.extend(left_of_list(rd, slot, r));
    let (id, c, word, reach) = texts
        .iter()
        .find_map(|(id, c, k)| reach_of(k).map(|reach| (id, *c, k, reach)))?;
    let of_word = |i: &String, k: &String| i == id || k == word;
    let label = list.label_column.as_deref();
    let label_clear = texts
        .iter()
        .all(|(i, _, k)| Some(&**i) != label || of_word(i, k));
    let content = content_columns(slot.panel, label);
    let no_content = texts.iter().all(|(i, at, k)| {
        of_word(i, k)
            || !content.contains(&i.as_str())
            || is_placeholder(&rd.sheet.shown(r, *at).to_string())
    });
    (label_clear && no_content).then_some((c, reach))
}

/// The list's text columns of row `r` that a merge starting on this row covers (a 合计 merged
/// over A24:F24): each shows the merge's text, placed at the merge's first column. A figure
/// spread over a text column (自评得分 merged over the 偏差原因 column) is no text of the row.
fn spread_over(rd: &Reader, slot: &Slot, r: u32) -> Vec<(String, u16, String)> {
    let text_columns = slot
        .panel
        .columns
        .iter()
        .filter(|c| c.kind == ColKind::Text);
    let figure_at = |c: u16| {
        let figures = slot
            .panel
            .columns
            .iter()
            .filter(|col| col.kind != ColKind::Text);
        figures
            .filter_map(|col| slot.cols.get(&*col.id))
            .any(|&at| at == c)
    };
    text_columns
        .filter_map(|col| Some((col, *slot.cols.get(&*col.id)?)))
        .filter_map(|(col, c)| {
            let merge = rd.sheet.merge_at(r, c)?;
            let spread =
                merge.first_row == r && merge.first_col != c && !figure_at(merge.first_col);
            let key = rd.text_key(r, c).filter(|_| spread)?;
            Some((col.id.to_string(), merge.first_col, key))
        })
        .collect()
}

/// A text of row `r` left of every column of the list (合计 written in the column of the side
/// label 绩效指标, which the merge of that label stops above): no column of the panel, so its
/// id is empty.
fn left_of_list(rd: &Reader, slot: &Slot, r: u32) -> Option<(String, u16, String)> {
    let first = slot.cols.values().copied().min()?;
    let c = (0..first).find(|&c| !rd.sheet.is_covered(r, c) && rd.text_key(r, c).is_some())?;
    let key = rd
        .text_key(r, c)
        .filter(|_| !rd.consumed.contains(&(r, c)))?;
    Some((String::new(), c, key))
}

/// The text columns after a list's label column: what an item of the list says of itself.
fn content_columns<'p>(panel: &'p Panel, label: Option<&str>) -> Vec<&'p str> {
    panel
        .columns
        .iter()
        .skip_while(|col| Some(&*col.id) != label)
        .skip(1)
        .filter(|col| col.kind == ColKind::Text)
        .map(|col| &*col.id)
        .collect()
}

/// Reads row `r` as a subtotal of `slot`'s list when it is one: its cells are taken, its
/// figures compared with the rows it adds up, and a finding says what was done. True when
/// the row was a subtotal row.
pub(super) fn read_subtotal(rd: &mut Reader, slot: &Slot, r: u32) -> bool {
    let Some((word_col, reach)) = subtotal_at(rd, slot, r) else {
        return false;
    };
    let word = rd.sheet.shown(r, word_col).to_string();
    let figures = figures_of(rd, slot, r);
    for &c in slot.cols.values() {
        rd.consume(r, c);
    }
    rd.consume(r, word_col);
    let rows = added_rows(rd, slot.panel, reach);
    let group = match reach {
        Reach::Group => group_name(slot.panel, &rows),
        Reach::List => String::new(),
    };
    let below = total_below(rd, r, &word);
    let said: Vec<String> = (figures.iter())
        .map(|(_, label, _, v)| format!("{label} {}", fmt_num(*v)))
        .collect();
    let (off, restated) = compared(rd, &figures, (&rows, &group), below.as_ref());
    let table = &rd.form.table_no;
    let (severity, c, message) = match off {
        Some((c, gap)) => (
            Severity::Warning,
            c,
            format!(
                "{table}第 {} 行“{}”是小计行：{gap}；小计行不计入各行与总分，请核对",
                r + 1,
                word.trim()
            ),
        ),
        None => (
            Severity::Info,
            word_col,
            format!(
                "{table}第 {} 行“{}”是小计行（{}），不计入各行与总分{}",
                r + 1,
                word.trim(),
                if said.is_empty() {
                    "未填数".to_string()
                } else {
                    said.join("，")
                },
                if rows.is_empty() || said.is_empty() {
                    String::new()
                } else if restated {
                    "；与下一行的总数相同，按该总数核对".to_string()
                } else {
                    format!("；与其上{group}各行之和一致")
                },
            ),
        ),
    };
    rd.notice(severity, SUBTOTAL_ROW, r, c, message);
    true
}

/// Where subtotal `figures` neither add up to the list's `rows` (of `group`) nor restate the
/// total `below`: the first such figure's column and what each of them says; and whether
/// `below` restates them all.
fn compared(
    rd: &Reader,
    figures: &[Figure],
    (rows, group): (&[RowData], &str),
    below: Option<&(u32, String)>,
) -> (Option<(u16, String)>, bool) {
    let mut off = None;
    let mut restated = below.is_some() && !figures.is_empty();
    for (col, label, c, v) in figures {
        let sum: Decimal = rows.iter().map(|row| row.get(col).num()).sum();
        let adds_up = rows.is_empty() || sum == *v;
        let mut gap = format!(
            "{label} {}，其上{group}各行之和为 {}",
            fmt_num(*v),
            fmt_num(sum)
        );
        let restates = below.is_some_and(|(n, name)| {
            let there = rd.sheet.shown(*n, *c).as_number();
            let shown = there.map_or_else(|| "空白".to_string(), fmt_num);
            gap.push_str(&format!("，下一行“{name}”为 {shown}"));
            there == Some(*v)
        });
        if !(adds_up || restates) {
            match &mut off {
                None => off = Some((*c, gap)),
                Some((_, said)) => *said = format!("{said}；{gap}"),
            }
        }
        restated &= restates;
    }
    (off, restated)
}

/// The next row when it is a total under a label of the same meaning as subtotal row `r`'s
/// word (总分 below 合计), with its label: the subtotal is then that total restated, and is
/// compared with it, not with the list alone (总分 counts 预算执行率 too).
fn total_below(rd: &Reader, r: u32, word: &str) -> Option<(u32, String)> {
    let word = label_key(word);
    let next = (r + 1..rd.sheet.height()).find(|&n| rd.sheet.row(n).next().is_some())?;
    let same_meaning = |k: &String| rd.vocab.label_synonyms_of(k).contains(&word);
    let name = (rd.sheet.shown_cols(next).into_iter())
        .find_map(|c| rd.text_key(next, c).filter(same_meaning))?;
    Some((next, name))
}

/// The row's figures in the panel's value columns: (column id, its label, sheet column, value).
fn figures_of(rd: &mut Reader, slot: &Slot, r: u32) -> Vec<Figure> {
    let mut out = Vec::new();
    for col in slot
        .panel
        .columns
        .iter()
        .filter(|c| c.kind.is_value() && c.kind != ColKind::Text)
    {
        let Some(&c) = slot.cols.get(&*col.id) else {
            continue;
        };
        let label = col.label.as_deref().unwrap_or(&col.id).to_string();
        let cell = rd.sheet.shown(r, c).clone();
        let what = format_args!("小计·{label}");
        if let Val::Num(v) = rd.cell_value(&cell, col.kind, r, c, what, false) {
            out.push((col.id.to_string(), label, c, v));
        }
    }
    out
}

/// The list rows a subtotal adds up: every row of the panel read so far, or only those of the
/// last group (back to the row where the group column shows a new value).
fn added_rows(rd: &Reader, panel: &Panel, reach: Reach) -> Vec<RowData> {
    let rows: Vec<&RowData> = rd
        .data
        .rows
        .iter()
        .filter(|row| row.panel == panel.id && row.kind == RowKind::List)
        .collect();
    let group_by = panel.list.as_ref().and_then(|l| l.group_by.as_deref());
    let from = match (reach, group_by) {
        (Reach::Group, Some(g)) => group_start(&rows, g),
        _ => 0,
    };
    rows[from..].iter().map(|&row| row.clone()).collect()
}

/// Where the last group of `rows` starts: the last row whose group column shows a value unlike
/// the row's before it.
fn group_start(rows: &[&RowData], group_by: &str) -> usize {
    (1..rows.len())
        .rev()
        .find(|&i| {
            let v = rows[i].get(group_by);
            !v.is_blank() && rows[i - 1].get(group_by) != v
        })
        .unwrap_or(0)
}

/// How a message names the rows added up: the group's name in quotes, or nothing.
fn group_name(panel: &Panel, rows: &[RowData]) -> String {
    let group_by = panel.list.as_ref().and_then(|l| l.group_by.as_deref());
    match (group_by, rows.first()) {
        (Some(g), Some(row)) => match row.get(g) {
            Val::Text(t) => format!("“{}”", t.trim()),
            _ => String::new(),
        },
        _ => String::new(),
    }
}
