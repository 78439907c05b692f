//! Reads free label/value cells (the fund rows, goals and totals of the performance forms,
//! footers): each value is found beside its row label, under its column label, at their
//! crossing, or written into the label itself ("其中：一般公共预算：3,660.33").

use super::column_year::columns_year;
use super::unheaded::HeldCell;
use super::{strip_parens, with_year, Reader};
use crate::cellref::{a1, Place};
use crate::expr::Val;
use crate::form::{ColKind, GridCellDef, Severity};
use crate::layout::{Content, Layout, Placed};
use crate::normalize::{key_with_offsets, label_key, parse_amount, strip_ordinal, Amount};
use crate::quantity::text::fmt_num;
use crate::read::Cell;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// How a value cell of the definition is labelled in the blank template.
struct Labels {
    left: Option<String>,
    up: Option<String>,
    /// Index among the value cells between this one and its row label on the same row
    /// (总分 | 100 | 97: the 得分 is the second value beside 总分).
    nth: usize,
    /// Other spellings a filled workbook may use (the cell's `aliases`, years filled in): of
    /// its column label when it has one, else of its row label.
    alts: Vec<String>,
    /// The column words of its `row·column` aliases (总分·自评得分): a header of the table
    /// above names the column the value stands in.
    columns_above: Vec<String>,
    /// The column words of the `row·column` aliases of every cell read with it: a header
    /// row naming some of them is the header its value's column is named in, if anywhere.
    sibling_columns: Vec<String>,
}

/// The placed cell covering (r, c) inside the rows `rows`.
fn text_at(layout: &Layout, rows: (u32, u32), r: u32, c: u16) -> Option<&Placed> {
    layout.cells.iter().find(|p| {
        p.row >= rows.0 && p.row <= r && r < p.row + p.rows && p.col <= c && c < p.col + p.cols
    })
}

fn text_of(p: &Placed) -> Option<String> {
    match &p.content {
        Content::Text(t) if !t.trim().is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// The labels of value cell `id`, looked for only inside its block's rows `rows`: a label of
/// another block is never this cell's (厉行节约保障措施 is not under 批复规模).
fn labels(layout: &Layout, id: &str, rows: (u32, u32), alts: Vec<String>) -> Option<Labels> {
    let (r, c) = layout.addr.get_key(id)?;
    let left_cell = layout
        .cells
        .iter()
        .filter(|p| p.row >= rows.0 && p.row <= r && r < p.row + p.rows && p.col + p.cols <= c)
        .filter(|p| text_of(p).is_some())
        .max_by_key(|p| p.col);
    let left = left_cell.and_then(text_of);
    let mut up = None;
    let mut rr = r;
    while rr > rows.0 {
        rr -= 1;
        match text_at(layout, rows, rr, c) {
            Some(p) if matches!(p.content, Content::Cell(_)) => continue,
            Some(p) if text_of(p).is_some() && p.row + p.rows <= r => {
                // A heading over the row label as well as the value (按收入性质分： over
                // 其中：一般公共预算 | value) is a section title, not the value's column label.
                let over_left =
                    left_cell.is_some_and(|l| p.col < l.col + l.cols && l.col < p.col + p.cols);
                if !over_left {
                    up = text_of(p);
                }
                break;
            }
            _ => break,
        }
    }
    let label_end = left_cell.map_or(0, |p| p.col + p.cols);
    let nth = layout
        .addr
        .iter()
        .filter(|&(_, _, (r2, c2))| r2 == r && c2 < c && c2 >= label_end)
        .count();
    let keys: Vec<String> = left.iter().chain(up.iter()).map(|l| label_key(l)).collect();
    let columns_above = alts
        .iter()
        .filter_map(|a| a.split_once('·'))
        .filter(|(row, _)| {
            left.as_deref()
                .is_some_and(|l| label_key(l) == label_key(row))
        })
        .map(|(_, column)| label_key(column))
        .collect();
    let alts = alts
        .into_iter()
        .filter(|a| !a.contains('·') && !keys.contains(&label_key(a)))
        .collect();
    Some(Labels {
        left,
        up,
        nth,
        alts,
        columns_above,
        sibling_columns: Vec::new(),
    })
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

/// The value written after `label` and a colon inside one cell ("其中：一般公共预算：3,660.33",
/// "填表人：彭紫叶 填报日期：2024年5月25日 …"), up to the next known label followed by a colon;
/// cut from the original text, so its spacing survives. None when the cell is not
/// `label：…`.
fn embedded_after(text: &str, label: &str, known: &[Vec<char>]) -> Option<String> {
    let chars = key_with_offsets(text);
    let key: Vec<char> = chars.iter().map(|(c, _)| *c).collect();
    let lab: Vec<char> = label.chars().collect();
    let labelled_at = |p: usize| {
        p + lab.len() < key.len() && key[p..p + lab.len()] == lab[..] && key[p + lab.len()] == ':'
    };
    if lab.is_empty() {
        return None;
    }
    // At the start of the cell; or further on in a line of labelled values ("填表人：… 填报
    // 日期：…"), i.e. a cell that starts with a known label and its colon.
    let line_of_values = known.iter().any(|k| {
        k.len() >= 2 && k.len() < key.len() && key[..k.len()] == k[..] && key[k.len()] == ':'
    });
    let at = if labelled_at(0) {
        0
    } else if line_of_values {
        (1..key.len()).find(|&p| labelled_at(p))?
    } else {
        return None;
    };
    let start = at + lab.len() + 1;
    let next_label = (start..key.len()).find(|&p| {
        known.iter().any(|k| {
            k.len() >= 2
                && p + k.len() <= key.len()
                && key[p..p + k.len()] == k[..]
                && (p + k.len() == key.len() || key[p + k.len()] == ':')
        })
    });
    let byte = |i: usize| chars.get(i).map_or(text.len(), |(_, b)| *b);
    let end = next_label.map_or(text.len(), byte);
    Some(text[byte(start).min(end)..end].trim().to_string())
}

fn find_label(
    rd: &Reader,
    key: &str,
    known: &[Vec<char>],
    from: u32,
    to: u32,
) -> Option<(u32, u16, Option<String>)> {
    let bare = strip_parens(key);
    for r in from..to.min(rd.sheet.height()) {
        for (c, cell) in rd.sheet.row(r) {
            if rd.sheet.is_covered(r, c) {
                continue;
            }
            let Cell::Text(t) = cell else {
                continue;
            };
            let k = label_key(t);
            // "1.项目年度目标完成情况": a label numbered on the form is the label.
            if k == key || strip_parens(&k) == bare || strip_ordinal(&k) == key {
                return Some((r, c, None));
            }
            for lk in [key, bare.as_str()] {
                if let Some(rest) = embedded_after(t, lk, known) {
                    return Some((r, c, Some(rest)));
                }
            }
        }
    }
    None
}

/// The last column of the label at (r, c): its merged cell's, or — a merge undone with its
/// text copied into each cell it spanned (人员经费合计 | 人员经费合计 | 299.85) — the last of
/// the cells right of it repeating its text.
fn last_col(rd: &Reader, r: u32, c: u16) -> u16 {
    if let Some(m) = rd.sheet.merge_at(r, c) {
        return m.last_col;
    }
    let Some(key) = rd.text_key(r, c) else {
        return c;
    };
    let mut end = c;
    while rd.sheet.merge_at(r, end + 1).is_none() && rd.text_key(r, end + 1) == Some(key.clone()) {
        end += 1;
    }
    end
}

fn last_row(rd: &Reader, r: u32, c: u16) -> u32 {
    rd.sheet.merge_at(r, c).map_or(r, |m| m.last_row)
}

/// Read the value cells of some grid rows from sheet rows `from..to`; `bi` is the block the
/// rows belong to (None: the signature line). Returns the row after the last one used.
pub(crate) fn read_cells(
    rd: &mut Reader,
    rows: &[Vec<GridCellDef>],
    bi: Option<usize>,
    from: u32,
    to: u32,
) -> u32 {
    let known = all_labels(rd);
    let known_chars: Vec<Vec<char>> = known.iter().map(|k| k.chars().collect()).collect();
    let range = match bi {
        Some(b) => rd.blank.block_rows.get(b).copied(),
        None => rd.blank.signature_rows,
    }
    .unwrap_or((0, u32::MAX));
    let mut end = from;
    let ids: Vec<(String, ColKind, Vec<String>)> = rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            GridCellDef::Cell {
                id: Some(id),
                kind,
                aliases,
                ..
            } => Some((id.clone(), kind.unwrap_or(ColKind::Amount), aliases.clone())),
            _ => None,
        })
        .collect();
    let siblings: Vec<String> = (ids.iter().flat_map(|(_, _, aliases)| aliases))
        .filter_map(|a| a.split_once('·'))
        .map(|(_, column)| label_key(column))
        .collect();
    for (id, kind, aliases) in ids {
        let year = columns_year(rd);
        let alts = aliases
            .iter()
            .filter_map(|a| with_year(a, year.as_deref()))
            .collect();
        let Some(mut lab) = labels(&rd.blank, &id, range, alts) else {
            continue;
        };
        lab.sibling_columns.clone_from(&siblings);
        let Some(at) = locate(rd, &lab, &known, &known_chars, from, to) else {
            continue;
        };
        let (val, r, c) = match at {
            Found::Cell(r, c) => {
                let cell = rd.sheet.shown(r, c).clone();
                let val = rd.cell_value(&cell, kind, r, c, &id, true);
                let labels = (&known, known_chars.as_slice());
                let folded = folded_rows(rd, (&lab, r), labels, (from, to), kind);
                (with_folded(rd, val, folded, (r, c), &lab), r, c)
            }
            Found::Embedded(r, c, text) => (
                rd.cell_value(&Cell::Text(text), kind, r, c, &id, true),
                r,
                c,
            ),
            Found::Unheaded(r, after) => {
                let label = (lab.up.as_deref().map(str::trim))
                    .or(lab.columns_above.first().map(String::as_str))
                    .map_or_else(|| id.clone(), str::to_string);
                rd.held_cells.push(HeldCell {
                    id,
                    label,
                    row: r,
                    after,
                });
                end = end.max(r + 1);
                continue;
            }
        };
        rd.consume(r, c);
        end = end.max(last_row(rd, r, c) + 1);
        // Where the cell is, even empty: a finding about it ("应为 …，但未填写") names it.
        rd.data.origin.insert(id.clone(), Place::at(r, c));
        if val != Val::Blank {
            rd.data.grid.insert(id, val);
        }
    }
    super::unheaded::settle_grid(rd);
    end
}

/// The rule of figures a row of the form takes in from rows it has no cells for.
pub const FOLDED_ROW: &str = "folded-row";

/// The figures of the rows the vocabulary folds into a value cell's row (财政专户管理资金 and
/// 单位资金 into 其他资金), each in the cell's column: (its label, where, its value).
fn folded_rows(
    rd: &mut Reader,
    (lab, target): (&Labels, u32),
    (known, known_chars): (&HashSet<String>, &[Vec<char>]),
    (from, to): (u32, u32),
    kind: ColKind,
) -> Vec<(String, u32, u16, Val)> {
    let left = lab.left.as_deref().map(label_key).unwrap_or_default();
    let words = rd.vocab.folded_into(&left).to_vec();
    let mut out = Vec::new();
    for word in words {
        let folded = Labels {
            left: Some(word.clone()),
            up: lab.up.clone(),
            nth: lab.nth,
            alts: Vec::new(),
            columns_above: Vec::new(),
            sibling_columns: Vec::new(),
        };
        let Some(Found::Cell(r, c)) = locate(rd, &folded, known, known_chars, from, to) else {
            continue;
        };
        if rd.consumed.contains(&(r, c)) || is_a_part_of(rd, target, r) {
            continue;
        }
        let cell = rd.sheet.shown(r, c).clone();
        let val = rd.cell_value(&cell, kind, r, c, &word, true);
        out.push((word, r, c, val));
    }
    out
}

/// Whether sheet row `r` is a part of the target row `target` above it: a 其中 list starts
/// between them (`其他资金` / `其中：财政专户管理资金` / `单位资金`), so its figure is in the
/// target's already.
fn is_a_part_of(rd: &Reader, target: u32, r: u32) -> bool {
    let rows = (target + 1..=r).flat_map(|n| rd.sheet.row(n));
    let texts = rows.filter_map(|(_, cell)| cell.as_text());
    texts.map(label_key).any(|k| k.starts_with("其中"))
}

/// A cell's value with the figures of its folded rows added (their cells taken), and an info
/// naming them; the value alone when none has one. A blank cell or one marked as holding
/// nothing (—, /) counts as 0 under them. A cell holding a text, or a folded row holding one,
/// is not added to: the folded cell stays, reported as a stray.
fn with_folded(
    rd: &mut Reader,
    val: Val,
    folded: Vec<(String, u32, u16, Val)>,
    (r, c): (u32, u16),
    lab: &Labels,
) -> Val {
    let mut total = match val {
        Val::Num(n) => n,
        Val::Blank | Val::Nothing => Decimal::ZERO,
        _ => return val,
    };
    let mut said = Vec::new();
    for (word, fr, fc, v) in folded {
        match v {
            Val::Num(n) if !n.is_zero() => {
                total += n;
                said.push(format!("{}（{word}）{}", a1(fr, fc), fmt_num(n)));
            }
            Val::Num(_) | Val::Blank | Val::Nothing => {}
            _ => continue,
        }
        rd.consume(fr, fc);
    }
    if said.is_empty() {
        return val;
    }
    let label = lab.left.as_deref().map_or("", str::trim);
    let message = format!(
        "{} {}（{label}）：本表没有单列的行，其数额计入{label}：{}；{label}按 {} 核对",
        rd.form.table_no,
        a1(r, c),
        said.join("，"),
        fmt_num(total)
    );
    rd.notice(Severity::Info, FOLDED_ROW, r, c, message);
    Val::Num(total)
}

enum Found {
    Cell(u32, u16),
    Embedded(u32, u16, String),
    /// The row label was found at this row, but no header naming the value's column: the
    /// value stands somewhere from this column on, which is not known.
    Unheaded(u32, u16),
}

fn locate(
    rd: &mut Reader,
    lab: &Labels,
    known: &HashSet<String>,
    known_chars: &[Vec<char>],
    from: u32,
    to: u32,
) -> Option<Found> {
    let (lefts, ups) = label_keys(lab);
    let lefts = with_label_synonyms(rd, lefts);
    let ups = with_synonyms(rd, ups);
    let has_left = lab.left.as_ref().is_some_and(|l| !label_key(l).is_empty());
    if !has_left {
        return below_up_label(rd, &ups, known, known_chars, from, to);
    }
    let (lr, lc, embedded) = lefts
        .iter()
        .find_map(|l| find_label(rd, l, known_chars, from, to))?;
    for c in lc..=last_col(rd, lr, lc) {
        rd.consume(lr, c);
    }
    if let Some(rest) = embedded {
        // The value is written into the label cell itself.
        return Some(Found::Embedded(lr, lc, rest));
    }
    if let Some(found) = at_crossing(rd, &ups, known, known_chars, from, (lr, lc)) {
        return found;
    }
    let columns_above = with_synonyms(rd, lab.columns_above.clone());
    let siblings = with_synonyms(rd, lab.sibling_columns.clone());
    let unheaded = Some(Found::Unheaded(lr, last_col(rd, lr, lc) + 1));
    // A value the form heads by its column, whose header the sheet does not print: the nth
    // value beside the label would be another column's in any other order.
    match under_header_above(rd, known, (&columns_above, &siblings), (lr, lc)) {
        Above::Cell(found) => Some(found),
        Above::Without if !columns_above.is_empty() => unheaded,
        _ if !ups.is_empty() => unheaded,
        _ => {
            take_line_numbers_beside(rd, (lr, lc));
            beside_label(rd, known, (lr, lc), lab.nth)
        }
    }
}

/// Reads as nothing the row numbers right of the label at (lr, lc) in columns of 行次 or 序号
/// (see [`in_line_number_column`]): the row's place, not a value outside the form.
fn take_line_numbers_beside(rd: &mut Reader, (lr, lc): (u32, u16)) {
    let beside = last_col(rd, lr, lc) + 1;
    let numbers: Vec<u16> = (rd.sheet.row(lr))
        .filter(|&(c, cell)| c >= beside && matches!(parse_amount(cell), Amount::Value(_)))
        .map(|(c, _)| c)
        .filter(|&c| in_line_number_column(rd, lr, c))
        .collect();
    for c in numbers {
        rd.consume(lr, c);
    }
}

/// Column label keys followed by the vocabulary's words of one meaning with them (全年预算
/// for 全年预算数, 权重 for 分值), tried after the labels themselves.
fn with_synonyms(rd: &Reader, keys: Vec<String>) -> Vec<String> {
    let mut out = keys.clone();
    for s in keys.iter().flat_map(|k| rd.vocab.synonyms_of(k)) {
        push_new(&mut out, s.clone());
    }
    out
}

/// Adds `k` to `keys` unless it is there already.
fn push_new(keys: &mut Vec<String>, k: String) {
    if !keys.contains(&k) {
        keys.push(k);
    }
}

/// Row label keys followed by the words of one meaning with them, each also after 其中：
/// when the label has it, and the label without its 其中： ("其中:当年财政拨款" is read from
/// "其中：本年财政拨款" and "当年财政拨款" too).
fn with_label_synonyms(rd: &Reader, keys: Vec<String>) -> Vec<String> {
    let mut out = keys.clone();
    for k in &keys {
        let (prefix, word) = k
            .strip_prefix("其中:")
            .map_or(("", k.as_str()), |w| ("其中:", w));
        if !prefix.is_empty() {
            push_new(&mut out, word.to_string());
        }
        for s in rd.vocab.label_synonyms_of(word) {
            push_new(&mut out, format!("{prefix}{s}"));
            push_new(&mut out, s.clone());
        }
    }
    out
}

/// How far above its label a total row looks for the header naming its column.
const HEADER_ABOVE: u32 = 200;

/// How many text rows above the nearest header row its header may reach (a header of two
/// levels).
const HEADER_LEVELS: u32 = 2;

/// What the header above a row label tells of a value's column.
enum Above {
    /// The value's cell (empty or not).
    Cell(Found),
    /// The nearest header above names the row's other columns, not this one's.
    Without,
    /// No header above names any column of the row.
    Nothing,
}

/// Beside the label at (lr, lc), in the column the nearest header above names (`columns`:
/// 总分's 分值 and 自评得分 under the indicator table's headers, in whatever order the unit
/// put them): the cell there (empty or not), unless it holds a label. The nearest header is
/// the nearest row naming a column of the row (`siblings`), with the text rows just over it;
/// a header further up (the 资金 header over 权重 | 得分) is another table's.
fn under_header_above(
    rd: &Reader,
    known: &HashSet<String>,
    (columns, siblings): (&[String], &[String]),
    (lr, lc): (u32, u16),
) -> Above {
    let beside = last_col(rd, lr, lc) + 1;
    let naming = |r: u32, words: &[String]| {
        rd.sheet
            .row(r)
            .filter(|&(c, _)| c >= beside && !rd.sheet.is_covered(r, c))
            .find(|&(c, _)| rd.text_key(r, c).is_some_and(|k| names_one_of(&k, words)))
            .map(|(c, _)| c)
    };
    let rows = lr.saturating_sub(HEADER_ABOVE)..lr;
    let Some(nearest) = rows.rev().find(|&r| naming(r, siblings).is_some()) else {
        return Above::Nothing;
    };
    let band = (nearest.saturating_sub(HEADER_LEVELS)..=nearest)
        .rev()
        .take_while(|&r| r == nearest || !row_has_number(rd, r));
    let found = band.into_iter().find_map(|r| naming(r, columns));
    match found {
        Some(c) if !is_label(rd, known, lr, c) => Above::Cell(Found::Cell(lr, c)),
        Some(_) => Above::Nothing,
        None => Above::Without,
    }
}

/// Whether a header cell's key names one of `words`, as it is or without its bracketed
/// unit or note (权重（%） names 权重).
fn names_one_of(key: &str, words: &[String]) -> bool {
    words.iter().any(|w| w == key) || words.contains(&strip_parens(key))
}

/// Whether sheet row `r` shows a number.
fn row_has_number(rd: &Reader, r: u32) -> bool {
    rd.sheet
        .row(r)
        .any(|(_, cell)| matches!(cell, Cell::Number(_)))
}

/// The keys of a cell's left labels and of its up labels (its other spellings count as up
/// labels when it has one, else as left labels).
fn label_keys(lab: &Labels) -> (Vec<String>, Vec<String>) {
    let keys = |v: Vec<&String>| -> Vec<String> {
        v.into_iter()
            .map(|l| label_key(l))
            .filter(|k| !k.is_empty())
            .collect()
    };
    let has_up = lab.up.as_ref().is_some_and(|u| !label_key(u).is_empty());
    let lefts = keys(
        lab.left
            .iter()
            .chain(lab.alts.iter().filter(|_| !has_up))
            .collect(),
    );
    let ups = keys(
        lab.up
            .iter()
            .chain(lab.alts.iter().filter(|_| has_up))
            .collect(),
    );
    (lefts, ups)
}

/// Whether cell (r, c) holds a label of the form rather than a value.
fn is_label(rd: &Reader, known: &HashSet<String>, r: u32, c: u16) -> bool {
    rd.text_key(r, c).is_some_and(|k| {
        known.contains(&k)
            || known.contains(&strip_parens(&k))
            || k.ends_with(':')
            // "项目支出：1,907.88" — another label with its value written in.
            || known.iter().any(|l| {
                l.chars().count() >= 2
                    && k.strip_prefix(l.as_str()).is_some_and(|s| s.starts_with(':'))
            })
    })
}

/// The value under the first up label found near the left label at (lr, lc): the crossing,
/// or the first value below a label the left label spans. `Some` when an up label is found
/// (with none when no value lies there), `None` when none is.
fn at_crossing(
    rd: &mut Reader,
    ups: &[String],
    known: &HashSet<String>,
    known_chars: &[Vec<char>],
    from: u32,
    (lr, lc): (u32, u16),
) -> Option<Option<Found>> {
    let (ur, uc, _) = ups
        .iter()
        .find_map(|u| find_label(rd, u, known_chars, from.min(lr).saturating_sub(4), lr + 1))?;
    rd.consume(ur, uc);
    let mut r = lr.max(last_row(rd, ur, uc) + 1);
    while r <= last_row(rd, lr, lc).max(lr) + 2 && r < rd.sheet.height() {
        if !rd.sheet.get(r, uc).is_empty() && !is_label(rd, known, r, uc) {
            return Some(Some(Found::Cell(r, uc)));
        }
        if r >= last_row(rd, lr, lc) && rd.sheet.get(r, uc).is_empty() && r >= lr {
            return Some(Some(Found::Cell(r, uc)));
        }
        r += 1;
    }
    Some(None)
}

/// Beside the label at (lr, lc): the nth non-empty cell to its right that is not a label.
fn beside_label(
    rd: &Reader,
    known: &HashSet<String>,
    (lr, lc): (u32, u16),
    nth: usize,
) -> Option<Found> {
    let sheet = rd.sheet;
    let beside = last_col(rd, lr, lc) + 1;
    let mut seen = 0;
    for (c, _) in sheet.row(lr).filter(|&(c, _)| c >= beside) {
        if sheet.is_covered(lr, c) {
            continue;
        }
        if is_label(rd, known, lr, c) {
            return None;
        }
        if in_line_number_column(rd, lr, c) {
            continue;
        }
        if seen == nth {
            return Some(Found::Cell(lr, c));
        }
        seen += 1;
    }
    None
}

/// Whether (r, c) stands in a column of 行次 or 序号 (the nearest text above it that is no
/// whole number is such a header, as over a 科目 list whose 人员经费合计 row ends it): the
/// row's number there is no value of the row.
fn in_line_number_column(rd: &Reader, r: u32, c: u16) -> bool {
    let whole = |t: &str| !t.is_empty() && t.chars().all(|ch| ch.is_ascii_digit());
    let header = (r.saturating_sub(HEADER_ABOVE)..r)
        .rev()
        .filter_map(|above| rd.text_key(above, c))
        .find(|k| !whole(k));
    header.is_some_and(|k| {
        k == "行次"
            || rd.vocab.synonyms_of("行次").contains(&k)
            || rd.vocab.serial_headers.contains(&k)
    })
}

/// A cell with only an up label: the first value within three rows below the first of its
/// up labels found in rows `from..to`.
fn below_up_label(
    rd: &mut Reader,
    ups: &[String],
    known: &HashSet<String>,
    known_chars: &[Vec<char>],
    from: u32,
    to: u32,
) -> Option<Found> {
    let (ur, uc, _) = ups
        .iter()
        .find_map(|u| find_label(rd, u, known_chars, from, to))?;
    rd.consume(ur, uc);
    let mut r = last_row(rd, ur, uc) + 1;
    while r < (ur + 4).min(rd.sheet.height()) {
        if !rd.sheet.get(r, uc).is_empty() && !is_label(rd, known, r, uc) {
            return Some(Found::Cell(r, uc));
        }
        r += 1;
    }
    None
}

/// Reads grid block `bi` below `start`; a block found nowhere there is looked for between the
/// table's top lines (`top`) and `start`, the reading going on at `start` (Sichuan prints the
/// 年度目标 above the funds, the form below them). Returns the row after the block.
pub(crate) fn read_grid(rd: &mut Reader, bi: usize, top: u32, start: u32) -> u32 {
    let end = read_grid_in(rd, bi, start, rd.sheet.height());
    if end == start && top < start {
        read_grid_in(rd, bi, top, start);
    }
    end
}

/// Reads grid block `bi` from sheet rows `start..to`; returns the row after its last value.
fn read_grid_in(rd: &mut Reader, bi: usize, start: u32, to: u32) -> u32 {
    let rows = rd.form.blocks[bi].grid.clone();
    let end = read_cells(rd, &rows, Some(bi), start, to);
    // Labels of rows whose values are all blank (a fresh template) lie beyond the last value
    // found: the block spans at least as many rows as the form draws it with.
    let drawn = rd
        .blank
        .block_rows
        .get(bi)
        .map_or(0, |&(s, e)| e.saturating_sub(s));
    consume_labels(rd, &rows, start, end.max(start + drawn).min(to));
    note_remark_cells(rd, start..end);
    end
}

/// A column headed 备注 or 原因 beside a block's values over `rows` (Sichuan's funds print
/// 原因 with its explanation merged down the fund rows): its texts are remarks on their rows,
/// kept where they are and noted rather than warned about (see `read_rest`).
fn note_remark_cells(rd: &mut Reader, rows: std::ops::Range<u32>) {
    for r in rows.clone() {
        let headers: Vec<u16> = (rd.sheet.shown_cols(r).into_iter())
            .filter(|&c| !rd.consumed.contains(&(r, c)))
            .filter(|&c| {
                let key = rd.text_key(r, c).map(|k| strip_parens(&k));
                key.is_some_and(|k| rd.vocab.remark_headers.contains(&k))
            })
            .collect();
        for c in headers {
            rd.consume(r, c);
            for r2 in r + 1..rows.end {
                for c2 in c..=last_col(rd, r, c) {
                    if matches!(rd.sheet.get(r2, c2), Cell::Text(t) if !t.trim().is_empty()) {
                        rd.remark_cells.insert((r2, c2));
                    }
                }
            }
        }
    }
}

pub(crate) fn read_signature(rd: &mut Reader) {
    let row = vec![rd.form.signature.clone()];
    let h = rd.sheet.height();
    read_cells(rd, &row, None, 0, h);
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
    // The words of one meaning with them too (预算执行情况 for 项目资金, 合计 for 总分).
    let synonyms = keys
        .iter()
        .flat_map(|k| [k.clone(), strip_parens(k)])
        .flat_map(|k| rd.vocab.label_synonyms_of(&k).to_vec());
    let keys: HashSet<String> = synonyms.chain(keys.iter().cloned()).collect();
    for r in from..to.min(rd.sheet.height()) {
        for c in rd.sheet.shown_cols(r) {
            if rd.text_key(r, c).is_some_and(|k| {
                [strip_parens(&k), strip_ordinal(&k), k]
                    .iter()
                    .any(|k| keys.contains(k))
            }) {
                rd.consume(r, c);
            }
        }
    }
}
