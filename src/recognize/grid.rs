//! Reads free label/value cells (the fund rows, goals and totals of the performance forms,
//! footers): each value is found beside its row label, under its column label, at their
//! crossing, or written into the label itself ("其中：一般公共预算：3,660.33").

use super::{strip_parens, Reader};
use crate::expr::Val;
use crate::form::{ColKind, GridCellDef, Severity};
use crate::layout::{Content, Layout};
use crate::normalize::{a1, label_key, parse_amount, parse_rate, Amount};
use crate::read::Cell;
use std::collections::HashSet;

/// How a value cell of the definition is labelled in the blank template.
struct Labels {
    left: Option<String>,
    up: Option<String>,
    /// Index among the value cells sharing the same left label and no column label.
    nth: usize,
}

fn text_at(layout: &Layout, r: u32, c: u16) -> Option<&crate::layout::Placed> {
    layout
        .cells
        .iter()
        .find(|p| p.row <= r && r < p.row + p.rows && p.col <= c && c < p.col + p.cols)
}

fn labels(layout: &Layout, id: &str) -> Option<Labels> {
    let &(r, c) = layout.addr.get(id)?;
    let left = layout
        .cells
        .iter()
        .filter(|p| p.row <= r && r < p.row + p.rows && p.col + p.cols <= c)
        .filter(|p| matches!(&p.content, Content::Text(t) if !t.trim().is_empty()))
        .max_by_key(|p| p.col)
        .and_then(|p| match &p.content {
            Content::Text(t) => Some(t.clone()),
            _ => None,
        });
    let mut up = None;
    let mut rr = r;
    while rr > 0 {
        rr -= 1;
        match text_at(layout, rr, c).map(|p| &p.content) {
            Some(Content::Cell(_)) => continue,
            Some(Content::Text(t))
                if !t.trim().is_empty()
                    && text_at(layout, rr, c).is_some_and(|p| p.row + p.rows <= r) =>
            {
                up = Some(t.clone());
                break;
            }
            _ => break,
        }
    }
    // Value cells between this one and its row label share that label: 总分 | 100 | 97.
    let label_end = layout
        .cells
        .iter()
        .filter(|p| p.row <= r && r < p.row + p.rows && p.col + p.cols <= c)
        .filter(|p| matches!(&p.content, Content::Text(t) if !t.trim().is_empty()))
        .map(|p| p.col + p.cols)
        .max()
        .unwrap_or(0);
    let nth = if up.is_none() {
        layout
            .addr
            .iter()
            .filter(|(_, &(r2, c2))| r2 == r && c2 < c && c2 >= label_end)
            .count()
    } else {
        0
    };
    Some(Labels { left, up, nth })
}

/// Keys of every label of the form's grids (a value beside a label is never another label).
fn all_labels(rd: &Reader) -> HashSet<String> {
    rd.blank
        .cells
        .iter()
        .filter_map(|p| match &p.content {
            Content::Text(t) => Some(label_key(t)),
            _ => None,
        })
        .filter(|k| !k.is_empty())
        .collect()
}

fn find_label(rd: &Reader, key: &str, from: u32, to: u32) -> Option<(u32, u16, Option<String>)> {
    let bare = strip_parens(key);
    for r in from..to {
        for c in 0..rd.sheet.width() {
            if rd
                .sheet
                .merge_at(r, c)
                .is_some_and(|m| (m.first_row, m.first_col) != (r, c))
            {
                continue;
            }
            let Cell::Text(t) = rd.sheet.get(r, c) else {
                continue;
            };
            let k = label_key(t);
            if k == key || strip_parens(&k) == bare {
                return Some((r, c, None));
            }
            // "其中：一般公共预算：3,660.33" — the value written after the label.
            for lk in [key, bare.as_str()] {
                if let Some(rest) = k.strip_prefix(lk).and_then(|s| s.strip_prefix(':')) {
                    return Some((r, c, Some(rest.to_string())));
                }
            }
        }
    }
    None
}

fn last_col(rd: &Reader, r: u32, c: u16) -> u16 {
    rd.sheet.merge_at(r, c).map_or(c, |m| m.last_col)
}

fn last_row(rd: &Reader, r: u32, c: u16) -> u32 {
    rd.sheet.merge_at(r, c).map_or(r, |m| m.last_row)
}

/// Read the value cells of some grid rows from sheet rows `from..to`; returns the row after
/// the last one used.
pub(crate) fn read_cells(rd: &mut Reader, rows: &[Vec<GridCellDef>], from: u32, to: u32) -> u32 {
    let known = all_labels(rd);
    let mut end = from;
    let ids: Vec<(String, ColKind)> = rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            GridCellDef::Cell {
                id: Some(id), kind, ..
            } => Some((id.clone(), kind.unwrap_or(ColKind::Amount))),
            _ => None,
        })
        .collect();
    for (id, kind) in ids {
        let Some(lab) = labels(&rd.blank, &id) else {
            continue;
        };
        let Some(at) = locate(rd, &lab, &known, from, to) else {
            continue;
        };
        let (val, r, c) = match at {
            Found::Cell(r, c) => {
                let cell = rd.sheet.shown(r, c).clone();
                (value_of(rd, &cell, kind, r, c, &id), r, c)
            }
            Found::Embedded(r, c, text) => (value_of(rd, &Cell::Text(text), kind, r, c, &id), r, c),
        };
        rd.consume(r, c);
        end = end.max(last_row(rd, r, c) + 1);
        if val != Val::Blank {
            rd.data.grid.insert(id.clone(), val);
            rd.data.origin.insert(id, a1(r, c));
        }
    }
    end
}

enum Found {
    Cell(u32, u16),
    Embedded(u32, u16, String),
}

fn locate(
    rd: &mut Reader,
    lab: &Labels,
    known: &HashSet<String>,
    from: u32,
    to: u32,
) -> Option<Found> {
    let left = lab
        .left
        .as_ref()
        .map(|l| label_key(l))
        .filter(|k| !k.is_empty());
    let up = lab
        .up
        .as_ref()
        .map(|l| label_key(l))
        .filter(|k| !k.is_empty());
    let is_label = |rd: &Reader, r: u32, c: u16| {
        rd.text_key(r, c).is_some_and(|k| {
            known.contains(&k) || known.contains(&strip_parens(&k)) || k.ends_with(':')
        })
    };
    match (left, up) {
        (Some(l), up) => {
            let (lr, lc, embedded) = find_label(rd, &l, from, to)?;
            rd.consume(lr, lc);
            if let Some(rest) = embedded {
                if up.is_none() {
                    return Some(Found::Embedded(lr, lc, rest));
                }
            }
            if let Some(u) = up {
                if let Some((ur, uc, _)) =
                    find_label(rd, &u, from.min(lr).saturating_sub(4), lr + 1)
                {
                    rd.consume(ur, uc);
                    // The crossing, or the first value below a label the left label spans.
                    let mut r = lr.max(last_row(rd, ur, uc) + 1);
                    while r <= last_row(rd, lr, lc).max(lr) + 2 && r < rd.sheet.height() {
                        if !rd.sheet.get(r, uc).is_empty() && !is_label(rd, r, uc) {
                            return Some(Found::Cell(r, uc));
                        }
                        if r >= last_row(rd, lr, lc) && rd.sheet.get(r, uc).is_empty() && r >= lr {
                            return Some(Found::Cell(r, uc));
                        }
                        r += 1;
                    }
                    return None;
                }
            }
            // Beside the label: the nth non-empty cell to its right that is not a label.
            let mut c = last_col(rd, lr, lc) + 1;
            let mut seen = 0;
            while c < rd.sheet.width() {
                if !rd.sheet.get(lr, c).is_empty() {
                    if is_label(rd, lr, c) {
                        return None;
                    }
                    if seen == lab.nth {
                        return Some(Found::Cell(lr, c));
                    }
                    seen += 1;
                }
                c = last_col(rd, lr, c) + 1;
            }
            None
        }
        (None, Some(u)) => {
            let (ur, uc, _) = find_label(rd, &u, from, to)?;
            rd.consume(ur, uc);
            let mut r = last_row(rd, ur, uc) + 1;
            while r < (ur + 4).min(rd.sheet.height()) {
                if !rd.sheet.get(r, uc).is_empty() && !is_label(rd, r, uc) {
                    return Some(Found::Cell(r, uc));
                }
                r += 1;
            }
            None
        }
        (None, None) => None,
    }
}

fn value_of(rd: &mut Reader, cell: &Cell, kind: ColKind, r: u32, c: u16, id: &str) -> Val {
    let amount = match kind {
        ColKind::Text => {
            return match cell {
                Cell::Text(t) if !t.trim().is_empty() => Val::Text(t.trim().to_string()),
                Cell::Empty | Cell::Text(_) => Val::Blank,
                other => Val::Text(other.to_string()),
            }
        }
        ColKind::Rate => parse_rate(cell),
        _ => parse_amount(cell),
    };
    match amount {
        Amount::Blank => Val::Blank,
        Amount::Nothing => Val::Nothing,
        Amount::Value(d) => Val::Num(d),
        Amount::Invalid(t) => {
            rd.notice(
                Severity::Error,
                "not-a-number",
                r,
                c,
                format!(
                    "{} {}（{id}）应为数字，实为“{t}”；请填写数字，没有数据请留空或填“——”",
                    rd.form.table_no,
                    a1(r, c)
                ),
            );
            Val::Text(t)
        }
    }
}

pub(crate) fn read_grid(rd: &mut Reader, bi: usize, start: u32) -> u32 {
    let rows = rd.form.blocks[bi].grid.clone();
    let end = read_cells(rd, &rows, start, rd.sheet.height());
    consume_labels(rd, &rows, start, end);
    end
}

pub(crate) fn read_signature(rd: &mut Reader) {
    let row = vec![rd.form.signature.clone()];
    let h = rd.sheet.height();
    read_cells(rd, &row, 0, h);
    consume_labels(rd, &row, 0, h);
}

/// Mark the definition's own label texts found in the rows as read.
fn consume_labels(rd: &mut Reader, rows: &[Vec<GridCellDef>], from: u32, to: u32) {
    let keys: HashSet<String> = rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            GridCellDef::Text(t) | GridCellDef::Cell { text: Some(t), .. } => Some(label_key(t)),
            _ => None,
        })
        .filter(|k| !k.is_empty())
        .collect();
    for r in from..to.min(rd.sheet.height()) {
        for c in 0..rd.sheet.width() {
            if rd
                .text_key(r, c)
                .is_some_and(|k| keys.contains(&k) || keys.contains(&strip_parens(&k)))
            {
                rd.consume(r, c);
            }
        }
    }
}
